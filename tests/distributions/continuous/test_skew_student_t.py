import numpy as np
import pytensor
import pytest
import scipy.stats as st

import ppl
from ppl.compiled.modes import QUICK_MODE
from ppl.exceptions import ParameterValueError
from ppl.forward.draw import draw
from ppl.logprob.dispatch import support_point
from ppl.testing import Domain, R, check_draws, check_icdf, check_logcdf, check_logp

TAIL = Domain((0.1, 1.0, 2.5, 20.0), outside=(0.0, -1.0))
PARAMS = {
    "a": TAIL,
    "b": TAIL,
    "mu": Domain((-2.0, 0.0, 1.5)),
    "sigma": Domain((0.1, 1.0, 3.0), outside=(0.0, -1.0)),
}


def _scipy_logpdf(value, a, b, mu, sigma):
    # scipy gives nan at +-inf (0 * inf); the density is 0 there
    return np.where(np.isinf(value), -np.inf, st.jf_skew_t.logpdf(value, a, b, mu, sigma))


def test_logp_matches_scipy():
    check_logp(ppl.SkewStudentT, R, PARAMS, _scipy_logpdf)


def test_logcdf_matches_scipy():
    check_logcdf(ppl.SkewStudentT, R, PARAMS,
                 lambda value, a, b, mu, sigma: st.jf_skew_t.logcdf(value, a, b, mu, sigma))


def test_icdf_matches_scipy():
    check_icdf(ppl.SkewStudentT, PARAMS, lambda q, a, b, mu, sigma: st.jf_skew_t.ppf(q, a, b, mu, sigma),
               n_samples=30, rtol=1e-6)


def test_equal_tails_is_student_t_also_far_in_the_tails():
    # a = b = nu / 2 is Student's t with nu degrees of freedom: logcdf stays exact at t = -1e8,
    # where 1 + t / sqrt(a + b + t^2) cancels completely in the direct formula
    rv = ppl.SkewStudentT.dist(a=1.5, b=1.5, mu=0.5, sigma=2.0)
    x = np.array([-1e8, -30.0, 0.7, 30.0, 1e8])
    logp, logcdf = pytensor.function([], [ppl.logp(rv, x), ppl.logcdf(rv, x)])()
    np.testing.assert_allclose(logp, st.t.logpdf(x, 3.0, 0.5, 2.0), rtol=1e-10)
    np.testing.assert_allclose(logcdf, st.t.logcdf(x, 3.0, 0.5, 2.0), rtol=1e-10)


def test_lam_parameterization():
    # lam = 4 is sigma = 0.5
    got = ppl.logp(ppl.SkewStudentT.dist(3.0, 1.5, mu=0.2, lam=4.0), 0.9).eval(mode=QUICK_MODE)
    np.testing.assert_allclose(got, st.jf_skew_t.logpdf(0.9, 3.0, 1.5, 0.2, 0.5), rtol=1e-12)


@pytest.mark.parametrize("kwargs, text", [
    ({"a": -1.0, "b": 1.0}, "parameter a is -1.0, expected a > 0"),
    ({"a": 1.0, "b": 0.0}, "parameter b is 0.0, expected b > 0"),
    ({"a": 1.0, "b": 1.0, "sigma": -2.0}, "parameter sigma is -2.0, expected sigma > 0"),
    ({"a": 1.0, "b": 1.0, "sigma": 1.0, "lam": 1.0}, "give sigma or lam, not both"),
])
def test_invalid_literal_names_distribution_variable_and_value(kwargs, text):
    with ppl.Model():
        with pytest.raises(ParameterValueError, match=f"SkewStudentT 'r': {text}"):
            ppl.SkewStudentT("r", **kwargs)


def test_mu_sigma_lam_are_keyword_only():
    with pytest.raises(TypeError):
        ppl.SkewStudentT.dist(1.0, 1.0, 0.0)


def test_draws_match_scipy():
    check_draws(ppl.SkewStudentT, {"a": 3.0, "b": 1.5, "mu": 1.0, "sigma": 2.0},
                st.jf_skew_t(3.0, 1.5, 1.0, 2.0))


def test_draws_in_python_backend():
    samples = draw(ppl.SkewStudentT.dist(1.5, 3.0, mu=1.0, sigma=2.0, size=2000), random_seed=7,
                   mode="FAST_COMPILE")
    assert st.kstest(samples, st.jf_skew_t(1.5, 3.0, 1.0, 2.0).cdf).pvalue > 0.001


def test_support_point_is_the_mode():
    rv = ppl.SkewStudentT.dist(a=np.array([1.0, 4.0]), b=2.0, mu=1.0, sigma=2.0, shape=(3, 2))
    point = support_point(rv).eval(mode=QUICK_MODE)
    assert point.shape == (3, 2)
    for j, a in enumerate([1.0, 4.0]):
        mode = point[0, j]
        around = st.jf_skew_t.logpdf(mode + np.array([-1e-3, 0.0, 1e-3]), a, 2.0, 1.0, 2.0)
        assert around[1] > around[0] and around[1] > around[2]
