"""Dirichlet distribution on the probability simplex."""

import numpy as np
import pytensor.tensor as pt
from pytensor.tensor.random.basic import dirichlet

from ppl.distributions.distribution import Continuous, as_float, batch_broadcast
from ppl.distributions.multivariate._matrix_checks import check_min_ndim, xlogy
from ppl.logprob.checks import check_constant_parameter, check_parameters
from ppl.transforms.simplex import simplex

__all__ = ["Dirichlet"]

#: Values whose last axis sums to 1 within this absolute tolerance are on the simplex.
SIMPLEX_ATOL = 1e-6


class Dirichlet(Continuous):
    r"""Dirichlet distribution.

    .. math:: f(x \mid a) = \frac{\Gamma(\sum_{i=1}^K a_i)}{\prod_{i=1}^K \Gamma(a_i)}
              \prod_{i=1}^K x_i^{a_i - 1}

    ========  ===============================================================
    Support   :math:`x_i \in [0, 1]`, :math:`\sum_{i=1}^K x_i = 1`
    Mean      :math:`a_i / a_0` with :math:`a_0 = \sum_i a_i`
    Variance  :math:`a_i (a_0 - a_i) / (a_0^2 (a_0 + 1))`
    ========  ===============================================================

    The last axis of ``a`` is the support dimension (length ``K``); leading dimensions are batch
    dimensions. In a model the variable is sampled through the ``simplex`` transform, whose value
    variable ``<name>_simplex__`` has length ``K - 1``.

    The log-density is ``-inf`` for values with a negative entry or whose last axis does not sum
    to 1 within an absolute tolerance of ``1e-6`` (so data rounded to about six decimals is
    accepted).

    Parameters
    ----------
    a
        Concentration parameters, > 0, with shape ``(..., K)``.

    Raises
    ------
    ParameterValueError
        If a literal ``a`` has an entry <= 0; a symbolic ``a`` is checked when the log-density is
        evaluated.
    ShapeError
        If ``a`` is a scalar (it needs a support axis).

    Examples
    --------
    >>> import ppl
    >>> with ppl.Model():
    ...     p = ppl.Dirichlet("p", a=[1.0, 2.0, 3.0])
    >>> p.type.shape
    (3,)
    """

    rv_op = dirichlet
    default_transform = simplex

    @classmethod
    def dist(cls, a, **kwargs):
        a = as_float(a)
        check_min_ndim("a", a, 1)
        check_constant_parameter("a", a, lambda v: v > 0, "a > 0")
        return super().dist([a], **kwargs)

    @staticmethod
    def support_point(rv, size, a):
        return batch_broadcast(a / pt.sum(a, axis=-1, keepdims=True), rv, size, a)

    @staticmethod
    def logp(value, a):
        log_norm = pt.gammaln(pt.sum(a, axis=-1)) - pt.sum(pt.gammaln(a), axis=-1)
        res = log_norm + pt.sum(xlogy(a - 1.0, value), axis=-1)
        outside = pt.any(value < 0, axis=-1) | (pt.abs(pt.sum(value, axis=-1) - 1.0) > SIMPLEX_ATOL)
        res = pt.switch(outside, -np.inf, res)
        return check_parameters(res, a > 0, msg="a > 0")
