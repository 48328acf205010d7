"""Weibull distribution (shape and scale)."""

import numpy as np
import pytensor.tensor as pt
from pytensor.tensor.random.op import RandomVariable

from ppl.distributions.continuous._base import PositiveContinuous, check_positive
from ppl.distributions.continuous._numba import register_numba_core
from ppl.distributions.distribution import as_float, batch_broadcast
from ppl.logprob.checks import check_parameters
from ppl.math import log1mexp

__all__ = ["Weibull", "WeibullRV", "weibull"]


class WeibullRV(RandomVariable):
    """Draws ``beta * W`` with ``W`` a standard Weibull of shape ``alpha``.

    PyTensor's own ``weibull`` op has the shape parameter only (no scale).
    """

    name = "weibull"
    signature = "(),()->()"
    dtype = "floatX"
    _print_name = ("Weibull", "\\operatorname{Weibull}")

    @classmethod
    def rng_fn(cls, rng, alpha, beta, size):
        if size is None:
            size = np.broadcast_shapes(np.shape(alpha), np.shape(beta))
        return np.asarray(beta * rng.weibull(alpha, size=size), dtype="float64")


weibull = WeibullRV()


@register_numba_core(WeibullRV)
def _weibull_numba(rng, alpha, beta):
    return beta * rng.weibull(alpha)


def _check(res, alpha, beta):
    res = check_parameters(res, beta > 0, msg="beta > 0")
    return check_parameters(res, alpha > 0, msg="alpha > 0")


class Weibull(PositiveContinuous):
    r"""Weibull distribution.

    .. math:: f(x \mid \alpha, \beta) =
              \frac{\alpha x^{\alpha - 1}}{\beta^\alpha} \exp\left(-(x/\beta)^\alpha\right)

    ========  ======================================================================
    Support   :math:`x \in [0, \infty)`
    Mean      :math:`\beta\,\Gamma(1 + 1/\alpha)`
    Variance  :math:`\beta^2\left[\Gamma(1 + 2/\alpha) - \Gamma(1 + 1/\alpha)^2\right]`
    ========  ======================================================================

    Parameters
    ----------
    alpha
        Shape, > 0.
    beta
        Scale, > 0.

    Returns
    -------
    TensorVariable
        The random variable (registered in the model when created with a name).

    Raises
    ------
    ParameterValueError
        If a literal ``alpha`` or ``beta`` is not positive.

    Examples
    --------
    >>> import ppl
    >>> with ppl.Model():
    ...     t = ppl.Weibull("t", alpha=1.5, beta=2.0)
    """

    rv_op = weibull

    @classmethod
    def dist(cls, alpha, beta, **kwargs):
        check_positive("alpha", alpha)
        check_positive("beta", beta)
        return super().dist([as_float(alpha), as_float(beta)], **kwargs)

    @staticmethod
    def support_point(rv, size, alpha, beta):
        # the median, beta * log(2)**(1/alpha): unlike the mean it cannot overflow for small alpha
        return batch_broadcast(beta * pt.exp(np.log(np.log(2.0)) / alpha), rv, size, alpha, beta)

    @staticmethod
    def logp(value, alpha, beta):
        log_z = pt.log(value) - pt.log(beta)
        res = (
            pt.log(alpha)
            - pt.log(beta)
            # x**0 = 1 at x = 0: keep 0 * log(0) out of the sum when alpha is 1
            + pt.switch(pt.eq(alpha, 1.0), 0.0, (alpha - 1.0) * log_z)
            - pt.exp(alpha * log_z)
        )
        res = pt.switch((value >= 0) & pt.lt(value, np.inf), res, -np.inf)
        return _check(res, alpha, beta)

    @staticmethod
    def logcdf(value, alpha, beta):
        res = log1mexp(-pt.power(pt.maximum(value, 0.0) / beta, alpha))
        res = pt.switch(value >= 0, res, -np.inf)
        return _check(res, alpha, beta)

    @staticmethod
    def icdf(value, alpha, beta):
        res = beta * pt.power(-pt.log1p(-value), 1.0 / alpha)
        res = pt.switch((value >= 0) & (value <= 1), res, np.nan)
        return _check(res, alpha, beta)
