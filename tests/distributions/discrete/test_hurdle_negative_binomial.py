import numpy as np
import pytensor
import pytest
import scipy.stats as st
from scipy.special import logsumexp

import ppl
from ppl.exceptions import ParameterValueError
from ppl.logprob.dispatch import support_point
from ppl.testing import Nat, Rplus_nonzero, Unit, Unit_open, check_draws, check_logcdf, check_logp


@pytest.fixture(autouse=True)
def fast_compile():
    # grids compile with the Python linker; test_default_mode_* covers PyTensor's Numba default
    with pytensor.config.change_flags(mode="FAST_COMPILE"):
        yield


def _logpmf(value, psi, n, p):
    positive = np.log(psi) + st.nbinom.logpmf(value, n, p) - st.nbinom.logsf(0, n, p)
    return np.where(value == 0, np.log1p(-psi), positive)


def _logcdf(value, psi, n, p):
    # (1 - psi) + psi * P(1 <= X <= x) / P(X >= 1), the sum taken term by term
    def one(x):
        if x < 1:
            return np.log1p(-psi)
        mass = logsumexp(st.nbinom.logpmf(np.arange(1, x + 1), n, p)) - st.nbinom.logsf(0, n, p)
        return np.logaddexp(np.log1p(-psi), np.log(psi) + mass)

    return np.array([one(x) for x in np.asarray(value)])


def _mu_alpha(reference):
    return lambda value, psi, mu, alpha: reference(value, psi, alpha, alpha / (mu + alpha))


class _Reference:
    """Frozen hurdle negative binomial (n, p) with a pmf, for check_draws."""

    def __init__(self, psi, n, p):
        self.params = (psi, n, p)

    def pmf(self, value):
        return np.exp(_logpmf(np.asarray(value), *self.params))


MU_ALPHA = {"psi": Unit, "mu": Rplus_nonzero, "alpha": Rplus_nonzero}


def test_logp_mu_alpha_matches_scipy_truncated_nbinom():
    check_logp(ppl.HurdleNegativeBinomial, Nat, MU_ALPHA, _mu_alpha(_logpmf))


def test_logcdf_mu_alpha_matches_scipy_truncated_nbinom():
    check_logcdf(ppl.HurdleNegativeBinomial, Nat, MU_ALPHA, _mu_alpha(_logcdf), n_samples=60)


def test_logp_p_n_matches_scipy_truncated_nbinom():
    check_logp(ppl.HurdleNegativeBinomial, Nat, {"psi": Unit, "p": Unit_open, "n": Rplus_nonzero},
               lambda value, psi, p, n: _logpmf(value, psi, n, p), n_samples=40)


def test_parameterisations_agree_and_mass_sums_to_one():
    values = np.arange(200)
    a = ppl.logp(ppl.HurdleNegativeBinomial.dist(0.6, mu=3.0, alpha=2.0), values).eval()
    b = ppl.logp(ppl.HurdleNegativeBinomial.dist(0.6, p=0.4, n=2.0), values).eval()
    np.testing.assert_allclose(a, b)
    np.testing.assert_allclose(np.exp(a).sum(), 1.0)


@pytest.mark.parametrize("kwargs, match", [
    ({"psi": -1.0, "mu": 1.0, "alpha": 1.0}, r"parameter psi is -1.0, expected 0 <= psi <= 1"),
    ({"psi": 0.5, "mu": 0.0, "alpha": 1.0}, r"parameter mu is 0.0, expected mu > 0"),
    ({"psi": 0.5, "p": 1.0, "n": 1.0}, r"parameter p is 1.0, expected 0 < p < 1"),
    ({"psi": 0.5, "mu": 1.0, "alpha": 0.0}, r"parameter alpha is 0.0, expected alpha > 0"),
])
def test_invalid_literal_names_distribution_variable_and_value(kwargs, match):
    with ppl.Model():
        with pytest.raises(ParameterValueError, match="HurdleNegativeBinomial 'h': " + match):
            ppl.HurdleNegativeBinomial("h", **kwargs)


def test_support_point_and_step_assignment():
    with ppl.Model() as m:
        ppl.HurdleNegativeBinomial("h", psi=np.array([0.2, 0.9]), mu=np.array([3.0, 4.5]), alpha=2.0)
    np.testing.assert_array_equal(support_point(m.free_RVs[0]).eval(), [0, 4])
    assert m.value_vars[0].dtype == "int64"
    assert [type(s).__name__ for s in ppl.assign_step_methods(m)] == ["Metropolis"]


# The zero-truncated sampler in its regimes: moderate, a tiny n (zeros dominate the negative
# binomial, heavy tail), p near 1 (mean near 0) and a huge n (the Poisson limit).
@pytest.mark.parametrize("n, p", [(1.5, 1.5 / 4.5), (0.05, 0.05 / 2.05), (3.0, 3.0 / 3.05),
                                  (1e4, 1e4 / (1e4 + 5.0))])
def test_draws_match_the_hurdle(n, p):
    check_draws(ppl.HurdleNegativeBinomial, {"psi": 0.7, "n": n, "p": p}, _Reference(0.7, n, p))


def test_default_mode_draws_match_the_hurdle():
    with pytensor.config.change_flags(mode="NUMBA"):
        check_draws(ppl.HurdleNegativeBinomial, {"psi": 0.8, "mu": 2.0, "alpha": 0.3},
                    _Reference(0.8, 0.3, 0.3 / 2.3))
