"""Hurdle log-normal distribution: a point mass at zero and a log-normal for positive values."""

import numpy as np
import pytensor.tensor as pt
from pytensor.tensor.random.op import RandomVariable

from ppl.distributions.continuous._numba import register_numba_core
from ppl.distributions.continuous.log_normal import LogNormal
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

__all__ = ["HurdleLogNormal", "HurdleLogNormalRV", "hurdle_log_normal"]

#: Positive values start here: as in PyMC, the log-normal component is truncated to x >= machine
#: epsilon (a negligible truncation unless mu is far below log(eps) = -36).
EPS = float(np.finfo("float64").eps)


class HurdleLogNormalRV(RandomVariable):
    """0 with probability ``1 - psi``, else a ``LogNormal(mu, sigma)`` draw truncated to ``>= EPS``."""

    name = "hurdle_lognormal"
    signature = "(),(),()->()"
    dtype = "floatX"
    _print_name = ("HurdleLogNormal", "\\operatorname{HurdleLogNormal}")

    @classmethod
    def rng_fn(cls, rng, psi, mu, sigma, size):
        if size is None:
            size = np.broadcast_shapes(np.shape(psi), np.shape(mu), np.shape(sigma))
        mu, sigma = np.broadcast_to(mu, size), np.broadcast_to(sigma, size)
        x = np.asarray(rng.lognormal(mu, sigma, size=size), dtype="float64")
        redraw = x < EPS
        while np.any(redraw):
            x[redraw] = rng.lognormal(mu[redraw], sigma[redraw])
            redraw = x < EPS
        return np.where(rng.random(size=size) < psi, x, 0.0)


hurdle_log_normal = HurdleLogNormalRV()


@register_numba_core(HurdleLogNormalRV)
def _hurdle_log_normal_numba(rng, psi, mu, sigma):
    if rng.random() >= psi:
        return 0.0
    x = np.exp(mu + sigma * rng.standard_normal())
    while x < EPS:
        x = np.exp(mu + sigma * rng.standard_normal())
    return x


def _log_norm(mu, sigma):
    """``log P(X >= EPS)`` of the log-normal component."""
    return log1mexp(_logcdf(LogNormal.rv_op, pt.constant(EPS, dtype="float64"), mu, sigma))


class HurdleLogNormal(Continuous):
    r"""Hurdle log-normal distribution: exact zeros with probability ``1 - psi``, else log-normal.

    .. math:: f(x \mid \psi, \mu, \sigma) = \begin{cases}
              1 - \psi & x = 0 \\
              \psi \dfrac{\text{LogNormal}(x \mid \mu, \sigma)}
              {1 - F_{\text{LogNormal}}(\epsilon \mid \mu, \sigma)} & x \geq \epsilon
              \end{cases}

    ========  ====================================================
    Support   :math:`x \in \{0\} \cup [\epsilon, \infty)`
    Mean      :math:`\approx \psi \exp(\mu + \sigma^2 / 2)`
    ========  ====================================================

    A mixed distribution: a probability mass at 0 and a density above it. As in PyMC the
    log-normal component is truncated at machine epsilon :math:`\epsilon`.

    Meant for observed data: there is no default transform (the support includes 0), and a free
    variable warns, since gradient-based samplers never reach the point mass.

    Parameters
    ----------
    psi
        Probability of a non-zero value, in [0, 1].
    mu
        Mean of ``log(x)`` for the non-zero values (default 0).
    sigma
        Standard deviation of ``log(x)``, > 0 (default 1). Mutually exclusive with ``tau``.
    tau
        Precision of ``log(x)``, > 0 (``sigma = tau**-0.5``).

    Returns
    -------
    TensorVariable
        The random variable (registered in the model when created with a name).

    Raises
    ------
    ParameterValueError
        If a literal ``psi`` is not in [0, 1], ``sigma`` or ``tau`` is not positive, or both are
        given.

    Examples
    --------
    >>> import ppl
    >>> with ppl.Model():
    ...     spend = ppl.HurdleLogNormal("spend", psi=0.4, mu=1.0, sigma=0.5, observed=[0.0, 3.1])
    >>> round(float(ppl.logp(ppl.HurdleLogNormal.dist(0.4), 0.0).eval()), 6)
    -0.510826
    """

    default_transform = staticmethod(warn_free_hurdle)
    rv_op = hurdle_log_normal

    @classmethod
    def dist(cls, psi, mu=0.0, sigma=None, tau=None, **kwargs):
        psi = resolve_psi(psi)
        return super().dist([psi, *base_params(LogNormal, mu=mu, sigma=sigma, tau=tau)], **kwargs)

    @staticmethod
    def support_point(rv, size, psi, mu, sigma):
        mean = psi * pt.exp(mu + 0.5 * pt.square(sigma))
        return batch_broadcast(pt.switch(mean >= EPS, mean, 0.0), rv, size, psi, mu, sigma)

    @staticmethod
    def logp(value, psi, mu, sigma):
        base = _logprob(LogNormal.rv_op, value, mu, sigma)
        return check_psi(hurdle_logp(value, psi, base, _log_norm(mu, sigma), EPS), psi)

    @staticmethod
    def logcdf(value, psi, mu, sigma):
        base = _logcdf(LogNormal.rv_op, value, mu, sigma)
        return check_psi(hurdle_logcdf(value, psi, base, _log_norm(mu, sigma), EPS), psi)
