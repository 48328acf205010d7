import numpy as np
import pytest
import scipy.stats as st

import ppl
from ppl.distributions.discrete.discrete_uniform import DiscreteUniformRV
from ppl.exceptions import ModelError, ParameterValueError
from ppl.testing import Domain, check_draws, check_logcdf, check_logp

# Bounds grids chosen so that every combination has lower <= upper; the invalid values break
# that against the middle value of the other grid (lower = 11 > 3, upper = -11 < -1).
LOWER = Domain((-10, -3, -1, 0), outside=(11,), dtype="int64")
UPPER = Domain((0, 1, 3, 10), outside=(-11,), dtype="int64")
VALUES = Domain((-10, -3, -2, -1, 0, 1, 2, 3, 10), outside=(-11,), dtype="int64")


def test_logp_matches_scipy():
    check_logp(ppl.DiscreteUniform, VALUES, {"lower": LOWER, "upper": UPPER},
               lambda value, lower, upper: st.randint.logpmf(value, lower, upper + 1))


def test_logcdf_matches_scipy():
    check_logcdf(ppl.DiscreteUniform, VALUES, {"lower": LOWER, "upper": UPPER},
                 lambda value, lower, upper: st.randint.logcdf(value, lower, upper + 1))


def test_upper_is_inclusive():
    dist = ppl.DiscreteUniform.dist(1, 6)
    np.testing.assert_allclose(ppl.logp(dist, [1, 6]).eval(), np.log([1 / 6, 1 / 6]))
    assert ppl.logp(dist, 7).eval() == -np.inf
    assert ppl.logcdf(dist, 6).eval() == 0.0


def test_non_integer_bounds_are_floored_as_in_pymc():
    a = ppl.logp(ppl.DiscreteUniform.dist(0.5, 3.7), np.arange(-1, 5)).eval()
    b = ppl.logp(ppl.DiscreteUniform.dist(0, 3), np.arange(-1, 5)).eval()
    np.testing.assert_array_equal(a, b)


def test_non_integer_value_has_no_mass():
    assert ppl.logp(ppl.DiscreteUniform.dist(0, 3), 1.5).eval() == -np.inf


def test_lower_above_upper_names_parameter_and_value():
    with ppl.Model():
        with pytest.raises(ParameterValueError,
                           match=r"DiscreteUniform 'x': parameter upper is 1(\.0)?, expected lower <= upper"):
            ppl.DiscreteUniform("x", lower=3, upper=1)


def test_own_op_type():
    assert type(ppl.DiscreteUniform.rv_op) is DiscreteUniformRV
    assert ppl.DiscreteUniform.dist(0, 1).owner.op.dtype == "int64"


def test_draws_match_scipy():
    check_draws(ppl.DiscreteUniform, {"lower": -2, "upper": 3}, st.randint(-2, 4))


def test_draws_with_equal_bounds_are_constant():
    draws = ppl.draw(ppl.DiscreteUniform.dist(5, 5, size=50), random_seed=1)
    assert draws.dtype == np.int64
    np.testing.assert_array_equal(draws, 5)


def test_value_var_is_int64_without_transform_and_support_point_inside():
    with ppl.Model() as m:
        x = ppl.DiscreteUniform("x", lower=np.array([-3, 0, 2]), upper=np.array([-3, 5, 9]),
                                shape=(2, 3))
    assert m.rvs_to_values[x].dtype == "int64"
    assert m.rvs_to_transforms[x] is None
    point = m.initial_point()["x"]
    assert point.dtype == np.int64
    np.testing.assert_array_equal(point, np.tile([-3, 2, 5], (2, 1)))


def test_observed_non_integer_data_is_an_error():
    with ppl.Model():
        with pytest.raises(ModelError, match=r"must be integers.*2.5"):
            ppl.DiscreteUniform("y", 0, 5, observed=[2.5])
