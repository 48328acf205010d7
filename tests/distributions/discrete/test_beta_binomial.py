import numpy as np
import pytensor
import pytest
import scipy.stats as st

import ppl
from ppl.exceptions import ParameterValueError
from ppl.logprob.dispatch import support_point
from ppl.testing import Nat, Rplus_nonzero, check_draws, check_logcdf, check_logp


@pytest.fixture(autouse=True)
def fast_compile():
    # grids compile with the Python linker; test_default_mode_* covers PyTensor's Numba default
    with pytensor.config.change_flags(mode="FAST_COMPILE"):
        yield


PARAMS = {"alpha": Rplus_nonzero, "beta": Rplus_nonzero, "n": Nat}


def test_logp_matches_scipy():
    check_logp(ppl.BetaBinomial, Nat, PARAMS,
               lambda value, alpha, beta, n: st.betabinom.logpmf(value, n, alpha, beta))


def test_logcdf_matches_scipy():
    check_logcdf(ppl.BetaBinomial, Nat, PARAMS,
                 lambda value, alpha, beta, n: st.betabinom.logcdf(value, n, alpha, beta))


def test_logcdf_takes_arrays_and_keeps_the_upper_tail():
    # PyMC's summation only takes a scalar value; here values and parameters broadcast
    rv = ppl.BetaBinomial.dist(alpha=np.array([0.5, 30.0]), beta=2.0, n=40)
    values = np.array([[0, 3], [39, 39], [40, 41]])
    expected = st.betabinom.logcdf(values, 40, np.array([0.5, 30.0]), 2.0)
    got = ppl.logcdf(rv, values).eval()
    np.testing.assert_allclose(got, expected, rtol=1e-9)
    # P(X <= 0) for alpha = 30 is tiny; so is 1 - P(X <= 39) for alpha = 0.5
    upper = np.log1p(-st.betabinom.pmf(40, 40, 0.5, 2.0))
    np.testing.assert_allclose(got[1, 0], upper, rtol=1e-12)


def test_non_integer_value_has_no_mass_and_logcdf_floors():
    rv = ppl.BetaBinomial.dist(2.0, 3.0, 10)
    assert ppl.logp(rv, 2.5).eval() == -np.inf
    np.testing.assert_allclose(ppl.logcdf(rv, 2.5).eval(), st.betabinom.logcdf(2, 10, 2.0, 3.0))


@pytest.mark.parametrize("kwargs, match", [
    ({"alpha": -1.0, "beta": 1.0, "n": 3}, r"parameter alpha is -1.0, expected alpha > 0"),
    ({"alpha": 1.0, "beta": 0.0, "n": 3}, r"parameter beta is 0.0, expected beta > 0"),
    ({"alpha": 1.0, "beta": 1.0, "n": 2.5}, r"parameter n is 2.5, expected n an integer >= 0"),
])
def test_invalid_literal_names_distribution_variable_and_value(kwargs, match):
    with ppl.Model():
        with pytest.raises(ParameterValueError, match="BetaBinomial 'b': " + match):
            ppl.BetaBinomial("b", **kwargs)


def test_support_point_is_the_rounded_mean():
    rv = ppl.BetaBinomial.dist(alpha=np.array([1.0, 9.0]), beta=1.0, n=np.array([[4], [10]]))
    np.testing.assert_array_equal(support_point(rv).eval(), [[2, 4], [5, 9]])


def test_value_var_is_int64_and_sampled_by_metropolis():
    with ppl.Model() as m:
        ppl.BetaBinomial("b", alpha=2.0, beta=2.0, n=5)
    assert m.value_vars[0].dtype == "int64"
    assert [type(s).__name__ for s in ppl.assign_step_methods(m)] == ["Metropolis"]


def test_draws_match_scipy():
    check_draws(ppl.BetaBinomial, {"alpha": 0.7, "beta": 1.8, "n": 12}, st.betabinom(12, 0.7, 1.8))


def test_default_mode_draws_match_scipy():
    with pytensor.config.change_flags(mode="NUMBA"):
        check_draws(ppl.BetaBinomial, {"alpha": 2.5, "beta": 1.5, "n": 9}, st.betabinom(9, 2.5, 1.5))
