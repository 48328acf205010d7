"""The one place that knows how ``shape``, ``size`` and ``dims`` relate.

``size`` is the batch shape (no support dimensions); ``shape`` is the full shape of a draw;
``dims`` name every dimension of ``shape`` and take their lengths from the model's coords.
"""

from collections.abc import Sequence

import numpy as np
import pytensor.tensor as pt
from pytensor.graph.basic import Variable
from pytensor.tensor import get_vector_length

from ppl.exceptions import ShapeError

__all__ = ["convert_dims", "to_tuple", "size_from_shape", "check_batch_broadcast"]


def convert_dims(dims) -> tuple[str, ...] | None:
    """Normalise ``dims`` (a string or a sequence of strings) to a tuple."""
    if dims is None:
        return None
    if isinstance(dims, str):
        return (dims,)
    dims = tuple(dims)
    for d in dims:
        if not isinstance(d, str):
            raise ShapeError(f"dims must be strings, got {d!r} in {dims!r}.")
    return dims


def to_tuple(shape) -> tuple | Variable:
    """Normalise an int, sequence or symbolic vector ``shape``."""
    if isinstance(shape, Variable):
        return shape
    if isinstance(shape, (int, np.integer)):
        return (int(shape),)
    if isinstance(shape, Sequence) or isinstance(shape, np.ndarray):
        return tuple(int(s) if isinstance(s, (int, np.integer)) else s for s in shape)
    raise ShapeError(f"shape must be an int, a sequence or a symbolic vector, got {shape!r}.")


def size_from_shape(shape, ndim_supp: int, label: str):
    """The batch ``size`` implied by a full ``shape`` for an op with ``ndim_supp`` support dims."""
    if isinstance(shape, Variable):
        n = get_vector_length(shape)
        if n < ndim_supp:
            raise ShapeError(f"{label}: shape has {n} dimensions, expected at least {ndim_supp}.")
        return shape[: n - ndim_supp] if ndim_supp else shape
    if len(shape) < ndim_supp:
        raise ShapeError(
            f"{label}: shape is {shape}, expected at least {ndim_supp} dimension(s) "
            "(the support dimensions of this multivariate distribution)."
        )
    return tuple(shape[: len(shape) - ndim_supp]) if ndim_supp else tuple(shape)


def check_batch_broadcast(params, ndims_params, size, label: str) -> None:
    """Raise a clear ShapeError when parameters cannot broadcast to the batch ``size``.

    Only static shapes are checked here; symbolic ones are left to PyTensor.
    """
    if size is None or isinstance(size, Variable):
        return
    if not all(isinstance(s, (int, np.integer)) for s in size):
        return
    for p, nd in zip(params, ndims_params, strict=True):
        p = pt.as_tensor_variable(p)
        batch = p.type.shape[: p.type.ndim - nd] if nd else p.type.shape
        if any(s is None for s in batch):
            continue
        try:
            out = np.broadcast_shapes(tuple(batch), tuple(size))
        except ValueError:
            out = None
        if out != tuple(size):
            raise ShapeError(
                f"{label}: a parameter with batch shape {tuple(batch)} cannot be broadcast to "
                f"size {tuple(size)}."
            )
