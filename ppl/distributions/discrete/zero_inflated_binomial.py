"""Zero-inflated binomial distribution."""

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
from ppl.distributions.discrete.binomial import Binomial
from ppl.distributions.distribution import Discrete, batch_broadcast
from ppl.logprob.dispatch import _logcdf, _logprob

__all__ = ["ZeroInflatedBinomial", "ZeroInflatedBinomialRV", "zero_inflated_binomial"]


class ZeroInflatedBinomialRV(RandomVariable):
    """``Binomial(n, p)`` with probability ``psi``, else 0."""

    name = "zero_inflated_binomial"
    signature = "(),(),()->()"
    dtype = "int64"
    _print_name = ("ZeroInflatedBinomial", "\\operatorname{ZeroInflatedBinomial}")

    @classmethod
    def rng_fn(cls, rng, psi, n, p, size):
        if size is None:
            size = np.broadcast_shapes(np.shape(psi), np.shape(n), np.shape(p))
        counts = rng.binomial(n, p, size=size)
        return np.asarray(np.where(rng.random(size=size) < psi, counts, 0), dtype="int64")


zero_inflated_binomial = ZeroInflatedBinomialRV()


@register_numba_core(ZeroInflatedBinomialRV)
def _zero_inflated_binomial_numba(rng, psi, n, p):
    if rng.random() < psi:
        return rng.binomial(n, p)
    return 0


class ZeroInflatedBinomial(Discrete):
    r"""Zero-inflated binomial distribution: binomial counts with extra zeros.

    .. math:: f(x \mid \psi, n, p) = \begin{cases}
              (1 - \psi) + \psi (1 - p)^n & x = 0 \\
              \psi \binom{n}{x} p^x (1 - p)^{n - x} & x = 1, 2, \ldots, n
              \end{cases}

    ========  ==========================================
    Support   :math:`x \in \{0, 1, \ldots, n\}`
    Mean      :math:`\psi n p`
    Variance  :math:`\psi n p (1 - p + (1 - \psi) n p)`
    ========  ==========================================

    Parameters
    ----------
    psi
        Probability of the binomial component (the expected proportion of binomial draws), in
        [0, 1].
    n
        Number of trials, an integer >= 0.
    p
        Probability of success in each trial, in [0, 1].

    Returns
    -------
    TensorVariable
        The random variable (registered in the model when created with a name).

    Raises
    ------
    ParameterValueError
        If a literal ``psi`` or ``p`` is not in [0, 1], or ``n`` is not an integer >= 0.

    Examples
    --------
    >>> import ppl
    >>> with ppl.Model():
    ...     hits = ppl.ZeroInflatedBinomial("hits", psi=0.8, n=10, p=0.3)
    >>> round(float(ppl.logp(ppl.ZeroInflatedBinomial.dist(0.5, 2, 0.5), 2).eval()), 6)
    -2.079442
    """

    rv_op = zero_inflated_binomial

    @classmethod
    def dist(cls, psi, n, p, **kwargs):
        psi = resolve_psi(psi)
        return super().dist([psi, *base_params(Binomial, n, p)], **kwargs)

    @staticmethod
    def support_point(rv, size, psi, n, p):
        mean = pt.clip(pt.round(psi * n * p), 0, n).astype("int64")
        return batch_broadcast(mean, rv, size, psi, n, p)

    @staticmethod
    def logp(value, psi, n, p):
        res = zero_inflated_logp(value, psi, _logprob(Binomial.rv_op, value, n, p))
        return check_psi(res, psi)

    @staticmethod
    def logcdf(value, psi, n, p):
        res = zero_inflated_logcdf(value, psi, _logcdf(Binomial.rv_op, value, n, p))
        return check_psi(res, psi)
