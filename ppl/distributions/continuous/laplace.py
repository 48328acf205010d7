"""Laplace (double exponential) distribution."""

import numpy as np
import pytensor.tensor as pt
from pytensor.tensor.random.basic import laplace

from ppl.distributions.continuous._base import check_positive
from ppl.distributions.distribution import Continuous, as_float, batch_broadcast
from ppl.logprob.checks import check_parameters

__all__ = ["Laplace"]


class Laplace(Continuous):
    r"""Laplace (double exponential) distribution.

    .. math:: f(x \mid \mu, b) = \frac{1}{2b} \exp\left(-\frac{|x - \mu|}{b}\right)

    ========  ========================
    Support   :math:`x \in \mathbb{R}`
    Mean      :math:`\mu`
    Variance  :math:`2 b^2`
    ========  ========================

    Parameters
    ----------
    mu
        Location.
    b
        Scale, > 0.

    Returns
    -------
    TensorVariable
        The random variable (registered in the model when created with a name).

    Raises
    ------
    ParameterValueError
        If a literal ``b`` is not positive.

    Examples
    --------
    >>> import ppl
    >>> with ppl.Model():
    ...     w = ppl.Laplace("w", mu=0.0, b=0.5)
    """

    rv_op = laplace

    @classmethod
    def dist(cls, mu, b, **kwargs):
        check_positive("b", b)
        return super().dist([as_float(mu), as_float(b)], **kwargs)

    @staticmethod
    def support_point(rv, size, mu, b):
        return batch_broadcast(mu, rv, size, mu, b)

    @staticmethod
    def logp(value, mu, b):
        res = -np.log(2.0) - pt.log(b) - pt.abs(value - mu) / b
        return check_parameters(res, b > 0, msg="b > 0")

    @staticmethod
    def logcdf(value, mu, b):
        z = (value - mu) / b
        res = pt.switch(
            z < 0, -np.log(2.0) + pt.minimum(z, 0.0), pt.log1p(-0.5 * pt.exp(-pt.maximum(z, 0.0)))
        )
        return check_parameters(res, b > 0, msg="b > 0")

    @staticmethod
    def icdf(value, mu, b):
        res = mu - b * pt.sign(value - 0.5) * pt.log1p(-2.0 * pt.abs(value - 0.5))
        res = pt.switch((value >= 0) & (value <= 1), res, np.nan)
        return check_parameters(res, b > 0, msg="b > 0")
