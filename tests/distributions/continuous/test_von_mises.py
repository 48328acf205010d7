import numpy as np
import pytest
import scipy.stats as st

import ppl
from ppl.exceptions import ParameterValueError
from ppl.forward.draw import draw
from ppl.logprob.dispatch import support_point
from ppl.testing import Domain, Rfinite, check_draws, check_logp

QUICK = {"mode": "FAST_COMPILE"}
# the whole circle, its two ends included; anything past them is outside the support
CIRCLE = Domain((-np.pi, -2.0, -0.5, 0.0, 0.3, 1.0, 2.5, np.pi), outside=(-3.2, 3.2, 7.0))
# concentrations up to 500, where I0(kappa) alone would be 1e215 (and overflows from ~710)
KAPPA = Domain((0.01, 0.1, 0.9, 1.0, 2.0, 20.0, 500.0), outside=(0.0, -1.0))


class _OnTheCircle:
    """The CDF on [-pi, pi] of scipy's von Mises (whose own CDF is 0 at loc - pi)."""

    def __init__(self, mu, kappa):
        self.vm = st.vonmises(kappa, loc=mu)

    def cdf(self, x):
        return self.vm.cdf(x) - self.vm.cdf(-np.pi)


def test_logp_matches_scipy():
    check_logp(ppl.VonMises, CIRCLE, {"mu": Rfinite, "kappa": KAPPA},
               lambda value, mu, kappa: st.vonmises.logpdf(value, kappa, loc=mu))


def test_logp_at_huge_concentration_is_finite():
    got = ppl.logp(ppl.VonMises.dist(mu=0.1, kappa=1e5), 0.1).eval(**QUICK)
    np.testing.assert_allclose(got, 0.5 * np.log(1e5 / (2 * np.pi)), rtol=1e-5)  # normal limit


def test_defaults_are_mu_0_kappa_1():
    got = ppl.logp(ppl.VonMises.dist(), 0.4).eval(**QUICK)
    np.testing.assert_allclose(got, st.vonmises.logpdf(0.4, 1.0), rtol=1e-12)


def test_invalid_literal_names_distribution_variable_and_value():
    with ppl.Model():
        with pytest.raises(ParameterValueError,
                           match="VonMises 'theta': parameter kappa is -1.0, expected kappa > 0"):
            ppl.VonMises("theta", mu=0.0, kappa=-1.0)


def test_default_transform_is_circular_and_support_point_is_the_wrapped_mean():
    with ppl.Model() as m:
        ppl.VonMises("theta", mu=np.array([0.5, 3.0 + 2 * np.pi]), kappa=2.0)
    assert [v.name for v in m.value_vars] == ["theta_circular__"]
    assert m.rvs_to_transforms[m.free_RVs[0]] is ppl.transforms.circular
    np.testing.assert_allclose(support_point(m.free_RVs[0]).eval(**QUICK), [0.5, 3.0], rtol=1e-12)


def test_draws_lie_on_the_circle_and_match_scipy():
    # mu = 2.5: the density wraps around pi, and the draws must be wrapped too
    check_draws(ppl.VonMises, {"mu": 2.5, "kappa": 1.5}, _OnTheCircle(2.5, 1.5))


def test_draws_stay_on_the_circle_for_huge_kappa_and_far_mu():
    # NumPy's sampler wraps by one period only for kappa > 1e6 (3.72 for mu = 10)
    # (PyTensor's Numba kernel is a port of it); the Python backend runs NumPy's own sampler
    rv = ppl.VonMises.dist(mu=np.array([10.0, -10.0]), kappa=1e7, size=(5, 2))
    samples = draw(rv, random_seed=3, mode="FAST_COMPILE")
    np.testing.assert_allclose(samples, np.tile([10.0 - 4 * np.pi, 4 * np.pi - 10.0], (5, 1)),
                               atol=0.01)


def test_draws_in_python_backend():
    samples = draw(ppl.VonMises.dist(-2.8, 4.0, size=2000), random_seed=7, mode="FAST_COMPILE")
    assert np.all(np.abs(samples) <= np.pi)
    assert st.kstest(samples, _OnTheCircle(-2.8, 4.0).cdf).pvalue > 0.001
