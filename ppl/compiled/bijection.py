"""Point dicts <-> one flat vector, the only thing samplers touch."""

from typing import NamedTuple

import numpy as np

__all__ = ["RaveledVars", "DictToArrayBijection"]


class RaveledVars(NamedTuple):
    """A flat vector and what is needed to cut it back into named arrays.

    Attributes
    ----------
    data
        The concatenated, raveled values.
    point_map_info
        ``(name, shape, size, dtype)`` per variable, in order.
    """

    data: np.ndarray
    point_map_info: tuple


class DictToArrayBijection:
    """Map a dict of arrays to a :class:`RaveledVars` and back.

    Examples
    --------
    >>> import numpy as np
    >>> r = DictToArrayBijection.map({"a": np.zeros(2), "b": np.ones((2, 2))})
    >>> r.data.shape
    (6,)
    >>> DictToArrayBijection.rmap(r)["b"].shape
    (2, 2)
    """

    @staticmethod
    def map(var_dict: dict[str, np.ndarray]) -> RaveledVars:
        """Ravel and concatenate the values of ``var_dict`` (in its order)."""
        info = []
        parts = []
        for name, value in var_dict.items():
            value = np.asarray(value)
            info.append((name, value.shape, value.size, value.dtype))
            parts.append(value.ravel())
        data = np.concatenate(parts) if parts else np.zeros(0)
        return RaveledVars(data, tuple(info))

    @staticmethod
    def rmap(array: RaveledVars, start_point: dict | None = None) -> dict[str, np.ndarray]:
        """Cut ``array.data`` back into named arrays (added to a copy of ``start_point``)."""
        out = dict(start_point) if start_point else {}
        offset = 0
        for name, shape, size, dtype in array.point_map_info:
            out[name] = array.data[offset : offset + size].reshape(shape).astype(dtype, copy=False)
            offset += size
        if offset != array.data.size:
            raise ValueError(
                f"DictToArrayBijection.rmap: vector has {array.data.size} entries, the point map "
                f"describes {offset}."
            )
        return out
