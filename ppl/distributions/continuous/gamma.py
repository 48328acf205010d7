"""Gamma distribution."""

import numpy as np
import pytensor.tensor as pt
from pytensor.tensor.random.basic import _gamma

from ppl.distributions.continuous._base import (
    PositiveContinuous,
    check_positive,
    resolve_alternatives,
)
from ppl.distributions.distribution import as_float, batch_broadcast
from ppl.logprob.checks import check_parameters

__all__ = ["Gamma"]


def log_regularized_gamma_cdf(alpha, x):
    """``log P(alpha, x)``; in the upper tail ``log1p(-Q(alpha, x))`` keeps it accurate."""
    lower = pt.gammainc(alpha, x)
    return pt.switch(lower < 0.5, pt.log(lower), pt.log1p(-pt.gammaincc(alpha, x)))


class Gamma(PositiveContinuous):
    r"""Gamma distribution (shape and rate).

    .. math:: f(x \mid \alpha, \beta) =
              \frac{\beta^{\alpha} x^{\alpha-1} e^{-\beta x}}{\Gamma(\alpha)}

    ========  ===============================
    Support   :math:`x \in [0, \infty)`
    Mean      :math:`\alpha / \beta`
    Variance  :math:`\alpha / \beta^2`
    ========  ===============================

    Alternatively, with mean :math:`\mu` and standard deviation :math:`\sigma`:
    :math:`\alpha = \mu^2/\sigma^2` and :math:`\beta = \mu/\sigma^2`.

    Parameters
    ----------
    alpha
        Shape, > 0 (with ``beta``).
    beta
        Rate, > 0 (with ``alpha``).
    mu
        Mean, > 0 (with ``sigma``).
    sigma
        Standard deviation, > 0 (with ``mu``).

    Returns
    -------
    TensorVariable
        The random variable (registered in the model when created with a name).

    Raises
    ------
    ParameterValueError
        If the parameters given are not ``alpha`` and ``beta`` or ``mu`` and ``sigma``, or a
        literal parameter is not positive.

    Examples
    --------
    >>> import ppl
    >>> with ppl.Model():
    ...     g = ppl.Gamma("g", alpha=2.0, beta=0.5)
    """

    rv_op = _gamma

    @classmethod
    def dist(cls, alpha=None, beta=None, mu=None, sigma=None, **kwargs):
        group = resolve_alternatives(
            {"alpha": alpha, "beta": beta, "mu": mu, "sigma": sigma},
            [("alpha", "beta"), ("mu", "sigma")],
        )
        if group == ("alpha", "beta"):
            check_positive("alpha", alpha)
            check_positive("beta", beta)
            alpha, scale = as_float(alpha), 1.0 / as_float(beta)
        else:
            check_positive("mu", mu)
            check_positive("sigma", sigma)
            mu, sigma = as_float(mu), as_float(sigma)
            variance = check_parameters(pt.square(sigma), mu > 0, sigma > 0, msg="mu > 0, sigma > 0")
            alpha, scale = pt.square(mu) / variance, variance / mu
        return super().dist([alpha, scale], **kwargs)

    @staticmethod
    def support_point(rv, size, alpha, scale):
        return batch_broadcast(alpha * scale, rv, size, alpha, scale)

    @staticmethod
    def logp(value, alpha, scale):
        res = (
            -pt.gammaln(alpha)
            - alpha * pt.log(scale)
            + pt.switch(pt.eq(alpha, 1.0), 0.0, (alpha - 1.0) * pt.log(value))
            - value / scale
        )
        # at x = inf the two last terms are inf - inf; the density is 0 there
        res = pt.switch((value >= 0) & pt.lt(value, np.inf), res, -np.inf)
        res = check_parameters(res, (scale > 0) & pt.isfinite(scale), msg="beta > 0")
        return check_parameters(res, alpha > 0, msg="alpha > 0")

    @staticmethod
    def logcdf(value, alpha, scale):
        res = log_regularized_gamma_cdf(alpha, pt.maximum(value, 0.0) / scale)
        res = pt.switch(value >= 0, res, -np.inf)
        res = check_parameters(res, (scale > 0) & pt.isfinite(scale), msg="beta > 0")
        return check_parameters(res, alpha > 0, msg="alpha > 0")
