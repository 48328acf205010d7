"""Coordinate-wise slice sampling: moments within MCSE, width tuning, statistics."""

import math

import numpy as np
import pytest

from ppl.exceptions import ParameterValueError, SamplingError
from ppl.step_methods.driver import sample_array
from ppl.step_methods.slice import Slice, slice_width_init, slice_width_update
from tests.step_methods.mcse import assert_close_mcse, assert_gaussian_moments
from tests.step_methods.targets import Gaussian, correlated_cov


@pytest.mark.slow
def test_gaussian_1d_moments():
    target = Gaussian(np.array([-1.0]), np.array([[0.25]]))
    result = sample_array(Slice(target.logp, 1, w=5.0), np.zeros(1), draws=4000, tune=500,
                          rng=np.random.default_rng(41))
    assert_gaussian_moments(result.draws, target.mean, target.cov)


@pytest.mark.slow
def test_gaussian_2d_moments():
    target = Gaussian(np.array([1.0, 2.0]), correlated_cov([1.0, 3.0], 0.6))
    result = sample_array(Slice(target.logp, 2), np.zeros(2), draws=4000, tune=500,
                          rng=np.random.default_rng(42))
    assert_gaussian_moments(result.draws, target.mean, target.cov)
    centred = result.draws - target.mean
    assert_close_mcse(centred[:, 0] * centred[:, 1], target.cov[0, 1], label="cov[0, 1]")


def test_bounded_support():
    # Uniform(0, 1) through a log-density that is -inf outside: mean 1/2, variance 1/12.
    def uniform(q):
        return 0.0 if 0.0 < q[0] < 1.0 else -math.inf

    result = sample_array(Slice(uniform, 1), np.array([0.5]), draws=2000, tune=100,
                          rng=np.random.default_rng(43))
    x = result.draws[:, 0]
    assert np.all((x > 0) & (x < 1))
    assert_close_mcse(x, 0.5, label="mean")
    assert_close_mcse((x - 0.5) ** 2, 1 / 12, label="variance")


def test_width_tuning_follows_the_scale():
    target = Gaussian(np.zeros(2), np.diag([0.01, 100.0]))
    step = Slice(target.logp, 2, w=1.0)
    sample_array(step, np.zeros(2), draws=0, tune=300, rng=np.random.default_rng(44))
    width = step.width_state.width
    assert width[0] < 0.3 < 3.0 < width[1]
    step.reset_tuning()
    np.testing.assert_array_equal(step.width_state.width, [1.0, 1.0])


def test_width_update_is_running_mean():
    state = slice_width_init(np.array([1.0, 4.0]))
    state = slice_width_update(state, np.array([3.0, -2.0]))
    state = slice_width_update(state, np.array([0.0, 0.0]))
    np.testing.assert_allclose(state.width, [4.0 / 3.0, 2.0])
    assert state.n_updates == 3


def test_stats_count_steps():
    target = Gaussian(np.zeros(3), np.eye(3))
    q, stats = Slice(target.logp, 3, w=0.01).step(np.zeros(3), np.random.default_rng(0))
    assert stats["nstep_in"] >= 3  # at least one point tried per coordinate
    assert stats["nstep_out"] > 3  # a tiny width must step out


def test_errors():
    with pytest.raises(ParameterValueError, match="w is 0"):
        Slice(lambda q: 0.0, 1, w=0.0)
    with pytest.raises(SamplingError, match="Slice: logp is -inf"):
        Slice(lambda q: -math.inf, 1).step(np.zeros(1), np.random.default_rng(0))
