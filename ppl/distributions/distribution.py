"""The Distribution base class: named variables in a model, and ``.dist()`` without one.

A distribution is a thin class: the ``RandomVariable`` op it builds (``rv_op``), the conversion of
its user-facing parameters (``dist``), and static methods ``logp``, ``logcdf``, ``icdf`` and
``support_point`` plus a ``default_transform``. Defining the class registers these on the op type
(``__init_subclass__``), so adding a distribution is a one-file change.

Calling the class, ``ppl.Normal("x", 0, 1)``, creates the variable and registers it in the active
model; it returns the variable (a PyTensor ``TensorVariable``), as in PyMC. The class itself is
never instantiated: it is a namespace for one distribution.
"""

import functools
import inspect
from collections.abc import Callable
from typing import Any, ClassVar

import numpy as np
import pytensor.tensor as pt
from pytensor.graph.basic import Variable
from pytensor.tensor.random.op import RandomVariable
from pytensor.tensor.random.variable import shared_rng

from ppl.exceptions import ModelError, ParameterValueError, ShapeError
from ppl.logprob.checks import current_label, labelled
from ppl.logprob.dispatch import (
    _icdf,
    _logcdf,
    _logprob,
    _names,
    _support_point,
    register_name,
)
from ppl.model import context
from ppl.distributions.shape import (
    check_batch_broadcast,
    convert_dims,
    size_from_shape,
    to_tuple,
)
from ppl.transforms.defaults import _default_transform
from ppl.transforms.transform import Transform

__all__ = [
    "Distribution",
    "Continuous",
    "Discrete",
    "UNSET",
    "as_float",
    "as_int",
    "rv_shape",
    "batch_broadcast",
]


class _Unset:
    def __repr__(self) -> str:
        return "UNSET"


#: Marker for "argument not given" where None has a meaning of its own (``transform=None``).
UNSET: Any = _Unset()

_ARGUMENTS_OF_NEW = (
    "name",
    "observed",
    "dims",
    "shape",
    "size",
    "transform",
    "default_transform",
    "initval",
    "rng",
    "total_size",
)


def as_float(x) -> Variable:
    """Parameter as a float64 tensor (literals and integer tensors are converted)."""
    if isinstance(x, Variable):
        return x if x.dtype == "float64" else pt.cast(x, "float64")
    try:
        arr = np.asarray(x, dtype="float64")
    except (TypeError, ValueError):  # a list mixing tensors and numbers: stack it symbolically
        return as_float(pt.as_tensor_variable(x))
    return pt.as_tensor_variable(arr)


def as_int(x) -> Variable:
    """Integer parameter as an int64 tensor; a non-integral literal is an error.

    Symbolic parameters are returned as they are (their values are checked when evaluated).
    """
    if isinstance(x, Variable):
        return x
    arr = np.asarray(x)
    if arr.dtype.kind == "f":
        if not np.all(np.isfinite(arr)) or np.any(arr != np.round(arr)):
            raise ParameterValueError(
                f"{current_label.get() or 'distribution'}: expected integer values, got {x!r}."
            )
    return pt.as_tensor_variable(arr.astype("int64") if arr.dtype.kind in "biuf" else arr)


def rv_shape(rv, size, *params):
    """Symbolic shape of ``rv`` computed from ``size`` and the parameters (never from ``rv``).

    Use this in ``support_point`` so the expression does not depend on the variable itself.
    """
    op = rv.owner.op
    return tuple(op._infer_shape(size, params))


def batch_broadcast(value, rv, size, *params):
    """Broadcast ``value`` to the full shape of ``rv`` (see :func:`rv_shape`)."""
    return pt.broadcast_to(value, rv_shape(rv, size, *params))


def _static(fn):
    return fn.__func__ if isinstance(fn, (staticmethod, classmethod)) else fn


class Distribution:
    """Base class of all distributions.

    Subclasses set ``rv_op`` and define ``dist`` (parameter conversion and eager checks) and the
    static methods ``logp(value, *params)``, ``logcdf(value, *params)``, ``icdf(q, *params)`` and
    ``support_point(rv, size, *params)``; ``default_transform`` is a :class:`Transform`, a
    callable ``rv -> Transform`` or None.

    Shapes: ``size`` is the batch shape; ``shape`` the full shape including support dimensions;
    ``dims`` names each dimension of ``shape`` (lengths from the model's coords). With
    ``observed`` and none of these, the shape is the observed data's shape.
    """

    rv_op: ClassVar[RandomVariable | None] = None
    default_transform: ClassVar[Transform | Callable | None] = None

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        rv_op = cls.__dict__.get("rv_op")
        if rv_op is None:
            return
        op_type = type(rv_op)
        owner = _names.get(op_type)
        if owner is not None and owner != cls.__name__:
            raise TypeError(
                f"{cls.__name__}: op type {op_type.__name__} is already used by {owner}; "
                "each distribution needs its own RandomVariable subclass."
            )
        register_name(op_type, cls.__name__)
        if "dist" in cls.__dict__:
            cls.dist = classmethod(_labelling(_static(cls.__dict__["dist"])))
        for attr, registry in (("logp", _logprob), ("logcdf", _logcdf), ("icdf", _icdf)):
            fn = cls.__dict__.get(attr)
            if fn is not None:
                registry.register(op_type)(_value_adapter(_static(fn)))
        sp = cls.__dict__.get("support_point")
        if sp is not None:
            registry_fn = _static(sp)
            _support_point.register(op_type)(lambda op, rv, size, *p, _f=registry_fn: _f(rv, size, *p))
        transform = cls.default_transform
        if transform is not None:
            if isinstance(transform, Transform):
                _default_transform.register(op_type)(lambda op, rv, _t=transform: _t)
            else:
                _default_transform.register(op_type)(lambda op, rv, _t=transform: _t(rv))

    def __new__(
        cls,
        name: str,
        *args,
        rng=None,
        dims=None,
        initval=None,
        observed=None,
        total_size=None,
        transform=UNSET,
        default_transform=UNSET,
        **kwargs,
    ):
        model = context.current()
        if not isinstance(name, str):
            raise TypeError(
                f"{cls.__name__}: the first argument must be the variable name (a str), got "
                f"{name!r}. Hint: {cls.__name__}('x', ...) in a model, or "
                f"{cls.__name__}.dist(...) for a distribution without a name."
            )
        if model is None:
            raise ModelError(
                f"{cls.__name__} {name!r}: named variables must be created inside a "
                f"`with ppl.Model():` block. Hint: use {cls.__name__}.dist(...) for a distribution "
                "outside a model."
            )
        full_name = model.name_for(name)
        with labelled(f"{cls.__name__} {full_name!r}"):
            dims = convert_dims(dims)
            if observed is not None:
                observed = model.prepare_observed(observed, full_name)
            has_shape = kwargs.get("shape") is not None or kwargs.get("size") is not None
            if dims is not None and not has_shape:
                kwargs["shape"] = model.shape_from_dims(dims, current_label.get())
            elif observed is not None and not has_shape:
                # Static lengths when known, so that parameters that do not broadcast to the data
                # are caught here (symbolic lengths would skip check_batch_broadcast).
                static = observed.type.shape
                if all(s is not None for s in static):
                    kwargs["shape"] = tuple(int(s) for s in static)
                else:
                    kwargs["shape"] = observed.shape
            rv = cls.dist(*args, rng=rng, **kwargs)
        return model.register_rv(
            rv,
            name,
            observed=observed,
            total_size=total_size,
            dims=dims,
            transform=transform,
            default_transform=default_transform,
            initval=initval,
        )

    @classmethod
    def dist(cls, dist_params, *, shape=None, size=None, rng=None, rv_op=None, **unknown) -> Variable:
        """Create the random variable without a model (``ppl.Normal.dist(0, 1)``).

        Subclasses convert their PyMC-style arguments and call this with the op's parameters,
        and ``rv_op`` when the op instance depends on the arguments (it must have the type of
        ``cls.rv_op``; ``ZeroSumNormal``'s signature depends on its number of zero-sum axes).
        """
        label = current_label.get() or cls.__name__
        if unknown:
            _raise_unknown(cls, unknown, label)
        if cls.rv_op is None:
            raise TypeError(f"{cls.__name__} has no rv_op and cannot be instantiated.")
        op = cls.rv_op if rv_op is None else rv_op
        if type(op) is not type(cls.rv_op):
            raise TypeError(
                f"{label}: op {op} has type {type(op).__name__}, expected {type(cls.rv_op).__name__}."
            )
        if shape is not None and size is not None:
            raise ShapeError(f"{label}: give shape or size, not both (got shape={shape}, size={size}).")
        full_shape = None
        if shape is not None:
            full_shape = to_tuple(shape)
            size = size_from_shape(full_shape, op.ndim_supp, label)
        elif size is not None:
            size = to_tuple(size)
        params = [p if isinstance(p, Variable) else pt.as_tensor_variable(p) for p in dist_params]
        check_batch_broadcast(params, op.ndims_params, size, label)
        if rng is None:
            rng = shared_rng(np.random.default_rng(), borrow=True)
        try:
            _, rv = op(*params, size=size, rng=rng, return_next_rng=True)
        except (ValueError, TypeError) as err:
            raise ShapeError(f"{label}: could not build the variable: {err}") from err
        if full_shape is not None and not isinstance(full_shape, Variable) and op.ndim_supp:
            _check_support_shape(rv, full_shape, op.ndim_supp, label)
        return rv


class Continuous(Distribution):
    """Base for continuous distributions on the real line (no default transform)."""


class Discrete(Distribution):
    """Base for discrete distributions (integer values; sampled by Metropolis/Gibbs steps)."""


def _labelling(dist_fn):
    """Wrap a ``dist`` so that errors raised inside name the distribution."""

    @functools.wraps(dist_fn)
    def dist(cls, *args, **kwargs):
        if current_label.get():
            return dist_fn(cls, *args, **kwargs)
        with labelled(cls.__name__):
            return dist_fn(cls, *args, **kwargs)

    return dist


def _value_adapter(fn):
    def registered(op, value, *params):
        return fn(value, *params)

    registered.__name__ = getattr(fn, "__name__", "registered")
    return registered


def _check_support_shape(rv, full_shape, ndim_supp, label):
    want = tuple(full_shape[-ndim_supp:])
    got = rv.type.shape[-ndim_supp:]
    for w, g in zip(want, got, strict=True):
        if isinstance(w, (int, np.integer)) and g is not None and int(w) != g:
            raise ShapeError(
                f"{label}: shape {tuple(full_shape)} ends in support shape {want}, but the "
                f"parameters give support shape {tuple(got)}."
            )


def _raise_unknown(cls, unknown: dict, label: str):
    try:
        sig = inspect.signature(cls.dist)
        params = [
            p.name
            for p in sig.parameters.values()
            if p.kind not in (p.VAR_KEYWORD, p.VAR_POSITIONAL) and p.name not in ("cls",)
        ]
    except (TypeError, ValueError):
        params = []
    allowed = ", ".join(params + [a for a in _ARGUMENTS_OF_NEW if a not in params])
    names = ", ".join(repr(k) for k in unknown)
    raise TypeError(f"{label}: unexpected argument(s) {names}. Accepted arguments: {allowed}.")
