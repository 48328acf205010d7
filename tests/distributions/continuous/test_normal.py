import numpy as np
import pytest
import scipy.stats as st

import ppl
from ppl.exceptions import ParameterValueError
from ppl.testing import R, Rfinite, Rplus_nonzero, check_draws, check_icdf, check_logcdf, check_logp


def test_logp_matches_scipy():
    check_logp(ppl.Normal, R, {"mu": Rfinite, "sigma": Rplus_nonzero},
               lambda value, mu, sigma: st.norm.logpdf(value, mu, sigma))


def test_logcdf_matches_scipy():
    check_logcdf(ppl.Normal, R, {"mu": Rfinite, "sigma": Rplus_nonzero},
                 lambda value, mu, sigma: st.norm.logcdf(value, mu, sigma), rtol=1e-6)


def test_icdf_matches_scipy():
    check_icdf(ppl.Normal, {"mu": Rfinite, "sigma": Rplus_nonzero},
               lambda q, mu, sigma: st.norm.ppf(q, mu, sigma), rtol=1e-6)


def test_tau_parameterization():
    # tau = 4 -> sigma = 0.5
    got = ppl.logp(ppl.Normal.dist(1.0, tau=4.0), 0.3).eval()
    np.testing.assert_allclose(got, st.norm.logpdf(0.3, 1.0, 0.5))


def test_exact_value_from_spec():
    np.testing.assert_allclose(ppl.logp(ppl.Normal.dist(0, 5), 2.5).eval(), -2.65337645, atol=1e-8)


def test_sigma_and_tau_together_is_an_error():
    with pytest.raises(ParameterValueError, match="sigma or tau"):
        ppl.Normal.dist(0, sigma=1.0, tau=1.0)


def test_invalid_literal_sigma_names_parameter_and_value():
    with ppl.Model():
        with pytest.raises(ParameterValueError, match=r"Normal 'x': parameter sigma is -1.0, expected sigma > 0"):
            ppl.Normal("x", 0, -1)


def test_draws_match_scipy():
    check_draws(ppl.Normal, {"mu": 1.5, "sigma": 2.0}, st.norm(1.5, 2.0))


def test_support_point_is_mu_broadcast():
    with ppl.Model() as m:
        ppl.Normal("x", mu=np.array([1.0, 2.0]), sigma=1.0, shape=(3, 2))
    np.testing.assert_array_equal(m.initial_point()["x"], np.tile([1.0, 2.0], (3, 1)))
