"""Discrete Weibull distribution (type I, Nakagawa and Osaki)."""

import numpy as np
import pytensor.tensor as pt
from pytensor.tensor.random.op import RandomVariable

from ppl.distributions.continuous._base import check_positive
from ppl.distributions.continuous._numba import register_numba_core
from ppl.distributions.discrete._probability import is_integer
from ppl.distributions.distribution import Discrete, as_float, batch_broadcast
from ppl.logprob.checks import check_constant_parameter, check_parameters
from ppl.math import log1mexp

__all__ = ["DiscreteWeibull", "DiscreteWeibullRV", "discrete_weibull"]


class DiscreteWeibullRV(RandomVariable):
    """Discrete Weibull draws by inversion: ``ceil((log U / log q)^(1 / beta)) - 1``."""

    name = "discrete_weibull"
    signature = "(),()->()"
    dtype = "int64"
    _print_name = ("DiscreteWeibull", "\\operatorname{DiscreteWeibull}")

    @classmethod
    def rng_fn(cls, rng, q, beta, size):
        if size is None:
            size = np.broadcast_shapes(np.shape(q), np.shape(beta))
        u = 1.0 - rng.random(size=size)  # in (0, 1]
        x = np.ceil(np.power(np.log(u) / np.log(q), 1.0 / np.asarray(beta))) - 1.0
        return np.asarray(np.maximum(x, 0.0), dtype="int64")


discrete_weibull = DiscreteWeibullRV()


@register_numba_core(DiscreteWeibullRV)
def _discrete_weibull_numba(rng, q, beta):
    # P(X >= x) = P(U <= q^(x^beta)); U = 1 (t = 0) would give -1, hence the maximum
    u = 1.0 - rng.random()
    t = (np.log(u) / np.log(q)) ** (1.0 / beta)
    return np.int64(max(np.ceil(t) - 1.0, 0.0))


def _check(res, q, beta):
    res = check_parameters(res, beta > 0, msg="beta > 0")
    return check_parameters(res, (q > 0) & (q < 1), msg="0 < q < 1")


class DiscreteWeibull(Discrete):
    r"""Discrete Weibull distribution: counts with over- or under-dispersion.

    .. math:: f(x \mid q, \beta) = q^{x^{\beta}} - q^{(x + 1)^{\beta}}

    ========  =========================================================
    Support   :math:`x \in \mathbb{N}_0`
    CDF       :math:`1 - q^{(x + 1)^{\beta}}`
    Mean      :math:`\mu = \sum_{x = 1}^{\infty} q^{x^{\beta}}`
    Variance  :math:`2 \sum_{x = 1}^{\infty} x q^{x^{\beta}} - \mu - \mu^2`
    ========  =========================================================

    Parameters
    ----------
    q
        Shape parameter, in (0, 1): the probability that ``x > 0``.
    beta
        Shape parameter, > 0.

    Returns
    -------
    TensorVariable
        The random variable (registered in the model when created with a name).

    Raises
    ------
    ParameterValueError
        If a literal ``q`` is not in (0, 1) or ``beta`` is not positive.

    Examples
    --------
    >>> import ppl
    >>> with ppl.Model():
    ...     counts = ppl.DiscreteWeibull("counts", q=0.8, beta=1.5)
    >>> round(float(ppl.logp(ppl.DiscreteWeibull.dist(0.5, 1.0), 0).eval()), 6)
    -0.693147
    """

    rv_op = discrete_weibull

    @classmethod
    def dist(cls, q, beta, **kwargs):
        check_constant_parameter("q", q, lambda v: (v > 0) & (v < 1), "0 < q < 1")
        check_positive("beta", beta)
        return super().dist([as_float(q), as_float(beta)], **kwargs)

    @staticmethod
    def support_point(rv, size, q, beta):
        # the median: the smallest x with CDF(x) >= 1/2
        median = pt.ceil(pt.power(np.log(0.5) / pt.log(q), 1.0 / beta) - 1.0)
        return batch_broadcast(pt.maximum(median, 0.0).astype("int64"), rv, size, q, beta)

    @staticmethod
    def logp(value, q, beta):
        x = pt.maximum(value, 0.0)
        log_q = pt.log(q)
        # log(q^a - q^b) = a log q + log1mexp((b - a) log q) with a = x^beta, b = (x + 1)^beta
        a = pt.power(x, beta)
        res = a * log_q + log1mexp((pt.power(x + 1.0, beta) - a) * log_q)
        res = pt.switch((value >= 0) & is_integer(value), res, -np.inf)
        return _check(res, q, beta)

    @staticmethod
    def logcdf(value, q, beta):
        k = pt.floor(value)
        res = log1mexp(pt.power(pt.maximum(k, 0.0) + 1.0, beta) * pt.log(q))
        res = pt.switch(k < 0, -np.inf, res)
        return _check(res, q, beta)
