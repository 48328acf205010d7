"""NUTS efficiency on the benchmark models: ESS per second, gradient evaluations, sampler overhead.

Usage:
    python benchmarks/bench_nuts.py [--models NAME ...] [--cores 1 2] [--seed 20251122]
        [--mode C] [--pymc-python /tmp/bench-pymc/bin/python | --pymc-json FILE] [--out FILE]

For each model it runs ``ppl.sample(draws=1000, tune=1000, chains=2, cores=c, ...)`` for every
``c`` in ``--cores`` and reports (see README.md for the exact definitions): sampling wall time
(warm-up + draws, compile excluded), minimum bulk and tail ESS over the free variables, ESS/s,
gradient evaluations per draw, µs per logp+gradient call of the compiled function and the
sampler's overhead per gradient evaluation. With ``--pymc-python`` it also runs
``compare/pymc_runner.py`` in that interpreter (PyMC's own virtual environment) on the same data
and prints one combined table; everything goes to ``results/nuts_<git sha>.json``.
"""

import argparse
import json
import multiprocessing
import pathlib
import platform
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor

import numpy as np

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import ppl_timing  # noqa: E402
from models import MODELS  # noqa: E402
from nuts_metrics import (  # noqa: E402
    add_sampling_arguments,
    finish_row,
    load,
    max_z,
    n_timing_calls,
    spread,
    time_calls,
    time_calls_at,
)
from provenance import git_sha, results_path  # noqa: E402

import ppl  # noqa: E402
import ppl.sampling.mcmc as mcmc  # noqa: E402


def _sample_timed(model, *, cores: int, mode, sample_kwargs: dict):
    """``ppl.sample`` with the per-chain time stamps of :mod:`ppl_timing`.

    Returns ``(idata, per-chain stats with warm-up, [(warm_start, start, end)] per chain,
    unconstrained kept draws (n, dim), total seconds)``.
    With ``cores > 1`` the chains run on a fresh process pool whose workers install the timing
    hook; creating and shutting down the pool is counted in the total, as it is in ``ppl.sample``.
    """
    captured = []
    original = mcmc.run_chains

    def run_chains(specs, **kwargs):
        results, failures, interrupted = original(specs, **kwargs)
        for r in results:
            if r is not None:
                stamps = r.stats.pop(ppl_timing.KEY)
                captured.append((dict(r.stats), tuple(float(t) for t in stamps), r.draws))
        return results, failures, interrupted

    ppl_timing.install()
    mcmc.run_chains = run_chains
    executor = None
    start = time.perf_counter()
    try:
        if cores > 1:
            executor = ProcessPoolExecutor(
                max_workers=cores,
                mp_context=multiprocessing.get_context("forkserver"),
                initializer=ppl_timing.install,
            )
        with model:
            step = None if mode is None else ppl.NUTS(mode=mode)
            idata = ppl.sample(cores=cores, executor=executor, step=step, **sample_kwargs)
    finally:
        if executor is not None:
            executor.shutdown()
        mcmc.run_chains = original
    total_s = time.perf_counter() - start
    stats = [c[0] for c in captured]
    stamps = [c[1] for c in captured]
    # Unconstrained flat positions of the kept draws, all chains.
    draws = np.concatenate([d[~s["tune"]] for s, _, d in captured])
    return idata, stats, stamps, draws, total_s


def bench_model(name: str, cores_list: list[int], args) -> list[dict]:
    model = MODELS[name]()
    free = [rv.name for rv in model.free_RVs]
    start = time.perf_counter()
    fn = model.logp_dlogp_function(mode=args.mode)
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
        nuts_sampler="python",  # the per-chain stamps instrument the Python NUTS
    )
    rows = []
    for cores in cores_list:
        load_before = load()
        runs = []
        for _ in range(args.repeats):
            idata, stats, stamps, draws, total_s = _sample_timed(
                model, cores=cores, mode=args.mode, sample_kwargs=sample_kwargs
            )
            sampling_s = max(e for _, _, e in stamps) - min(s for _, s, _ in stamps)
            runs.append((sampling_s, sum(e - s for _, s, e in stamps), total_s, stamps))
            # Same seed, same draws: repeats only re-measure the time.
            steps = [s["n_steps"] for s in stats]
            if len(runs) == 1:
                first_steps = steps
            elif any(not np.array_equal(a, b) for a, b in zip(first_steps, steps, strict=True)):
                raise RuntimeError(f"{name}: a repeat with the same seed drew differently.")
        sampling_s, chain_s, total_s, stamps = min(runs, key=lambda r: r[0])
        grad_us = time_calls_at(fn, spread(draws), n_timing_calls(fn.size))
        head = {
            "model": name,
            "system": "ppl",
            "cores": cores,
            "mode": args.mode or "default",
            "dim": fn.size,
            "compile_s": round(compile_s, 3),
            "first_call_s": round(compile_s - build_s, 3),
            "chain_first_call_s": [round(s - w, 3) for w, s, _ in stamps],
            "total_s": round(total_s, 3),
            "sampling_s_repeats": [round(r[0], 3) for r in runs],
            "grad_us_init": round(grad_us_init, 2),
        }
        rows.append(
            finish_row(
                head,
                idata.posterior,
                free,
                stats,
                draws=args.draws,
                sampling_s=sampling_s,
                chain_s=chain_s,
                grad_us=grad_us,
                load_before=load_before,
                label=f"{name} ppl cores={cores}",
            )
        )
    return rows


def run_pymc(args) -> tuple[list[dict], dict | None]:
    """PyMC rows and versions: from ``--pymc-json``, or by running the PyMC runner."""
    if args.pymc_json:
        data = json.loads(pathlib.Path(args.pymc_json).read_text())
        return data["results"], data["versions"]
    if not args.pymc_python:
        return [], None
    out = HERE / "results" / "pymc_runner.tmp"  # git-ignored
    cmd = [
        args.pymc_python,
        str(HERE / "compare" / "pymc_runner.py"),
        "--models",
        *args.models,
        "--draws",
        str(args.draws),
        "--tune",
        str(args.tune),
        "--chains",
        str(args.chains),
        "--seed",
        str(args.seed),
        "--repeats",
        str(args.repeats),
        "--out",
        str(out),
    ]
    if args.pymc_mode:
        cmd += ["--mode", args.pymc_mode]
    subprocess.run(cmd, check=True)
    results = json.loads(out.read_text())
    out.unlink()
    return results["results"], results["versions"]


COLUMNS = [
    ("model", "30s", "model"),
    ("system", "14s", "system"),
    ("ess_per_s", "8.1f", "ESS/s"),
    ("min_ess_bulk", "8.0f", "bulkESS"),
    ("min_ess_tail", "8.0f", "tailESS"),
    ("grad_evals_per_draw", "7.1f", "grad/dr"),
    ("overhead_us_per_grad", "8.1f", "ovh_us"),
    ("grad_us", "7.1f", "grad_us"),
    ("sampling_s", "7.1f", "samp_s"),
    ("compile_s", "6.1f", "comp_s"),
    ("mean_tree_depth", "5.2f", "depth"),
    ("divergences", "4d", "div"),
]


def system_label(row: dict) -> str:
    label = row["system"]
    if row.get("mode", "default") != "default":
        label += f"/{row['mode']}"
    return f"{label} c={row['cores']}"


def table(rows: list[dict]) -> str:
    head = " ".join(f"{title:>{fmt.rstrip('sfd').split('.')[0]}}" for _, fmt, title in COLUMNS)
    lines = [head]
    for r in sorted(rows, key=lambda r: (list(MODELS).index(r["model"]), r["system"], r["cores"])):
        r = {**r, "system": system_label(r)}
        lines.append(" ".join(format(r[key], fmt) for key, fmt, _ in COLUMNS))
    return "\n".join(lines) + "\n"


def posterior_agreement(rows: list[dict]) -> list[dict]:
    """Per model, the first ppl row against every other system's rows (see ``max_z``)."""
    out = []
    for name in MODELS:
        ours = [r for r in rows if r["model"] == name and r["system"] == "ppl"]
        others = [r for r in rows if r["model"] == name and r["system"] != "ppl" and "moments" in r]
        for other in others if ours else []:
            z, at = max_z(ours[0]["moments"], other["moments"])
            out.append(
                {
                    "model": name,
                    "a": system_label(ours[0]),
                    "b": system_label(other),
                    "max_z": z,
                    "at": at,
                }
            )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_sampling_arguments(parser, MODELS)
    parser.add_argument("--cores", nargs="+", type=int, default=[1, 2])
    parser.add_argument("--mode", default=None, help="PyTensor mode of ppl's log-density")
    parser.add_argument("--pymc-python", default=None, help="python of the PyMC environment")
    parser.add_argument("--pymc-mode", default=None, help="PyTensor mode for PyMC (default: C)")
    parser.add_argument("--pymc-json", default=None, help="reuse a pymc_runner.py output")
    args = parser.parse_args()
    load_start = load()
    rows = [row for name in args.models for row in bench_model(name, args.cores, args)]
    pymc_rows, pymc_versions = run_pymc(args)
    rows += pymc_rows
    sys.stdout.write(table(rows))
    agreement = posterior_agreement(rows)
    for line in agreement:
        sys.stdout.write(
            f"{line['model']:30s} {line['a']} vs {line['b']}: max |z| of posterior "
            f"means {line['max_z']} at {line['at']}\n"
        )
    sha = git_sha()
    out = results_path("nuts", args.out)
    import arviz
    import pytensor

    summary = {
        "git": sha,
        "machine": platform.machine(),
        "cpus": multiprocessing.cpu_count(),
        "python": platform.python_version(),
        "versions": {
            "pytensor": pytensor.__version__,
            "arviz": arviz.__version__,
            "pymc_env": pymc_versions,
        },
        "settings": {
            "draws": args.draws,
            "tune": args.tune,
            "chains": args.chains,
            "seed": args.seed,
            "repeats": args.repeats,
            "ppl_mode": args.mode,
        },
        "load_start_end": [load_start, load()],
        "posterior_agreement": agreement,
        "results": rows,
    }
    out.write_text(json.dumps(summary, indent=2) + "\n")
    sys.stderr.write(f"wrote {out}\n")


if __name__ == "__main__":
    main()
