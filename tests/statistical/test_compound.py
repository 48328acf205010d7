"""Mixed discrete/continuous and purely discrete models whose posteriors are known by enumeration.

* A Poisson change-point model: the switch year tau is discrete and the two rates have Gamma
  priors. Integrating each rate out (Gamma-Poisson conjugacy) gives the marginal likelihood of
  every tau in closed form, so the exact posterior of tau is a normalised vector and the exact
  posterior moments of the rates are mixtures over tau of Gamma moments.
* Small Bernoulli and Categorical latent models, coupled by a Potential, whose joint posterior
  is enumerated over all states.

Frequencies are compared with exact probabilities within 4 MCSEs of the indicator means, and
means/sds within 4 MCSEs, after a convergence check (R-hat <= 1.05, ESS >= 50).
"""

import itertools

import numpy as np
import pytensor.tensor as pt
import pytest
import scipy.stats as st
from scipy.special import gammaln

import ppl
from tests.statistical._checks import (
    assert_converged,
    assert_mean_sd,
    assert_probabilities,
    draws_of,
    sample_quietly,
)

pytestmark = pytest.mark.slow

SEED = 7321

# --- change point -------------------------------------------------------------------------------

T = 30
A, B = 2.0, 1.0  # Gamma(shape A, rate B) prior of both rates


def change_point_data() -> np.ndarray:
    rng = np.random.default_rng(4)
    return np.concatenate([rng.poisson(3.5, 14), rng.poisson(1.5, T - 14)])


def change_point_posterior(y: np.ndarray, observed: np.ndarray | None = None):
    """Exact posterior of tau, and the Gamma posterior (shape, rate) of each rate given each tau.

    Year t uses the early rate when t < tau. With rate ~ Gamma(A, B), the marginal likelihood
    of a segment with n observed counts summing to S is B^A Gamma(A + S) / (Gamma(A)
    (B + n)^(A + S)) (up to the factor prod 1/y!, common to every tau). Years outside the
    boolean mask ``observed`` (missing counts) contribute nothing.
    """

    def log_marginal(s, n):
        return A * np.log(B) - gammaln(A) + gammaln(A + s) - (A + s) * np.log(B + n)

    observed = np.ones(T, bool) if observed is None else observed
    taus = np.arange(T)
    cum = np.concatenate([[0], np.cumsum(np.where(observed, y, 0))])
    cum_n = np.concatenate([[0], np.cumsum(observed)])
    s_early, n_early = cum[taus], cum_n[taus]
    s_late, n_late = cum[-1] - cum[taus], cum_n[-1] - cum_n[taus]
    log_post = log_marginal(s_early, n_early) + log_marginal(s_late, n_late)
    p_tau = np.exp(log_post - log_post.max())
    p_tau /= p_tau.sum()
    return p_tau, (A + s_early, B + n_early), (A + s_late, B + n_late)


def change_point_exact(y: np.ndarray, observed: np.ndarray | None = None):
    """Exact posterior of tau, and exact means/sds of the early and late rates."""
    p_tau, early, late = change_point_posterior(y, observed)

    def mixture_moments(shape, rate):
        mean = np.sum(p_tau * shape / rate)
        second = np.sum(p_tau * shape * (shape + 1) / rate**2)
        return mean, np.sqrt(second - mean**2)

    return p_tau, mixture_moments(*early), mixture_moments(*late)


def change_point_model(y):
    with ppl.Model() as model:
        tau = ppl.DiscreteUniform("tau", 0, T - 1)
        early = ppl.Gamma("early", alpha=A, beta=B)
        late = ppl.Gamma("late", alpha=A, beta=B)
        rate = pt.switch(pt.arange(T) < tau, early, late)
        ppl.Poisson("y", rate, observed=y)
    return model


def _check_change_point(idata, y, label):
    p_tau, (early_mean, early_sd), (late_mean, late_sd) = change_point_exact(y)
    assert_converged(idata, ["early", "late"], label=label)
    # tau is discrete: R-hat/ESS of its indicator bins are covered by their MCSE, but also ask
    # for a converged run on tau itself (its ESS as a number).
    assert_converged(idata, ["tau"], label=label)
    tau = draws_of(idata, "tau").astype(int)
    assert_probabilities(tau, dict(enumerate(p_tau)), label=f"{label} tau")
    assert_mean_sd(draws_of(idata, "early"), early_mean, early_sd, label=f"{label} early")
    assert_mean_sd(draws_of(idata, "late"), late_mean, late_sd, label=f"{label} late")


def test_change_point_exact_posterior_is_spread_out():
    # The test is only informative if tau has several plausible values.
    p_tau, _, _ = change_point_exact(change_point_data())
    assert np.isclose(p_tau.sum(), 1.0)
    assert np.sum(p_tau > 0.05) >= 4


def test_change_point_automatic_compound_step():
    y = change_point_data()
    with change_point_model(y):
        idata = sample_quietly(ppl, draws=2000, tune=1000, random_seed=SEED)
    stats = idata.sample_stats
    # NUTS moved the rates, Metropolis the switch point: both samplers' stats are recorded.
    assert {"tree_depth", "diverging", "step_size"} <= set(stats.data_vars)
    assert {"accept", "accepted", "scaling"} <= set(stats.data_vars)
    assert 0.05 < float(stats["accepted"].mean()) < 0.95
    assert int(stats["diverging"].sum()) == 0
    _check_change_point(idata, y, "auto")


def test_change_point_user_assignment_is_completed_automatically():
    y = change_point_data()
    with change_point_model(y) as model:
        steps = [ppl.Metropolis([model["tau"]]), ppl.Slice([model["late"]])]
        idata = sample_quietly(ppl, step=steps, draws=2000, tune=1000, random_seed=SEED + 1)
    stats = set(idata.sample_stats.data_vars)
    # Metropolis (tau), Slice (late) and the automatically added NUTS (early).
    assert {"accept", "nstep_out", "nstep_in", "tree_depth"} <= stats
    _check_change_point(idata, y, "user")


# --- discrete latent models ---------------------------------------------------------------------


def _enumerate(log_density, choices):
    states = list(itertools.product(*choices))
    logp = np.array([log_density(np.array(s)) for s in states])
    probs = np.exp(logp - logp.max())
    return dict(zip(states, probs / probs.sum(), strict=True))


def _states(idata, name):
    draws = draws_of(idata, name).astype(int)
    out = np.empty(draws.shape[:2], dtype=object)
    for c, d in np.ndindex(out.shape):
        out[c, d] = tuple(draws[c, d])
    return out


P_BINARY = np.array([0.3, 0.5, 0.7])
Y_BINARY = np.array([0.2, -0.4, 1.1])


def _binary_coupling(z):
    return 0.8 * z[0] * z[1] - 1.2 * z[1] * z[2]


def test_binary_gibbs_metropolis_matches_enumeration():
    def log_density(z):
        return (
            st.bernoulli.logpmf(z, P_BINARY).sum()
            + st.norm.logpdf(Y_BINARY, 2 * z - 1, 1).sum()
            + _binary_coupling(z)
        )

    exact = _enumerate(log_density, [(0, 1)] * 3)
    with ppl.Model():
        z = ppl.Bernoulli("z", p=P_BINARY, shape=3)
        ppl.Normal("y", 2 * z - 1, 1.0, observed=Y_BINARY)
        ppl.Potential("coupling", _binary_coupling(z))
        idata = sample_quietly(
            ppl, step=ppl.BinaryGibbsMetropolis([z]), draws=3000, tune=200, random_seed=SEED
        )
    assert_converged(idata, "z", label="binary")
    assert_probabilities(_states(idata, "z"), exact, label="binary")


P_CATEGORICAL = np.array([0.2, 0.3, 0.5])
MEANS = np.array([-1.0, 0.0, 2.0])
Y_CATEGORICAL = np.array([0.3, -0.6])


def test_categorical_gibbs_metropolis_matches_enumeration():
    def log_density(c):
        return (
            np.log(P_CATEGORICAL[c]).sum()
            + st.norm.logpdf(Y_CATEGORICAL, MEANS[c], 1).sum()
            + 0.7 * (c[0] == c[1])
        )

    exact = _enumerate(log_density, [(0, 1, 2)] * 2)
    with ppl.Model():
        c = ppl.Categorical("c", p=P_CATEGORICAL, shape=2)
        ppl.Normal("y", pt.as_tensor(MEANS)[c], 1.0, observed=Y_CATEGORICAL)
        ppl.Potential("coupling", 0.7 * pt.eq(c[0], c[1]))
        idata = sample_quietly(
            ppl, step=ppl.CategoricalGibbsMetropolis([c]), draws=3000, tune=200, random_seed=SEED
        )
    assert_converged(idata, "c", label="categorical")
    assert_probabilities(_states(idata, "c"), exact, label="categorical")
