"""ppl.compiled.vecmath against NumPy and Numba's libm calls; its effect on PyTensor graphs.

Usage: python benchmarks/bench_vecmath.py [--quick] [--out results/x.json]

It reports:
- ns per element of ``exp``, ``log``, ``log1p``, ``expm1``, ``softplus`` and ``sigmoid`` over 5000
  float64 values: the NumPy ufunc (``np.logaddexp(0, x)`` for softplus, ``1 / (1 + np.exp(-x))``
  for sigmoid, which have none), a Numba loop calling ``math.*``/``np.*`` (libm), and a Numba
  loop calling ``ppl.compiled.vecmath``;
- µs per call of small NUMBA-mode PyTensor functions over 5000 values (``exp(x).sum()``, and
  ``softplus``/``sigmoid`` of a switch, the shape of a logistic regression's likelihood), and µs
  per logp+gradient evaluation of ``models.logistic_regression()`` (5000 x 25) through
  ``ppl.compiled.numba_fn.numba_logp_dlogp`` called from a Numba loop: each with and without
  ``vecmath.install()``, in a subprocess with ``PPL_VECTOR_MATH=1`` or ``0`` (the two use
  different cache keys, so PyTensor's disk cache keeps them apart).
"""

import argparse
import json
import math
import os
import pathlib
import platform
import subprocess
import sys
import time

import llvmlite.binding as llvm
import numba
import numpy as np

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from provenance import git_sha, results_path  # noqa: E402

N = 5000


def _best_seconds(repeats: int, number: int, function, *args) -> float:
    """The fastest, over ``repeats`` runs, mean time of ``number`` calls ``function(*args)``."""
    function(*args)
    best = math.inf
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(number):
            function(*args)
        best = min(best, (time.perf_counter() - start) / number)
    return best


def _loop(function):
    @numba.njit(error_model="numpy")
    def loop(x, out):
        for i in range(x.size):
            out[i] = function(x[i])

    return loop


@numba.njit
def _libm_softplus(x):
    return max(x, 0.0) + math.log1p(math.exp(-abs(x)))


@numba.njit
def _libm_sigmoid(x):
    return 1.0 / (1.0 + math.exp(-x))


def _numpy_softplus(x, out):
    return np.logaddexp(0.0, x, out=out)


def _numpy_sigmoid(x, out):
    return np.divide(1.0, 1.0 + np.exp(-x), out=out)


def elementwise(repeats: int, number: int) -> list[dict]:
    from ppl.compiled import vecmath

    rng = np.random.default_rng(0)
    wide, positive = rng.uniform(-10, 10, N), rng.uniform(1e-3, 10, N)
    cases = [
        ("exp", wide, np.exp, numba.njit(lambda v: math.exp(v))),
        ("log", positive, np.log, numba.njit(lambda v: math.log(v))),
        ("log1p", positive, np.log1p, numba.njit(lambda v: math.log1p(v))),
        ("expm1", wide, np.expm1, numba.njit(lambda v: math.expm1(v))),
        ("softplus", wide, _numpy_softplus, _libm_softplus),
        ("sigmoid", wide, _numpy_sigmoid, _libm_sigmoid),
    ]
    rows = []
    for name, x, numpy_function, libm_function in cases:
        out = np.empty(N)
        libm_loop, vecmath_loop = _loop(libm_function), _loop(getattr(vecmath, name))
        times = {
            "numpy": _best_seconds(repeats, number, numpy_function, x, out),
            "numba_libm": _best_seconds(repeats, number, libm_loop, x, out),
            "vecmath": _best_seconds(repeats, number, vecmath_loop, x, out),
        }
        rows.append({"function": name, **{k: round(v / N * 1e9, 3) for k, v in times.items()}})
    return rows


@numba.njit
def _repeat_logp(function, data, x, grad, calls):
    total = 0.0
    for _ in range(calls):
        total += function(x, grad, data)
    return total


def worker(repeats: int, number: int) -> dict:
    """Run in a subprocess: PyTensor graphs with ``vecmath.install()`` as the environment says."""
    import pytensor
    import pytensor.tensor as pt
    from models import logistic_regression

    from ppl.compiled import vecmath
    from ppl.compiled.numba_fn import numba_logp_dlogp

    installed = vecmath.install()
    rng = np.random.default_rng(1)
    x = pt.vector("x")
    b = pt.vector("b", dtype="bool")
    s = pt.switch(b, -x, x)
    graphs = {
        "exp(x).sum()": ([x], pt.exp(x).sum()),
        "softplus(switch(b, -x, x))": ([b, x], pt.softplus(s)),
        "softplus and sigmoid of a switch": ([b, x], [pt.softplus(s), pt.sigmoid(s)]),
    }
    values = {"x": rng.normal(size=N), "b": rng.random(N) < 0.5}
    result = {"installed": installed, "pytensor_us": {}}
    for label, (inputs, outputs) in graphs.items():
        f = pytensor.function(inputs, outputs, mode="NUMBA")
        args = [values[v.name] for v in inputs]
        result["pytensor_us"][label] = round(_best_seconds(repeats, number, f, *args) * 1e6, 2)
    value_grad = logistic_regression().logp_dlogp_function()
    logp = numba_logp_dlogp(value_grad)
    point = np.full(value_grad.size, 0.1)
    grad = np.empty_like(point)
    calls = max(1, number // 2)
    arguments = (logp.function, logp.address, point, grad, calls)
    seconds = _best_seconds(repeats, 1, _repeat_logp, *arguments)
    result["logistic_regression_us"] = round(seconds / calls * 1e6, 2)
    return result


def _run_worker(enabled: bool, quick: bool) -> dict:
    env = {**os.environ, "PPL_VECTOR_MATH": "1" if enabled else "0"}
    command = [sys.executable, __file__, "--worker"] + (["--quick"] if quick else [])
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    parser.add_argument("--out", type=pathlib.Path, default=None)
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    repeats, number = (3, 200) if args.quick else (7, 2000)
    if args.worker:
        sys.stdout.write(json.dumps(worker(repeats, number)) + "\n")
        return
    rows = elementwise(repeats, number)
    with_vm, without_vm = _run_worker(True, args.quick), _run_worker(False, args.quick)
    lines = [f"{'ns per element':16s} {'numpy':>8s} {'numba libm':>11s} {'vecmath':>8s}"]
    lines += [
        f"{r['function']:16s} {r['numpy']:8.2f} {r['numba_libm']:11.2f} {r['vecmath']:8.2f}"
        for r in rows
    ]
    lines += ["", f"{'µs per call':36s} {'PyTensor':>9s} {'install()':>10s}"]
    for label, before in without_vm["pytensor_us"].items():
        lines.append(f"{label:36s} {before:9.2f} {with_vm['pytensor_us'][label]:10.2f}")
    before, after = without_vm["logistic_regression_us"], with_vm["logistic_regression_us"]
    lines.append(f"{'logistic regression logp+grad':36s} {before:9.2f} {after:10.2f}")
    sys.stdout.write("\n".join(lines) + "\n")
    sha = git_sha()
    out = results_path("vecmath", args.out)
    summary = {
        "git": sha,
        "machine": platform.machine(),
        "cpu": llvm.get_host_cpu_name(),
        "python": platform.python_version(),
        "n": N,
        "quick": args.quick,
        "elementwise_ns": rows,
        "pytensor_us": {"without": without_vm["pytensor_us"], "with": with_vm["pytensor_us"]},
        "logistic_regression_us": {"without": before, "with": after},
    }
    out.write_text(json.dumps(summary, indent=2) + "\n")


if __name__ == "__main__":
    main()
