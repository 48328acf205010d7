import numpy as np
import pytensor
import pytest
import scipy.stats as st

import ppl
from ppl.exceptions import ParameterValueError
from ppl.logprob.dispatch import support_point
from ppl.testing import Rplus, Rplus_nonzero, Unit, check_logcdf, check_logp


@pytest.fixture(autouse=True)
def fast_compile():
    # grids compile with the Python linker; test_default_mode_* covers PyTensor's Numba default
    with pytensor.config.change_flags(mode="FAST_COMPILE"):
        yield


EPS = np.finfo(float).eps  # PyMC truncates the gamma component to x >= machine epsilon
PARAMS = {"psi": Unit, "alpha": Rplus_nonzero, "beta": Rplus_nonzero}


def _logp(value, psi, alpha, beta):
    gamma = st.gamma(alpha, scale=1.0 / beta)
    density = np.where(np.isinf(value), -np.inf, gamma.logpdf(value))  # scipy: inf - inf there
    positive = np.log(psi) + density - gamma.logsf(EPS)
    return np.where(value == 0, np.log1p(-psi), np.where(value >= EPS, positive, -np.inf))


def _logcdf(value, psi, alpha, beta):
    gamma = st.gamma(alpha, scale=1.0 / beta)
    truncated = np.log(gamma.cdf(value) - gamma.cdf(EPS)) - gamma.logsf(EPS)
    positive = np.logaddexp(np.log1p(-psi), np.log(psi) + truncated)
    return np.where(value < EPS, np.log1p(-psi), positive)


def test_logp_matches_scipy():
    check_logp(ppl.HurdleGamma, Rplus, PARAMS, _logp)


def test_logcdf_matches_scipy():
    check_logcdf(ppl.HurdleGamma, Rplus, PARAMS, _logcdf)


def test_mu_sigma_parameterisation():
    # mu = 2, sigma = 1  <->  alpha = 4, beta = 2
    values = np.array([0.0, 0.5, 2.0, 7.0])
    got = ppl.logp(ppl.HurdleGamma.dist(psi=0.3, mu=2.0, sigma=1.0), values).eval()
    np.testing.assert_allclose(got, _logp(values, 0.3, 4.0, 2.0))


def test_values_below_machine_epsilon_have_no_density():
    rv = ppl.HurdleGamma.dist(psi=0.5, alpha=0.5, beta=1.0)
    np.testing.assert_array_equal(ppl.logp(rv, np.array([1e-300, EPS / 2])).eval(), [-np.inf, -np.inf])
    np.testing.assert_allclose(ppl.logcdf(rv, EPS / 2).eval(), np.log(0.5))


def test_logcdf_upper_tail_is_accurate():
    got = ppl.logcdf(ppl.HurdleGamma.dist(psi=0.5, alpha=2.0, beta=1.0), 60.0).eval()
    np.testing.assert_allclose(got, -0.5 * st.gamma.sf(60.0, 2.0), rtol=1e-9)


@pytest.mark.parametrize("kwargs, match", [
    ({"psi": 1.5, "alpha": 1.0, "beta": 1.0}, r"parameter psi is 1.5, expected 0 <= psi <= 1"),
    ({"psi": 0.5, "alpha": -1.0, "beta": 1.0}, r"parameter alpha is -1.0, expected alpha > 0"),
    ({"psi": 0.5, "mu": 1.0, "sigma": 0.0}, r"parameter sigma is 0.0, expected sigma > 0"),
])
def test_invalid_literal_names_distribution_variable_and_value(kwargs, match):
    with ppl.Model():
        with pytest.raises(ParameterValueError, match="HurdleGamma 'h': " + match):
            ppl.HurdleGamma("h", **kwargs)


def test_incompatible_parameterisation():
    with pytest.raises(ParameterValueError, match="incompatible parameterization"):
        ppl.HurdleGamma.dist(0.5, alpha=1.0, sigma=1.0)


def test_free_variable_warns_has_no_transform_and_support_point_in_support():
    with ppl.Model() as m:
        with pytest.warns(UserWarning, match=r"HurdleGamma 'h': a free hurdle variable .* point mass"):
            h = ppl.HurdleGamma("h", psi=np.array([0.0, 0.5]), alpha=2.0, beta=0.5)
    assert m.rvs_to_transforms[h] is None
    np.testing.assert_allclose(support_point(h).eval(), [0.0, 2.0])
    assert np.all(np.isfinite(m.compile_logp()(m.initial_point())))


def _assert_hurdle_draws(samples, psi, truncated_cdf):
    zeros = samples == 0
    assert st.binomtest(int(zeros.sum()), samples.size, 1.0 - psi).pvalue > 1e-3
    positive = samples[~zeros]
    assert positive.min() >= EPS
    assert st.kstest(positive, truncated_cdf).pvalue > 1e-3


def _truncated_gamma_cdf(alpha, beta):
    gamma = st.gamma(alpha, scale=1.0 / beta)
    return lambda x: (gamma.cdf(x) - gamma.cdf(EPS)) / gamma.sf(EPS)


@pytest.mark.parametrize("alpha", [2.5, 0.05])  # 0.05: 17% of the gamma draws fall below EPS
def test_draws_match_the_hurdle(alpha):
    samples = ppl.draw(ppl.HurdleGamma.dist(psi=0.6, alpha=alpha, beta=0.5, size=2000), random_seed=5)
    _assert_hurdle_draws(samples, 0.6, _truncated_gamma_cdf(alpha, 0.5))


def test_default_mode_draws_match_the_hurdle():
    with pytensor.config.change_flags(mode="NUMBA"):
        samples = ppl.draw(ppl.HurdleGamma.dist(psi=0.3, alpha=0.05, beta=2.0, size=2000),
                           random_seed=6)
    _assert_hurdle_draws(samples, 0.3, _truncated_gamma_cdf(0.05, 2.0))
