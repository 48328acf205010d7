"""Hurdle Poisson distribution."""

import numpy as np
import pytensor.tensor as pt
from pytensor.tensor.random.op import RandomVariable

from ppl.distributions.continuous._numba import register_numba_core
from ppl.distributions.discrete._zero_mass import (
    base_params,
    check_psi,
    hurdle_logcdf,
    hurdle_logp,
    resolve_psi,
)
from ppl.distributions.discrete.poisson import Poisson
from ppl.distributions.distribution import Discrete, batch_broadcast
from ppl.logprob.checks import check_constant_parameter, check_parameters
from ppl.logprob.dispatch import _logcdf, _logprob
from ppl.math import log1mexp

__all__ = ["HurdlePoisson", "HurdlePoissonRV", "hurdle_poisson"]


def _zero_truncated_poisson(rng, mu, size=None):
    """Poisson(mu) conditioned on > 0, exactly and without rejection.

    Given at least one event of a rate-``mu`` Poisson process on [0, 1], the first event time T
    has density proportional to ``exp(-mu t)`` on [0, 1] (drawn by inversion), and the events
    after it are Poisson(mu (1 - T)): the count is ``1 + Poisson(mu (1 - T))``.
    """
    u = rng.random(size=size)
    t = -np.log1p(u * np.expm1(-mu)) / mu
    return 1 + rng.poisson(np.maximum(mu * (1.0 - t), 0.0), size=size)


class HurdlePoissonRV(RandomVariable):
    """0 with probability ``1 - psi``, else a zero-truncated ``Poisson(mu)`` draw."""

    name = "hurdle_poisson"
    signature = "(),()->()"
    dtype = "int64"
    _print_name = ("HurdlePoisson", "\\operatorname{HurdlePoisson}")

    @classmethod
    def rng_fn(cls, rng, psi, mu, size):
        if size is None:
            size = np.broadcast_shapes(np.shape(psi), np.shape(mu))
        counts = _zero_truncated_poisson(rng, np.broadcast_to(mu, size), size)
        return np.asarray(np.where(rng.random(size=size) < psi, counts, 0), dtype="int64")


hurdle_poisson = HurdlePoissonRV()


@register_numba_core(HurdlePoissonRV)
def _hurdle_poisson_numba(rng, psi, mu):
    if rng.random() >= psi:
        return 0
    # zero-truncated Poisson: see _zero_truncated_poisson
    t = -np.log1p(rng.random() * np.expm1(-mu)) / mu
    return 1 + rng.poisson(max(mu * (1.0 - t), 0.0))


class HurdlePoisson(Discrete):
    r"""Hurdle Poisson distribution: zeros from one process, positive counts from a Poisson.

    .. math:: f(x \mid \psi, \mu) = \begin{cases}
              1 - \psi & x = 0 \\
              \psi \dfrac{e^{-\mu} \mu^x / x!}{1 - e^{-\mu}} & x = 1, 2, \ldots
              \end{cases}

    ========  ==========================================
    Support   :math:`x \in \mathbb{N}_0`
    Mean      :math:`\psi \mu / (1 - e^{-\mu})`
    ========  ==========================================

    Unlike :class:`~ppl.ZeroInflatedPoisson`, the Poisson component here never produces zeros:
    it is truncated to ``x >= 1``.

    Parameters
    ----------
    psi
        Probability of a non-zero value (the expected proportion of Poisson draws), in [0, 1].
    mu
        Expected number of events of the (untruncated) Poisson component, > 0.

    Returns
    -------
    TensorVariable
        The random variable (registered in the model when created with a name).

    Raises
    ------
    ParameterValueError
        If a literal ``psi`` is not in [0, 1] or ``mu`` is not positive.

    Examples
    --------
    >>> import ppl
    >>> with ppl.Model():
    ...     counts = ppl.HurdlePoisson("counts", psi=0.4, mu=2.5)
    >>> round(float(ppl.logp(ppl.HurdlePoisson.dist(0.4, 2.5), 0).eval()), 6)
    -0.510826
    """

    rv_op = hurdle_poisson

    @classmethod
    def dist(cls, psi, mu, **kwargs):
        psi = resolve_psi(psi)
        check_constant_parameter("mu", mu, lambda v: v > 0, "mu > 0")
        return super().dist([psi, *base_params(Poisson, mu)], **kwargs)

    @staticmethod
    def support_point(rv, size, psi, mu):
        mode = pt.switch(psi > 0.5, pt.maximum(pt.floor(mu), 1.0), 0.0).astype("int64")
        return batch_broadcast(mode, rv, size, psi, mu)

    @staticmethod
    def logp(value, psi, mu):
        log_norm = log1mexp(-mu)  # log P(X >= 1)
        res = hurdle_logp(value, psi, _logprob(Poisson.rv_op, value, mu), log_norm, 1)
        return _check(res, psi, mu)

    @staticmethod
    def logcdf(value, psi, mu):
        log_norm = log1mexp(-mu)
        res = hurdle_logcdf(value, psi, _logcdf(Poisson.rv_op, value, mu), log_norm, 1)
        return _check(res, psi, mu)


def _check(res, psi, mu):
    return check_psi(check_parameters(res, mu > 0, msg="mu > 0"), psi)
