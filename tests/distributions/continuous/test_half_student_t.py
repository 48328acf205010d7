import numpy as np
import pytest
import scipy.stats as st

import ppl
from ppl.exceptions import ParameterValueError
from ppl.forward.draw import draw
from ppl.logprob.dispatch import support_point
from ppl.testing import Rplus, Rplus_nonzero, check_draws, check_icdf, check_logcdf, check_logp

QUICK = {"mode": "FAST_COMPILE"}


def _logpdf(value, nu, sigma):
    # scipy has no half-t: twice the density of a zero-centred t on x >= 0
    with np.errstate(divide="ignore"):
        return np.where(value >= 0, np.log(2.0) + st.t.logpdf(value, nu, scale=sigma), -np.inf)


def _logcdf(value, nu, sigma):
    # 2 F(x) - 1, from whichever of F(x) - 1/2 and the survival function keeps its digits
    t = st.t(nu, scale=sigma)
    small = np.log(2.0 * (t.cdf(value) - 0.5))
    large = np.log1p(-2.0 * t.sf(value))
    return np.where(t.sf(value) < 0.25, large, small)


class _HalfT:
    """The CDF of |T| for ``T ~ t(nu, scale=sigma)`` (what ``check_draws`` needs)."""

    def __init__(self, nu, sigma):
        self.t = st.t(nu, scale=sigma)

    def cdf(self, x):
        return np.clip(2.0 * self.t.cdf(x) - 1.0, 0.0, 1.0)


def test_logp_matches_scipy():
    check_logp(ppl.HalfStudentT, Rplus, {"nu": Rplus_nonzero, "sigma": Rplus_nonzero}, _logpdf)


def test_logcdf_matches_scipy():
    check_logcdf(ppl.HalfStudentT, Rplus, {"nu": Rplus_nonzero, "sigma": Rplus_nonzero}, _logcdf)


@pytest.mark.usefixtures("numba_backend")
def test_icdf_matches_scipy():
    check_icdf(ppl.HalfStudentT, {"nu": Rplus_nonzero, "sigma": Rplus_nonzero},
               lambda q, nu, sigma: st.t.ppf((1.0 + q) / 2.0, nu, scale=sigma))


def test_lam_parameterization():
    # lam = 4 -> sigma = 0.5
    got = ppl.logp(ppl.HalfStudentT.dist(nu=3.0, lam=4.0), 0.7).eval(**QUICK)
    np.testing.assert_allclose(got, _logpdf(0.7, 3.0, 0.5), rtol=1e-12)


@pytest.mark.parametrize(
    "kwargs, text",
    [
        ({"nu": -1.0}, "parameter nu is -1.0, expected nu > 0"),
        ({"nu": 3.0, "sigma": 0.0}, "parameter sigma is 0.0, expected sigma > 0"),
        ({"nu": 3.0, "lam": -2.0}, "parameter lam is -2.0, expected lam > 0"),
    ],
)
def test_invalid_literal_names_distribution_variable_and_value(kwargs, text):
    with ppl.Model():
        with pytest.raises(ParameterValueError, match=f"HalfStudentT 's': {text}"):
            ppl.HalfStudentT("s", **kwargs)


def test_sigma_and_lam_are_exclusive():
    with pytest.raises(ParameterValueError, match="give sigma or lam, not both"):
        ppl.HalfStudentT.dist(nu=3.0, sigma=1.0, lam=1.0)


def test_default_transform_is_log_and_support_point_is_sigma():
    with ppl.Model() as m:
        ppl.HalfStudentT("s", nu=3.0, sigma=np.array([1.0, 2.5]))
    assert [v.name for v in m.value_vars] == ["s_log__"]
    np.testing.assert_allclose(support_point(m.free_RVs[0]).eval(**QUICK), [1.0, 2.5])


def test_draws_match_scipy():
    check_draws(ppl.HalfStudentT, {"nu": 3.0, "sigma": 2.0}, _HalfT(3.0, 2.0))


def test_draws_in_python_backend():
    rv = ppl.HalfStudentT.dist(nu=3.0, sigma=2.0, size=2000)
    samples = draw(rv, random_seed=7, mode="FAST_COMPILE")
    assert st.kstest(samples, _HalfT(3.0, 2.0).cdf).pvalue > 0.001
