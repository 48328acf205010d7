"""InverseGamma distribution."""

import numpy as np
import pytensor.tensor as pt
from pytensor.tensor.random.basic import invgamma

from ppl.distributions.continuous._base import (
    PositiveContinuous,
    check_positive,
    resolve_alternatives,
)
from ppl.distributions.distribution import as_float, batch_broadcast
from ppl.logprob.checks import check_parameters

__all__ = ["InverseGamma"]


class InverseGamma(PositiveContinuous):
    r"""Inverse-gamma distribution: the distribution of ``1 / X`` for gamma-distributed ``X``.

    .. math:: f(x \mid \alpha, \beta) =
              \frac{\beta^{\alpha}}{\Gamma(\alpha)} x^{-\alpha-1} e^{-\beta / x}

    ========  ==================================================================
    Support   :math:`x \in (0, \infty)`
    Mean      :math:`\frac{\beta}{\alpha-1}` for :math:`\alpha > 1`
    Variance  :math:`\frac{\beta^2}{(\alpha-1)^2(\alpha-2)}` for :math:`\alpha > 2`
    ========  ==================================================================

    Alternatively, with mean :math:`\mu` and standard deviation :math:`\sigma`:
    :math:`\alpha = 2 + \mu^2/\sigma^2` and :math:`\beta = \mu(1 + \mu^2/\sigma^2)`.

    Parameters
    ----------
    alpha
        Shape, > 0.
    beta
        Scale, > 0 (default 1 when ``alpha`` is given).
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
        If the parameters given are not ``alpha`` (and ``beta``) or ``mu`` and ``sigma``, or a
        literal parameter is not positive.

    Examples
    --------
    >>> import ppl
    >>> with ppl.Model():
    ...     v = ppl.InverseGamma("v", alpha=3.0, beta=2.0)
    """

    rv_op = invgamma

    @classmethod
    def dist(cls, alpha=None, beta=None, mu=None, sigma=None, **kwargs):
        if alpha is not None and beta is None and mu is None and sigma is None:
            beta = 1.0
        group = resolve_alternatives(
            {"alpha": alpha, "beta": beta, "mu": mu, "sigma": sigma},
            [("alpha", "beta"), ("mu", "sigma")],
        )
        if group == ("alpha", "beta"):
            check_positive("alpha", alpha)
            check_positive("beta", beta)
            alpha, beta = as_float(alpha), as_float(beta)
        else:
            check_positive("mu", mu)
            check_positive("sigma", sigma)
            mu, sigma = as_float(mu), as_float(sigma)
            ratio = pt.square(mu / sigma)
            ratio = check_parameters(ratio, mu > 0, sigma > 0, msg="mu > 0, sigma > 0")
            alpha, beta = 2.0 + ratio, mu * (1.0 + ratio)
        return super().dist([alpha, beta], **kwargs)

    @staticmethod
    def support_point(rv, size, alpha, beta):
        # the mean where it exists, else the mode
        point = pt.switch(alpha > 1, beta / (alpha - 1.0), beta / (alpha + 1.0))
        return batch_broadcast(point, rv, size, alpha, beta)

    @staticmethod
    def logp(value, alpha, beta):
        x = pt.switch(value > 0, value, 1.0)
        res = alpha * pt.log(beta) - pt.gammaln(alpha) - (alpha + 1.0) * pt.log(x) - beta / x
        res = pt.switch(value > 0, res, -np.inf)
        res = check_parameters(res, beta > 0, msg="beta > 0")
        return check_parameters(res, alpha > 0, msg="alpha > 0")

    @staticmethod
    def logcdf(value, alpha, beta):
        # F(x) = Q(alpha, beta / x); log1p(-P) keeps the upper tail accurate
        y = beta / pt.switch(value > 0, value, 1.0)
        upper = pt.gammaincc(alpha, y)
        res = pt.switch(upper < 0.5, pt.log(upper), pt.log1p(-pt.gammainc(alpha, y)))
        res = pt.switch(value > 0, res, -np.inf)
        res = check_parameters(res, beta > 0, msg="beta > 0")
        return check_parameters(res, alpha > 0, msg="alpha > 0")
