"""Tail-accurate log-probabilities of intervals, for truncation and censoring.

``log(F(b) - F(a))`` from log-CDFs is accurate while ``F`` is small, but in the upper tail both
CDFs round towards 1 (their logs towards 0). There the survival function is used instead:
``log(S(a) - S(b))``. ``log S`` is ``log1mexp(logcdf)``, which keeps full precision as long as
the log-CDF does (``log1p(-S)``); distributions registered in :data:`_logsf` (the normal) have a
direct form that also holds where ``S`` is below the smallest float.
"""

from functools import singledispatch

import numpy as np
import pytensor.tensor as pt
from pytensor.tensor.random.basic import NormalRV

from ppl.distributions.symbolic import component_logcdf
from ppl.logprob.dispatch import dist_params
from ppl.math import log1mexp, logdiffexp

__all__ = ["log_sf", "log_prob_between"]

LOG_HALF = float(np.log(0.5))


@singledispatch
def _logsf(op, value, *params):
    """Direct ``log(1 - F(value))`` for a base op, or None to use ``log1mexp(logcdf)``."""
    return None


@_logsf.register(NormalRV)
def _(op, value, mu, sigma):
    # log(erfc(t) / 2), t = z / sqrt(2): erfc is exact down to ~1e-308; beyond, erfc = erfcx e^-t^2
    t = (value - mu) / (sigma * np.sqrt(2.0))
    far = pt.switch(t > 26.0, t, 26.0)
    upper_tail = pt.switch(
        t > 26.0, pt.log(0.5 * pt.erfcx(far)) - far**2, pt.log(0.5 * pt.erfc(pt.minimum(t, 26.0)))
    )
    return pt.switch(t < 0.0, pt.log1p(-0.5 * pt.erfc(-t)), upper_tail)


def log_sf(base, value, role: str = "dist"):
    """``log P(X > value)`` for the random variable ``base``."""
    direct = _logsf(base.owner.op, value, *dist_params(base))
    if direct is not None:  # parameter checks: the callers also evaluate the base's logp/logcdf
        return direct
    return log1mexp(component_logcdf(base, value, role))


def log_prob_between(base, lower, upper, role: str = "dist"):
    """``log(F(upper) - F(lower))``, from the survival function where ``F(lower) > 1/2``."""
    log_cdf_lower = component_logcdf(base, lower, role)
    from_cdf = logdiffexp(component_logcdf(base, upper, role), log_cdf_lower)
    from_sf = logdiffexp(log_sf(base, lower, role), log_sf(base, upper, role))
    res = pt.switch(log_cdf_lower > LOG_HALF, from_sf, from_cdf)
    return pt.switch(lower >= upper, -np.inf, res)  # also lower = upper = -inf (no nan)
