"""Metrics of a NUTS run, shared by ``bench_nuts.py`` (ppl) and ``compare/pymc_runner.py`` (PyMC).

numpy and ArviZ only, so that both environments compute every number with the same code.
"""

import os
import time

import arviz as az
import numpy as np


def time_calls(fn, x, calls: int) -> float:
    """Best of three: µs per call of ``fn(x)`` (as in ``bench_logp.py``)."""
    fn(x)
    best = np.inf
    for _ in range(3):
        start = time.perf_counter()
        for _ in range(calls):
            fn(x)
        best = min(best, (time.perf_counter() - start) / calls)
    return best * 1e6


def time_calls_at(fn, points: np.ndarray, calls: int) -> float:
    """Best of three: µs per call of ``fn`` cycling through the rows of ``points``.

    Timed at posterior draws, because the cost of some log-densities depends on the point (e.g.
    ``log1p(exp(.))`` in the logistic regression is ~30% slower at posterior draws than at the
    initial point).
    """
    rows = [np.ascontiguousarray(p, dtype=np.float64) for p in points]
    n = len(rows)
    fn(rows[0])
    best = np.inf
    for _ in range(3):
        start = time.perf_counter()
        for i in range(calls):
            fn(rows[i % n])
        best = min(best, (time.perf_counter() - start) / calls)
    return best * 1e6


def spread(draws: np.ndarray, k: int = 100) -> np.ndarray:
    """``k`` rows of ``draws`` (n, dim), evenly spaced."""
    return draws[np.linspace(0, len(draws) - 1, min(k, len(draws))).astype(int)]


def n_timing_calls(dim: int, calls: int = 20000) -> int:
    """Number of calls per timing repeat (fewer for bigger models), as in ``bench_logp.py``."""
    return max(200, calls // max(1, dim // 10))


def load() -> list[float]:
    """1, 5 and 15 minute load averages (the machine has other work on it)."""
    return [round(v, 2) for v in os.getloadavg()]


def _min_ess(posterior, var_names, method: str) -> tuple[float, str]:
    ess = az.ess(posterior, var_names=var_names, method=method)
    best, where = np.inf, ""
    for name in var_names:
        values = np.asarray(ess[name].values, dtype=float).ravel()
        i = int(np.argmin(values))
        if values[i] < best:
            best, where = float(values[i]), name if values.size == 1 else f"{name}[{i}]"
    return best, where


def posterior_moments(posterior, var_names: list[str]) -> dict[str, dict[str, list[float]]]:
    """Per free variable: flattened posterior mean, sd and Monte Carlo s.e. of the mean."""
    mcse = az.mcse(posterior, var_names=var_names, method="mean")
    out = {}
    for name in var_names:
        values = posterior[name].values
        flat = values.reshape(values.shape[0] * values.shape[1], -1)
        out[name] = {
            "mean": [round(float(v), 5) for v in flat.mean(axis=0)],
            "sd": [round(float(v), 5) for v in flat.std(axis=0)],
            "mcse": [round(float(v), 6) for v in np.ravel(mcse[name].values)],
        }
    return out


def max_z(a: dict, b: dict) -> tuple[float, str]:
    """Largest |mean_a - mean_b| / sqrt(mcse_a^2 + mcse_b^2) over all elements, and where.

    Two correct samplers of the same posterior give roughly standard normal z-scores: a maximum
    above ~4 over ~100 elements deserves a look.
    """
    worst, where = 0.0, ""
    for name in a:
        for i, (ma, mb, sa, sb) in enumerate(
            zip(a[name]["mean"], b[name]["mean"], a[name]["mcse"], b[name]["mcse"], strict=True)
        ):
            z = abs(ma - mb) / max(np.hypot(sa, sb), 1e-12)
            if z > worst:
                worst, where = z, name if len(a[name]["mean"]) == 1 else f"{name}[{i}]"
    return round(float(worst), 2), where


def summarize(
    posterior,
    var_names: list[str],
    stats: list[dict[str, np.ndarray]],
    *,
    draws: int,
    sampling_s: float,
    chain_s: float,
    grad_us: float,
    start_evals: int,
) -> dict:
    """Every metric of one run.

    Parameters
    ----------
    posterior
        The ``posterior`` group (kept draws only).
    var_names
        Free variables (constrained names, as in the posterior).
    stats
        Per chain: sampler statistics of every iteration, warm-up included, with a boolean
        ``tune`` column; ``n_steps`` counts leapfrog steps.
    draws
        Kept draws per chain.
    sampling_s
        Wall time of warm-up plus draws, all chains (compile excluded).
    chain_s
        Sum over chains of each chain's warm-up plus draws time (equals ``sampling_s`` when the
        chains run one after another).
    grad_us
        µs per logp+gradient call of the compiled function, timed outside the sampler at
        posterior draws (:func:`time_calls_at`).
    start_evals
        Gradient evaluations per iteration besides the leapfrog steps: 1 for a sampler that
        evaluates its start point every draw (PyMC), 0 for one that reuses the previous end
        state (ppl with a single NUTS block).
    """
    ess_bulk, bulk_at = _min_ess(posterior, var_names, "bulk")
    ess_tail, tail_at = _min_ess(posterior, var_names, "tail")
    kept = [{k: v[~s["tune"]] for k, v in s.items()} for s in stats]
    grads_kept = int(sum((s["n_steps"] + start_evals).sum() for s in kept))
    grads_all = int(sum((s["n_steps"] + start_evals).sum() for s in stats))
    n_kept = sum(len(s["n_steps"]) for s in kept)
    overhead_us = (chain_s - grads_all * grad_us * 1e-6) / grads_all * 1e6
    depth = np.concatenate([s["tree_depth"] for s in kept])
    return {
        "sampling_s": round(sampling_s, 3),
        "chain_s": round(chain_s, 3),
        "min_ess_bulk": round(ess_bulk, 1),
        "min_ess_bulk_var": bulk_at,
        "min_ess_tail": round(ess_tail, 1),
        "min_ess_tail_var": tail_at,
        "ess_per_s": round(ess_bulk / sampling_s, 2),
        "grad_evals_per_draw": round(grads_kept / n_kept, 2),
        "grad_evals_total": grads_all,
        "grad_evals_per_ess": round(grads_all / ess_bulk, 1),
        "grad_us": round(grad_us, 2),
        "overhead_us_per_grad": round(overhead_us, 2),
        "step_size": [round(float(s["step_size"][-1]), 4) for s in kept],
        "mean_tree_depth": round(float(depth.mean()), 2),
        "max_tree_depth": int(depth.max()),
        "mean_accept": round(float(np.mean([s["acceptance_rate"].mean() for s in kept])), 3),
        "divergences": int(sum(s["diverging"].sum() for s in kept)),
        "draws": int(draws),
        "moments": posterior_moments(posterior, var_names),
    }


def finish_row(
    head: dict,
    posterior,
    var_names: list[str],
    stats: list[dict[str, np.ndarray]],
    *,
    draws: int,
    sampling_s: float,
    chain_s: float,
    grad_us: float,
    load_before: list[float],
    label: str,
    start_evals: int = 0,
) -> dict:
    """One result row: ``head`` (model, system, setup times...), every metric of
    :func:`summarize` and the load average before and after; reports ESS/s on stderr."""
    import sys

    row = {
        **head,
        **summarize(
            posterior,
            var_names,
            stats,
            draws=draws,
            sampling_s=sampling_s,
            chain_s=chain_s,
            grad_us=grad_us,
            start_evals=start_evals,
        ),
        "load": [load_before, load()],
    }
    sys.stderr.write(f"{label}: {row['ess_per_s']} ESS/s\n")
    return row


def add_sampling_arguments(parser, models) -> None:
    """The options every NUTS benchmark takes: --models, --draws, --tune, --chains, --seed,
    --repeats, --out."""
    import pathlib

    parser.add_argument("--models", nargs="+", default=list(models), choices=list(models))
    parser.add_argument("--draws", type=int, default=1000)
    parser.add_argument("--tune", type=int, default=1000)
    parser.add_argument("--chains", type=int, default=2)
    parser.add_argument("--seed", type=int, default=20251122)
    parser.add_argument(
        "--repeats", type=int, default=1, help="time each run N times, keep the fastest"
    )
    parser.add_argument("--out", type=pathlib.Path, default=None)


def runner_main(doc: str, models, bench_model, versions, add_arguments=None) -> None:
    """Command line shared by the runners: parse the common options (plus ``add_arguments``'s),
    call ``bench_model(name, args)`` for each model (it returns a list of rows or one row) and
    write the rows with the machine and ``versions()`` as JSON to ``--out`` or stdout."""
    import argparse
    import json
    import multiprocessing
    import platform
    import sys

    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    add_sampling_arguments(parser, models)
    if add_arguments is not None:
        add_arguments(parser)
    args = parser.parse_args()
    rows = []
    for name in args.models:
        result = bench_model(name, args)
        rows.extend(result if isinstance(result, list) else [result])
    summary = {
        "machine": platform.machine(),
        "cpus": multiprocessing.cpu_count(),
        "python": platform.python_version(),
        "versions": versions(),
        "results": rows,
    }
    text = json.dumps(summary, indent=2) + "\n"
    if args.out is None:
        sys.stdout.write(text)
    else:
        args.out.write_text(text)
