"""Compile modes: PyTensor's default (Numba in PyTensor 3), or C, selectable per call."""

from pytensor.compile.mode import Mode, get_mode

__all__ = ["resolve_mode", "QUICK_MODE"]

#: For one-off helper functions (initial points, shapes): Python linker, no heavy compilation.
QUICK_MODE = Mode(linker="py", optimizer="fast_run")


def resolve_mode(mode=None):
    """``None`` -> PyTensor's configured default; a name (``"NUMBA"``, ``"C"``) or Mode as given."""
    if mode is None:
        return get_mode(None)
    return get_mode(mode) if isinstance(mode, str) else mode
