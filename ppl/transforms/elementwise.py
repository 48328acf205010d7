"""Elementwise transforms: log, logodds, interval (with lower, upper or both bounds)."""

from collections.abc import Callable

import numpy as np
import pytensor.tensor as pt
from pytensor.graph.basic import Variable

from ppl.math import log_sigmoid
from ppl.transforms.transform import Transform

__all__ = ["LogTransform", "LogOddsTransform", "Interval", "log", "logodds"]


class LogTransform(Transform):
    """``y = log(x)`` for positive variables."""

    name = "log"

    def forward(self, value, *inputs):
        return pt.log(value)

    def backward(self, value, *inputs):
        return pt.exp(value)

    def log_jac_det(self, value, *inputs):
        return pt.as_tensor_variable(value)


class LogOddsTransform(Transform):
    """``y = log(x / (1 - x))`` for variables in (0, 1)."""

    name = "logodds"

    def forward(self, value, *inputs):
        return pt.log(value) - pt.log1p(-value)

    def backward(self, value, *inputs):
        return pt.sigmoid(value)

    def log_jac_det(self, value, *inputs):
        return log_sigmoid(value) + log_sigmoid(-value)


BoundsFn = Callable[..., tuple]


def _as_bound(bound):
    """A bound as a float64 tensor (None stays None).

    PyTensor turns a Python float such as ``5.0`` into a float32 constant, which made
    ``log(upper - lower)`` lose precision (an error of 3e-8 per element in the log-Jacobian).
    """
    if bound is None or isinstance(bound, Variable):
        return bound
    return pt.as_tensor_variable(np.asarray(bound, dtype="float64"))


class Interval(Transform):
    """Map ``(lower, upper)`` (either may be None for a half-line) to the real line.

    Parameters
    ----------
    lower, upper
        Constant or symbolic bounds; ``None`` leaves that side unbounded.
    bounds_fn
        Alternative to fixed bounds: ``bounds_fn(*rv_node_inputs) -> (lower, upper)``, used by
        distributions whose support depends on their parameters (``Uniform``).

    Examples
    --------
    >>> import ppl
    >>> with ppl.Model():
    ...     x = ppl.Normal("x", 0, 1, transform=ppl.transforms.Interval(-1, 1))
    """

    name = "interval"

    def __init__(self, lower=None, upper=None, *, bounds_fn: BoundsFn | None = None):
        if bounds_fn is not None and (lower is not None or upper is not None):
            raise ValueError("Interval: give either lower/upper or bounds_fn, not both.")
        if bounds_fn is None and lower is None and upper is None:
            raise ValueError("Interval: at least one of lower and upper must be given.")
        self.lower = lower
        self.upper = upper
        self.bounds_fn = bounds_fn

    def bounds(self, *inputs):
        """The ``(lower, upper)`` pair for a variable with node inputs ``inputs``."""
        if self.bounds_fn is not None:
            lower, upper = self.bounds_fn(*inputs)
        else:
            lower, upper = self.lower, self.upper
        return _as_bound(lower), _as_bound(upper)

    def forward(self, value, *inputs):
        lower, upper = self.bounds(*inputs)
        if lower is not None and upper is not None:
            return pt.log(value - lower) - pt.log(upper - value)
        if lower is not None:
            return pt.log(value - lower)
        return pt.log(upper - value)

    def backward(self, value, *inputs):
        lower, upper = self.bounds(*inputs)
        if lower is not None and upper is not None:
            return lower + (upper - lower) * pt.sigmoid(value)
        if lower is not None:
            return lower + pt.exp(value)
        return upper - pt.exp(value)

    def log_jac_det(self, value, *inputs):
        lower, upper = self.bounds(*inputs)
        if lower is not None and upper is not None:
            return pt.log(upper - lower) + log_sigmoid(value) + log_sigmoid(-value)
        return pt.as_tensor_variable(value)

    def __repr__(self) -> str:
        if self.bounds_fn is not None:
            return "Interval(bounds from parameters)"
        return f"Interval(lower={self.lower!r}, upper={self.upper!r})"


log = LogTransform()
logodds = LogOddsTransform()
