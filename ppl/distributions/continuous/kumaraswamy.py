"""Kumaraswamy distribution."""

import numpy as np
import pytensor.tensor as pt
from pytensor.tensor.random.op import RandomVariable

from ppl.distributions.continuous._base import UnitContinuous, check_positive
from ppl.distributions.continuous._numba import register_numba_core
from ppl.distributions.distribution import as_float, batch_broadcast
from ppl.logprob.checks import check_parameters
from ppl.math import log1mexp

__all__ = ["Kumaraswamy", "KumaraswamyRV", "kumaraswamy"]


class KumaraswamyRV(RandomVariable):
    """Kumaraswamy draws by inverting the CDF at a uniform draw."""

    name = "kumaraswamy"
    signature = "(),()->()"
    dtype = "floatX"
    _print_name = ("Kumaraswamy", "\\operatorname{Kumaraswamy}")

    @classmethod
    def rng_fn(cls, rng, a, b, size):
        if size is None:
            size = np.broadcast_shapes(np.shape(a), np.shape(b))
        u = rng.random(size=size)
        t = np.log1p(-u) / b
        with np.errstate(divide="ignore"):  # u = 0 gives x = 0 exactly
            log_x_a = np.where(t < -np.log(2.0), np.log1p(-np.exp(t)), np.log(-np.expm1(t)))
        return np.asarray(np.exp(log_x_a / a), dtype="float64")


kumaraswamy = KumaraswamyRV()


@register_numba_core(KumaraswamyRV)
def _kumaraswamy_numba(rng, a, b):
    u = rng.random()
    if u == 0.0:
        return 0.0
    t = np.log1p(-u) / b
    log_x_a = np.log1p(-np.exp(t)) if t < -0.6931471805599453 else np.log(-np.expm1(t))
    return np.exp(log_x_a / a)


def _check(res, a, b):
    res = check_parameters(res, b > 0, msg="b > 0")
    return check_parameters(res, a > 0, msg="a > 0")


class Kumaraswamy(UnitContinuous):
    r"""Kumaraswamy distribution on the unit interval.

    .. math:: f(x \mid a, b) = a b x^{a-1} (1 - x^a)^{b-1}

    ========  ==============================================================
    Support   :math:`x \in [0, 1]`
    Mean      :math:`b B(1 + 1/a, b)`
    Variance  :math:`b B(1 + 2/a, b) - (b B(1 + 1/a, b))^2`
    ========  ==============================================================

    The CDF :math:`1 - (1 - x^a)^b` and its inverse are closed-form, which makes it a
    convenient alternative to the Beta distribution.

    Parameters
    ----------
    a
        First shape parameter, > 0.
    b
        Second shape parameter, > 0.

    Returns
    -------
    TensorVariable
        The random variable (registered in the model when created with a name).

    Raises
    ------
    ParameterValueError
        If a literal ``a`` or ``b`` is not positive.

    Examples
    --------
    >>> import ppl
    >>> with ppl.Model():
    ...     p = ppl.Kumaraswamy("p", a=2.0, b=5.0)
    """

    rv_op = kumaraswamy

    @classmethod
    def dist(cls, a, b, **kwargs):
        check_positive("a", a)
        check_positive("b", b)
        return super().dist([as_float(a), as_float(b)], **kwargs)

    @staticmethod
    def support_point(rv, size, a, b):
        # the mean, b * B(1 + 1/a, b)
        log_mean = pt.log(b) + pt.gammaln(1.0 + 1.0 / a) + pt.gammaln(b)
        log_mean = log_mean - pt.gammaln(1.0 + 1.0 / a + b)
        return batch_broadcast(pt.exp(log_mean), rv, size, a, b)

    @staticmethod
    def logp(value, a, b):
        log_x = pt.log(value)
        # x**0 = 1 at the edges: keep 0 * log(0) out of the sum when a shape parameter is 1
        res = (
            pt.log(a)
            + pt.log(b)
            + pt.switch(pt.eq(a, 1.0), 0.0, (a - 1.0) * log_x)
            + pt.switch(pt.eq(b, 1.0), 0.0, (b - 1.0) * log1mexp(a * log_x))
        )
        res = pt.switch((value >= 0) & (value <= 1), res, -np.inf)
        return _check(res, a, b)

    @staticmethod
    def logcdf(value, a, b):
        x = pt.clip(value, 0.0, 1.0)
        res = log1mexp(b * log1mexp(a * pt.log(x)))
        res = pt.switch(value < 0, -np.inf, pt.switch(value > 1, 0.0, res))
        return _check(res, a, b)

    @staticmethod
    def icdf(value, a, b):
        res = pt.exp(log1mexp(pt.log1p(-value) / b) / a)
        res = pt.switch((value >= 0) & (value <= 1), res, np.nan)
        return _check(res, a, b)
