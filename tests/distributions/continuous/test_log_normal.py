import numpy as np
import pytest
import scipy.stats as st

import ppl
from ppl.exceptions import ParameterValueError
from ppl.logprob.dispatch import support_point
from ppl.testing import Rfinite, Rplus, Rplus_nonzero, check_draws, check_icdf, check_logcdf, check_logp


def test_logp_matches_scipy():
    check_logp(ppl.LogNormal, Rplus, {"mu": Rfinite, "sigma": Rplus_nonzero},
               lambda value, mu, sigma: st.lognorm.logpdf(value, sigma, scale=np.exp(mu)))


def test_logcdf_matches_scipy():
    check_logcdf(ppl.LogNormal, Rplus, {"mu": Rfinite, "sigma": Rplus_nonzero},
                 lambda value, mu, sigma: st.lognorm.logcdf(value, sigma, scale=np.exp(mu)))


def test_icdf_matches_scipy():
    check_icdf(ppl.LogNormal, {"mu": Rfinite, "sigma": Rplus_nonzero},
               lambda q, mu, sigma: st.lognorm.ppf(q, sigma, scale=np.exp(mu)))


def test_tau_parameterization_matches_scipy():
    # tau = 1 / sigma**2 (tau = 4 -> sigma = 0.5)
    check_logp(ppl.LogNormal, Rplus, {"mu": Rfinite, "tau": Rplus_nonzero},
               lambda value, mu, tau: st.lognorm.logpdf(value, tau**-0.5, scale=np.exp(mu)))
    got = ppl.logp(ppl.LogNormal.dist(mu=0.5, tau=4.0), 1.3).eval()
    np.testing.assert_allclose(got, st.lognorm.logpdf(1.3, 0.5, scale=np.exp(0.5)), rtol=1e-7)


def test_sigma_and_tau_together_is_an_error():
    with pytest.raises(ParameterValueError, match="LogNormal: give sigma or tau, not both"):
        ppl.LogNormal.dist(sigma=1.0, tau=1.0)


@pytest.mark.parametrize("kwargs, text", [
    ({"sigma": -1.0}, "parameter sigma is -1.0, expected sigma > 0"),
    ({"tau": 0.0}, "parameter tau is 0.0, expected tau > 0"),
])
def test_invalid_literal_names_distribution_variable_and_value(kwargs, text):
    with ppl.Model():
        with pytest.raises(ParameterValueError, match=f"LogNormal 'y': {text}"):
            ppl.LogNormal("y", **kwargs)


def test_draws_match_scipy():
    check_draws(ppl.LogNormal, {"mu": 0.5, "sigma": 0.75}, st.lognorm(0.75, scale=np.exp(0.5)))


def test_default_transform_is_log():
    with ppl.Model() as m:
        ppl.LogNormal("y")
    assert [v.name for v in m.value_vars] == ["y_log__"]


def test_support_point_is_mean_broadcast():
    rv = ppl.LogNormal.dist(mu=np.array([0.0, 1.0]), sigma=0.5, shape=(3, 2))
    np.testing.assert_allclose(support_point(rv).eval(), np.tile(np.exp([0.125, 1.125]), (3, 1)))


def test_logcdf_tails_are_accurate():
    x = np.exp(np.array([-10.0, 10.0]))
    expected = [st.lognorm.logcdf(x[0], 1.0), np.log1p(-st.lognorm.sf(x[1], 1.0))]
    np.testing.assert_allclose(ppl.logcdf(ppl.LogNormal.dist(), x).eval(), expected, rtol=1e-7)
