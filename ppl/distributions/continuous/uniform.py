"""Uniform distribution."""

import numpy as np
import pytensor.tensor as pt
from pytensor.tensor.random.basic import uniform

from ppl.distributions.continuous._base import BoundedContinuous
from ppl.distributions.distribution import as_float, batch_broadcast
from ppl.logprob.checks import _constant_value, check_constant_parameter, check_parameters

__all__ = ["Uniform"]


class Uniform(BoundedContinuous):
    r"""Continuous uniform distribution on ``[lower, upper]``.

    .. math:: f(x \mid l, u) = \frac{1}{u - l}, \qquad l \le x \le u

    ========  =====================================
    Support   :math:`x \in [l, u]`
    Mean      :math:`\frac{l + u}{2}`
    Variance  :math:`\frac{(u - l)^2}{12}`
    ========  =====================================

    Parameters
    ----------
    lower
        Lower bound (default 0).
    upper
        Upper bound, > ``lower`` (default 1).

    Returns
    -------
    TensorVariable
        The random variable (registered in the model when created with a name).

    Raises
    ------
    ParameterValueError
        If literal bounds have ``upper <= lower``.

    Examples
    --------
    >>> import ppl
    >>> with ppl.Model():
    ...     u = ppl.Uniform("u", lower=-1.0, upper=3.0)
    """

    rv_op = uniform
    bound_param_indices = (0, 1)

    @classmethod
    def dist(cls, lower=0.0, upper=1.0, **kwargs):
        lo = _constant_value(lower)
        if lo is not None:
            shown = repr(float(lo)) if lo.ndim == 0 else np.array2string(lo, separator=", ")
            check_constant_parameter("upper", upper, lambda u: u > lo, f"upper > lower = {shown}")
        return super().dist([as_float(lower), as_float(upper)], **kwargs)

    @staticmethod
    def support_point(rv, size, lower, upper):
        return batch_broadcast((lower + upper) / 2.0, rv, size, lower, upper)

    @staticmethod
    def logp(value, lower, upper):
        res = pt.switch((value >= lower) & (value <= upper), -pt.log(upper - lower), -np.inf)
        return check_parameters(res, lower < upper, msg="lower < upper")

    @staticmethod
    def logcdf(value, lower, upper):
        res = pt.switch(
            value < lower,
            -np.inf,
            pt.switch(value < upper, pt.log(value - lower) - pt.log(upper - lower), 0.0),
        )
        return check_parameters(res, lower < upper, msg="lower < upper")

    @staticmethod
    def icdf(value, lower, upper):
        res = lower + value * (upper - lower)
        res = pt.switch((value >= 0) & (value <= 1), res, np.nan)
        return check_parameters(res, lower < upper, msg="lower < upper")
