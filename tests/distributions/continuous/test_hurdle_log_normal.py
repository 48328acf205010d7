import numpy as np
import pytensor
import pytest
import scipy.stats as st

import ppl
from ppl.exceptions import ParameterValueError
from ppl.logprob.dispatch import support_point
from ppl.testing import Domain, Rplus, Rplus_nonzero, Unit, check_logcdf, check_logp


@pytest.fixture(autouse=True)
def fast_compile():
    # grids compile with the Python linker; test_default_mode_* covers PyTensor's Numba default
    with pytensor.config.change_flags(mode="FAST_COMPILE"):
        yield


EPS = np.finfo(float).eps  # PyMC truncates the log-normal component to x >= machine epsilon
# mu far below log(EPS) = -36 would put the whole log-normal below EPS (nothing left to truncate)
MU = Domain((-10.0, -2.1, -0.01, 0.0, 1.0, 2.1, 10.0))
PARAMS = {"psi": Unit, "mu": MU, "sigma": Rplus_nonzero}


def _lognormal(mu, sigma):
    return st.lognorm(sigma, scale=np.exp(mu))


def _logp(value, psi, mu, sigma):
    lognormal = _lognormal(mu, sigma)
    positive = np.log(psi) + lognormal.logpdf(value) - lognormal.logsf(EPS)
    return np.where(value == 0, np.log1p(-psi), np.where(value >= EPS, positive, -np.inf))


def _logcdf(value, psi, mu, sigma):
    lognormal = _lognormal(mu, sigma)
    truncated = np.log(lognormal.cdf(value) - lognormal.cdf(EPS)) - lognormal.logsf(EPS)
    positive = np.logaddexp(np.log1p(-psi), np.log(psi) + truncated)
    return np.where(value < EPS, np.log1p(-psi), positive)


def test_logp_matches_scipy():
    check_logp(ppl.HurdleLogNormal, Rplus, PARAMS, _logp)


def test_logcdf_matches_scipy():
    check_logcdf(ppl.HurdleLogNormal, Rplus, PARAMS, _logcdf)


def test_tau_parameterisation_and_defaults():
    values = np.array([0.0, 0.5, 2.0])
    got = ppl.logp(ppl.HurdleLogNormal.dist(psi=0.3, mu=0.2, tau=4.0), values).eval()
    np.testing.assert_allclose(got, _logp(values, 0.3, 0.2, 0.5))
    default = ppl.logp(ppl.HurdleLogNormal.dist(psi=0.3), values).eval()  # mu = 0, sigma = 1
    np.testing.assert_allclose(default, _logp(values, 0.3, 0.0, 1.0))


def test_values_below_machine_epsilon_have_no_density():
    rv = ppl.HurdleLogNormal.dist(psi=0.5, mu=-30.0, sigma=3.0)
    assert ppl.logp(rv, EPS / 2).eval() == -np.inf
    np.testing.assert_allclose(ppl.logp(rv, 1e-13).eval(), _logp(1e-13, 0.5, -30.0, 3.0))


@pytest.mark.parametrize("kwargs, match", [
    ({"psi": -0.5}, r"parameter psi is -0.5, expected 0 <= psi <= 1"),
    ({"psi": 0.5, "sigma": -1.0}, r"parameter sigma is -1.0, expected sigma > 0"),
    ({"psi": 0.5, "sigma": 1.0, "tau": 1.0}, r"give sigma or tau, not both"),
])
def test_invalid_literal_names_distribution_variable_and_value(kwargs, match):
    with ppl.Model():
        with pytest.raises(ParameterValueError, match="HurdleLogNormal 'h': " + match):
            ppl.HurdleLogNormal("h", **kwargs)


def test_free_variable_warns_has_no_transform_and_support_point_in_support():
    with ppl.Model() as m:
        with pytest.warns(UserWarning, match=r"HurdleLogNormal 'h': a free hurdle variable .* point mass"):
            h = ppl.HurdleLogNormal("h", psi=np.array([0.0, 0.5]), mu=1.0, sigma=0.5)
    assert m.rvs_to_transforms[h] is None
    np.testing.assert_allclose(support_point(h).eval(), [0.0, 0.5 * np.exp(1.125)])


def _assert_hurdle_draws(samples, psi, mu, sigma):
    zeros = samples == 0
    assert st.binomtest(int(zeros.sum()), samples.size, 1.0 - psi).pvalue > 1e-3
    assert st.kstest(samples[~zeros], _lognormal(mu, sigma).cdf).pvalue > 1e-3


def test_draws_match_the_hurdle():
    samples = ppl.draw(ppl.HurdleLogNormal.dist(psi=0.6, mu=1.0, sigma=0.7, size=2000), random_seed=7)
    _assert_hurdle_draws(samples, 0.6, 1.0, 0.7)


def test_default_mode_draws_match_the_hurdle():
    with pytensor.config.change_flags(mode="NUMBA"):
        samples = ppl.draw(ppl.HurdleLogNormal.dist(psi=0.3, mu=-1.0, sigma=2.0, size=2000),
                           random_seed=8)
    _assert_hurdle_draws(samples, 0.3, -1.0, 2.0)
