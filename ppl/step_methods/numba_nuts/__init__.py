"""NUTS compiled with Numba: the whole warm-up and sampling loop runs without Python.

The sampler boundary is a Numba function ``logp_dlogp(x, grad_out) -> logp`` on a flat float64
vector (for a ppl model, :func:`ppl.compiled.numba_fn.numba_logp_dlogp` builds it); the kernel
is compiled once for that function type and cached on disk.
"""

from ppl.step_methods.numba_nuts.driver import NumbaNUTSResult, sample_nuts_numba
from ppl.step_methods.numba_nuts.kernel import LOGP_DLOGP_SIGNATURE, LOGP_DLOGP_TYPE

__all__ = ["LOGP_DLOGP_SIGNATURE", "LOGP_DLOGP_TYPE", "NumbaNUTSResult", "sample_nuts_numba"]
