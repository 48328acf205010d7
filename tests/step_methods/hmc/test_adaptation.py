"""Warm-up adaptation: dual averaging, Welford estimates, Stan's schedule, step-size search."""

import math

import numpy as np
import pytest

from ppl.exceptions import ParameterValueError
from ppl.step_methods.driver import sample_array
from ppl.step_methods.hmc.adaptation import (
    build_warmup_schedule,
    dual_averaging_final,
    dual_averaging_init,
    dual_averaging_update,
    welford_covariance,
    welford_init,
    welford_update,
    window_adaptation_init,
    window_adaptation_update,
)
from ppl.step_methods.hmc.metrics import make_metric
from ppl.step_methods.hmc.nuts import NUTS
from ppl.step_methods.hmc.warmup import find_reasonable_step_size
from tests.step_methods.mcse import assert_close_mcse
from tests.step_methods.targets import Gaussian, correlated_cov

# ----------------------------------------------------------------------------- dual averaging


def test_dual_averaging_finds_root_of_noise_free_acceptance():
    # acceptance(eps) = exp(-eps^2) equals the target at eps* = sqrt(-log(target)).
    state = dual_averaging_init(5.0)
    for _ in range(3000):
        state = dual_averaging_update(
            state, math.exp(-math.exp(2 * state.log_step_size)), target_accept=0.65
        )
    assert dual_averaging_final(state) == pytest.approx(math.sqrt(-math.log(0.65)), rel=0.01)


def test_dual_averaging_first_update_follows_the_formulas():
    state = dual_averaging_update(dual_averaging_init(0.5), 0.3, target_accept=0.8)
    mean_error = (0.8 - 0.3) / 11  # weight 1 / (t + t0) with t = 1, t0 = 10
    expected_log_step = math.log(5.0) - mean_error / 0.05
    assert state.mean_error == pytest.approx(mean_error)
    assert state.log_step_size == pytest.approx(expected_log_step)
    assert state.log_step_size_bar == pytest.approx(expected_log_step)  # weight t^-kappa = 1
    assert state.iteration == 1


def test_dual_averaging_treats_nan_acceptance_as_zero():
    nan_state = dual_averaging_update(dual_averaging_init(1.0), math.nan)
    zero_state = dual_averaging_update(dual_averaging_init(1.0), 0.0)
    assert nan_state == zero_state


@pytest.mark.parametrize("step_size", [0.0, -1.0, math.inf, math.nan])
def test_dual_averaging_rejects_bad_step_size(step_size):
    with pytest.raises(ParameterValueError, match="step_size"):
        dual_averaging_init(step_size)


@pytest.mark.slow
@pytest.mark.parametrize("target_accept", [0.6, 0.8, 0.95])
def test_dual_averaging_drives_acceptance_to_target_on_gaussian(target_accept):
    # Step size only, so the averaging runs uninterrupted for all 1000 warm-up iterations.
    # During warm-up the mean acceptance statistic must match the target within 4 MCSE.
    # After warm-up the step size is frozen at the *averaged* iterate, which is not an exact
    # root of E[accept] = target; we state a tolerance of 0.05 for that gap.
    target = Gaussian(np.zeros(10), np.eye(10))
    step = NUTS(target.logp_dlogp, 10, target_accept=target_accept, adapt_mass_matrix=False)
    result = sample_array(step, np.ones(10), draws=1000, tune=1000,
                          rng=np.random.default_rng(11), discard_tuned_samples=False)
    accept = result.stats["acceptance_rate"]
    assert_close_mcse(accept[500:1000], target_accept, label="warm-up acceptance")
    assert abs(accept[1000:].mean() - target_accept) < 0.05


# ----------------------------------------------------------------------------- Welford


@pytest.mark.parametrize("dense", [False, True])
def test_welford_matches_numpy(dense):
    x = np.random.default_rng(2).standard_normal((50, 3)) @ np.array(
        [[1.0, 0.5, 0.0], [0.0, 2.0, 0.3], [0.0, 0.0, 0.7]]
    )
    state = welford_init(3, dense=dense)
    for row in x:
        state = welford_update(state, row)
    assert state.count == 50
    np.testing.assert_allclose(state.mean, x.mean(axis=0))
    cov = np.cov(x, rowvar=False)
    expected = cov if dense else np.diag(cov)
    np.testing.assert_allclose(welford_covariance(state, regularize=False), expected)
    n = 50
    regularized = n / (n + 5) * expected + 1e-3 * 5 / (n + 5) * (np.eye(3) if dense else 1.0)
    np.testing.assert_allclose(welford_covariance(state), regularized)


def test_welford_needs_two_samples():
    with pytest.raises(ParameterValueError, match="count is 1"):
        welford_covariance(welford_update(welford_init(2), np.ones(2)))


# ----------------------------------------------------------------------------- schedule


@pytest.mark.parametrize(
    "n_tune, slow_start, ends",
    [
        (1000, 75, (100, 150, 250, 450, 950)),
        (500, 75, (100, 150, 450)),  # [150, 250) stretched: 250 + 200 reaches 450
        (2000, 75, (100, 150, 250, 450, 850, 1950)),
        (150, 75, (100,)),  # exactly fits: 75 + 25 + 50
        (149, 22, (135,)),  # too short: 15% / 10% buffers, one slow window
        (100, 15, (90,)),
        (20, 3, (18,)),
        (19, 19, ()),  # fewer than 20: step size only
        (0, 0, ()),
    ],
)
def test_warmup_schedule(n_tune, slow_start, ends):
    schedule = build_warmup_schedule(n_tune)
    assert (schedule.slow_start, schedule.slow_window_ends) == (slow_start, ends)


def test_warmup_schedule_rejects_negative_lengths():
    with pytest.raises(ParameterValueError, match="n_tune=-1"):
        build_warmup_schedule(-1)


def test_window_adaptation_updates_mass_at_window_ends_and_restarts_step_size():
    schedule = build_warmup_schedule(200)
    rng = np.random.default_rng(0)
    samples = rng.standard_normal((200, 2)) * [0.5, 3.0]
    state = window_adaptation_init(0.3, dim=2)
    updates = {}
    for i, q in enumerate(samples):
        state, inv_mass = window_adaptation_update(state, q, 0.9, schedule=schedule)
        if inv_mass is not None:
            updates[i + 1] = inv_mass
            assert state.dual_averaging.iteration == 0  # restarted
            assert state.welford.count == 0
    assert tuple(updates) == schedule.slow_window_ends
    start = schedule.slow_start
    for end, inv_mass in updates.items():
        window = samples[start:end]
        n = len(window)
        expected = n / (n + 5) * window.var(axis=0, ddof=1) + 1e-3 * 5 / (n + 5)
        np.testing.assert_allclose(inv_mass, expected)
        start = end
    assert state.iteration == 200


# ----------------------------------------------------------------------------- heuristic


@pytest.mark.parametrize("scale", [0.01, 1.0, 100.0])
def test_find_reasonable_step_size_scales_with_the_target(scale):
    def fn(q):
        return -0.5 * float(q @ q) / scale**2, -q / scale**2

    q = np.full(4, scale)
    logp, dlogp = fn(q)
    eps = find_reasonable_step_size(np.random.default_rng(0), q, logp, dlogp,
                                    logp_dlogp_fn=fn, metric=make_metric(4), step_size=1.0)
    assert 0.1 * scale < eps < 10 * scale


def test_find_reasonable_step_size_survives_failing_density():
    def fn(q):
        if abs(q[0]) > 0.5:
            raise ValueError("outside")
        return -0.5 * float(q @ q), -q

    q = np.zeros(2)
    eps = find_reasonable_step_size(np.random.default_rng(0), q, 0.0, -q, logp_dlogp_fn=fn,
                                    metric=make_metric(2), step_size=10.0)
    assert 0 < eps < 10.0


# ----------------------------------------------------------------------------- mass matrix


@pytest.mark.slow
def test_diagonal_adaptation_recovers_variances():
    # Scales 0.1 .. 10. Compare the adapted inverse mass with the last slow window's draws:
    # each entry must be within 4 MCSE of the (regularised) window variance. With ~500 draws
    # in the window this is roughly a 20% bound.
    sds = np.logspace(-1, 1, 10)
    target = Gaussian(np.zeros(10), np.diag(sds**2))
    step = NUTS(target.logp_dlogp, 10)
    result = sample_array(step, np.ones(10), draws=0, tune=1000, rng=np.random.default_rng(4),
                          discard_tuned_samples=False)
    start, end = build_warmup_schedule(1000).slow_window_ends[-2:]
    window = result.draws[start:end]
    inv_mass = step.metric.inv_mass
    for i in range(10):
        squares = window[:, i] ** 2
        shrink = len(squares) / (len(squares) + 5)
        assert_close_mcse(shrink * squares, inv_mass[i] - 5e-3 / (len(squares) + 5),
                          label=f"inv_mass[{i}]")
        assert_close_mcse(squares, sds[i] ** 2, label=f"window variance[{i}]")


@pytest.mark.slow
def test_dense_adaptation_recovers_covariance():
    cov = correlated_cov([0.5, 1.0, 3.0], 0.8)
    target = Gaussian(np.zeros(3), cov)
    step = NUTS(target.logp_dlogp, 3, dense_mass=True)
    result = sample_array(step, np.ones(3), draws=0, tune=1000, rng=np.random.default_rng(5),
                          discard_tuned_samples=False)
    start, end = build_warmup_schedule(1000).slow_window_ends[-2:]
    window = result.draws[start:end]
    inv_mass = step.metric.inv_mass
    n = len(window)
    for i in range(3):
        for j in range(3):
            products = window[:, i] * window[:, j]
            jitter = 5e-3 / (n + 5) if i == j else 0.0
            assert_close_mcse(n / (n + 5) * products, inv_mass[i, j] - jitter,
                              label=f"inv_mass[{i}, {j}]")
            assert_close_mcse(products, cov[i, j], label=f"window covariance[{i}, {j}]")
