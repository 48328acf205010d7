import numpy as np
import pytest
import scipy.stats as st

import ppl
from ppl.exceptions import ParameterValueError
from ppl.logprob.dispatch import support_point
from ppl.testing import Rplus, Rplus_nonzero, check_draws, check_icdf, check_logcdf, check_logp


def test_logp_matches_scipy():
    check_logp(ppl.HalfNormal, Rplus, {"sigma": Rplus_nonzero},
               lambda value, sigma: st.halfnorm.logpdf(value, scale=sigma))


def test_logcdf_matches_scipy():
    check_logcdf(ppl.HalfNormal, Rplus, {"sigma": Rplus_nonzero},
                 lambda value, sigma: st.halfnorm.logcdf(value, scale=sigma))


def test_icdf_matches_scipy():
    check_icdf(ppl.HalfNormal, {"sigma": Rplus_nonzero},
               lambda q, sigma: st.halfnorm.ppf(q, scale=sigma))


def test_tau_parameterization_matches_scipy():
    # tau = 1 / sigma**2, so tau = 4 is sigma = 0.5; the whole tau grid is compared
    check_logp(ppl.HalfNormal, Rplus, {"tau": Rplus_nonzero},
               lambda value, tau: st.halfnorm.logpdf(value, scale=tau**-0.5))
    got = ppl.logp(ppl.HalfNormal.dist(tau=4.0), 0.3).eval()
    np.testing.assert_allclose(got, st.halfnorm.logpdf(0.3, scale=0.5), rtol=1e-7)


def test_default_sigma_is_one():
    np.testing.assert_allclose(ppl.logp(ppl.HalfNormal.dist(), 0.7).eval(), st.halfnorm.logpdf(0.7))


def test_sigma_and_tau_together_is_an_error():
    with pytest.raises(ParameterValueError, match="HalfNormal: give sigma or tau, not both"):
        ppl.HalfNormal.dist(sigma=1.0, tau=1.0)


@pytest.mark.parametrize("kwargs, text", [
    ({"sigma": -1.0}, "parameter sigma is -1.0, expected sigma > 0"),
    ({"tau": 0.0}, "parameter tau is 0.0, expected tau > 0"),
])
def test_invalid_literal_names_distribution_variable_and_value(kwargs, text):
    with ppl.Model():
        with pytest.raises(ParameterValueError, match=f"HalfNormal 'x': {text}"):
            ppl.HalfNormal("x", **kwargs)


def test_draws_match_scipy():
    check_draws(ppl.HalfNormal, {"sigma": 2.0}, st.halfnorm(scale=2.0))


def test_default_transform_is_log():
    with ppl.Model() as m:
        ppl.HalfNormal("x", sigma=2.0)
    assert [v.name for v in m.value_vars] == ["x_log__"]


def test_support_point_shape_and_support():
    rv = ppl.HalfNormal.dist(sigma=np.array([1.0, 2.0]), shape=(3, 2))
    point = support_point(rv).eval()
    assert point.shape == (3, 2)
    assert np.all(np.isfinite(ppl.logp(rv, point).eval()))


def test_logcdf_upper_tail_is_accurate():
    # cdf = 1 - 1.5e-23: log(erf(z)) rounds to 0, log1p(-erfc(z)) keeps the digits
    expected = np.log1p(-st.halfnorm.sf(10.0))
    np.testing.assert_allclose(ppl.logcdf(ppl.HalfNormal.dist(), 10.0).eval(), expected, rtol=1e-7)
