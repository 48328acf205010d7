"""HalfNormal distribution."""

import numpy as np
import pytensor.tensor as pt
from pytensor.tensor.random.basic import halfnormal

from ppl.distributions.continuous._base import PositiveContinuous, resolve_sigma_tau
from ppl.distributions.distribution import as_float, batch_broadcast
from ppl.logprob.checks import check_parameters
from ppl.math import LOG_PI

__all__ = ["HalfNormal"]


class HalfNormal(PositiveContinuous):
    r"""Half-normal distribution: the absolute value of a zero-mean normal variable.

    .. math:: f(x \mid \sigma) = \sqrt{\frac{2}{\pi\sigma^2}}
              \exp\left(-\frac{x^2}{2\sigma^2}\right)

    ========  ==========================================
    Support   :math:`x \in [0, \infty)`
    Mean      :math:`\sigma\sqrt{2/\pi}`
    Variance  :math:`\sigma^2\left(1 - 2/\pi\right)`
    ========  ==========================================

    Parameters
    ----------
    sigma
        Scale, > 0 (default 1). Mutually exclusive with ``tau``.
    tau
        Precision, > 0 (``sigma = tau**-0.5``).

    Returns
    -------
    TensorVariable
        The random variable (registered in the model when created with a name).

    Raises
    ------
    ParameterValueError
        If a literal ``sigma`` or ``tau`` is not positive, or both are given.

    Examples
    --------
    >>> import ppl
    >>> with ppl.Model():
    ...     s = ppl.HalfNormal("s", sigma=2.0)
    """

    rv_op = halfnormal

    @classmethod
    def dist(cls, sigma=None, tau=None, **kwargs):
        sigma = resolve_sigma_tau(sigma, tau)
        return super().dist([as_float(0.0), as_float(sigma)], **kwargs)

    @staticmethod
    def support_point(rv, size, loc, sigma):
        return batch_broadcast(loc + sigma, rv, size, loc, sigma)

    @staticmethod
    def logp(value, loc, sigma):
        z = (value - loc) / sigma
        res = 0.5 * (np.log(2.0) - LOG_PI) - pt.log(sigma) - 0.5 * pt.square(z)
        res = pt.switch(value >= loc, res, -np.inf)
        return check_parameters(res, sigma > 0, msg="sigma > 0")

    @staticmethod
    def logcdf(value, loc, sigma):
        # erf(z / sqrt 2) for small z; 1 - erfc(...) keeps the upper tail accurate in log space
        z = pt.maximum(value - loc, 0.0) / (sigma * np.sqrt(2.0))
        res = pt.switch(z < 1.0, pt.log(pt.erf(z)), pt.log1p(-pt.erfc(z)))
        res = pt.switch(value >= loc, res, -np.inf)
        return check_parameters(res, sigma > 0, msg="sigma > 0")

    @staticmethod
    def icdf(value, loc, sigma):
        res = loc + sigma * np.sqrt(2.0) * pt.erfinv(value)
        res = pt.switch((value >= 0) & (value <= 1), res, np.nan)
        return check_parameters(res, sigma > 0, msg="sigma > 0")
