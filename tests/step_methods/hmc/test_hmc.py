"""Static-path HMC: exactness from stationary starts, moments within MCSE, divergences."""

import math

import numpy as np
import pytest

from ppl.exceptions import ParameterValueError, SamplingError, ShapeError
from ppl.step_methods.driver import sample_array
from ppl.step_methods.hmc import hmc
from ppl.step_methods.hmc.hmc import HMC, init
from ppl.step_methods.hmc.metrics import make_metric
from tests.step_methods.mcse import assert_close_mcse, assert_gaussian_moments, assert_iid_mean
from tests.step_methods.targets import Gaussian, RotatedQuartic, correlated_cov, wall


@pytest.mark.slow
def test_kernel_leaves_non_gaussian_target_invariant():
    target = RotatedQuartic(np.array([1.0, 2.0]), angle=0.6)
    metric = make_metric(2, inv_mass=np.array([1.0, 2.0]))
    rng = np.random.default_rng(17)
    starts = target.sample(rng, 2000)
    ends = np.empty_like(starts)
    accepted = 0
    for k, q in enumerate(starts):
        state = init(q, target.logp_dlogp)
        for _ in range(2):
            state, info = hmc.kernel(rng, state, logp_dlogp_fn=target.logp_dlogp, metric=metric,
                                     step_size=0.7, n_steps=4)
            accepted += info.accepted
        ends[k] = state.q
    assert 0.2 < accepted / 4000 < 0.95  # the test needs both accepts and rejects
    u = target.standardize(ends)
    for i in range(2):
        assert_iid_mean(u[:, i] ** 2, target.second_moment, f"E[u{i}^2]")
        assert_iid_mean(u[:, i] ** 4, 1.0, f"E[u{i}^4]")
    assert_iid_mean(u[:, 0] * u[:, 1], 0.0, "E[u0 u1]")


@pytest.mark.slow
def test_standard_normal_5d_moments():
    target = Gaussian(np.zeros(5), np.eye(5))
    result = sample_array(HMC(target.logp_dlogp, 5), np.full(5, 3.0), draws=2000, tune=500,
                          rng=np.random.default_rng(21))
    assert_gaussian_moments(result.draws, target.mean, target.cov)


@pytest.mark.slow
def test_correlated_2d_moments():
    target = Gaussian(np.array([1.0, -2.0]), correlated_cov([1.0, 3.0], 0.8))
    result = sample_array(HMC(target.logp_dlogp, 2, dense_mass=True), np.zeros(2), draws=2000,
                          tune=500, rng=np.random.default_rng(22))
    assert_gaussian_moments(result.draws, target.mean, target.cov)
    centred = result.draws - target.mean
    assert_close_mcse(centred[:, 0] * centred[:, 1], target.cov[0, 1], label="cov[0, 1]")


def test_path_length_sets_number_of_steps():
    target = Gaussian(np.zeros(2), np.eye(2))
    step = HMC(target.logp_dlogp, 2, path_length=3.0, step_size=0.1, step_size_jitter=0.0)
    q, stats = step.step(np.zeros(2), np.random.default_rng(0))
    assert stats["n_steps"] == 30
    assert stats["step_size"] == 0.1
    jittered = HMC(target.logp_dlogp, 2, path_length=3.0, step_size=0.1, step_size_jitter=0.2)
    sizes = [jittered.step(q, np.random.default_rng(s))[1]["step_size"] for s in range(20)]
    assert min(sizes) >= 0.08 and max(sizes) <= 0.12 and len(set(sizes)) == 20


def test_failing_logp_is_a_divergence_and_rejected():
    result = sample_array(HMC(wall, 2), np.zeros(2), draws=200, tune=100,
                          rng=np.random.default_rng(23))
    diverging = result.stats["diverging"]
    assert diverging.any()
    assert not result.stats["accepted"][diverging].any()
    assert np.all(result.stats["acceptance_rate"][diverging] == 0.0)
    assert np.all(result.draws[:, 0] <= 1.0)


def test_dual_averaging_tunes_step_size():
    target = Gaussian(np.zeros(3), np.eye(3) * 0.01)
    step = HMC(target.logp_dlogp, 3, step_size=1.0, path_length=0.3, adapt_mass_matrix=False)
    result = sample_array(step, np.zeros(3), draws=0, tune=600, rng=np.random.default_rng(24),
                          discard_tuned_samples=False)
    assert step.warmup.step_size < 0.3  # the target's scale is 0.1
    assert_close_mcse(result.stats["acceptance_rate"][300:], 0.65, label="warm-up acceptance")


def test_energy_statistics():
    target = Gaussian(np.zeros(2), np.eye(2))
    state = init(np.ones(2), target.logp_dlogp)
    metric = make_metric(2)
    new, info = hmc.kernel(np.random.default_rng(3), state, logp_dlogp_fn=target.logp_dlogp,
                           metric=metric, step_size=0.5, n_steps=5)
    p0 = metric.sample_momentum(np.random.default_rng(3))
    energy0 = 0.5 * p0 @ p0 - state.logp
    assert info.energy == pytest.approx(energy0 + (info.energy_error if info.accepted else 0))
    assert info.acceptance_rate == pytest.approx(min(1.0, math.exp(-info.energy_error)))
    assert abs(info.max_energy_error) >= abs(info.energy_error)


def test_init_validates():
    with pytest.raises(ShapeError, match=r"shape \(2, 1\)"):
        init(np.zeros((2, 1)), lambda q: (0.0, q))
    with pytest.raises(ShapeError, match=r"gradient of shape \(3,\)"):
        init(np.zeros(2), lambda q: (0.0, np.zeros(3)))
    with pytest.raises(SamplingError, match="logp is -inf"):
        init(np.zeros(2), lambda q: (-math.inf, q))


@pytest.mark.parametrize(
    "kwargs, match",
    [({"path_length": 0.0}, "path_length=0.0"), ({"step_size_jitter": 1.0}, "jitter=1.0"),
     ({"target_accept": 0.0}, "target_accept is 0.0")],
)
def test_invalid_options(kwargs, match):
    with pytest.raises(ParameterValueError, match=match):
        HMC(wall, 2, **kwargs)
