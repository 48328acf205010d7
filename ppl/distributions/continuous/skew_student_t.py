"""Skewed Student's t distribution of Jones and Faddy (2003)."""

import numpy as np
import pytensor.tensor as pt
from pytensor.tensor.random.op import RandomVariable

from ppl.distributions.continuous._base import check_positive, resolve_sigma_tau
from ppl.distributions.continuous._numba import register_numba_core
from ppl.distributions.distribution import Continuous, as_float, batch_broadcast
from ppl.logprob.checks import check_parameters

__all__ = ["SkewStudentT", "SkewStudentTRV", "skewstudentt"]

_MSG = "a > 0, b > 0, sigma > 0"


class SkewStudentTRV(RandomVariable):
    r"""Jones-Faddy skew-t draws from a beta variable.

    With :math:`B \sim \mathrm{Beta}(a, b)`,
    :math:`T = \sqrt{a + b}\,(2B - 1) / (2\sqrt{B(1 - B)})` and ``mu + sigma * T``.
    """

    name = "skewstudentt"
    signature = "(),(),(),()->()"
    dtype = "floatX"
    _print_name = ("SkewStudentT", "\\operatorname{SkewStudentT}")

    @classmethod
    def rng_fn(cls, rng, a, b, mu, sigma, size):
        if size is None:
            size = np.broadcast_shapes(*(np.shape(p) for p in (a, b, mu, sigma)))
        beta = rng.beta(a, b, size=size)
        t = np.sqrt(a + b) * (2.0 * beta - 1.0) / (2.0 * np.sqrt(beta * (1.0 - beta)))
        return np.asarray(mu + sigma * t)


skewstudentt = SkewStudentTRV()


@register_numba_core(SkewStudentTRV)
def _skewstudentt_numba(rng, a, b, mu, sigma):
    beta = rng.beta(a, b)
    t = np.sqrt(a + b) * (2.0 * beta - 1.0) / (2.0 * np.sqrt(beta * (1.0 - beta)))
    return mu + sigma * t


def _beta_coordinates(t, a, b):
    r"""``(x, 1 - x)`` with :math:`x = (1 + t / \sqrt{a + b + t^2}) / 2`, both without cancellation.

    For ``t < 0``, :math:`x = (a + b) / (2 s (s - t))` with :math:`s = \sqrt{a + b + t^2}`
    (and symmetrically for ``1 - x``), so the tails keep their relative precision.
    """
    s = pt.sqrt(a + b + pt.square(t))
    small = (a + b) / (2.0 * s * (s + pt.abs(t)))
    x = pt.switch(t < 0, small, 1.0 - small)
    one_minus_x = pt.switch(t < 0, 1.0 - small, small)
    return x, one_minus_x


class SkewStudentT(Continuous):
    r"""Skewed Student's t distribution (Jones and Faddy, 2003).

    .. math:: f(t \mid a, b) = C_{a,b}^{-1}
              \left(1 + \frac{t}{\sqrt{a + b + t^2}}\right)^{a + 1/2}
              \left(1 - \frac{t}{\sqrt{a + b + t^2}}\right)^{b + 1/2},
              \qquad C_{a,b} = 2^{a + b - 1} B(a, b) \sqrt{a + b}

    with :math:`t = (x - \mu) / \sigma` (and a factor :math:`1 / \sigma`).

    ========  ========================================================================
    Support   :math:`x \in \mathbb{R}`
    Mean      :math:`\mu + \sigma\frac{(a - b)\sqrt{a + b}}{2}
              \frac{\Gamma(a - 1/2)\Gamma(b - 1/2)}{\Gamma(a)\Gamma(b)}`
              for :math:`a, b > 1/2`
    ========  ========================================================================

    ``a = b = nu / 2`` is Student's t with ``nu`` degrees of freedom; ``a > b`` skews to the
    right, ``a < b`` to the left.

    Parameters
    ----------
    a
        First tail parameter, > 0.
    b
        Second tail parameter, > 0.
    mu
        Location (default 0).
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
        If a literal ``a``, ``b``, ``sigma`` or ``lam`` is not positive, or both ``sigma`` and
        ``lam`` are given.

    Examples
    --------
    >>> import ppl
    >>> with ppl.Model():
    ...     r = ppl.SkewStudentT("r", a=3.0, b=1.5, mu=0.0, sigma=1.0)
    """

    rv_op = skewstudentt

    @classmethod
    def dist(cls, a, b, *, mu=0.0, sigma=None, lam=None, **kwargs):
        check_positive("a", a)
        check_positive("b", b)
        sigma = resolve_sigma_tau(sigma, lam, tau_name="lam")
        return super().dist([as_float(a), as_float(b), as_float(mu), as_float(sigma)], **kwargs)

    @staticmethod
    def support_point(rv, size, a, b, mu, sigma):
        # the mode: defined for all a, b > 0 (the mean needs a, b > 1/2)
        mode = (a - b) * pt.sqrt(a + b) / pt.sqrt((2.0 * a + 1.0) * (2.0 * b + 1.0))
        return batch_broadcast(mu + sigma * mode, rv, size, a, b, mu, sigma)

    @staticmethod
    def logp(value, a, b, mu, sigma):
        x, one_minus_x = _beta_coordinates((value - mu) / sigma, a, b)
        log_norm = (
            (a + b - 1.0) * np.log(2.0)
            + pt.gammaln(a)
            + pt.gammaln(b)
            - pt.gammaln(a + b)
            + 0.5 * pt.log(a + b)
        )
        res = (
            (a + 0.5) * pt.log(2.0 * x)
            + (b + 0.5) * pt.log(2.0 * one_minus_x)
            - log_norm
            - pt.log(sigma)
        )
        res = pt.switch(pt.isinf(value), -np.inf, res)
        return check_parameters(res, a > 0, b > 0, sigma > 0, msg=_MSG)

    @staticmethod
    def logcdf(value, a, b, mu, sigma):
        # F = I_x(a, b); above the median, 1 - I_{1-x}(b, a) keeps the upper tail accurate
        t = (value - mu) / sigma
        x, one_minus_x = _beta_coordinates(t, a, b)
        res = pt.switch(
            t < 0, pt.log(pt.betainc(a, b, x)), pt.log1p(-pt.betainc(b, a, one_minus_x))
        )
        return check_parameters(res, a > 0, b > 0, sigma > 0, msg=_MSG)

    @staticmethod
    def icdf(value, a, b, mu, sigma):
        beta = pt.betaincinv(a, b, value)
        t = pt.sqrt(a + b) * (2.0 * beta - 1.0) / (2.0 * pt.sqrt(beta * (1.0 - beta)))
        res = pt.switch((value >= 0) & (value <= 1), mu + sigma * t, np.nan)
        return check_parameters(res, a > 0, b > 0, sigma > 0, msg=_MSG)
