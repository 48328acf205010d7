"""The composite random-variable mechanism: one op node, inlined for forward draws."""

import numpy as np
import pytensor.tensor as pt
import pytest

import ppl
from ppl.distributions.symbolic import SymbolicRandomVariable, inline_symbolic_rvs
from ppl.forward.batching import batch_graph
from ppl.logprob.dispatch import draw_shape, is_random_node, support_point
from ppl.model.shapes import evaluate_shape


def _mixture(**kwargs):
    return ppl.Mixture.dist(
        [0.3, 0.7], [ppl.Normal.dist(-5.0, 1.0), ppl.Normal.dist(5.0, 1.0)], **kwargs
    )


def test_one_node_with_rngs_first_and_the_draw_last():
    y = _mixture(size=4)
    node = y.owner
    op = node.op
    assert isinstance(op, SymbolicRandomVariable) and is_random_node(node)
    assert op.n_rngs == 3  # two components and the component index
    assert y is node.outputs[-1] and y.type.shape == (4,)
    assert op.update(node) == dict(zip(node.inputs[:3], node.outputs[:3], strict=True))
    assert [c.type.shape for c in op.components(op.dist_params(node))] == [(4,), (4,)]


def test_components_are_copies_with_fresh_generators():
    comp = ppl.Normal.dist(0.0, 1.0)
    y = ppl.Mixture.dist([0.5, 0.5], [comp, comp])
    assert comp.owner.inputs[0] not in y.owner.inputs  # the input is left untouched
    assert len(set(y.owner.inputs[:3])) == 3


def test_inlining_leaves_only_ordinary_random_variables():
    y = _mixture(size=3)
    z = ppl.Normal.dist(y, 1.0)
    (inlined,) = inline_symbolic_rvs([z])
    assert inlined is not z
    from pytensor.graph.traversal import applys_between, graph_inputs

    ops = [n.op for n in applys_between(list(graph_inputs([inlined])), [inlined])]
    assert not any(isinstance(op, SymbolicRandomVariable) for op in ops)
    assert inline_symbolic_rvs([ppl.Normal.dist()])[0].owner.op.name == "normal"


def test_inlining_stops_at_given_variables():
    y = _mixture()
    z = ppl.Normal.dist(y, 1.0)
    (same,) = inline_symbolic_rvs([z], stop_at=[y])
    assert same is z


def test_draws_are_fresh_per_call_and_reproducible_with_a_seed():
    y = _mixture(size=200)
    a, b = ppl.draw(y, draws=2, random_seed=1, mode="NUMBA")
    assert not np.array_equal(a, b)
    np.testing.assert_array_equal(
        ppl.draw(y, random_seed=5, mode="NUMBA"), ppl.draw(y, random_seed=5, mode="NUMBA")
    )
    # Both modes are visited: the component index is drawn, not fixed
    assert (a < 0).any() and (a > 0).any()


def test_batching_over_draws_gives_independent_draws():
    y = _mixture(size=2)
    (batched,) = batch_graph([y], 500)
    values = ppl.draw(batched, random_seed=3)
    assert values.shape == (500, 2)
    np.testing.assert_allclose((values > 0).mean(), 0.7, atol=0.05)


def test_shape_is_evaluated_without_drawing():
    w = pt.dvector("w")
    y = ppl.Mixture.dist(w, ppl.Normal.dist(mu=pt.zeros(2), sigma=1.0), size=(3,))
    assert [int(s.eval()) if hasattr(s, "eval") else s for s in draw_shape(y.owner)] == [3]
    x = ppl.Truncated.dist(ppl.Normal.dist(pt.zeros(pt.iscalar("n")), 1.0), lower=0.0)
    assert x.type.shape == (None,)
    with ppl.Model():
        n = ppl.Data("n", np.zeros(4))
        v = ppl.Truncated("v", ppl.Normal.dist(n, 1.0), lower=0.0)
        assert evaluate_shape(v) == (4,)


def test_model_variable_as_component_is_rejected_with_its_name():
    with ppl.Model():
        a = ppl.Normal("a", 0.0, 1.0)
        with pytest.raises(
            ppl.ModelError, match=r"Mixture 'y'.*'a' is a model variable.*\.dist\(\)"
        ):
            ppl.Mixture("y", [0.5, 0.5], [a, ppl.Normal.dist()])
        with pytest.raises(ppl.ModelError, match=r"Truncated 't'.*'a' is a model variable"):
            ppl.Truncated("t", a, lower=0.0)
        with pytest.raises(ppl.ModelError, match=r"Censored 'c': dist must be a distribution"):
            ppl.Censored("c", 1.0, lower=0.0)


def test_unregistered_composite_as_parameter_is_rejected():
    with ppl.Model() as model:
        ppl.Normal("x", mu=_mixture(), sigma=1.0)
    with pytest.raises(ppl.ModelError, match=r"still contains random variables \['MixtureRV"):
        model.logp()


def test_model_variables_used_by_a_composite_stay_model_variables():
    with ppl.Model() as model:
        mu = ppl.Normal("mu", 0.0, 1.0)
        y = ppl.Truncated("y", ppl.Normal.dist(mu, 1.0), lower=0.0, observed=[0.5, 1.0])
    assert mu in y.owner.inputs
    fn = model.compile_logp()
    assert np.isfinite(fn({"mu": np.array(0.2)}))


def test_default_support_point_evaluates_the_inner_graph_at_support_points():
    z = ppl.CustomDist.dist(
        2.0, dist=lambda mu, size: 3.0 * ppl.Normal.dist(mu, 1.0, size=size), size=2
    )
    np.testing.assert_allclose(support_point(z).eval(), [6.0, 6.0])


def test_resized_composites_are_components_of_other_composites():
    inner = ppl.Censored.dist(ppl.Normal.dist(0.0, 1.0), lower=-1.0, upper=1.0)
    y = ppl.Mixture.dist([0.5, 0.5], [inner, ppl.Normal.dist(10.0, 1.0)], size=50)
    values = ppl.draw(y, random_seed=2)
    near = values[values < 5]
    assert near.size and near.min() >= -1.0 and near.max() <= 1.0
    np.testing.assert_allclose(
        ppl.logp(y, np.array([1.0])).eval(), np.log(0.5) + np.log(0.15865525393145707), rtol=1e-6
    )


def test_prior_and_posterior_predictive_with_free_and_observed_composites():
    data = np.array([0.4, 1.2, 2.0, 2.0])
    with ppl.Model() as model:
        sigma = ppl.Truncated("sigma", ppl.Normal.dist(1.0, 1.0), lower=0.1, upper=3.0)
        mu = ppl.NormalMixture("mu", w=[0.5, 0.5], mu=[-2.0, 2.0], sigma=0.5)
        ppl.Censored("y", ppl.Normal.dist(mu, sigma), lower=None, upper=2.0, observed=data)
        prior = ppl.sample_prior_predictive(200, random_seed=1)
    assert prior.prior["sigma"].shape == (1, 200)
    assert float(prior.prior["sigma"].min()) >= 0.1 and float(prior.prior["sigma"].max()) <= 3.0
    y = prior.prior_predictive["y"].values
    assert y.shape == (1, 200, 4) and y.max() <= 2.0 and (y == 2.0).any()
    posterior = prior.prior.isel(draw=slice(0, 50))
    with model:
        pp = ppl.sample_posterior_predictive(posterior, random_seed=2)
    # Each predictive draw is censored data around the given mu
    y_pp = pp.posterior_predictive["y"].values[0]
    mu_given = posterior["mu"].values[0]
    assert y_pp.shape == (50, 4) and y_pp.max() <= 2.0
    below = mu_given < -1
    assert (y_pp[below].mean(axis=1) < 0).mean() > 0.8
