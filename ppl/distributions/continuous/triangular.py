"""Triangular distribution."""

import numpy as np
import pytensor.tensor as pt
from pytensor.tensor.random.basic import triangular

from ppl.distributions.continuous._base import BoundedContinuous
from ppl.distributions.distribution import as_float, batch_broadcast
from ppl.logprob.checks import _constant_value, check_constant_parameter, check_parameters

__all__ = ["Triangular"]


def _check_literal_order(lower, upper, c) -> None:
    """Eager checks ``lower <= c <= upper`` and ``lower < upper`` for literal parameters."""
    lo, hi = _constant_value(lower), _constant_value(upper)
    if lo is not None:
        shown = repr(float(lo)) if lo.ndim == 0 else np.array2string(lo, separator=", ")
        check_constant_parameter("upper", upper, lambda u: u > lo, f"upper > lower = {shown}")
        check_constant_parameter("c", c, lambda v: v >= lo, f"c >= lower = {shown}")
    if hi is not None:
        shown = repr(float(hi)) if hi.ndim == 0 else np.array2string(hi, separator=", ")
        check_constant_parameter("c", c, lambda v: v <= hi, f"c <= upper = {shown}")


def _valid(lower, c, upper):
    return (lower <= c) & (c <= upper) & (lower < upper)


_MSG = "lower <= c <= upper and lower < upper"


class Triangular(BoundedContinuous):
    r"""Triangular distribution on ``[lower, upper]`` with mode ``c``.

    .. math:: f(x \mid l, c, u) = \begin{cases}
              \frac{2(x - l)}{(u - l)(c - l)} & l \le x < c \\
              \frac{2}{u - l} & x = c \\
              \frac{2(u - x)}{(u - l)(u - c)} & c < x \le u
              \end{cases}

    ========  ==========================================================
    Support   :math:`x \in [l, u]`
    Mean      :math:`\frac{l + u + c}{3}`
    Variance  :math:`\frac{l^2 + u^2 + c^2 - lu - lc - uc}{18}`
    ========  ==========================================================

    Parameters
    ----------
    lower
        Lower limit (default 0).
    upper
        Upper limit, > ``lower`` (default 1).
    c
        Mode, ``lower <= c <= upper`` (default 0.5).

    Returns
    -------
    TensorVariable
        The random variable (registered in the model when created with a name).

    Raises
    ------
    ParameterValueError
        If literal parameters break ``lower <= c <= upper`` or ``lower < upper``.

    Examples
    --------
    >>> import ppl
    >>> with ppl.Model():
    ...     t = ppl.Triangular("t", lower=0.0, upper=10.0, c=2.0)
    """

    # PyTensor's op takes (left, mode, right); its Numba kernel is Generator.triangular
    rv_op = triangular
    bound_param_indices = (0, 2)

    @classmethod
    def dist(cls, lower=0.0, upper=1.0, c=0.5, **kwargs):
        _check_literal_order(lower, upper, c)
        return super().dist([as_float(lower), as_float(c), as_float(upper)], **kwargs)

    @staticmethod
    def support_point(rv, size, lower, c, upper):
        # the mean is strictly inside the support even when the mode is at an edge
        return batch_broadcast((lower + c + upper) / 3.0, rv, size, lower, c, upper)

    @staticmethod
    def logp(value, lower, c, upper):
        width = upper - lower
        rising = pt.log(2.0 * (value - lower)) - pt.log(width * (c - lower))
        falling = pt.log(2.0 * (upper - value)) - pt.log(width * (upper - c))
        res = pt.switch(
            value < c, rising, pt.switch(pt.eq(value, c), np.log(2.0) - pt.log(width), falling)
        )
        res = pt.switch((value >= lower) & (value <= upper), res, -np.inf)
        return check_parameters(res, _valid(lower, c, upper), msg=_MSG)

    @staticmethod
    def logcdf(value, lower, c, upper):
        width = upper - lower
        rising = 2.0 * pt.log(value - lower) - pt.log(width * (c - lower))
        falling = pt.log1p(-pt.square(upper - value) / (width * (upper - c)))
        res = pt.switch(value < c, rising, falling)
        res = pt.switch(value < lower, -np.inf, pt.switch(value >= upper, 0.0, res))
        return check_parameters(res, _valid(lower, c, upper), msg=_MSG)

    @staticmethod
    def icdf(value, lower, c, upper):
        width = upper - lower
        left = lower + pt.sqrt(value * width * (c - lower))
        right = upper - pt.sqrt((1.0 - value) * width * (upper - c))
        res = pt.switch(value < (c - lower) / width, left, right)
        res = pt.switch((value >= 0) & (value <= 1), res, np.nan)
        return check_parameters(res, _valid(lower, c, upper), msg=_MSG)
