"""Composition of transforms, applied left to right in the forward direction."""

from collections.abc import Sequence

import pytensor.tensor as pt

from ppl.transforms.transform import Transform

__all__ = ["Chain", "ChainedTransform"]


class Chain(Transform):
    """``forward = t_n.forward ∘ … ∘ t_1.forward``; Jacobians add up along the way back.

    Parameters
    ----------
    transform_list
        Transforms in forward order, e.g. ``[log, ordered]`` for positive increasing vectors.
    """

    def __init__(self, transform_list: Sequence[Transform]):
        if not transform_list:
            raise ValueError("Chain: transform_list must not be empty.")
        self.transform_list = list(transform_list)
        self.name = "_".join(t.name for t in self.transform_list)
        self.ndim_supp = max(t.ndim_supp for t in self.transform_list)

    def forward(self, value, *inputs):
        for t in self.transform_list:
            value = t.forward(value, *inputs)
        return value

    def backward(self, value, *inputs):
        for t in reversed(self.transform_list):
            value = t.backward(value, *inputs)
        return value

    def log_jac_det(self, value, *inputs):
        total = 0.0
        for t in reversed(self.transform_list):
            term = t.log_jac_det(value, *inputs)
            if t.ndim_supp < self.ndim_supp:
                term = pt.sum(term, axis=tuple(range(-self.ndim_supp + t.ndim_supp, 0)))
            total = total + term
            value = t.backward(value, *inputs)
        return total

    def __repr__(self) -> str:
        return f"Chain({self.transform_list!r})"


ChainedTransform = Chain
