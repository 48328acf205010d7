import numpy as np
import pytest
import scipy.stats as st

import ppl
from ppl.exceptions import ParameterValueError
from ppl.forward.draw import draw
from ppl.logprob.dispatch import support_point
from ppl.testing import Rplus, Rplus_nonzero, check_draws, check_icdf, check_logcdf, check_logp

QUICK = {"mode": "FAST_COMPILE"}


def _logpdf(value, nu):
    # scipy gives nan at x = inf (inf - inf); the density there is 0
    return np.where(value == np.inf, -np.inf, st.chi2.logpdf(value, nu))


def test_logp_matches_scipy():
    check_logp(ppl.ChiSquared, Rplus, {"nu": Rplus_nonzero}, _logpdf)


def test_logcdf_matches_scipy():
    check_logcdf(ppl.ChiSquared, Rplus, {"nu": Rplus_nonzero},
                 lambda value, nu: st.chi2.logcdf(value, nu))


def test_icdf_matches_scipy():
    check_icdf(ppl.ChiSquared, {"nu": Rplus_nonzero}, lambda q, nu: st.chi2.ppf(q, nu))


def test_invalid_literal_names_distribution_variable_and_value():
    with ppl.Model():
        with pytest.raises(ParameterValueError,
                           match="ChiSquared 'q': parameter nu is -2.0, expected nu > 0"):
            ppl.ChiSquared("q", nu=-2.0)


def test_default_transform_is_log_and_support_point_is_nu():
    with ppl.Model() as m:
        ppl.ChiSquared("q", nu=np.array([1.0, 4.0]), shape=(2, 2))
    assert [v.name for v in m.value_vars] == ["q_log__"]
    np.testing.assert_array_equal(support_point(m.free_RVs[0]).eval(**QUICK), [[1.0, 4.0]] * 2)


def test_draws_match_scipy():
    check_draws(ppl.ChiSquared, {"nu": 3.0}, st.chi2(3.0))


def test_draws_in_python_backend():
    samples = draw(ppl.ChiSquared.dist(0.6, size=2000), random_seed=7, mode="FAST_COMPILE")
    assert st.kstest(samples, st.chi2(0.6).cdf).pvalue > 0.001
