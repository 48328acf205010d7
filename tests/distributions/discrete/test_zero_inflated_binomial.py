import numpy as np
import pytensor
import pytest
import scipy.stats as st

import ppl
from ppl.exceptions import ParameterValueError
from ppl.logprob.dispatch import support_point
from ppl.testing import Nat, NatSmall, Unit, check_draws, check_logcdf, check_logp


@pytest.fixture(autouse=True)
def fast_compile():
    # grids compile with the Python linker; test_default_mode_* covers PyTensor's Numba default
    with pytensor.config.change_flags(mode="FAST_COMPILE"):
        yield


def _logpmf(value, psi, n, p):
    base = st.binom.logpmf(value, n, p)
    return np.where(value == 0, np.logaddexp(np.log1p(-psi), np.log(psi) + base), np.log(psi) + base)


def _logcdf(value, psi, n, p):
    return np.logaddexp(np.log1p(-psi), np.log(psi) + st.binom.logcdf(value, n, p))


class _Reference:
    """Frozen zero-inflated binomial with a pmf, for check_draws."""

    def __init__(self, psi, n, p):
        self.params = (psi, n, p)

    def pmf(self, value):
        return np.exp(_logpmf(np.asarray(value), *self.params))


PARAMS = {"psi": Unit, "n": NatSmall, "p": Unit}


def test_logp_matches_scipy_mixture():
    check_logp(ppl.ZeroInflatedBinomial, Nat, PARAMS, _logpmf)


def test_logcdf_matches_scipy_mixture():
    check_logcdf(ppl.ZeroInflatedBinomial, Nat, PARAMS, _logcdf)


def test_psi_one_is_the_binomial():
    values = np.arange(6)
    got = ppl.logp(ppl.ZeroInflatedBinomial.dist(psi=1.0, n=5, p=0.3), values).eval()
    np.testing.assert_allclose(got, st.binom.logpmf(values, 5, 0.3))


@pytest.mark.parametrize("kwargs, match", [
    ({"psi": -0.5, "n": 3, "p": 0.5}, r"parameter psi is -0.5, expected 0 <= psi <= 1"),
    ({"psi": 0.5, "n": 2.5, "p": 0.5}, r"parameter n is 2.5, expected n an integer >= 0"),
    ({"psi": 0.5, "n": 3, "p": 1.2}, r"parameter p is 1.2, expected 0 <= p <= 1"),
])
def test_invalid_literal_names_distribution_variable_and_value(kwargs, match):
    with ppl.Model():
        with pytest.raises(ParameterValueError, match="ZeroInflatedBinomial 'z': " + match):
            ppl.ZeroInflatedBinomial("z", **kwargs)


def test_support_point_and_step_assignment():
    with ppl.Model() as m:
        ppl.ZeroInflatedBinomial("z", psi=0.5, n=np.array([4, 10]), p=0.9)
    np.testing.assert_array_equal(support_point(m.free_RVs[0]).eval(), [2, 4])
    assert m.value_vars[0].dtype == "int64"
    assert [type(s).__name__ for s in ppl.assign_step_methods(m)] == ["Metropolis"]


def test_draws_match_the_mixture():
    check_draws(ppl.ZeroInflatedBinomial, {"psi": 0.7, "n": 8, "p": 0.4}, _Reference(0.7, 8, 0.4))


def test_default_mode_draws_match_the_mixture():
    with pytensor.config.change_flags(mode="NUMBA"):
        check_draws(ppl.ZeroInflatedBinomial, {"psi": 0.5, "n": 6, "p": 0.7}, _Reference(0.5, 6, 0.7))
