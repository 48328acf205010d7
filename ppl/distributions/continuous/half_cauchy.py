"""HalfCauchy distribution."""

import numpy as np
import pytensor.tensor as pt
from pytensor.tensor.random.op import RandomVariable

from ppl.distributions.continuous._base import PositiveContinuous, check_positive
from ppl.distributions.continuous._numba import register_numba_core
from ppl.distributions.distribution import as_float, batch_broadcast
from ppl.logprob.checks import check_parameters
from ppl.math import LOG_PI

__all__ = ["HalfCauchy", "HalfCauchyRV", "halfcauchy"]


class HalfCauchyRV(RandomVariable):
    """Half-Cauchy draws ``loc + scale * |standard_cauchy()|``.

    PyTensor's own ``HalfCauchyRV`` (3.0.7) has no Numba kernel, so under the default backend it
    runs in Numba object mode (slow, and it warns); this op has one.
    """

    name = "halfcauchy"
    signature = "(),()->()"
    dtype = "floatX"
    _print_name = ("HalfCauchy", "\\operatorname{HalfCauchy}")

    @classmethod
    def rng_fn(cls, rng, loc, scale, size):
        if size is None:
            size = np.broadcast_shapes(np.shape(loc), np.shape(scale))
        return np.asarray(loc + scale * np.abs(rng.standard_cauchy(size=size)))


halfcauchy = HalfCauchyRV()


@register_numba_core(HalfCauchyRV)
def _halfcauchy_numba(rng, loc, scale):
    return loc + scale * np.abs(rng.standard_cauchy())


class HalfCauchy(PositiveContinuous):
    r"""Half-Cauchy distribution: the absolute value of a zero-centred Cauchy variable.

    .. math:: f(x \mid \beta) = \frac{2}{\pi\beta\left[1 + (x/\beta)^2\right]}

    ========  ==============================
    Support   :math:`x \in [0, \infty)`
    Mode      :math:`0`
    Mean      undefined
    Variance  undefined
    ========  ==============================

    Parameters
    ----------
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
    ...     tau = ppl.HalfCauchy("tau", beta=2.5)
    """

    rv_op = halfcauchy

    @classmethod
    def dist(cls, beta, **kwargs):
        check_positive("beta", beta)
        return super().dist([as_float(0.0), as_float(beta)], **kwargs)

    @staticmethod
    def support_point(rv, size, loc, beta):
        return batch_broadcast(loc + beta, rv, size, loc, beta)

    @staticmethod
    def logp(value, loc, beta):
        res = np.log(2.0) - LOG_PI - pt.log(beta) - pt.log1p(pt.square((value - loc) / beta))
        res = pt.switch(value >= loc, res, -np.inf)
        return check_parameters(res, beta > 0, msg="beta > 0")

    @staticmethod
    def logcdf(value, loc, beta):
        z = pt.maximum(value - loc, 0.0) / beta
        # 2 arctan(z) / pi = 1 - 2 arctan(1/z) / pi: the second form is accurate for large z
        z_big = pt.switch(z > 1.0, z, 1.0)
        upper = pt.log1p(-2.0 * pt.arctan(1.0 / z_big) / np.pi)
        res = pt.switch(z > 1.0, upper, pt.log(2.0 * pt.arctan(z) / np.pi))
        res = pt.switch(value >= loc, res, -np.inf)
        return check_parameters(res, beta > 0, msg="beta > 0")

    @staticmethod
    def icdf(value, loc, beta):
        res = loc + beta * pt.tan(0.5 * np.pi * value)
        res = pt.switch(pt.eq(value, 1), np.inf, res)
        res = pt.switch((value >= 0) & (value <= 1), res, np.nan)
        return check_parameters(res, beta > 0, msg="beta > 0")
