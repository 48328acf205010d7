"""Numba kernels for ppl's own random-variable ops (used by PyTensor's default Numba backend).

Without a registered kernel PyTensor runs an op's Python ``rng_fn`` in Numba object mode, which
is slow and warns. Registration is skipped when Numba is not installed.
"""

import hashlib
import inspect
from collections.abc import Callable

__all__ = ["register_numba_core"]


def register_numba_core(op_type: type) -> Callable:
    """Decorator: register ``fn(rng, *params) -> scalar`` as the Numba kernel of ``op_type``.

    ``fn`` must be Numba-compilable (``rng`` is a NumPy ``Generator``). Returns ``fn`` unchanged.
    """

    def register(fn: Callable) -> Callable:
        try:
            from pytensor.link.numba.dispatch import basic as numba_basic
            from pytensor.link.numba.dispatch.random import numba_core_rv_funcify
        except ImportError:  # no Numba: the Python rng_fn is used
            return fn
        # PyTensor caches compiled kernels on disk under this key: derive it from the source, so
        # that an edited kernel is never served from a stale cache
        source = f"{op_type.__module__}.{op_type.__qualname__}:{inspect.getsource(fn)}"
        cache_key = int(hashlib.sha256(source.encode()).hexdigest()[:15], 16)
        numba_core_rv_funcify.register(op_type)(
            lambda op, node: (numba_basic.numba_njit(fn), cache_key)
        )
        return fn

    return register
