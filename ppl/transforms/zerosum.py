"""Zero-sum transform: arrays that sum to zero along some axes <-> unconstrained arrays.

Along one axis of length ``K`` the values summing to zero form a ``(K - 1)``-dimensional
subspace. The transform maps it to ``R^(K-1)`` with an orthonormal basis: the Householder
reflection ``H = I - 2 u u^T / (u^T u)``, ``u = e_K - 1/sqrt(K)``, maps the last unit vector to
the direction ``1/sqrt(K)`` of the constant vectors, so its first ``K - 1`` columns are an
orthonormal basis of the zero-sum subspace. Working out ``H`` on the two kinds of vectors gives

- forward (``x`` summing to zero -> ``y``): ``y_i = x_i + x_K / (sqrt(K) - 1)``, ``i < K``;
- backward (``y`` -> ``x``), with ``s = sum(y)``: ``x_i = y_i - s / (K - sqrt(K))`` for ``i < K``
  and ``x_K = s / sqrt(K)``.

The map is an isometry onto the subspace, so with densities taken with respect to the surface
(Lebesgue) measure of the subspace, as :class:`~ppl.ZeroSumNormal` does, ``log|det J| = 0``.
Several axes are handled one after the other; the composition is again an isometry.
"""

from collections.abc import Sequence

import pytensor.tensor as pt

from ppl.transforms.transform import Transform

__all__ = ["ZeroSumTransform"]


def _index(ndim: int, axis: int, index):
    """An indexing tuple selecting ``index`` along the (negative) ``axis``."""
    return (slice(None),) * (ndim + axis) + (index,)


def _forward_axis(x, axis: int):
    length = pt.cast(x.shape[axis], "float64")
    root = pt.sqrt(length)
    # For length 1 there is nothing to keep (an empty result): avoid 0 / 0 in the denominator.
    denominator = pt.switch(length > 1, root - 1.0, 1.0)
    last = pt.expand_dims(x[_index(x.ndim, axis, -1)], axis)
    return x[_index(x.ndim, axis, slice(None, -1))] + last / denominator


def _backward_axis(y, axis: int):
    length = pt.cast(y.shape[axis], "float64") + 1.0
    root = pt.sqrt(length)
    denominator = pt.switch(length > 1, length - root, 1.0)
    total = pt.sum(y, axis=axis, keepdims=True)
    return pt.concatenate([y - total / denominator, total / root], axis=axis)


class ZeroSumTransform(Transform):
    """Isometry between arrays summing to zero along ``zerosum_axes`` and unconstrained arrays.

    Each zero-sum axis of length ``K`` becomes an unconstrained axis of length ``K - 1``.

    Parameters
    ----------
    zerosum_axes
        Negative axis indices, e.g. ``[-1]`` (the default of :class:`~ppl.ZeroSumNormal`) or
        ``[-2, -1]``.

    Raises
    ------
    ValueError
        If ``zerosum_axes`` is empty, or has a non-negative or repeated axis.

    Examples
    --------
    >>> import numpy as np
    >>> import pytensor.tensor as pt
    >>> from ppl.transforms import ZeroSumTransform
    >>> t = ZeroSumTransform([-1])
    >>> x = t.backward(pt.as_tensor(np.array([0.3, -1.2]))).eval()
    >>> x.shape, bool(np.isclose(x.sum(), 0.0))
    ((3,), True)
    """

    name = "zerosum"

    def __init__(self, zerosum_axes: Sequence[int]):
        axes = tuple(int(a) for a in zerosum_axes)
        if not axes or any(a >= 0 for a in axes) or len(set(axes)) != len(axes):
            raise ValueError(
                f"ZeroSumTransform: zerosum_axes is {tuple(zerosum_axes)!r}, expected distinct "
                "negative axes such as (-1,) or (-2, -1)."
            )
        self.zerosum_axes = tuple(sorted(axes))
        self.ndim_supp = max(-a for a in axes)

    def forward(self, value, *inputs):
        for axis in self.zerosum_axes:
            value = _forward_axis(value, axis)
        return value

    def backward(self, value, *inputs):
        for axis in self.zerosum_axes:
            value = _backward_axis(value, axis)
        return value

    def log_jac_det(self, value, *inputs):
        return pt.zeros(tuple(value.shape)[: value.ndim - self.ndim_supp], dtype=value.dtype)

    def __repr__(self) -> str:
        return f"ZeroSumTransform({list(self.zerosum_axes)!r})"
