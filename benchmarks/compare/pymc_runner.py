"""The benchmark models in PyMC, on the same data, with the same metrics as ``bench_nuts.py``.

Runs in PyMC's own virtual environment (PyMC 5 pins PyTensor 2.x, which cannot live next to
ppl's PyTensor 3), so it imports nothing from ppl: the data come from ``model_data.py`` and the
metrics from ``nuts_metrics.py`` (numpy and ArviZ only). See README.md for the set-up.

Usage: /tmp/bench-pymc/bin/python benchmarks/compare/pymc_runner.py [--models ...] [--cores 1]
    [--mode NUMBA] [--out FILE]       (JSON to FILE, or to stdout)
"""

import ctypes.util
import os
import pathlib
import sys
import time

import numpy as np

# A pip-installed PyTensor 2.x finds no BLAS to link its C code with unless told: use the
# system OpenBLAS (Debian: libopenblas-dev) when there is one and PYTENSOR_FLAGS says nothing.
if "PYTENSOR_FLAGS" not in os.environ and ctypes.util.find_library("openblas"):
    os.environ["PYTENSOR_FLAGS"] = "blas__ldflags=-lopenblas"

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))
import arviz  # noqa: E402
import pymc as pm  # noqa: E402
import pytensor  # noqa: E402
from model_data import (  # noqa: E402
    EIGHT_SIGMA,
    EIGHT_Y,
    ark_data,
    eight_schools_centered_data,
    gaussian_scales,
    hierarchical_data,
    kidiq_interaction_data,
    linear_regression_data,
    logistic_regression_data,
)
from nuts_metrics import (  # noqa: E402
    finish_row,
    load,
    n_timing_calls,
    runner_main,
    spread,
    time_calls,
    time_calls_at,
)


def eight_schools_noncentered():
    with pm.Model() as model:
        mu = pm.Normal("mu", 0.0, 5.0)
        tau = pm.HalfCauchy("tau", 5.0)
        theta_tilde = pm.Normal("theta_tilde", 0.0, 1.0, shape=8)
        theta = pm.Deterministic("theta", mu + tau * theta_tilde)
        pm.Normal("y", theta, EIGHT_SIGMA, observed=EIGHT_Y)
    return model


def linear_regression(n=1000, k=10):
    X, y = linear_regression_data(n, k)
    with pm.Model() as model:
        alpha = pm.Normal("alpha", 0.0, 10.0)
        beta = pm.Normal("beta", 0.0, 1.0, shape=k)
        sigma = pm.HalfNormal("sigma", 1.0)
        pm.Normal("y", alpha + X @ beta, sigma, observed=y)
    return model


def logistic_regression(n=5000, k=25):
    X, y = logistic_regression_data(n, k)
    with pm.Model() as model:
        alpha = pm.Normal("alpha", 0.0, 5.0)
        beta = pm.Normal("beta", 0.0, 1.0, shape=k)
        pm.Bernoulli("y", logit_p=alpha + X @ beta, observed=y)
    return model


def hierarchical(groups=85, n=900):
    group, x, y = hierarchical_data(groups, n)
    with pm.Model(coords={"group": np.arange(groups)}) as model:
        mu_a = pm.Normal("mu_a", 0.0, 10.0)
        sigma_a = pm.HalfNormal("sigma_a", 1.0)
        a_offset = pm.Normal("a_offset", 0.0, 1.0, dims="group")
        a = pm.Deterministic("a", mu_a + sigma_a * a_offset, dims="group")
        b = pm.Normal("b", 0.0, 1.0)
        sigma_y = pm.HalfNormal("sigma_y", 1.0)
        pm.Normal("y", a[group] + b * x, sigma_y, observed=y)
    return model


def gaussian_scaled(dim=100):
    with pm.Model() as model:
        pm.Normal("x", 0.0, gaussian_scales(dim), shape=dim)
    return model


def eight_schools_centered():
    y, sigma = eight_schools_centered_data()
    with pm.Model() as model:
        mu = pm.Normal("mu", 0.0, 5.0)
        tau = pm.HalfCauchy("tau", 5.0)
        theta = pm.Normal("theta", mu, tau, shape=8)
        pm.Normal("y", theta, sigma, observed=y)
    return model


def kidiq_interaction():
    kid_score, mom_hs, mom_iq = kidiq_interaction_data()
    with pm.Model() as model:
        beta = pm.Flat("beta", shape=4)
        sigma = pm.HalfCauchy("sigma", 2.5)
        mu = beta[0] + beta[1] * mom_hs + beta[2] * mom_iq + beta[3] * mom_hs * mom_iq
        pm.Normal("kid_score", mu, sigma, observed=kid_score)
    return model


def ark():
    lags, target = ark_data()
    with pm.Model() as model:
        alpha = pm.Normal("alpha", 0.0, 10.0)
        beta = pm.Normal("beta", 0.0, 10.0, shape=lags.shape[1])
        sigma = pm.HalfCauchy("sigma", 2.5)
        pm.Normal("y", alpha + lags @ beta, sigma, observed=target)
    return model


MODELS = {
    "eight_schools_noncentered": eight_schools_noncentered,
    "linear_regression_1000x10": linear_regression,
    "logistic_regression_5000x25": logistic_regression,
    "hierarchical_85x900": hierarchical,
    "gaussian_100_scaled": gaussian_scaled,
    "eight_schools_centered": eight_schools_centered,
    "kidiq_interaction": kidiq_interaction,
    "arK": ark,
}

# PyMC's sample_stats names -> the names nuts_metrics.summarize reads (most are already equal).
_STATS = ["n_steps", "tree_depth", "step_size", "acceptance_rate", "diverging"]


def _chain_stats(idata) -> list[dict[str, np.ndarray]]:
    """Per chain, every iteration (warm-up first) with a ``tune`` column."""
    warm, kept = idata.warmup_sample_stats, idata.sample_stats
    out = []
    for c in range(kept.sizes["chain"]):
        stats = {k: np.concatenate([warm[k].values[c], kept[k].values[c]]) for k in _STATS}
        stats["tune"] = np.arange(len(stats["n_steps"])) < warm.sizes["draw"]
        out.append(stats)
    return out


def bench_model(name: str, cores: int, args) -> dict:
    model = MODELS[name]()
    free = [rv.name for rv in model.free_RVs]
    compile_kwargs = {} if args.mode is None else {"mode": args.mode}
    start = time.perf_counter()
    fn = model.logp_dlogp_function(ravel_inputs=True, **compile_kwargs)
    fn.set_extra_values({})
    point = model.initial_point()
    x = np.concatenate([np.ravel(point[v.name]) for v in model.value_vars]) + 0.1
    build_s = time.perf_counter() - start
    fn(x)  # first call included in the compile time (it JITs with the Numba backend)
    compile_s = time.perf_counter() - start
    grad_us_init = time_calls(fn, x, n_timing_calls(x.size))
    load_before = load()
    runs = []
    for _ in range(args.repeats):
        start = time.perf_counter()
        with model:
            idata = pm.sample(
                draws=args.draws,
                tune=args.tune,
                chains=args.chains,
                cores=cores,
                random_seed=args.seed,
                progressbar=False,
                compute_convergence_checks=False,
                discard_tuned_samples=False,
                compile_kwargs=compile_kwargs,
                idata_kwargs={"include_transformed": True},
            )
        total_s = time.perf_counter() - start
        # PyMC's own stamp: warm-up + draws of all chains, after the step method is compiled.
        runs.append((float(idata.sample_stats.attrs["sampling_time"]), total_s, idata))
    sampling_s, total_s, idata = min(runs, key=lambda r: r[0])
    # Unconstrained flat positions of the kept draws (value variables, in the model's order).
    post = idata.posterior
    draws = np.concatenate(
        [
            post[v.name].values.reshape(post.sizes["chain"] * post.sizes["draw"], -1)
            for v in model.value_vars
        ],
        axis=1,
    )
    grad_us = time_calls_at(fn, spread(draws), n_timing_calls(x.size))
    # With cores > 1 the per-chain times are not exposed: chain-seconds are approximated by
    # cores x wall time, which overstates the overhead by the workers' start-up.
    chain_s = sampling_s * min(cores, args.chains)
    return finish_row(
        {
            "model": name,
            "system": "pymc",
            "cores": cores,
            "mode": args.mode or "default",
            "dim": int(x.size),
            "compile_s": round(compile_s, 3),
            "first_call_s": round(compile_s - build_s, 3),
            "total_s": round(total_s, 3),
            "sampling_s_repeats": [round(r[0], 3) for r in runs],
            "grad_us_init": round(grad_us_init, 2),
        },
        idata.posterior,
        free,
        _chain_stats(idata),
        draws=args.draws,
        sampling_s=sampling_s,
        chain_s=chain_s,
        grad_us=grad_us,
        load_before=load_before,
        label=f"{name} pymc cores={cores}",
        start_evals=1,
    )


def _pymc_arguments(parser) -> None:
    parser.add_argument("--cores", nargs="+", type=int, default=[1])
    parser.add_argument("--mode", default=None, help="PyTensor mode (default: PyTensor's)")


def main() -> None:
    runner_main(
        __doc__,
        MODELS,
        lambda name, args: [bench_model(name, cores, args) for cores in args.cores],
        lambda: {
            "pymc": pm.__version__,
            "pytensor": pytensor.__version__,
            "arviz": arviz.__version__,
            "default_linker": pytensor.config.linker,
            "blas__ldflags": pytensor.config.blas__ldflags,
        },
        _pymc_arguments,
    )


if __name__ == "__main__":
    main()
