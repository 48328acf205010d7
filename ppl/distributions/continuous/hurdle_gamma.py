"""Hurdle gamma distribution: a point mass at zero and a gamma distribution for positive values."""

import numpy as np
import pytensor.tensor as pt
from pytensor.tensor.random.op import RandomVariable

from ppl.distributions.continuous._numba import register_numba_core
from ppl.distributions.continuous.gamma import Gamma
from ppl.distributions.discrete._zero_mass import (
    base_params,
    check_psi,
    hurdle_logcdf,
    hurdle_logp,
    resolve_psi,
    warn_free_hurdle,
)
from ppl.distributions.distribution import Continuous, batch_broadcast
from ppl.logprob.dispatch import _logcdf, _logprob
from ppl.math import log1mexp

__all__ = ["HurdleGamma", "HurdleGammaRV", "hurdle_gamma"]

#: Positive values start here: as in PyMC, the gamma component is truncated to x >= machine
#: epsilon (its draws never round to 0, so 0 always means "the zero component").
EPS = float(np.finfo("float64").eps)


class HurdleGammaRV(RandomVariable):
    """0 with probability ``1 - psi``, else a ``Gamma(alpha, scale)`` draw truncated to ``>= EPS``."""

    name = "hurdle_gamma"
    signature = "(),(),()->()"
    dtype = "floatX"
    _print_name = ("HurdleGamma", "\\operatorname{HurdleGamma}")

    @classmethod
    def rng_fn(cls, rng, psi, alpha, scale, size):
        if size is None:
            size = np.broadcast_shapes(np.shape(psi), np.shape(alpha), np.shape(scale))
        alpha, scale = np.broadcast_to(alpha, size), np.broadcast_to(scale, size)
        x = np.asarray(rng.gamma(alpha, scale, size=size), dtype="float64")
        redraw = x < EPS
        while np.any(redraw):  # rejection: only tiny shapes (alpha << 1) ever need it
            x[redraw] = rng.gamma(alpha[redraw], scale[redraw])
            redraw = x < EPS
        return np.where(rng.random(size=size) < psi, x, 0.0)


hurdle_gamma = HurdleGammaRV()


@register_numba_core(HurdleGammaRV)
def _hurdle_gamma_numba(rng, psi, alpha, scale):
    if rng.random() >= psi:
        return 0.0
    x = rng.gamma(alpha, scale)
    while x < EPS:
        x = rng.gamma(alpha, scale)
    return x


def _log_norm(alpha, scale):
    """``log P(X >= EPS)`` of the gamma component."""
    return log1mexp(_logcdf(Gamma.rv_op, pt.constant(EPS, dtype="float64"), alpha, scale))


class HurdleGamma(Continuous):
    r"""Hurdle gamma distribution: exact zeros with probability ``1 - psi``, else gamma values.

    .. math:: f(x \mid \psi, \alpha, \beta) = \begin{cases}
              1 - \psi & x = 0 \\
              \psi \dfrac{\text{Gamma}(x \mid \alpha, \beta)}
              {1 - F_{\text{Gamma}}(\epsilon \mid \alpha, \beta)} & x \geq \epsilon
              \end{cases}

    ========  ==========================================
    Support   :math:`x \in \{0\} \cup [\epsilon, \infty)`
    Mean      :math:`\approx \psi \alpha / \beta`
    ========  ==========================================

    A mixed distribution: a probability mass at 0 and a density above it. As in PyMC the gamma
    component is truncated at machine epsilon :math:`\epsilon` (values in :math:`(0, \epsilon)`
    have no density); the truncation only matters for shapes :math:`\alpha \ll 1`. Give
    ``(alpha, beta)`` or ``(mu, sigma)``, as for :class:`~ppl.Gamma`.

    Meant for observed data: there is no default transform (the support includes 0), and a free
    variable warns, since gradient-based samplers never reach the point mass.

    Parameters
    ----------
    psi
        Probability of a non-zero value, in [0, 1].
    alpha
        Shape of the gamma component, > 0 (with ``beta``).
    beta
        Rate of the gamma component, > 0 (with ``alpha``).
    mu
        Mean of the gamma component, > 0 (with ``sigma``).
    sigma
        Standard deviation of the gamma component, > 0 (with ``mu``).

    Returns
    -------
    TensorVariable
        The random variable (registered in the model when created with a name).

    Raises
    ------
    ParameterValueError
        If the gamma parameters given are not ``alpha`` and ``beta`` or ``mu`` and ``sigma``, or
        a literal parameter is out of its range.

    Examples
    --------
    >>> import ppl
    >>> with ppl.Model():
    ...     rain = ppl.HurdleGamma("rain", psi=0.3, alpha=2.0, beta=0.5, observed=[0.0, 0.0, 4.2])
    >>> round(float(ppl.logp(ppl.HurdleGamma.dist(0.3, alpha=2.0, beta=0.5), 0.0).eval()), 6)
    -0.356675
    """

    default_transform = staticmethod(warn_free_hurdle)
    rv_op = hurdle_gamma

    @classmethod
    def dist(cls, psi, alpha=None, beta=None, mu=None, sigma=None, **kwargs):
        psi = resolve_psi(psi)
        gamma = base_params(Gamma, alpha=alpha, beta=beta, mu=mu, sigma=sigma)
        return super().dist([psi, *gamma], **kwargs)

    @staticmethod
    def support_point(rv, size, psi, alpha, scale):
        mean = psi * alpha * scale
        return batch_broadcast(pt.switch(mean >= EPS, mean, 0.0), rv, size, psi, alpha, scale)

    @staticmethod
    def logp(value, psi, alpha, scale):
        base = _logprob(Gamma.rv_op, value, alpha, scale)
        return check_psi(hurdle_logp(value, psi, base, _log_norm(alpha, scale), EPS), psi)

    @staticmethod
    def logcdf(value, psi, alpha, scale):
        base = _logcdf(Gamma.rv_op, value, alpha, scale)
        return check_psi(hurdle_logcdf(value, psi, base, _log_norm(alpha, scale), EPS), psi)
