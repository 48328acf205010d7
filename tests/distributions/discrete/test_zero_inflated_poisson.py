import numpy as np
import pytensor
import pytensor.tensor as pt
import pytest
import scipy.stats as st

import ppl
from ppl.exceptions import ParameterValueError
from ppl.logprob.dispatch import support_point
from ppl.testing import Nat, Rplus_finite, Unit, check_draws, check_logcdf, check_logp


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
    base = st.poisson.logpmf(value, mu)
    return np.where(value == 0, np.logaddexp(np.log1p(-psi), np.log(psi) + base), np.log(psi) + base)


def _logcdf(value, psi, mu):
    return np.logaddexp(np.log1p(-psi), np.log(psi) + st.poisson.logcdf(value, mu))


class _Reference:
    """Frozen zero-inflated Poisson with a pmf, for check_draws."""

    def __init__(self, psi, mu):
        self.psi, self.mu = psi, mu

    def pmf(self, value):
        return np.exp(_logpmf(np.asarray(value), self.psi, self.mu))


def test_logp_matches_scipy_mixture():
    check_logp(ppl.ZeroInflatedPoisson, Nat, {"psi": Unit, "mu": Rplus_finite}, _logpmf)


def test_logcdf_matches_scipy_mixture():
    check_logcdf(ppl.ZeroInflatedPoisson, Nat, {"psi": Unit, "mu": Rplus_finite}, _logcdf)


def test_logcdf_upper_tail_is_accurate():
    got = ppl.logcdf(ppl.ZeroInflatedPoisson.dist(psi=0.5, mu=3.0), 30).eval()
    np.testing.assert_allclose(got, np.log1p(-0.5 * st.poisson.sf(30, 3.0)), rtol=1e-10)


def test_psi_edges_are_the_poisson_and_a_point_mass():
    values = np.arange(5)
    full = ppl.logp(ppl.ZeroInflatedPoisson.dist(psi=1.0, mu=2.0), values).eval()
    np.testing.assert_allclose(full, st.poisson.logpmf(values, 2.0))
    none = ppl.logp(ppl.ZeroInflatedPoisson.dist(psi=0.0, mu=2.0), values).eval()
    np.testing.assert_array_equal(none, [0.0, -np.inf, -np.inf, -np.inf, -np.inf])


def test_gradient_matches_finite_differences():
    psi, mu = pt.dscalar("psi"), pt.dscalar("mu")
    logp_sum = ppl.logp(ppl.ZeroInflatedPoisson.dist(psi=psi, mu=mu), np.array([0, 0, 1, 4])).sum()
    _assert_gradient_matches_finite_differences([psi, mu], logp_sum, (0.6, 2.5))


@pytest.mark.parametrize("kwargs, match", [
    ({"psi": 1.5, "mu": 1.0}, r"parameter psi is 1.5, expected 0 <= psi <= 1"),
    ({"psi": 0.5, "mu": -1.0}, r"parameter mu is -1.0, expected mu >= 0"),
])
def test_invalid_literal_names_distribution_variable_and_value(kwargs, match):
    with ppl.Model():
        with pytest.raises(ParameterValueError, match="ZeroInflatedPoisson 'z': " + match):
            ppl.ZeroInflatedPoisson("z", **kwargs)


def test_symbolic_invalid_psi_raises_when_evaluated():
    psi = pt.dscalar("psi")
    f = pytensor.function([psi], ppl.logp(ppl.ZeroInflatedPoisson.dist(psi=psi, mu=1.0), 0))
    with pytest.raises(ParameterValueError, match=r"ZeroInflatedPoisson: .*0 <= psi <= 1"):
        f(-0.2)


def test_support_point_and_step_assignment():
    with ppl.Model() as m:
        ppl.ZeroInflatedPoisson("z", psi=np.array([0.5, 1.0]), mu=np.array([3.0, 4.6]))
    np.testing.assert_array_equal(support_point(m.free_RVs[0]).eval(), [2, 5])
    assert m.value_vars[0].dtype == "int64"
    assert [type(s).__name__ for s in ppl.assign_step_methods(m)] == ["Metropolis"]


def test_draws_match_the_mixture():
    check_draws(ppl.ZeroInflatedPoisson, {"psi": 0.7, "mu": 3.0}, _Reference(0.7, 3.0))


def test_default_mode_draws_match_the_mixture():
    with pytensor.config.change_flags(mode="NUMBA"):
        check_draws(ppl.ZeroInflatedPoisson, {"psi": 0.4, "mu": 6.0}, _Reference(0.4, 6.0))
