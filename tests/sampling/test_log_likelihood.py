"""``ppl.compute_log_likelihood`` and the ``log_likelihood`` group used by ArviZ's LOO/WAIC."""

import warnings

import arviz as az
import numpy as np
import pytest
import scipy.stats as st

import ppl
from ppl.exceptions import ModelError

Y = np.array([0.3, -1.2, 2.1, 0.8, 1.5, -0.4])


def _model(coords=True):
    with ppl.Model(coords={"obs": np.arange(6)} if coords else None) as m:
        mu = ppl.Normal("mu", 0, 2)
        sigma = ppl.HalfNormal("sigma", 1.5)
        ppl.Normal("y", mu, sigma, observed=Y, **({"dims": "obs"} if coords else {}))
    return m


def _posterior(m, draws=40):
    idata = ppl.sample_prior_predictive(draws=draws, model=m, random_seed=3)
    idata.add_groups(posterior=idata.prior)
    return idata


def test_pointwise_values_match_scipy_on_the_constrained_scale():
    m = _model()
    idata = _posterior(m)
    out = ppl.compute_log_likelihood(idata, model=m)
    assert out is idata
    ll = idata.log_likelihood["y"]
    assert ll.dims == ("chain", "draw", "obs")
    mu = idata.posterior["mu"].values[..., None]
    sigma = idata.posterior["sigma"].values[..., None]
    np.testing.assert_allclose(ll.values, st.norm.logpdf(Y, mu, sigma), rtol=1e-10)


def test_same_as_the_group_written_by_sample():
    with _model() as m:
        idata = ppl.sample(draws=30, tune=30, chains=2, random_seed=1, progressbar=False,
                           compute_convergence_checks=False, idata_kwargs={"log_likelihood": True})
    expected = idata.log_likelihood["y"].values.copy()
    group = ppl.compute_log_likelihood(idata, model=m, extend_inferencedata=False)
    np.testing.assert_allclose(group["y"].values, expected, rtol=1e-12)
    assert group["y"].dims == ("chain", "draw", "obs")


def test_loo_waic_and_compare_run_on_it():
    m1 = _model()
    with ppl.Model(coords={"obs": np.arange(6)}) as m2:
        ppl.Normal("y", 0.0, ppl.HalfNormal("sigma", 1.5), observed=Y, dims="obs")
    runs = {}
    for name, m in (("free_mean", m1), ("zero_mean", m2)):
        with m:
            idata = ppl.sample(draws=200, tune=200, chains=2, random_seed=2, progressbar=False,
                               compute_convergence_checks=False)
        ppl.compute_log_likelihood(idata, model=m)
        runs[name] = idata
    with warnings.catch_warnings():
        # With 6 observations one is influential: ArviZ rightly warns that its Pareto k (about
        # 0.5-0.85 whatever the seed or number of draws) or WAIC's variance is high. The warnings
        # are ArviZ's diagnostics at work, not a failure of the log-likelihood group.
        warnings.filterwarnings("ignore", message="Estimated shape parameter of Pareto",
                                category=UserWarning)
        warnings.filterwarnings("ignore", message="For one or more samples the posterior variance",
                                category=UserWarning)
        # ArviZ 0.23's compare uses an `inplace=` that pandas deprecates; not ours to fix.
        warnings.filterwarnings("ignore", message="The inplace keyword")
        loo = az.loo(runs["free_mean"], pointwise=True)
        waic = az.waic(runs["zero_mean"])
        table = az.compare(runs)
    assert np.isfinite(loo.elpd_loo) and loo.n_data_points == 6
    assert loo.pareto_k.shape == (6,) and np.isfinite(loo.pareto_k).all()
    assert np.isfinite(waic.elpd_waic)
    assert set(table.index) == {"free_mean", "zero_mean"}


def test_var_names_and_unknown_names():
    with ppl.Model() as m:
        mu = ppl.Normal("mu", 0, 1)
        ppl.Normal("a", mu, 1, observed=[0.1, 0.2])
        ppl.Poisson("b", 3.0, observed=[1, 4, 2])  # depends on no free variable
    idata = _posterior(m, draws=5)
    group = ppl.compute_log_likelihood(idata, model=m, var_names=["b"], extend_inferencedata=False)
    assert list(group.data_vars) == ["b"]
    # The same values at every draw.
    np.testing.assert_allclose(group["b"].values, np.broadcast_to(st.poisson.logpmf([1, 4, 2], 3.0), (1, 5, 3)))
    with pytest.raises(ModelError, match=r"\['mu'\] are not observed variables.*\['a', 'b'\]"):
        ppl.compute_log_likelihood(idata, model=m, var_names=["mu"])


def test_missing_free_variable_in_posterior_is_named():
    m = _model()
    idata = _posterior(m, draws=5)
    del idata.posterior["sigma"]
    with pytest.raises(ModelError, match=r"no draws of the free variables \['sigma'\]"):
        ppl.compute_log_likelihood(idata, model=m)


def test_imputed_model_gives_the_likelihood_of_the_observed_part():
    data = np.array([0.5, np.nan, -0.2])
    with ppl.Model() as m:
        mu = ppl.Normal("mu", 0, 1)
        ppl.Normal("y", mu, 1, observed=data)
    idata = _posterior(m, draws=7)
    ppl.compute_log_likelihood(idata, model=m)
    assert list(idata.log_likelihood.data_vars) == ["y_observed"]
    mu = idata.posterior["mu"].values[..., None]
    np.testing.assert_allclose(idata.log_likelihood["y_observed"].values, st.norm.logpdf([0.5, -0.2], mu, 1))


def test_many_draws_are_evaluated_in_chunks(monkeypatch):
    from ppl.sampling import log_likelihood

    monkeypatch.setattr(log_likelihood, "CHUNK_DRAWS", 7)
    m = _model(coords=False)
    idata = _posterior(m, draws=30)
    ll = ppl.compute_log_likelihood(idata, model=m, extend_inferencedata=False)["y"].values
    mu, sigma = idata.posterior["mu"].values[..., None], idata.posterior["sigma"].values[..., None]
    np.testing.assert_allclose(ll, st.norm.logpdf(Y, mu, sigma), rtol=1e-10)
