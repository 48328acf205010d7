import numpy as np
import pytensor
import pytest
import scipy.stats as st

import ppl
from ppl.exceptions import ParameterValueError
from ppl.logprob.dispatch import support_point
from ppl.testing import (
    Nat,
    Rplus_finite,
    Rplus_nonzero,
    Unit,
    Unit_left_open,
    check_draws,
    check_logcdf,
    check_logp,
)


@pytest.fixture(autouse=True)
def fast_compile():
    # grids compile with the Python linker; test_default_mode_* covers PyTensor's Numba default
    with pytensor.config.change_flags(mode="FAST_COMPILE"):
        yield


def _logpmf(value, psi, n, p):
    base = st.nbinom.logpmf(value, n, p)
    return np.where(value == 0, np.logaddexp(np.log1p(-psi), np.log(psi) + base), np.log(psi) + base)


def _logcdf(value, psi, n, p):
    return np.logaddexp(np.log1p(-psi), np.log(psi) + st.nbinom.logcdf(value, n, p))


def _mu_alpha(reference):
    return lambda value, psi, mu, alpha: reference(value, psi, alpha, alpha / (mu + alpha))


def _p_n(reference):
    return lambda value, psi, p, n: reference(value, psi, n, p)


class _Reference:
    """Frozen zero-inflated negative binomial (n, p) with a pmf, for check_draws."""

    def __init__(self, psi, n, p):
        self.params = (psi, n, p)

    def pmf(self, value):
        return np.exp(_logpmf(np.asarray(value), *self.params))


def test_logp_mu_alpha_matches_scipy_mixture():
    check_logp(ppl.ZeroInflatedNegativeBinomial, Nat,
               {"psi": Unit, "mu": Rplus_finite, "alpha": Rplus_nonzero}, _mu_alpha(_logpmf))


def test_logcdf_mu_alpha_matches_scipy_mixture():
    check_logcdf(ppl.ZeroInflatedNegativeBinomial, Nat,
                 {"psi": Unit, "mu": Rplus_finite, "alpha": Rplus_nonzero}, _mu_alpha(_logcdf))


def test_logp_and_logcdf_p_n_match_scipy_mixture():
    params = {"psi": Unit, "p": Unit_left_open, "n": Rplus_nonzero}
    check_logp(ppl.ZeroInflatedNegativeBinomial, Nat, params, _p_n(_logpmf), n_samples=40)
    check_logcdf(ppl.ZeroInflatedNegativeBinomial, Nat, params, _p_n(_logcdf), n_samples=40)


def test_parameterisations_agree():
    values = np.arange(6)
    a = ppl.logp(ppl.ZeroInflatedNegativeBinomial.dist(0.6, mu=3.0, alpha=2.0), values).eval()
    b = ppl.logp(ppl.ZeroInflatedNegativeBinomial.dist(0.6, p=0.4, n=2.0), values).eval()
    np.testing.assert_allclose(a, b)


@pytest.mark.parametrize("kwargs, match", [
    ({"psi": 2.0, "mu": 1.0, "alpha": 1.0}, r"parameter psi is 2.0, expected 0 <= psi <= 1"),
    ({"psi": 0.5, "mu": 1.0, "alpha": -1.0}, r"parameter alpha is -1.0, expected alpha > 0"),
    ({"psi": 0.5, "p": 0.0, "n": 1.0}, r"parameter p is 0.0, expected 0 < p <= 1"),
])
def test_invalid_literal_names_distribution_variable_and_value(kwargs, match):
    with ppl.Model():
        with pytest.raises(ParameterValueError, match="ZeroInflatedNegativeBinomial 'z': " + match):
            ppl.ZeroInflatedNegativeBinomial("z", **kwargs)


def test_parameterisation_must_be_unambiguous():
    with pytest.raises(ParameterValueError, match="mu or p, not both"):
        ppl.ZeroInflatedNegativeBinomial.dist(0.5, mu=1.0, p=0.5, alpha=1.0)


def test_support_point_and_step_assignment():
    with ppl.Model() as m:
        ppl.ZeroInflatedNegativeBinomial("z", psi=0.5, mu=np.array([3.0, 10.0]), alpha=2.0)
    np.testing.assert_array_equal(support_point(m.free_RVs[0]).eval(), [2, 5])
    assert m.value_vars[0].dtype == "int64"
    assert [type(s).__name__ for s in ppl.assign_step_methods(m)] == ["Metropolis"]


def test_draws_match_the_mixture():
    check_draws(ppl.ZeroInflatedNegativeBinomial, {"psi": 0.7, "mu": 3.0, "alpha": 1.5},
                _Reference(0.7, 1.5, 1.5 / 4.5))


def test_default_mode_draws_match_the_mixture():
    with pytensor.config.change_flags(mode="NUMBA"):
        check_draws(ppl.ZeroInflatedNegativeBinomial, {"psi": 0.4, "p": 0.3, "n": 2.5},
                    _Reference(0.4, 2.5, 0.3))
