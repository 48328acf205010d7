"""model_to_graphviz / Model.to_graphviz: nodes, edges and plates of the DOT source, and rendering."""

import re
import shutil

import numpy as np
import pytest

import ppl
from ppl.exceptions import ModelError

Y = np.array([28.0, 8.0, -3.0, 7.0, -1.0, 1.0, 18.0, 12.0])
SIGMA = np.array([15.0, 10.0, 16.0, 11.0, 9.0, 11.0, 10.0, 18.0])

_NODE = re.compile(r'^\t+("(?:[^"\\]|\\.)*"|[^\s"\[]+) \[((?:[^\]"]|"(?:[^"\\]|\\.)*")*)\]$', re.M)
_ATTR = re.compile(r'(\w+)=("(?:[^"\\]|\\.)*"|[^\s"]+)')
_EDGE = re.compile(r'^\t+("[^"]*"|\S+) -> ("[^"]*"|\S+)$', re.M)
_CLUSTER = re.compile(r'^\tsubgraph "?cluster[^{]*\{\n(.*?)^\t\}$', re.M | re.S)


def _unquote(s: str) -> str:
    return s[1:-1] if s.startswith('"') else s


def nodes(source: str) -> dict[str, dict[str, str]]:
    """Node id -> attributes, from DOT source written by the graphviz package."""
    return {
        _unquote(node_id): {k: _unquote(v) for k, v in _ATTR.findall(attrs)}
        for node_id, attrs in _NODE.findall(source)
    }


def edges(source: str) -> set[tuple[str, str]]:
    return {(_unquote(a), _unquote(b)) for a, b in _EDGE.findall(source)}


def plates(source: str) -> dict[str, set[str]]:
    """Plate label -> ids of the nodes inside it."""
    out = {}
    for body in _CLUSTER.findall(source):
        label = _unquote(re.search(r'^\t\tlabel=("[^"]*"|\S+)', body, re.M).group(1))
        out[label] = set(nodes(body))
    return out


def eight_schools():
    with ppl.Model(coords={"school": [f"s{i}" for i in range(8)]}) as m:
        mu = ppl.Normal("mu", 0, 5)
        tau = ppl.HalfCauchy("tau", 5)
        z = ppl.Normal("z", 0, 1, dims="school")
        theta = ppl.Deterministic("theta", mu + tau * z, dims="school")
        sigma = ppl.Data("sigma", SIGMA, dims="school")
        ppl.Normal("obs", theta, sigma, observed=Y, dims="school")
        ppl.Potential("tau_penalty", -(tau**2))
    return m


def test_nodes_have_the_shape_and_style_of_their_kind():
    found = nodes(ppl.model_to_graphviz(eight_schools()).source)
    assert list(found) == ["mu", "tau", "tau_penalty", "z", "theta", "sigma", "obs"]
    assert found["mu"] == {"label": "mu\n~\nNormal", "shape": "ellipse"}
    assert found["tau"]["label"] == "tau\n~\nHalfCauchy"
    assert found["obs"] == {
        "label": "obs\n~\nNormal", "shape": "ellipse", "style": "filled", "fillcolor": "gray"
    }
    assert found["theta"] == {"label": "theta\n~\nDeterministic", "shape": "box"}
    assert found["tau_penalty"]["shape"] == "octagon"
    assert found["tau_penalty"]["label"] == "tau_penalty\n~\nPotential"
    assert found["sigma"]["shape"] == "box"
    assert found["sigma"]["style"] == "rounded, filled"
    assert found["sigma"]["label"] == "sigma\n~\nData"


def test_edges_follow_the_dependencies_between_named_variables():
    source = ppl.model_to_graphviz(eight_schools()).source
    assert edges(source) == {
        ("mu", "theta"), ("tau", "theta"), ("z", "theta"),  # through the unnamed mu + tau * z
        ("theta", "obs"), ("sigma", "obs"),
        ("tau", "tau_penalty"),
    }


def test_plates_group_variables_by_dims_and_label_their_lengths():
    m = eight_schools()
    assert plates(ppl.model_to_graphviz(m).source) == {"school (8)": {"z", "theta", "sigma", "obs"}}
    assert set(plates(m.to_graphviz(include_dim_lengths=False).source)) == {"school"}


def test_variables_without_dims_are_grouped_by_shape_and_scalars_sit_outside():
    with ppl.Model(coords={"row": range(2), "col": range(3)}) as m:
        a = ppl.Normal("a", 0, 1, shape=(2, 3))
        ppl.Normal("b", a, 1)  # shape (2, 3), no dims
        ppl.Normal("c", 0, 1, dims=("row", "col"))
        ppl.Normal("d", 0, 1, shape=4)
        ppl.Normal("s", 0, 1)
    source = ppl.model_to_graphviz(m).source
    assert plates(source) == {"2 x 3": {"a", "b"}, "row (2) x col (3)": {"c"}, "4": {"d"}}
    assert "s" in nodes(source)
    assert ("a", "b") in edges(source)


def test_var_names_draws_those_variables_and_their_ancestors():
    m = eight_schools()
    source = ppl.model_to_graphviz(m, var_names=["theta"]).source
    assert set(nodes(source)) == {"mu", "tau", "z", "theta"}
    assert edges(source) == {("mu", "theta"), ("tau", "theta"), ("z", "theta")}
    # A selected data container brings the variables it is observed data of.
    source = m.to_graphviz(var_names=["sigma"]).source
    assert set(nodes(source)) == {"sigma", "obs", "theta", "mu", "tau", "z"}
    assert set(nodes(m.to_graphviz(var_names=["mu"]).source)) == {"mu"}


def test_unknown_var_name_is_an_error_naming_it():
    with pytest.raises(ModelError, match="'thetaa'.*Did you mean 'theta'"):
        ppl.model_to_graphviz(eight_schools(), var_names=["thetaa"])


def test_nested_models_show_prefixed_names():
    with ppl.Model() as outer:
        mu = ppl.Normal("mu", 0, 1)
        with ppl.Model("inner") as inner:
            x = ppl.Normal("x", mu, 1)
            ppl.Deterministic("x2", 2 * x)
    found = nodes(outer.to_graphviz().source)
    # DOT would read "inner::x" in an edge as a node and a port; the label keeps the name.
    assert found["inner&&x"]["label"] == "inner::x\n~\nNormal"
    assert found["inner&&x2"]["label"] == "inner::x2\n~\nDeterministic"
    assert edges(outer.to_graphviz().source) == {("mu", "inner&&x"), ("inner&&x", "inner&&x2")}
    # The inner model's picture holds its own variables only.
    assert set(nodes(inner.to_graphviz().source)) == {"inner&&x", "inner&&x2"}
    assert set(nodes(inner.to_graphviz(var_names=["x2"]).source)) == {"inner&&x", "inner&&x2"}


def test_missing_values_show_observed_imputed_and_full_variables():
    with ppl.Model() as m:
        mu = ppl.Normal("mu", 0, 5)
        ppl.Normal("y", mu, 1, observed=np.array([1.0, np.nan, 2.0, np.nan, 0.5]))
    source = m.to_graphviz().source
    found = nodes(source)
    assert found["y_observed"]["style"] == "filled"
    assert found["y_unobserved"]["shape"] == "ellipse" and "style" not in found["y_unobserved"]
    assert found["y"]["shape"] == "box"
    assert edges(source) == {
        ("mu", "y_observed"), ("mu", "y_unobserved"), ("y_observed", "y"), ("y_unobserved", "y")
    }
    assert plates(source) == {"3": {"y_observed"}, "2": {"y_unobserved"}, "5": {"y"}}


def test_data_containers_as_observed_and_inputs_are_parents_but_shapes_are_not():
    with ppl.Model() as m:
        x = ppl.Data("x", np.arange(4.0), dims="obs")
        y_data = ppl.Data("y_data", np.zeros(4), dims="obs")
        beta = ppl.Normal("beta", 0, 1)
        ppl.Normal("y", beta * x, 1, observed=y_data, dims="obs")
        ppl.Normal("noise", 0, 1, shape=x.shape)  # the length of x, not its values
    source = m.to_graphviz().source
    assert edges(source) == {("beta", "y"), ("x", "y"), ("y_data", "y")}
    assert plates(source) == {"obs (4)": {"x", "y_data", "y"}, "4": {"noise"}}


def test_node_formatters_replace_the_default_attributes():
    source = ppl.model_to_graphviz(
        eight_schools(),
        node_formatters={"deterministic": lambda var: {"label": var.name, "shape": "diamond"}},
    ).source
    assert nodes(source)["theta"] == {"label": "theta", "shape": "diamond"}
    with pytest.raises(ValueError, match="unknown kind 'free'"):
        ppl.model_to_graphviz(eight_schools(), node_formatters={"free": dict})


def test_only_plain_formatting_is_supported():
    with pytest.raises(ValueError, match="formatting='latex'"):
        ppl.model_to_graphviz(eight_schools(), formatting="latex")


def test_model_context_and_method_give_the_same_graph():
    m = eight_schools()
    with m:
        source = ppl.model_to_graphviz(figsize=(4, 3)).source
    assert source == m.to_graphviz(figsize=(4, 3)).source
    assert 'size="4,3"' in source


@pytest.mark.skipif(shutil.which("dot") is None, reason="the graphviz `dot` program is not installed")
def test_save_renders_a_png(tmp_path):
    path = tmp_path / "model.png"
    graph = ppl.model_to_graphviz(eight_schools(), save=path, dpi=72)
    data = path.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 1000
    assert [p.name for p in tmp_path.iterdir()] == ["model.png"]  # the DOT file is cleaned up
    assert "dpi" not in graph.source  # only the saved copy gets the resolution
    ppl.model_to_graphviz(eight_schools(), save=tmp_path / "model.svg")
    assert (tmp_path / "model.svg").read_text().lstrip().startswith("<?xml")
