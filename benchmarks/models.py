"""Benchmark models, with data simulated from fixed seeds (identical across systems)."""

import numpy as np
from model_data import (
    EIGHT_SIGMA,
    EIGHT_Y,
    ark_data,
    eight_schools_centered_data,
    gaussian_scales,
    hierarchical_data,
    kidiq_interaction_data,
    linear_regression_data,
    logistic_regression_data,
)

import ppl


def eight_schools_noncentered():
    with ppl.Model() as model:
        mu = ppl.Normal("mu", 0.0, 5.0)
        tau = ppl.HalfCauchy("tau", 5.0)
        theta_tilde = ppl.Normal("theta_tilde", 0.0, 1.0, shape=8)
        theta = ppl.Deterministic("theta", mu + tau * theta_tilde)
        ppl.Normal("y", theta, EIGHT_SIGMA, observed=EIGHT_Y)
    return model


def linear_regression(n=1000, k=10):
    X, y = linear_regression_data(n, k)
    with ppl.Model() as model:
        alpha = ppl.Normal("alpha", 0.0, 10.0)
        beta = ppl.Normal("beta", 0.0, 1.0, shape=k)
        sigma = ppl.HalfNormal("sigma", 1.0)
        ppl.Normal("y", alpha + X @ beta, sigma, observed=y)
    return model


def logistic_regression(n=5000, k=25):
    X, y = logistic_regression_data(n, k)
    with ppl.Model() as model:
        alpha = ppl.Normal("alpha", 0.0, 5.0)
        beta = ppl.Normal("beta", 0.0, 1.0, shape=k)
        ppl.Bernoulli("y", logit_p=alpha + X @ beta, observed=y)
    return model


def hierarchical(groups=85, n=900):
    group, x, y = hierarchical_data(groups, n)
    with ppl.Model(coords={"group": np.arange(groups)}) as model:
        mu_a = ppl.Normal("mu_a", 0.0, 10.0)
        sigma_a = ppl.HalfNormal("sigma_a", 1.0)
        a_offset = ppl.Normal("a_offset", 0.0, 1.0, dims="group")
        a = ppl.Deterministic("a", mu_a + sigma_a * a_offset, dims="group")
        b = ppl.Normal("b", 0.0, 1.0)
        sigma_y = ppl.HalfNormal("sigma_y", 1.0)
        ppl.Normal("y", a[group] + b * x, sigma_y, observed=y)
    return model


def gaussian_scaled(dim=100):
    """Independent Gaussian, scales 0.01..100: a stress test of the mass-matrix adaptation."""
    with ppl.Model() as model:
        ppl.Normal("x", 0.0, gaussian_scales(dim), shape=dim)
    return model


def eight_schools_centered():
    """posteriordb eight_schools-eight_schools_centered (funnel: divergences expected)."""
    y, sigma = eight_schools_centered_data()
    with ppl.Model() as model:
        mu = ppl.Normal("mu", 0.0, 5.0)
        tau = ppl.HalfCauchy("tau", 5.0)
        theta = ppl.Normal("theta", mu, tau, shape=8)
        ppl.Normal("y", theta, sigma, observed=y)
    return model


def kidiq_interaction():
    """posteriordb kidiq-kidscore_interaction: flat prior on the coefficients."""
    kid_score, mom_hs, mom_iq = kidiq_interaction_data()
    with ppl.Model() as model:
        beta = ppl.Flat("beta", shape=4)
        sigma = ppl.HalfCauchy("sigma", 2.5)
        mu = beta[0] + beta[1] * mom_hs + beta[2] * mom_iq + beta[3] * mom_hs * mom_iq
        ppl.Normal("kid_score", mu, sigma, observed=kid_score)
    return model


def ark():
    """posteriordb arK-arK: AR(5), T = 200, conditional on the first 5 values."""
    lags, target = ark_data()
    with ppl.Model() as model:
        alpha = ppl.Normal("alpha", 0.0, 10.0)
        beta = ppl.Normal("beta", 0.0, 10.0, shape=lags.shape[1])
        sigma = ppl.HalfCauchy("sigma", 2.5)
        ppl.Normal("y", alpha + lags @ beta, sigma, observed=target)
    return model


MODELS = {
    "eight_schools_noncentered": eight_schools_noncentered,
    "linear_regression_1000x10": linear_regression,
    "logistic_regression_5000x25": logistic_regression,
    "hierarchical_85x900": hierarchical,
    "gaussian_100_scaled": gaussian_scaled,
    "eight_schools_centered": eight_schools_centered,
    "kidiq_interaction": kidiq_interaction,
    "arK": ark,
}
