"""ADVI vs NUTS on the logistic regression benchmark model (N=5000, 25 predictors).

Usage: python benchmarks/bench_advi.py [--out results/x.json]

- NUTS: ``ppl.sample(draws=1000, tune=1000, chains=2, cores=2)``; its posterior means are the
  reference.
- ADVI (mean-field and full-rank): ``ppl.fit`` with the default optimiser (Adam, learning rate
  0.01) and iterate averaging, stopped when the ELBO stops improving (``CheckELBOConvergence``,
  windows of 1,000 iterations) or at 30,000 iterations; mean-field also without averaging
  (``advi_last_iterate``) and full-rank also with learning rate 0.002 (``fullrank_advi_lr002``).

Reports, for each method: setup (compile) seconds, run seconds, iterations, and the error of the
posterior means against NUTS in units of the NUTS posterior sd (max and mean over the 26
parameters), plus the ratio of approximate to NUTS sds. Writes
``benchmarks/results/advi_<sha>.json``.
"""

import argparse
import json
import pathlib
import platform
import sys
import time

import numpy as np

import ppl

sys.path.insert(0, str(pathlib.Path(__file__).parent))
from models import logistic_regression  # noqa: E402
from provenance import git_sha, results_path  # noqa: E402

METHODS = {
    "advi": (ppl.ADVI, {}, True),
    "advi_last_iterate": (ppl.ADVI, {}, False),
    "fullrank_advi": (ppl.FullRankADVI, {}, True),
    "fullrank_advi_lr002": (ppl.FullRankADVI, {"obj_optimizer": ppl.adam(learning_rate=0.002)}, True),
}


def flat_moments(draws: dict) -> tuple[np.ndarray, np.ndarray]:
    means = np.concatenate([np.ravel(draws[k].mean(axis=0)) for k in ("alpha", "beta")])
    sds = np.concatenate([np.ravel(draws[k].std(axis=0)) for k in ("alpha", "beta")])
    return means, sds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=pathlib.Path, default=None)
    parser.add_argument("--max-iterations", type=int, default=30_000)
    args = parser.parse_args()
    model = logistic_regression()

    start = time.perf_counter()
    idata = ppl.sample(draws=1000, tune=1000, chains=2, cores=2, random_seed=1, model=model,
                       progressbar=False, compute_convergence_checks=False)
    nuts_s = time.perf_counter() - start
    post = {k: idata.posterior[k].values.reshape(-1, *idata.posterior[k].shape[2:]) for k in ("alpha", "beta")}
    ref_mean, ref_sd = flat_moments(post)
    rows = {"nuts": {"seconds": nuts_s, "iterations": 2000}}

    for method, (cls, options, average) in METHODS.items():
        start = time.perf_counter()
        inference = cls(model=model, random_seed=2, **options)
        setup_s = time.perf_counter() - start
        start = time.perf_counter()
        approx = inference.fit(args.max_iterations, progressbar=False, average=average,
                               callbacks=[ppl.CheckELBOConvergence(every=1000)])
        run_s = time.perf_counter() - start
        draws = approx.sample(4000, random_seed=3, return_inferencedata=False)
        mean, sd = flat_moments(draws)
        z = np.abs(mean - ref_mean) / ref_sd
        rows[method] = {
            "setup_seconds": setup_s, "seconds": run_s, "iterations": len(approx.hist),
            "us_per_iteration": 1e6 * run_s / len(approx.hist),
            "max_mean_error_in_sd": float(z.max()), "mean_mean_error_in_sd": float(z.mean()),
            "sd_ratio_min": float((sd / ref_sd).min()), "sd_ratio_max": float((sd / ref_sd).max()),
        }
    lines = [f"{'method':<20} {'setup s':>8} {'run s':>7} {'iters':>7} {'max |err|/sd':>13} {'sd ratio':>14}"]
    lines.append(f"{'nuts':<20} {'':>8} {nuts_s:>7.2f} {2000:>7} {'(reference)':>13}")
    for method in METHODS:
        r = rows[method]
        lines.append(
            f"{method:<20} {r['setup_seconds']:>8.2f} {r['seconds']:>7.2f} {r['iterations']:>7} "
            f"{r['max_mean_error_in_sd']:>13.3f} {r['sd_ratio_min']:>6.2f}-{r['sd_ratio_max']:<6.2f}"
        )
    sys.stdout.write("\n".join(lines) + "\n")
    sha = git_sha()
    out = results_path("advi", args.out)
    out.write_text(json.dumps({"git": sha, "machine": platform.machine(),
                               "python": platform.python_version(), "results": rows}, indent=2) + "\n")
    sys.stdout.write(f"wrote {out}\n")


if __name__ == "__main__":
    main()
