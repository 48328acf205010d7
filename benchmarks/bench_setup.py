"""Warm setup time of the suite's models: what the disk cache of rewritten graphs saves.

Usage: python benchmarks/bench_setup.py [--repeats 5] [--models a b ...] [--out results/x.json]

For each model of ``models.MODELS``, each repeat runs in a fresh Python process (so nothing is
cached in memory) and times, after building the model, ``model.logp_dlogp_function()`` plus its
first call -- what ``pm.sample`` pays before the first draw, the kernel aside. Three settings:

- ``off``: ``PPL_GRAPH_CACHE=0``, PyTensor rewrites the graph (Numba's machine code comes from
  its disk cache, warmed before timing);
- ``hit``: the rewritten graph comes from ppl's disk cache (warmed before timing);
- ``rewrite s`` is the time PyTensor's rewriting took in the ``off`` runs.

Prints a table (medians over the repeats) and writes ``results/setup_<sha>.json``.
"""

import argparse
import json
import os
import pathlib
import statistics
import subprocess
import sys

from provenance import git_sha, results_path

HERE = pathlib.Path(__file__).resolve().parent

_CHILD = """
import json, sys, time
sys.path.insert(0, {here!r})
import pytensor.compile.maker as maker
import ppl
from models import MODELS
rewrite = [0.0]
prepare = maker.FunctionMaker.prepare_fgraph
def timed(*args, **kwargs):
    start = time.perf_counter()
    try:
        return prepare(*args, **kwargs)
    finally:
        rewrite[0] += time.perf_counter() - start
maker.FunctionMaker.prepare_fgraph = staticmethod(timed)
model = MODELS[{name!r}]()
x = ppl.DictToArrayBijection.map(model.initial_point()).data + 0.1
start = time.perf_counter()
fn = model.logp_dlogp_function()
fn(x)
print(json.dumps({{"setup_s": time.perf_counter() - start, "rewrite_s": rewrite[0]}}))
"""


def say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def _run(name: str, cache: bool) -> dict:
    env = {**os.environ, "PPL_GRAPH_CACHE": "1" if cache else "0"}
    code = _CHILD.format(here=str(HERE), name=name)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    from models import MODELS

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--models", nargs="*", default=list(MODELS))
    parser.add_argument("--out", type=pathlib.Path)
    args = parser.parse_args()
    rows = []
    say(f"{'model':32s} {'off s':>7s} {'hit s':>7s} {'rewrite s':>9s} {'saved':>6s}")
    for name in args.models:
        for cache in (False, True):
            _run(name, cache)  # warm Numba's cache (and, with the cache on, ppl's)
        off = [_run(name, False) for _ in range(args.repeats)]
        hit = [_run(name, True) for _ in range(args.repeats)]
        row = {
            "model": name,
            "off_s": statistics.median(r["setup_s"] for r in off),
            "hit_s": statistics.median(r["setup_s"] for r in hit),
            "rewrite_s": statistics.median(r["rewrite_s"] for r in off),
            "off_runs": [r["setup_s"] for r in off],
            "hit_runs": [r["setup_s"] for r in hit],
        }
        rows.append(row)
        saved = 1 - row["hit_s"] / row["off_s"]
        say(f"{name:32s} {row['off_s']:7.3f} {row['hit_s']:7.3f} {row['rewrite_s']:9.3f} {saved:6.0%}")
    path = results_path("setup", args.out)
    path.write_text(json.dumps({"git": git_sha(), "repeats": args.repeats, "rows": rows}, indent=1))
    say(f"wrote {path}")


if __name__ == "__main__":
    main()
