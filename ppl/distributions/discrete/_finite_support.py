"""Log-CDF of a discrete distribution on a finite support, by summing its log-masses.

BetaBinomial and HyperGeometric have no closed-form CDF (it is a generalised hypergeometric
function). Their supports are finite, ``0 <= x <= upper``, so the CDF is a finite sum: the
log-masses on ``0, ..., max(upper)`` are evaluated once for every element (one extra trailing axis)
and added in log space. The cost is ``O(max(upper))`` per element.
"""

import numpy as np
import pytensor.tensor as pt

from ppl.math import log1mexp, logsumexp

__all__ = ["log_cdf_by_summation"]


def log_cdf_by_summation(logpmf, value, upper, *params):
    """``log P(X <= value)`` for a distribution on ``{0, ..., upper}``.

    Parameters
    ----------
    logpmf
        ``logpmf(k, *params)``: log-mass (``-inf`` outside the support), elementwise.
    value
        Where to evaluate (non-integers are floored).
    upper
        Largest value of the support (elementwise; the sum runs to its maximum).
    *params
        Parameters of ``logpmf``.

    Returns
    -------
    TensorVariable
        The log-CDF; where it exceeds ``log(1/2)`` it is ``log1mexp`` of the upper tail's log-mass,
        so that it keeps its relative accuracy near 0.
    """
    k = pt.floor(value)
    # at least one point, so that invalid parameters reach their check instead of an empty max
    grid = pt.arange(pt.maximum(pt.max(upper), 0) + 1).astype("float64")
    padded = [pt.shape_padright(p) for p in params]
    terms = logpmf(grid, *padded)
    below = pt.le(grid, pt.shape_padright(k))
    terms = terms + pt.zeros_like(pt.shape_padright(k))  # broadcast over value's shape as well
    log_lower = logsumexp(pt.switch(below, terms, -np.inf), axis=-1, keepdims=False)
    log_upper = logsumexp(pt.switch(below, -np.inf, terms), axis=-1, keepdims=False)
    res = pt.switch(log_lower > np.log(0.5), log1mexp(pt.minimum(log_upper, 0.0)), log_lower)
    return pt.switch(k < 0, -np.inf, pt.switch(k >= upper, 0.0, res))
