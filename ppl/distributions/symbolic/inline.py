"""Forward sampling of composites: each composite node replaced by its inner graph."""

from collections.abc import Sequence

from pytensor.graph.basic import Variable
from pytensor.graph.traversal import toposort

from ppl.distributions.symbolic.op import SymbolicRandomVariable

__all__ = ["inline_symbolic_rvs"]


def inline_symbolic_rvs(outputs: Sequence[Variable], stop_at: Sequence[Variable] = ()) -> list:
    """``outputs`` with every composite node replaced by its inner graph (recursively).

    Parameters
    ----------
    outputs
        Graphs to prepare for forward sampling.
    stop_at
        Variables kept as they are, with their ancestors (e.g. variables given posterior draws).

    Returns
    -------
    list of Variable
        The graphs, containing only ordinary random variables; ``outputs`` itself when it holds
        no composite. The input graphs are not modified.

    Raises
    ------
    NotImplementedError
        If an op cannot draw (its ``check_drawable(node)`` says why, naming the variable).
    """
    outputs = list(outputs)
    nodes = list(toposort(outputs, blockers=list(stop_at)))
    for node in nodes:  # ops that cannot draw (a CustomDist without random) say so here
        check = getattr(node.op, "check_drawable", None)
        if check is not None:
            check(node)
    if not any(isinstance(n.op, SymbolicRandomVariable) for n in nodes):
        return outputs
    memo: dict[Variable, Variable] = {}
    for node in nodes:
        inputs = [memo.get(i, i) for i in node.inputs]
        if isinstance(node.op, SymbolicRandomVariable):
            new = inline_symbolic_rvs(node.op.inline(inputs), stop_at=inputs)  # nested ones
            new[-1].name = node.outputs[-1].name
        elif any(a is not b for a, b in zip(inputs, node.inputs, strict=True)):
            new = node.clone_with_new_inputs(inputs).outputs
            for old, out in zip(node.outputs, new, strict=True):
                out.name = old.name
        else:
            continue
        memo.update(zip(node.outputs, new, strict=True))
    return [memo.get(o, o) for o in outputs]
