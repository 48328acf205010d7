"""LogNormal distribution."""

import numpy as np
import pytensor.tensor as pt
from pytensor.tensor.random.basic import lognormal

from ppl.distributions.continuous._base import PositiveContinuous, resolve_sigma_tau
from ppl.distributions.distribution import as_float, batch_broadcast
from ppl.logprob.checks import check_parameters
from ppl.math import LOG_2PI, log_ndtr

__all__ = ["LogNormal"]


class LogNormal(PositiveContinuous):
    r"""Log-normal distribution: ``exp`` of a normal variable with mean ``mu`` and sd ``sigma``.

    .. math:: f(x \mid \mu, \sigma) = \frac{1}{x\sigma\sqrt{2\pi}}
              \exp\left(-\frac{(\ln x - \mu)^2}{2\sigma^2}\right)

    ========  ===================================================
    Support   :math:`x \in [0, \infty)`
    Mean      :math:`\exp\left(\mu + \sigma^2/2\right)`
    Variance  :math:`\left(e^{\sigma^2} - 1\right) e^{2\mu + \sigma^2}`
    ========  ===================================================

    Parameters
    ----------
    mu
        Mean of ``log(x)`` (default 0).
    sigma
        Standard deviation of ``log(x)``, > 0 (default 1). Mutually exclusive with ``tau``.
    tau
        Precision of ``log(x)``, > 0 (``sigma = tau**-0.5``).

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
    ...     y = ppl.LogNormal("y", mu=0.0, sigma=0.5)
    """

    rv_op = lognormal

    @classmethod
    def dist(cls, mu=0.0, sigma=None, tau=None, **kwargs):
        sigma = resolve_sigma_tau(sigma, tau)
        return super().dist([as_float(mu), as_float(sigma)], **kwargs)

    @staticmethod
    def support_point(rv, size, mu, sigma):
        return batch_broadcast(pt.exp(mu + 0.5 * pt.square(sigma)), rv, size, mu, sigma)

    @staticmethod
    def logp(value, mu, sigma):
        log_x = pt.log(pt.switch(value > 0, value, 1.0))
        res = -0.5 * pt.square((log_x - mu) / sigma) - pt.log(sigma) - 0.5 * LOG_2PI - log_x
        res = pt.switch(value > 0, res, -np.inf)
        return check_parameters(res, sigma > 0, msg="sigma > 0")

    @staticmethod
    def logcdf(value, mu, sigma):
        log_x = pt.log(pt.switch(value > 0, value, 1.0))
        res = pt.switch(value > 0, log_ndtr((log_x - mu) / sigma), -np.inf)
        return check_parameters(res, sigma > 0, msg="sigma > 0")

    @staticmethod
    def icdf(value, mu, sigma):
        res = pt.exp(mu + sigma * np.sqrt(2.0) * pt.erfinv(2.0 * value - 1.0))
        res = pt.switch((value >= 0) & (value <= 1), res, np.nan)
        return check_parameters(res, sigma > 0, msg="sigma > 0")
