import numpy as np
import pytest
import scipy.stats as st

import ppl
from ppl.compiled.modes import QUICK_MODE
from ppl.exceptions import ParameterValueError
from ppl.forward.draw import draw
from ppl.logprob.dispatch import support_point
from ppl.testing import Domain, R, Rfinite, Rplus_nonzero, check_draws, check_logp

ALPHA = Domain((-20.0, -1.5, 0.0, 0.5, 3.0))


def _scipy_logpdf(value, alpha, mu, sigma):
    # scipy gives nan at +-inf (-inf + log_ndtr(+-inf)); the density is 0 there
    return np.where(np.isinf(value), -np.inf, st.skewnorm.logpdf(value, alpha, mu, sigma))


def test_logp_matches_scipy():
    check_logp(ppl.SkewNormal, R, {"alpha": ALPHA, "mu": Rfinite, "sigma": Rplus_nonzero}, _scipy_logpdf)


def test_tau_parameterization():
    # tau = 4 is sigma = 0.5
    got = ppl.logp(ppl.SkewNormal.dist(alpha=2.0, mu=0.3, tau=4.0), 0.9).eval(mode=QUICK_MODE)
    np.testing.assert_allclose(got, st.skewnorm.logpdf(0.9, 2.0, 0.3, 0.5), rtol=1e-12)


def test_defaults_and_positional_order_are_pymc_s():
    # PyMC's order is (alpha, mu, sigma, tau) with alpha = 1, mu = 0, sigma = 1
    got = ppl.logp(ppl.SkewNormal.dist(2.0, 0.3, 1.5), 0.9).eval(mode=QUICK_MODE)
    np.testing.assert_allclose(got, st.skewnorm.logpdf(0.9, 2.0, 0.3, 1.5), rtol=1e-12)
    np.testing.assert_allclose(ppl.logp(ppl.SkewNormal.dist(), 0.4).eval(mode=QUICK_MODE), st.skewnorm.logpdf(0.4, 1.0), rtol=1e-12)


@pytest.mark.parametrize("kwargs, text", [
    ({"sigma": -1.0}, "parameter sigma is -1.0, expected sigma > 0"),
    ({"tau": 0.0}, "parameter tau is 0.0, expected tau > 0"),
    ({"alpha": np.nan}, "parameter alpha is nan, expected alpha finite"),
    ({"sigma": 1.0, "tau": 1.0}, "give sigma or tau, not both"),
])
def test_invalid_literal_names_distribution_variable_and_value(kwargs, text):
    with ppl.Model():
        with pytest.raises(ParameterValueError, match=f"SkewNormal 'x': {text}"):
            ppl.SkewNormal("x", **kwargs)


def test_draws_match_scipy():
    check_draws(ppl.SkewNormal, {"alpha": -4.0, "mu": 1.0, "sigma": 2.0}, st.skewnorm(-4.0, 1.0, 2.0))


def test_draws_in_python_backend():
    samples = draw(ppl.SkewNormal.dist(4.0, 1.0, 2.0, size=2000), random_seed=7, mode="FAST_COMPILE")
    assert st.kstest(samples, st.skewnorm(4.0, 1.0, 2.0).cdf).pvalue > 0.001


def test_support_point_is_mean_broadcast():
    rv = ppl.SkewNormal.dist(alpha=np.array([0.0, 3.0]), mu=1.0, sigma=2.0, shape=(3, 2))
    expected = np.tile(st.skewnorm(np.array([0.0, 3.0]), 1.0, 2.0).mean(), (3, 1))
    np.testing.assert_allclose(support_point(rv).eval(mode=QUICK_MODE), expected, rtol=1e-12)


def test_logp_far_in_the_short_tail_is_finite():
    # alpha = 5, z = -10: Phi(-50) ~ 1e-545 underflows, its log does not
    got = ppl.logp(ppl.SkewNormal.dist(alpha=5.0), -10.0).eval()
    np.testing.assert_allclose(got, st.skewnorm.logpdf(-10.0, 5.0), rtol=1e-10)
    assert np.isfinite(got)
