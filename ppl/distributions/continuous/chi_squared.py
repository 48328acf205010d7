"""ChiSquared distribution: a Gamma with shape ``nu / 2`` and rate ``1 / 2``."""

import numpy as np
import pytensor.tensor as pt
from pytensor.tensor.random.op import RandomVariable

from ppl.distributions.continuous._base import PositiveContinuous, check_positive
from ppl.distributions.continuous._numba import register_numba_core
from ppl.distributions.continuous.gamma import log_regularized_gamma_cdf
from ppl.distributions.distribution import as_float, batch_broadcast
from ppl.logprob.checks import check_parameters

__all__ = ["ChiSquared", "ChiSquaredRV", "chisquared"]


class ChiSquaredRV(RandomVariable):
    """Chi-squared draws with ``nu`` degrees of freedom."""

    name = "chisquared"
    signature = "()->()"
    dtype = "floatX"
    _print_name = ("ChiSquared", "\\chi^2")

    @classmethod
    def rng_fn(cls, rng, nu, size):
        return np.asarray(rng.chisquare(nu, size=size), dtype="float64")


chisquared = ChiSquaredRV()


@register_numba_core(ChiSquaredRV)
def _chisquared_numba(rng, nu):
    return rng.chisquare(nu)


class ChiSquared(PositiveContinuous):
    r""":math:`\chi^2` distribution with ``nu`` degrees of freedom.

    .. math:: f(x \mid \nu) = \frac{x^{(\nu-2)/2} e^{-x/2}}{2^{\nu/2}\Gamma(\nu/2)}

    ========  ===========================
    Support   :math:`x \in [0, \infty)`
    Mean      :math:`\nu`
    Variance  :math:`2\nu`
    ========  ===========================

    Parameters
    ----------
    nu
        Degrees of freedom, > 0.

    Returns
    -------
    TensorVariable
        The random variable (registered in the model when created with a name).

    Raises
    ------
    ParameterValueError
        If a literal ``nu`` is not positive.

    Examples
    --------
    >>> import ppl
    >>> with ppl.Model():
    ...     q = ppl.ChiSquared("q", nu=3)
    """

    rv_op = chisquared

    @classmethod
    def dist(cls, nu, **kwargs):
        check_positive("nu", nu)
        return super().dist([as_float(nu)], **kwargs)

    @staticmethod
    def support_point(rv, size, nu):
        return batch_broadcast(nu, rv, size, nu)

    @staticmethod
    def logp(value, nu):
        k = nu / 2.0
        res = -k * np.log(2.0) - pt.gammaln(k) + (k - 1.0) * pt.log(value) - value / 2.0
        # x = 0 by its limit: PyTensor rewrites (k - 1) * log(x) into k * log(x) - log(x),
        # which is inf - inf there
        at_zero = pt.switch(pt.lt(k, 1.0), np.inf, pt.switch(pt.eq(k, 1.0), -np.log(2.0), -np.inf))
        res = pt.switch(pt.eq(value, 0), at_zero, res)
        res = pt.switch((value >= 0) & pt.lt(value, np.inf), res, -np.inf)
        return check_parameters(res, nu > 0, msg="nu > 0")

    @staticmethod
    def logcdf(value, nu):
        res = log_regularized_gamma_cdf(nu / 2.0, pt.maximum(value, 0.0) / 2.0)
        res = pt.switch(value >= 0, res, -np.inf)
        return check_parameters(res, nu > 0, msg="nu > 0")

    @staticmethod
    def icdf(value, nu):
        res = 2.0 * pt.gammaincinv(nu / 2.0, value)
        res = pt.switch((value >= 0) & (value <= 1), res, np.nan)
        return check_parameters(res, nu > 0, msg="nu > 0")
