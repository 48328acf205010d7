import numpy as np
import pytensor
import pytest
import scipy.stats as st

import ppl
from ppl.exceptions import ParameterValueError
from ppl.logprob.dispatch import support_point
from ppl.testing import Domain, Nat, NatSmall, check_draws, check_logcdf, check_logp


@pytest.fixture(autouse=True)
def fast_compile():
    # grids compile with the Python linker; test_default_mode_* covers PyTensor's Numba default
    with pytensor.config.change_flags(mode="FAST_COMPILE"):
        yield


Q = Domain((0.1, 0.5, 0.9, 0.99), outside=(0.0, 1.0, -0.1, 1.1))
BETA = Domain((0.5, 1.0, 1.7, 3.0), outside=(0.0, -1.0))


def _pmf(value, q, beta):
    return q ** (value**beta) - q ** ((value + 1.0) ** beta)


class _DiscreteWeibullReference:
    """Frozen reference with the pmf for check_draws (scipy has no discrete Weibull)."""

    def __init__(self, q, beta):
        self.q, self.beta = q, beta

    def pmf(self, value):
        return _pmf(np.asarray(value, dtype=float), self.q, self.beta)


def test_logp_matches_the_pmf():
    # The pmf directly (well conditioned on this grid).
    check_logp(ppl.DiscreteWeibull, NatSmall, {"q": Q, "beta": BETA},
               lambda value, q, beta: np.log(_pmf(value, q, beta)))


def test_logcdf_matches_the_cdf():
    check_logcdf(ppl.DiscreteWeibull, Nat, {"q": Q, "beta": BETA},
                 lambda value, q, beta: np.log1p(-(q ** ((value + 1.0) ** beta))))


def test_beta_one_is_geometric_even_far_in_the_tail():
    # P(X = x) = q^x (1 - q): scipy's geom on x + 1 with p = 1 - q; the direct pmf underflows
    values = np.array([0, 1, 10, 2000])
    rv = ppl.DiscreteWeibull.dist(q=0.5, beta=1.0)
    np.testing.assert_allclose(ppl.logp(rv, values).eval(), st.geom.logpmf(values + 1, 0.5), rtol=1e-12)
    np.testing.assert_allclose(ppl.logcdf(rv, 3.7).eval(), st.geom.logcdf(4, 0.5), rtol=1e-12)


def test_non_integer_value_has_no_mass():
    assert ppl.logp(ppl.DiscreteWeibull.dist(0.5, 2.0), 1.5).eval() == -np.inf


@pytest.mark.parametrize("kwargs, match", [
    ({"q": 1.0, "beta": 1.0}, r"parameter q is 1.0, expected 0 < q < 1"),
    ({"q": 0.5, "beta": -2.0}, r"parameter beta is -2.0, expected beta > 0"),
])
def test_invalid_literal_names_distribution_variable_and_value(kwargs, match):
    with ppl.Model():
        with pytest.raises(ParameterValueError, match="DiscreteWeibull 'w': " + match):
            ppl.DiscreteWeibull("w", **kwargs)


def test_support_point_is_the_median():
    q, beta = np.array([0.1, 0.5, 0.9]), np.array([[1.0], [0.5]])
    cdf_at = lambda x: 1.0 - q ** ((x + 1.0) ** beta)  # noqa: E731
    got = support_point(ppl.DiscreteWeibull.dist(q=q, beta=beta)).eval()
    assert np.all(cdf_at(got) >= 0.5) and np.all((got == 0) | (cdf_at(got - 1.0) < 0.5))


def test_value_var_is_int64_and_sampled_by_metropolis():
    with ppl.Model() as m:
        ppl.DiscreteWeibull("w", q=0.7, beta=1.2)
    assert m.value_vars[0].dtype == "int64"
    assert [type(s).__name__ for s in ppl.assign_step_methods(m)] == ["Metropolis"]


def test_draws_match_the_pmf():
    check_draws(ppl.DiscreteWeibull, {"q": 0.9, "beta": 0.8}, _DiscreteWeibullReference(0.9, 0.8))


def test_default_mode_draws_match_the_pmf():
    with pytensor.config.change_flags(mode="NUMBA"):
        check_draws(ppl.DiscreteWeibull, {"q": 0.6, "beta": 2.2}, _DiscreteWeibullReference(0.6, 2.2))
