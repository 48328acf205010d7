"""Shapes of time series: a batch shape, then one time axis of ``steps + offset`` entries.

``offset`` is the number of leading values drawn from the initial distribution (1 for a random
walk, ``ar_order`` for an autoregression). ``size`` is the batch shape, as for every distribution
with one support dimension; ``shape`` (also set from ``dims`` or ``observed`` by the model) is the
full shape, so its last entry gives ``steps`` when it is not passed.
"""

import numpy as np
import pytensor.tensor as pt
from pytensor.graph.basic import Variable
from pytensor.tensor import get_vector_length
from pytensor.tensor.basic import get_scalar_constant_value
from pytensor.tensor.exceptions import NotScalarConstantError

from ppl.distributions.shape import to_tuple
from ppl.distributions.symbolic import batch_size
from ppl.exceptions import ShapeError
from ppl.logprob.checks import current_label

__all__ = ["time_series_shape", "check_fits_batch", "static_int"]


def static_int(x):
    """``x`` as a Python int when its value is known without evaluation, else ``x`` itself."""
    if isinstance(x, (int, np.integer)):
        return int(x)
    try:
        return int(get_scalar_constant_value(x))
    except (NotScalarConstantError, TypeError, ValueError):
        return x


def _as_tuple(shape) -> tuple:
    """A full ``shape`` (int, sequence or symbolic vector) as a tuple of ints and scalars."""
    shape = to_tuple(shape)
    if isinstance(shape, Variable):
        shape = tuple(shape[i] for i in range(get_vector_length(shape)))
    return tuple(static_int(s) for s in shape)


def _check_steps(steps, label: str):
    """``steps`` as an int (when literal) or an integer scalar tensor."""
    if steps is None:
        return None
    if isinstance(steps, Variable):
        if steps.type.ndim != 0 or not steps.dtype.startswith(("int", "uint")):
            raise ShapeError(f"{label}: steps must be an integer scalar, got {steps.type}.")
        steps = static_int(steps)
        if isinstance(steps, Variable):
            return steps
    value = np.asarray(steps)
    if value.ndim != 0 or value.dtype.kind not in "iuf" or value != np.round(value) or value < 0:
        raise ShapeError(f"{label}: steps is {steps!r}, expected a non-negative integer.")
    return int(value)


def time_series_shape(shape, size, steps, *, offset: int) -> tuple[tuple | None, object]:
    """The batch shape (None if it is to be broadcast from the parameters) and the steps.

    Parameters
    ----------
    shape, size
        As given to ``dist`` (at most one of them).
    steps
        As given to ``dist``: an int, an integer scalar tensor, or None to infer it from ``shape``.
    offset
        Entries of the time axis that precede the steps (drawn from the initial distribution).

    Raises
    ------
    ShapeError
        If the steps are neither given nor implied by ``shape``, or if ``shape`` and ``steps``
        disagree, naming the variable.
    """
    label = current_label.get() or "distribution"
    steps = _check_steps(steps, label)
    if shape is None:
        batch = batch_size(None, size, 1)
    else:
        full = _as_tuple(shape)
        if not full:
            raise ShapeError(
                f"{label}: shape is (), expected at least one dimension (the time axis, last)."
            )
        batch = batch_size(full, size, 1)
        n_time = full[-1]
        if isinstance(n_time, int):
            if n_time < offset:
                raise ShapeError(
                    f"{label}: shape {full} has {n_time} time points, expected at least {offset} "
                    f"(the values drawn from init_dist)."
                )
            if steps is None:
                steps = n_time - offset
            elif isinstance(steps, int) and steps + offset != n_time:
                raise ShapeError(
                    f"{label}: shape {full} has {n_time} time points, but steps={steps} gives "
                    f"{steps + offset} (steps + {offset}). Hint: give one of shape and steps, or "
                    f"make them agree."
                )
        elif steps is None:
            steps = pt.cast(n_time, "int64") - offset
    if steps is None:
        raise ShapeError(
            f"{label}: the number of steps is unknown. Give steps, or the length of the time "
            "axis (the last) through shape, dims or observed."
        )
    return (None if batch is None else tuple(static_int(s) for s in batch)), steps


def check_fits_batch(batch: tuple, batch_shapes: dict[str, tuple]) -> None:
    """Raise a ShapeError naming the argument whose batch shape does not broadcast to ``batch``.

    Only static shapes are checked; symbolic ones are left to PyTensor.
    """
    if not all(isinstance(s, int) for s in batch):
        return
    for name, shape in batch_shapes.items():
        if not all(isinstance(s, (int, np.integer)) for s in shape):
            continue
        try:
            fits = np.broadcast_shapes(tuple(shape), batch) == batch
        except ValueError:
            fits = False
        if not fits:
            raise ShapeError(
                f"{current_label.get() or 'distribution'}: {name} has batch shape {tuple(shape)}, "
                f"which does not broadcast to the batch shape {batch}."
            )
