"""Data: observed data checks, and data containers (``ppl.Data``) that ``ppl.set_data`` swaps.

A data container is a ``pytensor.shared`` variable registered in the model. Graphs (and compiled
functions) read its current value, so new data — even of a new length — needs no new model and
no new compilation. Its dims are mutable dims of the model: their lengths are shared scalars that
``set_data`` updates, so variables defined with those dims (or with ``shape=x.shape``, or with the
container as ``observed``) follow the new length.
"""

import warnings
from collections.abc import Mapping

import numpy as np
import pytensor
import pytensor.tensor as pt
from pytensor.compile.sharedvalue import SharedVariable
from pytensor.graph.basic import Variable
from pytensor.graph.traversal import ancestors

from ppl.exceptions import ModelError, ShapeError
from ppl.model.context import modelcontext

__all__ = ["as_observed", "Data", "MutableData", "ConstantData", "set_data"]


def as_observed(data, name: str) -> Variable:
    """Observed data as a tensor, after checks that name ``name`` in any error.

    Missing values — masked entries of a NumPy masked array, or NaN — come back as NaN in a
    float64 constant; :func:`ppl.model.missing.has_missing` detects them and the model imputes
    them (see ``ppl/model/missing.py``).

    Raises
    ------
    ModelError
        For infinite values, all-missing data, missing values in a data container, or
        unsupported types.
    """
    if isinstance(data, SharedVariable):
        _check_container_complete(data, name)
        return data
    if isinstance(data, Variable):
        return data
    masked = isinstance(data, np.ma.MaskedArray)
    try:
        arr = np.ma.getdata(data) if masked else np.asarray(data)
    except Exception as err:  # noqa: BLE001 - report any conversion failure with the name
        raise ModelError(f"Observed {name!r}: could not convert data to an array: {err}") from err
    if arr.dtype == object or arr.dtype.kind not in "biuf":
        raise ModelError(
            f"Observed {name!r}: data must be numeric, got dtype {arr.dtype}."
        )
    missing = np.ma.getmaskarray(data) if masked else np.zeros(arr.shape, bool)
    if arr.dtype.kind == "f":
        missing = missing | np.isnan(arr)
        infinite = np.isinf(arr) & ~missing
        if infinite.any():
            bad = np.argwhere(infinite)
            first = tuple(int(i) for i in bad[0])
            raise ModelError(
                f"Observed {name!r}: data has {len(bad)} infinite value(s), e.g. {arr[first]} at "
                f"index {first}. Only missing values are allowed: mark them with NaN or a numpy "
                "masked array (np.ma.masked_invalid(data))."
            )
    if missing.any():
        if missing.all():
            raise ModelError(
                f"Observed {name!r}: all {missing.size} values are missing. Hint: leave out "
                "observed= to make it a free variable."
            )
        return pt.as_tensor_variable(np.where(missing, np.nan, arr.astype("float64")))
    if arr.dtype.kind == "f":
        arr = arr.astype("float64")
    return pt.as_tensor_variable(arr)


def _check_container_complete(data: SharedVariable, name: str) -> None:
    value = np.asarray(data.get_value())
    if value.dtype.kind == "f" and np.isnan(value).any():
        raise ModelError(
            f"Observed {name!r}: data container {data.name!r} holds missing values (NaN). "
            "Missing values are imputed only for data given directly as an array (with NaN or "
            "a numpy masked array), whose pattern of missing entries is fixed."
        )


def _container_array(value, label: str, dtype: str | None = None) -> np.ndarray:
    """``value`` as a float64 or int64 array (or ``dtype``'s kind), with errors naming ``label``."""
    arr = np.asarray(value)
    if arr.dtype == object or arr.dtype.kind not in "biuf":
        raise ModelError(f"{label}: data must be numeric, got dtype {arr.dtype}.")
    if dtype is None:
        return arr.astype("float64" if arr.dtype.kind == "f" else "int64")
    if np.dtype(dtype).kind in "iu" and arr.dtype.kind == "f":
        raise ModelError(
            f"{label}: the container holds integers ({dtype}), got float data (dtype {arr.dtype}). "
            "Hint: cast the data with .astype(int), or create the container with float data."
        )
    return arr.astype(dtype)


def _inferred_dims(name: str, value, dims):
    """Dims and coords of a pandas Series/DataFrame from its index (and columns) names."""
    if not hasattr(value, "index"):
        return dims, {}
    axes = [value.index] + ([value.columns] if hasattr(value, "columns") else [])
    names = dims or tuple(ax.name or f"{name}_dim_{i}" for i, ax in enumerate(axes))
    return tuple(names), {d: list(ax) for d, ax in zip(names, axes, strict=False)}


def Data(
    name: str,
    value,
    *,
    dims=None,
    coords: Mapping | None = None,
    export_index_as_coords: bool = False,
    infer_dims_and_coords: bool = False,
    mutable: bool | None = None,
    model=None,
    **kwargs,
) -> SharedVariable:
    """A named data container: its values can be swapped later with :func:`set_data`.

    Parameters
    ----------
    name
        Name of the container in the model.
    value
        Numeric data (array-like, or a pandas object). Floats are stored as float64, integers
        and booleans as int64.
    dims
        Names of the data's dimensions. A dim the model does not know yet is added as a mutable
        dim with the data's length along that axis; a known dim must have that length.
    coords
        Coordinate values of (some of) ``dims``, added to the model as mutable dims.
    export_index_as_coords, infer_dims_and_coords
        Take ``dims`` (unless given) and ``coords`` from a pandas object's index and columns.
    mutable
        Accepted for PyMC compatibility; every container is mutable.
    model
        The model (default: the active one).
    **kwargs
        Passed to ``pytensor.shared``.

    Returns
    -------
    pytensor.compile.sharedvalue.SharedVariable
        The container, usable in the model's graphs like any tensor.

    Raises
    ------
    ModelError
        For a duplicate name or non-numeric data.
    ShapeError
        If ``dims`` does not match the data's number of dimensions or a known dim's length.

    Examples
    --------
    >>> import numpy as np
    >>> import ppl
    >>> with ppl.Model() as m:
    ...     x = ppl.Data("x", np.arange(3.0), dims="obs")
    ...     y_data = ppl.Data("y_data", np.zeros(3), dims="obs")
    ...     y = ppl.Normal("y", 2 * x, 1, observed=y_data, dims="obs")
    >>> ppl.set_data({"x": np.arange(5.0), "y_data": np.ones(5)}, model=m)
    >>> m.dim_lengths["obs"].get_value(), m["x"].get_value().shape
    (array(5), (5,))
    """
    del mutable  # every container is mutable
    model = modelcontext(model)
    full_name = model.name_for(name)
    label = f"Data {full_name!r}"
    model._check_new_name(full_name)
    if isinstance(dims, str):
        dims = (dims,)
    inferred_coords = {}
    if export_index_as_coords or infer_dims_and_coords:
        dims, inferred_coords = _inferred_dims(full_name, value, dims)
    arr = _container_array(value, label)
    store = model.root._coord_store
    for dim, values in {**inferred_coords, **dict(coords or {})}.items():
        if dim not in store.dim_lengths:
            store.add_coord(dim, values, mutable=True)
    if dims is not None:
        dims = tuple(dims)
        if len(dims) != arr.ndim:
            raise ShapeError(
                f"{label}: has shape {arr.shape} ({arr.ndim} dims), but dims={dims!r} names "
                f"{len(dims)}."
            )
        for axis, dim in enumerate(dims):
            if dim not in store.dim_lengths:
                store.add_coord(dim, length=arr.shape[axis], mutable=True)
                continue
            if store.current_length(dim) != arr.shape[axis]:
                raise ShapeError(
                    f"{label}: has shape {arr.shape}, but dim {dim!r} (axis {axis}) has length "
                    f"{store.current_length(dim)}."
                )
            if not any(dim in ds for ds in model.named_vars_to_dims.values()):
                store.make_mutable(dim)  # no variable has fixed its length yet
    shared = pytensor.shared(arr, name=full_name, **kwargs)
    model._reg.named_vars[full_name] = shared
    model.root._data_vars.append(shared)
    if dims is not None:
        model._reg.named_vars_to_dims[full_name] = dims
    return shared


def set_data(new_data: Mapping, model=None, *, coords: Mapping | None = None) -> None:
    """Replace the values of data containers; lengths may change.

    The mutable dims of each container take the new lengths, and variables whose shapes follow
    them (dims, ``shape=x.shape``, or the container as ``observed``) follow too. Everything is
    checked before anything changes.

    Parameters
    ----------
    new_data
        ``{container name: new values}``.
    model
        The model (default: the active one).
    coords
        New coordinate values of dims whose length changes.

    Raises
    ------
    ModelError
        For an unknown container, or values of the wrong kind (float data for an int container).
    ShapeError
        For a wrong number of dimensions, or a new length that contradicts another container or
        the coords of a dim, or that would change a fixed-length dim.

    Examples
    --------
    >>> import numpy as np
    >>> import ppl
    >>> with ppl.Model() as m:
    ...     x = ppl.Data("x", [1.0, 2.0])
    ...     ppl.set_data({"x": [3.0, 4.0, 5.0]})
    >>> x.get_value()
    array([3., 4., 5.])
    """
    model = modelcontext(model)
    store = model.root._coord_store
    containers = {v.name: v for v in model.data_vars}
    arrays, lengths = {}, {}  # lengths: dim -> (length, who sets it)
    for name, values in new_data.items():
        full = model.name_for(name) if model.name_for(name) in containers else name
        if full not in containers:
            known = ", ".join(repr(n) for n in containers) or "none"
            raise ModelError(f"set_data: {name!r} is not a data container of the model; containers: {known}.")
        container = containers[full]
        old = container.get_value(borrow=True)
        arr = _container_array(values, f"set_data {full!r}", old.dtype)
        if arr.ndim != old.ndim:
            raise ShapeError(
                f"set_data {full!r}: new data has shape {arr.shape} ({arr.ndim} dims), but the "
                f"container has {old.ndim} dims (shape {old.shape})."
            )
        arrays[full] = arr
        for axis, dim in enumerate(model.named_vars_to_dims.get(full, ())):
            prev = lengths.setdefault(dim, (arr.shape[axis], f"{full!r} (new shape {arr.shape})"))
            if prev[0] != arr.shape[axis]:
                raise ShapeError(
                    f"set_data {full!r}: new shape {arr.shape} gives dim {dim!r} length "
                    f"{arr.shape[axis]}, but {prev[1]} gives it length {prev[0]}."
                )
    for dim, values in (coords or {}).items():
        if dim not in store.dim_lengths:
            raise ModelError(f"set_data: coords for unknown dim {dim!r}; dims: {list(store.dim_lengths)}.")
        prev = lengths.setdefault(dim, (len(values), f"coords[{dim!r}]"))
        if prev[0] != len(values):
            raise ShapeError(
                f"set_data: coords[{dim!r}] has {len(values)} values, but {prev[1]} gives dim "
                f"{dim!r} length {prev[0]}."
            )
    _check_resizes(model, store, lengths, arrays, coords or {})
    for full, arr in arrays.items():
        containers[full].set_value(arr)
    for dim, (length, _) in lengths.items():
        if store.is_mutable(dim):
            store.resize(dim, length, (coords or {}).get(dim))


def _check_resizes(model, store, lengths: dict, arrays: dict, coords: Mapping) -> None:
    """A dim may change length only if it is mutable, its coords are given (when it has any)
    and every other container on it gets new data of that length too."""
    for dim, (length, who) in lengths.items():
        current = store.current_length(dim)
        if length == current:
            continue
        if not store.is_mutable(dim):
            raise ShapeError(
                f"set_data: {who} gives dim {dim!r} length {length}, but {dim!r} has the fixed "
                f"length {current}. Hint: define it with model.add_coord({dim!r}, ..., "
                "mutable=True), or let ppl.Data create it."
            )
        if store.coords.get(dim) is not None and dim not in coords:
            raise ShapeError(
                f"set_data: {who} gives dim {dim!r} length {length}, but it has {current} "
                f"coordinate values. Hint: pass coords={{{dim!r}: [...]}} with {length} values."
            )
        _check_fixed_observed(model, dim, length, who)
        for other in model.data_vars:
            other_dims = model.named_vars_to_dims.get(other.name, ())
            if dim in other_dims and other.name not in arrays:
                shape = other.get_value(borrow=True).shape
                raise ShapeError(
                    f"set_data: {who} gives dim {dim!r} length {length}, but data container "
                    f"{other.name!r} (shape {shape}) shares that dim with length {current}. "
                    f"Hint: set {other.name!r} in the same set_data call."
                )


def _check_fixed_observed(model, dim: str, length: int, who: str) -> None:
    """Observed data on ``dim`` must be (or come from) a data container to follow a new length."""
    data_vars = set(model.data_vars)
    for rv in model.observed_RVs:
        if dim not in model.named_vars_to_dims.get(rv.name, ()):
            continue
        value = model.rvs_to_values[rv]
        if not data_vars.intersection(ancestors([value])):
            raise ShapeError(
                f"set_data: {who} gives dim {dim!r} length {length}, but observed {rv.name!r} on "
                f"that dim has fixed data of shape {value.type.shape}. Hint: pass its observed "
                "data as a ppl.Data container and set it in the same set_data call."
            )


def MutableData(name: str, value, **kwargs) -> SharedVariable:
    """PyMC 5's deprecated ``pm.MutableData``: :func:`Data`, with a ``FutureWarning``."""
    warnings.warn("MutableData is deprecated, as in PyMC: use ppl.Data.", FutureWarning, stacklevel=2)
    return Data(name, value, **kwargs)


def ConstantData(name: str, value, **kwargs) -> SharedVariable:
    """PyMC 5's deprecated ``pm.ConstantData``: :func:`Data` (which can still be changed with
    :func:`set_data`), with a ``FutureWarning``."""
    warnings.warn("ConstantData is deprecated, as in PyMC: use ppl.Data.", FutureWarning, stacklevel=2)
    return Data(name, value, **kwargs)
