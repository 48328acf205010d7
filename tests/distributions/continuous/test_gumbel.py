import numpy as np
import pytest
import scipy.stats as st

import ppl
from ppl.compiled.modes import QUICK_MODE
from ppl.exceptions import ParameterValueError
from ppl.logprob.dispatch import support_point
from ppl.testing import R, Rfinite, Rplus_nonzero, check_draws, check_icdf, check_logcdf, check_logp


def _scipy_logpdf(value, mu, beta):
    # scipy gives nan at x = -inf (-z - exp(-z) = inf - inf); the density is 0 there
    return np.where(value == -np.inf, -np.inf, st.gumbel_r.logpdf(value, mu, beta))


def test_logp_matches_scipy():
    check_logp(ppl.Gumbel, R, {"mu": Rfinite, "beta": Rplus_nonzero}, _scipy_logpdf)


def test_logcdf_matches_scipy():
    check_logcdf(ppl.Gumbel, R, {"mu": Rfinite, "beta": Rplus_nonzero},
                 lambda value, mu, beta: st.gumbel_r.logcdf(value, mu, beta))


def test_icdf_matches_scipy():
    check_icdf(ppl.Gumbel, {"mu": Rfinite, "beta": Rplus_nonzero},
               lambda q, mu, beta: st.gumbel_r.ppf(q, mu, beta))


def test_invalid_literal_names_distribution_variable_and_value():
    with ppl.Model():
        with pytest.raises(ParameterValueError, match="Gumbel 'g': parameter beta is -2.0, expected beta > 0"):
            ppl.Gumbel("g", mu=0.0, beta=-2.0)


def test_draws_match_scipy():
    check_draws(ppl.Gumbel, {"mu": 1.5, "beta": 2.0}, st.gumbel_r(1.5, 2.0))


def test_no_default_transform():
    with ppl.Model() as m:
        ppl.Gumbel("g", 0.0, 1.0)
    assert [v.name for v in m.value_vars] == ["g"]


def test_support_point_is_mean_broadcast():
    rv = ppl.Gumbel.dist(mu=np.array([1.0, -2.0]), beta=2.0, shape=(3, 2))
    expected = np.tile(st.gumbel_r(np.array([1.0, -2.0]), 2.0).mean(), (3, 1))
    np.testing.assert_allclose(support_point(rv).eval(mode=QUICK_MODE), expected, rtol=1e-12)


def test_logcdf_lower_tail_is_finite():
    # F = exp(-exp(-z)): log F = -exp(-z) exactly, where F itself underflows
    got = ppl.logcdf(ppl.Gumbel.dist(0.0, 1.0), -7.0).eval()
    np.testing.assert_allclose(got, -np.exp(7.0), rtol=1e-12)
