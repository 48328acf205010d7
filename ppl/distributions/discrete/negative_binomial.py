"""Negative binomial distribution."""

import numpy as np
import pytensor.tensor as pt
from pytensor.tensor.random.basic import nbinom

from ppl.distributions.discrete._probability import is_integer, log_cdf_from_tails, xlogy0
from ppl.distributions.discrete.poisson import poisson_logp
from ppl.distributions.distribution import Discrete, as_float, batch_broadcast
from ppl.exceptions import ParameterValueError
from ppl.logprob.checks import check_constant_parameter, check_parameters, current_label

__all__ = ["NegativeBinomial"]

#: Above this ``n`` (= ``alpha``) the log-mass is the Poisson limit: the gamma-function
#: differences of the exact formula lose all precision there.
POISSON_LIMIT = 1e10


def _resolve_n_p(mu, alpha, p, n):
    label = current_label.get() or "NegativeBinomial"
    if n is not None and alpha is not None:
        raise ParameterValueError(f"{label}: give alpha or n, not both.")
    if p is not None and mu is not None:
        raise ParameterValueError(f"{label}: give mu or p, not both.")
    if n is None and alpha is None:
        raise ParameterValueError(f"{label}: give one of alpha or n.")
    if p is None and mu is None:
        raise ParameterValueError(f"{label}: give one of mu or p.")
    name = "alpha" if alpha is not None else "n"
    n = alpha if alpha is not None else n
    check_constant_parameter(name, n, lambda v: v > 0, f"{name} > 0")
    n = as_float(n)
    if p is not None:
        check_constant_parameter("p", p, lambda v: (v > 0) & (v <= 1), "0 < p <= 1")
        return n, as_float(p)
    check_constant_parameter("mu", mu, lambda v: (v >= 0) & np.isfinite(v), "0 <= mu < inf")
    return n, n / (as_float(mu) + n)


def _check(res, n, p):
    # n first (innermost): an invalid alpha also makes p = alpha / (mu + alpha) invalid, and the
    # error should name alpha rather than mu.
    res = check_parameters(res, n > 0, msg="alpha > 0 (n > 0)")
    return check_parameters(res, (p > 0) & (p <= 1), msg="0 < p <= 1 (0 <= mu < inf)")


class NegativeBinomial(Discrete):
    r"""Negative binomial distribution: failures before the ``n``-th success, or overdispersed counts.

    .. math:: f(x \mid n, p) = \frac{\Gamma(x + n)}{x!\,\Gamma(n)} p^n (1 - p)^x,
              \qquad p = \frac{\alpha}{\mu + \alpha},\ n = \alpha

    ========  ===================================================
    Support   :math:`x \in \mathbb{N}_0`
    Mean      :math:`\mu = n (1 - p) / p`
    Variance  :math:`\mu + \mu^2 / \alpha = n (1 - p) / p^2`
    ========  ===================================================

    Give ``(mu, alpha)`` or ``(p, n)`` (one of each pair). As ``alpha`` grows the distribution
    tends to ``Poisson(mu)``; above ``alpha = 1e10`` the Poisson log-mass is used.

    Parameters
    ----------
    mu
        Mean, >= 0.
    alpha
        Dispersion (shape), > 0. Mutually exclusive with ``n``.
    p
        Probability of success, in (0, 1]. Mutually exclusive with ``mu``.
    n
        Number of successes, > 0 (need not be an integer).

    Raises
    ------
    ParameterValueError
        If a pair is given twice or not at all (``alpha`` and ``n``, ``mu`` and ``p``), or a
        literal parameter is invalid.

    Examples
    --------
    >>> import ppl
    >>> with ppl.Model():
    ...     counts = ppl.NegativeBinomial("counts", mu=4.0, alpha=2.0)
    >>> round(float(ppl.logp(ppl.NegativeBinomial.dist(p=0.5, n=1.0), 0).eval()), 6)
    -0.693147
    """

    rv_op = nbinom

    @classmethod
    def dist(cls, mu=None, alpha=None, p=None, n=None, **kwargs):
        return super().dist(list(_resolve_n_p(mu, alpha, p, n)), **kwargs)

    @staticmethod
    def support_point(rv, size, n, p):
        mode = pt.floor(n * (1.0 - p) / p).astype("int64")
        return batch_broadcast(mode, rv, size, n, p)

    @staticmethod
    def logp(value, n, p):
        res = (
            pt.gammaln(value + n)
            - pt.gammaln(value + 1.0)
            - pt.gammaln(n)
            + n * pt.log(p)
            + xlogy0(value, pt.log1p(-p))
        )
        res = pt.switch((value >= 0) & is_integer(value), res, -np.inf)
        res = pt.switch(n > POISSON_LIMIT, poisson_logp(value, n * (1.0 - p) / p), res)
        return _check(res, n, p)

    @staticmethod
    def logcdf(value, n, p):
        k = pt.maximum(pt.floor(value), 0.0)
        cdf = pt.betainc(n, k + 1.0, p)
        sf = pt.betainc(k + 1.0, n, 1.0 - p)
        res = pt.switch(value < 0, -np.inf, log_cdf_from_tails(cdf, sf))
        return _check(res, n, p)
