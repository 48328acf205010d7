"""Beta-binomial distribution."""

import numpy as np
import pytensor.tensor as pt
from pytensor.tensor.random.op import RandomVariable

from ppl.distributions.continuous._base import check_positive
from ppl.distributions.continuous._numba import register_numba_core
from ppl.distributions.discrete._finite_support import log_cdf_by_summation
from ppl.distributions.discrete._probability import check_integer_parameter, is_integer
from ppl.distributions.distribution import Discrete, as_float, batch_broadcast
from ppl.logprob.checks import check_parameters

__all__ = ["BetaBinomial", "BetaBinomialRV", "betabinomial"]


class BetaBinomialRV(RandomVariable):
    """Binomial draws whose success probability is itself drawn from ``Beta(alpha, beta)``.

    PyTensor's own ``BetaBinomialRV`` (3.0.7) has no Numba kernel (it would run in Numba object
    mode, slow and with a warning); this op has one.
    """

    name = "betabinomial"
    signature = "(),(),()->()"
    dtype = "int64"
    _print_name = ("BetaBinomial", "\\operatorname{BetaBinomial}")

    @classmethod
    def rng_fn(cls, rng, n, alpha, beta, size):
        if size is None:
            size = np.broadcast_shapes(np.shape(n), np.shape(alpha), np.shape(beta))
        return np.asarray(rng.binomial(n, rng.beta(alpha, beta, size=size), size=size), dtype="int64")


betabinomial = BetaBinomialRV()


@register_numba_core(BetaBinomialRV)
def _betabinomial_numba(rng, n, alpha, beta):
    return rng.binomial(n, rng.beta(alpha, beta))


def _betaln(a, b):
    return pt.gammaln(a) + pt.gammaln(b) - pt.gammaln(a + b)


def _logpmf(value, n, alpha, beta):
    """Log-mass without parameter checks (``-inf`` outside ``0, ..., n``)."""
    x = pt.clip(value, 0, n)
    res = (
        pt.gammaln(n + 1.0)
        - pt.gammaln(x + 1.0)
        - pt.gammaln(n - x + 1.0)
        + _betaln(x + alpha, n - x + beta)
        - _betaln(alpha, beta)
    )
    inside = (value >= 0) & (value <= n) & is_integer(value)
    return pt.switch(inside, res, -np.inf)


def _check(res, n, alpha, beta):
    res = check_parameters(res, beta > 0, msg="beta > 0")
    res = check_parameters(res, alpha > 0, msg="alpha > 0")
    return check_parameters(res, (n >= 0) & is_integer(n), msg="n >= 0, an integer")


class BetaBinomial(Discrete):
    r"""Beta-binomial distribution: binomial counts with a beta-distributed success probability.

    .. math:: f(x \mid \alpha, \beta, n) =
              \binom{n}{x} \frac{B(x + \alpha, n - x + \beta)}{B(\alpha, \beta)}

    ========  ===========================================================================
    Support   :math:`x \in \{0, 1, \ldots, n\}`
    Mean      :math:`n \alpha / (\alpha + \beta)`
    Variance  :math:`n \alpha \beta (\alpha + \beta + n) / ((\alpha + \beta)^2 (\alpha + \beta + 1))`
    ========  ===========================================================================

    The log-CDF has no closed form; it is the log of the sum of the masses up to the value, which
    costs ``O(n)`` per element.

    Parameters
    ----------
    alpha
        First shape parameter of the beta distribution, > 0.
    beta
        Second shape parameter of the beta distribution, > 0.
    n
        Number of trials, an integer >= 0.

    Returns
    -------
    TensorVariable
        The random variable (registered in the model when created with a name).

    Raises
    ------
    ParameterValueError
        If a literal ``alpha`` or ``beta`` is not positive, or ``n`` is not an integer >= 0.

    Examples
    --------
    >>> import ppl
    >>> with ppl.Model():
    ...     hits = ppl.BetaBinomial("hits", alpha=2.0, beta=3.0, n=10)
    >>> round(float(ppl.logp(ppl.BetaBinomial.dist(1.0, 1.0, 4), 2).eval()), 6)  # uniform on 0..4
    -1.609438
    """

    rv_op = betabinomial

    @classmethod
    def dist(cls, alpha, beta, n, **kwargs):
        check_positive("alpha", alpha)
        check_positive("beta", beta)
        n = check_integer_parameter("n", n, lower=0)
        return super().dist([n, as_float(alpha), as_float(beta)], **kwargs)

    @staticmethod
    def support_point(rv, size, n, alpha, beta):
        mean = pt.round(n * alpha / (alpha + beta)).astype("int64")
        return batch_broadcast(mean, rv, size, n, alpha, beta)

    @staticmethod
    def logp(value, n, alpha, beta):
        return _check(_logpmf(value, n, alpha, beta), n, alpha, beta)

    @staticmethod
    def logcdf(value, n, alpha, beta):
        res = log_cdf_by_summation(_logpmf, value, n, n, alpha, beta)
        return _check(res, n, alpha, beta)
