"""HalfStudentT distribution."""

import numpy as np
import pytensor.tensor as pt
from pytensor.tensor.random.op import RandomVariable

from ppl.distributions.continuous._base import (
    PositiveContinuous,
    check_positive,
    resolve_sigma_tau,
)
from ppl.distributions.continuous._numba import register_numba_core
from ppl.distributions.distribution import as_float, batch_broadcast
from ppl.logprob.checks import check_parameters
from ppl.math import LOG_PI

__all__ = ["HalfStudentT", "HalfStudentTRV", "halfstudentt"]


class HalfStudentTRV(RandomVariable):
    """Draws ``sigma * |t_nu|``."""

    name = "halfstudentt"
    signature = "(),()->()"
    dtype = "floatX"
    _print_name = ("HalfStudentT", "\\operatorname{HalfStudentT}")

    @classmethod
    def rng_fn(cls, rng, nu, sigma, size):
        if size is None:
            size = np.broadcast_shapes(np.shape(nu), np.shape(sigma))
        return np.asarray(sigma * np.abs(rng.standard_t(nu, size=size)), dtype="float64")


halfstudentt = HalfStudentTRV()


@register_numba_core(HalfStudentTRV)
def _halfstudentt_numba(rng, nu, sigma):
    return sigma * np.abs(rng.standard_t(nu))


def _check(res, nu, sigma):
    res = check_parameters(res, sigma > 0, msg="sigma > 0")
    return check_parameters(res, nu > 0, msg="nu > 0")


class HalfStudentT(PositiveContinuous):
    r"""Half Student's t distribution: the absolute value of a zero-centred Student's t.

    .. math:: f(x \mid \nu, \sigma) =
              \frac{2\,\Gamma\left(\frac{\nu+1}{2}\right)}
              {\Gamma\left(\frac{\nu}{2}\right)\sqrt{\nu\pi}\,\sigma}
              \left(1 + \frac{1}{\nu}\frac{x^2}{\sigma^2}\right)^{-\frac{\nu+1}{2}}

    ========  ================================================================
    Support   :math:`x \in [0, \infty)`
    Mean      :math:`2\sigma\sqrt{\frac{\nu}{\pi}}
              \frac{\Gamma\left(\frac{\nu+1}{2}\right)}{\Gamma\left(\frac{\nu}{2}\right)(\nu-1)}`
              for :math:`\nu > 1`
    Variance  :math:`\sigma^2\frac{\nu}{\nu-2} - \text{Mean}^2` for :math:`\nu > 2`
    ========  ================================================================

    Parameters
    ----------
    nu
        Degrees of freedom, > 0.
    sigma
        Scale, > 0 (default 1). Mutually exclusive with ``lam``.
    lam
        Precision-like scale, > 0 (``sigma = lam**-0.5``).

    Returns
    -------
    TensorVariable
        The random variable (registered in the model when created with a name).

    Raises
    ------
    ParameterValueError
        If a literal ``nu``, ``sigma`` or ``lam`` is not positive, or both ``sigma`` and ``lam``
        are given.

    Examples
    --------
    >>> import ppl
    >>> with ppl.Model():
    ...     s = ppl.HalfStudentT("s", nu=3, sigma=2.5)
    """

    rv_op = halfstudentt

    @classmethod
    def dist(cls, nu, sigma=None, lam=None, **kwargs):
        check_positive("nu", nu)
        sigma = resolve_sigma_tau(sigma, lam, tau_name="lam")
        return super().dist([as_float(nu), as_float(sigma)], **kwargs)

    @staticmethod
    def support_point(rv, size, nu, sigma):
        return batch_broadcast(sigma, rv, size, nu, sigma)

    @staticmethod
    def logp(value, nu, sigma):
        res = (
            np.log(2.0)
            + pt.gammaln((nu + 1.0) / 2.0)
            - pt.gammaln(nu / 2.0)
            - 0.5 * (LOG_PI + pt.log(nu))
            - pt.log(sigma)
            - (nu + 1.0) / 2.0 * pt.log1p(pt.square(value / sigma) / nu)
        )
        res = pt.switch(value >= 0, res, -np.inf)
        return _check(res, nu, sigma)

    @staticmethod
    def logcdf(value, nu, sigma):
        # P(X > x) = I_{nu/(nu+z^2)}(nu/2, 1/2) and P(X <= x) = I_{z^2/(nu+z^2)}(1/2, nu/2):
        # take the log of whichever is the smaller probability, so that no digits cancel
        z2 = pt.square(pt.maximum(value, 0.0) / sigma)
        tail = pt.betainc(nu / 2.0, 0.5, nu / (nu + z2))
        head = pt.betainc(0.5, nu / 2.0, z2 / (nu + z2))
        res = pt.switch(tail < 0.5, pt.log1p(-tail), pt.log(head))
        res = pt.switch(value >= 0, res, -np.inf)
        return _check(res, nu, sigma)

    @staticmethod
    def icdf(value, nu, sigma):
        # invert the smaller of the two regularised incomplete betas of logcdf
        w_head = pt.betaincinv(0.5, nu / 2.0, value)  # z^2 / (nu + z^2)
        w_tail = pt.betaincinv(nu / 2.0, 0.5, 1.0 - value)  # nu / (nu + z^2)
        z2 = pt.switch(value < 0.5, nu * w_head / (1.0 - w_head), nu * (1.0 / w_tail - 1.0))
        res = sigma * pt.sqrt(z2)
        res = pt.switch(pt.eq(value, 1), np.inf, res)
        res = pt.switch((value >= 0) & (value <= 1), res, np.nan)
        return _check(res, nu, sigma)
