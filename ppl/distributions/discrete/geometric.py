"""Geometric distribution (number of trials up to and including the first success)."""

import numpy as np
import pytensor.tensor as pt
from pytensor.tensor.random.basic import geometric

from ppl.distributions.discrete._probability import is_integer, xlogy0
from ppl.distributions.distribution import Discrete, as_float, batch_broadcast
from ppl.logprob.checks import check_constant_parameter, check_parameters
from ppl.math import log1mexp

__all__ = ["Geometric"]


def _check(res, p):
    return check_parameters(res, (p > 0) & (p <= 1), msg="0 < p <= 1")


class Geometric(Discrete):
    r"""Geometric distribution: the number of Bernoulli trials up to and including the first success.

    .. math:: f(x \mid p) = p (1 - p)^{x - 1}

    ========  =============================
    Support   :math:`x \in \mathbb{N}_{>0}`
    Mean      :math:`1 / p`
    Variance  :math:`(1 - p) / p^2`
    ========  =============================

    Parameters
    ----------
    p
        Probability of success in each trial, in (0, 1].

    Returns
    -------
    TensorVariable
        The random variable (registered in the model when created with a name).

    Raises
    ------
    ParameterValueError
        If a literal ``p`` is not in (0, 1].

    Examples
    --------
    >>> import ppl
    >>> with ppl.Model():
    ...     trials = ppl.Geometric("trials", p=0.25)
    >>> round(float(ppl.logp(ppl.Geometric.dist(0.5), 2).eval()), 6)
    -1.386294
    """

    rv_op = geometric

    @classmethod
    def dist(cls, p, **kwargs):
        check_constant_parameter("p", p, lambda v: (v > 0) & (v <= 1), "0 < p <= 1")
        return super().dist([as_float(p)], **kwargs)

    @staticmethod
    def support_point(rv, size, p):
        return batch_broadcast(pt.maximum(pt.round(1.0 / p), 1.0).astype("int64"), rv, size, p)

    @staticmethod
    def logp(value, p):
        res = pt.log(p) + xlogy0(value - 1.0, pt.log1p(-p))
        res = pt.switch((value >= 1) & is_integer(value), res, -np.inf)
        return _check(res, p)

    @staticmethod
    def logcdf(value, p):
        k = pt.floor(value)
        # log(1 - (1 - p)^k); log1mexp keeps both tails accurate
        res = log1mexp(xlogy0(pt.maximum(k, 1.0), pt.log1p(-p)))
        res = pt.switch(k < 1, -np.inf, res)
        return _check(res, p)
