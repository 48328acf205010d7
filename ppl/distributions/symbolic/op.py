"""The composite random-variable op and the base class of composite distributions."""

from collections.abc import Sequence
from typing import Any, ClassVar

import pytensor.tensor as pt
from pytensor.compile.builders import OpFromGraph
from pytensor.graph.basic import Variable, clone_get_equiv
from pytensor.graph.replace import graph_replace
from pytensor.graph.traversal import toposort
from pytensor.tensor.random.op import RNGConsumerOp
from pytensor.tensor.random.type import RandomGeneratorType

from ppl.distributions.distribution import Distribution, _labelling, _static
from ppl.exceptions import ModelError
from ppl.logprob.checks import current_label
from ppl.logprob.dispatch import (
    CompositeRandomOp,
    _icdf,
    _logcdf,
    _logprob,
    _names,
    _support_point,
    is_random_node,
    register_name,
    support_point,
)
from ppl.transforms.defaults import _default_transform
from ppl.transforms.transform import Transform

__all__ = ["SymbolicRandomVariable", "SymbolicDistribution", "shape_tuple"]


class SymbolicRandomVariable(OpFromGraph, RNGConsumerOp, CompositeRandomOp):
    """An ``OpFromGraph`` drawing a random variable from an inner graph of random variables.

    Parameters
    ----------
    inputs, outputs
        Inner inputs ``(*rngs, *params)`` and outputs ``(*next_rngs, draw)``.
    n_rngs
        How many leading inputs (and outputs) are random generators.
    ndim_supp
        Number of support (event) dimensions of the draw.
    component_rngs
        For each component, the position of the generator its random variable consumes.
    props
        Further attributes identifying the op (``base_op``, ...), compared in ``==``.
    """

    def __init__(
        self,
        inputs: list,
        outputs: list,
        *,
        n_rngs: int,
        ndim_supp: int,
        component_rngs: tuple[int, ...] = (),
        props: dict[str, Any] | None = None,
        name: str | None = None,
    ):
        super().__init__(
            inputs, outputs, inline=False, strict=True, name=name or type(self).__name__
        )
        self.n_rngs = n_rngs
        self.ndim_supp = ndim_supp
        self.component_rngs = tuple(component_rngs)
        self.props = dict(props or {})
        for key, value in self.props.items():
            setattr(self, key, value)
        self.default_output = len(outputs) - 1

    # -- identity -------------------------------------------------------------------------------
    def _key(self) -> tuple:
        return (self.n_rngs, self.ndim_supp, self.component_rngs, tuple(sorted(self.props.items())))

    def __eq__(self, other):
        return super().__eq__(other) and self._key() == other._key()

    def __hash__(self):
        return hash((super().__hash__(), self._key()))

    def __str__(self):
        return self.name

    # -- node layout ----------------------------------------------------------------------------
    def rng_params(self, node) -> list[Variable]:
        """The random generators of ``node``."""
        return list(node.inputs[: self.n_rngs])

    def dist_params(self, node) -> list[Variable]:
        """The parameters of ``node`` (inputs after the generators)."""
        return list(node.inputs[self.n_rngs :])

    def update(self, node) -> dict[Variable, Variable]:
        """Next state of each generator (PyTensor's ``RNGConsumerOp`` protocol)."""
        return dict(zip(node.inputs[: self.n_rngs], node.outputs[: self.n_rngs], strict=True))

    def draw_shape(self, node) -> tuple:
        """Shape of the draw, from the inner graph's shape inference (nothing is drawn)."""
        shapes = [
            None if isinstance(v.type, RandomGeneratorType) else shape_tuple(v) for v in node.inputs
        ]
        return tuple(self.infer_shape(None, node, shapes)[-1])

    # -- inner graph ----------------------------------------------------------------------------
    def inner_random_variable(self, rng_index: int) -> Variable:
        """The inner random variable that consumes generator ``rng_index``."""
        rng = self.inner_inputs[rng_index]
        for client, _ in self.fgraph.clients[rng]:
            if is_random_node(client):
                return client.default_output()
        raise ModelError(f"{self.name}: no random variable consumes generator {rng_index}.")

    def rebuild(self, params: Sequence[Variable], inner: Sequence[Variable]) -> list[Variable]:
        """``inner`` variables as graphs of the outer ``params`` (generators become dummies).

        A graph replacement besides the model's one (``logprob/joint.py``): a composite's
        log-density is built from its components, which live in the inner graph. The dummy
        generators are never drawn: log-densities depend on parameters only.
        """
        if len(params) != len(self.inner_inputs) - self.n_rngs:
            raise ValueError(
                f"{self.name}: expected {len(self.inner_inputs) - self.n_rngs} parameters, got "
                f"{len(params)}."
            )
        dummies = [inp.type() for inp in self.inner_inputs[: self.n_rngs]]
        return _substitute(inner, dict(zip(self.inner_inputs, [*dummies, *params], strict=True)))

    def components(self, params: Sequence[Variable]) -> list[Variable]:
        """The component random variables, rebuilt from the outer ``params``."""
        inner = [self.inner_random_variable(k) for k in self.component_rngs]
        return self.rebuild(params, inner)

    def inline(self, inputs: Sequence[Variable]) -> list[Variable]:
        """The outputs of the inner graph with the outer ``inputs`` (generators included)."""
        return _substitute(self.inner_outputs, dict(zip(self.inner_inputs, inputs, strict=True)))

    def resize(self, node, size) -> Variable:
        """The same distribution with batch shape ``size`` and fresh generators.

        Needed to use this composite as a component of another; subclasses override it.
        """
        raise NotImplementedError(
            f"{current_label.get() or self.name}: a {_names.get(type(self), self.name)} variable "
            "cannot be resized, so it cannot be a component of another composite distribution."
        )


def _substitute(outputs: Sequence[Variable], mapping: dict) -> list[Variable]:
    """Copies of the graphs of ``outputs`` with ``mapping``'s keys replaced by its values.

    The values are used as they are (``clone_replace`` would copy their graphs, so a model
    variable among them would no longer be recognised as itself).
    """
    memo = dict(mapping)
    clone_get_equiv(list(mapping), list(outputs), copy_inputs=False, copy_orphans=False, memo=memo)
    return [memo[o] for o in outputs]


def shape_tuple(var: Variable) -> tuple:
    return tuple(
        pt.constant(s, dtype="int64") if s is not None else var.shape[i]
        for i, s in enumerate(var.type.shape)
    )


class SymbolicDistribution(Distribution):
    """Base of composite distributions; subclasses set ``rv_type`` (a SymbolicRandomVariable).

    The static methods ``logp(op, value, *params)``, ``logcdf(op, value, *params)``,
    ``icdf(op, value, *params)`` and ``support_point(op, rv, *params)`` receive the op (which
    knows the inner graph) and the parameters of the node; they are registered on ``rv_type``.
    """

    rv_type: ClassVar[type[SymbolicRandomVariable] | None] = None

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        rv_type = cls.__dict__.get("rv_type")
        if rv_type is None:
            return
        owner = _names.get(rv_type)
        if owner is not None and owner != cls.__name__:
            raise TypeError(
                f"{cls.__name__}: op type {rv_type.__name__} is already used by {owner}."
            )
        register_name(rv_type, cls.__name__)
        if "dist" in cls.__dict__:
            cls.dist = classmethod(_labelling(_static(cls.__dict__["dist"])))
        for attr, registry in (("logp", _logprob), ("logcdf", _logcdf), ("icdf", _icdf)):
            fn = cls.__dict__.get(attr)
            if fn is not None:
                registry.register(rv_type)(_static(fn))
        sp = cls.__dict__.get("support_point")
        if sp is not None:
            fn = _static(sp)
            _support_point.register(rv_type)(lambda op, rv, size, *p, _f=fn: _f(op, rv, *p))
        transform = cls.__dict__.get("default_transform")
        if isinstance(transform, Transform):
            _default_transform.register(rv_type)(lambda op, rv, _t=transform: _t)
        elif transform is not None:
            fn = _static(transform)
            _default_transform.register(rv_type)(lambda op, rv, _f=fn: _f(rv))


@_support_point.register(SymbolicRandomVariable)
def _inner_support_point(op, rv, size, *params):
    """Default support point: the inner draw with every random variable at its support point."""
    (draw,) = op.rebuild(params, [op.inner_outputs[-1]])
    while True:
        randoms = [n for n in toposort([draw], blockers=list(params)) if is_random_node(n)]
        if not randoms:
            return pt.cast(draw, rv.dtype)
        first = randoms[0].default_output()  # its parameters hold no random variable
        point = pt.cast(support_point(first), first.dtype)
        (draw,) = graph_replace([draw], {first: point}, strict=False)
