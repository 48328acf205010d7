"""ppl's side of the suite: ``bench_nuts.py``'s measurement of ``ppl.sample``, one NUTS kernel.

``--kernel python`` (default) is ``ppl.sample``'s Python NUTS; any other name is passed through
as ``ppl.sample(nuts_sampler=NAME)`` (e.g. ``numba``, the compiled kernel). Timing, metrics and
JSON format as in ``bench_nuts.py`` (chains one after another, ``cores=1``).

Usage: python benchmarks/compare/ppl_runner.py [--models ...] [--kernel python] [--out FILE]
"""

import pathlib
import sys
import time

import numpy as np

HERE = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(HERE))
import arviz  # noqa: E402
import pytensor  # noqa: E402
from bench_nuts import _sample_timed  # noqa: E402
from models import MODELS  # noqa: E402
from nuts_metrics import (  # noqa: E402
    finish_row,
    load,
    n_timing_calls,
    runner_main,
    spread,
    time_calls,
    time_calls_at,  # noqa: E402
)

import ppl  # noqa: E402


def _stats_from_idata(idata) -> list[dict[str, np.ndarray]]:
    """Per-chain stats from the InferenceData (kernels that bypass ``sample_array``)."""
    groups = [g for g in ("warmup_sample_stats", "sample_stats") if g in idata.groups()]
    out = []
    for c in range(idata.sample_stats.sizes["chain"]):
        stats = {
            k: np.concatenate([idata[g][k].values[c] for g in groups])
            for k in ("n_steps", "tree_depth", "step_size", "acceptance_rate", "diverging")
        }
        n_warm = idata["warmup_sample_stats"].sizes["draw"] if len(groups) == 2 else 0
        stats["tune"] = np.arange(len(stats["n_steps"])) < n_warm
        out.append(stats)
    return out


def bench_model(name: str, args) -> dict:
    model = MODELS[name]()
    free = [rv.name for rv in model.free_RVs]
    start = time.perf_counter()
    fn = model.logp_dlogp_function()
    x = ppl.DictToArrayBijection.map(model.initial_point()).data + 0.1
    build_s = time.perf_counter() - start
    fn(x)  # Numba compiles on the first call: count it as compile time
    compile_s = time.perf_counter() - start
    grad_us_init = time_calls(fn, x, n_timing_calls(fn.size))
    sample_kwargs = dict(
        draws=args.draws,
        tune=args.tune,
        chains=args.chains,
        random_seed=args.seed,
        progressbar=False,
        compute_convergence_checks=False,
    )
    sample_kwargs["nuts_sampler"] = args.kernel
    if args.kernel != "python":
        sample_kwargs["discard_tuned_samples"] = False
    kernel_setup_s = 0.0
    if args.kernel != "python":
        # The kernel is compiled (and cached per model) on its first call: one short untimed
        # run, counted as setup, so that the timed run measures sampling only.
        start = time.perf_counter()
        with model:
            ppl.sample(**{**sample_kwargs, "draws": 5, "tune": 5, "chains": 1}, cores=1)
        kernel_setup_s = time.perf_counter() - start
    load_before = load()
    runs = []
    for _ in range(args.repeats):
        if args.kernel == "python":  # per-chain stamps around the sampling loop
            idata, stats, stamps, draws, total_s = _sample_timed(
                model, cores=1, mode=None, sample_kwargs=sample_kwargs
            )
            sampling_s = sum(e - s for _, s, e in stamps)
        else:  # another kernel may bypass sample_array: the whole call (kernel compiled above)
            start = time.perf_counter()
            with model:
                idata = ppl.sample(cores=1, **sample_kwargs)
            total_s = time.perf_counter() - start
            # The chains' time (sample() records it), as for the Python kernel's stamps.
            sampling_s = float(idata.posterior.attrs["sampling_time"])
            stats, draws = _stats_from_idata(idata), np.empty((0, fn.size))
        runs.append((sampling_s, total_s, idata, stats, draws))
    sampling_s, total_s, idata, stats, draws = min(runs, key=lambda r: r[0])
    if len(draws) == 0:  # no unconstrained draws captured: time at the initial point
        grad_us = time_calls(fn, x, n_timing_calls(fn.size))
    else:
        grad_us = time_calls_at(fn, spread(draws), n_timing_calls(fn.size))
    system = "ppl" if args.kernel == "python" else f"ppl-{args.kernel}"
    return finish_row(
        {
            "model": name,
            "system": system,
            "kernel": args.kernel,
            "cores": 1,
            "mode": "default",
            "dim": fn.size,
            "compile_s": round(compile_s + kernel_setup_s, 3),
            "kernel_setup_s": round(kernel_setup_s, 3),
            "first_call_s": round(compile_s - build_s, 3),
            "total_s": round(total_s, 3),
            "sampling_s_repeats": [round(r[0], 3) for r in runs],
            "grad_us_init": round(grad_us_init, 2),
        },
        idata.posterior,
        free,
        stats,
        draws=args.draws,
        sampling_s=sampling_s,
        chain_s=sampling_s,
        grad_us=grad_us,
        load_before=load_before,
        label=f"{name} {system}",
    )


def main() -> None:
    runner_main(
        __doc__,
        MODELS,
        bench_model,
        lambda: {
            "ppl": getattr(ppl, "__version__", "dev"),
            "pytensor": pytensor.__version__,
            "arviz": arviz.__version__,
        },
        lambda p: p.add_argument(
            "--kernel", default="python", help="'python', or a ppl.sample(nuts_sampler=...) name"
        ),
    )


if __name__ == "__main__":
    main()
