"""Cauchy distribution."""

import numpy as np
import pytensor.tensor as pt
from pytensor.tensor.random.op import RandomVariable

from ppl.distributions.continuous._base import check_positive
from ppl.distributions.continuous._numba import register_numba_core
from ppl.distributions.distribution import Continuous, as_float, batch_broadcast
from ppl.logprob.checks import check_parameters
from ppl.math import LOG_PI

__all__ = ["Cauchy", "CauchyRV", "cauchy"]


class CauchyRV(RandomVariable):
    """Cauchy draws ``loc + scale * standard_cauchy()``.

    PyTensor's own ``CauchyRV`` (3.0.7) draws ``(loc + c) / scale`` in its Numba backend, which
    is the wrong distribution whenever ``loc != 0`` or ``scale != 1``; this op replaces it.
    """

    name = "cauchy"
    signature = "(),()->()"
    dtype = "floatX"
    _print_name = ("Cauchy", "\\operatorname{Cauchy}")

    @classmethod
    def rng_fn(cls, rng, loc, scale, size):
        if size is None:
            size = np.broadcast_shapes(np.shape(loc), np.shape(scale))
        return np.asarray(loc + scale * rng.standard_cauchy(size=size))


cauchy = CauchyRV()


@register_numba_core(CauchyRV)
def _cauchy_numba(rng, loc, scale):
    return loc + scale * rng.standard_cauchy()


def log_cauchy_cdf(z):
    """``log(1/2 + arctan(z)/pi)``, using ``arctan(-1/z)/pi`` for z < 0 to avoid cancellation."""
    z_neg = pt.switch(z < 0, z, -1.0)
    lower = pt.log(pt.arctan(-1.0 / z_neg)) - LOG_PI
    upper = pt.log(0.5 + pt.arctan(pt.maximum(z, 0.0)) / np.pi)
    return pt.switch(z < 0, lower, upper)


class Cauchy(Continuous):
    r"""Cauchy (Lorentz) distribution.

    .. math:: f(x \mid \alpha, \beta) =
              \frac{1}{\pi\beta\left[1 + \left(\frac{x-\alpha}{\beta}\right)^2\right]}

    ========  ==============================
    Support   :math:`x \in \mathbb{R}`
    Mode      :math:`\alpha`
    Mean      undefined
    Variance  undefined
    ========  ==============================

    Parameters
    ----------
    alpha
        Location (median).
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
    ...     c = ppl.Cauchy("c", alpha=0.0, beta=1.5)
    """

    rv_op = cauchy

    @classmethod
    def dist(cls, alpha, beta, **kwargs):
        check_positive("beta", beta)
        return super().dist([as_float(alpha), as_float(beta)], **kwargs)

    @staticmethod
    def support_point(rv, size, alpha, beta):
        return batch_broadcast(alpha, rv, size, alpha, beta)

    @staticmethod
    def logp(value, alpha, beta):
        res = -LOG_PI - pt.log(beta) - pt.log1p(pt.square((value - alpha) / beta))
        return check_parameters(res, beta > 0, msg="beta > 0")

    @staticmethod
    def logcdf(value, alpha, beta):
        return check_parameters(log_cauchy_cdf((value - alpha) / beta), beta > 0, msg="beta > 0")

    @staticmethod
    def icdf(value, alpha, beta):
        res = alpha + beta * pt.tan(np.pi * (value - 0.5))
        res = pt.switch(pt.eq(value, 0), -np.inf, pt.switch(pt.eq(value, 1), np.inf, res))
        res = pt.switch((value >= 0) & (value <= 1), res, np.nan)
        return check_parameters(res, beta > 0, msg="beta > 0")
