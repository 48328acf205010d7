import numpy as np
import pytest
import scipy.stats as st

import ppl
from ppl.exceptions import ModelError, ParameterValueError
from ppl.testing import Nat, Rplus_finite, check_draws, check_logcdf, check_logp


def test_logp_matches_scipy():
    check_logp(ppl.Poisson, Nat, {"mu": Rplus_finite},
               lambda value, mu: st.poisson.logpmf(value, mu))


def test_logcdf_matches_scipy():
    check_logcdf(ppl.Poisson, Nat, {"mu": Rplus_finite},
                 lambda value, mu: st.poisson.logcdf(value, mu))


def test_exact_value():
    # log(e^-2 2^3 / 3!) = -2 + 3 log 2 - log 6
    np.testing.assert_allclose(ppl.logp(ppl.Poisson.dist(2.0), 3).eval(),
                               -2.0 + 3 * np.log(2.0) - np.log(6.0))


def test_non_integer_value_has_no_mass():
    assert ppl.logp(ppl.Poisson.dist(3.0), 1.5).eval() == -np.inf


def test_logcdf_floors_non_integer_values():
    np.testing.assert_allclose(ppl.logcdf(ppl.Poisson.dist(3.0), 2.5).eval(),
                               st.poisson.logcdf(2, 3.0))


def test_invalid_literal_mu_names_parameter_and_value():
    with ppl.Model():
        with pytest.raises(ParameterValueError,
                           match=r"Poisson 'x': parameter mu is -2.0, expected mu >= 0"):
            ppl.Poisson("x", mu=-2.0)


def test_draws_match_scipy():
    check_draws(ppl.Poisson, {"mu": 3.5}, st.poisson(3.5))


def test_value_var_is_int64_without_transform_and_support_point_inside():
    with ppl.Model() as m:
        x = ppl.Poisson("x", mu=np.array([0.0, 0.4, 7.9]), shape=(2, 3))
    assert m.rvs_to_values[x].dtype == "int64"
    assert m.rvs_to_transforms[x] is None
    point = m.initial_point()["x"]
    assert point.dtype == np.int64
    np.testing.assert_array_equal(point, np.tile([0, 0, 7], (2, 1)))


def test_observed_non_integer_data_is_an_error():
    with ppl.Model():
        with pytest.raises(ModelError, match=r"Poisson 'y'.*must be integers.*1.5"):
            ppl.Poisson("y", 3, observed=[1.5])


def test_observed_integer_valued_floats_are_accepted():
    with ppl.Model() as m:
        y = ppl.Poisson("y", 3.0, observed=[1.0, 4.0])
    np.testing.assert_allclose(m.compile_logp()({}), st.poisson.logpmf([1, 4], 3.0).sum())
    assert y.dtype == "int64"
