import numpy as np
import pytest
import scipy.stats as st

import ppl
from ppl.exceptions import ParameterValueError
from ppl.logprob.dispatch import support_point
from ppl.testing import R, Rfinite, Rplus_nonzero, check_draws, check_icdf, check_logcdf, check_logp

QUICK = {"mode": "FAST_COMPILE"}
PARAMS = {"mu": Rfinite, "s": Rplus_nonzero}


def _unless_underflow(reference, exact_tail):
    # scipy returns -inf once exp(-|z|) underflows (|z| > ~745); the log tail is exact there
    return np.where(np.isneginf(reference) & np.isfinite(exact_tail), exact_tail, reference)


def _logpdf(value, mu, s):
    z = np.abs(value - mu) / s
    return _unless_underflow(st.logistic.logpdf(value, mu, s), -z - np.log(s))


def _logcdf(value, mu, s):
    z = (value - mu) / s
    return _unless_underflow(st.logistic.logcdf(value, mu, s), np.where(z < 0, z, np.nan))


def test_logp_matches_scipy():
    check_logp(ppl.Logistic, R, PARAMS, _logpdf)


def test_logcdf_matches_scipy():
    check_logcdf(ppl.Logistic, R, PARAMS, _logcdf)


def test_icdf_matches_scipy():
    check_icdf(ppl.Logistic, PARAMS, lambda q, mu, s: st.logistic.ppf(q, mu, s))


def test_defaults_are_standard_logistic():
    rv = ppl.Logistic.dist()
    np.testing.assert_allclose(ppl.logp(rv, 0.3).eval(**QUICK), st.logistic.logpdf(0.3), rtol=1e-12)


def test_invalid_literal_names_distribution_variable_and_value():
    with ppl.Model():
        with pytest.raises(ParameterValueError,
                           match="Logistic 'x': parameter s is -2.0, expected s > 0"):
            ppl.Logistic("x", mu=0.0, s=-2.0)


def test_no_default_transform_and_support_point_is_mu():
    with ppl.Model() as m:
        ppl.Logistic("x", mu=np.array([1.0, -2.0]), s=3.0, shape=(3, 2))
    assert [v.name for v in m.value_vars] == ["x"]
    np.testing.assert_array_equal(support_point(m.free_RVs[0]).eval(**QUICK),
                                  np.tile([1.0, -2.0], (3, 1)))


def test_draws_match_scipy():
    check_draws(ppl.Logistic, {"mu": 1.5, "s": 2.0}, st.logistic(1.5, 2.0))
