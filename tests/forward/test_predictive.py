"""sample_prior_predictive / sample_posterior_predictive: shapes, moments, seeds, compile once."""

import logging

import numpy as np
import pytensor
import pytest
import xarray as xr

import ppl
from ppl.exceptions import ShapeError
from ppl.forward import predictive

X = np.linspace(-1.0, 1.0, 6)
Y = np.array([0.2, 0.9, 1.1, 2.3, 2.8, 3.9])


def regression(x=X, y=Y):
    with ppl.Model(coords={"obs": np.arange(len(y))}) as m:
        a = ppl.Normal("a", 0, 5)
        b = ppl.Normal("b", 0, 5)
        sigma = ppl.HalfNormal("sigma", 1)
        lin = ppl.Deterministic("lin", a + b * x, dims="obs")
        ppl.Normal("y", lin, sigma, observed=y, dims="obs")
    return m


def fake_posterior(chains=2, draws=300, seed=0):
    """A posterior Dataset (what ppl.sample returns) with known values of a, b, sigma."""
    rng = np.random.default_rng(seed)
    return xr.Dataset(
        {
            "a": (("chain", "draw"), rng.normal(1.5, 0.2, (chains, draws))),
            "b": (("chain", "draw"), rng.normal(2.0, 0.3, (chains, draws))),
            "sigma": (("chain", "draw"), rng.uniform(0.1, 0.5, (chains, draws))),
        },
        coords={"chain": np.arange(chains), "draw": np.arange(draws)},
    )


# -- prior predictive ------------------------------------------------------------------------------


def test_prior_shapes_without_dims():
    with ppl.Model():
        mu = ppl.Normal("mu", 0, 1)
        ppl.Normal("x", mu, 1, observed=[0.1, 0.2, 0.3])
        ppl.Deterministic("d", mu + 1)
        idata = ppl.sample_prior_predictive(draws=20, random_seed=1)
    assert set(idata.groups()) == {"prior", "prior_predictive", "observed_data"}
    assert idata.prior["mu"].shape == (1, 20)
    assert idata.prior["d"].shape == (1, 20)
    assert idata.prior_predictive["x"].shape == (1, 20, 3)
    assert idata.prior_predictive["x"].dims == ("chain", "draw", "x_dim_0")
    np.testing.assert_allclose(idata.observed_data["x"], [0.1, 0.2, 0.3])
    np.testing.assert_allclose(idata.prior["d"], idata.prior["mu"] + 1)


def test_prior_shapes_with_dims_and_var_names():
    with ppl.Model(coords={"g": ["a", "b", "c"]}):
        z = ppl.Normal("z", 0, 1, dims="g")
        ppl.Normal("x", z, 1, observed=[1.0, 2.0, 3.0], dims="g")
        idata = ppl.sample_prior_predictive(draws=10, var_names=["x"], random_seed=2)
    assert "prior" not in idata.groups()
    assert idata.prior_predictive["x"].dims == ("chain", "draw", "g")
    assert list(idata.prior_predictive["g"].values) == ["a", "b", "c"]


def test_prior_batch_broadcasting_each_draw_centred_on_its_mu():
    # mu (5, 1), sigma (1, 10), x (2, 5, 10): draw i of x must use draw i of mu and sigma.
    with ppl.Model(coords={"rep": [0, 1], "row": range(5), "col": range(10)}):
        mu = ppl.Normal("mu", 0, 10, shape=(5, 1))
        sigma = ppl.HalfNormal("sigma", 0.01, shape=(1, 10))
        ppl.Normal("x", mu, sigma, observed=np.zeros((2, 5, 10)), dims=("rep", "row", "col"))
        idata = ppl.sample_prior_predictive(draws=40, random_seed=3)
    x = idata.prior_predictive["x"].values
    mu = idata.prior["mu"].values
    sigma = idata.prior["sigma"].values
    assert x.shape == (1, 40, 2, 5, 10)
    z = (x - mu[:, :, None]) / sigma[:, :, None]
    assert np.abs(z).max() < 6  # |z| > 6 has probability 2e-9 per value
    assert np.std(mu) > 1  # and the draws differ


def test_prior_predictive_moments_match_analytic():
    # mu ~ N(2, 3), x | mu ~ N(mu, 1): x ~ N(2, 10) and cov(mu, x) = 9.
    n = 4000
    with ppl.Model():
        mu = ppl.Normal("mu", 2, 3)
        ppl.Normal("x", mu, 1, observed=0.0)
        idata = ppl.sample_prior_predictive(draws=n, random_seed=4)
    x = idata.prior_predictive["x"].values.ravel()
    mu = idata.prior["mu"].values.ravel()
    assert abs(x.mean() - 2) < 4 * np.sqrt(10 / n)
    assert abs(x.var(ddof=1) - 10) < 4 * 10 * np.sqrt(2 / (n - 1))
    # x - mu ~ N(0, 1), independent of mu.
    assert abs(np.var(x - mu, ddof=1) - 1) < 4 * np.sqrt(2 / (n - 1))
    assert abs(np.corrcoef(x - mu, mu)[0, 1]) < 4 / np.sqrt(n)


def test_prior_is_reproducible_with_seeds():
    m = regression()
    with m:
        first = ppl.sample_prior_predictive(draws=15, random_seed=7)
        again = ppl.sample_prior_predictive(draws=15, random_seed=7)
        other = ppl.sample_prior_predictive(draws=15, random_seed=8)
        from_generator = ppl.sample_prior_predictive(
            draws=15, random_seed=np.random.default_rng(7)
        )
    for group in ("prior", "prior_predictive"):
        for name in first[group].data_vars:
            np.testing.assert_array_equal(first[group][name], again[group][name])
    assert not np.allclose(first.prior_predictive["y"], other.prior_predictive["y"])
    assert from_generator.prior_predictive["y"].shape == (1, 15, 6)


def test_unknown_var_name_is_a_key_error():
    with regression(), pytest.raises(KeyError, match="'sigm'"):
        ppl.sample_prior_predictive(draws=5, var_names=["sigm"])


# -- posterior predictive --------------------------------------------------------------------------


def test_posterior_predictive_matches_linear_predictor_within_mcse():
    posterior = fake_posterior()
    with regression():
        pp = ppl.sample_posterior_predictive(posterior, random_seed=5)
    y = pp.posterior_predictive["y"]
    assert y.dims == ("chain", "draw", "obs")
    assert y.shape == (2, 300, 6)
    lin = posterior["a"].values[..., None] + posterior["b"].values[..., None] * X
    residual = (y.values - lin) / posterior["sigma"].values[..., None]
    # Each standardised residual is N(0, 1) given its own draw: means and sds within MCSE.
    n = residual.shape[0] * residual.shape[1]
    assert np.all(np.abs(residual.mean(axis=(0, 1))) < 4 / np.sqrt(n))
    assert np.all(np.abs(residual.std(axis=(0, 1)) - 1) < 4 / np.sqrt(2 * n))
    np.testing.assert_allclose(
        y.values.mean(axis=(0, 1)), lin.mean(axis=(0, 1)), atol=4 * 0.35 / np.sqrt(n) + 1e-12
    )
    np.testing.assert_allclose(pp.observed_data["y"], Y)


def test_posterior_predictive_recomputes_deterministics():
    posterior = fake_posterior(chains=1, draws=50)
    with regression():
        pp = ppl.sample_posterior_predictive(posterior, var_names=["lin", "y"], random_seed=1)
    lin = posterior["a"].values[..., None] + posterior["b"].values[..., None] * X
    np.testing.assert_allclose(pp.posterior_predictive["lin"], lin)
    assert pp.posterior_predictive["lin"].dims == ("chain", "draw", "obs")


def test_posterior_predictive_is_reproducible_with_seeds():
    posterior = fake_posterior(chains=2, draws=20)
    with regression():
        first = ppl.sample_posterior_predictive(posterior, random_seed=3)
        again = ppl.sample_posterior_predictive(posterior, random_seed=3)
        other = ppl.sample_posterior_predictive(posterior, random_seed=4)
    np.testing.assert_array_equal(first.posterior_predictive["y"], again.posterior_predictive["y"])
    assert not np.allclose(first.posterior_predictive["y"], other.posterior_predictive["y"])


def test_predictions_group_with_new_data():
    x_data = pytensor.shared(X, name="x_data")
    with ppl.Model() as m:
        a = ppl.Normal("a", 0, 5)
        b = ppl.Normal("b", 0, 5)
        sigma = ppl.HalfNormal("sigma", 1)
        ppl.Normal("y", a + b * x_data, sigma, shape=x_data.shape, observed=Y)
    x_data.set_value(np.array([10.0, 20.0]))
    posterior = fake_posterior(chains=1, draws=100)
    with m:
        pred = ppl.sample_posterior_predictive(posterior, predictions=True, random_seed=2)
    assert {"predictions", "predictions_constant_data"} <= set(pred.groups())
    assert "posterior_predictive" not in pred.groups()
    assert pred.predictions["y"].shape == (1, 100, 2)
    np.testing.assert_allclose(pred.predictions_constant_data["x_data"], [10.0, 20.0])
    lin = posterior["a"].values[..., None] + posterior["b"].values[..., None] * np.array([10, 20])
    z = (pred.predictions["y"].values - lin) / posterior["sigma"].values[..., None]
    assert np.abs(z).max() < 6


def test_extend_inferencedata_adds_the_group(tmp_path):
    with regression():
        prior = ppl.sample_prior_predictive(draws=30, random_seed=1)
        prior.add_groups(posterior=prior.prior)
        out = ppl.sample_posterior_predictive(prior, extend_inferencedata=True, random_seed=2)
        assert out is prior
        assert "posterior_predictive" in out.groups()
        assert out.posterior_predictive["y"].shape == (1, 30, 6)
        with pytest.raises(TypeError, match="InferenceData"):
            ppl.sample_posterior_predictive(prior.prior, extend_inferencedata=True)


def test_posterior_shape_mismatch_names_the_variable():
    posterior = fake_posterior(chains=1, draws=5)
    posterior["a"] = (("chain", "draw", "extra"), np.zeros((1, 5, 2)))
    with regression(), pytest.raises(ShapeError, match="'a'.*shape"):
        ppl.sample_posterior_predictive(posterior)


# -- compile once, no per-draw loop ----------------------------------------------------------------


@pytest.fixture
def compile_counter(monkeypatch):
    counts = {"compiled": 0, "calls": 0}
    real = pytensor.function

    def counting_function(*args, **kwargs):
        fn = real(*args, **kwargs)
        counts["compiled"] += 1

        def call(*a, **k):
            counts["calls"] += 1
            return fn(*a, **k)

        return call

    monkeypatch.setattr(pytensor, "function", counting_function)
    return counts


def test_prior_and_posterior_compile_once_and_call_once(compile_counter, caplog):
    with regression(), caplog.at_level(logging.DEBUG, logger=predictive.__name__):
        prior = ppl.sample_prior_predictive(draws=50, random_seed=1)
        assert compile_counter == {"compiled": 1, "calls": 1}
        ppl.sample_posterior_predictive(prior.prior, random_seed=1)
        assert compile_counter == {"compiled": 2, "calls": 2}
    assert "Python loop" not in caplog.text


def test_fallback_loop_when_graph_cannot_be_vectorised(monkeypatch, compile_counter, caplog):
    def refuse(*args, **kwargs):
        raise NotImplementedError("no vectorised form")

    monkeypatch.setattr(predictive, "batch_graph", refuse)
    posterior = fake_posterior(chains=2, draws=10)
    with regression(), caplog.at_level(logging.DEBUG, logger=predictive.__name__):
        prior = ppl.sample_prior_predictive(draws=8, random_seed=1)
        pp = ppl.sample_posterior_predictive(posterior, var_names=["lin", "y"], random_seed=1)
    assert "Python loop" in caplog.text
    assert compile_counter == {"compiled": 2, "calls": 8 + 20}
    assert prior.prior_predictive["y"].shape == (1, 8, 6)
    lin = posterior["a"].values[..., None] + posterior["b"].values[..., None] * X
    np.testing.assert_allclose(pp.posterior_predictive["lin"], lin)
    assert np.std(pp.posterior_predictive["y"].values - lin) > 0.05


@pytest.mark.filterwarnings("ignore::ppl.sampling.to_arviz.SamplingWarning")
def test_posterior_predictive_after_sample_extends_its_inferencedata():
    with regression():
        idata = ppl.sample(
            draws=100, tune=100, chains=2, cores=1, random_seed=1, progressbar=False
        )
        out = ppl.sample_posterior_predictive(idata, extend_inferencedata=True, random_seed=1)
    assert out is idata
    y = out.posterior_predictive["y"].values
    assert y.shape == (2, 100, 6)
    # Given each draw, y - lin is fresh N(0, sigma) noise: its mean has MCSE sqrt(E[sigma^2] / n).
    diff = y - out.posterior["lin"].values
    mcse = np.sqrt(np.mean(out.posterior["sigma"].values ** 2) / (2 * 100))
    assert np.all(np.abs(diff.mean(axis=(0, 1))) < 4 * mcse)


def test_repeated_calls_and_new_data_reuse_the_compiled_function(compile_counter):
    with ppl.Model() as m:
        x = ppl.Data("x", X)
        a = ppl.Normal("a", 0, 5)
        b = ppl.Normal("b", 0, 5)
        ppl.Normal("y", a + b * x, 0.5, shape=x.shape, observed=Y)
    posterior = fake_posterior(chains=1, draws=20)
    with m:
        first = ppl.sample_posterior_predictive(posterior, random_seed=4)
        compiled = compile_counter["compiled"]  # the forward function (and the observed data)
        again = ppl.sample_posterior_predictive(posterior, random_seed=4)
        ppl.set_data({"x": np.array([10.0, 20.0])})
        new = ppl.sample_posterior_predictive(posterior, random_seed=4, predictions=True)
        assert compile_counter["compiled"] == compiled
        prior_a = ppl.sample_prior_predictive(draws=5, random_seed=9)
        assert compile_counter["compiled"] == compiled + 1
        prior_b = ppl.sample_prior_predictive(draws=7, random_seed=9)
        assert compile_counter["compiled"] == compiled + 1
    # A cached function is re-seeded: the same seed gives the same draws.
    xr.testing.assert_equal(first.posterior_predictive, again.posterior_predictive)
    assert new.predictions["y"].shape == (1, 20, 2)
    np.testing.assert_array_equal(prior_a.prior["a"].values[0], prior_b.prior["a"].values[0, :5])


def test_return_inferencedata_false_gives_arrays():
    with regression():
        prior = ppl.sample_prior_predictive(draws=4, random_seed=1, return_inferencedata=False)
        pp = ppl.sample_posterior_predictive(
            fake_posterior(chains=2, draws=3), random_seed=1, return_inferencedata=False
        )
    assert {k: v.shape for k, v in prior.items()} == {
        "a": (4,), "b": (4,), "sigma": (4,), "lin": (4, 6), "y": (4, 6)
    }
    assert {k: v.shape for k, v in pp.items()} == {"y": (2, 3, 6)}


def test_compile_kwargs_select_the_backend():
    with regression():
        c = ppl.sample_prior_predictive(draws=6, random_seed=5, compile_kwargs={"mode": "C"})
        numba = ppl.sample_prior_predictive(draws=6, random_seed=5)
    xr.testing.assert_allclose(c.prior, numba.prior)


def test_fallback_loop_draws_composites_afresh_every_draw(monkeypatch):
    def refuse(*args, **kwargs):
        raise NotImplementedError("no vectorised form")

    monkeypatch.setattr(predictive, "batch_graph", refuse)
    with ppl.Model():
        ppl.Mixture("m", w=[0.5, 0.5], comp_dists=[ppl.Normal.dist(-3, 1), ppl.Normal.dist(3, 1)])
        prior = ppl.sample_prior_predictive(draws=40, random_seed=2)
    draws = prior.prior["m"].values[0]
    assert len(np.unique(draws)) == 40
    assert (draws < 0).any() and (draws > 0).any()
