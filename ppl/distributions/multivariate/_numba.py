"""Numba kernels for multivariate ops, built per op instance (they may depend on its signature).

Like :func:`ppl.distributions.continuous._numba.register_numba_core`, but the decorated function
is a factory ``factory(op, jit) -> kernel``: ``kernel(rng, *core_params)`` returns one core draw
(an array with the op's support shape), and ``jit`` compiles helper functions the kernel calls.
Registration is skipped when Numba is not installed (the op's Python ``rng_fn`` is then used).
"""

import hashlib
import inspect
from collections.abc import Callable

__all__ = ["register_numba_kernel"]


def register_numba_kernel(op_type: type, *helpers: Callable) -> Callable:
    """Decorator registering ``factory`` as the Numba kernel builder of ``op_type``.

    ``helpers`` are the functions the kernel calls (compiled with ``jit``); their source is part
    of the cache key, so that editing one never serves a stale compiled kernel.
    """

    def register(factory: Callable) -> Callable:
        try:
            from pytensor.link.numba.dispatch import basic as numba_basic
            from pytensor.link.numba.dispatch.random import numba_core_rv_funcify
        except ImportError:  # no Numba: the Python rng_fn is used
            return factory
        sources = [inspect.getsource(f) for f in (factory, *helpers)]
        text = f"{op_type.__module__}.{op_type.__qualname__}:" + "\n".join(sources)
        cache_key = int(hashlib.sha256(text.encode()).hexdigest()[:15], 16)

        def funcify(op, node):
            return numba_basic.numba_njit(factory(op, numba_basic.numba_njit)), cache_key

        numba_core_rv_funcify.register(op_type)(funcify)
        return factory

    return register
