"""``ppl.sample(callback=...)``: PyMC's per-iteration callback, on both NUTS implementations."""

import numpy as np
import pytest

import ppl
from ppl.sampling.to_arviz import SamplingWarning


def _model():
    with ppl.Model() as m:
        ppl.Normal("z", 0.0, 1.0, shape=2)
        ppl.HalfNormal("s", 1.0)
    return m


def _sample(m, **kw):
    kw = {"draws": 30, "tune": 20, "chains": 2, "cores": 1, "progressbar": False,
          "random_seed": 7, "compute_convergence_checks": False, **kw}
    with m:
        return ppl.sample(**kw)


@pytest.mark.parametrize("nuts_sampler", ["numba", "python"])
def test_callback_sees_every_iteration_and_changes_no_draw(nuts_sampler):
    m = _model()
    seen = []

    def callback(trace, draw):
        seen.append(draw)
        assert len(trace) == draw.draw_idx + 1 and trace.chain == draw.chain
        np.testing.assert_array_equal(trace["z"][-1], draw.point["z"])

    plain = _sample(m, nuts_sampler=nuts_sampler)
    with_callback = _sample(m, nuts_sampler=nuts_sampler, callback=callback)
    np.testing.assert_array_equal(with_callback.posterior["z"], plain.posterior["z"])
    assert [(d.chain, d.draw_idx) for d in seen] == [(c, i) for c in range(2) for i in range(50)]
    assert [d.tuning for d in seen[:50]] == [True] * 20 + [False] * 30
    assert [d.is_last for d in seen].count(True) == 2 and seen[49].is_last
    assert sorted(seen[0].point) == ["s_log__", "z"]  # value variables, as in PyMC
    assert "diverging" in seen[0].stats[0]
    # The post-warm-up points are the posterior draws.
    chain0 = np.array([d.point["z"] for d in seen[20:50]])
    np.testing.assert_array_equal(chain0, plain.posterior["z"].values[0])


def test_keyboard_interrupt_in_the_callback_stops_and_keeps_the_draws():
    def stop_after_ten(trace, draw):
        if not draw.tuning and draw.draw_idx == 29:
            raise KeyboardInterrupt

    with pytest.warns(SamplingWarning, match="interrupted"):
        idata = _sample(_model(), callback=stop_after_ten)
    assert idata.posterior.sizes["chain"] == 1 and idata.posterior.sizes["draw"] == 10
    assert idata.sample_stats.attrs["interrupted"] == 1


def test_a_callback_runs_the_chains_in_this_process():
    draws = []
    with pytest.warns(UserWarning, match="one after another in this process"):
        idata = _sample(_model(), cores=2, callback=lambda trace, draw: draws.append(draw.chain))
    assert draws == [0] * 50 + [1] * 50 and idata.posterior.sizes["chain"] == 2
