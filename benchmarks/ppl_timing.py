"""Time stamps around each chain's sampling loop, without changing ppl's code.

``install()`` wraps ``ppl.sampling.parallel.sample_array`` (the warm-up + draws loop, called
after the chain's step method, and so its log-density, is compiled). Before starting the clock it
calls the step's log-density once at the start point: with the Numba backend the first call of a
freshly compiled function runs the JIT (up to ~17 s per model with a cold cache, ~0.15 s with a
warm on-disk cache), which is compile time, not sampling time. The call is pure (no random
numbers), so the draws are unchanged. The wrapper stores ``[warm_start, start, end]``
(``time.perf_counter()``, which on Linux is one clock for all processes) in the chain result's
``stats`` under :data:`KEY`; ``bench_nuts.py`` takes it out again before ppl turns
the results into an InferenceData. Worker processes call ``install`` as their executor's
initializer.
"""

import time

import numpy as np

import ppl.sampling.parallel as parallel

KEY = "_bench_stamps"
_original = parallel.sample_array


def _timed_sample_array(step, q0, **kwargs):
    warm_start = time.perf_counter()
    logp_dlogp_fn = getattr(step, "logp_dlogp_fn", None)
    if logp_dlogp_fn is not None:
        logp_dlogp_fn(np.asarray(q0, dtype=np.float64))
    start = time.perf_counter()
    result = _original(step, q0, **kwargs)
    result.stats[KEY] = np.array([warm_start, start, time.perf_counter()])
    return result


def install() -> None:
    """Replace ``sample_array`` in ``ppl.sampling.parallel`` by the timed wrapper (idempotent)."""
    parallel.sample_array = _timed_sample_array
