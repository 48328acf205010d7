import numpy as np
import pytensor
import pytensor.tensor as pt
import pytest
import scipy.stats as st
from scipy.special import logsumexp

import ppl
from ppl.exceptions import ParameterValueError
from ppl.logprob.dispatch import support_point
from ppl.testing import Nat, Rplus_nonzero, Unit, check_draws, check_logcdf, check_logp


@pytest.fixture(autouse=True)
def fast_compile():
    # grids compile with the Python linker; test_default_mode_* covers PyTensor's Numba default
    with pytensor.config.change_flags(mode="FAST_COMPILE"):
        yield


def _assert_gradient_matches_finite_differences(inputs, output, point, rtol=1e-6):
    """Symbolic gradient of ``output`` vs central differences, from one unoptimised function."""
    mode = pytensor.compile.mode.Mode(linker="py", optimizer=None)  # compiles in a blink
    f = pytensor.function(inputs, [output, *pytensor.grad(output, inputs)], mode=mode)
    _, *grads = f(*point)
    for i, (x, g) in enumerate(zip(point, grads, strict=True)):
        x = np.asarray(x, dtype=float)
        for j in np.ndindex(x.shape):
            h = 1e-6 * max(1.0, abs(x[j]))
            up, down = x.copy(), x.copy()
            up[j] += h
            down[j] -= h
            numeric = (f(*point[:i], up, *point[i + 1:])[0] - f(*point[:i], down, *point[i + 1:])[0]) / (2 * h)
            np.testing.assert_allclose(np.asarray(g)[j], numeric, rtol=rtol, atol=1e-8)


def _logpmf(value, psi, mu):
    positive = np.log(psi) + st.poisson.logpmf(value, mu) - st.poisson.logsf(0, mu)
    return np.where(value == 0, np.log1p(-psi), positive)


def _logcdf(value, psi, mu):
    # (1 - psi) + psi * P(1 <= X <= x) / P(X >= 1), the sum taken term by term
    def one(x):
        if x < 1:
            return np.log1p(-psi)
        mass = logsumexp(st.poisson.logpmf(np.arange(1, x + 1), mu)) - st.poisson.logsf(0, mu)
        return np.logaddexp(np.log1p(-psi), np.log(psi) + mass)

    return np.array([one(x) for x in np.asarray(value)])


class _Reference:
    """Frozen hurdle Poisson with a pmf, for check_draws."""

    def __init__(self, psi, mu):
        self.psi, self.mu = psi, mu

    def pmf(self, value):
        return np.exp(_logpmf(np.asarray(value), self.psi, self.mu))


def test_logp_matches_scipy_truncated_poisson():
    check_logp(ppl.HurdlePoisson, Nat, {"psi": Unit, "mu": Rplus_nonzero}, _logpmf)


def test_logcdf_matches_scipy_truncated_poisson():
    check_logcdf(ppl.HurdlePoisson, Nat, {"psi": Unit, "mu": Rplus_nonzero}, _logcdf)


def test_logcdf_is_accurate_in_both_tails():
    rv = ppl.HurdlePoisson.dist(psi=1.0, mu=60.0)
    # lower tail: P(X <= 1) = P(X = 1) for psi = 1, about 1e-24
    expected = st.poisson.logpmf(1, 60.0) - st.poisson.logsf(0, 60.0)
    np.testing.assert_allclose(ppl.logcdf(rv, 1).eval(), expected, rtol=1e-10)
    # upper tail: log(1 - P(X > 150) / P(X >= 1)) = -P(X > 150) to double precision
    np.testing.assert_allclose(ppl.logcdf(rv, 150).eval(), -st.poisson.sf(150, 60.0), rtol=1e-8)


def test_zero_has_mass_one_minus_psi_only():
    rv = ppl.HurdlePoisson.dist(psi=0.3, mu=2.0)
    np.testing.assert_allclose(ppl.logp(rv, 0).eval(), np.log(0.7))
    total = np.exp(ppl.logp(rv, np.arange(60)).eval()).sum()
    np.testing.assert_allclose(total, 1.0)


def test_gradient_matches_finite_differences():
    psi, mu = pt.dscalar("psi"), pt.dscalar("mu")
    logp_sum = ppl.logp(ppl.HurdlePoisson.dist(psi=psi, mu=mu), np.array([0, 1, 3])).sum()
    _assert_gradient_matches_finite_differences([psi, mu], logp_sum, (0.6, 0.8))


@pytest.mark.parametrize("kwargs, match", [
    ({"psi": 1.5, "mu": 1.0}, r"parameter psi is 1.5, expected 0 <= psi <= 1"),
    ({"psi": 0.5, "mu": 0.0}, r"parameter mu is 0.0, expected mu > 0"),
])
def test_invalid_literal_names_distribution_variable_and_value(kwargs, match):
    with ppl.Model():
        with pytest.raises(ParameterValueError, match="HurdlePoisson 'h': " + match):
            ppl.HurdlePoisson("h", **kwargs)


def test_support_point_and_step_assignment():
    with ppl.Model() as m:
        ppl.HurdlePoisson("h", psi=np.array([0.2, 0.9, 1.0]), mu=np.array([3.0, 4.5, 0.1]))
    np.testing.assert_array_equal(support_point(m.free_RVs[0]).eval(), [0, 4, 1])
    assert m.value_vars[0].dtype == "int64"
    assert [type(s).__name__ for s in ppl.assign_step_methods(m)] == ["Metropolis"]


@pytest.mark.parametrize("psi, mu", [(0.7, 3.0), (0.5, 0.05), (0.9, 40.0)])
def test_draws_match_the_hurdle(psi, mu):
    check_draws(ppl.HurdlePoisson, {"psi": psi, "mu": mu}, _Reference(psi, mu))


def test_default_mode_draws_match_the_hurdle():
    with pytensor.config.change_flags(mode="NUMBA"):
        check_draws(ppl.HurdlePoisson, {"psi": 0.6, "mu": 0.3}, _Reference(0.6, 0.3))
