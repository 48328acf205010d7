"""The log-density of an invertible elementwise transformation of one random variable.

For ``CustomDist(dist=fn)`` whose graph is ``y = g(x)`` with ``x`` a single random variable and
``g`` a chain of shifts and scalings (by constants or parameters), negation, ``exp`` and ``log``:
``logp(y) = logp_x(g^-1(y)) + log|d g^-1 / dy|`` (no Jacobian for a discrete ``x``). The same
chain pushes the support of ``x`` forward, which gives the default transform.
"""

import numpy as np
import pytensor.tensor as pt
from pytensor.graph.basic import Variable
from pytensor.graph.traversal import toposort
from pytensor.scalar import basic as ps
from pytensor.tensor.elemwise import Elemwise

from ppl.distributions.composite._support import support_bounds
from ppl.distributions.symbolic import component_logp
from ppl.logprob.checks import _constant_value, current_label
from ppl.logprob.dispatch import is_random_node
from ppl.transforms.elementwise import Interval

__all__ = ["elementwise_chain", "transformed_logp", "image_transform"]

_SUPPORTED = "+, -, * and / by terms without random variables, negation, exp and log"


def _others(node, i):
    return [inp for j, inp in enumerate(node.inputs) if j != i]


def _log_abs(x):
    """``log|x|`` in float64 (a literal such as ``2.0`` is a float32 constant in the graph)."""
    return pt.log(pt.abs(pt.cast(x, "float64")))


def _add(node, i, y):
    return y - pt.add(*_others(node, i)), 0.0, None


def _sub(node, i, y):
    a, b = node.inputs
    return (y + b if i == 0 else a - y), 0.0, None


def _mul(node, i, y):
    c = pt.mul(*_others(node, i))
    return y / c, -_log_abs(c), None


def _true_div(node, i, y):
    a, b = node.inputs
    if i == 0:
        return y * b, _log_abs(b), None
    return a / y, _log_abs(a) - 2.0 * _log_abs(y), None


def _neg(node, i, y):
    return -y, 0.0, None


def _exp(node, i, y):
    return pt.log(y), -pt.log(y), y > 0


def _log(node, i, y):
    return pt.exp(y), y, None


_INVERSES = {
    ps.Add: _add,
    ps.Sub: _sub,
    ps.Mul: _mul,
    ps.TrueDiv: _true_div,
    ps.Neg: _neg,
    ps.Exp: _exp,
    ps.Log: _log,
}


def _depends_on_random(var: Variable, params) -> bool:
    return any(is_random_node(n) for n in toposort([var], blockers=list(params)))


def elementwise_chain(draw: Variable, params) -> tuple[Variable, list]:
    """The one random variable under ``draw`` and the steps ``(node, i)`` from it, outermost first.

    Raises
    ------
    NotImplementedError
        Naming the variable and the op, if the graph is not an invertible elementwise chain.
    """
    label = current_label.get() or "CustomDist"
    hint = f"Supported: {_SUPPORTED} of one random variable. Hint: also pass logp=."
    steps = []
    current = draw
    while not is_random_node(current.owner):
        node = current.owner
        if node is None or current in params:
            raise NotImplementedError(
                f"{label}: cannot derive the log-density: the dist graph does not end in a random "
                f"variable ({current}). {hint}"
            )
        scalar_op = getattr(node.op, "scalar_op", None)
        if not isinstance(node.op, Elemwise) or type(scalar_op) not in _INVERSES:
            raise NotImplementedError(
                f"{label}: cannot derive the log-density: {node.op} in the dist graph cannot be "
                f"inverted. {hint}"
            )
        random_inputs = [i for i, inp in enumerate(node.inputs) if _depends_on_random(inp, params)]
        if len(random_inputs) != 1:
            raise NotImplementedError(
                f"{label}: cannot derive the log-density: {node.op} in the dist graph combines "
                f"{len(random_inputs)} random inputs. {hint}"
            )
        (i,) = random_inputs
        if node.inputs[i].type.broadcastable != node.outputs[0].type.broadcastable:
            raise NotImplementedError(
                f"{label}: cannot derive the log-density: {node.op} in the dist graph broadcasts "
                f"its random input {node.inputs[i].type} to {node.outputs[0].type}. {hint}"
            )
        steps.append((node, i))
        current = node.inputs[i]
    return current, steps


def transformed_logp(op, value, *params):
    """``logp`` of the draw of a ``CustomDist(dist=...)`` op, derived through its inverse."""
    (draw,) = op.rebuild(params, [op.inner_outputs[-1]])
    base, steps = elementwise_chain(draw, params)
    x, log_jac, conditions = value, 0.0, []
    for node, i in steps:
        x, jac, condition = _INVERSES[type(node.op.scalar_op)](node, i, x)
        log_jac = log_jac + jac
        if condition is not None:
            conditions.append(condition)
    res = component_logp(base, x, "dist")
    if base.dtype.startswith("float"):
        res = res + log_jac
    for condition in conditions:
        res = pt.switch(condition, res, -np.inf)
    return res


def _bound_value(bound, default: float):
    if bound is None:
        return np.asarray(default)
    return _constant_value(bound)


def _image(node, i, lo, hi):
    """The interval ``[lo, hi]`` pushed through one step, or None if not known."""
    kind = type(node.op.scalar_op)
    others = [_constant_value(v) for v in _others(node, i)]
    if any(v is None for v in others):
        return None
    if kind is ps.Neg:
        return -hi, -lo
    if kind is ps.Exp:
        return np.exp(lo), np.exp(hi)
    if kind is ps.Log:
        return np.log(np.maximum(lo, 0.0)), np.log(hi)
    if kind is ps.Add:
        c = np.sum(others, axis=0)
        return lo + c, hi + c
    if kind is ps.Sub:
        (c,) = others
        return (lo - c, hi - c) if i == 0 else (c - hi, c - lo)
    if kind is ps.Mul or (kind is ps.TrueDiv and i == 0):
        (c,) = others if kind is ps.TrueDiv else [np.prod(others, axis=0)]
        if np.any(c == 0):
            return None
        ends = (lo * c, hi * c) if kind is ps.Mul else (lo / c, hi / c)
        return np.minimum(*ends), np.maximum(*ends)
    return None  # a / x: not needed for a default transform


def image_transform(draw: Variable, params):
    """Interval transform onto the support of ``draw`` when it follows from constants, else None."""
    try:
        base, steps = elementwise_chain(draw, params)
    except NotImplementedError:
        return None
    if not base.dtype.startswith("float") or not draw.dtype.startswith("float"):
        return None
    lower, upper = support_bounds(base)
    lo, hi = _bound_value(lower, -np.inf), _bound_value(upper, np.inf)
    if lo is None or hi is None:
        return None
    with np.errstate(all="ignore"):
        for node, i in reversed(steps):
            image = _image(node, i, lo, hi)
            if image is None:
                return None
            lo, hi = image
    lo_finite = bool(np.all(np.isfinite(lo)))
    hi_finite = bool(np.all(np.isfinite(hi)))
    if (not lo_finite and not np.all(lo == -np.inf)) or (
        not hi_finite and not np.all(hi == np.inf)
    ):
        return None
    if not lo_finite and not hi_finite:
        return None
    return Interval(lo if lo_finite else None, hi if hi_finite else None)
