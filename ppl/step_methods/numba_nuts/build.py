"""Compiling the NUTS kernel: its signature, Numba's disk cache, one compilation per process.

:func:`~ppl.step_methods.numba_nuts.kernel.run_chunk` stays in ``kernel.py`` with every function
it calls: Numba's disk cache is invalidated by changes to the file that defines the compiled
function, not to files it imports from.
"""

import functools
import os
import warnings

from numba import njit, types
from numba.core.errors import NumbaExperimentalFeatureWarning

from ppl.step_methods.numba_nuts.kernel import _JIT, LOGP_DLOGP_TYPE, run_chunk

__all__ = ["chunk_kernel", "kernel_in_disk_cache"]

_CHUNK_SIGNATURE = types.int64(
    LOGP_DLOGP_TYPE,
    types.int64,  # data argument of the log-density
    types.NumPyRandomGeneratorType("NumPyRandomGeneratorType"),
    types.int64,  # start
    types.int64,  # stop
    types.int64,  # n_tune
    types.int64,  # adapt_mode
    types.int64,  # slow_start: first iteration whose draw adapts the metric
    types.int64,  # adapt_stop: end of the metric's adaptation
    types.int64[::1],  # window_ends (Stan) or switch iterations (running estimates)
    types.float64,  # target_accept
    types.int64,  # max_treedepth
    types.float64,  # max_error
    types.float64[::1],  # q
    types.float64[::1],  # grad
    types.float64[::1],  # inv_mass
    types.float64[:, ::1],  # Welford state, WELFORD_ROWS rows
    types.float64[::1],  # scalar state
    types.float64[:, ::1],  # draws
    types.float64[:, ::1],  # float stats
    types.int64[:, ::1],  # int stats
)


def kernel_in_disk_cache() -> bool:
    """Whether Numba's on-disk cache holds a compiled kernel (so :func:`chunk_kernel` loads it in
    a fraction of a second instead of compiling for 15-40 s). A heuristic on Numba's cache index;
    True when it cannot tell."""
    try:
        index = njit(**_JIT)(run_chunk)._cache._cache_file._index_path
    except AttributeError:  # Numba's private layout changed: assume cached, say nothing
        return True
    return os.path.exists(index)


@functools.cache
def chunk_kernel():
    """Return the compiled warm-up + sampling loop (compiled, or loaded from cache, once).

    Returns
    -------
    numba.core.registry.CPUDispatcher
        ``run_chunk(logp_dlogp, data, rng, start, stop, n_tune, adapt_mode, slow_start,
        adapt_stop, window_ends, target_accept, max_treedepth, max_energy_error, q, grad,
        inv_mass, welford, scalars, draws, float_stats, int_stats)`` runs iterations
        ``start <= i < stop`` in place and returns ``stop``;
        ``scalars[SCALAR_FIELDS.index("n_done")]`` counts finished ones. ``adapt_mode`` is one
        of ``ADAPT_STAN``, ``ADAPT_GRADIENT``, ``ADAPT_HYBRID`` (see the kernel module);
        ``welford`` has ``WELFORD_ROWS`` rows of the chain's dimension.
    """
    with warnings.catch_warnings():
        # Passing (function, data) pairs between the kernel's functions is Numba's first-class
        # function type, which Numba still calls experimental (it is tested here).
        warnings.simplefilter("ignore", NumbaExperimentalFeatureWarning)
        return njit(_CHUNK_SIGNATURE, **_JIT)(run_chunk)
