"""Gumbel (right-skewed, maximum) distribution."""

import numpy as np
import pytensor.tensor as pt
from pytensor.tensor.random.basic import gumbel

from ppl.distributions.continuous._base import check_positive
from ppl.distributions.distribution import Continuous, as_float, batch_broadcast
from ppl.logprob.checks import check_parameters

__all__ = ["Gumbel"]


class Gumbel(Continuous):
    r"""Right-skewed Gumbel distribution (the law of maxima).

    .. math:: f(x \mid \mu, \beta) = \frac{1}{\beta} e^{-(z + e^{-z})},
              \qquad z = \frac{x - \mu}{\beta}

    ========  =========================================================
    Support   :math:`x \in \mathbb{R}`
    Mean      :math:`\mu + \beta\gamma` (:math:`\gamma`: Euler-Mascheroni)
    Variance  :math:`\frac{\pi^2}{6} \beta^2`
    ========  =========================================================

    For the left-skewed (minimum) Gumbel, negate both the variable and ``mu``.

    Parameters
    ----------
    mu
        Location.
    beta
        Scale, > 0.

    Returns
    -------
    TensorVariable
        The random variable (registered in the model when created with a name).

    Raises
    ------
    ParameterValueError
        If a literal ``beta`` is not positive.

    Examples
    --------
    >>> import ppl
    >>> with ppl.Model():
    ...     peak = ppl.Gumbel("peak", mu=10.0, beta=2.0)
    """

    # PyTensor's op draws mu - beta * log(-log(U)) (Numba kernel) or scipy's gumbel_r (Python)
    rv_op = gumbel

    @classmethod
    def dist(cls, mu, beta, **kwargs):
        check_positive("beta", beta)
        return super().dist([as_float(mu), as_float(beta)], **kwargs)

    @staticmethod
    def support_point(rv, size, mu, beta):
        return batch_broadcast(mu + beta * np.euler_gamma, rv, size, mu, beta)

    @staticmethod
    def logp(value, mu, beta):
        z = (value - mu) / beta
        res = -pt.log(beta) - z - pt.exp(-z)
        # z = -inf gives -inf + inf = nan; the density is 0 at both infinities
        res = pt.switch(pt.isinf(value), -np.inf, res)
        return check_parameters(res, beta > 0, msg="beta > 0")

    @staticmethod
    def logcdf(value, mu, beta):
        res = -pt.exp(-(value - mu) / beta)
        return check_parameters(res, beta > 0, msg="beta > 0")

    @staticmethod
    def icdf(value, mu, beta):
        res = mu - beta * pt.log(-pt.log(value))
        res = pt.switch((value >= 0) & (value <= 1), res, np.nan)
        return check_parameters(res, beta > 0, msg="beta > 0")
