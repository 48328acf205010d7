import numpy as np
import pytensor
import pytensor.tensor as pt
import pytest
import scipy.stats as st

import ppl
from ppl.exceptions import ParameterValueError
from ppl.logprob.dispatch import support_point
from ppl.testing import Nat, Unit_left_open, check_draws, check_logcdf, check_logp


@pytest.fixture(autouse=True)
def fast_compile():
    # grids compile with the Python linker; test_default_mode_* covers PyTensor's Numba default
    with pytensor.config.change_flags(mode="FAST_COMPILE"):
        yield


def test_logp_matches_scipy():
    check_logp(ppl.Geometric, Nat, {"p": Unit_left_open}, lambda value, p: st.geom.logpmf(value, p))


def test_logcdf_matches_scipy():
    check_logcdf(ppl.Geometric, Nat, {"p": Unit_left_open}, lambda value, p: st.geom.logcdf(value, p))


def test_logcdf_is_accurate_in_both_tails():
    p, x = pt.dscalar("p"), pt.dvector("x")
    f = pytensor.function([x, p], ppl.logcdf(ppl.Geometric.dist(p=p), x))
    np.testing.assert_allclose(f([1.0, 3.0], 1e-12), st.geom.logcdf([1, 3], 1e-12), rtol=1e-12)
    # scipy rounds this one to 0: log(1 - 0.7^200) = -0.7^200 to double precision
    np.testing.assert_allclose(f([200.0], 0.3), -(0.7**200), rtol=1e-12)


def test_non_integer_value_has_no_mass_and_logcdf_floors():
    rv = ppl.Geometric.dist(0.4)
    assert ppl.logp(rv, 2.5).eval() == -np.inf
    np.testing.assert_allclose(ppl.logcdf(rv, 2.5).eval(), st.geom.logcdf(2, 0.4))


@pytest.mark.parametrize("p, shown", [(0.0, "0.0"), (1.5, "1.5")])
def test_invalid_literal_names_distribution_variable_and_value(p, shown):
    with ppl.Model():
        with pytest.raises(ParameterValueError,
                           match=rf"Geometric 'g': parameter p is {shown}, expected 0 < p <= 1"):
            ppl.Geometric("g", p=p)


def test_support_point_is_in_the_support():
    rv = ppl.Geometric.dist(p=np.array([1.0, 0.3, 0.01]), size=(2, 3))
    np.testing.assert_array_equal(support_point(rv).eval(), np.tile([1, 3, 100], (2, 1)))


def test_value_var_is_int64_and_sampled_by_metropolis():
    with ppl.Model() as m:
        ppl.Geometric("g", p=0.2)
    assert m.value_vars[0].dtype == "int64"
    assert [type(s).__name__ for s in ppl.assign_step_methods(m)] == ["Metropolis"]


def test_draws_match_scipy():
    check_draws(ppl.Geometric, {"p": 0.3}, st.geom(0.3))


def test_default_mode_draws_match_scipy():
    with pytensor.config.change_flags(mode="NUMBA"):
        check_draws(ppl.Geometric, {"p": 0.15}, st.geom(0.15))
