"""Skew-normal distribution (Azzalini)."""

import numpy as np
import pytensor.tensor as pt
from pytensor.tensor.random.op import RandomVariable

from ppl.distributions.continuous._base import resolve_sigma_tau
from ppl.distributions.continuous._numba import register_numba_core
from ppl.distributions.distribution import Continuous, as_float, batch_broadcast
from ppl.logprob.checks import check_constant_parameter, check_parameters
from ppl.math import LOG_2PI, log_ndtr

__all__ = ["SkewNormal", "SkewNormalRV", "skewnormal"]


class SkewNormalRV(RandomVariable):
    r"""Skew-normal draws ``mu + sigma * (delta |U| + sqrt(1 - delta^2) V)``.

    ``U`` and ``V`` are independent standard normals and
    :math:`\delta = \alpha / \sqrt{1 + \alpha^2}`.
    """

    name = "skewnormal"
    signature = "(),(),()->()"
    dtype = "floatX"
    _print_name = ("SkewNormal", "\\operatorname{SkewNormal}")

    @classmethod
    def rng_fn(cls, rng, mu, sigma, alpha, size):
        if size is None:
            size = np.broadcast_shapes(np.shape(mu), np.shape(sigma), np.shape(alpha))
        delta = alpha / np.sqrt(1.0 + np.square(alpha))
        u = np.abs(rng.standard_normal(size=size))
        v = rng.standard_normal(size=size)
        return np.asarray(mu + sigma * (delta * u + np.sqrt(1.0 - np.square(delta)) * v))


skewnormal = SkewNormalRV()


@register_numba_core(SkewNormalRV)
def _skewnormal_numba(rng, mu, sigma, alpha):
    delta = alpha / np.sqrt(1.0 + alpha * alpha)
    u = np.abs(rng.standard_normal())
    v = rng.standard_normal()
    return mu + sigma * (delta * u + np.sqrt(1.0 - delta * delta) * v)


class SkewNormal(Continuous):
    r"""Skew-normal distribution.

    .. math:: f(x \mid \mu, \sigma, \alpha) = \frac{2}{\sigma}\,
              \phi\left(\frac{x - \mu}{\sigma}\right)
              \Phi\left(\alpha\frac{x - \mu}{\sigma}\right)

    where :math:`\phi` and :math:`\Phi` are the standard normal density and CDF, and
    :math:`\delta = \alpha / \sqrt{1 + \alpha^2}`.

    ========  ====================================================
    Support   :math:`x \in \mathbb{R}`
    Mean      :math:`\mu + \sigma\delta\sqrt{2/\pi}`
    Variance  :math:`\sigma^2 (1 - 2\delta^2/\pi)`
    ========  ====================================================

    ``alpha = 0`` is the normal distribution; as ``alpha`` goes to plus or minus infinity it
    tends to a half-normal.

    Parameters
    ----------
    alpha
        Skewness (default 1).
    mu
        Location (default 0).
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
        If both ``sigma`` and ``tau`` are given, a literal one is not positive, or a literal
        ``alpha`` is not finite.

    Examples
    --------
    >>> import ppl
    >>> with ppl.Model():
    ...     x = ppl.SkewNormal("x", alpha=4.0, mu=0.0, sigma=2.0)
    """

    rv_op = skewnormal

    @classmethod
    def dist(cls, alpha=1.0, mu=0.0, sigma=None, tau=None, **kwargs):
        check_constant_parameter("alpha", alpha, np.isfinite, "alpha finite")
        sigma = resolve_sigma_tau(sigma, tau)
        return super().dist([as_float(mu), as_float(sigma), as_float(alpha)], **kwargs)

    @staticmethod
    def support_point(rv, size, mu, sigma, alpha):
        mean = mu + sigma * np.sqrt(2.0 / np.pi) * alpha / pt.sqrt(1.0 + pt.square(alpha))
        return batch_broadcast(mean, rv, size, mu, sigma, alpha)

    @staticmethod
    def logp(value, mu, sigma, alpha):
        z = (value - mu) / sigma
        res = np.log(2.0) - 0.5 * LOG_2PI - pt.log(sigma) - 0.5 * pt.square(z) + log_ndtr(alpha * z)
        # z = +-inf with alpha = 0 gives -inf + nan; the density is 0 at both infinities
        res = pt.switch(pt.isinf(value), -np.inf, res)
        return check_parameters(res, sigma > 0, msg="sigma > 0")
