"""Hypergeometric distribution."""

import numpy as np
import pytensor.tensor as pt
from pytensor.graph.basic import Constant, Variable
from pytensor.tensor.random.op import RandomVariable

from ppl.distributions.continuous._numba import register_numba_core
from ppl.distributions.discrete._finite_support import log_cdf_by_summation
from ppl.distributions.discrete._probability import check_integer_parameter, is_integer
from ppl.distributions.distribution import Discrete, batch_broadcast
from ppl.logprob.checks import check_constant_parameter, check_parameters

__all__ = ["HyperGeometric", "HyperGeometricRV", "hypergeometric"]


class HyperGeometricRV(RandomVariable):
    """Number of successes in ``n`` draws without replacement from ``N`` items, ``k`` of them good.

    PyTensor's ``HyperGeometricRV`` (3.0.7) has no Numba kernel (NumPy's ``hypergeometric`` is
    not available in Numba); this op has one. Parameters are ``(N, k, n)`` as in PyMC's API.
    """

    name = "hypergeometric"
    signature = "(),(),()->()"
    dtype = "int64"
    _print_name = ("HyperGeometric", "\\operatorname{HyperGeometric}")

    @classmethod
    def rng_fn(cls, rng, N, k, n, size):  # noqa: N803  (N is the population size, as in PyMC)
        if size is None:
            size = np.broadcast_shapes(np.shape(N), np.shape(k), np.shape(n))
        return np.asarray(rng.hypergeometric(k, np.subtract(N, k), n, size=size), dtype="int64")


hypergeometric = HyperGeometricRV()


@register_numba_core(HyperGeometricRV)
def _hypergeometric_numba(rng, N, k, n):  # noqa: N803
    # Draw items one at a time; when the sample is more than half the population, draw the items
    # left out instead (their good ones are k - x): O(min(n, N - n)) uniforms.
    complement = 2 * n > N
    m = N - n if complement else n
    good = k
    total = N
    x = 0
    for _ in range(m):
        if rng.random() * total < good:
            x += 1
            good -= 1
        total -= 1
    return k - x if complement else x


def _lchoose(a, b):
    return pt.gammaln(a + 1.0) - pt.gammaln(b + 1.0) - pt.gammaln(a - b + 1.0)


def _support(N, k, n):  # noqa: N803
    return pt.maximum(0, n - (N - k)), pt.minimum(k, n)


def _logpmf(value, N, k, n):  # noqa: N803
    """Log-mass without parameter checks (``-inf`` outside the support)."""
    lower, upper = _support(N, k, n)
    x = pt.clip(value, lower, pt.maximum(lower, upper))
    res = _lchoose(k, x) + _lchoose(N - k, n - x) - _lchoose(N, n)
    inside = (value >= lower) & (value <= upper) & is_integer(value)
    return pt.switch(inside, res, -np.inf)


def _check(res, N, k, n):  # noqa: N803
    res = check_parameters(res, (n >= 0) & (n <= N) & is_integer(n), msg="0 <= n <= N, integers")
    res = check_parameters(res, (k >= 0) & (k <= N) & is_integer(k), msg="0 <= k <= N, integers")
    return check_parameters(res, (N >= 0) & is_integer(N), msg="N >= 0, an integer")


def _check_literals(N, k, n):  # noqa: N803
    """Eager checks of ``k <= N`` and ``n <= N`` where ``N`` and the other are literals."""
    if isinstance(N, Constant):
        N = N.data  # noqa: N806
    if isinstance(N, Variable):
        return
    for name, value in (("k", k), ("n", n)):
        check_constant_parameter(name, value, lambda v: v <= np.asarray(N), f"{name} <= N (N = {N})")


class HyperGeometric(Discrete):
    r"""Hypergeometric distribution: successes in ``n`` draws without replacement.

    The population has ``N`` items, ``k`` of which are successes.

    .. math:: f(x \mid N, k, n) = \frac{\binom{k}{x}\binom{N - k}{n - x}}{\binom{N}{n}}

    ========  ============================================================
    Support   :math:`x \in \{\max(0, n - N + k), \ldots, \min(k, n)\}`
    Mean      :math:`n k / N`
    Variance  :math:`n k (N - k) (N - n) / (N^2 (N - 1))`
    ========  ============================================================

    The log-CDF is the log of the sum of the masses up to the value (``O(min(k, n))`` per
    element). Forward draws take ``O(min(n, N - n))`` uniforms each.

    Parameters
    ----------
    N
        Population size, an integer >= 0.
    k
        Number of successes in the population, an integer in [0, N].
    n
        Number of draws, an integer in [0, N].

    Returns
    -------
    TensorVariable
        The random variable (registered in the model when created with a name).

    Raises
    ------
    ParameterValueError
        If a literal parameter is not an integer in its range.

    Examples
    --------
    >>> import ppl
    >>> with ppl.Model():
    ...     good = ppl.HyperGeometric("good", N=50, k=10, n=20)
    >>> round(float(ppl.logp(ppl.HyperGeometric.dist(N=4, k=2, n=2), 1).eval()), 6)  # 4/6
    -0.405465
    """

    rv_op = hypergeometric

    @classmethod
    def dist(cls, N, k, n, **kwargs):  # noqa: N803
        N_int = check_integer_parameter("N", N, lower=0)  # noqa: N806
        k_int = check_integer_parameter("k", k, lower=0)
        n_int = check_integer_parameter("n", n, lower=0)
        _check_literals(N, k, n)
        return super().dist([N_int, k_int, n_int], **kwargs)

    @staticmethod
    def support_point(rv, size, N, k, n):  # noqa: N803
        mode = pt.floor((n + 1.0) * (k + 1.0) / (N + 2.0))
        lower, upper = _support(N, k, n)
        mode = pt.clip(mode, lower, upper).astype("int64")
        return batch_broadcast(mode, rv, size, N, k, n)

    @staticmethod
    def logp(value, N, k, n):  # noqa: N803
        return _check(_logpmf(value, N, k, n), N, k, n)

    @staticmethod
    def logcdf(value, N, k, n):  # noqa: N803
        res = log_cdf_by_summation(_logpmf, value, _support(N, k, n)[1], N, k, n)
        return _check(res, N, k, n)
