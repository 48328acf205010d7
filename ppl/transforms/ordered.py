"""Ordered transform: strictly increasing vectors <-> unconstrained vectors."""

import pytensor.tensor as pt

from ppl.transforms.transform import Transform

__all__ = ["OrderedTransform", "ordered"]


class OrderedTransform(Transform):
    """``y_0 = x_0``, ``y_i = log(x_i - x_{i-1})``; back by a cumulative sum of ``exp``."""

    name = "ordered"
    ndim_supp = 1

    def forward(self, value, *inputs):
        return pt.concatenate(
            [value[..., :1], pt.log(value[..., 1:] - value[..., :-1])], axis=-1
        )

    def backward(self, value, *inputs):
        steps = pt.concatenate([value[..., :1], pt.exp(value[..., 1:])], axis=-1)
        return pt.cumsum(steps, axis=-1)

    def log_jac_det(self, value, *inputs):
        return pt.sum(value[..., 1:], axis=-1)


ordered = OrderedTransform()
