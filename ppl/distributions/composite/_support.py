"""Bounds of a distribution's support, read from its default transform, and bound helpers."""

import numpy as np
import pytensor.tensor as pt
from pytensor.graph.basic import Variable

from ppl.logprob.checks import _constant_value
from ppl.transforms.defaults import default_transform
from ppl.transforms.elementwise import Interval, LogOddsTransform, LogTransform

__all__ = ["support_bounds", "is_infinite", "as_bound", "tighter_bounds"]


def support_bounds(rv: Variable) -> tuple:
    """``(lower, upper)`` of the support of ``rv`` as graphs of its parameters; None if unbounded.

    Read from the default transform (log: ``(0, None)``, logodds: ``(0, 1)``, interval: its
    bounds); a variable without one is taken as unbounded.
    """
    transform = default_transform(rv)
    if isinstance(transform, LogTransform):
        return pt.constant(0.0, dtype="float64"), None
    if isinstance(transform, LogOddsTransform):
        return pt.constant(0.0, dtype="float64"), pt.constant(1.0, dtype="float64")
    if isinstance(transform, Interval):
        return transform.bounds(*rv.owner.inputs)
    return None, None


def is_infinite(bound, sign: int) -> bool:
    """Whether ``bound`` is a constant equal to ``sign * inf`` everywhere (i.e. no bound)."""
    data = _constant_value(bound)
    return data is not None and bool(np.all(data == sign * np.inf))


def as_bound(bound, sign: int) -> Variable:
    """A truncation or censoring point as a float64 tensor; None means ``sign * inf``."""
    if bound is None:
        return pt.constant(sign * np.inf, dtype="float64")
    if isinstance(bound, Variable):
        return bound if bound.dtype == "float64" else pt.cast(bound, "float64")
    return pt.as_tensor_variable(np.asarray(bound, dtype="float64"))


def tighter_bounds(lower, upper, support: tuple) -> tuple:
    """The user's ``(lower, upper)`` intersected with ``support``; None for an infinite side."""
    out = []
    for bound, inner, sign, pick in (
        (lower, support[0], -1, pt.maximum),
        (upper, support[1], 1, pt.minimum),
    ):
        if is_infinite(bound, sign):
            out.append(inner)
        elif inner is None:
            out.append(bound)
        else:
            out.append(pick(bound, inner))
    return tuple(out)
