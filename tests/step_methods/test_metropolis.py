"""Random-walk Metropolis: the tuning table, moments within MCSE, discrete proposals."""

import math

import numpy as np
import pytest
import scipy.special

from ppl.exceptions import ParameterValueError, SamplingError, ShapeError
from ppl.step_methods.driver import sample_array
from ppl.step_methods.metropolis import (
    Metropolis,
    scaling_tuning_init,
    scaling_tuning_update,
    tune_scaling,
)
from tests.step_methods.mcse import assert_close_mcse, assert_gaussian_moments
from tests.step_methods.targets import Gaussian, correlated_cov


@pytest.mark.parametrize(
    "rate, factor",
    [(0.0, 0.1), (0.0009, 0.1), (0.001, 0.5), (0.049, 0.5), (0.05, 0.9), (0.19, 0.9),
     (0.2, 1.0), (0.35, 1.0), (0.5, 1.0), (0.51, 1.1), (0.75, 1.1), (0.76, 2.0), (0.95, 2.0),
     (0.96, 10.0), (1.0, 10.0)],
)
def test_tuning_table(rate, factor):
    assert tune_scaling(2.0, rate) == pytest.approx(2.0 * factor)


def test_scaling_changes_only_at_interval_ends():
    state = scaling_tuning_init(1.0)
    for k in range(1, 8):
        state = scaling_tuning_update(state, k % 4 == 0, tune_interval=8)  # 1 of 7 accepted
        assert state.scaling == 1.0
    state = scaling_tuning_update(state, False, tune_interval=8)  # rate 1/8 < 0.2
    assert state == (0.9, 0, 0)


@pytest.mark.slow
def test_gaussian_1d_moments():
    target = Gaussian(np.array([2.0]), np.array([[9.0]]))
    step = Metropolis(target.logp, 1, scaling=0.01)
    result = sample_array(step, np.zeros(1), draws=10000, tune=2000,
                          rng=np.random.default_rng(31))
    assert step.scaling > 10 * 0.01  # tuning moved the scaling towards the target's scale
    assert np.all(result.stats["scaling"] == step.scaling)  # frozen after warm-up
    assert_gaussian_moments(result.draws, target.mean, target.cov)


@pytest.mark.slow
def test_gaussian_2d_moments():
    target = Gaussian(np.array([1.0, -1.0]), correlated_cov([1.0, 2.0], 0.5))
    step = Metropolis(target.logp, 2, proposal_sd=np.array([1.0, 2.0]))
    result = sample_array(step, np.zeros(2), draws=10000, tune=1000,
                          rng=np.random.default_rng(32))
    assert_gaussian_moments(result.draws, target.mean, target.cov)


def poisson_logp(q):
    """Poisson(3) on the integers, -inf elsewhere."""
    k = q[0]
    if k < 0 or k != round(k):
        return -math.inf
    return k * math.log(3.0) - 3.0 - scipy.special.gammaln(k + 1)


@pytest.mark.slow
def test_discrete_coordinates_stay_integer_and_match_poisson():
    step = Metropolis(poisson_logp, 1, discrete=np.array([True]))
    result = sample_array(step, np.array([1.0]), draws=10000, tune=1000,
                          rng=np.random.default_rng(33))
    k = result.draws[:, 0]
    np.testing.assert_array_equal(k, np.round(k))
    assert_close_mcse(k, 3.0, label="mean")
    assert_close_mcse((k - 3.0) ** 2, 3.0, label="variance")


def test_discrete_accepts_index_arrays():
    step = Metropolis(lambda q: -0.5 * float(q @ q), 3, discrete=[0, 2], scaling=3.0)
    rng = np.random.default_rng(0)
    q = np.zeros(3)
    for _ in range(50):
        q, _ = step.step(q, rng)
        assert q[0] == round(q[0]) and q[2] == round(q[2])


def test_rejected_proposal_returns_input_and_stats():
    step = Metropolis(lambda q: 0.0 if abs(q[0]) < 1e-9 else -math.inf, 1)
    q = np.zeros(1)
    q_new, stats = step.step(q, np.random.default_rng(0))
    assert q_new is q
    assert stats == {"accept": 0.0, "accepted": False, "scaling": 1.0}


def test_nan_proposal_logp_is_rejected():
    step = Metropolis(lambda q: 0.0 if q[0] == 0.0 else math.nan, 1)
    q_new, stats = step.step(np.zeros(1), np.random.default_rng(0))
    assert not stats["accepted"] and stats["accept"] == 0.0


def test_non_finite_start_raises():
    with pytest.raises(SamplingError, match="Metropolis: logp is -inf"):
        Metropolis(lambda q: -math.inf, 1).step(np.zeros(1), np.random.default_rng(0))


def test_reset_tuning_restores_scaling():
    step = Metropolis(lambda q: -0.5 * float(q @ q), 1, scaling=0.001, tune_interval=10)
    sample_array(step, np.zeros(1), draws=0, tune=100, rng=np.random.default_rng(1))
    assert step.scaling > 0.001
    step.reset_tuning()
    assert step.scaling == 0.001 and not step.tune


@pytest.mark.parametrize(
    "kwargs, error, match",
    [({"scaling": 0.0}, ParameterValueError, "scaling is 0.0"),
     ({"proposal_sd": -1.0}, ParameterValueError, "proposal_sd"),
     ({"tune_interval": 0}, ParameterValueError, "tune_interval is 0"),
     ({"discrete": np.array([True, False, True])}, ShapeError, r"\(3,\)")],
)
def test_invalid_options(kwargs, error, match):
    with pytest.raises(error, match=match):
        Metropolis(poisson_logp, 2, **kwargs)
