import numpy as np
import pytest
import scipy.stats as st

import ppl
from ppl.exceptions import ParameterValueError
from ppl.logprob.dispatch import support_point
from ppl.testing import Rplus, Rplus_nonzero, check_draws, check_logcdf, check_logp


def _scipy_logpdf(value, alpha, scale):
    # scipy returns nan at x = inf for alpha > 1 (inf - inf); the density there is 0
    return np.where(value == np.inf, -np.inf, st.gamma.logpdf(value, alpha, scale=scale))


@pytest.mark.usefixtures("numba_backend")
def test_logp_matches_scipy():
    check_logp(ppl.Gamma, Rplus, {"alpha": Rplus_nonzero, "beta": Rplus_nonzero},
               lambda value, alpha, beta: _scipy_logpdf(value, alpha, 1 / beta))


def test_logcdf_matches_scipy():
    check_logcdf(ppl.Gamma, Rplus, {"alpha": Rplus_nonzero, "beta": Rplus_nonzero},
                 lambda value, alpha, beta: st.gamma.logcdf(value, alpha, scale=1 / beta))


def test_mu_sigma_parameterization_matches_scipy():
    # alpha = mu**2 / sigma**2, beta = mu / sigma**2
    check_logp(ppl.Gamma, Rplus, {"mu": Rplus_nonzero, "sigma": Rplus_nonzero},
               lambda value, mu, sigma: _scipy_logpdf(value, mu**2 / sigma**2, sigma**2 / mu))
    # mu = 2, sigma = 0.5 -> alpha = 16, beta = 8
    got = ppl.logp(ppl.Gamma.dist(mu=2.0, sigma=0.5), 1.7).eval()
    np.testing.assert_allclose(got, st.gamma.logpdf(1.7, 16.0, scale=1 / 8.0), rtol=1e-7)


@pytest.mark.parametrize("kwargs, given", [
    ({"alpha": 1.0, "beta": 2.0, "mu": 0.5}, "alpha, beta, mu"),
    ({"alpha": 1.0, "sigma": 2.0}, "alpha, sigma"),
    ({"mu": 1.0}, "mu"),
])
def test_incompatible_parameterizations_name_the_parameters(kwargs, given):
    with pytest.raises(ParameterValueError,
                       match=f"Gamma: incompatible parameterization; got {given}. Give exactly one of: "
                             "alpha and beta or mu and sigma"):
        ppl.Gamma.dist(**kwargs)


@pytest.mark.parametrize("kwargs, text", [
    ({"alpha": -1.0, "beta": 2.0}, "parameter alpha is -1.0, expected alpha > 0"),
    ({"alpha": 1.0, "beta": 0.0}, "parameter beta is 0.0, expected beta > 0"),
    ({"mu": -2.0, "sigma": 1.0}, "parameter mu is -2.0, expected mu > 0"),
    ({"mu": 2.0, "sigma": -1.0}, "parameter sigma is -1.0, expected sigma > 0"),
])
def test_invalid_literal_names_distribution_variable_and_value(kwargs, text):
    with ppl.Model():
        with pytest.raises(ParameterValueError, match=f"Gamma 'g': {text}"):
            ppl.Gamma("g", **kwargs)


def test_draws_match_scipy():
    check_draws(ppl.Gamma, {"alpha": 2.5, "beta": 0.5}, st.gamma(2.5, scale=2.0))


def test_default_transform_is_log():
    with ppl.Model() as m:
        ppl.Gamma("g", alpha=2.0, beta=1.0)
    assert [v.name for v in m.value_vars] == ["g_log__"]


def test_support_point_is_mean_broadcast():
    rv = ppl.Gamma.dist(alpha=np.array([1.0, 3.0]), beta=2.0, shape=(3, 2))
    np.testing.assert_allclose(support_point(rv).eval(), np.tile([0.5, 1.5], (3, 1)))


def test_logcdf_upper_tail_is_accurate():
    # cdf = 1 - 1e-20: log(P) rounds to 0, log1p(-Q) keeps the digits
    expected = np.log1p(-st.gamma.sf(50.0, 2.0))
    got = ppl.logcdf(ppl.Gamma.dist(alpha=2.0, beta=1.0), 50.0).eval()
    np.testing.assert_allclose(got, expected, rtol=1e-7)
