"""Log-mass algebra shared by the zero-inflated and hurdle distributions.

Both put extra mass at zero on top of a *base* distribution (Poisson, NegativeBinomial, Binomial,
Gamma, LogNormal), with ``psi`` the probability of the base ("count") component, as in PyMC:

- zero-inflated: ``P(0) = (1 - psi) + psi f(0)`` and ``P(x) = psi f(x)`` otherwise;
- hurdle: ``P(0) = 1 - psi`` and, for ``x >= lower``, ``psi f(x) / P_base(X >= lower)``: the base
  truncated to ``x >= lower`` (``lower = 1`` for counts, machine epsilon for the continuous ones).

The base log-density and log-CDF come from the base distribution's registered functions
(:mod:`ppl.logprob.dispatch`); here they are combined in log space with ``log1p``/``log1mexp`` so
that neither tail loses precision.
"""

import warnings

import numpy as np
import pytensor.tensor as pt

from ppl.distributions.distribution import as_float
from ppl.logprob.checks import check_constant_parameter, check_parameters
from ppl.logprob.dispatch import dist_params, label_for
from ppl.math import log1mexp

__all__ = [
    "logaddexp",
    "resolve_psi",
    "check_psi",
    "base_params",
    "zero_inflated_logp",
    "zero_inflated_logcdf",
    "hurdle_logp",
    "hurdle_logcdf",
    "warn_free_hurdle",
]


def logaddexp(a, b):
    """``log(exp(a) + exp(b))``, exact when either or both are ``-inf``."""
    hi = pt.maximum(a, b)
    lo = pt.minimum(a, b)
    hi_safe = pt.switch(pt.isinf(hi), 0.0, hi)
    return pt.switch(pt.isneginf(hi), -np.inf, hi + pt.log1p(pt.exp(lo - hi_safe)))


def resolve_psi(psi):
    """``psi`` as a float64 tensor, checked eagerly to lie in [0, 1] when it is a literal."""
    check_constant_parameter("psi", psi, lambda v: (v >= 0) & (v <= 1), "0 <= psi <= 1")
    return as_float(psi)


def check_psi(res, psi):
    """Guard ``res`` with the run-time check ``0 <= psi <= 1``."""
    return check_parameters(res, (psi >= 0) & (psi <= 1), msg="0 <= psi <= 1")


def base_params(dist_cls, *args, **kwargs) -> list:
    """The op parameters of ``dist_cls.dist(*args, **kwargs)``.

    The base distribution converts its user-facing parameterisations (``mu``/``alpha`` or
    ``p``/``n``, ``sigma``/``tau``, ...) and checks literal values itself, with the error naming
    the outer distribution (the label in force). Only the parameters are kept: the variable built
    on the way never enters a graph.
    """
    return dist_params(dist_cls.dist(*args, **kwargs))


def zero_inflated_logp(value, psi, base_logp):
    """Log-mass of the zero-inflated distribution; ``base_logp`` is the base log-mass at ``value``."""
    log_psi = pt.log(psi)
    at_zero = logaddexp(pt.log1p(-psi), log_psi + base_logp)
    return pt.switch(pt.eq(value, 0), at_zero, log_psi + base_logp)


def zero_inflated_logcdf(value, psi, base_logcdf):
    """``log((1 - psi) + psi F(x))`` from the base log-CDF ``log F(x)``.

    Near 1 it is ``log1p(psi (F - 1))`` with ``F - 1 = expm1(log F)`` (accurate in the upper tail);
    elsewhere the two terms are added in log space.
    """
    shortfall = psi * pt.expm1(base_logcdf)  # -psi * P_base(X > x), in [-psi, 0]
    near_one = shortfall > -0.5
    upper = pt.log1p(pt.switch(near_one, shortfall, 0.0))
    lower = logaddexp(pt.log1p(-psi), pt.log(psi) + base_logcdf)
    return pt.switch(value < 0, -np.inf, pt.switch(near_one, upper, lower))


def hurdle_logp(value, psi, base_logp, log_norm, lower):
    """Log-density of the hurdle distribution.

    Parameters
    ----------
    value
        Where to evaluate.
    psi
        Probability of a non-zero value.
    base_logp
        Base log-density at ``value``.
    log_norm
        ``log P_base(X >= lower)``, the normaliser of the truncated base.
    lower
        Smallest non-zero value (1 for counts, machine epsilon for continuous bases).
    """
    nonzero = pt.switch(value >= lower, pt.log(psi) + base_logp - log_norm, -np.inf)
    return pt.switch(pt.eq(value, 0), pt.log1p(-psi), nonzero)


def hurdle_logcdf(value, psi, base_logcdf, log_norm, lower):
    """Log-CDF of the hurdle distribution, from the base log-CDF at ``value``.

    Above ``lower`` the survival function is ``psi P_base(X > x) / P_base(X >= lower)``; its log is
    formed first and ``log1mexp`` turns it into the log-CDF, accurate in both tails.
    """
    log_sf_base = log1mexp(pt.minimum(base_logcdf, 0.0))
    log_sf = pt.minimum(pt.log(psi) + log_sf_base - log_norm, 0.0)
    res = pt.switch(value < lower, pt.log1p(-psi), log1mexp(log_sf))
    return pt.switch(value < 0, -np.inf, res)


def warn_free_hurdle(rv) -> None:
    """Default "transform" of the continuous hurdles: none, with a warning (as PyMC warns).

    A free variable with a point mass at 0 and a density above it cannot be sampled by NUTS or
    any other gradient-based method: they never propose exactly 0.
    """
    warnings.warn(
        f"{label_for(rv)}: a free hurdle variable has a point mass at 0 and a density above it; "
        "gradient-based samplers (NUTS, HMC) never reach the point mass, so its draws would be "
        "wrong. Hint: use it for observed data, or model the zeros and the positive values with "
        "two variables.",
        UserWarning,
        stacklevel=2,
    )
    return None
