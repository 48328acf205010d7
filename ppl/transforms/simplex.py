"""Simplex transform: K probabilities summing to one <-> K-1 unconstrained log-ratios."""

import pytensor.tensor as pt

from ppl.math import logsumexp
from ppl.transforms.transform import Transform

__all__ = ["SimplexTransform", "simplex", "sum_to_1"]


class SimplexTransform(Transform):
    r"""Additive log-ratio transform of the last axis.

    ``y_i = log(x_i) - log(x_K)`` for ``i < K``; back: ``x = softmax([y, 0])``. With
    ``z = [y, 0]`` and ``log x = z - logsumexp(z)``, the Jacobian of ``y -> x_{1:K-1}`` is
    ``diag(x') - x' x'^T`` whose determinant is ``prod_{i=1}^{K} x_i``, so
    ``log|det J| = sum_i log x_i``.
    """

    name = "simplex"
    ndim_supp = 1

    def forward(self, value, *inputs):
        log_x = pt.log(value)
        # ``log_x[..., -1:]`` has an unknown static length, and PyTensor only broadcasts axes
        # statically known to have length 1: index the last entry and add the axis back.
        return log_x[..., :-1] - pt.shape_padright(log_x[..., -1])

    def _log_x(self, value):
        z = pt.concatenate([value, pt.zeros_like(value[..., :1])], axis=-1)
        return z - logsumexp(z, axis=-1, keepdims=True)

    def backward(self, value, *inputs):
        return pt.exp(self._log_x(value))

    def log_jac_det(self, value, *inputs):
        return pt.sum(self._log_x(value), axis=-1)


simplex = SimplexTransform()
sum_to_1 = simplex
