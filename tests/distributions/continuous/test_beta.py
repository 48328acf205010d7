import numpy as np
import pytest
import scipy.stats as st

import ppl
from ppl.exceptions import ParameterValueError
from ppl.logprob.dispatch import support_point
from ppl.testing import Domain, Rplus_nonzero, Unit, Unit_open, check_draws, check_logcdf, check_logp

# mu/sigma grids where every pair has sigma**2 < mu * (1 - mu); sigma = 0.5 breaks it for mu = 0.5
MU = Domain((0.3, 0.5, 0.7), outside=(0.0, 1.0, -0.1))
SIGMA = Domain((0.05, 0.1, 0.2, 0.4), outside=(0.0, -1.0, 0.5))


def _from_mu_sigma(mu, sigma):
    kappa = mu * (1 - mu) / sigma**2 - 1
    return mu * kappa, (1 - mu) * kappa


def test_logp_matches_scipy():
    check_logp(ppl.Beta, Unit, {"alpha": Rplus_nonzero, "beta": Rplus_nonzero},
               lambda value, alpha, beta: st.beta.logpdf(value, alpha, beta))


def test_logcdf_matches_scipy():
    check_logcdf(ppl.Beta, Unit, {"alpha": Rplus_nonzero, "beta": Rplus_nonzero},
                 lambda value, alpha, beta: st.beta.logcdf(value, alpha, beta))


def test_logcdf_upper_tail_is_accurate():
    # cdf = 1 - 1e-21 here: log(cdf) must be -1e-21, not 0 or a rounding-error value
    rv = ppl.Beta.dist(alpha=2.0, beta=10.0)
    expected = np.log1p(-st.beta.sf(0.99, 2.0, 10.0))
    np.testing.assert_allclose(ppl.logcdf(rv, 0.99).eval(), expected, rtol=1e-7)


def test_mu_sigma_parameterization_matches_scipy():
    check_logp(ppl.Beta, Unit, {"mu": MU, "sigma": SIGMA},
               lambda value, mu, sigma: st.beta.logpdf(value, *_from_mu_sigma(mu, sigma)))
    # mu = 0.3, sigma = 0.1 -> kappa = 20, alpha = 6, beta = 14
    got = ppl.logp(ppl.Beta.dist(mu=0.3, sigma=0.1), 0.25).eval()
    np.testing.assert_allclose(got, st.beta.logpdf(0.25, 6.0, 14.0), rtol=1e-7)


def test_mu_nu_parameterization_matches_scipy():
    check_logp(ppl.Beta, Unit, {"mu": Unit_open, "nu": Rplus_nonzero},
               lambda value, mu, nu: st.beta.logpdf(value, mu * nu, (1 - mu) * nu))
    # mu = 0.3, nu = 5 -> alpha = 1.5, beta = 3.5
    got = ppl.logp(ppl.Beta.dist(mu=0.3, nu=5.0), 0.25).eval()
    np.testing.assert_allclose(got, st.beta.logpdf(0.25, 1.5, 3.5), rtol=1e-7)


@pytest.mark.parametrize("kwargs, given", [
    ({"alpha": 1.0, "beta": 2.0, "mu": 0.5}, "alpha, beta, mu"),
    ({"alpha": 1.0}, "alpha"),
    ({"mu": 0.5, "sigma": 0.1, "nu": 3.0}, "mu, sigma, nu"),
    ({}, "none"),
])
def test_incompatible_parameterizations_name_the_parameters(kwargs, given):
    with pytest.raises(ParameterValueError,
                       match=f"Beta: incompatible parameterization; got {given}. Give exactly one of: "
                             "alpha and beta or mu and sigma or mu and nu"):
        ppl.Beta.dist(**kwargs)


@pytest.mark.parametrize("kwargs, text", [
    ({"alpha": -1.0, "beta": 2.0}, r"parameter alpha is -1.0, expected alpha > 0"),
    ({"alpha": 1.0, "beta": 0.0}, r"parameter beta is 0.0, expected beta > 0"),
    ({"mu": 1.5, "nu": 2.0}, r"parameter mu is 1.5, expected 0 < mu < 1"),
    ({"mu": 0.5, "sigma": 0.6}, r"parameter sigma is 0.6, expected sigma\*\*2 < mu \* \(1 - mu\) = 0.25"),
])
def test_invalid_literal_names_distribution_variable_and_value(kwargs, text):
    with ppl.Model():
        with pytest.raises(ParameterValueError, match=f"Beta 'p': {text}"):
            ppl.Beta("p", **kwargs)


def test_draws_match_scipy():
    check_draws(ppl.Beta, {"alpha": 2.0, "beta": 5.0}, st.beta(2.0, 5.0))


def test_default_transform_is_logodds():
    with ppl.Model() as m:
        ppl.Beta("p", alpha=2.0, beta=5.0)
    assert [v.name for v in m.value_vars] == ["p_logodds__"]


def test_support_point_is_mean_broadcast():
    rv = ppl.Beta.dist(alpha=np.array([1.0, 3.0]), beta=1.0, shape=(3, 2))
    np.testing.assert_allclose(support_point(rv).eval(), np.tile([0.5, 0.75], (3, 1)))
