"""Concrete shapes of model variables, evaluated cheaply at definition time."""

import pytensor
import pytensor.tensor as pt
from pytensor.graph.basic import Variable

from ppl.compiled.modes import QUICK_MODE
from ppl.logprob.dispatch import draw_shape, is_random_node

__all__ = ["evaluate_shape"]


def evaluate_shape(var: Variable) -> tuple[int, ...]:
    """The current shape of ``var``: static if known, else evaluated without sampling."""
    static = var.type.shape
    if all(s is not None for s in static):
        return tuple(int(s) for s in static)
    node = var.owner
    if is_random_node(node):
        shape = draw_shape(node)
        expr = pt.as_tensor_variable(shape) if len(shape) else pt.zeros(0, dtype="int64")
    else:
        expr = var.shape
    value = pytensor.function([], expr, mode=QUICK_MODE, on_unused_input="ignore")()
    return tuple(int(s) for s in value)
