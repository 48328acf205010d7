"""The joint log-density of a model, and the one function that replaces variables by values.

Random variables in a graph stand for their values: to evaluate a log-density, deterministic or
potential, every registered random variable is replaced by an expression of its value variable
(``backward(value)`` for transformed variables, the data for observed ones). That replacement
happens here and nowhere else (:func:`replace_rvs`).
"""

from collections.abc import Mapping, Sequence

import pytensor.tensor as pt
from pytensor.graph.basic import Variable, clone_get_equiv
from pytensor.graph.fg import FunctionGraph
from pytensor.graph.traversal import applys_between, graph_inputs

from ppl.exceptions import ModelError
from ppl.logprob.dispatch import is_random_node
from ppl.logprob.dispatch import logp as rv_logp
from ppl.transforms.transform import Transform

__all__ = ["replace_rvs", "value_replacements", "logp_terms", "fit_type"]


def fit_type(expr: Variable, like: Variable) -> Variable:
    """``expr`` with the static type of ``like`` so it can stand in for ``like`` in a graph."""
    if expr.type == like.type:
        return expr
    if expr.dtype != like.dtype:
        expr = pt.cast(expr, like.dtype)
    if expr.type.ndim != like.type.ndim:
        raise ValueError(f"Cannot replace {like} ({like.type}) by {expr} ({expr.type}).")
    if expr.type.shape != like.type.shape:
        expr = pt.specify_shape(expr, like.type.shape)
    return expr


def replace_rvs(
    graphs: Sequence[Variable],
    replacements: Mapping[Variable, Variable],
    order: Sequence[Variable],
) -> list[Variable]:
    """Clone ``graphs`` with each random variable replaced by its expression.

    Replacement expressions may themselves contain other replaced variables (a bound that depends
    on another variable); those are replaced too. ``order`` must be topological (parents before
    children), as the model's registration order is. The input graphs are not modified.
    """
    graphs = list(graphs)
    order = [rv for rv in order if rv in replacements]
    exprs = [fit_type(replacements[rv], rv) for rv in order]
    # Roots (value variables, data, shared variables) are kept as they are, even when a graph is
    # a root itself: declare them as inputs, which are not copied.
    roots = list(graph_inputs(graphs + exprs))
    memo = clone_get_equiv(roots, graphs + exprs, copy_inputs=False, copy_orphans=False)
    outputs = [memo[g] for g in graphs]
    fgraph = FunctionGraph(outputs=outputs, clone=False)
    # Children first: a replacement imports its parents' variables, which are replaced later.
    for rv, expr in zip(reversed(order), reversed(exprs), strict=True):
        cloned = memo.get(rv)
        if cloned is None or cloned not in fgraph.variables:
            continue
        fgraph.replace(cloned, memo[expr], import_missing=True)
    return list(fgraph.outputs)


def value_replacements(
    rvs: Sequence[Variable],
    rvs_to_values: Mapping[Variable, Variable],
    rvs_to_transforms: Mapping[Variable, Transform | None],
) -> dict[Variable, Variable]:
    """For each variable, the constrained expression of its value that stands in for it."""
    out = {}
    for rv in rvs:
        value = rvs_to_values[rv]
        transform = rvs_to_transforms.get(rv)
        out[rv] = transform.backward(value, *rv.owner.inputs) if transform is not None else value
    return out


def _reduce_to(term: Variable, ndim: int) -> Variable:
    if term.type.ndim > ndim:
        return pt.sum(term, axis=tuple(range(ndim, term.type.ndim)))
    return term


def logp_terms(
    rvs: Sequence[Variable],
    rvs_to_values: Mapping[Variable, Variable],
    rvs_to_transforms: Mapping[Variable, Transform | None],
    *,
    order: Sequence[Variable],
    extra_graphs: Sequence[Variable] = (),
    jacobian: bool = True,
) -> tuple[list[Variable], list[Variable]]:
    """Elementwise log-density terms of ``rvs`` in terms of value variables.

    Parameters
    ----------
    rvs
        The variables whose terms are wanted (free or observed).
    rvs_to_values, rvs_to_transforms
        The model's value variables (data for observed variables) and transforms.
    order
        Every registered variable in topological order; all of them are replaced.
    extra_graphs
        Further graphs (potentials, deterministics) to express in terms of values in the same pass.
    jacobian
        Include ``log|det J|`` of each transform.

    Returns
    -------
    (terms, extras)
        One term per variable in ``rvs`` and the rewritten ``extra_graphs``.
    """
    replacements = value_replacements(order, rvs_to_values, rvs_to_transforms)
    terms = []
    for rv in rvs:
        value = rvs_to_values[rv]
        transform = rvs_to_transforms.get(rv)
        term = rv_logp(rv, replacements[rv])
        if transform is not None and jacobian:
            jac = _reduce_to(transform.log_jac_det(value, *rv.owner.inputs), term.type.ndim)
            # A vector transform (ordered, simplex) of an elementwise density: its log|det J| is
            # one number per event, so sum the density over the event axes first; adding the
            # per-event Jacobian to every element would count it once per element.
            term = _reduce_to(term, jac.type.ndim) + jac
        term.name = f"{rv.name}_logprob" if rv.name else None
        terms.append(term)
    out = replace_rvs(terms + list(extra_graphs), replacements, order)
    _check_no_random_variables(out)
    return out[: len(terms)], out[len(terms) :]


def _random_variables_in(graphs: Sequence[Variable]) -> list[str]:
    found = []
    for node in applys_between(list(graph_inputs(graphs)), graphs):
        if is_random_node(node):  # a RandomVariable or a composite (Mixture, ...) as a whole
            found.append(str(node.default_output()))
            continue
        inner = getattr(node.op, "fgraph", None)  # Scan, OpFromGraph: look inside
        if inner is not None:
            found.extend(_random_variables_in(inner.outputs))
    return found


def _check_no_random_variables(graphs: Sequence[Variable]) -> None:
    """A random variable left in a log-density graph would be drawn anew at every evaluation."""
    found = _random_variables_in(graphs)
    if found:
        raise ModelError(
            f"Model: the log-density graph still contains random variables {sorted(set(found))}. "
            "Hint: a distribution used as a parameter must be a named model variable "
            "(ppl.Normal('x', ...), not ppl.Normal.dist(...)); a pytensor.scan (or OpFromGraph) "
            "inner function that uses model variables "
            "must receive them explicitly, e.g. pytensor.scan(..., non_sequences=[mu, sigma])."
        )
