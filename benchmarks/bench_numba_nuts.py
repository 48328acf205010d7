"""Python NUTS (``ppl.sample``) against the compiled Numba NUTS kernel, one chain each.

Usage:
    python benchmarks/bench_numba_nuts.py [--draws 1000] [--tune 1000] [--seed 1]

For eight schools (non-centered) and a linear regression (N=1000, 10 predictors) it reports:
sampling seconds (warm-up + draws; for ``ppl.sample`` the whole call with a warm compile cache,
for the kernel the driver call after the log-density and kernel are compiled), gradient
evaluations, µs per gradient evaluation, the time of one logp+gradient call alone, the overhead
per gradient evaluation (the difference) and the minimum bulk ESS per second (arviz.ess).
"""

import argparse
import pathlib
import sys
import time

import arviz
import numba
import numpy as np

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from models import eight_schools_noncentered, linear_regression  # noqa: E402

import ppl  # noqa: E402
from ppl.compiled.numba_fn import numba_logp_dlogp  # noqa: E402
from ppl.step_methods.numba_nuts import LOGP_DLOGP_TYPE, sample_nuts_numba  # noqa: E402
from ppl.step_methods.numba_nuts.build import chunk_kernel  # noqa: E402


@numba.njit(numba.float64(LOGP_DLOGP_TYPE, numba.int64, numba.float64[:, ::1], numba.int64))
def _loop_logp(fn, data, points, calls):
    grad = np.empty(points.shape[1])
    x = np.empty(points.shape[1])
    total = 0.0
    for i in range(calls):
        x[:] = points[i % points.shape[0]]
        total += fn(x, grad, data)
    return total


def _min_bulk_ess(draws: np.ndarray) -> float:
    return float(min(arviz.ess(draws[None, :, j], method="bulk") for j in range(draws.shape[1])))


def _python_run(model, draws, tune, seed):
    vgf = model.logp_dlogp_function()
    ppl.sample(20, tune=20, chains=1, cores=1, random_seed=seed, progressbar=False, model=model,
               compute_convergence_checks=False, nuts_sampler="python")  # warm the caches
    start = time.perf_counter()
    idata = ppl.sample(
        draws, tune=tune, chains=1, cores=1, random_seed=seed, progressbar=False, model=model,
        compute_convergence_checks=False, discard_tuned_samples=False, nuts_sampler="python",
    )
    seconds = time.perf_counter() - start
    n_steps = int(idata.sample_stats["n_steps"].sum())
    if "warmup_sample_stats" in idata.groups():
        n_steps += int(idata.warmup_sample_stats["n_steps"].sum())
    n_grad = n_steps + draws + tune  # the Python step re-evaluates the start of each transition
    flat = np.column_stack(
        [idata.posterior[v].values.reshape(draws, -1) for v in idata.posterior.data_vars]
    )
    points = np.random.default_rng(0).normal(size=(100, vgf.size)) * 0.1
    calls = 5000
    fn = vgf.raw_function  # the compiled function alone, without the wrapper's checks
    t0 = time.perf_counter()
    for i in range(calls):
        fn(points[i % 100])
    logp_us = (time.perf_counter() - t0) / calls * 1e6
    return seconds, n_grad, logp_us, _min_bulk_ess(flat)


def _numba_run(model, draws, tune, seed):
    vgf = model.logp_dlogp_function()
    t0 = time.perf_counter()
    fn = numba_logp_dlogp(vgf)
    build = time.perf_counter() - t0
    x0 = np.zeros(vgf.size)
    sample_nuts_numba(fn, x0, draws=10, tune=10, rng=np.random.default_rng(seed))  # warm
    start = time.perf_counter()
    res = sample_nuts_numba(fn, x0, draws=draws, tune=tune, rng=np.random.default_rng(seed))
    seconds = time.perf_counter() - start
    points = np.ascontiguousarray(res.draws[:: max(1, draws // 100)])  # where the sampler goes
    calls = 200000
    _loop_logp(fn.function, fn.address, points, 10)
    t0 = time.perf_counter()
    _loop_logp(fn.function, fn.address, points, calls)
    logp_us = (time.perf_counter() - t0) / calls * 1e6
    return seconds, res.n_grad_evals, logp_us, _min_bulk_ess(res.draws), build


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draws", type=int, default=1000)
    parser.add_argument("--tune", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    t0 = time.perf_counter()
    chunk_kernel()
    print(f"kernel compile or cache load: {time.perf_counter() - t0:.1f} s")  # noqa: T201
    header = (
        f"{'model':<28}{'sampler':<8}{'seconds':>9}{'grads':>9}{'us/grad':>9}"
        f"{'logp us':>9}{'ovh us':>9}{'ESS/s':>9}"
    )
    print(header)  # noqa: T201
    for name, build in [
        ("eight_schools_noncentered", eight_schools_noncentered),
        ("linear_regression_1000x10", linear_regression),
    ]:
        model = build()
        results = {"python": _python_run(model, args.draws, args.tune, args.seed)}
        *numba_result, build_seconds = _numba_run(model, args.draws, args.tune, args.seed)
        results["numba"] = tuple(numba_result)
        for sampler, (seconds, n_grad, logp_us, min_ess) in results.items():
            per_grad = seconds / n_grad * 1e6
            print(  # noqa: T201
                f"{name:<28}{sampler:<8}{seconds:>9.3f}{n_grad:>9d}{per_grad:>9.2f}"
                f"{logp_us:>9.2f}{per_grad - logp_us:>9.2f}{min_ess / seconds:>9.0f}"
            )
        print(f"  (numba logp wrapper build: {build_seconds:.1f} s)")  # noqa: T201


if __name__ == "__main__":
    main()
