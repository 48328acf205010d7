"""Exponentially modified Gaussian (ex-Gaussian) distribution."""

import numpy as np
import pytensor.tensor as pt
from pytensor.tensor.random.op import RandomVariable

from ppl.distributions.continuous._base import check_positive
from ppl.distributions.continuous._numba import register_numba_core
from ppl.distributions.distribution import Continuous, as_float, batch_broadcast
from ppl.exceptions import ParameterValueError
from ppl.logprob.checks import check_parameters, current_label
from ppl.math import log1mexp, log_ndtr

__all__ = ["ExGaussian", "ExGaussianRV", "exgaussian"]

_MSG = "sigma > 0, nu > 0"


class ExGaussianRV(RandomVariable):
    """Ex-Gaussian draws ``mu + sigma * N(0, 1) + nu * Exp(1)``."""

    name = "exgaussian"
    signature = "(),(),()->()"
    dtype = "floatX"
    _print_name = ("ExGaussian", "\\operatorname{ExGaussian}")

    @classmethod
    def rng_fn(cls, rng, mu, sigma, nu, size):
        if size is None:
            size = np.broadcast_shapes(np.shape(mu), np.shape(sigma), np.shape(nu))
        normal = rng.standard_normal(size=size)
        return np.asarray(mu + sigma * normal + nu * rng.standard_exponential(size=size))


exgaussian = ExGaussianRV()


@register_numba_core(ExGaussianRV)
def _exgaussian_numba(rng, mu, sigma, nu):
    normal = rng.standard_normal()
    return mu + sigma * normal + nu * rng.standard_exponential()


def log_exgaussian_tail(z, s):
    r"""``log(exp(s**2 / 2 - z * s) * Phi(z - s))`` without overflow or cancellation.

    With :math:`u = z - s < -1`, :math:`\log\Phi(u) = \log(\mathrm{erfcx}(-u/\sqrt2)/2) - u^2/2`
    and the exponents add up to exactly :math:`-z^2/2`. Each branch gets a clamped argument so
    that the branch not taken stays finite (no NaN in gradients).
    """
    u = z - s
    u_low = pt.minimum(u, -1.0)
    via_erfcx = -0.5 * pt.square(z) + pt.log(0.5 * pt.erfcx(-u_low / np.sqrt(2.0)))
    direct = 0.5 * pt.square(s) - z * s + log_ndtr(pt.maximum(u, -1.0))
    return pt.switch(u < -1.0, via_erfcx, direct)


class ExGaussian(Continuous):
    r"""Exponentially modified Gaussian: a normal plus an independent exponential.

    .. math:: f(x \mid \mu, \sigma, \nu) = \frac{1}{\nu}
              \exp\left\{\frac{\mu - x}{\nu} + \frac{\sigma^2}{2\nu^2}\right\}
              \Phi\left(\frac{x - \mu}{\sigma} - \frac{\sigma}{\nu}\right)

    where :math:`\Phi` is the standard normal CDF.

    ========  ==========================
    Support   :math:`x \in \mathbb{R}`
    Mean      :math:`\mu + \nu`
    Variance  :math:`\sigma^2 + \nu^2`
    ========  ==========================

    Parameters
    ----------
    mu
        Mean of the normal component (default 0).
    sigma
        Standard deviation of the normal component, > 0 (required).
    nu
        Mean of the exponential component, > 0 (required).

    Returns
    -------
    TensorVariable
        The random variable (registered in the model when created with a name).

    Raises
    ------
    ParameterValueError
        If ``sigma`` or ``nu`` is missing, or a literal one is not positive.

    Examples
    --------
    >>> import ppl
    >>> with ppl.Model():
    ...     rt = ppl.ExGaussian("rt", mu=0.4, sigma=0.05, nu=0.2)
    """

    rv_op = exgaussian

    @classmethod
    def dist(cls, mu=0.0, sigma=None, nu=None, **kwargs):
        missing = [name for name, v in (("sigma", sigma), ("nu", nu)) if v is None]
        if missing:
            raise ParameterValueError(
                f"{current_label.get() or 'ExGaussian'}: missing required parameter(s) "
                f"{', '.join(missing)}."
            )
        check_positive("sigma", sigma)
        check_positive("nu", nu)
        return super().dist([as_float(mu), as_float(sigma), as_float(nu)], **kwargs)

    @staticmethod
    def support_point(rv, size, mu, sigma, nu):
        return batch_broadcast(mu + nu, rv, size, mu, sigma, nu)

    @staticmethod
    def logp(value, mu, sigma, nu):
        res = -pt.log(nu) + log_exgaussian_tail((value - mu) / sigma, sigma / nu)
        res = pt.switch(pt.isinf(value), -np.inf, res)
        return check_parameters(res, sigma > 0, nu > 0, msg=_MSG)

    @staticmethod
    def logcdf(value, mu, sigma, nu):
        # F = Phi(z) - exp(s^2/2 - z s) Phi(z - s), as log(exp(a) - exp(b)) with b <= a
        z = (value - mu) / sigma
        a = log_ndtr(z)
        b = log_exgaussian_tail(z, sigma / nu)
        res = a + log1mexp(pt.minimum(b - a, 0.0))
        res = pt.switch(pt.eq(value, -np.inf), -np.inf, res)
        return check_parameters(res, sigma > 0, nu > 0, msg=_MSG)
