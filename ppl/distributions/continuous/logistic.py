"""Logistic distribution."""

import numpy as np
import pytensor.tensor as pt
from pytensor.tensor.random.basic import logistic

from ppl.distributions.continuous._base import check_positive
from ppl.distributions.distribution import Continuous, as_float, batch_broadcast
from ppl.logprob.checks import check_parameters

__all__ = ["Logistic"]


class Logistic(Continuous):
    r"""Logistic distribution.

    .. math:: f(x \mid \mu, s) =
              \frac{\exp\left(-\frac{x - \mu}{s}\right)}
              {s \left(1 + \exp\left(-\frac{x - \mu}{s}\right)\right)^2}

    ========  ==========================
    Support   :math:`x \in \mathbb{R}`
    Mean      :math:`\mu`
    Variance  :math:`\frac{s^2 \pi^2}{3}`
    ========  ==========================

    Parameters
    ----------
    mu
        Mean (default 0).
    s
        Scale, > 0 (default 1).

    Returns
    -------
    TensorVariable
        The random variable (registered in the model when created with a name).

    Raises
    ------
    ParameterValueError
        If a literal ``s`` is not positive.

    Examples
    --------
    >>> import ppl
    >>> with ppl.Model():
    ...     x = ppl.Logistic("x", mu=1.0, s=0.5)
    """

    rv_op = logistic

    @classmethod
    def dist(cls, mu=0.0, s=1.0, **kwargs):
        check_positive("s", s)
        return super().dist([as_float(mu), as_float(s)], **kwargs)

    @staticmethod
    def support_point(rv, size, mu, s):
        return batch_broadcast(mu, rv, size, mu, s)

    @staticmethod
    def logp(value, mu, s):
        # the density is symmetric: write it with -|z| so that no exp overflows
        z = pt.abs(value - mu) / s
        res = -z - pt.log(s) - 2.0 * pt.log1p(pt.exp(-z))
        return check_parameters(res, s > 0, msg="s > 0")

    @staticmethod
    def logcdf(value, mu, s):
        res = -pt.softplus(-(value - mu) / s)
        return check_parameters(res, s > 0, msg="s > 0")

    @staticmethod
    def icdf(value, mu, s):
        res = mu + s * (pt.log(value) - pt.log1p(-value))
        res = pt.switch((value >= 0) & (value <= 1), res, np.nan)
        return check_parameters(res, s > 0, msg="s > 0")
