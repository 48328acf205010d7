"""Categorical distribution over ``0, ..., k - 1`` (the last axis of ``p`` holds the categories)."""

import warnings

import numpy as np
import pytensor.tensor as pt
from pytensor.graph.basic import Constant
from pytensor.tensor.random.basic import categorical
from pytensor.tensor.special import Softmax, log_softmax, softmax

from ppl.distributions.discrete._probability import is_integer
from ppl.distributions.distribution import Discrete, as_float, batch_broadcast
from ppl.exceptions import ParameterValueError
from ppl.logprob.checks import check_constant_parameter, check_parameters, current_label

__all__ = ["Categorical"]


def _resolve_p(p, logit_p):
    label = current_label.get() or "Categorical"
    if p is not None and logit_p is not None:
        raise ParameterValueError(f"{label}: give p or logit_p, not both.")
    if p is None and logit_p is None:
        raise ParameterValueError(f"{label}: give one of p or logit_p.")
    if logit_p is not None:
        logit_p = as_float(logit_p)
        if logit_p.ndim < 1:
            raise ParameterValueError(
                f"{label}: logit_p must have a category axis (ndim >= 1), got a scalar."
            )
        return softmax(logit_p, axis=-1)
    p = as_float(p)
    if p.ndim < 1:
        raise ParameterValueError(f"{label}: p must have a category axis (ndim >= 1), got a scalar.")
    if isinstance(p, Constant):
        data = np.asarray(p.data)
        check_constant_parameter("p", data, lambda v: v >= 0, "p >= 0")
        total = data.sum(axis=-1)
        if not np.allclose(total, 1.0):
            warnings.warn(
                f"{label}: p sums to {np.round(total, 6).tolist()} along its last axis, not 1; "
                "it is rescaled to sum to 1. Hint: normalise p yourself to silence this warning.",
                UserWarning,
                stacklevel=4,
            )
            p = pt.as_tensor_variable(data / total[..., None])
    return p


def _log_p(p):
    """``log(p)``, as ``log_softmax(logit_p)`` when ``p`` is ``softmax(logit_p)`` on the last axis."""
    node = p.owner
    if node is not None and isinstance(node.op, Softmax):
        logits = node.inputs[0]
        if tuple(node.op.axis or ()) == (logits.ndim - 1,):
            return log_softmax(logits, axis=-1), True
    return pt.log(p), False


class Categorical(Discrete):
    r"""Categorical distribution: one draw from ``k`` categories ``0, ..., k - 1``.

    .. math:: f(x \mid p) = p_x

    ========  =================================
    Support   :math:`x \in \{0, 1, \ldots, k - 1\}`
    Mean      :math:`\sum_i i\, p_i`
    Variance  :math:`\sum_i i^2 p_i - (\sum_i i\, p_i)^2`
    ========  =================================

    As in PyMC, a literal ``p`` that does not sum to 1 along its last axis is rescaled to sum
    to 1, with a ``UserWarning``; a symbolic ``p`` must sum to 1 (within ``isclose``) or
    evaluating the log-mass raises :class:`~ppl.exceptions.ParameterValueError`.

    Parameters
    ----------
    p
        Category probabilities, >= 0, on the last axis (leading axes are batch axes).
        Mutually exclusive with ``logit_p``.
    logit_p
        Unnormalised log-probabilities; ``p = softmax(logit_p, axis=-1)``, and the log-mass is
        computed as ``log_softmax(logit_p)``.

    Raises
    ------
    ParameterValueError
        If both or neither of ``p`` and ``logit_p`` are given, ``p`` is a scalar, or a literal
        ``p`` has negative entries.

    Examples
    --------
    >>> import ppl
    >>> with ppl.Model():
    ...     grade = ppl.Categorical("grade", p=[0.2, 0.5, 0.3])
    >>> round(float(ppl.logp(ppl.Categorical.dist(p=[0.2, 0.5, 0.3]), 1).eval()), 6)
    -0.693147
    """

    rv_op = categorical

    @classmethod
    def dist(cls, p=None, logit_p=None, **kwargs):
        return super().dist([_resolve_p(p, logit_p)], **kwargs)

    @staticmethod
    def support_point(rv, size, p):
        return batch_broadcast(pt.argmax(p, axis=-1).astype("int64"), rv, size, p)

    @staticmethod
    def logp(value, p):
        k = p.shape[-1]
        log_p, from_logits = _log_p(p)
        # One-hot selection broadcasts value's batch shape against p's (a switch, so that
        # log(0) = -inf in unselected categories never meets a 0 * -inf).
        selected = pt.eq(pt.shape_padright(value), pt.arange(k))
        res = pt.sum(pt.switch(selected, log_p, 0.0), axis=-1)
        inside = (value >= 0) & (value <= k - 1) & is_integer(value)
        res = pt.switch(inside, res, -np.inf)
        if from_logits:
            return res
        return check_parameters(
            res,
            pt.all(p >= 0) & pt.all(p <= 1),
            pt.isclose(pt.sum(p, axis=-1), 1.0),
            msg="0 <= p <= 1 and sum(p) = 1 along the last axis",
        )
