"""A model's cache of compiled functions, so that re-fitting after ``set_data`` compiles nothing.

Data containers are shared variables: a compiled function reads their current values, so it
stays valid when ``ppl.set_data`` changes them (even their lengths). A cached function is reused
while the model's structure (its variables) and the shapes its compilation fixed are unchanged;
both are part of the cache key, so a change of either compiles afresh.
"""

from collections.abc import Callable, Hashable
from typing import Any

import numpy as np

__all__ = ["CompileCache", "cached", "cached_logp_dlogp_function", "structure_key", "mode_key"]

_MISSING = object()


class CompileCache(dict):
    """``key -> compiled function``; pickled empty (a worker that gets the model by value compiles
    what it needs itself, as before)."""

    def __reduce__(self):
        return (CompileCache, ())


def structure_key(model) -> tuple:
    """What identifies the model's graphs: its variables (by identity) and user initvals."""
    reg = model._reg
    return (
        tuple(id(v) for v in reg.free_RVs),
        tuple(id(v) for v in reg.observed_RVs),
        tuple(id(v) for v in reg.potentials),
        tuple(id(v) for v in reg.deterministics),
        tuple((id(rv), id(v)) for rv, v in reg.rvs_to_initial_values.items()),
    )


def mode_key(mode) -> Hashable | object:
    """A hashable stand-in for a compile mode (``_MISSING`` if there is none: no caching)."""
    try:
        hash(mode)
    except TypeError:
        return _MISSING
    return mode


def cached(model, key: tuple, build: Callable[[], Any]) -> Any:
    """The cached value of ``key`` on ``model`` (with its structure), built on a miss."""
    cache = getattr(model.root, "_compiled_cache", None)
    if cache is None or any(k is _MISSING for k in key):
        return build()
    full_key = (structure_key(model), *key)
    value = cache.get(full_key, _MISSING)
    if value is _MISSING:
        value = cache[full_key] = build()
    return value


def cached_logp_dlogp_function(model, grad_vars, point, *, build, mode, jacobian, compute_grads,
                               ravel_inputs, extra_kwargs) -> Any:
    """A ValueGradFunction from the cache (extra values reset from ``point``), or a new one.

    The key holds the shapes and dtypes of every value variable at ``point``: the flat-vector
    layout and the conditioned shared variables are fixed at compile time, so a change of any
    free variable's shape compiles a new function.
    """
    if extra_kwargs:
        return build()
    shapes = tuple(
        (v.name, np.shape(point[v.name]), np.asarray(point[v.name]).dtype.str) for v in model.value_vars
    )
    key = ("logp_dlogp", tuple(v.name for v in grad_vars), compute_grads, mode_key(mode),
           jacobian, ravel_inputs, shapes)
    fn = cached(model, key, build)
    fn.set_extra_values(point)
    return fn
