"""Coordinates and dims: named dimensions and their lengths."""

from collections.abc import Sequence

import numpy as np
import pytensor
from pytensor.graph.basic import Variable

from ppl.exceptions import ModelError, ShapeError

__all__ = ["CoordStore"]


class CoordStore:
    """Coordinate values and dimension lengths of a model.

    A dim's length is a Python int (static shapes, cheap checks) unless it was added with
    ``mutable=True``; then it is a shared scalar that ``set_data`` may change.
    """

    def __init__(self):
        self.coords: dict[str, tuple | None] = {}
        self.dim_lengths: dict[str, int | Variable] = {}

    def add_coord(self, name: str, values=None, *, length=None, mutable: bool = False) -> None:
        if not isinstance(name, str):
            raise ModelError(f"add_coord: the dim name must be a str, got {name!r}.")
        if values is None and length is None:
            raise ModelError(f"add_coord {name!r}: give values or length.")
        if values is not None:
            if isinstance(values, str) or not isinstance(values, (Sequence, np.ndarray)) and not hasattr(values, "__len__"):
                raise ModelError(f"add_coord {name!r}: values must be a sequence, got {values!r}.")
            values = tuple(np.asarray(values).tolist()) if isinstance(values, np.ndarray) else tuple(values)
            if length is not None and int(length) != len(values):
                raise ShapeError(
                    f"add_coord {name!r}: {len(values)} values but length={length}."
                )
            length = len(values)
            if len(set(values)) != len(values):
                raise ModelError(f"add_coord {name!r}: coordinate values must be unique, got {values!r}.")
        if name in self.dim_lengths:
            old = self.coords.get(name)
            if values is not None and old is not None and tuple(old) != values:
                raise ModelError(
                    f"add_coord {name!r}: already defined with values {old!r}, got {values!r}."
                )
            return
        self.coords[name] = values
        length = int(length)
        self.dim_lengths[name] = (
            pytensor.shared(np.int64(length), name=f"{name}_length") if mutable else length
        )

    def shape_from_dims(self, dims: tuple[str, ...], label: str) -> tuple:
        unknown = [d for d in dims if d not in self.dim_lengths]
        if unknown:
            known = ", ".join(repr(d) for d in self.dim_lengths) or "none"
            raise ModelError(
                f"{label}: unknown dims {', '.join(repr(d) for d in unknown)} in dims={dims!r}. "
                f"Known dims: {known}. Hint: pass coords={{{unknown[0]!r}: [...]}} to ppl.Model "
                "or call model.add_coord."
            )
        return tuple(self.dim_lengths[d] for d in dims)

    def is_mutable(self, dim: str) -> bool:
        """Whether ``dim``'s length is a shared scalar that ``set_data`` may change."""
        return isinstance(self.dim_lengths.get(dim), Variable)

    def make_mutable(self, dim: str) -> None:
        """Turn a fixed-length ``dim`` into a mutable one (only before variables use it)."""
        if not self.is_mutable(dim):
            length = self.current_length(dim)
            self.dim_lengths[dim] = pytensor.shared(np.int64(length), name=f"{dim}_length")

    def resize(self, dim: str, length: int, values=None) -> None:
        """Set the length (and optionally the coordinate values) of a mutable ``dim``."""
        if values is not None:
            values = tuple(np.asarray(values).tolist()) if isinstance(values, np.ndarray) else tuple(values)
            if len(set(values)) != len(values):
                raise ModelError(f"set_data: coordinate values of {dim!r} must be unique, got {values!r}.")
            self.coords[dim] = values
        elif length != self.current_length(dim):
            self.coords[dim] = None
        self.dim_lengths[dim].set_value(np.int64(length))

    def current_length(self, dim: str) -> int:
        length = self.dim_lengths[dim]
        return int(length.get_value()) if isinstance(length, Variable) else int(length)
