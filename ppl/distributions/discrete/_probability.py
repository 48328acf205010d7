"""Helpers shared by the discrete distributions: p / logit_p, stable log-probabilities, integers.

A ``logit_p`` parameterisation is stored on the op as ``p = sigmoid(logit_p)`` (PyTensor's ops
take probabilities), and :func:`log_probabilities` recovers ``logit_p`` from that graph so that
log-masses are computed with softplus, exactly even where ``p`` rounds to 0 or 1.
"""

import numpy as np
import pytensor.tensor as pt
from pytensor.scalar.math import Sigmoid

from ppl.distributions.distribution import as_float, as_int
from ppl.exceptions import ParameterValueError
from ppl.logprob.checks import check_constant_parameter, current_label

__all__ = [
    "resolve_p_logit_p",
    "check_integer_parameter",
    "logit_of",
    "log_probabilities",
    "complement",
    "log_cdf_from_tails",
    "is_integer",
    "xlogy0",
]


def _label() -> str:
    return current_label.get() or "distribution"


def resolve_p_logit_p(p, logit_p):
    """``p`` from exactly one of ``p`` (checked eagerly to lie in [0, 1]) and ``logit_p``."""
    if p is not None and logit_p is not None:
        raise ParameterValueError(f"{_label()}: give p or logit_p, not both.")
    if p is None and logit_p is None:
        raise ParameterValueError(f"{_label()}: give one of p or logit_p.")
    if logit_p is not None:
        check_constant_parameter("logit_p", logit_p, lambda v: ~np.isnan(v), "logit_p not NaN")
        return pt.sigmoid(as_float(logit_p))
    check_constant_parameter("p", p, lambda v: (v >= 0) & (v <= 1), "0 <= p <= 1")
    return as_float(p)


def check_integer_parameter(name: str, value, *, lower: int | None = None):
    """Eagerly check an integer parameter (whole number, ``>= lower``) and return it as int64."""
    if lower is None:
        check_constant_parameter(name, value, lambda v: v == np.round(v), f"{name} an integer")
    else:
        check_constant_parameter(
            name,
            value,
            lambda v: (v == np.round(v)) & (v >= lower),
            f"{name} an integer >= {lower}",
        )
    return as_int(value)


def logit_of(p):
    """``x`` if ``p`` is the graph ``sigmoid(x)``, else None."""
    node = p.owner
    if node is not None and isinstance(getattr(node.op, "scalar_op", None), Sigmoid):
        return node.inputs[0]
    return None


def log_probabilities(p):
    """``(log(p), log(1 - p))``, computed with softplus from ``logit_p`` when ``p`` came from it."""
    logit = logit_of(p)
    if logit is not None:
        return -pt.softplus(-logit), -pt.softplus(logit)
    return pt.log(p), pt.log1p(-p)


def complement(p):
    """``1 - p``, as ``sigmoid(-logit_p)`` when ``p`` came from ``logit_p`` (no cancellation)."""
    logit = logit_of(p)
    return pt.sigmoid(-logit) if logit is not None else 1.0 - p


def log_cdf_from_tails(cdf, sf):
    """``log(cdf)``, taken as ``log1p(-sf)`` where ``cdf > 1/2`` to keep relative accuracy."""
    return pt.switch(cdf > 0.5, pt.log1p(-sf), pt.log(cdf))


def is_integer(value):
    """True where ``value`` is a whole number (always True for an integer dtype)."""
    if value.dtype.startswith(("int", "uint", "bool")):
        return pt.ones_like(value, dtype="bool")
    return pt.eq(value, pt.floor(value))


def xlogy0(x, log_y):
    """``x * log_y`` with the convention ``0 * log(0) = 0`` (``log_y`` is already a log)."""
    return pt.switch(pt.eq(x, 0), 0.0, x * log_y)
