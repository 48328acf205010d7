import numpy as np
import pytest
import scipy.stats as st

import ppl
from ppl.exceptions import ParameterValueError
from ppl.logprob.dispatch import support_point
from ppl.testing import Rplus, Rplus_nonzero, check_draws, check_logcdf, check_logp


def test_logp_matches_scipy():
    check_logp(ppl.InverseGamma, Rplus, {"alpha": Rplus_nonzero, "beta": Rplus_nonzero},
               lambda value, alpha, beta: st.invgamma.logpdf(value, alpha, scale=beta))


def test_logcdf_matches_scipy():
    check_logcdf(ppl.InverseGamma, Rplus, {"alpha": Rplus_nonzero, "beta": Rplus_nonzero},
                 lambda value, alpha, beta: st.invgamma.logcdf(value, alpha, scale=beta))


def test_mu_sigma_parameterization_matches_scipy():
    # alpha = 2 + mu**2 / sigma**2, beta = mu * (1 + mu**2 / sigma**2)
    def reference(value, mu, sigma):
        ratio = mu**2 / sigma**2
        return st.invgamma.logpdf(value, 2 + ratio, scale=mu * (1 + ratio))

    check_logp(ppl.InverseGamma, Rplus, {"mu": Rplus_nonzero, "sigma": Rplus_nonzero}, reference)
    # mu = 2, sigma = 1 -> alpha = 6, beta = 10
    got = ppl.logp(ppl.InverseGamma.dist(mu=2.0, sigma=1.0), 1.7).eval()
    np.testing.assert_allclose(got, st.invgamma.logpdf(1.7, 6.0, scale=10.0), rtol=1e-7)


def test_beta_defaults_to_one_with_alpha():
    got = ppl.logp(ppl.InverseGamma.dist(alpha=3.0), 0.7).eval()
    np.testing.assert_allclose(got, st.invgamma.logpdf(0.7, 3.0), rtol=1e-7)


@pytest.mark.parametrize("kwargs, given", [
    ({"alpha": 1.0, "mu": 0.5}, "alpha, mu"),
    ({"beta": 1.0}, "beta"),
    ({"mu": 1.0}, "mu"),
])
def test_incompatible_parameterizations_name_the_parameters(kwargs, given):
    with pytest.raises(ParameterValueError,
                       match=f"InverseGamma: incompatible parameterization; got {given}. Give exactly "
                             "one of: alpha and beta or mu and sigma"):
        ppl.InverseGamma.dist(**kwargs)


@pytest.mark.parametrize("kwargs, text", [
    ({"alpha": -1.0, "beta": 2.0}, "parameter alpha is -1.0, expected alpha > 0"),
    ({"alpha": 1.0, "beta": 0.0}, "parameter beta is 0.0, expected beta > 0"),
    ({"mu": 2.0, "sigma": 0.0}, "parameter sigma is 0.0, expected sigma > 0"),
])
def test_invalid_literal_names_distribution_variable_and_value(kwargs, text):
    with ppl.Model():
        with pytest.raises(ParameterValueError, match=f"InverseGamma 'v': {text}"):
            ppl.InverseGamma("v", **kwargs)


def test_draws_match_scipy():
    check_draws(ppl.InverseGamma, {"alpha": 3.0, "beta": 2.0}, st.invgamma(3.0, scale=2.0))


def test_default_transform_is_log():
    with ppl.Model() as m:
        ppl.InverseGamma("v", alpha=3.0, beta=2.0)
    assert [v.name for v in m.value_vars] == ["v_log__"]


def test_support_point_is_mean_or_mode():
    # alpha > 1: mean beta / (alpha - 1); alpha <= 1: mode beta / (alpha + 1)
    rv = ppl.InverseGamma.dist(alpha=np.array([3.0, 0.5]), beta=3.0, shape=(3, 2))
    np.testing.assert_allclose(support_point(rv).eval(), np.tile([1.5, 2.0], (3, 1)))


def test_logcdf_upper_tail_is_accurate():
    # cdf = 1 - 1.7e-16: log(Q) rounds to 0, log1p(-P) keeps the digits
    expected = np.log1p(-st.invgamma.sf(1e5, 3.0))
    got = ppl.logcdf(ppl.InverseGamma.dist(alpha=3.0, beta=1.0), 1e5).eval()
    np.testing.assert_allclose(got, expected, rtol=1e-7)
