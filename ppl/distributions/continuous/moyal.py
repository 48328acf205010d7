"""Moyal distribution."""

import numpy as np
import pytensor.tensor as pt
from pytensor.tensor.random.op import RandomVariable

from ppl.distributions.continuous._base import check_positive
from ppl.distributions.continuous._numba import register_numba_core
from ppl.distributions.distribution import Continuous, as_float, batch_broadcast
from ppl.logprob.checks import check_parameters
from ppl.math import LOG_2PI

__all__ = ["Moyal", "MoyalRV", "moyal"]


class MoyalRV(RandomVariable):
    """Moyal draws ``mu - 2 sigma log|Z|`` with ``Z`` standard normal."""

    name = "moyal"
    signature = "(),()->()"
    dtype = "floatX"
    _print_name = ("Moyal", "\\operatorname{Moyal}")

    @classmethod
    def rng_fn(cls, rng, mu, sigma, size):
        if size is None:
            size = np.broadcast_shapes(np.shape(mu), np.shape(sigma))
        return np.asarray(mu - 2.0 * sigma * np.log(np.abs(rng.standard_normal(size=size))))


moyal = MoyalRV()


@register_numba_core(MoyalRV)
def _moyal_numba(rng, mu, sigma):
    return mu - 2.0 * sigma * np.log(np.abs(rng.standard_normal()))


def _log_erfc(y):
    """``log(erfc(y))`` for ``y >= 0``: ``log(erfcx(y)) - y^2`` where erfc underflows."""
    y_big = pt.maximum(y, 1.0)
    y_small = pt.minimum(y, 1.0)
    tail = pt.log(pt.erfcx(y_big)) - pt.square(y_big)
    return pt.switch(y > 1.0, tail, pt.log1p(-pt.erf(y_small)))


class Moyal(Continuous):
    r"""Moyal distribution (an approximation of the Landau energy-loss distribution).

    .. math:: f(x \mid \mu, \sigma) = \frac{1}{\sigma\sqrt{2\pi}}
              \exp\left(-\frac{1}{2}\left(z + e^{-z}\right)\right),
              \qquad z = \frac{x - \mu}{\sigma}

    ========  ==================================================================
    Support   :math:`x \in \mathbb{R}`
    Mean      :math:`\mu + \sigma(\gamma + \log 2)` (:math:`\gamma`: Euler-Mascheroni)
    Variance  :math:`\frac{\pi^2}{2}\sigma^2`
    ========  ==================================================================

    Parameters
    ----------
    mu
        Location (default 0).
    sigma
        Scale, > 0 (default 1).

    Returns
    -------
    TensorVariable
        The random variable (registered in the model when created with a name).

    Raises
    ------
    ParameterValueError
        If a literal ``sigma`` is not positive.

    Examples
    --------
    >>> import ppl
    >>> with ppl.Model():
    ...     loss = ppl.Moyal("loss", mu=1.0, sigma=0.3)
    """

    rv_op = moyal

    @classmethod
    def dist(cls, mu=0.0, sigma=1.0, **kwargs):
        check_positive("sigma", sigma)
        return super().dist([as_float(mu), as_float(sigma)], **kwargs)

    @staticmethod
    def support_point(rv, size, mu, sigma):
        mean = mu + sigma * (np.euler_gamma + np.log(2.0))
        return batch_broadcast(mean, rv, size, mu, sigma)

    @staticmethod
    def logp(value, mu, sigma):
        z = (value - mu) / sigma
        res = -0.5 * (z + pt.exp(-z)) - pt.log(sigma) - 0.5 * LOG_2PI
        # z = -inf gives -inf + inf = nan; the density is 0 at both infinities
        res = pt.switch(pt.isinf(value), -np.inf, res)
        return check_parameters(res, sigma > 0, msg="sigma > 0")

    @staticmethod
    def logcdf(value, mu, sigma):
        # F = erfc(exp(-z / 2) / sqrt(2))
        z = (value - mu) / sigma
        res = _log_erfc(pt.exp(-0.5 * z) / np.sqrt(2.0))
        return check_parameters(res, sigma > 0, msg="sigma > 0")

    @staticmethod
    def icdf(value, mu, sigma):
        res = mu - 2.0 * sigma * pt.log(np.sqrt(2.0) * pt.erfcinv(value))
        res = pt.switch((value >= 0) & (value <= 1), res, np.nan)
        return check_parameters(res, sigma > 0, msg="sigma > 0")
