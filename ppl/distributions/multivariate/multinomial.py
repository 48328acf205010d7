"""Multinomial distribution: counts of ``n`` draws over ``K`` categories."""

import warnings

import numpy as np
import pytensor.tensor as pt
from pytensor.tensor.random.basic import multinomial

from ppl.distributions.distribution import Discrete, as_float, as_int, rv_shape
from ppl.distributions.multivariate._matrix_checks import check_min_ndim, constant_data, xlogy
from ppl.exceptions import ParameterValueError
from ppl.logprob.checks import check_constant_parameter, check_parameters, current_label

__all__ = ["Multinomial"]


class Multinomial(Discrete):
    r"""Multinomial distribution.

    .. math:: f(x \mid n, p) = \frac{n!}{\prod_{i=1}^K x_i!} \prod_{i=1}^K p_i^{x_i}

    ========  ===============================================================
    Support   :math:`x_i \in \{0, 1, \ldots, n\}`, :math:`\sum_{i=1}^K x_i = n`
    Mean      :math:`n p_i`
    Variance  :math:`n p_i (1 - p_i)`
    ========  ===============================================================

    The last axis of ``p`` is the support dimension (length ``K``); ``n`` and the leading
    dimensions of ``p`` are batch dimensions and broadcast.

    As in PyMC, a literal ``p`` whose last axis does not sum to 1 is rescaled to sum to 1, with a
    ``UserWarning``; a symbolic ``p`` that does not sum to 1 raises ``ParameterValueError`` when
    the log-probability is evaluated. The log-probability is ``-inf`` for counts with a negative
    entry or that do not sum to ``n``.

    Parameters
    ----------
    n
        Number of trials, an integer >= 0.
    p
        Probabilities of the ``K`` categories, >= 0 and summing to 1 along the last axis.

    Raises
    ------
    ParameterValueError
        If a literal ``n`` is negative or not an integer, or a literal ``p`` has a negative entry.
    ShapeError
        If ``p`` is a scalar (it needs a support axis).

    Examples
    --------
    >>> import ppl
    >>> with ppl.Model():
    ...     counts = ppl.Multinomial("counts", n=10, p=[0.2, 0.3, 0.5], observed=[2, 3, 5])
    >>> counts.type.shape
    (3,)
    """

    rv_op = multinomial

    @classmethod
    def dist(cls, n, p, **kwargs):
        n = as_int(n)
        check_constant_parameter("n", n, lambda v: v >= 0, "n >= 0")
        p = as_float(p)
        check_min_ndim("p", p, 1)
        check_constant_parameter("p", p, lambda v: (v >= 0) & (v <= 1), "0 <= p <= 1")
        p = _normalised(p)
        return super().dist([n, p], **kwargs)

    @staticmethod
    def support_point(rv, size, n, p):
        # Largest-remainder rounding of n * p: floors, plus one for the largest fractional parts
        # until the counts sum to n.
        shape = rv_shape(rv, size, n, p)
        n_full = pt.broadcast_to(pt.shape_padright(n), shape)
        mean = pt.broadcast_to(pt.shape_padright(n) * p, shape)
        base = pt.floor(mean)
        remainder = n_full - pt.sum(base, axis=-1, keepdims=True)
        ranks = pt.argsort(pt.argsort(base - mean, axis=-1), axis=-1)
        return pt.cast(base + pt.lt(ranks, remainder), "int64")

    @staticmethod
    def logp(value, n, p):
        terms = xlogy(value, p) - pt.gammaln(value + 1)
        res = pt.gammaln(n + 1) + pt.sum(terms, axis=-1)
        outside = pt.any(value < 0, axis=-1) | pt.neq(pt.sum(value, axis=-1), n)
        res = pt.switch(outside, -np.inf, res)
        res = check_parameters(res, pt.ge(n, 0), msg="n >= 0")
        res = check_parameters(res, pt.ge(p, 0), pt.le(p, 1), msg="0 <= p <= 1")
        return check_parameters(res, pt.isclose(pt.sum(p, axis=-1), 1.0), msg="sum(p) = 1")


def _normalised(p):
    """A literal ``p`` rescaled to sum to 1 along the last axis (with a warning), as PyMC does."""
    data = constant_data(p)
    if data is None:
        return p
    totals = data.sum(axis=-1, keepdims=True)
    if np.any(totals <= 0):
        raise ParameterValueError(
            f"{current_label.get() or 'Multinomial'}: parameter p sums to "
            f"{np.squeeze(totals, -1).tolist()} along its last axis, expected sum(p) = 1."
        )
    if np.allclose(totals, 1.0):
        return p
    warnings.warn(
        f"{current_label.get() or 'Multinomial'}: p sums to {np.squeeze(totals, -1).tolist()} "
        "along its last axis, not 1; it is rescaled to sum to 1. Hint: pass "
        "p / p.sum(-1, keepdims=True) to silence this warning.",
        UserWarning,
        stacklevel=4,
    )
    return as_float(data / totals)
