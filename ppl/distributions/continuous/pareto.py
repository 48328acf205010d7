"""Pareto distribution (type I)."""

import numpy as np
import pytensor.tensor as pt
from pytensor.tensor.random.basic import pareto

from ppl.distributions.continuous._base import check_positive
from ppl.distributions.distribution import Continuous, as_float, batch_broadcast
from ppl.logprob.checks import check_parameters
from ppl.math import log1mexp
from ppl.transforms.elementwise import Interval

__all__ = ["Pareto"]


def _check(res, alpha, m):
    res = check_parameters(res, m > 0, msg="m > 0")
    return check_parameters(res, alpha > 0, msg="alpha > 0")


class Pareto(Continuous):
    r"""Pareto distribution.

    .. math:: f(x \mid \alpha, m) = \frac{\alpha m^{\alpha}}{x^{\alpha+1}}

    ========  =============================================================
    Support   :math:`x \in [m, \infty)`
    Mean      :math:`\frac{\alpha m}{\alpha - 1}` for :math:`\alpha > 1`
    Variance  :math:`\frac{m^2 \alpha}{(\alpha - 1)^2 (\alpha - 2)}` for :math:`\alpha > 2`
    ========  =============================================================

    The default transform is a lower bound at ``m``, ``log(x - m)``.

    Parameters
    ----------
    alpha
        Shape (tail index), > 0.
    m
        Scale: the lower end of the support, > 0.

    Returns
    -------
    TensorVariable
        The random variable (registered in the model when created with a name).

    Raises
    ------
    ParameterValueError
        If a literal ``alpha`` or ``m`` is not positive.

    Examples
    --------
    >>> import ppl
    >>> with ppl.Model() as model:
    ...     x = ppl.Pareto("x", alpha=3.0, m=0.5)
    >>> [v.name for v in model.value_vars]
    ['x_interval__']
    """

    rv_op = pareto  # PyTensor's op (shape b = alpha, scale = m); its Numba kernel inverts the CDF
    default_transform = Interval(bounds_fn=lambda rng, size, alpha, m: (m, None))

    @classmethod
    def dist(cls, alpha, m, **kwargs):
        check_positive("alpha", alpha)
        check_positive("m", m)
        return super().dist([as_float(alpha), as_float(m)], **kwargs)

    @staticmethod
    def support_point(rv, size, alpha, m):
        # the median, m * 2**(1/alpha) (the mean is infinite for alpha <= 1)
        return batch_broadcast(m * pt.exp(np.log(2.0) / alpha), rv, size, alpha, m)

    @staticmethod
    def logp(value, alpha, m):
        res = pt.log(alpha) + alpha * pt.log(m) - (alpha + 1.0) * pt.log(value)
        res = pt.switch(value >= m, res, -np.inf)
        return _check(res, alpha, m)

    @staticmethod
    def logcdf(value, alpha, m):
        res = log1mexp(alpha * (pt.log(m) - pt.log(pt.maximum(value, m))))
        res = pt.switch(value >= m, res, -np.inf)
        return _check(res, alpha, m)

    @staticmethod
    def icdf(value, alpha, m):
        res = m * pt.exp(-pt.log1p(-value) / alpha)
        res = pt.switch((value >= 0) & (value <= 1), res, np.nan)
        return _check(res, alpha, m)
