"""Benchmark models, with data simulated from fixed seeds (identical across systems)."""

import numpy as np
from model_data import (
    EIGHT_SIGMA,
    EIGHT_Y,
    hierarchical_data,
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


MODELS = {
    "eight_schools_noncentered": eight_schools_noncentered,
    "linear_regression_1000x10": linear_regression,
    "logistic_regression_5000x25": logistic_regression,
    "hierarchical_85x900": hierarchical,
}
