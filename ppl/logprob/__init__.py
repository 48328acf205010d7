"""Log-densities: per-op registries (``dispatch``), parameter checks and the joint model logp."""

from ppl.logprob.dispatch import icdf, logcdf, logp

__all__ = ["logp", "logcdf", "icdf"]
