import numpy as np
import pytensor
import pytensor.tensor as pt
import pytest
import scipy.stats as st

import ppl
from ppl.exceptions import ModelError, ParameterValueError
from ppl.logprob.dispatch import support_point
from ppl.testing import Domain, Nat, R, Rfinite, Rplus_nonzero, check_logcdf, check_logp
from tests.statistical._checks import assert_converged, assert_mean_sd, draws_of, sample_quietly

LOWER = Domain((-np.inf, -2.1, 0.0))
UPPER = Domain((0.5, 2.1, np.inf))


class CensoredNormal:
    __name__ = "Censored(Normal)"

    @staticmethod
    def dist(mu, sigma, lower, upper, **kwargs):
        return ppl.Censored.dist(ppl.Normal.dist(mu, sigma), lower=lower, upper=upper, **kwargs)


def _censored_normal(value, mu, sigma, lower, upper):
    res = np.where(
        value == lower, st.norm.logcdf(lower, mu, sigma), st.norm.logpdf(value, mu, sigma)
    )
    res = np.where(value == upper, st.norm.logsf(upper, mu, sigma), res)
    return np.where((value < lower) | (value > upper), -np.inf, res)


def test_logp_is_logcdf_logsf_and_logpdf():
    # The value grid includes the censoring points -2.1, 0 and 2.1 (the point masses)
    values = Domain((-np.inf, -100.0, -2.1, -1.0, 0.0, 0.3, 0.5, 2.1, 100.0, np.inf))
    params = {"mu": Rfinite, "sigma": Rplus_nonzero, "lower": LOWER, "upper": UPPER}
    check_logp(CensoredNormal, values, params, _censored_normal, n_samples=120)


def test_logcdf():
    def reference(value, mu, sigma, lower, upper):
        res = np.where(value < lower, -np.inf, st.norm.logcdf(value, mu, sigma))
        return np.where(value >= upper, 0.0, res)

    params = {"mu": Rfinite, "sigma": Rplus_nonzero, "lower": LOWER, "upper": UPPER}
    check_logcdf(CensoredNormal, R, params, reference, n_samples=60)


class CensoredPoisson:
    __name__ = "Censored(Poisson)"

    @staticmethod
    def dist(mu, upper, **kwargs):
        return ppl.Censored.dist(ppl.Poisson.dist(mu), lower=None, upper=upper, **kwargs)


def test_discrete_upper_censoring_keeps_the_mass_at_the_bound():
    def reference(value, mu, upper):
        res = np.where(
            value == upper, st.poisson.logsf(upper - 1, mu), st.poisson.logpmf(value, mu)
        )
        return np.where(value > upper, -np.inf, res)

    params = {"mu": Domain((0.5, 3.0, 20.0), outside=(-1.0,)), "upper": Domain((2.0, 5.0, 30.0))}
    check_logp(CensoredPoisson, Nat, params, reference)
    x = CensoredPoisson.dist(3.0, 5)
    assert x.dtype == "int64"
    draws = ppl.draw(x, draws=500, random_seed=2)
    assert draws.max() == 5
    np.testing.assert_allclose((draws == 5).mean(), st.poisson.sf(4, 3.0), atol=0.05)


def test_draws_are_clipped_with_point_masses_at_the_bounds():
    x = CensoredNormal.dist(1.0, 2.0, -1.0, 2.0, size=4000)
    draws = ppl.draw(x, random_seed=1)
    assert draws.min() == -1.0 and draws.max() == 2.0
    np.testing.assert_allclose((draws == 2.0).mean(), st.norm.sf(2.0, 1.0, 2.0), atol=0.02)
    np.testing.assert_allclose((draws == -1.0).mean(), st.norm.cdf(-1.0, 1.0, 2.0), atol=0.02)
    inside = draws[(draws > -1.0) & (draws < 2.0)]
    reference = st.truncnorm(-1.0, 0.5, loc=1.0, scale=2.0)
    assert st.kstest(inside, reference.cdf).pvalue > 0.001


def test_support_point_is_clipped_and_no_transform():
    assert float(support_point(CensoredNormal.dist(5.0, 1.0, -1.0, 2.0)).eval()) == 2.0
    with ppl.Model() as model:
        c = ppl.Censored("c", ppl.Normal.dist(0.0, 1.0), lower=-1.0, upper=1.0, shape=3)
    assert model.rvs_to_transforms[c] is None
    np.testing.assert_array_equal(model.initial_point()["c"], np.zeros(3))


def test_invalid_arguments_are_named():
    with ppl.Model():
        with pytest.raises(
            ParameterValueError, match=r"Censored 'x': lower is 1.0 and upper is 0.0"
        ):
            ppl.Censored("x", ppl.Normal.dist(), lower=1.0, upper=0.0)
        with pytest.raises(ModelError, match=r"Censored 'y'.*univariate"):
            ppl.Censored("y", ppl.Dirichlet.dist(np.ones(3)), lower=0.0)
    lower = pt.dscalar("lower")
    logp = pytensor.function([lower], ppl.logp(CensoredNormal.dist(0.0, 1.0, lower, 0.0), -0.5))
    with pytest.raises(ParameterValueError, match="Censored.*lower <= upper"):
        logp(1.0)


# --- posterior ----------------------------------------------------------------------------------

A_PRIOR, B_PRIOR = 2.0, 1.0  # Gamma(shape, rate) prior of the exponential rate
CENSOR_AT = 1.5


@pytest.mark.slow
def test_right_censored_survival_times_recover_the_rate():
    # Exponential(lam) survival times censored at c: the likelihood is lam^d exp(-lam T) with d
    # the number of observed events and T the total time at risk, so the posterior of lam is
    # Gamma(A + d, B + T): exact moments, and the true rate lies in its bulk.
    true_lam = 0.8
    rng = np.random.default_rng(5)
    y = np.minimum(rng.exponential(1 / true_lam, size=50), CENSOR_AT)
    events, at_risk = int((y < CENSOR_AT).sum()), float(y.sum())
    posterior = st.gamma(A_PRIOR + events, scale=1 / (B_PRIOR + at_risk))
    with ppl.Model():
        lam = ppl.Gamma("lam", alpha=A_PRIOR, beta=B_PRIOR)
        ppl.Censored("y", ppl.Exponential.dist(lam), lower=None, upper=CENSOR_AT, observed=y)
        idata = sample_quietly(ppl, draws=400, tune=300, random_seed=77)
    assert_converged(idata, "lam", label="censored")
    assert_mean_sd(draws_of(idata, "lam"), posterior.mean(), posterior.std(), label="censored lam")
    assert abs(true_lam - posterior.mean()) < 3 * posterior.std()
