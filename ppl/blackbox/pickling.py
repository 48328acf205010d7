"""Sending user functions to worker processes: by value when their module cannot be imported there.

Chains run with ``mp_ctx="spawn"``/``"forkserver"`` or on an executor receive the model by value
(:mod:`ppl.sampling.parallel` uses cloudpickle). cloudpickle already sends functions defined in
``__main__`` (scripts, notebooks) and closures by value, but a function from any other module
goes by reference (module name + qualified name), which fails in the worker when that module is
not importable there, e.g. a test module imported by pytest's ``importlib`` mode or a file run
with ``runpy``. :func:`pack_function` sends such functions by value too, and
:func:`unpack_function` turns a failure in the worker into an error that names the function and
suggests a fix.
"""

import importlib.machinery
import importlib.util
import sys
from collections.abc import Callable

import cloudpickle

from ppl.exceptions import ModelError

__all__ = ["pack_function", "unpack_function", "function_label"]

_HINT = (
    "Hint: define the function at the top level of an importable module, make the objects it "
    "uses picklable, or sample with cores=1 (or the default mp_ctx='fork' on Linux, which "
    "sends nothing)."
)


def function_label(fn) -> str:
    """``module.qualname`` of a function (or the repr of another callable), for messages."""
    name = getattr(fn, "__qualname__", None) or getattr(fn, "__name__", None)
    if name is None:
        return repr(fn)
    module = getattr(fn, "__module__", None)
    return f"{module}.{name}" if module else name


def _importable(module_name: str | None) -> bool:
    """Whether a fresh process could import ``module_name`` by name."""
    if module_name is None or module_name == "__main__":
        return False
    module = sys.modules.get(module_name)
    if module is None:
        return False
    # The top-level package must be found on sys.path itself: find_spec of a dotted name would
    # also accept a parent package that only sys.modules knows (pytest's importlib mode imports
    # test modules that way), which a fresh worker process cannot import.
    top = module_name.partition(".")[0]
    if top not in sys.builtin_module_names and importlib.machinery.PathFinder.find_spec(top, sys.path) is None:
        return False
    try:
        spec = importlib.util.find_spec(module_name)
    except (ImportError, ValueError):
        return False
    if spec is None:
        return False
    here = getattr(module, "__file__", None)
    return here is None or spec.origin == here


def pack_function(fn: Callable | None, *, owner: str) -> bytes | None:
    """Serialise ``fn`` with cloudpickle, by value if its module is not importable by name.

    Parameters
    ----------
    fn
        The function (or any callable object); None passes through.
    owner
        What holds it (e.g. ``"blackbox op 'loglike'"``), for the error message.

    Returns
    -------
    bytes or None
        The payload for :func:`unpack_function`.

    Raises
    ------
    ModelError
        If the function cannot be pickled; the message names it and suggests a fix.

    Examples
    --------
    >>> payload = pack_function(abs, owner="an example")
    >>> unpack_function(payload, owner="an example")(-2)
    2
    """
    if fn is None:
        return None
    module_name = getattr(fn, "__module__", None)
    by_value = (
        module_name not in (None, "__main__", "builtins")
        and module_name in sys.modules
        and not _importable(module_name)
    )
    module = sys.modules.get(module_name) if by_value else None
    try:
        if by_value:
            cloudpickle.register_pickle_by_value(module)
        try:
            return cloudpickle.dumps(fn)
        finally:
            if by_value:
                cloudpickle.unregister_pickle_by_value(module)
    except Exception as err:  # noqa: BLE001 - every failure gets the same advice
        raise ModelError(
            f"{owner}: function {function_label(fn)} cannot be sent to worker processes "
            f"({type(err).__name__}: {err}). {_HINT}"
        ) from err


def unpack_function(payload: bytes | None, *, owner: str) -> Callable | None:
    """Rebuild a function packed by :func:`pack_function` (in a worker process).

    Raises
    ------
    ModelError
        If it cannot be rebuilt (e.g. a module it needs is missing in the worker).
    """
    if payload is None:
        return None
    try:
        return cloudpickle.loads(payload)
    except Exception as err:  # noqa: BLE001 - every failure gets the same advice
        raise ModelError(
            f"{owner}: its function cannot be rebuilt in this process "
            f"({type(err).__name__}: {err}). {_HINT}"
        ) from err
