import numpy as np
import pytest
import scipy.stats as st

import ppl
from ppl.exceptions import ParameterValueError
from ppl.logprob.dispatch import support_point
from ppl.testing import R, Rfinite, Rplus_nonzero, check_draws, check_icdf, check_logcdf, check_logp


def _unless_underflow(reference, exact_tail):
    # scipy computes log(pdf) and log(cdf) from exp(-|z|) and returns -inf once that underflows
    # (|z| > ~745, e.g. mu = -100, b = 0.01); there the log of the tail is exact and finite
    return np.where(np.isneginf(reference) & np.isfinite(exact_tail), exact_tail, reference)


def test_logp_matches_scipy():
    def reference(value, mu, b):
        exact_tail = -np.log(2 * b) - np.abs(value - mu) / b
        return _unless_underflow(st.laplace.logpdf(value, mu, b), exact_tail)

    check_logp(ppl.Laplace, R, {"mu": Rfinite, "b": Rplus_nonzero}, reference)


def test_logcdf_matches_scipy():
    def reference(value, mu, b):
        exact_tail = np.log(0.5) + (value - mu) / b  # the lower tail, where scipy underflows
        return _unless_underflow(st.laplace.logcdf(value, mu, b), exact_tail)

    check_logcdf(ppl.Laplace, R, {"mu": Rfinite, "b": Rplus_nonzero}, reference)


def test_logp_and_logcdf_far_in_the_tails_are_finite():
    rv = ppl.Laplace.dist(mu=0.0, b=0.01)
    np.testing.assert_allclose(ppl.logp(rv, -10.0).eval(), -np.log(0.02) - 1000.0, rtol=1e-12)
    np.testing.assert_allclose(ppl.logcdf(rv, -10.0).eval(), np.log(0.5) - 1000.0, rtol=1e-12)


def test_icdf_matches_scipy():
    check_icdf(ppl.Laplace, {"mu": Rfinite, "b": Rplus_nonzero},
               lambda q, mu, b: st.laplace.ppf(q, mu, b))


def test_invalid_literal_names_distribution_variable_and_value():
    with ppl.Model():
        with pytest.raises(ParameterValueError, match="Laplace 'w': parameter b is -0.5, expected b > 0"):
            ppl.Laplace("w", mu=0.0, b=-0.5)


def test_draws_match_scipy():
    check_draws(ppl.Laplace, {"mu": 1.5, "b": 2.0}, st.laplace(1.5, 2.0))


def test_no_default_transform():
    with ppl.Model() as m:
        ppl.Laplace("w", 0.0, 1.0)
    assert [v.name for v in m.value_vars] == ["w"]


def test_support_point_is_mu_broadcast():
    rv = ppl.Laplace.dist(mu=np.array([1.0, -2.0]), b=3.0, shape=(3, 2))
    np.testing.assert_array_equal(support_point(rv).eval(), np.tile([1.0, -2.0], (3, 1)))


def test_logcdf_upper_tail_is_accurate():
    expected = np.log1p(-st.laplace.sf(50.0))
    np.testing.assert_allclose(ppl.logcdf(ppl.Laplace.dist(0.0, 1.0), 50.0).eval(), expected, rtol=1e-7)
