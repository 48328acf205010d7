"""LogitNormal distribution: the logistic sigmoid of a normal variable."""

import numpy as np
import pytensor.tensor as pt
from pytensor.tensor.random.op import RandomVariable

from ppl.distributions.continuous._base import UnitContinuous, resolve_sigma_tau
from ppl.distributions.continuous._numba import register_numba_core
from ppl.distributions.distribution import as_float, batch_broadcast
from ppl.logprob.checks import check_parameters
from ppl.math import LOG_2PI, log_ndtr

__all__ = ["LogitNormal", "LogitNormalRV", "logitnormal"]


class LogitNormalRV(RandomVariable):
    """Draws ``sigmoid(mu + sigma * z)`` with ``z`` standard normal."""

    name = "logitnormal"
    signature = "(),()->()"
    dtype = "floatX"
    _print_name = ("LogitNormal", "\\operatorname{LogitNormal}")

    @classmethod
    def rng_fn(cls, rng, mu, sigma, size):
        if size is None:
            size = np.broadcast_shapes(np.shape(mu), np.shape(sigma))
        t = mu + sigma * rng.standard_normal(size=size)
        return np.asarray(0.5 + 0.5 * np.tanh(0.5 * t), dtype="float64")


logitnormal = LogitNormalRV()


@register_numba_core(LogitNormalRV)
def _logitnormal_numba(rng, mu, sigma):
    return 0.5 + 0.5 * np.tanh(0.5 * (mu + sigma * rng.standard_normal()))


def _logit(x):
    return pt.log(x) - pt.log1p(-x)


class LogitNormal(UnitContinuous):
    r"""Logit-normal distribution: ``logit(x)`` is normal.

    .. math:: f(x \mid \mu, \sigma) = \frac{1}{\sigma\sqrt{2\pi}}\,\frac{1}{x(1-x)}
              \exp\left(-\frac{(\operatorname{logit}(x) - \mu)^2}{2\sigma^2}\right)

    ========  ==========================================
    Support   :math:`x \in (0, 1)`
    Median    :math:`\operatorname{sigmoid}(\mu)`
    Mean      no closed form
    ========  ==========================================

    Parameters
    ----------
    mu
        Location of ``logit(x)`` (default 0).
    sigma
        Scale of ``logit(x)``, > 0 (default 1). Mutually exclusive with ``tau``.
    tau
        Precision of ``logit(x)``, > 0 (``sigma = tau**-0.5``).

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
    ...     p = ppl.LogitNormal("p", mu=-1.0, sigma=0.5)
    """

    rv_op = logitnormal

    @classmethod
    def dist(cls, mu=0.0, sigma=None, tau=None, **kwargs):
        sigma = resolve_sigma_tau(sigma, tau)
        return super().dist([as_float(mu), as_float(sigma)], **kwargs)

    @staticmethod
    def support_point(rv, size, mu, sigma):
        return batch_broadcast(pt.sigmoid(mu), rv, size, mu, sigma)

    @staticmethod
    def logp(value, mu, sigma):
        z = (_logit(value) - mu) / sigma
        res = -0.5 * pt.square(z) - 0.5 * LOG_2PI - pt.log(sigma) - pt.log(value) - pt.log1p(-value)
        # the density tends to 0 at both edges
        res = pt.switch((value > 0) & (value < 1), res, -np.inf)
        return check_parameters(res, sigma > 0, msg="sigma > 0")

    @staticmethod
    def logcdf(value, mu, sigma):
        x = pt.clip(value, 0.0, 1.0)
        res = log_ndtr((_logit(x) - mu) / sigma)
        res = pt.switch(value <= 0, -np.inf, pt.switch(value >= 1, 0.0, res))
        return check_parameters(res, sigma > 0, msg="sigma > 0")

    @staticmethod
    def icdf(value, mu, sigma):
        z = -np.sqrt(2.0) * pt.erfcinv(2.0 * value)  # standard normal quantile
        res = pt.sigmoid(mu + sigma * z)
        res = pt.switch((value >= 0) & (value <= 1), res, np.nan)
        return check_parameters(res, sigma > 0, msg="sigma > 0")
