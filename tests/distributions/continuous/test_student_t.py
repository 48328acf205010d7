import numpy as np
import pytest
import scipy.stats as st

import ppl
from ppl.exceptions import ParameterValueError
from ppl.logprob.dispatch import support_point
from ppl.testing import R, Rfinite, Rplus_nonzero, check_draws, check_logcdf, check_logp


def test_logp_matches_scipy():
    check_logp(ppl.StudentT, R, {"nu": Rplus_nonzero, "mu": Rfinite, "sigma": Rplus_nonzero},
               lambda value, nu, mu, sigma: st.t.logpdf(value, nu, mu, sigma))


def test_logcdf_matches_scipy():
    check_logcdf(ppl.StudentT, R, {"nu": Rplus_nonzero, "mu": Rfinite, "sigma": Rplus_nonzero},
                 lambda value, nu, mu, sigma: st.t.logcdf(value, nu, mu, sigma))


def test_logcdf_far_tails_are_accurate():
    # nu = 3: both tails, where 1 - cdf or cdf is ~1e-12 and a naive formula loses all digits
    rv = ppl.StudentT.dist(nu=3.0, mu=0.0, sigma=1.0)
    x = np.array([-1e4, 1e4])
    np.testing.assert_allclose(ppl.logcdf(rv, x).eval(), st.t.logcdf(x, 3.0), rtol=1e-7)


def test_lam_parameterization_matches_scipy():
    # lam is the precision: sigma = lam ** -0.5 (lam = 4 -> sigma = 0.5)
    check_logp(ppl.StudentT, R, {"nu": Rplus_nonzero, "mu": Rfinite, "lam": Rplus_nonzero},
               lambda value, nu, mu, lam: st.t.logpdf(value, nu, mu, lam**-0.5))
    got = ppl.logp(ppl.StudentT.dist(nu=3.0, mu=1.0, lam=4.0), 0.3).eval()
    np.testing.assert_allclose(got, st.t.logpdf(0.3, 3.0, 1.0, 0.5), rtol=1e-7)


def test_sigma_and_lam_together_is_an_error():
    with pytest.raises(ParameterValueError, match="StudentT: give sigma or lam, not both"):
        ppl.StudentT.dist(nu=3.0, sigma=1.0, lam=1.0)


@pytest.mark.parametrize("kwargs, text", [
    ({"nu": -1.0}, "parameter nu is -1.0, expected nu > 0"),
    ({"nu": 3.0, "sigma": 0.0}, "parameter sigma is 0.0, expected sigma > 0"),
    ({"nu": 3.0, "lam": -2.0}, "parameter lam is -2.0, expected lam > 0"),
])
def test_invalid_literal_names_distribution_variable_and_value(kwargs, text):
    with ppl.Model():
        with pytest.raises(ParameterValueError, match=f"StudentT 'x': {text}"):
            ppl.StudentT("x", **kwargs)


def test_draws_match_scipy():
    check_draws(ppl.StudentT, {"nu": 4.0, "mu": 1.5, "sigma": 2.0}, st.t(4.0, 1.5, 2.0))


def test_no_default_transform():
    with ppl.Model() as m:
        ppl.StudentT("x", nu=3.0)
    assert [v.name for v in m.value_vars] == ["x"]


def test_support_point_is_mu_broadcast():
    rv = ppl.StudentT.dist(nu=3.0, mu=np.array([1.0, -2.0]), sigma=2.0, shape=(3, 2))
    np.testing.assert_array_equal(support_point(rv).eval(), np.tile([1.0, -2.0], (3, 1)))
