"""Wald (inverse Gaussian) distribution, with an optional shift."""

import numpy as np
import pytensor.tensor as pt
from pytensor.tensor.random.op import RandomVariable

from ppl.distributions.continuous._base import check_positive, resolve_alternatives
from ppl.distributions.continuous._numba import register_numba_core
from ppl.distributions.distribution import Continuous, as_float, batch_broadcast
from ppl.logprob.checks import _constant_value, check_constant_parameter, check_parameters
from ppl.math import LOG_2PI, log_ndtr
from ppl.transforms.elementwise import Interval, log

__all__ = ["Wald", "WaldRV", "wald"]

_MSG = "mu > 0, lam > 0, alpha >= 0"


class WaldRV(RandomVariable):
    """Shifted Wald draws ``alpha + InverseGaussian(mu, lam)``.

    PyTensor's own ``WaldRV`` has no shift parameter; this op has one (and a Numba kernel).
    """

    name = "wald"
    signature = "(),(),()->()"
    dtype = "floatX"
    _print_name = ("Wald", "\\operatorname{Wald}")

    @classmethod
    def rng_fn(cls, rng, mu, lam, alpha, size):
        if size is None:
            size = np.broadcast_shapes(np.shape(mu), np.shape(lam), np.shape(alpha))
        return np.asarray(alpha + rng.wald(mu, lam, size=size))


wald = WaldRV()


@register_numba_core(WaldRV)
def _wald_numba(rng, mu, lam, alpha):
    return alpha + rng.wald(mu, lam)


def _transform(rv):
    """``log`` for the unshifted Wald (PyMC's value name ``x_log__``); a lower bound otherwise."""
    shift = _constant_value(rv.owner.inputs[4])
    if shift is not None and np.all(shift == 0):
        return log
    return Interval(bounds_fn=lambda rng, size, mu, lam, alpha: (alpha, None))


class Wald(Continuous):
    r"""Wald (inverse Gaussian) distribution, shifted by ``alpha``.

    .. math:: f(x \mid \mu, \lambda, \alpha) = \left(\frac{\lambda}{2\pi}\right)^{1/2}
              (x - \alpha)^{-3/2}
              \exp\left\{-\frac{\lambda}{2 (x - \alpha)}
              \left(\frac{x - \alpha - \mu}{\mu}\right)^2\right\}

    ========  =============================
    Support   :math:`x \in (\alpha, \infty)`
    Mean      :math:`\mu + \alpha`
    Variance  :math:`\mu^3 / \lambda`
    ========  =============================

    Give exactly one of: ``mu`` alone (then ``lam = 1``), ``mu`` and ``lam``, ``mu`` and
    ``phi`` (``lam = mu * phi``), or ``lam`` and ``phi`` (``mu = lam / phi``).

    Parameters
    ----------
    mu
        Mean of the unshifted distribution, > 0.
    lam
        Shape (relative precision), > 0.
    phi
        Alternative shape ``lam / mu``, > 0.
    alpha
        Shift, >= 0 (default 0).

    Returns
    -------
    TensorVariable
        The random variable (registered in the model when created with a name).

    Raises
    ------
    ParameterValueError
        If the combination of parameters is not one of the above, or a literal parameter is
        out of range.

    Examples
    --------
    >>> import ppl
    >>> with ppl.Model():
    ...     t = ppl.Wald("t", mu=1.5, lam=4.0, alpha=0.2)
    """

    rv_op = wald
    default_transform = _transform

    @classmethod
    def dist(cls, mu=None, lam=None, phi=None, alpha=0.0, **kwargs):
        group = resolve_alternatives(
            {"mu": mu, "lam": lam, "phi": phi},
            [("mu",), ("mu", "lam"), ("mu", "phi"), ("lam", "phi")],
        )
        for name, value in (("mu", mu), ("lam", lam), ("phi", phi)):
            check_positive(name, value)
        check_constant_parameter("alpha", alpha, lambda a: a >= 0, "alpha >= 0")
        if group == ("mu",):
            mu, lam = as_float(mu), as_float(1.0)
        elif group == ("mu", "lam"):
            mu, lam = as_float(mu), as_float(lam)
        else:
            # a symbolic phi <= 0 would surface as an invalid mu or lam: check it by its name
            phi = as_float(phi)
            if _constant_value(phi) is None:
                phi = check_parameters(phi, phi > 0, msg="phi > 0")
            if group == ("mu", "phi"):
                mu = as_float(mu)
                lam = mu * phi
            else:
                lam = as_float(lam)
                mu = lam / phi
        return super().dist([mu, lam, as_float(alpha)], **kwargs)

    @staticmethod
    def support_point(rv, size, mu, lam, alpha):
        return batch_broadcast(mu + alpha, rv, size, mu, lam, alpha)

    @staticmethod
    def logp(value, mu, lam, alpha):
        x = value - alpha
        x_safe = pt.switch(x > 0, x, 1.0)
        res = (
            0.5 * (pt.log(lam) - LOG_2PI)
            - 1.5 * pt.log(x_safe)
            - lam / (2.0 * x_safe) * pt.square((x_safe - mu) / mu)
        )
        res = pt.switch((x > 0) & pt.lt(x, np.inf), res, -np.inf)
        return check_parameters(res, mu > 0, lam > 0, alpha >= 0, msg=_MSG)

    @staticmethod
    def logcdf(value, mu, lam, alpha):
        # F = Phi(r (x/mu - 1)) + exp(2 lam / mu) Phi(-r (x/mu + 1)), r = sqrt(lam / x); the
        # second term is summed in log space, where exp(2 lam / mu) cannot overflow
        x = value - alpha
        x_safe = pt.switch(x > 0, x, 1.0)
        r = pt.sqrt(lam / x_safe)
        first = log_ndtr(r * (x_safe / mu - 1.0))
        second = 2.0 * lam / mu + log_ndtr(-r * (x_safe / mu + 1.0))
        # pt.logaddexp is log(exp(a) + exp(b)) (PyTensor 3.0.7), which underflows to -inf
        # here; shift by the larger term instead
        larger = pt.maximum(first, second)
        res = larger + pt.log1p(pt.exp(-pt.abs(first - second)))
        res = pt.switch(pt.isneginf(larger), -np.inf, res)  # both -inf: F underflows
        res = pt.switch(x > 0, pt.switch(pt.lt(x, np.inf), res, 0.0), -np.inf)
        return check_parameters(res, mu > 0, lam > 0, alpha >= 0, msg=_MSG)
