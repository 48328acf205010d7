"""Replace PyTensor's Numba implementations of some op types, restorably, with an off-switch.

:mod:`ppl.compiled.vecmath` and :mod:`ppl.compiled.numba_layout` both take over how PyTensor's
Numba backend compiles a few op types. :class:`NumbaOverride` holds what they share: the
environment variable that disables it, registration with both of PyTensor's dispatchers (the
one with cache keys and the legacy one), and restoring what was registered before.
"""

import os
from collections.abc import Callable

from pytensor.link.numba.dispatch import basic as dispatch

__all__ = ["NumbaOverride"]

_OFF = {"0", "false", "no", "off"}


class NumbaOverride:
    """Implementations ``funcify(op, node=None, **kwargs) -> (numba function, cache key)``
    for some op types, each built by ``make(op_type, previous)`` from the implementation
    registered before (to delegate the cases it does not handle).

    Examples
    --------
    >>> override = NumbaOverride("PPL_EXAMPLE_SWITCH", lambda: {})
    >>> override.install(), override.installed
    (True, True)
    >>> override.uninstall(); override.installed
    False
    """

    def __init__(self, env_var: str, make: Callable[[], dict[type, Callable]]):
        self.env_var = env_var
        self._make = make
        self._saved: dict[type, tuple[Callable, Callable]] = {}
        self._active = False

    @property
    def installed(self) -> bool:
        return self._active

    def install(self) -> bool:
        """Register the implementations (idempotent). False, registering nothing, when the
        environment variable is ``0``, ``false``, ``no`` or ``off``."""
        if os.environ.get(self.env_var, "1").strip().lower() in _OFF:
            return False
        if self._active:
            return True
        for op_type, make_funcify in self._make().items():
            previous = dispatch.numba_funcify_and_cache_key.dispatch(op_type)
            self._saved[op_type] = (previous, dispatch.numba_funcify.dispatch(op_type))
            # Registers with both dispatchers (the legacy numba_funcify drops the key).
            dispatch.register_funcify_and_cache_key(op_type)(make_funcify(previous))
        self._active = True
        return True

    def uninstall(self) -> None:
        """Give the op types back to the implementations registered before :meth:`install`.

        An op type that inherited its implementation (e.g. ``Exp``, from ``ScalarOp``) then has
        that same function registered for itself: same dispatch, same cache keys.
        """
        for op_type, (previous, previous_legacy) in self._saved.items():
            dispatch.numba_funcify_and_cache_key.register(op_type)(previous)
            dispatch.numba_funcify.register(op_type)(previous_legacy)
        self._saved.clear()
        self._active = False
