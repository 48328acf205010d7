import numpy as np
import pytest
import scipy.special as sp
import scipy.stats as st

import ppl
from ppl.exceptions import ParameterValueError
from ppl.forward.draw import draw
from ppl.logprob.dispatch import support_point
from ppl.testing import (
    Rfinite,
    Rplus_nonzero,
    Unit,
    check_draws,
    check_icdf,
    check_logcdf,
    check_logp,
)

QUICK = {"mode": "FAST_COMPILE"}
PARAMS = {"mu": Rfinite, "sigma": Rplus_nonzero}

# scipy has no logit-normal: change of variables from scipy's normal, y = logit(x).


def _logpdf(value, mu, sigma):
    with np.errstate(divide="ignore", invalid="ignore"):
        inside = st.norm.logpdf(sp.logit(value), mu, sigma) - np.log(value) - np.log1p(-value)
    return np.where((value > 0) & (value < 1), inside, -np.inf)


def _logcdf(value, mu, sigma):
    with np.errstate(divide="ignore"):
        return st.norm.logcdf(sp.logit(value), mu, sigma)


class _LogitNormal:
    def __init__(self, mu, sigma):
        self.norm = st.norm(mu, sigma)

    def cdf(self, x):
        return self.norm.cdf(sp.logit(x))


def test_logp_matches_scipy():
    check_logp(ppl.LogitNormal, Unit, PARAMS, _logpdf)


def test_logcdf_matches_scipy():
    check_logcdf(ppl.LogitNormal, Unit, PARAMS, _logcdf)


def test_icdf_matches_scipy():
    check_icdf(ppl.LogitNormal, PARAMS, lambda q, mu, sigma: sp.expit(st.norm.ppf(q, mu, sigma)))


def test_tau_parameterization():
    # tau = 4 -> sigma = 0.5
    got = ppl.logp(ppl.LogitNormal.dist(mu=0.3, tau=4.0), 0.8).eval(**QUICK)
    np.testing.assert_allclose(got, _logpdf(0.8, 0.3, 0.5), rtol=1e-12)


@pytest.mark.parametrize(
    "kwargs, text",
    [
        ({"sigma": -1.0}, "parameter sigma is -1.0, expected sigma > 0"),
        ({"tau": 0.0}, "parameter tau is 0.0, expected tau > 0"),
    ],
)
def test_invalid_literal_names_distribution_variable_and_value(kwargs, text):
    with ppl.Model():
        with pytest.raises(ParameterValueError, match=f"LogitNormal 'p': {text}"):
            ppl.LogitNormal("p", **kwargs)


def test_default_transform_is_logodds_and_support_point_is_the_median():
    with ppl.Model() as m:
        ppl.LogitNormal("p", mu=np.array([-1.0, 2.0]), sigma=0.5)
    assert [v.name for v in m.value_vars] == ["p_logodds__"]
    np.testing.assert_allclose(support_point(m.free_RVs[0]).eval(**QUICK), sp.expit([-1.0, 2.0]))


def test_draws_match_scipy():
    check_draws(ppl.LogitNormal, {"mu": -0.5, "sigma": 1.5}, _LogitNormal(-0.5, 1.5))


def test_draws_in_python_backend():
    samples = draw(ppl.LogitNormal.dist(1.0, 0.7, size=2000), random_seed=7, mode="FAST_COMPILE")
    assert st.kstest(samples, _LogitNormal(1.0, 0.7).cdf).pvalue > 0.001
