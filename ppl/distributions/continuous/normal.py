"""Normal distribution."""

import numpy as np
import pytensor.tensor as pt
from pytensor.tensor.random.basic import normal

from ppl.distributions.continuous._base import resolve_sigma_tau
from ppl.distributions.distribution import Continuous, as_float, batch_broadcast
from ppl.logprob.checks import check_parameters
from ppl.math import LOG_2PI, log_ndtr

__all__ = ["Normal"]


class Normal(Continuous):
    r"""Normal distribution.

    .. math:: f(x \mid \mu, \sigma) = \frac{1}{\sigma\sqrt{2\pi}}
              \exp\left(-\frac{(x-\mu)^2}{2\sigma^2}\right)

    ========  ==========================
    Support   :math:`x \in \mathbb{R}`
    Mean      :math:`\mu`
    Variance  :math:`\sigma^2 = 1/\tau`
    ========  ==========================

    Parameters
    ----------
    mu
        Mean.
    sigma
        Standard deviation, > 0 (default 1). Mutually exclusive with ``tau``.
    tau
        Precision, > 0.

    Examples
    --------
    >>> import ppl
    >>> with ppl.Model():
    ...     z = ppl.Normal("z", mu=0, sigma=5)
    """

    rv_op = normal

    @classmethod
    def dist(cls, mu=0.0, sigma=None, *, tau=None, **kwargs):
        sigma = resolve_sigma_tau(sigma, tau)
        return super().dist([as_float(mu), as_float(sigma)], **kwargs)

    @staticmethod
    def support_point(rv, size, mu, sigma):
        return batch_broadcast(mu, rv, size, mu, sigma)

    @staticmethod
    def logp(value, mu, sigma):
        res = -0.5 * pt.square((value - mu) / sigma) - pt.log(sigma) - 0.5 * LOG_2PI
        return check_parameters(res, sigma > 0, msg="sigma > 0")

    @staticmethod
    def logcdf(value, mu, sigma):
        return check_parameters(log_ndtr((value - mu) / sigma), sigma > 0, msg="sigma > 0")

    @staticmethod
    def icdf(value, mu, sigma):
        res = mu + sigma * np.sqrt(2.0) * pt.erfinv(2 * value - 1)
        res = pt.switch((value >= 0) & (value <= 1), res, np.nan)
        return check_parameters(res, sigma > 0, msg="sigma > 0")
