"""Refit benchmark: rebuilding the model per data set vs one model + ``ppl.set_data``.

Usage: python benchmarks/bench_refit.py [--datasets 10] [--n 60] [--out results/x.json]

Ten simulated data sets of a small linear regression (x and y as ``ppl.Data``, N=60) are each
fitted with ``ppl.sample(draws=200, tune=200, chains=2, cores=1)``:

(a) ``rebuild``: a new model per data set (its log-density and gradient compiled every time);
(b) ``set_data``: one model, the data swapped with ``ppl.set_data`` (compiled once, then cached).

Reports total wall-clock seconds of each strategy and their ratio, prints a table, and writes
``benchmarks/results/refit_<sha>.json``.
"""

import argparse
import json
import pathlib
import platform
import sys
import time

import numpy as np
from provenance import git_sha, results_path  # noqa: E402

import ppl

SAMPLE_KWARGS = {"draws": 200, "tune": 200, "chains": 2, "cores": 1, "progressbar": False,
                 "compute_convergence_checks": False}


def datasets(count: int, n: int, seed: int = 0) -> list[tuple[np.ndarray, np.ndarray]]:
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(count):
        x = rng.normal(size=n)
        a, b = rng.normal(0, 2, size=2)
        out.append((x, a + b * x + rng.normal(0, 0.5, size=n)))
    return out


def build_model(x: np.ndarray, y: np.ndarray) -> ppl.Model:
    with ppl.Model() as model:
        x_data = ppl.Data("x", x, dims="obs")
        y_data = ppl.Data("y", y, dims="obs")
        intercept = ppl.Normal("intercept", 0, 10)
        slope = ppl.Normal("slope", 0, 10)
        sigma = ppl.HalfNormal("sigma", 2)
        ppl.Normal("y_obs", intercept + slope * x_data, sigma, observed=y_data, shape=x_data.shape)
    return model


def run_rebuild(data) -> tuple[float, list[float]]:
    start = time.perf_counter()
    slopes = []
    for i, (x, y) in enumerate(data):
        with build_model(x, y):
            idata = ppl.sample(random_seed=i, **SAMPLE_KWARGS)
        slopes.append(float(idata.posterior["slope"].mean()))
    return time.perf_counter() - start, slopes


def run_set_data(data) -> tuple[float, list[float]]:
    start = time.perf_counter()
    slopes = []
    model = build_model(*data[0])
    for i, (x, y) in enumerate(data):
        with model:
            ppl.set_data({"x": x, "y": y})
            idata = ppl.sample(random_seed=i, **SAMPLE_KWARGS)
        slopes.append(float(idata.posterior["slope"].mean()))
    return time.perf_counter() - start, slopes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", type=int, default=10)
    parser.add_argument("--n", type=int, default=60)
    parser.add_argument("--out", type=pathlib.Path, default=None)
    args = parser.parse_args()
    data = datasets(args.datasets, args.n)
    # Warm-up outside the timings: imports and Numba's first-use JIT of shared kernels.
    with build_model(*data[0]):
        ppl.sample(draws=20, tune=20, chains=1, cores=1, progressbar=False,
                   compute_convergence_checks=False, random_seed=0)
    rebuild_s, rebuild_slopes = run_rebuild(data)
    set_data_s, set_data_slopes = run_set_data(data)
    ratio = rebuild_s / set_data_s
    rows = [("rebuild model each time", rebuild_s), ("one model + set_data", set_data_s)]
    lines = [f"{'strategy':<26} {'total s':>9} {'s per fit':>10}"]
    lines += [f"{name:<26} {total:>9.2f} {total / len(data):>10.3f}" for name, total in rows]
    lines.append(f"speed-up (rebuild / set_data): {ratio:.2f}x")
    sys.stdout.write("\n".join(lines) + "\n")
    sha = git_sha()
    out = results_path("refit", args.out)
    out.write_text(
        json.dumps(
            {"git": sha, "machine": platform.machine(), "python": platform.python_version(),
             "datasets": len(data), "n": args.n, "sample_kwargs": SAMPLE_KWARGS,
             "rebuild_seconds": rebuild_s, "set_data_seconds": set_data_s, "ratio": ratio,
             "max_abs_slope_difference": float(np.max(np.abs(np.subtract(rebuild_slopes, set_data_slopes))))},
            indent=2,
        )
        + "\n"
    )
    sys.stdout.write(f"wrote {out}\n")


if __name__ == "__main__":
    main()
