import numpy as np
import pytest
import scipy.stats as st

import ppl
from ppl.compiled.modes import QUICK_MODE
from ppl.exceptions import ParameterValueError
from ppl.logprob.dispatch import support_point
from ppl.testing import Domain, check_draws, check_icdf, check_logcdf, check_logp

# Independent grids with lower <= 0 <= c <= 1 <= upper, so every combination is valid and the
# edge cases c = lower (0, 0) and c = upper (1, 1) are included; the values cross all pieces.
VALUES = Domain((-4.0, -3.0, -1.0, -0.5, 0.0, 0.3, 0.5, 1.0, 1.5, 2.0, 5.0, 6.0), outside=(-10.0, 10.0))
PARAMS = {
    "lower": Domain((-3.0, -1.0, 0.0), outside=(2.0,)),
    "c": Domain((0.0, 0.5, 1.0), outside=(-5.0, 7.0)),
    "upper": Domain((1.0, 2.0, 5.0), outside=(-4.0,)),
}


def _scipy(fn):
    def reference(value, lower, c, upper):
        return fn(value, (c - lower) / (upper - lower), lower, upper - lower)

    return reference


def test_logp_matches_scipy():
    check_logp(ppl.Triangular, VALUES, PARAMS, _scipy(st.triang.logpdf))


def test_logcdf_matches_scipy():
    check_logcdf(ppl.Triangular, VALUES, PARAMS, _scipy(st.triang.logcdf))


def test_icdf_matches_scipy():
    check_icdf(ppl.Triangular, PARAMS, _scipy(st.triang.ppf))


def test_defaults_and_positional_order_are_pymc_s():
    # PyMC's order is (lower, upper, c) with defaults 0, 1, 0.5
    rv = ppl.Triangular.dist(-1.0, 3.0, 2.0)
    np.testing.assert_allclose(ppl.logp(rv, 2.5).eval(mode=QUICK_MODE), st.triang.logpdf(2.5, 0.75, -1.0, 4.0), rtol=1e-12)
    np.testing.assert_allclose(ppl.logp(ppl.Triangular.dist(), 0.25).eval(mode=QUICK_MODE), np.log(1.0), atol=1e-12)


@pytest.mark.parametrize("kwargs, text", [
    ({"lower": 0.0, "upper": 1.0, "c": 1.5}, "parameter c is 1.5, expected c <= upper = 1.0"),
    ({"lower": 0.0, "upper": 1.0, "c": -0.5}, "parameter c is -0.5, expected c >= lower = 0.0"),
    ({"lower": 2.0, "upper": 1.0, "c": 1.5}, "parameter upper is 1.0, expected upper > lower = 2.0"),
])
def test_invalid_literal_names_distribution_variable_and_value(kwargs, text):
    with ppl.Model():
        with pytest.raises(ParameterValueError, match=f"Triangular 't': {text}"):
            ppl.Triangular("t", **kwargs)


def test_draws_match_scipy():
    check_draws(ppl.Triangular, {"lower": -1.0, "upper": 3.0, "c": 0.5}, st.triang(0.375, -1.0, 4.0))


def test_default_transform_is_interval_with_the_bounds():
    with ppl.Model() as m:
        ppl.Triangular("t", lower=-1.0, upper=3.0, c=0.0)
    assert [v.name for v in m.value_vars] == ["t_interval__"]
    transform = m.rvs_to_transforms[m["t"]]
    rv = m["t"]
    back = transform.backward(np.array([-40.0, 0.0, 40.0]), *rv.owner.inputs).eval(mode=QUICK_MODE)
    np.testing.assert_allclose(back, [-1.0, 1.0, 3.0], atol=1e-12)


def test_support_point_is_inside_even_with_the_mode_at_an_edge():
    rv = ppl.Triangular.dist(lower=0.0, upper=np.array([3.0, 6.0]), c=0.0, shape=(2, 2))
    np.testing.assert_allclose(support_point(rv).eval(mode=QUICK_MODE), np.tile([1.0, 2.0], (2, 1)))
