"""Parameter checks inside log-density graphs.

``check_parameters`` wraps a log-density in an assertion that raises :class:`ParameterValueError`
when evaluated with invalid parameters, so a bad parameter is never a silent ``nan``. The message
names the distribution and the variable, taken from :data:`current_label` which
:mod:`ppl.logprob.dispatch` sets while it builds a variable's graph.
"""

import contextlib
import contextvars

import numpy as np
import pytensor.tensor as pt
from pytensor.graph.basic import Constant
from pytensor.raise_op import CheckAndRaise

from ppl.exceptions import ParameterValueError

__all__ = [
    "CheckParameterValue",
    "check_parameters",
    "check_constant_parameter",
    "current_label",
    "labelled",
]

#: Label of what is being built, e.g. ``"Normal 'sigma'"``; used in error messages.
current_label: contextvars.ContextVar[str] = contextvars.ContextVar("ppl_label", default="")


@contextlib.contextmanager
def labelled(label: str):
    """Set :data:`current_label` for the duration of the block."""
    token = current_label.set(label)
    try:
        yield
    finally:
        current_label.reset(token)


class CheckParameterValue(CheckAndRaise):
    """Assertion op raising :class:`ParameterValueError` with a fixed message."""

    def __init__(self, msg: str = ""):
        super().__init__(ParameterValueError, msg)


def check_parameters(expr, *conditions, msg: str):
    """Return ``expr``, guarded so that evaluating it raises if any condition is False.

    Parameters
    ----------
    expr
        The log-density (or other) graph to guard.
    *conditions
        Boolean tensors; all their elements must be True.
    msg
        The requirement in words, e.g. ``"sigma > 0"``.
    """
    if not conditions:
        return expr
    label = current_label.get()
    full = f"{label}: parameters must satisfy {msg}." if label else f"parameters must satisfy {msg}."
    all_true = pt.all([pt.all(c) for c in conditions]) if len(conditions) > 1 else pt.all(conditions[0])
    return CheckParameterValue(full)(expr, all_true)


def _constant_value(x):
    """The NumPy value of ``x`` if it is known without evaluation, else None."""
    if isinstance(x, Constant):
        return np.asarray(x.data)
    if isinstance(x, (int, float, bool, np.number, np.ndarray, list, tuple)):
        try:
            return np.asarray(x, dtype=float)
        except (TypeError, ValueError):
            return None
    return None


def _show(values: np.ndarray) -> str:
    if values.ndim == 0:
        return repr(float(values)) if values.dtype.kind == "f" else repr(values.item())
    if values.size <= 6:
        return np.array2string(values, separator=", ")
    return np.array2string(values.ravel()[:6], separator=", ")[:-1] + ", ...]"


def check_constant_parameter(name: str, value, condition, requirement: str) -> None:
    """Raise at definition time if a literal parameter breaks its requirement.

    Symbolic parameters are left to :func:`check_parameters` at evaluation time.

    Parameters
    ----------
    name
        Parameter name as the user wrote it (``"sigma"``).
    value
        The parameter: a literal, array, constant or symbolic tensor.
    condition
        NumPy-vectorised predicate that is True where the value is valid.
    requirement
        The requirement in words, e.g. ``"sigma > 0"``.

    Raises
    ------
    ParameterValueError
        ``Normal 'x': parameter sigma is -1.0, expected sigma > 0.``
    """
    data = _constant_value(value)
    if data is None:
        return
    with np.errstate(invalid="ignore"):
        ok = np.asarray(condition(data), dtype=bool) & ~np.isnan(data)
    if ok.all():
        return
    bad = data[~ok] if data.ndim else data
    label = current_label.get() or "distribution"
    where = "" if data.ndim == 0 else f" (at {int((~ok).sum())} of {data.size} entries)"
    raise ParameterValueError(
        f"{label}: parameter {name} is {_show(np.asarray(bad))}{where}, expected {requirement}."
    )
