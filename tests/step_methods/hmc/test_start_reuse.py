"""With a fixed density, a transition starts from the previous end state without re-evaluating."""

import numpy as np
import pytest

from ppl.step_methods.driver import sample_array
from ppl.step_methods.hmc.hmc import HMC
from ppl.step_methods.hmc.nuts import NUTS


def _counting_gaussian():
    calls = {"n": 0}

    def logp_dlogp(q):
        calls["n"] += 1
        return -0.5 * float(q @ q), -q

    return logp_dlogp, calls


@pytest.mark.parametrize("cls", [NUTS, HMC])
def test_fixed_density_reuses_the_start_and_gives_identical_draws(cls):
    results = {}
    for fixed in (False, True):
        fn, calls = _counting_gaussian()
        step = cls(fn, 3)
        step.density_is_fixed = fixed
        out = sample_array(step, np.full(3, 0.5), draws=60, tune=40,
                           rng=np.random.default_rng(7), discard_tuned_samples=False)
        results[fixed] = (out, calls["n"])
    (a, calls_a), (b, calls_b) = results[False], results[True]
    np.testing.assert_array_equal(a.draws, b.draws)
    # Exactly one evaluation saved per iteration except the very first.
    assert calls_a - calls_b == len(a.draws) - 1


def test_start_point_changed_by_another_block_is_evaluated_again():
    fn, calls = _counting_gaussian()
    step = NUTS(fn, 2, max_treedepth=1)  # exactly one leapfrog step per transition
    step.density_is_fixed = True
    rng = np.random.default_rng(1)
    q, _ = step.step(np.zeros(2), rng)
    before = calls["n"]
    step.step(q + 1.0, rng)  # not the previous end state: it must be evaluated
    assert calls["n"] - before == 2
    before = calls["n"]
    step.step(step._last_state.q, rng)  # the previous end state: reused
    assert calls["n"] - before == 1
