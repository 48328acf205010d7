import numpy as np
import pytest
import scipy.special as sp
import scipy.stats as st

import ppl
from ppl.compiled.modes import QUICK_MODE
from ppl.exceptions import ParameterValueError
from ppl.forward.draw import draw
from ppl.logprob.dispatch import support_point
from ppl.testing import Domain, Rplus, Rplus_nonzero, check_draws, check_logp

NU = Domain((0.0, 0.5, 1.0, 3.0, 20.0), outside=(-1.0,))


def _reference_logpdf(value, nu, sigma):
    # scipy's rice(b = nu / sigma, scale = sigma) takes the log of the density, which underflows
    # far in the tail (e.g. x = 100, sigma = 0.9); there the log density is, exactly,
    # log(x / sigma^2) - (x - nu)^2 / (2 sigma^2) + log(i0e(x nu / sigma^2))
    with np.errstate(divide="ignore", invalid="ignore"):
        reference = st.rice.logpdf(value, nu / sigma, 0.0, sigma)
        exact = (np.log(value / sigma**2) - (value - nu) ** 2 / (2 * sigma**2)
                 + np.log(sp.i0e(value * nu / sigma**2)))
    reference = np.where(np.isneginf(reference) & np.isfinite(exact), exact, reference)
    return np.where(value == np.inf, -np.inf, reference)


def test_logp_matches_scipy():
    check_logp(ppl.Rice, Rplus, {"nu": NU, "sigma": Rplus_nonzero}, _reference_logpdf)


def test_b_parameterization():
    # b = 2, sigma = 0.5 is nu = 1
    got = ppl.logp(ppl.Rice.dist(b=2.0, sigma=0.5), 0.8).eval(mode=QUICK_MODE)
    np.testing.assert_allclose(got, st.rice.logpdf(0.8, 2.0, 0.0, 0.5), rtol=1e-12)
    # sigma defaults to 1
    np.testing.assert_allclose(ppl.logp(ppl.Rice.dist(nu=1.5), 0.8).eval(mode=QUICK_MODE), st.rice.logpdf(0.8, 1.5), rtol=1e-12)


@pytest.mark.parametrize("kwargs, text", [
    ({"nu": -1.0}, "parameter nu is -1.0, expected nu >= 0"),
    ({"b": -1.0}, "parameter b is -1.0, expected b >= 0"),
    ({"nu": 1.0, "sigma": 0.0}, "parameter sigma is 0.0, expected sigma > 0"),
    ({"nu": 1.0, "b": 1.0}, "give exactly one of nu and b \\(got both\\)"),
    ({"sigma": 1.0}, "give exactly one of nu and b \\(got neither\\)"),
])
def test_invalid_literal_names_distribution_variable_and_value(kwargs, text):
    with ppl.Model():
        with pytest.raises(ParameterValueError, match=f"Rice 'r': {text}"):
            ppl.Rice("r", **kwargs)


def test_draws_match_scipy():
    check_draws(ppl.Rice, {"nu": 2.0, "sigma": 0.7}, st.rice(2.0 / 0.7, 0.0, 0.7))


def test_draws_in_python_backend():
    samples = draw(ppl.Rice.dist(nu=2.0, sigma=0.7, size=2000), random_seed=7, mode="FAST_COMPILE")
    assert st.kstest(samples, st.rice(2.0 / 0.7, 0.0, 0.7).cdf).pvalue > 0.001


def test_default_transform_is_log():
    with ppl.Model() as m:
        ppl.Rice("r", nu=1.0)
    assert [v.name for v in m.value_vars] == ["r_log__"]


def test_support_point_is_root_mean_square():
    rv = ppl.Rice.dist(nu=np.array([0.0, 3.0]), sigma=2.0, shape=(3, 2))
    expected = np.tile(np.sqrt(st.rice(np.array([0.0, 1.5]), 0.0, 2.0).moment(2)), (3, 1))
    np.testing.assert_allclose(support_point(rv).eval(mode=QUICK_MODE), expected, rtol=1e-12)
