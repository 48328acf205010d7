"""Hurdle negative binomial distribution."""

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
from ppl.distributions.discrete.negative_binomial import NegativeBinomial
from ppl.distributions.distribution import Discrete, batch_broadcast
from ppl.logprob.checks import check_constant_parameter, check_parameters
from ppl.logprob.dispatch import _logcdf, _logprob
from ppl.math import log1mexp

__all__ = ["HurdleNegativeBinomial", "HurdleNegativeBinomialRV", "hurdle_negative_binomial"]


def _zero_truncated_nbinom(rng, n, p, size=None):
    """NegativeBinomial(n, p) conditioned on > 0, exactly and without rejection.

    The negative binomial is Poisson(L) with L ~ Gamma(n, rate r = p / (1 - p)). Given at least
    one event of a rate-L Poisson process on [0, 1], the first event time T has density
    proportional to ``(r + t)^-(n + 1)`` on [0, 1] (drawn by inversion; its normaliser involves
    ``p^n``), then L | T ~ Gamma(n + 1, rate r + T), and the count is ``1 + Poisson(L (1 - T))``.
    """
    r = p / (1.0 - p)
    u = rng.random(size=size)
    log_w = np.log1p(u * np.expm1(n * np.log(p)))  # log of (r / (r + T))^n
    t = r * np.expm1(-log_w / n)
    rate = rng.gamma(n + 1.0, 1.0 / (r + t), size=size)
    return 1 + rng.poisson(np.maximum(rate * (1.0 - t), 0.0), size=size)


class HurdleNegativeBinomialRV(RandomVariable):
    """0 with probability ``1 - psi``, else a zero-truncated ``NegativeBinomial(n, p)`` draw."""

    name = "hurdle_negative_binomial"
    signature = "(),(),()->()"
    dtype = "int64"
    _print_name = ("HurdleNegativeBinomial", "\\operatorname{HurdleNegativeBinomial}")

    @classmethod
    def rng_fn(cls, rng, psi, n, p, size):
        if size is None:
            size = np.broadcast_shapes(np.shape(psi), np.shape(n), np.shape(p))
        counts = _zero_truncated_nbinom(
            rng, np.broadcast_to(n, size), np.broadcast_to(p, size), size
        )
        return np.asarray(np.where(rng.random(size=size) < psi, counts, 0), dtype="int64")


hurdle_negative_binomial = HurdleNegativeBinomialRV()


@register_numba_core(HurdleNegativeBinomialRV)
def _hurdle_negative_binomial_numba(rng, psi, n, p):
    if rng.random() >= psi:
        return 0
    # zero-truncated negative binomial: see _zero_truncated_nbinom
    r = p / (1.0 - p)
    log_w = np.log1p(rng.random() * np.expm1(n * np.log(p)))
    t = r * np.expm1(-log_w / n)
    rate = rng.gamma(n + 1.0, 1.0 / (r + t))
    return 1 + rng.poisson(max(rate * (1.0 - t), 0.0))


def _check(res, n, p):
    res = check_parameters(res, n > 0, msg="alpha > 0 (n > 0)")
    return check_parameters(res, (p > 0) & (p < 1), msg="0 < p < 1 (0 < mu < inf)")


class HurdleNegativeBinomial(Discrete):
    r"""Hurdle negative binomial distribution: zeros from one process, positive overdispersed counts.

    .. math:: f(x \mid \psi, \mu, \alpha) = \begin{cases}
              1 - \psi & x = 0 \\
              \psi \dfrac{\text{NB}(x \mid \mu, \alpha)}{1 - \text{NB}(0 \mid \mu, \alpha)}
              & x = 1, 2, \ldots
              \end{cases}

    ========  ===================================================================
    Support   :math:`x \in \mathbb{N}_0`
    Mean      :math:`\psi \mu / (1 - (\alpha / (\mu + \alpha))^{\alpha})`
    ========  ===================================================================

    The negative binomial component is truncated to ``x >= 1``. Give ``(mu, alpha)`` or ``(p, n)``
    (one of each pair), as for :class:`~ppl.NegativeBinomial`.

    Parameters
    ----------
    psi
        Probability of a non-zero value, in [0, 1].
    mu
        Mean of the untruncated negative binomial, > 0.
    alpha
        Dispersion (shape), > 0. Mutually exclusive with ``n``.
    p
        Probability of success, in (0, 1). Mutually exclusive with ``mu``.
    n
        Number of successes, > 0.

    Returns
    -------
    TensorVariable
        The random variable (registered in the model when created with a name).

    Raises
    ------
    ParameterValueError
        If a pair is given twice or not at all, or a literal parameter is invalid.

    Examples
    --------
    >>> import ppl
    >>> with ppl.Model():
    ...     counts = ppl.HurdleNegativeBinomial("counts", psi=0.6, mu=3.0, alpha=1.5)
    >>> round(float(ppl.logp(ppl.HurdleNegativeBinomial.dist(0.5, p=0.5, n=1.0), 1).eval()), 6)
    -1.386294
    """

    rv_op = hurdle_negative_binomial

    @classmethod
    def dist(cls, psi, mu=None, alpha=None, p=None, n=None, **kwargs):
        psi = resolve_psi(psi)
        check_constant_parameter("mu", mu, lambda v: v > 0, "mu > 0")
        check_constant_parameter("p", p, lambda v: v < 1, "0 < p < 1")
        nb = base_params(NegativeBinomial, mu=mu, alpha=alpha, p=p, n=n)
        return super().dist([psi, *nb], **kwargs)

    @staticmethod
    def support_point(rv, size, psi, n, p):
        mean = pt.maximum(pt.floor(n * (1.0 - p) / p), 1.0)
        return batch_broadcast(pt.switch(psi > 0.5, mean, 0.0).astype("int64"), rv, size, psi, n, p)

    @staticmethod
    def logp(value, psi, n, p):
        log_norm = log1mexp(n * pt.log(p))  # log P(X >= 1) = log(1 - p^n)
        base = _logprob(NegativeBinomial.rv_op, value, n, p)
        return check_psi(_check(hurdle_logp(value, psi, base, log_norm, 1), n, p), psi)

    @staticmethod
    def logcdf(value, psi, n, p):
        log_norm = log1mexp(n * pt.log(p))
        base = _logcdf(NegativeBinomial.rv_op, value, n, p)
        return check_psi(_check(hurdle_logcdf(value, psi, base, log_norm, 1), n, p), psi)
