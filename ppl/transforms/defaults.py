"""The default-transform registry, keyed on the random variable's op type."""

from functools import singledispatch

__all__ = ["_default_transform", "default_transform"]


@singledispatch
def _default_transform(op, rv):
    """Default: no transform (unbounded or discrete support)."""
    return None


def default_transform(rv):
    """The default transform of ``rv`` (None for unconstrained or discrete variables)."""
    return _default_transform(rv.owner.op, rv)
