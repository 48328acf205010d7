"""Zero-inflated negative binomial distribution."""

import numpy as np
import pytensor.tensor as pt
from pytensor.tensor.random.op import RandomVariable

from ppl.distributions.continuous._numba import register_numba_core
from ppl.distributions.discrete._zero_mass import (
    base_params,
    check_psi,
    resolve_psi,
    zero_inflated_logcdf,
    zero_inflated_logp,
)
from ppl.distributions.discrete.negative_binomial import NegativeBinomial
from ppl.distributions.distribution import Discrete, batch_broadcast
from ppl.logprob.dispatch import _logcdf, _logprob

__all__ = [
    "ZeroInflatedNegativeBinomial",
    "ZeroInflatedNegativeBinomialRV",
    "zero_inflated_negative_binomial",
]


class ZeroInflatedNegativeBinomialRV(RandomVariable):
    """``NegativeBinomial(n, p)`` with probability ``psi``, else 0."""

    name = "zero_inflated_negative_binomial"
    signature = "(),(),()->()"
    dtype = "int64"
    _print_name = ("ZeroInflatedNegativeBinomial", "\\operatorname{ZeroInflatedNegativeBinomial}")

    @classmethod
    def rng_fn(cls, rng, psi, n, p, size):
        if size is None:
            size = np.broadcast_shapes(np.shape(psi), np.shape(n), np.shape(p))
        counts = rng.negative_binomial(n, p, size=size)
        return np.asarray(np.where(rng.random(size=size) < psi, counts, 0), dtype="int64")


zero_inflated_negative_binomial = ZeroInflatedNegativeBinomialRV()


@register_numba_core(ZeroInflatedNegativeBinomialRV)
def _zero_inflated_negative_binomial_numba(rng, psi, n, p):
    if rng.random() < psi:
        return rng.negative_binomial(n, p)
    return 0


class ZeroInflatedNegativeBinomial(Discrete):
    r"""Zero-inflated negative binomial distribution: overdispersed counts with extra zeros.

    .. math:: f(x \mid \psi, \mu, \alpha) = \begin{cases}
              (1 - \psi) + \psi \left(\frac{\alpha}{\alpha + \mu}\right)^{\alpha} & x = 0 \\
              \psi \dfrac{\Gamma(x + \alpha)}{x!\,\Gamma(\alpha)}
              \left(\frac{\alpha}{\alpha + \mu}\right)^{\alpha}
              \left(\frac{\mu}{\alpha + \mu}\right)^{x} & x = 1, 2, \ldots
              \end{cases}

    ========  ==============================================
    Support   :math:`x \in \mathbb{N}_0`
    Mean      :math:`\psi \mu`
    Variance  :math:`\psi \mu (1 + \mu / \alpha + (1 - \psi) \mu)`
    ========  ==============================================

    Give ``(mu, alpha)`` or ``(p, n)`` (one of each pair), as for
    :class:`~ppl.NegativeBinomial`: :math:`p = \alpha / (\mu + \alpha)`, :math:`n = \alpha`.

    Parameters
    ----------
    psi
        Probability of the negative binomial component, in [0, 1].
    mu
        Mean of the negative binomial component, >= 0.
    alpha
        Dispersion (shape), > 0. Mutually exclusive with ``n``.
    p
        Probability of success, in (0, 1]. Mutually exclusive with ``mu``.
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
    ...     counts = ppl.ZeroInflatedNegativeBinomial("counts", psi=0.6, mu=4.0, alpha=2.0)
    >>> round(float(ppl.logp(ppl.ZeroInflatedNegativeBinomial.dist(0.5, p=0.5, n=1.0), 0).eval()), 6)
    -0.287682
    """

    rv_op = zero_inflated_negative_binomial

    @classmethod
    def dist(cls, psi, mu=None, alpha=None, p=None, n=None, **kwargs):
        psi = resolve_psi(psi)
        nb = base_params(NegativeBinomial, mu=mu, alpha=alpha, p=p, n=n)
        return super().dist([psi, *nb], **kwargs)

    @staticmethod
    def support_point(rv, size, psi, n, p):
        mean = pt.round(psi * n * (1.0 - p) / p).astype("int64")
        return batch_broadcast(mean, rv, size, psi, n, p)

    @staticmethod
    def logp(value, psi, n, p):
        res = zero_inflated_logp(value, psi, _logprob(NegativeBinomial.rv_op, value, n, p))
        return check_psi(res, psi)

    @staticmethod
    def logcdf(value, psi, n, p):
        res = zero_inflated_logcdf(value, psi, _logcdf(NegativeBinomial.rv_op, value, n, p))
        return check_psi(res, psi)
