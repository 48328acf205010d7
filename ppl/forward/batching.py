"""Batch a forward graph over draws: every random variable draws ``n`` values in one call.

The graph of the requested variables is rebuilt once, node by node in topological order:

- a ``RandomVariable`` node is rebuilt as the same op with ``size=(n, *batch_shape)``. Its
  parameters that already carry the leading draw axis get singleton axes inserted after it, so
  that draw ``i`` of a variable uses draw ``i`` of its parents whatever the batch shapes
  (PyTensor's own vectorisation of random variables mis-aligns a batched parameter when the
  variable has an explicit ``size`` longer than that parameter's batch shape);
- any other node with a batched input is vectorised with PyTensor's ``_vectorize_node``;
- nodes without batched inputs are kept as they are.

Variables in ``given`` (for example free variables replaced by posterior draws) are cut from the
graph and replaced by their batched values. This is the forward-sampling counterpart of the
value-variable replacement in ``logprob/joint.py``: it builds a new graph instead of compiling
one function per draw.
"""

from collections.abc import Mapping, Sequence

import pytensor.tensor as pt
from pytensor.tensor.basic import get_vector_length
from pytensor.graph.basic import Apply, Constant, Variable
from pytensor.graph.replace import _vectorize_node
from pytensor.graph.traversal import toposort
from pytensor.tensor.extra_ops import broadcast_shape
from pytensor.tensor.random.op import RandomVariable
from pytensor.tensor.type_other import NoneTypeT

from ppl.distributions.symbolic import inline_symbolic_rvs

__all__ = ["batch_graph"]


def batch_graph(
    outputs: Sequence[Variable],
    n: Variable | int,
    given: Mapping[Variable, Variable] | None = None,
) -> list[Variable]:
    """Rebuild ``outputs`` with a leading draw axis of length ``n``.

    Parameters
    ----------
    outputs
        Graphs of random variables (and functions of them) to batch.
    n
        Number of draws: an int or a symbolic integer scalar.
    given
        Map from variables of the graph to batched values (leading axis of length ``n``) that
        replace them; their ancestors are not drawn.

    Returns
    -------
    list of TensorVariable
        One graph per output, with shape ``(n, *output.shape)``. Every random variable in them
        draws ``n`` independent values; an output that depends on no random variable is
        repeated.

    Raises
    ------
    NotImplementedError, TypeError, ValueError
        When an op in the graph cannot be vectorised (callers fall back to a loop).

    Examples
    --------
    >>> import ppl
    >>> mu = ppl.Normal.dist(0, 1, size=3)
    >>> x = ppl.Normal.dist(mu, 1)
    >>> [out.type.shape for out in batch_graph([mu, x], 10)]
    [(10, 3), (10, 3)]
    """
    n = pt.as_tensor_variable(n, dtype="int64") if not isinstance(n, Variable) else n
    batched: dict[Variable, Variable] = dict(given or {})
    outputs = inline_symbolic_rvs(outputs, stop_at=list(batched))  # composites as their graphs
    for node in toposort(list(outputs), blockers=list(batched)):
        new_inputs = [batched.get(inp, inp) for inp in node.inputs]
        if isinstance(node.op, RandomVariable):
            flags = [inp in batched for inp in node.inputs]
            new_outputs = _batch_random_variable(node, new_inputs, flags, n)
        elif any(inp in batched for inp in node.inputs):
            result = _vectorize_node(node.op, node, *new_inputs)
            new_outputs = result.outputs if isinstance(result, Apply) else list(result)
        else:
            continue
        batched.update(zip(node.outputs, new_outputs, strict=True))
    return [_with_draw_axis(out, batched, n) for out in outputs]


def _with_draw_axis(out: Variable, batched: dict, n: Variable) -> Variable:
    if out in batched:
        return batched[out]
    # Depends on no random variable (a constant Deterministic, say): repeat it per draw.
    return pt.broadcast_to(out[None], (n, *out.shape))


def _batch_random_variable(node: Apply, new_inputs: list, flags: list[bool], n: Variable) -> list:
    """The same op drawing ``n`` values, each from its own draw of the batched parameters."""
    op = node.op
    rng, size, *params = new_inputs
    batch_ndim = op.batch_ndim(node)
    original = op.dist_params(node)
    aligned = []
    batch_shapes = []
    for old, new, is_batched, core_ndim in zip(
        original, params, flags[2:], op.ndims_params, strict=True
    ):
        param_batch_ndim = old.type.ndim - core_ndim
        if is_batched:
            # (n, *batch, *core) -> (n, 1, ..., 1, *batch, *core): align batch axes on the right.
            missing = batch_ndim - param_batch_ndim
            if missing > 0:
                new = pt.expand_dims(new, tuple(range(1, 1 + missing)))
            batch_shapes.append(_shape(new)[1 : new.type.ndim - core_ndim])
        else:
            batch_shapes.append(_shape(new)[:param_batch_ndim])
        aligned.append(new)
    if isinstance(op.size_param(node).type, NoneTypeT):
        batch_shape = broadcast_shape(*batch_shapes, arrays_are_shapes=True) if batch_ndim else ()
        batch_shape = tuple(batch_shape)[-batch_ndim:] if batch_ndim else ()
        new_size = pt.stack([n, *[pt.cast(s, "int64") for s in batch_shape]])
    else:
        new_size = pt.stack([n, *_entries(size)])
    return op.make_node(rng, new_size, *aligned).outputs


def _entries(size: Variable) -> list:
    """Entries of a size vector; constant ones stay constant, so static shapes survive."""
    if isinstance(size, Constant):
        return [pt.constant(int(s), dtype="int64") for s in size.data]
    return [pt.cast(size[i], "int64") for i in range(get_vector_length(size))]


def _shape(var: Variable) -> tuple:
    """Static lengths where known, symbolic ones otherwise."""
    return tuple(
        s if s is not None else var.shape[i] for i, s in enumerate(var.type.shape)
    )
