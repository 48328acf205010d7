"""Imputation of missing observed values, checked against exact posteriors.

* Conjugate normal: y_i ~ Normal(mu, 1), mu ~ Normal(0, 2), some y missing. The posterior of mu
  uses the observed y only, and each missing y is Normal(mean_mu, sqrt(1 + var_mu)) a posteriori.
* The Poisson change-point model of test_compound.py with missing yearly counts: the exact
  posterior of the switch year (by enumeration, rates integrated out) ignores the missing years,
  and each missing count is a mixture over the switch year of negative binomials (the Gamma
  posterior of its segment's rate, mixed with a Poisson). NUTS moves the rates, Metropolis the
  switch year and the missing counts.
"""

import numpy as np
import pytensor.tensor as pt
import pytest
import scipy.stats as st

import ppl
from tests.statistical._checks import (
    assert_converged,
    assert_mean_sd,
    assert_probabilities,
    draws_of,
    sample_quietly,
)
from tests.statistical.test_compound import A, B, T, change_point_data, change_point_posterior

pytestmark = pytest.mark.slow


def test_continuous_imputation_matches_conjugate_posterior():
    rng = np.random.default_rng(11)
    y = rng.normal(1.5, 1.0, size=12)
    missing = np.zeros(12, bool)
    missing[[2, 7, 9]] = True
    y[missing] = np.nan
    precision = 1 / 2.0**2 + (~missing).sum()
    mean_mu, var_mu = np.nansum(y) / precision, 1 / precision
    with ppl.Model():
        mu = ppl.Normal("mu", 0, 2)
        ppl.Normal("y", mu, 1, observed=y)
        idata = sample_quietly(ppl, draws=1500, tune=700, random_seed=5)
    assert_converged(idata, ["mu", "y_unobserved"], label="normal")
    assert_mean_sd(draws_of(idata, "mu"), mean_mu, np.sqrt(var_mu), label="mu")
    imputed = draws_of(idata, "y_unobserved")
    for i in range(3):
        assert_mean_sd(imputed[..., i], mean_mu, np.sqrt(1 + var_mu), label=f"y_unobserved[{i}]")
    full = draws_of(idata, "y")
    np.testing.assert_array_equal(full[..., ~missing], np.broadcast_to(y[~missing], full[..., ~missing].shape))
    np.testing.assert_array_equal(full[..., missing], imputed)


def test_discrete_imputation_in_change_point_model_matches_enumeration():
    y = change_point_data().astype(float)
    missing_years = [3, 13, 22]
    observed = np.ones(T, bool)
    observed[missing_years] = False
    y[~observed] = np.nan
    p_tau, (shape_early, rate_early), (shape_late, rate_late) = change_point_posterior(
        np.nan_to_num(y).astype(int), observed
    )
    with ppl.Model():
        tau = ppl.DiscreteUniform("tau", 0, T - 1)
        early = ppl.Gamma("early", alpha=A, beta=B)
        late = ppl.Gamma("late", alpha=A, beta=B)
        rate = pt.switch(pt.arange(T) < tau, early, late)
        ppl.Poisson("y", rate, observed=y)
        idata = sample_quietly(ppl, draws=3000, tune=1000, random_seed=19)
    assert {"tree_depth", "accept"} <= set(idata.sample_stats.data_vars)
    assert_converged(idata, ["early", "late", "tau"], label="change point")
    assert_probabilities(draws_of(idata, "tau").astype(int), dict(enumerate(p_tau)), label="tau")
    imputed = draws_of(idata, "y_unobserved").astype(int)
    counts = np.arange(60)
    for j, year in enumerate(missing_years):
        # Year `year` uses the early rate when year < tau: given tau, the count is negative
        # binomial with the Gamma posterior (shape, rate) of that segment's rate.
        early_year = year < np.arange(T)
        shape = np.where(early_year, shape_early, shape_late)
        rate_ = np.where(early_year, rate_early, rate_late)
        pmf = (p_tau[:, None] * st.nbinom.pmf(counts[None], shape[:, None], (rate_ / (rate_ + 1))[:, None])).sum(0)
        assert pmf.sum() > 1 - 1e-9
        assert_probabilities(imputed[..., j], dict(enumerate(pmf)), label=f"y_unobserved[{j}] (year {year})")
    full = draws_of(idata, "y")
    np.testing.assert_array_equal(full[..., missing_years], imputed)
