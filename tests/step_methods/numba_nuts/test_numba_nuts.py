"""Tests of the Numba NUTS kernel and its driver (statistical tests use MCSE tolerances)."""

import math

import numba
import numpy as np
import pytest

from ppl.compiled.numba_fn import _as_pointer
from ppl.exceptions import ParameterValueError, SamplingError, ShapeError
from ppl.step_methods.numba_nuts import LOGP_DLOGP_SIGNATURE, sample_nuts_numba
from ppl.step_methods.numba_nuts.kernel import FLOAT_STATS, INT_STATS
from tests.step_methods.mcse import assert_close_mcse, assert_gaussian_moments, ess
from tests.step_methods.targets import correlated_cov


@numba.njit(LOGP_DLOGP_SIGNATURE)
def std_normal(x, grad_out, data):
    grad_out[:] = -x
    return -0.5 * (x @ x)


def gaussian(mean, cov):
    """Numba log-density of N(mean, cov) (arrays frozen into the function; two arguments, so the
    driver adapts it to the kernel's three)."""
    mean = np.ascontiguousarray(mean, dtype=np.float64)
    precision = np.ascontiguousarray(np.linalg.inv(cov))

    @numba.njit
    def logp(x, grad_out):
        d = mean - x
        grad_out[:] = precision @ d
        return -0.5 * (d @ grad_out)

    return logp


@numba.njit(LOGP_DLOGP_SIGNATURE)
def funnel(x, grad_out, data):
    # Neal's funnel: v ~ N(0, 3), x_i ~ N(0, exp(v / 2)).
    v = x[0]
    ev = math.exp(-v)
    s = 0.0
    for i in range(1, x.size):
        s += x[i] * x[i]
        grad_out[i] = -x[i] * ev
    grad_out[0] = -v / 9.0 + 0.5 * s * ev - 0.5 * (x.size - 1)
    return -v * v / 18.0 - 0.5 * s * ev - 0.5 * (x.size - 1) * v


def run(logp, dim, seed=1, **kwargs):
    kwargs.setdefault("draws", 1000)
    kwargs.setdefault("tune", 1000)
    return sample_nuts_numba(logp, np.zeros(dim), rng=np.random.default_rng(seed), **kwargs)


def test_same_seed_same_draws_and_stats_layout():
    a = run(std_normal, 3, seed=5, draws=150, tune=150)
    b = run(std_normal, 3, seed=5, draws=150, tune=150, progress_every=7)
    c = run(std_normal, 3, seed=6, draws=150, tune=150)
    np.testing.assert_array_equal(a.draws, b.draws)
    assert not np.array_equal(a.draws, c.draws)
    assert a.draws.shape == (150, 3) and a.tune_draws.shape == (150, 3)
    assert set(a.stats) == set(FLOAT_STATS) | set(INT_STATS)
    assert a.stats["diverging"].dtype == bool
    assert (a.stats["n_steps"] >= 1).all()
    # A trajectory of depth d took 2**d - 1 steps, plus at most 2**d in a rejected subtree.
    assert (a.stats["n_steps"] >= 2 ** a.stats["tree_depth"] - 1).all()
    assert (a.stats["n_steps"] <= 2 ** (a.stats["tree_depth"] + 1) - 1).all()
    assert a.n_grad_evals > a.stats["n_steps"].sum() + a.tune_stats["n_steps"].sum()
    # After warm-up the step size is fixed at the averaged one.
    assert (a.stats["step_size"] == a.step_size).all()
    assert not a.interrupted


def test_callback_and_keyboard_interrupt_keep_finished_draws():
    calls = []

    def callback(done, total, divergent):
        calls.append((done, total))
        if done >= 250:
            raise KeyboardInterrupt

    res = run(std_normal, 2, draws=200, tune=100, progress_every=50, callback=callback)
    assert calls == [(50, 300), (100, 300), (150, 300), (200, 300), (250, 300)]
    assert res.interrupted
    assert res.tune_draws.shape == (100, 2)
    assert res.draws.shape == (150, 2)
    assert res.stats["lp"].shape == (150,)
    assert np.isfinite(res.draws).all()


def test_max_treedepth_caps_the_trajectory():
    res = run(std_normal, 5, draws=100, tune=0, max_treedepth=1, step_size=1e-3)
    assert (res.stats["tree_depth"] == 1).all()
    assert res.stats["reached_max_treedepth"].all()
    assert (res.stats["n_steps"] == 1).all()


@numba.njit(LOGP_DLOGP_SIGNATURE)
def scaled_normal(x, grad_out, data):
    # The data argument is the address of the scale: read through a one-element view.
    scale = numba.carray(_as_pointer(data, np.float64), (1,))[0]
    grad_out[:] = -x / scale**2
    return -0.5 * (x @ x) / scale**2


def test_data_argument_reaches_the_log_density():
    scale = np.array([3.0])
    res = run(scaled_normal, 2, seed=2, data=scale.ctypes.data)
    assert_gaussian_moments(res.draws, np.zeros(2), 9.0 * np.eye(2))


def test_invalid_arguments():
    with pytest.raises(TypeError, match="numba.njit"):
        run(lambda x, g: 0.0, 2)

    @numba.njit
    def one_argument(x):
        return 0.0

    with pytest.raises(TypeError, match="takes? .*grad_out"):
        run(one_argument, 2)
    with pytest.raises(ShapeError, match="x0"):
        sample_nuts_numba(std_normal, np.zeros((2, 2)), rng=np.random.default_rng(0))
    with pytest.raises(ParameterValueError, match="target_accept"):
        run(std_normal, 2, target_accept=1.5)
    with pytest.raises(ParameterValueError, match="max_treedepth"):
        run(std_normal, 2, max_treedepth=0)
    with pytest.raises(ShapeError, match="inv_mass"):
        run(std_normal, 2, inv_mass=np.ones(3))
    with pytest.raises(SamplingError, match="finite"):
        sample_nuts_numba(funnel, np.array([-1e6, 1.0]), rng=np.random.default_rng(0))
    with pytest.raises(ParameterValueError, match="adaptation is 'nutpie'.*gradient"):
        run(std_normal, 2, adaptation="nutpie")


@pytest.mark.slow
@pytest.mark.parametrize("dim", [1, 10])
def test_standard_normal_moments(dim):
    res = run(std_normal, dim, draws=2000)
    assert_gaussian_moments(res.draws, np.zeros(dim), np.eye(dim), n_mcse=4.5)
    assert not res.stats["diverging"].any()


@pytest.mark.slow
def test_correlated_gaussian():
    cov = correlated_cov(np.array([1.0, 2.0]), 0.9)
    mean = np.array([1.0, -2.0])
    res = run(gaussian(mean, cov), 2, draws=3000)
    assert_gaussian_moments(res.draws, mean, cov, n_mcse=4.5)
    centred = res.draws - mean
    assert_close_mcse(centred[:, 0] * centred[:, 1], cov[0, 1], n_mcse=4.5, label="cov")


@pytest.mark.slow
@pytest.mark.parametrize("adaptation", ["hybrid", "stan"])
def test_mass_matrix_adaptation_on_badly_scaled_gaussian(adaptation):
    scales = np.geomspace(0.01, 100.0, 100)
    res = run(
        gaussian(np.zeros(100), np.diag(scales**2)), 100, draws=1000, tune=2000, adaptation=adaptation
    )
    # The adapted inverse mass matrix is the variances up to ~20% (last window: 1100 draws).
    ratio = res.inv_mass / scales**2
    assert np.all(np.abs(ratio - 1.0) < 0.25), ratio
    assert np.median(np.abs(ratio - 1.0)) < 0.12
    # Well-conditioned after adaptation: short trajectories and no divergences.
    assert res.stats["tree_depth"].mean() < 4.5
    assert not res.stats["diverging"].any()
    standardised = res.draws / scales
    assert_close_mcse(standardised[:, 0], 0.0, n_mcse=4.5, label="smallest scale")
    assert_close_mcse(standardised[:, -1], 0.0, n_mcse=4.5, label="largest scale")
    assert min(ess(standardised[:, i]) for i in range(100)) > 200


@pytest.mark.slow
@pytest.mark.parametrize("target_accept", [0.65, 0.8, 0.95])
def test_step_size_adaptation_reaches_target_accept(target_accept):
    # Dual averaging drives the acceptance statistic to the target during the terminal window.
    # The averaged step size used afterwards is smaller, so the draws accept more, by up to 0.15
    # in low dimension (as in Stan and the Python reference: 0.87 at target 0.8 on a 10-d
    # standard normal).
    cov = correlated_cov(np.array([1.0, 3.0]), 0.5)
    res = run(gaussian(np.zeros(2), cov), 2, draws=500, tune=2000, target_accept=target_accept)
    tuned = res.tune_stats["acceptance_rate"][-300:]
    assert abs(tuned.mean() - target_accept) < 0.05
    assert res.stats["acceptance_rate"].mean() > target_accept - 0.05


@pytest.mark.slow
def test_step_size_adaptation_orders_step_sizes():
    low = run(std_normal, 5, draws=200, target_accept=0.6)
    high = run(std_normal, 5, draws=200, target_accept=0.95)
    assert high.step_size < low.step_size
    assert high.stats["acceptance_rate"].mean() > low.stats["acceptance_rate"].mean()


@pytest.mark.slow
def test_funnel_divergences_detected():
    # Six chains (tuned): the funnel's neck makes some of them diverge; divergences are flagged by
    # their energy error and sit in the neck (small v).
    runs = [run(funnel, 10, seed=seed, draws=1000, tune=500) for seed in range(1, 7)]
    diverging = np.concatenate([r.stats["diverging"] for r in runs])
    errors = np.concatenate([r.stats["max_energy_error"] for r in runs])
    v = np.concatenate([r.draws[:, 0] for r in runs])
    assert diverging.sum() > 0
    assert (errors[diverging] > 1000.0).all()
    assert v[diverging].mean() < v[~diverging].mean()


def test_callback_counts_divergences_after_warm_up():
    # A fixed step size too large for the funnel's neck: the progress callback reports the
    # divergent transitions among the kept draws as they accumulate.
    reported = []
    res = run(funnel, 10, draws=300, tune=50, step_size=1.0, progress_every=100,
              callback=lambda done, total, divergent: reported.append(divergent))
    assert reported[-1] == int(res.stats["diverging"].sum()) > 0
    assert reported == sorted(reported)


SCALES = np.geomspace(0.01, 100.0, 100)
SCALED_GAUSSIAN = gaussian(np.zeros(100), np.diag(SCALES**2))


def run_from_random_start(adaptation, seed, draws=500, tune=1000):
    rng = np.random.default_rng(seed)
    x0 = rng.uniform(-2.0, 2.0, 100)
    return sample_nuts_numba(SCALED_GAUSSIAN, x0, rng=rng, draws=draws, tune=tune, adaptation=adaptation)


@pytest.mark.slow
def test_gradient_adaptation_is_exact_on_independent_gaussian():
    # For independent Gaussian coordinates the gradient is -(x - mu) / sd**2, so
    # sqrt(var(x) / var(grad)) is sd**2 on any set of draws: the metric is exact.
    res = run_from_random_start("gradient", seed=4, draws=1000)
    np.testing.assert_allclose(res.inv_mass, SCALES**2, rtol=1e-9)
    standardised = res.draws / SCALES
    assert_gaussian_moments(standardised[:, [0, 50, 99]], np.zeros(3), np.eye(3), n_mcse=4.5)
    assert not res.stats["diverging"].any()
    assert min(ess(standardised[:, i]) for i in range(100)) > 400


@pytest.mark.slow
def test_hybrid_adaptation_shortens_the_first_window():
    # From a start whose gradient says little about the scales, Stan's first 75 iterations run
    # long trajectories with the initial metric; the hybrid warm-up re-estimates the metric every
    # iteration there (measured: 2,426 against 7,565 gradient evaluations over these seeds).
    first_window = {
        adaptation: sum(
            int(run_from_random_start(adaptation, seed).tune_stats["n_steps"][:75].sum())
            for seed in (1, 2, 3)
        )
        for adaptation in ("stan", "hybrid")
    }
    assert first_window["hybrid"] < 0.6 * first_window["stan"], first_window


def test_hybrid_is_stan_when_the_first_window_is_short():
    # With fewer than 150 warm-up iterations Stan's first window is 15% of them: too few draws
    # for running estimates (they trapped mixture chains in minor modes), so hybrid is Stan.
    short = [run(std_normal, 3, seed=8, draws=50, tune=100, adaptation=a).draws for a in ("hybrid", "stan")]
    np.testing.assert_array_equal(short[0], short[1])
    long = [run(std_normal, 3, seed=8, draws=50, tune=200, adaptation=a).draws for a in ("hybrid", "stan")]
    assert not np.array_equal(long[0], long[1])
