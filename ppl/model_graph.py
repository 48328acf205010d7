"""Pictures of models: :func:`model_to_graphviz` (also ``Model.to_graphviz``).

The picture has one node per named variable of the model: free random variables (ellipses),
observed ones (filled ellipses), Deterministics (boxes), Potentials (octagons) and data containers
(rounded boxes). An edge ``a -> b`` means that ``b``'s graph uses ``a`` directly, i.e. through no
other named variable; a data container given as ``observed=`` is a parent of its variable.
Variables with the same dims (or, without dims, the same shape) sit in one plate, a graphviz
``cluster`` subgraph labelled ``"school (8)"`` or ``"8"``; scalars sit outside any plate.
"""

from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

from pytensor.compile.sharedvalue import SharedVariable
from pytensor.graph.basic import Variable
from pytensor.tensor.shape import Shape, Shape_i

from ppl.exceptions import ModelError
from ppl.model.context import modelcontext
from ppl.model.registration import dist_name
from ppl.model.shapes import evaluate_shape

__all__ = ["model_to_graphviz", "NODE_TYPES"]

#: The kinds of node, the keys of ``node_formatters``.
NODE_TYPES = ("freeRV", "observedRV", "deterministic", "potential", "data")


def _label(var: Variable, what: str) -> str:
    return f"{var.name}\n~\n{what}"


_DEFAULT_FORMATTERS: dict[str, Callable[[Variable], dict]] = {
    "freeRV": lambda var: {"shape": "ellipse", "label": _label(var, dist_name(var))},
    "observedRV": lambda var: {
        "shape": "ellipse",
        "style": "filled",
        "fillcolor": "gray",
        "label": _label(var, dist_name(var)),
    },
    "deterministic": lambda var: {"shape": "box", "label": _label(var, "Deterministic")},
    "potential": lambda var: {
        "shape": "octagon",
        "style": "filled",
        "fillcolor": "orange",
        "label": _label(var, "Potential"),
    },
    "data": lambda var: {
        "shape": "box",
        "style": "rounded, filled",
        "fillcolor": "lightgrey",
        "label": _label(var, "Data"),
    },
}


def _node_kinds(model) -> dict[str, str]:
    """Name -> kind of every named variable of ``model``, in order of definition."""
    kinds = {}
    for kind, variables in (
        ("freeRV", model.free_RVs),
        ("observedRV", model.observed_RVs),
        ("deterministic", model.deterministics),
        ("potential", model.potentials),
        ("data", model.data_vars),
    ):
        for var in variables:
            kinds[var.name] = kind
    return {name: kinds[name] for name in model.named_vars if name in kinds}


def _graph_starts(model, var: Variable, kind: str) -> list[Variable]:
    """The variables whose graphs ``var`` reads: its inputs, and for observed ones the data."""
    if kind == "data" or var.owner is None:
        return []
    starts = list(var.owner.inputs)
    if kind == "observedRV":
        starts.append(model.rvs_to_values[var])
    return starts


def _named_parents(var: Variable, starts: list[Variable], named: dict) -> list[str]:
    """Names of the named variables reached from ``starts`` through unnamed ones only.

    Shapes are not dependencies: the walk stops at ``Shape`` ops, so ``shape=x.shape`` does not
    make ``x`` a parent.
    """
    found, seen, stack = set(), set(), list(starts)
    while stack:
        v = stack.pop()
        if id(v) in seen:
            continue
        seen.add(id(v))
        name = named.get(id(v))
        if name is not None and v is not var:
            found.add(name)
            continue
        node = v.owner
        if node is None or isinstance(node.op, Shape | Shape_i):
            continue
        stack.extend(node.inputs)
    return [n for n in named.values() if n in found]


def _plate_label(model, var: Variable, include_dim_lengths: bool) -> str:
    """``"school (8)"``, ``"school"``, ``"8"`` or ``"2 x 3"``; ``""`` for a scalar."""
    if isinstance(var, SharedVariable):
        shape = tuple(var.get_value(borrow=True).shape)
    else:
        shape = tuple(evaluate_shape(var))
    if not shape:
        return ""
    dims = model.named_vars_to_dims.get(var.name) or (None,) * len(shape)
    parts = []
    for dim, length in zip(dims, shape, strict=False):
        if dim is None:
            parts.append(str(length))
        else:
            parts.append(f"{dim} ({length})" if include_dim_lengths else str(dim))
    return " x ".join(parts)


def _selected(model, var_names, kinds: dict, parents: dict) -> list[str]:
    """The names to draw: ``var_names``, the observed variables of selected data, and every
    named ancestor of those (as PyMC does)."""
    if var_names is None:
        return list(kinds)
    if isinstance(var_names, str):
        var_names = [var_names]
    wanted = set()
    for name in var_names:
        try:
            full = model[name].name
        except KeyError as err:
            raise ModelError(f"model_to_graphviz: var_names: {err.args[0]}") from None
        if full not in kinds:
            raise ModelError(f"model_to_graphviz: {name!r} is not a variable of this model.")
        wanted.add(full)
    for name, kind in kinds.items():  # observed variables whose data container is selected
        if kind == "observedRV" and any(
            p in wanted and kinds[p] == "data" for p in parents[name]
        ):
            wanted.add(name)
    stack = list(wanted)
    while stack:
        for parent in parents[stack.pop()]:
            if parent not in wanted:
                wanted.add(parent)
                stack.append(parent)
    return [n for n in kinds if n in wanted]


def _node_id(name: str) -> str:
    # DOT reads ``a:b`` in an edge as node ``a``, port ``b``: nested models' ``outer::x`` would
    # break edges, so node ids use ``&`` (labels keep the real name).
    return name.replace(":", "&")


def model_to_graphviz(
    model=None,
    *,
    var_names: Iterable[str] | None = None,
    formatting: str = "plain",
    save: str | Path | None = None,
    figsize: tuple[float, float] | None = None,
    dpi: int = 300,
    node_formatters: Mapping[str, Callable[[Variable], dict]] | None = None,
    include_dim_lengths: bool = True,
):
    """Draw the model as a graphviz graph of its named variables and their dependencies.

    Parameters
    ----------
    model
        The model (default: the active one).
    var_names
        Draw only these variables, the observed variables of selected data containers, and
        all the named variables they depend on (as PyMC does).
    formatting
        Only ``"plain"`` (name, ``~`` and distribution) is supported.
    save
        Also render to this file; the format comes from the suffix (``.png``, ``.svg``,
        ``.pdf``; PNG without one). Needs the graphviz ``dot`` executable.
    figsize
        Maximum ``(width, height)`` in inches.
    dpi
        Resolution of the saved file.
    node_formatters
        Node attributes per kind, replacing the defaults: ``{kind: f(var) -> dict}`` with
        ``kind`` one of ``"freeRV"``, ``"observedRV"``, ``"deterministic"``, ``"potential"``,
        ``"data"`` and the dict passed to ``graphviz.Digraph.node`` (``label``, ``shape``, ...).
    include_dim_lengths
        Label plates ``"school (8)"`` rather than ``"school"``.

    Returns
    -------
    graphviz.Digraph
        Displays itself in Jupyter; ``.source`` is the DOT text.

    Raises
    ------
    ModelError
        For a name in ``var_names`` that the model does not have.
    ValueError
        For an unsupported ``formatting`` or an unknown ``node_formatters`` kind.
    ImportError
        If the ``graphviz`` Python package is not installed.

    Examples
    --------
    >>> import ppl
    >>> with ppl.Model(coords={"school": ["a", "b", "c"]}) as m:
    ...     mu = ppl.Normal("mu", 0, 5)
    ...     theta = ppl.Normal("theta", mu, 1, dims="school")
    >>> graph = ppl.model_to_graphviz(m)
    >>> "mu -> theta" in graph.source, 'label="school (3)"' in graph.source
    (True, True)
    """
    try:
        import graphviz
    except ImportError as err:  # pragma: no cover - graphviz is a dependency
        raise ImportError(
            "model_to_graphviz needs the graphviz package: pip install graphviz (and the "
            "graphviz program, e.g. apt-get install graphviz, to render files)."
        ) from err
    if formatting != "plain":
        raise ValueError(f"model_to_graphviz: formatting={formatting!r} is not supported; use 'plain'.")
    formatters = dict(_DEFAULT_FORMATTERS)
    for kind, formatter in (node_formatters or {}).items():
        if kind not in formatters:
            raise ValueError(
                f"model_to_graphviz: node_formatters has unknown kind {kind!r}; kinds: {list(NODE_TYPES)}."
            )
        formatters[kind] = formatter

    model = modelcontext(model)
    kinds = _node_kinds(model)
    variables = {name: model.named_vars[name] for name in kinds}
    named = {id(var): name for name, var in variables.items()}
    parents = {
        name: _named_parents(var, _graph_starts(model, var, kinds[name]), named)
        for name, var in variables.items()
    }
    names = _selected(model, var_names, kinds, parents)

    plates: dict[str, list[str]] = {}
    for name in names:
        plates.setdefault(_plate_label(model, variables[name], include_dim_lengths), []).append(name)

    graph = graphviz.Digraph(model.name or None)
    if figsize is not None:
        graph.graph_attr["size"] = f"{figsize[0]},{figsize[1]}"

    def add_nodes(target, plate_names):
        for name in plate_names:
            attrs = {k: str(v) for k, v in formatters[kinds[name]](variables[name]).items()}
            target.node(_node_id(name), **attrs)

    for label, plate_names in plates.items():
        if not label:
            add_nodes(graph, plate_names)
            continue
        with graph.subgraph(name=f"cluster{label}") as plate:
            plate.attr(label=label, labeljust="r", labelloc="b", style="rounded")
            add_nodes(plate, plate_names)

    shown = set(names)
    for name in names:
        for parent in parents[name]:
            if parent in shown:
                graph.edge(_node_id(parent), _node_id(name))

    if save is not None:
        _render(graph, Path(save), figsize, dpi)
    return graph


def _render(graph, path: Path, figsize, dpi: int) -> None:
    """Write ``graph`` to ``path`` in the format of its suffix (PNG by default)."""
    fmt = path.suffix.lstrip(".") or "png"
    out = graph.copy()
    out.graph_attr["dpi"] = str(dpi)
    if figsize is not None:
        out.graph_attr["size"] = f"{figsize[0]},{figsize[1]}!"
    out.render(outfile=str(path.with_suffix(f".{fmt}")), format=fmt, cleanup=True)
