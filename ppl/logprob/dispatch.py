"""Registries for log-densities, CDFs, inverse CDFs and support points, keyed on the op type.

A distribution module registers its functions (through ``Distribution.__init_subclass__``) with
``_logprob.register(SomeRV)``; the public :func:`logp`, :func:`logcdf` and :func:`icdf` strip the
``rng`` and ``size`` inputs of a ``RandomVariable`` node once, here, and call the registered
function as ``f(op, value, *dist_params)``.
"""

from functools import singledispatch

import pytensor.tensor as pt
from pytensor.graph.basic import Variable
from pytensor.scalar import upcast
from pytensor.tensor.random.op import RandomVariable

from ppl.exceptions import ModelError
from ppl.logprob.checks import labelled

__all__ = [
    "_logprob",
    "_logcdf",
    "_icdf",
    "_support_point",
    "logp",
    "logcdf",
    "icdf",
    "support_point",
    "dist_params",
    "draw_shape",
    "is_random_node",
    "CompositeRandomOp",
    "label_for",
    "register_name",
]

#: op type -> user-facing distribution name ("Normal"), for messages.
_names: dict[type, str] = {}


def register_name(op_type: type, name: str) -> None:
    """Record the user-facing distribution name of an op type (used in error messages)."""
    _names[op_type] = name


def _registered(registry) -> str:
    names = sorted(
        _names.get(t, t.__name__) for t in registry.registry if t is not object and t is not None
    )
    return ", ".join(names) if names else "nothing"


def _missing(what: str, registry, op) -> ModelError:
    return ModelError(
        f"No {what} is registered for op {type(op).__name__!r} ({op}). "
        f"Registered: {_registered(registry)}. Hint: register one with "
        f"ppl.logprob.dispatch._{'logprob' if what == 'logp' else what}.register({type(op).__name__})."
    )


@singledispatch
def _logprob(op, value, *params):
    raise _missing("logp", _logprob, op)


@singledispatch
def _logcdf(op, value, *params):
    raise _missing("logcdf", _logcdf, op)


@singledispatch
def _icdf(op, value, *params):
    raise _missing("icdf", _icdf, op)


@singledispatch
def _support_point(op, rv, size, *params):
    raise _missing("support_point", _support_point, op)


class CompositeRandomOp:
    """Interface of ops that draw a random variable through an inner graph of other ones.

    Implemented by :class:`ppl.distributions.symbolic.SymbolicRandomVariable` (Mixture,
    Truncated, ...); declared here so that this layer recognises those ops without importing the
    distributions.
    """

    def dist_params(self, node) -> list[Variable]:
        """The parameters of the node: its inputs without the random generators."""
        raise NotImplementedError(f"{type(self).__name__} must define dist_params.")

    def draw_shape(self, node) -> tuple:
        """Symbolic shape of the node's draw, computed from its inputs without drawing."""
        raise NotImplementedError(f"{type(self).__name__} must define draw_shape.")


def is_random_node(node) -> bool:
    """Whether ``node`` draws a random variable: a ``RandomVariable`` or a composite one.

    The one test of "is this a random variable?" shared by logp dispatch, shape evaluation and
    the check for random variables left in a log-density graph.
    """
    return node is not None and isinstance(node.op, (RandomVariable, CompositeRandomOp))


def draw_shape(node) -> tuple:
    """Symbolic shape of the draw of a random node, from its size and parameters (no draw)."""
    op = node.op
    if isinstance(op, RandomVariable):
        return tuple(op._infer_shape(op.size_param(node), op.dist_params(node)))
    return tuple(op.draw_shape(node))


def label_for(rv: Variable) -> str:
    """``"Normal 'x'"`` for a named variable, ``"Normal"`` for an unnamed one."""
    op = rv.owner.op if rv.owner is not None else None
    dist = _names.get(type(op), getattr(op, "name", None) or type(op).__name__)
    return f"{dist} {rv.name!r}" if rv.name else str(dist)


def dist_params(rv: Variable) -> list[Variable]:
    """The distribution parameters of ``rv`` (node inputs without ``rng`` and ``size``)."""
    node = rv.owner
    if node is None:
        raise ModelError(f"{rv} is not the output of a distribution (it has no owner node).")
    if is_random_node(node):
        return list(node.op.dist_params(node))
    return list(node.inputs)


def _as_value(rv, value):
    value = pt.as_tensor_variable(value)
    if rv.dtype.startswith("float") and not value.dtype.startswith("float"):
        value = pt.cast(value, rv.dtype)
    elif rv.dtype.startswith("float") and value.dtype != upcast(value.dtype, rv.dtype):
        # a literal like 0.25 becomes float32; computing a float64 density from it loses digits
        value = pt.cast(value, rv.dtype)
    return value


def logp(rv: Variable, value) -> Variable:
    """Elementwise log-density (or log-mass) graph of ``rv`` at ``value``.

    Parameters
    ----------
    rv
        Output of a distribution, e.g. ``ppl.Normal.dist(0, 5)``.
    value
        Value(s) at which to evaluate; a number, array or tensor.

    Returns
    -------
    TensorVariable
        Log-density with the batch shape of ``rv`` (support dimensions reduced).

    Examples
    --------
    >>> import ppl
    >>> float(ppl.logp(ppl.Normal.dist(0, 5), 2.5).eval())  # doctest: +ELLIPSIS
    -2.6533764...
    """
    with labelled(label_for(rv)):
        return _logprob(rv.owner.op, _as_value(rv, value), *dist_params(rv))


def logcdf(rv: Variable, value) -> Variable:
    """Log cumulative distribution function graph of ``rv`` at ``value``."""
    with labelled(label_for(rv)):
        return _logcdf(rv.owner.op, _as_value(rv, value), *dist_params(rv))


def icdf(rv: Variable, value) -> Variable:
    """Inverse CDF (quantile function) graph of ``rv`` at probability ``value``."""
    with labelled(label_for(rv)):
        value = pt.as_tensor_variable(value)
        if value.dtype != upcast(value.dtype, "float64"):  # probabilities like 0.75 are float32
            value = pt.cast(value, "float64")
        return _icdf(rv.owner.op, value, *dist_params(rv))


def support_point(rv: Variable) -> Variable:
    """A finite point in the support of ``rv`` with its shape (used for initial points)."""
    node = rv.owner
    size = node.op.size_param(node) if isinstance(node.op, RandomVariable) else None
    with labelled(label_for(rv)):
        return _support_point(node.op, rv, size, *dist_params(rv))
