import numpy as np
import pytest
import scipy.stats as st

import ppl
from ppl.exceptions import ModelError, ParameterValueError
from ppl.testing import (
    Nat,
    Rplus_finite,
    Rplus_nonzero,
    Unit_left_open,
    check_draws,
    check_logcdf,
    check_logp,
)


def _mu_alpha(scipy_fn):
    return lambda value, mu, alpha: scipy_fn(value, alpha, alpha / (mu + alpha))


def test_logp_mu_alpha_matches_scipy():
    check_logp(ppl.NegativeBinomial, Nat, {"mu": Rplus_finite, "alpha": Rplus_nonzero},
               _mu_alpha(st.nbinom.logpmf))


def test_logcdf_mu_alpha_matches_scipy():
    check_logcdf(ppl.NegativeBinomial, Nat, {"mu": Rplus_finite, "alpha": Rplus_nonzero},
                 _mu_alpha(st.nbinom.logcdf))


def test_logp_p_n_matches_scipy():
    check_logp(ppl.NegativeBinomial, Nat, {"p": Unit_left_open, "n": Rplus_nonzero},
               lambda value, p, n: st.nbinom.logpmf(value, n, p))


def test_logcdf_p_n_matches_scipy():
    check_logcdf(ppl.NegativeBinomial, Nat, {"p": Unit_left_open, "n": Rplus_nonzero},
                 lambda value, p, n: st.nbinom.logcdf(value, n, p))


def test_parameterisations_agree_and_differ_from_poisson():
    # mu = 3, alpha = 2  <->  n = 2, p = 2 / 5
    values = np.arange(8)
    a = ppl.logp(ppl.NegativeBinomial.dist(mu=3.0, alpha=2.0), values).eval()
    b = ppl.logp(ppl.NegativeBinomial.dist(p=0.4, n=2.0), values).eval()
    np.testing.assert_allclose(a, b)
    np.testing.assert_allclose(a, st.nbinom.logpmf(values, 2.0, 0.4))
    assert not np.allclose(a, st.poisson.logpmf(values, 3.0))


def test_huge_alpha_gives_the_poisson_limit():
    # Reference Poisson mean computed from the same (n, p) as the op holds, so both sides see the
    # same rounding of p; the NB-Poisson gap is O(k^2 / n) = 1e-10 here.
    n = 1e12
    p = n / (n + 3.0)
    values = np.arange(6)
    got = ppl.logp(ppl.NegativeBinomial.dist(p=p, n=n), values).eval()
    np.testing.assert_allclose(got, st.poisson.logpmf(values, n * (1 - p) / p))


def test_non_integer_value_has_no_mass():
    assert ppl.logp(ppl.NegativeBinomial.dist(mu=3.0, alpha=2.0), 1.5).eval() == -np.inf


@pytest.mark.parametrize("kwargs, match", [
    ({"mu": 1.0, "p": 0.5, "alpha": 1.0}, "mu or p, not both"),
    ({"mu": 1.0, "alpha": 1.0, "n": 1.0}, "alpha or n, not both"),
    ({"mu": 1.0}, "one of alpha or n"),
    ({"alpha": 1.0}, "one of mu or p"),
])
def test_parameterisation_must_be_unambiguous(kwargs, match):
    with pytest.raises(ParameterValueError, match=match):
        ppl.NegativeBinomial.dist(**kwargs)


@pytest.mark.parametrize("kwargs, match", [
    ({"mu": -1.0, "alpha": 1.0}, r"parameter mu is -1.0, expected 0 <= mu < inf"),
    ({"mu": 1.0, "alpha": 0.0}, r"parameter alpha is 0.0, expected alpha > 0"),
    ({"p": 0.0, "n": 1.0}, r"parameter p is 0.0, expected 0 < p <= 1"),
    ({"p": 0.5, "n": -2.0}, r"parameter n is -2.0, expected n > 0"),
])
def test_invalid_literal_parameter_names_it(kwargs, match):
    with ppl.Model():
        with pytest.raises(ParameterValueError, match="NegativeBinomial 'x': " + match):
            ppl.NegativeBinomial("x", **kwargs)


@pytest.mark.parametrize("params, n, p", [({"mu": 4.0, "alpha": 1.5}, 1.5, 1.5 / 5.5),
                                          ({"p": 0.3, "n": 2.5}, 2.5, 0.3)])
def test_draws_match_scipy(params, n, p):
    check_draws(ppl.NegativeBinomial, params, st.nbinom(n, p))


def test_value_var_is_int64_without_transform_and_support_point_inside():
    with ppl.Model() as m:
        x = ppl.NegativeBinomial("x", mu=np.array([0.0, 2.5, 10.0]), alpha=3.0, shape=(2, 3))
    assert m.rvs_to_values[x].dtype == "int64"
    assert m.rvs_to_transforms[x] is None
    point = m.initial_point()["x"]
    assert point.dtype == np.int64
    np.testing.assert_array_equal(point, np.tile([0, 2, 10], (2, 1)))


def test_observed_non_integer_data_is_an_error():
    with ppl.Model():
        with pytest.raises(ModelError, match=r"must be integers.*0.25"):
            ppl.NegativeBinomial("y", mu=2.0, alpha=1.0, observed=np.array([3.0, 0.25]))
