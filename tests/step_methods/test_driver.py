"""sample_array: warm-up switch, shapes, discarding, callbacks, interrupts."""

import numpy as np
import pytest

from ppl.exceptions import ParameterValueError, ShapeError
from ppl.step_methods.driver import sample_array
from ppl.step_methods.hmc.nuts import NUTS
from ppl.step_methods.metropolis import Metropolis
from ppl.step_methods.step import ArrayStepMethod, declare_stats
from tests.step_methods.targets import Gaussian, RaisingAfter


class Recorder(ArrayStepMethod):
    """Adds 1 to every coordinate and records the tuning switches it sees."""

    stats_dtypes = declare_stats(tuning=bool, count=np.int64)

    def __init__(self):
        self.events = []
        self.count = 0

    def step(self, q, rng):
        self.count += 1
        return q + 1.0, {"tuning": self.tune, "count": self.count}

    def _on_start_tune(self, n_tune):
        self.events.append(("start", n_tune, self.count))

    def _on_stop_tune(self):
        self.events.append(("stop", self.count))


def test_tuning_switches_at_the_right_iterations():
    step = Recorder()
    result = sample_array(step, np.zeros(2), draws=3, tune=4, rng=np.random.default_rng(0),
                          discard_tuned_samples=False)
    assert step.events == [("start", 4, 0), ("stop", 4)]
    np.testing.assert_array_equal(result.stats["tuning"], [True] * 4 + [False] * 3)
    np.testing.assert_array_equal(result.stats["tune"], result.stats["tuning"])
    np.testing.assert_array_equal(result.draws[:, 0], np.arange(1, 8))
    assert result.stats["count"].dtype == np.int64 and not result.interrupted


def test_discard_tuned_samples():
    result = sample_array(Recorder(), np.zeros(1), draws=3, tune=4, rng=np.random.default_rng(0))
    np.testing.assert_array_equal(result.draws[:, 0], [5, 6, 7])
    assert set(result.stats) == {"tuning", "count", "tune"}
    assert all(len(column) == 3 for column in result.stats.values())
    assert not result.stats["tune"].any()


def test_no_tuning_when_tune_is_zero():
    step = Recorder()
    result = sample_array(step, np.zeros(1), draws=2, tune=0, rng=np.random.default_rng(0))
    assert step.events == [] and result.draws.shape == (2, 1)


def test_callback_sees_every_iteration():
    seen = []
    sample_array(Recorder(), np.zeros(1), draws=2, tune=2, rng=np.random.default_rng(0),
                 callback=lambda i, q, stats, tuning: seen.append((i, q[0], tuning)))
    assert seen == [(0, 1.0, True), (1, 2.0, True), (2, 3.0, False), (3, 4.0, False)]


def test_input_is_not_modified():
    q0 = np.zeros(2)
    sample_array(Recorder(), q0, draws=2, tune=0, rng=np.random.default_rng(0))
    np.testing.assert_array_equal(q0, 0.0)


def metropolis_run(logp, draws, tune, **kwargs):
    return sample_array(Metropolis(logp, 2), np.zeros(2), draws=draws, tune=tune,
                        rng=np.random.default_rng(7), **kwargs)


def test_keyboard_interrupt_keeps_completed_draws():
    target = Gaussian(np.zeros(2), np.eye(2))
    full = metropolis_run(target.logp, draws=50, tune=20)
    # Metropolis evaluates logp twice per iteration: the 101st call is in iteration 50,
    # i.e. draw 30 after 20 warm-up iterations.
    interrupted = metropolis_run(RaisingAfter(target.logp, 100, KeyboardInterrupt()),
                                 draws=50, tune=20)
    assert interrupted.interrupted
    assert interrupted.draws.shape == (30, 2)
    np.testing.assert_array_equal(interrupted.draws, full.draws[:30])
    for name, column in interrupted.stats.items():
        np.testing.assert_array_equal(column, full.stats[name][:30])


def test_keyboard_interrupt_during_warmup_keeps_warmup_draws():
    target = Gaussian(np.zeros(2), np.eye(2))
    result = metropolis_run(RaisingAfter(target.logp, 20, KeyboardInterrupt()), draws=50,
                            tune=20)
    assert result.interrupted
    assert result.draws.shape == (10, 2)
    assert result.stats["tune"].all()


def test_keyboard_interrupt_inside_nuts_trajectory():
    target = Gaussian(np.zeros(3), np.eye(3))
    fn = RaisingAfter(target.logp_dlogp, 500, KeyboardInterrupt())
    result = sample_array(NUTS(fn, 3), np.zeros(3), draws=1000, tune=100,
                          rng=np.random.default_rng(8), discard_tuned_samples=False)
    assert result.interrupted
    assert 0 < len(result.draws) < 1100
    assert set(result.stats) == set(NUTS.stats_dtypes) | {"tune"}
    assert np.isfinite(result.draws).all()


def test_other_errors_propagate():
    with pytest.raises(RuntimeError, match="bug"):
        metropolis_run(RaisingAfter(lambda q: 0.0, 10, RuntimeError("bug")), draws=10, tune=0)


def test_argument_validation():
    with pytest.raises(ShapeError, match=r"q0 has shape \(2, 2\)"):
        sample_array(Recorder(), np.zeros((2, 2)), draws=1, tune=0, rng=np.random.default_rng())
    with pytest.raises(ParameterValueError, match="draws is -1"):
        sample_array(Recorder(), np.zeros(2), draws=-1, tune=0, rng=np.random.default_rng())
