"""``ppl.sample(nuts_sampler="numba")``: the compiled NUTS kernel behind the usual interface."""

import arviz as az
import numpy as np
import pytest

import ppl
from ppl.exceptions import SamplingError

Y = np.random.default_rng(0).normal(1.0, 2.0, 40)
PRIOR_SD, NOISE_SD = 10.0, 2.0


def exact_posterior(y):
    precision = 1 / PRIOR_SD**2 + len(y) / NOISE_SD**2
    return y.sum() / NOISE_SD**2 / precision, precision**-0.5


def conjugate_model():
    with ppl.Model() as model:
        y = ppl.Data("y", Y)
        mu = ppl.Normal("mu", 0.0, PRIOR_SD)
        ppl.Normal("obs", mu, NOISE_SD, observed=y, shape=y.shape)
    return model


def _sample(model, **kwargs):
    kwargs = {"draws": 500, "tune": 500, "chains": 2, "cores": 1, "random_seed": 1,
              "progressbar": False, "nuts_sampler": "numba", "compute_convergence_checks": False,
              **kwargs}
    return ppl.sample(model=model, **kwargs)


@pytest.mark.slow
def test_posterior_stats_chains_and_refit():
    model = conjugate_model()
    idata = _sample(model, draws=1000)
    mean, sd = exact_posterior(Y)
    draws = idata.posterior["mu"].values
    ess = float(az.ess(idata, var_names=["mu"])["mu"])
    assert abs(draws.mean() - mean) < 4.5 * sd / np.sqrt(ess)
    assert abs(draws.std() / sd - 1) < 0.1
    # Same statistics, names and dtypes as the Python NUTS.
    python = _sample(model, draws=20, tune=20, nuts_sampler="python")
    assert (idata.posterior.attrs["nuts_sampler"], python.posterior.attrs["nuts_sampler"]) == (
        "numba", "python")
    assert set(idata.sample_stats.data_vars) == set(python.sample_stats.data_vars)
    for name in python.sample_stats.data_vars:
        assert idata.sample_stats[name].dtype == python.sample_stats[name].dtype, name
    # Chains in forked workers: the same draws, bit for bit.
    parallel = _sample(model, draws=1000, cores=2)
    np.testing.assert_array_equal(parallel.posterior["mu"].values, draws)
    # After set_data the kernel sees the new data (its data table is refreshed).
    new_y = Y + 5.0
    with model:
        ppl.set_data({"y": new_y})
    moved = _sample(model, draws=300, tune=300).posterior["mu"].values
    new_mean, _ = exact_posterior(new_y)
    assert abs(moved.mean() - new_mean) < 0.5 * sd
    # Warm-up draws are kept when asked, like the Python NUTS.
    kept = _sample(model, draws=30, tune=40, chains=1, discard_tuned_samples=False)
    assert kept.warmup_posterior["mu"].shape == (1, 40)


def test_unsupported_cases_say_why():
    with ppl.Model() as mixed:
        ppl.Normal("a", 0.0, 1.0)
        ppl.Bernoulli("b", 0.5)
    with pytest.raises(SamplingError, match="one NUTS step over all free variables"):
        _sample(mixed)
    model = conjugate_model()
    with pytest.raises(SamplingError, match=r"does not support the NUTS options \{'dense_mass': True\}"):
        _sample(model, nuts={"dense_mass": True})
    with pytest.raises(SamplingError, match="compiled with Numba"):
        _sample(model, mode="C")
    with pytest.raises(ValueError, match="nuts_sampler is 'blackjax'"):
        _sample(model, nuts_sampler="blackjax")


@pytest.mark.slow
def test_spawned_workers_build_their_own_kernel_function():
    model = conjugate_model()
    serial = _sample(model, draws=50, tune=50)
    spawned = _sample(model, draws=50, tune=50, cores=2, mp_ctx="spawn")
    np.testing.assert_array_equal(serial.posterior["mu"].values, spawned.posterior["mu"].values)


def test_first_compilation_of_the_kernel_is_announced(monkeypatch, capsys):
    # A kernel neither compiled in this process nor in Numba's disk cache takes 15-40 s to
    # compile: with a progress bar, sample() says so first; otherwise (and when cached) it is quiet.
    from ppl.sampling import numba_chain

    class FreshKernel:  # stands in for the functools.cache'd chunk_kernel, not yet called
        calls = 0

        def __call__(self):
            FreshKernel.calls += 1

        def cache_info(self):
            return type("Info", (), {"currsize": 0})()

    model = conjugate_model()
    with model:
        steps = ppl.assign_step_methods(model)
    for s in steps:
        s.build(model.initial_point())
    monkeypatch.setattr(numba_chain, "chunk_kernel", FreshKernel())
    for announce, cached, expected in [(True, False, True), (True, True, False), (False, False, False)]:
        monkeypatch.setattr(numba_chain, "kernel_in_disk_cache", lambda cached=cached: cached)
        options, fn = numba_chain.select_numba_kernel("auto", steps, model, announce=announce)
        assert fn is not None and options is not None
        assert ("compiling the NUTS kernel" in capsys.readouterr().err) == expected
    assert FreshKernel.calls == 3


def test_nuts_sampler_kwargs_choose_the_kernel_adaptation():
    model = conjugate_model()
    draws = {
        adaptation: _sample(model, draws=300, tune=300, nuts_sampler_kwargs={"adaptation": adaptation})
        .posterior["mu"].values
        for adaptation in ("hybrid", "stan", "gradient")
    }
    np.testing.assert_array_equal(
        draws["hybrid"], _sample(model, draws=300, tune=300).posterior["mu"].values
    )  # hybrid is the default
    assert not np.array_equal(draws["hybrid"], draws["stan"])
    assert not np.array_equal(draws["hybrid"], draws["gradient"])
    mean, sd = exact_posterior(Y)
    for adaptation, values in draws.items():
        assert abs(values.mean() - mean) < 0.3 * sd, adaptation
    with pytest.raises(ValueError, match=r"nuts_sampler_kwargs has \['max_depth'\]"):
        _sample(model, nuts_sampler_kwargs={"max_depth": 3})
    with pytest.raises(ValueError, match="adaptation is 'windowed'"):
        _sample(model, nuts_sampler_kwargs={"adaptation": "windowed"})
    with pytest.warns(UserWarning, match="does not run for this model: ignored"):
        _sample(model, draws=10, tune=10, nuts_sampler="python",
                nuts_sampler_kwargs={"adaptation": "stan"})
