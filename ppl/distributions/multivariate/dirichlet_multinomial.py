"""Dirichlet-multinomial distribution: multinomial counts with Dirichlet-distributed probabilities."""

import numpy as np
import pytensor.tensor as pt
from pytensor.tensor.random.op import RandomVariable

from ppl.distributions.continuous._numba import register_numba_core
from ppl.distributions.distribution import Discrete, as_float, as_int
from ppl.distributions.multivariate._matrix_checks import check_min_ndim
from ppl.distributions.multivariate.multinomial import Multinomial
from ppl.logprob.checks import check_constant_parameter, check_parameters

__all__ = ["DirichletMultinomial", "DirichletMultinomialRV", "dirichlet_multinomial"]


class DirichletMultinomialRV(RandomVariable):
    """Draws ``Multinomial(n, p)`` with ``p ~ Dirichlet(a)``.

    ``p`` is never formed: with gamma variates ``g_i ~ Gamma(a_i)``, count ``i`` is
    ``Binomial(remaining n, g_i / sum_{j >= i} g_j)``, which is the multinomial's sequential
    binomial construction with ``p = g / sum(g)`` and no rounding of ``p`` to sum to 1.
    """

    name = "dirichlet_multinomial"
    signature = "(),(p)->(p)"
    dtype = "int64"
    _print_name = ("DirichletMultinomial", "\\operatorname{DirichletMultinomial}")

    @classmethod
    def rng_fn(cls, rng, n, a, size):
        n, a = np.asarray(n), np.asarray(a)
        if size is None:
            size = np.broadcast_shapes(n.shape, a.shape[:-1])
        size = tuple(size)
        gammas = rng.standard_gamma(np.broadcast_to(a, size + a.shape[-1:]))
        # Gamma variates of tail sums: remaining[..., i] = sum_{j >= i} g_j
        remaining_g = np.cumsum(gammas[..., ::-1], axis=-1)[..., ::-1]
        remaining_n = np.broadcast_to(n, size).astype("int64")
        out = np.zeros(size + a.shape[-1:], dtype="int64")
        for i in range(a.shape[-1] - 1):
            with np.errstate(invalid="ignore", divide="ignore"):
                p = np.where(remaining_g[..., i] > 0, gammas[..., i] / remaining_g[..., i], 0.0)
            out[..., i] = rng.binomial(remaining_n, np.clip(p, 0.0, 1.0))
            remaining_n = remaining_n - out[..., i]
        out[..., -1] = remaining_n
        return out


dirichlet_multinomial = DirichletMultinomialRV()


@register_numba_core(DirichletMultinomialRV)
def _dirichlet_multinomial_numba(rng, n, a):
    k = a.shape[0]
    gammas = np.empty(k)
    for i in range(k):
        gammas[i] = rng.standard_gamma(a[i])
    tail = 0.0
    for i in range(k):
        tail += gammas[i]
    out = np.zeros(k, dtype=np.int64)
    remaining = np.int64(n)
    for i in range(k - 1):
        p = gammas[i] / tail if tail > 0 else 0.0
        count = rng.binomial(remaining, min(max(p, 0.0), 1.0)) if remaining > 0 else 0
        out[i] = count
        remaining -= count
        tail -= gammas[i]
    out[k - 1] = remaining
    return out


class DirichletMultinomial(Discrete):
    r"""Dirichlet-multinomial (compound) distribution.

    .. math:: f(x \mid n, a) = \frac{\Gamma(n + 1)\,\Gamma(\sum_i a_i)}{\Gamma(n + \sum_i a_i)}
              \prod_{i=1}^K \frac{\Gamma(x_i + a_i)}{\Gamma(x_i + 1)\,\Gamma(a_i)}

    ========  ===============================================================
    Support   :math:`x_i \in \{0, 1, \ldots, n\}`, :math:`\sum_{i=1}^K x_i = n`
    Mean      :math:`n a_i / \sum_j a_j`
    ========  ===============================================================

    The counts of ``n`` draws over ``K`` categories whose probabilities are
    ``Dirichlet(a)``-distributed (shared by the ``n`` draws). The last axis of ``a`` is the
    support dimension; ``n`` and the leading dimensions of ``a`` are batch dimensions and
    broadcast. The log-probability is ``-inf`` for counts with a negative entry or that do not
    sum to ``n``.

    Parameters
    ----------
    n
        Number of trials, an integer >= 0.
    a
        Concentration parameters, > 0, with shape ``(..., K)``.

    Raises
    ------
    ParameterValueError
        If a literal ``n`` is negative or not an integer, or a literal ``a`` has an entry <= 0.
    ShapeError
        If ``a`` is a scalar (it needs a support axis).

    Examples
    --------
    >>> import ppl
    >>> with ppl.Model():
    ...     counts = ppl.DirichletMultinomial("counts", n=10, a=[1.0, 2.0, 3.0], observed=[2, 3, 5])
    >>> counts.type.shape
    (3,)
    """

    rv_op = dirichlet_multinomial

    @classmethod
    def dist(cls, n, a, **kwargs):
        n = as_int(n)
        check_constant_parameter("n", n, lambda v: v >= 0, "n >= 0")
        a = as_float(a)
        check_min_ndim("a", a, 1)
        check_constant_parameter("a", a, lambda v: v > 0, "a > 0")
        return super().dist([n, a], **kwargs)

    @staticmethod
    def support_point(rv, size, n, a):
        # The multinomial's rounding of n * mean(p), with mean(p) = a / sum(a).
        return Multinomial.support_point(rv, size, n, a / pt.sum(a, axis=-1, keepdims=True))

    @staticmethod
    def logp(value, n, a):
        total_a = pt.sum(a, axis=-1)
        res = (
            pt.gammaln(n + 1.0)
            + pt.gammaln(total_a)
            - pt.gammaln(n + total_a)
            + pt.sum(pt.gammaln(value + a) - pt.gammaln(value + 1.0) - pt.gammaln(a), axis=-1)
        )
        outside = pt.any(value < 0, axis=-1) | pt.neq(pt.sum(value, axis=-1), n)
        res = pt.switch(outside, -np.inf, res)
        res = check_parameters(res, pt.ge(n, 0), msg="n >= 0")
        return check_parameters(res, a > 0, msg="a > 0")
