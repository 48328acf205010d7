import numpy as np
import pytest
import scipy.stats as st

import ppl
from ppl.exceptions import ParameterValueError
from ppl.logprob.dispatch import support_point
from ppl.testing import R, Domain, check_draws, check_icdf, check_logcdf, check_logp

# every lower is below every upper; each "outside" value is invalid against the whole other grid
LOWER = Domain((-100.0, -2.1, -1.0, 0.0, 0.5), outside=(200.0,))
UPPER = Domain((1.0, 2.1, 3.0, 100.0), outside=(-200.0,))


def _ref(value, lower, upper):
    return dict(loc=lower, scale=upper - lower)


def test_logp_matches_scipy():
    check_logp(ppl.Uniform, R, {"lower": LOWER, "upper": UPPER},
               lambda value, lower, upper: st.uniform.logpdf(value, **_ref(value, lower, upper)))


def test_logp_at_the_bounds_and_outside():
    rv = ppl.Uniform.dist(lower=-1.0, upper=3.0)
    got = ppl.logp(rv, np.array([-1.0001, -1.0, 3.0, 3.0001])).eval()
    np.testing.assert_array_equal(got, [-np.inf, -np.log(4.0), -np.log(4.0), -np.inf])


def test_logcdf_matches_scipy():
    check_logcdf(ppl.Uniform, R, {"lower": LOWER, "upper": UPPER},
                 lambda value, lower, upper: st.uniform.logcdf(value, **_ref(value, lower, upper)))


def test_icdf_matches_scipy():
    check_icdf(ppl.Uniform, {"lower": LOWER, "upper": UPPER},
               lambda q, lower, upper: st.uniform.ppf(q, **_ref(q, lower, upper)))


def test_defaults_are_zero_and_one():
    rv = ppl.Uniform.dist()
    np.testing.assert_allclose(ppl.logcdf(rv, 0.25).eval(), np.log(0.25))


def test_invalid_literal_bounds_name_distribution_variable_and_values():
    with ppl.Model():
        with pytest.raises(ParameterValueError,
                           match=r"Uniform 'u': parameter upper is 1.0, expected upper > lower = 2.0"):
            ppl.Uniform("u", lower=2.0, upper=1.0)


def test_draws_match_scipy():
    check_draws(ppl.Uniform, {"lower": -1.0, "upper": 3.0}, st.uniform(-1.0, 4.0))


def test_default_transform_is_interval_on_the_bounds():
    with ppl.Model() as m:
        ppl.Uniform("u", lower=-1.0, upper=3.0)
    assert [v.name for v in m.value_vars] == ["u_interval__"]
    # the midpoint maps to 0 in the unconstrained space
    np.testing.assert_allclose(m.initial_point()["u_interval__"], 0.0, atol=1e-12)


def test_support_point_is_midpoint_broadcast():
    rv = ppl.Uniform.dist(lower=np.array([0.0, -2.0]), upper=4.0, shape=(3, 2))
    np.testing.assert_array_equal(support_point(rv).eval(), np.tile([2.0, 1.0], (3, 1)))
