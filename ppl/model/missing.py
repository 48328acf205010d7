"""Missing observed values: split a variable into observed and imputed parts.

Observed data with missing entries (NaN after :func:`ppl.model.data.as_observed`) becomes three
model variables, as in PyMC:

- ``<name>_observed``: the same distribution restricted to the observed entries, observed;
- ``<name>_unobserved``: the same distribution at the missing entries, a free variable (sampled
  by NUTS when continuous, by Metropolis/Gibbs when discrete);
- ``<name>``: a Deterministic that puts both together in the data's shape (and dims).

Restricting a distribution to some entries means rebuilding its RandomVariable node with each
parameter broadcast to the variable's batch shape and indexed by those entries. For a
multivariate distribution the entries are whole events (rows of an MvNormal, say): an event may be
fully missing, but not partly.
"""

import numpy as np
import pytensor.tensor as pt
from pytensor.graph.basic import Constant, Variable
from pytensor.tensor.random.op import RandomVariable
from pytensor.tensor.random.variable import shared_rng

from ppl.exceptions import ModelError, ShapeError
from ppl.model.deterministic import Deterministic
from ppl.model.shapes import evaluate_shape

__all__ = ["has_missing", "register_with_missing"]


def has_missing(observed: Variable) -> bool:
    """Whether ``observed`` (from ``as_observed``) marks missing entries with NaN."""
    return (
        isinstance(observed, Constant)
        and observed.dtype.startswith("float")
        and bool(np.isnan(observed.data).any())
    )


def register_with_missing(model, rv: Variable, name: str, data: np.ndarray, *, dims, **free_kwargs):
    """Register ``rv`` observed at the finite entries of ``data``; impute the NaN ones.

    Returns the Deterministic ``name`` holding the full array (observed values where known, the
    imputed variable elsewhere). ``free_kwargs`` (transform, default_transform, initval) apply to
    ``<name>_unobserved``.
    """
    node = rv.owner
    label = f"Observed {model.name_for(name)!r}"
    if node is None or not isinstance(node.op, RandomVariable):
        raise ModelError(
            f"{label}: missing values are imputed only for basic distributions; "
            f"{type(getattr(node, 'op', None)).__name__} is not one."
        )
    op = node.op
    rv_shape = tuple(evaluate_shape(rv))
    if tuple(data.shape) != rv_shape:
        raise ShapeError(
            f"{label}: observed data has shape {data.shape}, but the variable has shape "
            f"{rv_shape} (from shape/size/dims or its parameters)."
        )
    missing = _missing_events(np.isnan(data), op.ndim_supp, label)
    miss_idx, obs_idx = np.nonzero(missing), np.nonzero(~missing)
    batch_shape = missing.shape

    unobserved = _restricted(node, miss_idx, batch_shape)
    observed = _restricted(node, obs_idx, batch_shape)
    initval = free_kwargs.pop("initval", None)
    if initval is not None:
        initval = np.broadcast_to(np.asarray(initval), data.shape)[miss_idx]
    unobserved = model.register_rv(
        unobserved, f"{name}_unobserved", initval=initval, **free_kwargs
    )
    observed = model.register_rv(observed, f"{name}_observed", observed=data[obs_idx])

    full = pt.empty(data.shape, dtype=rv.dtype)
    full = pt.set_subtensor(full[obs_idx], observed)
    full = pt.set_subtensor(full[miss_idx], unobserved)
    return Deterministic(name, full, model=model, dims=dims)


def _missing_events(missing: np.ndarray, ndim_supp: int, label: str) -> np.ndarray:
    """Missingness per event (over the batch axes); events must be all or nothing."""
    if ndim_supp == 0:
        return missing
    axes = tuple(range(missing.ndim - ndim_supp, missing.ndim))
    any_missing, all_missing = missing.any(axis=axes), missing.all(axis=axes)
    partial = any_missing & ~all_missing
    if partial.any():
        first = tuple(int(i) for i in np.argwhere(partial)[0])
        raise ModelError(
            f"{label}: the event at batch index {first} is partly missing; for a multivariate "
            "distribution only whole events can be missing."
        )
    return all_missing


def _restricted(node, index: tuple, batch_shape: tuple) -> Variable:
    """The node's distribution at the batch entries ``index`` (a tuple of index arrays)."""
    op = node.op
    params = op.dist_params(node)
    n = len(index[0]) if index else 1
    restricted = []
    for param, core_ndim in zip(params, op.ndims_params, strict=True):
        core_shape = tuple(param.shape[param.type.ndim - k] for k in range(core_ndim, 0, -1))
        full = pt.broadcast_to(param, (*batch_shape, *core_shape))
        restricted.append(full[index])
    size = pt.as_tensor_variable(np.array([n], dtype="int64"))
    # Its own RNG: the two parts draw independently in forward sampling.
    rng = shared_rng(np.random.default_rng(), borrow=True)
    return op.make_node(rng, size, *restricted).default_output()
