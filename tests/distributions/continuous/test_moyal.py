import numpy as np
import pytest
import scipy.special as sp
import scipy.stats as st

import ppl
from ppl.compiled.modes import QUICK_MODE
from ppl.exceptions import ParameterValueError
from ppl.forward.draw import draw
from ppl.logprob.dispatch import support_point
from ppl.testing import R, Rfinite, Rplus_nonzero, check_draws, check_icdf, check_logcdf, check_logp


def _reference_logpdf(value, mu, sigma):
    # scipy takes the log of the density, which underflows to -inf (e.g. z = -100); the log
    # density itself is -(z + exp(-z)) / 2 - log(sigma) - log(2 pi) / 2, finite there
    z = (value - mu) / sigma
    exact = -0.5 * (z + np.exp(-z)) - np.log(sigma) - 0.5 * np.log(2 * np.pi)
    reference = st.moyal.logpdf(value, mu, sigma)
    return np.where(np.isinf(value), -np.inf, np.where(np.isfinite(exact), exact, reference))


def _reference_logcdf(value, mu, sigma):
    # F = erfc(exp(-z / 2) / sqrt(2)) = 2 Phi(-exp(-z / 2)): scipy's log_ndtr is exact in the tail
    z = (value - mu) / sigma
    return np.log(2.0) + sp.log_ndtr(-np.exp(-z / 2))


def test_logp_matches_scipy():
    check_logp(ppl.Moyal, R, {"mu": Rfinite, "sigma": Rplus_nonzero}, _reference_logpdf)
    # where scipy's log(pdf) does not underflow, it agrees with the formula above
    x = np.linspace(-3, 20, 7)
    np.testing.assert_allclose(_reference_logpdf(x, 0.5, 2.0), st.moyal.logpdf(x, 0.5, 2.0), rtol=1e-12)


def test_logcdf_matches_scipy():
    check_logcdf(ppl.Moyal, R, {"mu": Rfinite, "sigma": Rplus_nonzero}, _reference_logcdf)
    x = np.linspace(-3, 20, 7)
    np.testing.assert_allclose(_reference_logcdf(x, 0.5, 2.0), st.moyal.logcdf(x, 0.5, 2.0), rtol=1e-10)


def test_icdf_matches_scipy():
    check_icdf(ppl.Moyal, {"mu": Rfinite, "sigma": Rplus_nonzero},
               lambda q, mu, sigma: st.moyal.ppf(q, mu, sigma))


def test_invalid_literal_names_distribution_variable_and_value():
    with ppl.Model():
        with pytest.raises(ParameterValueError, match="Moyal 'm': parameter sigma is 0.0, expected sigma > 0"):
            ppl.Moyal("m", mu=1.0, sigma=0.0)


def test_defaults_are_standard_moyal():
    np.testing.assert_allclose(ppl.logp(ppl.Moyal.dist(), 0.7).eval(mode=QUICK_MODE), st.moyal.logpdf(0.7), rtol=1e-12)


def test_draws_match_scipy():
    check_draws(ppl.Moyal, {"mu": 1.5, "sigma": 2.0}, st.moyal(1.5, 2.0))


def test_draws_in_python_backend():
    samples = draw(ppl.Moyal.dist(1.5, 2.0, size=2000), random_seed=7, mode="FAST_COMPILE")
    assert st.kstest(samples, st.moyal(1.5, 2.0).cdf).pvalue > 0.001


def test_support_point_is_mean_broadcast():
    rv = ppl.Moyal.dist(mu=np.array([1.0, -2.0]), sigma=2.0, shape=(3, 2))
    expected = np.tile(st.moyal(np.array([1.0, -2.0]), 2.0).mean(), (3, 1))
    np.testing.assert_allclose(support_point(rv).eval(mode=QUICK_MODE), expected, rtol=1e-12)
