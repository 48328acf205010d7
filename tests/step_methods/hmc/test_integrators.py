"""Leapfrog against analytic physics: harmonic oscillator and free fall."""

import math

import numpy as np
import pytest

from ppl.exceptions import IntegrationError
from ppl.step_methods.hmc.integrators import IntegratorState, leapfrog, new_integrator_state
from ppl.step_methods.hmc.metrics import make_metric


def oscillator(q):
    """Unit harmonic oscillator: potential q^2/2."""
    return -0.5 * float(q @ q), -q


def integrate(state, step_size, n_steps, fn, metric):
    for _ in range(n_steps):
        state = leapfrog(state, step_size, logp_dlogp_fn=fn, metric=metric)
    return state


def start_state(q, p, fn, metric):
    logp, dlogp = fn(np.asarray(q, dtype=float))
    return new_integrator_state(np.asarray(q, float), np.asarray(p, float), logp, dlogp, metric)


def leapfrog_matrix(h):
    """One leapfrog step of the unit oscillator is linear: (q, p) -> A (q, p)."""
    return np.array([[1 - h**2 / 2, h], [-h * (1 - h**2 / 4), 1 - h**2 / 2]])


@pytest.mark.parametrize("h, k", [(0.1, 1), (0.3, 17), (1.2, 40), (-0.25, 9)])
def test_oscillator_matches_exact_leapfrog_map(h, k):
    metric = make_metric(1)
    state = integrate(start_state([1.3], [-0.4], oscillator, metric), h, k, oscillator, metric)
    expected = np.linalg.matrix_power(leapfrog_matrix(h), k) @ np.array([1.3, -0.4])
    np.testing.assert_allclose([state.q[0], state.p[0]], expected, rtol=1e-12, atol=1e-12)
    assert state.logp == pytest.approx(-0.5 * expected[0] ** 2, rel=1e-12)
    np.testing.assert_allclose(state.velocity, state.p)


def test_oscillator_conserves_shadow_energy_exactly():
    # Leapfrog conserves p^2/2 + (1 - h^2/4) q^2/2 for the unit oscillator.
    h, metric = 0.7, make_metric(1)
    state = start_state([0.8], [0.6], oscillator, metric)
    shadow0 = 0.5 * 0.6**2 + 0.5 * (1 - h**2 / 4) * 0.8**2
    for _ in range(200):
        state = leapfrog(state, h, logp_dlogp_fn=oscillator, metric=metric)
        shadow = 0.5 * state.p[0] ** 2 + 0.5 * (1 - h**2 / 4) * state.q[0] ** 2
        assert shadow == pytest.approx(shadow0, rel=1e-12)


def test_energy_error_is_second_order_and_solution_converges():
    # Integrate to time t = 2 with h and h/2: the energy error and the distance to the exact
    # solution (q0 cos t + p0 sin t) both shrink by ~4 (leapfrog is second order).
    metric = make_metric(1)
    q0, p0, t = 1.0, 0.5, 2.0
    energy0 = 0.5 * (q0**2 + p0**2)
    energy_errors, position_errors = [], []
    for h in (0.1, 0.05, 0.025):
        state = integrate(start_state([q0], [p0], oscillator, metric), h, round(t / h),
                          oscillator, metric)
        energy_errors.append(abs(0.5 * (state.q[0] ** 2 + state.p[0] ** 2) - energy0))
        position_errors.append(abs(state.q[0] - (q0 * math.cos(t) + p0 * math.sin(t))))
    for errors in (energy_errors, position_errors):
        ratios = np.array(errors[:-1]) / np.array(errors[1:])
        np.testing.assert_allclose(ratios, 4.0, rtol=0.05)
    # H - shadow = h^2 q^2 / 8 with q^2 <= 2 E / (1 - h^2 / 4): |dH| <= h^2 E / (4 - h^2).
    h = 0.1
    assert energy_errors[0] <= h**2 * energy0 / (4 - h**2)


def test_free_fall_is_exact():
    # Constant force g: leapfrog reproduces q0 + p0 t - g t^2 / 2 exactly.
    g = 9.81

    def gravity(q):
        return -g * float(q.sum()), np.full_like(q, -g)

    metric = make_metric(2)
    state = integrate(start_state([1.0, 2.0], [3.0, 0.0], gravity, metric), 0.01, 100,
                      gravity, metric)
    t = 1.0
    np.testing.assert_allclose(state.q, [1.0 + 3.0 * t - g * t**2 / 2, 2.0 - g * t**2 / 2])
    np.testing.assert_allclose(state.p, [3.0 - g * t, -g * t])


@pytest.mark.parametrize("dense", [False, True])
def test_reversible(dense):
    rng = np.random.default_rng(3)
    cov = np.array([[2.0, 0.6, 0.0], [0.6, 1.0, 0.3], [0.0, 0.3, 0.5]])
    precision = np.linalg.inv(cov)

    def fn(q):
        grad = -precision @ q
        return 0.5 * float(q @ grad), grad

    inv_mass = cov if dense else np.diag(cov)
    metric = make_metric(3, dense=dense, inv_mass=inv_mass)
    start = start_state(rng.standard_normal(3), rng.standard_normal(3), fn, metric)
    forward = integrate(start, 0.3, 25, fn, metric)
    back = integrate(forward, -0.3, 25, fn, metric)
    np.testing.assert_allclose(back.q, start.q, atol=1e-12)
    np.testing.assert_allclose(back.p, start.p, atol=1e-12)
    flipped = new_integrator_state(forward.q, -forward.p, forward.logp, forward.dlogp, metric)
    returned = integrate(flipped, 0.3, 25, fn, metric)
    np.testing.assert_allclose(returned.q, start.q, atol=1e-12)
    np.testing.assert_allclose(-returned.p, start.p, atol=1e-12)


def test_dense_metric_velocity_is_inverse_mass_times_momentum():
    inv_mass = np.array([[2.0, 0.5], [0.5, 1.0]])
    metric = make_metric(2, dense=True, inv_mass=inv_mass)
    state = start_state([0.0, 0.0], [1.0, -2.0], oscillator, metric)
    np.testing.assert_allclose(state.velocity, inv_mass @ [1.0, -2.0])
    stepped = leapfrog(state, 0.1, logp_dlogp_fn=oscillator, metric=metric)
    np.testing.assert_allclose(stepped.velocity, inv_mass @ stepped.p)


def test_input_state_is_not_modified():
    metric = make_metric(2)
    state = start_state([1.0, 2.0], [0.5, 0.5], oscillator, metric)
    copies = [np.copy(a) for a in (state.q, state.p, state.dlogp, state.velocity)]
    leapfrog(state, 0.2, logp_dlogp_fn=oscillator, metric=metric)
    for before, after in zip(copies, (state.q, state.p, state.dlogp, state.velocity)):
        np.testing.assert_array_equal(before, after)


def failing(kind):
    def fn(q):
        if kind == "raise":
            raise ValueError("boom")
        if kind == "nan_logp":
            return math.nan, -q
        if kind == "inf_grad":
            return 0.0, np.full_like(q, np.inf)
        if kind == "nan_grad":
            return 0.0, np.full_like(q, np.nan)
        if kind == "interrupt":
            raise KeyboardInterrupt
        return -math.inf, -q

    return fn


@pytest.mark.parametrize("kind", ["raise", "nan_logp", "neg_inf_logp", "inf_grad", "nan_grad"])
def test_failures_become_integration_errors(kind):
    metric = make_metric(2)
    state = start_state([0.0, 0.0], [1.0, 1.0], oscillator, metric)
    with pytest.raises(IntegrationError, match="leapfrog"):
        leapfrog(state, 0.1, logp_dlogp_fn=failing(kind), metric=metric)


def test_keyboard_interrupt_propagates():
    metric = make_metric(1)
    state = start_state([0.0], [1.0], oscillator, metric)
    with pytest.raises(KeyboardInterrupt):
        leapfrog(state, 0.1, logp_dlogp_fn=failing("interrupt"), metric=metric)


def test_integrator_state_is_immutable():
    state = IntegratorState(np.zeros(1), np.zeros(1), 0.0, np.zeros(1), np.zeros(1))
    with pytest.raises(AttributeError):
        state.logp = 1.0
