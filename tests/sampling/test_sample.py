"""ppl.sample on small models with known answers, and its contract (seeds, errors, groups)."""

import arviz as az
import numpy as np
import pytest

import ppl
from ppl.sampling import sample
from ppl.sampling.to_arviz import SamplingWarning

OBS = np.array([5.0, 1.0, -2.0])


def normal_normal():
    with ppl.Model(coords={"g": ["a", "b", "c"]}) as m:
        z = ppl.Normal("z", 0, 5, dims="g")
        ppl.Normal("x", z, 1, observed=OBS, dims="g")
        ppl.Deterministic("d", 2 * z, dims="g")
    return m


def _run(model, **kw):
    kw = {"draws": 500, "tune": 500, "chains": 2, "cores": 1, "random_seed": 11,
          "progressbar": False, **kw}
    with model:
        return sample(**kw)


@pytest.mark.slow
def test_normal_normal_posterior_within_mcse():
    idata = _run(normal_normal(), draws=1000, compute_convergence_checks=False)
    post_var = 1 / (1 / 25 + 1)
    exact_mean = OBS * post_var
    summary = az.summary(idata, var_names=["z"], kind="all")
    z = (summary["mean"].to_numpy() - exact_mean) / summary["mcse_mean"].to_numpy()
    assert np.all(np.abs(z) < 4), z
    sd = summary["sd"].to_numpy()
    assert np.all(np.abs(sd - np.sqrt(post_var)) < 4 * summary["mcse_sd"].to_numpy() + 0.02)
    np.testing.assert_allclose(idata.posterior["d"], 2 * idata.posterior["z"])


def test_groups_dims_and_stats():
    idata = _run(normal_normal(), draws=20, tune=20, compute_convergence_checks=False,
                 idata_kwargs={"log_likelihood": True}, discard_tuned_samples=False)
    assert set(idata.groups()) >= {
        "posterior", "sample_stats", "log_likelihood", "observed_data",
        "warmup_posterior", "warmup_sample_stats",
    }
    assert idata.posterior["z"].dims == ("chain", "draw", "g")
    assert list(idata.posterior["g"].values) == ["a", "b", "c"]
    assert idata.posterior["z"].shape == (2, 20, 3)
    assert idata.warmup_posterior["z"].shape == (2, 20, 3)
    for name in ["lp", "acceptance_rate", "step_size", "step_size_bar", "tree_depth", "n_steps",
                 "diverging", "energy", "energy_error", "max_energy_error", "reached_max_treedepth"]:
        assert name in idata.sample_stats
    np.testing.assert_array_equal(idata.observed_data["x"], OBS)
    assert idata.log_likelihood["x"].shape == (2, 20, 3)


def test_log_likelihood_matches_scipy():
    from scipy import stats

    idata = _run(normal_normal(), draws=5, tune=5, chains=1, compute_convergence_checks=False,
                 idata_kwargs={"log_likelihood": True})
    z = idata.posterior["z"].values
    np.testing.assert_allclose(idata.log_likelihood["x"].values, stats.norm.logpdf(OBS, z, 1))


def test_same_seed_same_draws_and_different_seed_differs():
    a = _run(normal_normal(), draws=30, tune=30, compute_convergence_checks=False)
    b = _run(normal_normal(), draws=30, tune=30, compute_convergence_checks=False)
    c = _run(normal_normal(), draws=30, tune=30, compute_convergence_checks=False, random_seed=12)
    np.testing.assert_array_equal(a.posterior["z"], b.posterior["z"])
    assert not np.array_equal(a.posterior["z"], c.posterior["z"])


def test_chains_start_from_different_jittered_points():
    idata = _run(normal_normal(), draws=1, tune=0, chains=3, compute_convergence_checks=False)
    first = idata.posterior["z"].values[:, 0, 0]
    assert len(set(first.round(12))) == 3


def test_init_failure_lists_each_variable_logp():
    with ppl.Model() as m:
        ppl.Normal("a", 0, 1)
        s = ppl.Normal("s", 0, 1)
        ppl.Normal("y", 0, s, observed=1.0)
    with pytest.raises(ppl.SamplingError, match=r"(?s)Logp per variable.*'a'.*'s'.*'y'"):
        _run(m, init="adapt_diag", draws=5, tune=5)


def test_keyboard_interrupt_keeps_draws():
    m = normal_normal()
    calls = {"n": 0}
    with m:
        step = ppl.sampling.NUTS()
    original = step.build

    def build(point):
        array_step = original(point)
        inner = array_step.step

        def interrupting(q, rng):
            calls["n"] += 1
            if calls["n"] > 25:
                raise KeyboardInterrupt
            return inner(q, rng)

        array_step.step = interrupting
        return array_step

    step.build = build
    with pytest.warns(SamplingWarning, match="interrupted"):
        # The Python NUTS (the patched array step); the compiled kernel's own interrupt handling
        # is tested in tests/step_methods/numba_nuts.
        idata = _run(m, step=[step], draws=50, tune=10, chains=2, nuts_sampler="python")
    assert idata.posterior["z"].shape == (1, 15, 3)


def test_unknown_sample_argument():
    with pytest.raises(TypeError, match="not_an_option"):
        _run(normal_normal(), not_an_option=3)


def test_var_names_restricts_posterior():
    idata = _run(normal_normal(), draws=5, tune=5, chains=1, var_names=["d"],
                 compute_convergence_checks=False)
    assert list(idata.posterior.data_vars) == ["d"]


def test_convergence_warning_for_short_chains():
    import warnings

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        _run(normal_normal(), draws=20, tune=20)
    messages = [str(w.message) for w in caught if w.category is SamplingWarning]
    assert any("effective sample size" in m for m in messages), messages


@pytest.mark.slow
def test_parallel_chains_bit_identical_to_sequential():
    kw = {"draws": 40, "tune": 40, "chains": 2, "compute_convergence_checks": False}
    seq = _run(normal_normal(), cores=1, **kw)
    par = _run(normal_normal(), cores=2, **kw)
    np.testing.assert_array_equal(seq.posterior["z"], par.posterior["z"])
    np.testing.assert_array_equal(seq.sample_stats["step_size"], par.sample_stats["step_size"])


def test_failing_chain_is_reported_and_others_kept():
    m = normal_normal()
    with m:
        step = ppl.sampling.NUTS()
    original = step.build
    built = {"n": 0}

    def build(point):
        built["n"] += 1  # build 1 compiles in the parent; builds 2 and 3 start chains 0 and 1
        if built["n"] == 3:
            raise RuntimeError("boom in chain 1")
        return original(point)

    step.build = build
    with pytest.warns(SamplingWarning, match="Chain 1 failed.*boom"):
        idata = _run(m, step=[step], draws=10, tune=10, nuts_sampler="python")
    assert idata.posterior["z"].shape == (1, 10, 3)


def test_parameter_error_mid_trajectory_is_a_divergence_not_a_crash():
    # `s` is unconstrained but used as a scale: trajectories into s <= 0 raise ParameterValueError
    # inside the log-density; NUTS must record a divergence and carry on.
    with ppl.Model() as m:
        s = ppl.Normal("s", 0.3, 0.5)
        ppl.Normal("y", 0.0, s, observed=[0.1, -0.2, 0.15])
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SamplingWarning)
        idata = _run(m, draws=200, tune=200, chains=1, initvals={"s": 0.5}, init="adapt_diag")
    assert idata.posterior["s"].shape == (1, 200)
    assert int(idata.sample_stats["diverging"].sum()) > 0
    assert np.all(idata.posterior["s"].values > 0)


def test_unpicklable_model_with_cores_gives_clear_error():
    import threading

    m = normal_normal()
    m["z"].tag.lock = threading.Lock()  # cannot be pickled
    # With fork (the Linux default) workers inherit the model; by-value start methods pickle it.
    with pytest.raises(ppl.SamplingError, match=r"cannot be sent to worker processes.*cores=1"):
        _run(m, cores=2, draws=5, tune=5, mp_ctx="forkserver")


def test_compile_mode_reaches_the_step_methods():
    m = normal_normal()
    with m:
        steps = ppl.assign_step_methods(m, mode="C")
    assert [s.mode for s in steps] == ["C"]
    idata = _run(m, draws=5, tune=5, chains=1, mode="C", compute_convergence_checks=False)
    assert idata.posterior["z"].shape == (1, 5, 3)


@pytest.mark.slow
def test_executor_path_sends_the_model_by_value_and_matches():
    from concurrent.futures import ThreadPoolExecutor

    kw = {"draws": 30, "tune": 30, "chains": 2, "compute_convergence_checks": False}
    seq = _run(normal_normal(), cores=1, **kw)
    with ThreadPoolExecutor(max_workers=2) as pool:
        remote = _run(normal_normal(), executor=pool, **kw)
    np.testing.assert_array_equal(seq.posterior["z"], remote.posterior["z"])


def test_return_inferencedata_false_gives_arrays():
    out = _run(normal_normal(), draws=7, tune=5, chains=2, return_inferencedata=False,
               compute_convergence_checks=False)
    assert set(out) == {"z", "d"}
    assert out["z"].shape == (2, 7, 3)
    np.testing.assert_allclose(out["d"], 2 * out["z"])


def test_progressbar_shows_chains_and_divergences(capsys):
    _run(normal_normal(), draws=10, tune=10, chains=2, progressbar=True,
         compute_convergence_checks=False)
    text = capsys.readouterr()
    shown = text.out + text.err
    assert "chain 0" in shown and "chain 1" in shown and "divergences" in shown
    assert "20/20" in shown


def test_progressbar_false_is_silent(capsys):
    _run(normal_normal(), draws=10, tune=10, chains=1, compute_convergence_checks=False)
    text = capsys.readouterr()
    assert text.out == "" and text.err == ""


def test_start_reuse_only_when_one_block_owns_the_density():
    from ppl.sampling.assign import VarLayout, build_array_step

    with ppl.Model() as m:
        a = ppl.Normal("a", 0, 1)
        ppl.Normal("b", a, 1)
        ppl.Bernoulli("k", 0.5)
    point = m.initial_point()
    layout = VarLayout(point, [v.name for v in m.value_vars])
    with m:
        alone = build_array_step([ppl.NUTS([a, m["b"]])], point, VarLayout(point, ["a", "b"]))
        compound = build_array_step(ppl.assign_step_methods(m), point, layout)
    assert alone.density_is_fixed is True
    nuts_in_compound = [b.step for b in compound.blocks if hasattr(b.step, "density_is_fixed")]
    assert [s.density_is_fixed for s in nuts_in_compound] == [False]


@pytest.mark.parametrize("blas_cores", ["auto", 2, None])
def test_blas_cores_limits_the_blas_threads_while_sampling(blas_cores):
    from threadpoolctl import threadpool_info

    def blas_threads():
        return max(i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas")

    def logp(x):
        seen.append(blas_threads())
        return -0.5 * float(x @ x)

    seen: list = []
    default = blas_threads()
    op = ppl.blackbox(logp, lambda x: -x, input_shapes=[(2,)])
    with ppl.Model():
        x = ppl.Flat("x", shape=2)
        ppl.Potential("p", op(x))
        sample(5, tune=0, chains=1, cores=1, blas_cores=blas_cores, step=ppl.Slice([x]),
               progressbar=False, compute_convergence_checks=False, random_seed=1)
    # The last evaluations are the chain's (the first ones check the start point).
    assert len(seen) > 20 and set(seen[-20:]) == {{"auto": 1, 2: 2, None: default}[blas_cores]}
    assert blas_threads() == default  # restored afterwards


def test_blas_cores_rejects_other_strings():
    with ppl.Model():
        ppl.Normal("z")
        with pytest.raises(ValueError, match="blas_cores is 'all'"):
            sample(5, tune=0, chains=1, blas_cores="all", progressbar=False)


def test_pymc_compile_kwargs_and_cosmetic_options():
    m = normal_normal()
    idata = _run(m, draws=20, tune=20, chains=1, compile_kwargs={"mode": "C"},
                 keep_warning_stat=True, progressbar_theme=None)
    assert idata.posterior.attrs["nuts_sampler"] == "python"  # the C backend: no Numba kernel
    with pytest.raises(TypeError, match=r"compile_kwargs \['on_unused_input'\] are not supported"):
        _run(m, draws=5, tune=5, chains=1, compile_kwargs={"on_unused_input": "ignore"})
    with pytest.raises(ValueError, match="disagree"):
        _run(m, draws=5, tune=5, chains=1, mode="NUMBA", compile_kwargs={"mode": "C"})
