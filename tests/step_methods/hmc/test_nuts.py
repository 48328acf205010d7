"""NUTS: exactness from stationary starts, moments within MCSE, dense vs diagonal, divergences."""

import math

import numpy as np
import pytest

from ppl.exceptions import ParameterValueError, SamplingError
from ppl.step_methods.driver import sample_array
from ppl.step_methods.hmc import nuts
from ppl.step_methods.hmc.hmc import init
from ppl.step_methods.hmc.metrics import make_metric
from ppl.step_methods.hmc.nuts import NUTS
from tests.step_methods.mcse import (
    assert_close_mcse,
    assert_gaussian_moments,
    assert_iid_mean,
    ess,
)
from tests.step_methods.targets import Gaussian, RotatedQuartic, correlated_cov, nan_wall, wall


@pytest.mark.slow
@pytest.mark.parametrize(
    "inv_mass, dense", [(None, False), (np.array([0.5, 3.0]), False), ("cov", True)]
)
def test_kernel_leaves_non_gaussian_target_invariant(inv_mass, dense):
    # Start 1500 independent chains from exact draws of a rotated quartic density, apply three
    # transitions with a large step size, and check moments of the (still independent) results.
    target = RotatedQuartic(np.array([1.0, 2.0]), angle=0.6)
    inv_mass = target.cov if isinstance(inv_mass, str) else inv_mass
    metric = make_metric(2, dense=dense, inv_mass=inv_mass)
    rng = np.random.default_rng(7)
    starts = target.sample(rng, 1500)
    ends = np.empty_like(starts)
    for k, q in enumerate(starts):
        state = init(q, target.logp_dlogp)
        for _ in range(3):
            state, info = nuts.kernel(rng, state, logp_dlogp_fn=target.logp_dlogp,
                                      metric=metric, step_size=0.9)
        ends[k] = state.q
    u = target.standardize(ends)
    for i in range(2):
        assert_iid_mean(u[:, i] ** 2, target.second_moment, f"E[u{i}^2]")
        assert_iid_mean(u[:, i] ** 4, 1.0, f"E[u{i}^4]")
    assert_iid_mean(u[:, 0] * u[:, 1], 0.0, "E[u0 u1]")
    assert_iid_mean(u[:, 0], 0.0, "E[u0]")


@pytest.mark.slow
def test_standard_normal_5d_moments():
    target = Gaussian(np.zeros(5), np.eye(5))
    result = sample_array(NUTS(target.logp_dlogp, 5), np.full(5, 3.0), draws=2000, tune=500,
                          rng=np.random.default_rng(1))
    assert_gaussian_moments(result.draws, target.mean, target.cov)
    assert not result.stats["diverging"].any()


@pytest.mark.slow
def test_correlated_2d_moments():
    target = Gaussian(np.array([1.0, -2.0]), correlated_cov([1.0, 3.0], 0.8))
    result = sample_array(NUTS(target.logp_dlogp, 2), np.zeros(2), draws=2000, tune=500,
                          rng=np.random.default_rng(2))
    assert_gaussian_moments(result.draws, target.mean, target.cov)
    centred = result.draws - target.mean
    assert_close_mcse(centred[:, 0] * centred[:, 1], target.cov[0, 1], label="cov[0, 1]")


@pytest.mark.slow
def test_dense_metric_beats_diagonal_on_correlated_gaussian():
    sds = np.linspace(0.5, 2.0, 20)
    target = Gaussian(np.zeros(20), correlated_cov(sds, 0.9))
    min_ess = {}
    for dense in (False, True):
        step = NUTS(target.logp_dlogp, 20, dense_mass=dense)
        result = sample_array(step, np.zeros(20), draws=600, tune=1000,
                              rng=np.random.default_rng(3))
        draws = result.draws
        min_ess[dense] = min(ess(draws[:, i]) for i in range(20))
        if dense:
            assert_gaussian_moments(draws, target.mean, target.cov)
    assert min_ess[True] > min_ess[False]


@pytest.mark.parametrize("fn", [wall, nan_wall])
def test_failing_logp_mid_trajectory_is_a_divergence(fn):
    result = sample_array(NUTS(fn, 2), np.zeros(2), draws=200, tune=100,
                          rng=np.random.default_rng(4))
    assert result.stats["diverging"].any()
    assert np.all(result.draws[:, 0] <= 1.0)
    diverging = result.stats["diverging"]
    assert np.all(np.isinf(result.stats["max_energy_error"][diverging]))


def test_energy_error_beyond_limit_is_a_divergence():
    target = Gaussian(np.zeros(2), np.eye(2))
    step = NUTS(target.logp_dlogp, 2, step_size=3.0, max_energy_error=0.5,
                adapt_step_size=False)
    result = sample_array(step, np.ones(2), draws=200, tune=0, rng=np.random.default_rng(5))
    diverging = result.stats["diverging"]
    assert diverging.any()
    assert np.all(result.stats["max_energy_error"][diverging] > 0.5)
    assert np.all(result.stats["max_energy_error"][~diverging] <= 0.5)


def test_max_treedepth_caps_the_trajectory():
    target = Gaussian(np.zeros(3), np.eye(3))
    step = NUTS(target.logp_dlogp, 3, step_size=1e-3, max_treedepth=3)
    q, stats = step.step(np.ones(3), np.random.default_rng(6))
    assert stats["tree_depth"] == 3
    assert stats["n_steps"] == 2**3 - 1
    assert stats["reached_max_treedepth"]


def test_tree_statistics_are_consistent_and_logp_calls_counted():
    target = Gaussian(np.zeros(4), np.diag([0.1, 1.0, 4.0, 9.0]))
    step = NUTS(target.logp_dlogp, 4, step_size=0.3, max_treedepth=6)
    rng = np.random.default_rng(8)
    q = np.ones(4)
    for _ in range(100):
        calls_before = target.n_calls
        q, stats = step.step(q, rng)
        depth, n_steps = stats["tree_depth"], stats["n_steps"]
        # One evaluation at the start point, then one per leapfrog step.
        assert target.n_calls - calls_before == n_steps + 1
        assert 2**depth - 1 <= n_steps <= 2 ** (depth + 1) - 1
        assert stats["reached_max_treedepth"] == (depth == 6)
        assert stats["lp"] == pytest.approx(target.logp(q))
        assert 0.0 <= stats["acceptance_rate"] <= 1.0


def test_kernel_is_pure():
    target = Gaussian(np.zeros(3), np.eye(3))
    state = init(np.ones(3), target.logp_dlogp)
    metric = make_metric(3)
    runs = [
        nuts.kernel(np.random.default_rng(9), state, logp_dlogp_fn=target.logp_dlogp,
                    metric=metric, step_size=0.4)
        for _ in range(2)
    ]
    np.testing.assert_array_equal(runs[0][0].q, runs[1][0].q)
    assert runs[0][1] == runs[1][1]
    np.testing.assert_array_equal(state.q, np.ones(3))


def test_tuning_adapts_and_reset_restores():
    target = Gaussian(np.zeros(2), np.diag([0.01, 100.0]))
    step = NUTS(target.logp_dlogp, 2, step_size=0.5)
    sample_array(step, np.ones(2), draws=10, tune=200, rng=np.random.default_rng(10))
    assert step.metric.inv_mass[1] > 10 * step.metric.inv_mass[0]
    assert step.warmup.step_size != 0.5
    assert not step.tune
    step.reset_tuning()
    np.testing.assert_array_equal(step.metric.inv_mass, [1.0, 1.0])
    assert step.warmup.step_size == 0.5


def test_non_finite_start_raises_sampling_error():
    step = NUTS(nan_wall, 2)
    with pytest.raises(SamplingError, match=r"logp is nan.*expected a finite"):
        step.step(np.array([2.0, 0.0]), np.random.default_rng(0))


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"target_accept": 1.0}, "target_accept is 1.0"),
        ({"max_treedepth": 0}, "max_treedepth is 0"),
        ({"step_size": -1.0}, "step_size is -1.0"),
        ({"max_energy_error": 0.0}, "max_energy_error is 0.0"),
    ],
)
def test_invalid_options(kwargs, match):
    with pytest.raises(ParameterValueError, match=match):
        NUTS(wall, 2, **kwargs)


@pytest.mark.parametrize("tune, adapts_mass", [(5, False), (19, False), (20, True), (149, True)])
def test_short_warmup(tune, adapts_mass):
    target = Gaussian(np.zeros(2), np.diag([0.25, 4.0]))
    step = NUTS(target.logp_dlogp, 2)
    result = sample_array(step, np.ones(2), draws=20, tune=tune, rng=np.random.default_rng(12))
    assert result.draws.shape == (20, 2) and np.isfinite(result.draws).all()
    assert (not np.array_equal(step.metric.inv_mass, [1.0, 1.0])) == adapts_mass
    assert np.all(result.stats["step_size"] == step.warmup.step_size)
    assert math.isfinite(step.warmup.step_size) and step.warmup.step_size > 0
