"""``ppl.observe`` and ``ppl.do``: new models that condition on data or intervene on variables.

Both return a new model and leave the given one as it was (PyMC 5's functions of the same
names). The models share their data containers and coordinates' values; each has its own
variables' bookkeeping and compiled functions.
"""

import copy
from collections.abc import Mapping

import numpy as np
import pytensor
from pytensor.graph.basic import Variable
from pytensor.graph.replace import clone_replace

from ppl.exceptions import ModelError, ShapeError
from ppl.logprob.joint import fit_type
from ppl.model.compile_cache import CompileCache
from ppl.model.data import as_observed
from ppl.model.missing import has_missing
from ppl.model.model import Model
from ppl.model.registration import ModelRegistry, prepare_observed
from ppl.model.shapes import evaluate_shape

__all__ = ["observe", "do"]


def _copy(model: Model, registry: ModelRegistry) -> Model:
    if model.root is not model:
        raise ModelError(f"{model.name!r} is nested in another model: observe/do take the outer one.")
    new = Model.__new__(Model)
    new.__dict__.update(model.__dict__)
    new.parent, new.root = None, new
    new._registry = registry
    new._coord_store = copy.copy(model._coord_store)
    new._coord_store.coords = dict(model._coord_store.coords)
    new._coord_store.dim_lengths = dict(model._coord_store.dim_lengths)
    new._data_vars = list(model._data_vars)
    new._compiled_cache = CompileCache()
    return new


def _copy_registry(reg: ModelRegistry) -> ModelRegistry:
    return ModelRegistry(**{name: copy.copy(value) for name, value in vars(reg).items()})


def _lookup(model: Model, name, label: str) -> Variable:
    key = name if isinstance(name, str) else getattr(name, "name", None)
    var = model.named_vars.get(key)
    if var is None:
        raise ModelError(f"{label}: the model has no variable {key!r}.")
    return var


def observe(model: Model, vars_to_observations: Mapping) -> Model:
    """A new model in which some free variables are observed.

    Parameters
    ----------
    model
        The model (left unchanged).
    vars_to_observations
        ``{name or variable: data}``; each data array has the variable's shape.

    Returns
    -------
    Model
        The model with those variables observed.

    Examples
    --------
    >>> import ppl
    >>> with ppl.Model() as m:
    ...     x = ppl.Normal("x", 0.0, 1.0)
    ...     y = ppl.Normal("y", x, 1.0)
    >>> conditioned = ppl.observe(m, {"y": 1.5})
    >>> [v.name for v in conditioned.free_RVs], [v.name for v in conditioned.observed_RVs]
    (['x'], ['y'])
    """
    reg = _copy_registry(model._reg)
    for name, value in vars_to_observations.items():
        rv = _lookup(model, name, "observe")
        label = f"observe: {rv.name!r}"
        if rv not in reg.free_RVs:
            raise ModelError(f"{label} is not a free random variable of the model.")
        data = as_observed(value, rv.name)
        if has_missing(data):
            raise ModelError(f"{label}: the data has missing values, which observe does not impute.")
        data = prepare_observed(rv, data, label)
        reg.free_RVs.remove(rv)
        reg.rvs_to_initial_values.pop(rv, None)
        reg.observed_RVs.append(rv)
        reg.rvs_to_values[rv] = data
        reg.rvs_to_transforms[rv] = None
    return _copy(model, reg)


def do(model: Model, vars_to_interventions: Mapping, prune_vars: bool = False) -> Model:
    """A new model in which some variables are set to fixed values (an intervention).

    The variables stop being random: whatever depended on them now depends on the value. A
    numeric value becomes a data container of the same name, which ``ppl.set_data`` can change
    (for other interventions without rebuilding the model).

    Parameters
    ----------
    model
        The model (left unchanged).
    vars_to_interventions
        ``{name or variable: value}`` for free or observed random variables and
        deterministics; each value has the variable's shape (or is a scalar, broadcast).
    prune_vars
        PyMC's option to drop variables the intervention disconnects: not supported (an error
        if True).

    Returns
    -------
    Model
        The model after the intervention.

    Examples
    --------
    >>> import ppl
    >>> with ppl.Model() as m:
    ...     x = ppl.Normal("x", 0.0, 1.0)
    ...     y = ppl.Normal("y", 2.0 * x, 1.0)
    >>> intervened = ppl.do(m, {"x": 3.0})
    >>> [v.name for v in intervened.free_RVs], float(intervened["x"].get_value())
    (['y'], 3.0)
    """
    if prune_vars:
        raise NotImplementedError("do: prune_vars=True is not supported; the variables stay.")
    reg = model._reg
    replace: dict[Variable, Variable] = {}
    containers: dict[Variable, Variable] = {}
    for name, value in vars_to_interventions.items():
        var = _lookup(model, name, "do")
        if var not in reg.rvs_to_values and var not in reg.deterministics:
            raise ModelError(f"do: {var.name!r} is not a random variable or a deterministic.")
        shape = evaluate_shape(var)
        array = np.asarray(value, dtype=var.dtype)
        if array.shape != shape:
            try:
                array = np.broadcast_to(array, shape).copy()
            except ValueError:
                raise ShapeError(f"do: {var.name!r} has shape {shape}, the value {array.shape}.") from None
        containers[var] = pytensor.shared(array, name=var.name)
        replace[var] = fit_type(containers[var], var)  # the variable's static shape
    graphs = [*reg.free_RVs, *reg.observed_RVs, *reg.deterministics, *reg.potentials]
    new = dict(zip(graphs, clone_replace(graphs, replace=replace), strict=True))

    def moved(mapping: dict) -> dict:
        return {new[k]: v for k, v in mapping.items() if k in new and k not in replace}

    out = ModelRegistry(
        free_RVs=[new[v] for v in reg.free_RVs if v not in replace],
        observed_RVs=[new[v] for v in reg.observed_RVs if v not in replace],
        deterministics=[new[v] for v in reg.deterministics if v not in replace],
        potentials=[new[v] for v in reg.potentials if v not in replace],
        named_vars={k: containers[v] if v in containers else new.get(v, v)
                    for k, v in reg.named_vars.items()},
        rvs_to_values=moved(reg.rvs_to_values),
        rvs_to_transforms=moved(reg.rvs_to_transforms),
        rvs_to_initial_values=moved(reg.rvs_to_initial_values),
        named_vars_to_dims=dict(reg.named_vars_to_dims),
        rvs_to_total_sizes=moved(reg.rvs_to_total_sizes),
    )
    result = _copy(model, out)
    result._data_vars.extend(containers.values())
    return result
