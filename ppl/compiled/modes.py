"""Compile modes: PyTensor's default (Numba in PyTensor 3), or C, selectable per call."""

from pytensor.compile.mode import Mode, get_mode

__all__ = ["resolve_mode", "QUICK_MODE"]

#: For one-off helper functions (initial points, shapes): Python linker, no heavy compilation.
QUICK_MODE = Mode(linker="py", optimizer="fast_run")


#: User-facing backend names -> PyTensor modes. PyTensor's own "C" mode is the bare C linker,
#: which fails on any op without C code; "CVM" runs C code with a Python fallback per op.
_ALIASES = {"C": "CVM", "NUMBA": "NUMBA"}


def resolve_mode(mode=None):
    """``None`` -> PyTensor's default (Numba); ``"NUMBA"``, ``"C"`` (C with fallbacks) or a Mode."""
    if mode is None:
        return get_mode(None)
    if isinstance(mode, str):
        return get_mode(_ALIASES.get(mode.upper(), mode))
    return mode
