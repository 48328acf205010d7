"""Building composite random variables: batch shapes, components, and the wrapping op node."""

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pytensor.tensor as pt
from pytensor.graph.basic import Constant, Variable
from pytensor.tensor.random.op import RandomVariable, RNGConsumerOp
from pytensor.tensor.random.type import RandomGeneratorType
from pytensor.tensor.random.variable import shared_rng

from ppl.distributions.distribution import _raise_unknown
from ppl.distributions.shape import size_from_shape, to_tuple
from ppl.distributions.symbolic.op import SymbolicRandomVariable, _substitute, shape_tuple
from ppl.exceptions import ModelError, ShapeError
from ppl.logprob.checks import current_label, labelled
from ppl.logprob.dispatch import (
    _icdf,
    _logcdf,
    _logprob,
    dist_params,
    draw_shape,
    is_random_node,
    label_for,
)
from ppl.model import context

__all__ = [
    "build_symbolic_rv",
    "fresh_rng",
    "check_component",
    "batch_size",
    "size_arguments",
    "batch_shape_of",
    "broadcast_shapes",
    "resized",
    "component_logp",
    "component_logcdf",
    "component_icdf",
    "has_registered",
]


def fresh_rng():
    """A new shared random generator (seeded when the graph is compiled for forward draws)."""
    return shared_rng(np.random.default_rng(), borrow=True)


def _is_model_variable(var: Variable) -> bool:
    """A named random variable, or a variable registered in the active model."""
    if var.name is None:
        return False
    if is_random_node(var.owner):
        return True
    model = context.current()
    return model is not None and model.root.named_vars.get(var.name) is var


def check_component(rv, what: str = "component") -> Variable:
    """Check that ``rv`` is an unnamed distribution (``.dist()``) and return it.

    Raises
    ------
    ModelError
        If ``rv`` is a model variable, or not the output of a distribution.
    """
    label = current_label.get() or "distribution"
    if not isinstance(rv, Variable) or not is_random_node(rv.owner):
        raise ModelError(
            f"{label}: {what} must be a distribution created with .dist(), e.g. "
            f"ppl.Normal.dist(0, 1); got {rv!r}."
        )
    if _is_model_variable(rv):
        raise ModelError(
            f"{label}: {what} {rv.name!r} is a model variable; it must be an unnamed distribution "
            f"created with .dist() (e.g. ppl.{label_for(rv).split()[0]}.dist(...))."
        )
    return rv


def size_arguments(cls, kwargs: dict) -> tuple:
    """``(shape, size)`` from the keyword arguments of a ``dist``; anything else is an error.

    ``rng`` is accepted and ignored: every component gets a fresh generator.
    """
    kwargs = dict(kwargs)
    shape, size = kwargs.pop("shape", None), kwargs.pop("size", None)
    kwargs.pop("rng", None)
    if kwargs:
        _raise_unknown(cls, kwargs, current_label.get() or cls.__name__)
    return shape, size


def batch_size(shape, size, ndim_supp: int):
    """The batch shape (``size``) from the ``shape`` or ``size`` a user gave (None if neither)."""
    label = current_label.get() or "distribution"
    if shape is not None and size is not None:
        raise ShapeError(f"{label}: give shape or size, not both (got shape={shape}, size={size}).")
    if shape is not None:
        return size_from_shape(to_tuple(shape), ndim_supp, label)
    return to_tuple(size) if size is not None else None


def batch_shape_of(var: Variable, core_ndim: int = 0) -> tuple:
    """Batch shape of ``var`` (without ``core_ndim`` trailing axes): ints where static.

    The lengths of a random variable come from its size and parameters, never from a draw.
    """
    ndim = var.type.ndim - core_ndim
    static = var.type.shape[:ndim]
    if all(s is not None for s in static):
        return tuple(int(s) for s in static)
    full = draw_shape(var.owner) if is_random_node(var.owner) else shape_tuple(var)
    return tuple(int(s) if s is not None else full[i] for i, s in enumerate(static))


def broadcast_shapes(*shapes: tuple) -> tuple:
    """Broadcast shapes given as tuples of ints or scalars: ints when all are static.

    Raises
    ------
    ShapeError
        If static shapes do not broadcast.
    """
    if all(isinstance(s, (int, np.integer)) for shape in shapes for s in shape):
        try:
            return tuple(int(s) for s in np.broadcast_shapes(*shapes))
        except ValueError as err:
            raise ShapeError(
                f"{current_label.get() or 'distribution'}: shapes {list(shapes)} of the "
                f"parameters and components do not broadcast."
            ) from err
    return tuple(pt.broadcast_shape(*shapes, arrays_are_shapes=True))


def resized(rv: Variable, size) -> Variable:
    """``rv`` redrawn with batch shape ``size`` and a fresh generator (the input is untouched)."""
    node = rv.owner
    op = node.op
    label = current_label.get() or label_for(rv)
    try:
        if isinstance(op, RandomVariable):
            return op.make_node(fresh_rng(), size, *op.dist_params(node)).default_output()
        return op.resize(node, size)
    except (ValueError, TypeError) as err:
        raise ShapeError(
            f"{label}: {label_for(rv)} with shape {rv.type.shape} cannot be given batch shape "
            f"{size}: {err}"
        ) from err


def build_symbolic_rv(
    op_type: type[SymbolicRandomVariable],
    draw: Variable,
    params: Sequence[Variable],
    *,
    ndim_supp: int,
    components: Sequence[Variable] = (),
    props: dict[str, Any] | None = None,
) -> Variable:
    """Wrap the graph of ``draw`` in one ``op_type`` node and return its draw.

    Parameters
    ----------
    op_type
        The composite's op class.
    draw
        The forward draw, an ordinary graph of ``.dist()`` variables and PyTensor operations.
    params
        Explicit parameters, in the order the log-density functions expect them. Every other
        non-constant root of the graph (shared data, model variables) is appended after them.
    ndim_supp
        Support dimensions of the draw.
    components
        Random variables of the graph to record as components (rebuilt by ``op.components``).
    props
        Attributes of the op (must be hashable).
    """
    params = [p if isinstance(p, Variable) else pt.as_tensor_variable(p) for p in params]
    rngs, extra, nodes = _roots(draw, params)
    next_rngs = [_final_state(rng, nodes) for rng in rngs]
    outer = [*rngs, *params, *extra]
    inner = [v.type() for v in outer]
    inner_outputs = _substitute([*next_rngs, draw], dict(zip(outer, inner, strict=True)))
    positions = [rngs.index(_consumed_rng(c)) for c in components]
    op = op_type(
        inner,
        list(inner_outputs),
        n_rngs=len(rngs),
        ndim_supp=ndim_supp,
        component_rngs=tuple(positions),
        props=props,
    )
    return op(*outer)


def _roots(draw: Variable, params: list) -> tuple[list, list, list]:
    """Generators, extra inputs and nodes of the graph from ``params`` (and model vars) to ``draw``."""
    stop = set(params)
    rngs, extra, nodes, seen = [], [], [], set()

    def visit(var):
        if var in seen:
            return
        seen.add(var)
        if var in stop:
            return
        if var.owner is None or _is_model_variable(var):
            if isinstance(var.type, RandomGeneratorType):
                rngs.append(var)
            elif not isinstance(var, Constant):
                extra.append(var)
            return
        for inp in var.owner.inputs:
            visit(inp)
        if var.owner not in nodes:
            nodes.append(var.owner)

    visit(draw)
    return rngs, extra, nodes


def _final_state(rng: Variable, nodes: list) -> Variable:
    """The state of ``rng`` after every random variable of ``nodes`` that consumes it (a chain)."""
    state = rng
    while True:
        consumers = [n for n in nodes if state in n.inputs]
        if not consumers:
            return state
        if len(consumers) > 1 or not isinstance(consumers[0].op, RNGConsumerOp):
            raise ModelError(
                f"{current_label.get() or 'distribution'}: a random generator is shared by "
                f"{[str(n.op) for n in consumers]}; each random variable needs its own generator."
            )
        state = consumers[0].op.update(consumers[0])[state]


def _consumed_rng(rv: Variable) -> Variable:
    node = rv.owner
    if isinstance(node.op, SymbolicRandomVariable):
        return node.inputs[0]
    return node.op.rng_param(node)


# -- log-densities of components -----------------------------------------------------------------
def _in_component(registry: Callable, rv: Variable, value, role: str):
    label = current_label.get()
    with labelled(f"{label} ({role}: {label_for(rv)})" if label else label_for(rv)):
        return registry(rv.owner.op, value, *dist_params(rv))


def component_logp(rv: Variable, value, role: str = "component"):
    """``logp(rv, value)`` with errors naming the composite variable and the component's role."""
    return _in_component(_logprob, rv, value, role)


def component_logcdf(rv: Variable, value, role: str = "component"):
    """``logcdf(rv, value)`` with errors naming the composite variable and the component's role."""
    return _in_component(_logcdf, rv, value, role)


def component_icdf(rv: Variable, value, role: str = "component"):
    """``icdf(rv, value)`` with errors naming the composite variable and the component's role."""
    return _in_component(_icdf, rv, value, role)


def has_registered(registry, rv: Variable) -> bool:
    """Whether ``registry`` (``_logcdf``, ``_icdf``, ...) has a function for the op of ``rv``."""
    return registry.dispatch(type(rv.owner.op)) is not registry.dispatch(object)
