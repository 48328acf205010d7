"""Observed data: conversion and validation at model definition."""

import numpy as np
import pytensor.tensor as pt
from pytensor.compile.sharedvalue import SharedVariable
from pytensor.graph.basic import Constant, Variable

from ppl.exceptions import ModelError

__all__ = ["as_observed"]


def as_observed(data, name: str) -> Variable:
    """Observed data as a tensor, after checks that name ``name`` in any error.

    Raises
    ------
    ModelError
        For non-finite values (with a hint to use a masked array) or unsupported types.
    """
    if isinstance(data, (SharedVariable, Constant)) or isinstance(data, Variable):
        return data
    if isinstance(data, np.ma.MaskedArray):
        raise ModelError(
            f"Observed {name!r}: masked arrays (missing values) are not supported yet."
        )
    try:
        arr = np.asarray(data)
    except Exception as err:  # noqa: BLE001 - report any conversion failure with the name
        raise ModelError(f"Observed {name!r}: could not convert data to an array: {err}") from err
    if arr.dtype == object or arr.dtype.kind not in "biuf":
        raise ModelError(
            f"Observed {name!r}: data must be numeric, got dtype {arr.dtype}."
        )
    if arr.dtype.kind == "f" and not np.all(np.isfinite(arr)):
        bad = np.argwhere(~np.isfinite(arr))
        first = tuple(int(i) for i in bad[0]) if arr.ndim else ()
        value = arr[first] if arr.ndim else arr
        raise ModelError(
            f"Observed {name!r}: data has {len(bad)} non-finite value(s), e.g. {value} at index "
            f"{first}. Hint: pass a numpy masked array (np.ma.masked_invalid(data)) to mark "
            "missing values."
        )
    if arr.dtype.kind == "f":
        arr = arr.astype("float64")
    return pt.as_tensor_variable(arr)
