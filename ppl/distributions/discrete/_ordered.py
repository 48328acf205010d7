"""Shared parts of OrderedLogistic and OrderedProbit: categorical variables over ordered classes.

Both are, as in PyMC, categorical variables over ``K = len(cutpoints) + 1`` classes whose
probabilities come from a latent ``eta + noise`` falling between consecutive cutpoints. Their ops
subclass PyTensor's ``CategoricalRV`` (same draws and Numba kernel, and Gibbs step assignment by
category count), with the probabilities built as ``exp(log_p)``: the log-mass reads ``log_p``
back from that graph, so it is computed from the stable log-probabilities, never as ``log(p)``.
"""

import numpy as np
import pytensor.tensor as pt
from pytensor.graph.basic import Constant, Variable
from pytensor.scalar.basic import Exp
from pytensor.tensor.elemwise import Elemwise

from ppl.distributions.discrete._probability import is_integer, log_cdf_from_tails
from ppl.distributions.distribution import as_float
from ppl.exceptions import ParameterValueError
from ppl.logprob.checks import check_parameters, current_label

__all__ = [
    "as_cutpoints",
    "probabilities_from_log",
    "ordered_logp",
    "ordered_logcdf",
    "ordered_support_point",
    "register_probabilities",
]


def _literal(x):
    """The NumPy value of a literal or constant, else None (symbolic, or a list with tensors)."""
    if isinstance(x, Constant):
        return np.asarray(x.data, dtype=float)
    if isinstance(x, Variable):
        return None
    try:
        return np.asarray(x, dtype=float)
    except (TypeError, ValueError):
        return None


def as_cutpoints(cutpoints):
    """``cutpoints`` as a float64 tensor with a last (category) axis, eagerly checked if literal."""
    label = current_label.get() or "distribution"
    data = _literal(cutpoints)
    if data is not None and data.ndim > 0:
        if data.shape[-1] == 0:
            raise ParameterValueError(f"{label}: cutpoints is empty, expected at least one cutpoint.")
        if np.any(np.diff(data, axis=-1) < 0) or np.any(np.isnan(data)):
            shown = data.tolist() if data.size <= 12 else np.array2string(data, threshold=12)
            raise ParameterValueError(
                f"{label}: parameter cutpoints is {shown}, expected cutpoints in increasing order."
            )
    cutpoints = as_float(cutpoints)
    if cutpoints.ndim < 1:
        raise ParameterValueError(
            f"{label}: cutpoints must be a vector (the last axis holds the K - 1 cutpoints of K "
            "classes), got a scalar."
        )
    return cutpoints


def probabilities_from_log(log_p, cutpoints):
    """``exp(log_p)`` guarded by the run-time check that the cutpoints are increasing."""
    ordered = pt.all(cutpoints[..., 1:] >= cutpoints[..., :-1])
    return pt.exp(check_parameters(log_p, ordered, msg="cutpoints in increasing order"))


def _log_p(p):
    """``log_p`` if ``p`` is ``exp(log_p)``, else ``log(p)``."""
    node = p.owner
    if node is not None and isinstance(node.op, Elemwise) and isinstance(node.op.scalar_op, Exp):
        return node.inputs[0]
    return pt.log(p)


def _select(value, values_by_class):
    """The entry of ``values_by_class`` (last axis) at class ``value``, broadcasting batch axes."""
    k = values_by_class.shape[-1]
    selected = pt.eq(pt.shape_padright(value), pt.arange(k))
    return pt.sum(pt.switch(selected, values_by_class, 0.0), axis=-1)


def ordered_logp(value, p):
    """Log-mass of class ``value``: ``log_p[value]`` (``-inf`` outside ``0, ..., K - 1``)."""
    k = p.shape[-1]
    res = _select(value, _log_p(p))
    inside = (value >= 0) & (value <= k - 1) & is_integer(value)
    return pt.switch(inside, res, -np.inf)


def ordered_logcdf(value, p):
    """``log P(X <= value)``; ``log1p(-P(X > value))`` in the upper half keeps it accurate."""
    k = p.shape[-1]
    x = pt.floor(value)
    classes = pt.arange(k)
    at_or_below = pt.le(classes, pt.shape_padright(x))
    p = p + pt.zeros_like(pt.shape_padright(x))  # broadcast over value's shape as well
    cdf = pt.sum(pt.switch(at_or_below, p, 0.0), axis=-1)
    sf = pt.sum(pt.switch(at_or_below, 0.0, p), axis=-1)
    res = log_cdf_from_tails(cdf, sf)
    return pt.switch(x < 0, -np.inf, pt.switch(x >= k - 1, 0.0, res))


def ordered_support_point(p):
    """The most probable class."""
    return pt.argmax(p, axis=-1).astype("int64")


def register_probabilities(name: str, p) -> None:
    """Register the Deterministic ``<name>_probs`` (the class probabilities ``p``), as PyMC does."""
    # Deterministic belongs to the model layer, which imports the distributions; the import is
    # deferred to the call (a model is active by then) so that the layers stay one-directional
    # at import time.
    from ppl.model.deterministic import Deterministic

    Deterministic(f"{name}_probs", p)
