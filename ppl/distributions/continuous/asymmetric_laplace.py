"""AsymmetricLaplace distribution."""

import numpy as np
import pytensor.tensor as pt
from pytensor.tensor.random.op import RandomVariable

from ppl.distributions.continuous._base import check_positive, resolve_alternatives
from ppl.distributions.continuous._numba import register_numba_core
from ppl.distributions.distribution import Continuous, as_float, batch_broadcast
from ppl.exceptions import ParameterValueError
from ppl.logprob.checks import check_constant_parameter, check_parameters, current_label
from ppl.math import log1mexp

__all__ = ["AsymmetricLaplace", "AsymmetricLaplaceRV", "asymmetric_laplace"]


class AsymmetricLaplaceRV(RandomVariable):
    """Draws from the two exponential halves: left with probability ``kappa^2 / (1 + kappa^2)``."""

    name = "asymmetric_laplace"
    signature = "(),(),()->()"
    dtype = "floatX"
    _print_name = ("AsymmetricLaplace", "\\operatorname{AsymmetricLaplace}")

    @classmethod
    def rng_fn(cls, rng, kappa, mu, b, size):
        if size is None:
            size = np.broadcast_shapes(np.shape(kappa), np.shape(mu), np.shape(b))
        left = rng.random(size=size) < kappa**2 / (1.0 + kappa**2)
        e = rng.standard_exponential(size=size)
        return np.asarray(np.where(left, mu - e * kappa / b, mu + e / (b * kappa)), dtype="float64")


asymmetric_laplace = AsymmetricLaplaceRV()


@register_numba_core(AsymmetricLaplaceRV)
def _asymmetric_laplace_numba(rng, kappa, mu, b):
    left = rng.random() < kappa * kappa / (1.0 + kappa * kappa)
    e = rng.standard_exponential()
    if left:
        return mu - e * kappa / b
    return mu + e / (b * kappa)


def _kappa(kappa, q):
    """``kappa`` from exactly one of ``kappa`` and ``q`` (``kappa = sqrt(q / (1 - q))``)."""
    group = resolve_alternatives({"kappa": kappa, "q": q}, [("kappa",), ("q",)])
    if group == ("kappa",):
        check_positive("kappa", kappa)
        return as_float(kappa)
    check_constant_parameter("q", q, lambda v: (v > 0) & (v < 1), "0 < q < 1")
    q = as_float(q)
    q = check_parameters(q, (q > 0) & (q < 1), msg="0 < q < 1")
    return pt.sqrt(q / (1.0 - q))


def _check(res, kappa, b):
    res = check_parameters(res, b > 0, msg="b > 0")
    return check_parameters(res, kappa > 0, msg="kappa > 0")


class AsymmetricLaplace(Continuous):
    r"""Asymmetric Laplace distribution.

    .. math:: f(x \mid b, \kappa, \mu) = \frac{b}{\kappa + 1/\kappa}\,
              e^{-(x-\mu)\,b\,s\,\kappa^{s}}, \qquad s = \operatorname{sgn}(x - \mu)

    ========  ==============================================
    Support   :math:`x \in \mathbb{R}`
    Mean      :math:`\mu - \frac{\kappa - 1/\kappa}{b}`
    Variance  :math:`\frac{1 + \kappa^4}{b^2\kappa^2}`
    ========  ==============================================

    With the quantile parameterisation, :math:`\kappa = \sqrt{q / (1 - q)}`: then
    :math:`P(X \le \mu) = q`, which is what quantile regression uses.

    Parameters
    ----------
    kappa
        Symmetry parameter, > 0 (``kappa = 1`` is the Laplace distribution). Mutually exclusive
        with ``q``.
    mu
        Location.
    b
        Scale parameter (an inverse scale: larger ``b`` is narrower), > 0.
    q
        Quantile of ``mu``, in (0, 1).

    Returns
    -------
    TensorVariable
        The random variable (registered in the model when created with a name).

    Raises
    ------
    ParameterValueError
        If ``mu`` or ``b`` is missing, not exactly one of ``kappa`` and ``q`` is given, or a
        literal parameter is out of range.

    Examples
    --------
    >>> import ppl
    >>> with ppl.Model():
    ...     y = ppl.AsymmetricLaplace("y", kappa=2.0, mu=0.0, b=1.5)
    ...     z = ppl.AsymmetricLaplace("z", mu=0.0, b=1.0, q=0.9)
    """

    rv_op = asymmetric_laplace

    @classmethod
    def dist(cls, kappa=None, mu=None, b=None, q=None, **kwargs):
        missing = [name for name, v in (("mu", mu), ("b", b)) if v is None]
        if missing:
            raise ParameterValueError(
                f"{current_label.get() or 'AsymmetricLaplace'}: {' and '.join(missing)} must be "
                "given (AsymmetricLaplace has no default location or scale)."
            )
        kappa = _kappa(kappa, q)
        check_positive("b", b)
        return super().dist([kappa, as_float(mu), as_float(b)], **kwargs)

    @staticmethod
    def support_point(rv, size, kappa, mu, b):
        return batch_broadcast(mu - (kappa - 1.0 / kappa) / b, rv, size, kappa, mu, b)

    @staticmethod
    def logp(value, kappa, mu, b):
        z = (value - mu) * b
        # log(kappa + 1/kappa) = log1p(kappa^2) - log(kappa), exact for small and large kappa
        res = pt.log(b) + pt.log(kappa) - pt.log1p(pt.square(kappa))
        res = res + pt.switch(z >= 0, -z * kappa, z / kappa)
        return _check(res, kappa, b)

    @staticmethod
    def logcdf(value, kappa, mu, b):
        z = (value - mu) * b
        log_left = pt.log1p(pt.square(kappa))  # log(1 + kappa^2)
        below = 2.0 * pt.log(kappa) - log_left + pt.minimum(z, 0.0) / kappa
        above = log1mexp(-pt.maximum(z, 0.0) * kappa - log_left)
        return _check(pt.switch(z < 0, below, above), kappa, b)

    @staticmethod
    def icdf(value, kappa, mu, b):
        k2 = pt.square(kappa)
        split = k2 / (1.0 + k2)  # P(X <= mu)
        below = mu + kappa / b * (pt.log(value) + pt.log1p(k2) - pt.log(k2))
        above = mu - (pt.log1p(-value) + pt.log1p(k2)) / (b * kappa)
        res = pt.switch(value < split, below, above)
        res = pt.switch((value >= 0) & (value <= 1), res, np.nan)
        return _check(res, kappa, b)
