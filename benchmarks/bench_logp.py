"""Compile time and time per logp+gradient evaluation for the benchmark models.

Usage: python benchmarks/bench_logp.py [--modes NUMBA C] [--calls 20000] [--out results/x.json]

For each model and compile mode it reports:
- compile_s: seconds to build and compile the ValueGradFunction (first compile in this process);
- call_us: microseconds per call through ValueGradFunction.__call__ (input checks included);
- raw_call_us: microseconds per call of the compiled PyTensor function itself.
"""

import argparse
import json
import pathlib
import platform
import sys
import time

import numpy as np

sys.path.insert(0, str(pathlib.Path(__file__).parent))
from models import MODELS  # noqa: E402
from provenance import git_sha, results_path  # noqa: E402

import ppl  # noqa: E402


def time_calls(fn, x, calls: int) -> float:
    fn(x)
    best = np.inf
    for _ in range(3):
        start = time.perf_counter()
        for _ in range(calls):
            fn(x)
        best = min(best, (time.perf_counter() - start) / calls)
    return best * 1e6


def bench(name: str, mode: str, calls: int) -> dict:
    model = MODELS[name]()
    point = model.initial_point()
    start = time.perf_counter()
    f = model.logp_dlogp_function(mode=mode)
    compile_s = time.perf_counter() - start
    x = ppl.DictToArrayBijection.map(point).data + 0.1
    n_calls = max(200, calls // max(1, f.size // 10))
    return {
        "model": name,
        "mode": mode,
        "dim": f.size,
        "compile_s": round(compile_s, 3),
        "call_us": round(time_calls(f, x, n_calls), 2),
        "raw_call_us": round(time_calls(f.raw_function, x, n_calls), 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--modes", nargs="+", default=["NUMBA", "C"])
    parser.add_argument("--calls", type=int, default=20000)
    parser.add_argument("--out", type=pathlib.Path, default=None)
    args = parser.parse_args()
    rows = [bench(name, mode, args.calls) for name in MODELS for mode in args.modes]
    header = f"{'model':30s} {'mode':6s} {'dim':>4s} {'compile_s':>10s} {'call_us':>9s} {'raw_us':>8s}"
    lines = [header] + [
        f"{r['model']:30s} {r['mode']:6s} {r['dim']:4d} {r['compile_s']:10.3f} "
        f"{r['call_us']:9.2f} {r['raw_call_us']:8.2f}"
        for r in rows
    ]
    sys.stdout.write("\n".join(lines) + "\n")
    sha = git_sha()
    out = results_path("logp", args.out)
    out.write_text(
        json.dumps(
            {"git": sha, "machine": platform.machine(), "python": platform.python_version(),
             "results": rows},
            indent=2,
        )
        + "\n"
    )


if __name__ == "__main__":
    main()
