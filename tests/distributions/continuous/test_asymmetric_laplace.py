import numpy as np
import pytest
import scipy.stats as st

import ppl
from ppl.exceptions import ParameterValueError
from ppl.forward.draw import draw
from ppl.logprob.dispatch import support_point
from ppl.testing import R, Rfinite, Rplus_nonzero, check_draws, check_icdf, check_logcdf, check_logp

QUICK = {"mode": "FAST_COMPILE"}
PARAMS = {"kappa": Rplus_nonzero, "mu": Rfinite, "b": Rplus_nonzero}


def _ref(kappa, mu, b):
    # PyMC's b multiplies (x - mu): scipy's scale is 1 / b
    return st.laplace_asymmetric(kappa, loc=mu, scale=1.0 / b)


def _unless_underflow(reference, exact_tail):
    # scipy computes log(pdf) and log(cdf) from exp(...) and returns -inf once that underflows;
    # there the log of the exponential tail is exact and finite
    return np.where(np.isneginf(reference) & np.isfinite(exact_tail), exact_tail, reference)


def _logpdf(value, kappa, mu, b):
    z = (value - mu) * b
    with np.errstate(invalid="ignore"):
        exact = np.log(b) - np.log(kappa + 1.0 / kappa) + np.where(z >= 0, -z * kappa, z / kappa)
    return _unless_underflow(_ref(kappa, mu, b).logpdf(value), exact)


def _logcdf(value, kappa, mu, b):
    z = (value - mu) * b
    exact = 2.0 * np.log(kappa) - np.log1p(kappa**2) + z / kappa  # the lower tail, z < 0
    return _unless_underflow(_ref(kappa, mu, b).logcdf(value), np.where(z < 0, exact, np.nan))


def test_logp_matches_scipy():
    check_logp(ppl.AsymmetricLaplace, R, PARAMS, _logpdf)


def test_logcdf_matches_scipy():
    check_logcdf(ppl.AsymmetricLaplace, R, PARAMS, _logcdf)


def test_icdf_matches_scipy():
    check_icdf(ppl.AsymmetricLaplace, PARAMS, lambda q, kappa, mu, b: _ref(kappa, mu, b).ppf(q))


def test_q_parameterization_puts_mass_q_below_mu():
    # q = 0.9 -> kappa = 3, and P(X <= mu) = q: the point of the quantile parameterisation
    rv = ppl.AsymmetricLaplace.dist(mu=1.5, b=2.0, q=0.9)
    got_logp, got_logcdf = (ppl.logp(rv, 0.4).eval(**QUICK), ppl.logcdf(rv, 1.5).eval(**QUICK))
    np.testing.assert_allclose(got_logp, _ref(3.0, 1.5, 2.0).logpdf(0.4), rtol=1e-12)
    np.testing.assert_allclose(got_logcdf, np.log(0.9), rtol=1e-12)


@pytest.mark.parametrize(
    "kwargs, text",
    [
        ({"kappa": -1.0, "mu": 0.0, "b": 1.0}, "parameter kappa is -1.0, expected kappa > 0"),
        ({"kappa": 1.0, "mu": 0.0, "b": 0.0}, "parameter b is 0.0, expected b > 0"),
        ({"q": 1.0, "mu": 0.0, "b": 1.0}, r"parameter q is 1.0, expected 0 < q < 1"),
        ({"kappa": 1.0, "b": 1.0}, "mu must be given"),
        ({"kappa": 1.0, "q": 0.5, "mu": 0.0, "b": 1.0},
         "incompatible parameterization; got kappa, q. Give exactly one of: kappa or q"),
    ],
)
def test_invalid_literal_names_distribution_variable_and_value(kwargs, text):
    with ppl.Model():
        with pytest.raises(ParameterValueError, match=f"AsymmetricLaplace 'y': {text}"):
            ppl.AsymmetricLaplace("y", **kwargs)


def test_no_default_transform_and_support_point_is_the_mean():
    with ppl.Model() as m:
        ppl.AsymmetricLaplace("y", kappa=np.array([0.5, 2.0]), mu=1.0, b=4.0)
    assert [v.name for v in m.value_vars] == ["y"]
    np.testing.assert_allclose(support_point(m.free_RVs[0]).eval(**QUICK),
                               _ref(np.array([0.5, 2.0]), 1.0, 4.0).mean(), rtol=1e-12)


def test_draws_match_scipy():
    check_draws(ppl.AsymmetricLaplace, {"kappa": 2.0, "mu": 1.0, "b": 1.5}, _ref(2.0, 1.0, 1.5))


def test_draws_in_python_backend():
    rv = ppl.AsymmetricLaplace.dist(kappa=0.5, mu=-1.0, b=0.7, size=2000)
    samples = draw(rv, random_seed=7, mode="FAST_COMPILE")
    assert st.kstest(samples, _ref(0.5, -1.0, 0.7).cdf).pvalue > 0.001
