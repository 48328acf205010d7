"""Exponential distribution."""

import numpy as np
import pytensor.tensor as pt
from pytensor.tensor.random.basic import exponential

from ppl.distributions.continuous._base import PositiveContinuous, check_positive
from ppl.distributions.distribution import as_float, batch_broadcast
from ppl.exceptions import ParameterValueError
from ppl.logprob.checks import check_parameters, current_label
from ppl.math import log1mexp

__all__ = ["Exponential"]

_VALID = "lam > 0 (scale = 1 / lam, finite and > 0)"


class Exponential(PositiveContinuous):
    r"""Exponential distribution (rate ``lam`` or ``scale = 1 / lam``).

    .. math:: f(x \mid \lambda) = \lambda e^{-\lambda x}

    ========  ============================
    Support   :math:`x \in [0, \infty)`
    Mean      :math:`1 / \lambda`
    Variance  :math:`1 / \lambda^2`
    ========  ============================

    Parameters
    ----------
    lam
        Rate, > 0 (default 1). Mutually exclusive with ``scale``.
    scale
        Scale ``1 / lam``, > 0.

    Returns
    -------
    TensorVariable
        The random variable (registered in the model when created with a name).

    Raises
    ------
    ParameterValueError
        If both ``lam`` and ``scale`` are given, or a literal one is not positive.

    Examples
    --------
    >>> import ppl
    >>> with ppl.Model():
    ...     rate = ppl.Exponential("rate", lam=0.5)
    """

    rv_op = exponential

    @classmethod
    def dist(cls, lam=None, *, scale=None, **kwargs):
        if lam is not None and scale is not None:
            raise ParameterValueError(
                f"{current_label.get() or 'Exponential'}: give lam or scale, not both."
            )
        if lam is not None:
            check_positive("lam", lam)
            scale = 1.0 / as_float(lam)
        elif scale is not None:
            check_positive("scale", scale)
            scale = as_float(scale)
        else:
            scale = as_float(1.0)
        return super().dist([scale], **kwargs)

    @staticmethod
    def support_point(rv, size, scale):
        return batch_broadcast(scale, rv, size, scale)

    @staticmethod
    def logp(value, scale):
        res = pt.switch(value >= 0, -pt.log(scale) - value / scale, -np.inf)
        return check_parameters(res, (scale > 0) & pt.isfinite(scale), msg=_VALID)

    @staticmethod
    def logcdf(value, scale):
        res = pt.switch(value >= 0, log1mexp(-pt.maximum(value, 0.0) / scale), -np.inf)
        return check_parameters(res, (scale > 0) & pt.isfinite(scale), msg=_VALID)

    @staticmethod
    def icdf(value, scale):
        res = -scale * pt.log1p(-value)
        res = pt.switch((value >= 0) & (value <= 1), res, np.nan)
        return check_parameters(res, (scale > 0) & pt.isfinite(scale), msg=_VALID)
