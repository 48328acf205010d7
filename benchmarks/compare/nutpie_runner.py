"""The benchmark models sampled by nutpie, with the same metrics as ``bench_nuts.py``.

Runs in nutpie's own virtual environment (``install_peers.sh``): the models are the PyMC ones of
``pymc_runner.py`` (same data from ``model_data.py``), compiled by ``nutpie.compile_pymc_model``
with PyTensor's Numba backend and sampled by nutpie's Rust NUTS; metrics from
``nuts_metrics.py``. Imports nothing from ppl.

Usage: /tmp/bench-nutpie/bin/python benchmarks/compare/nutpie_runner.py [--models ...]
    [--draws 1000] [--tune 1000] [--out FILE]       (JSON to FILE, or to stdout)
"""

import pathlib
import sys
import time

import numpy as np

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))
import arviz  # noqa: E402
import nutpie  # noqa: E402
import pymc as pm  # noqa: E402
import pytensor  # noqa: E402
from nuts_metrics import (  # noqa: E402
    finish_row,
    load,
    n_timing_calls,
    runner_main,
    spread,
    time_calls_at,
)
from pymc_runner import MODELS  # noqa: E402


def _chain_stats(idata) -> list[dict[str, np.ndarray]]:
    """Per chain, every iteration (warm-up first), renamed to what ``summarize`` reads."""
    names = {
        "n_steps": "n_steps",
        "depth": "tree_depth",
        "step_size": "step_size",
        "mean_tree_accept": "acceptance_rate",
        "diverging": "diverging",
    }
    warm, kept = idata.warmup_sample_stats, idata.sample_stats
    out = []
    for c in range(kept.sizes["chain"]):
        stats = {
            ours: np.concatenate([warm[theirs].values[c], kept[theirs].values[c]])
            for theirs, ours in names.items()
        }
        stats["tune"] = np.arange(len(stats["n_steps"])) < warm.sizes["draw"]
        out.append(stats)
    return out


def bench_model(name: str, args) -> dict:
    model = MODELS[name]()
    free = [rv.name for rv in model.free_RVs]
    start = time.perf_counter()
    compiled = nutpie.compile_pymc_model(model, backend="numba")
    # One short untimed run: the first call of a compiled model pays one-off costs (~0.3 s).
    nutpie.sample(compiled, draws=5, tune=5, chains=1, cores=1, seed=1, progress_bar=False)
    compile_s = time.perf_counter() - start
    load_before = load()
    runs = []
    for _ in range(args.repeats):
        start = time.perf_counter()
        idata = nutpie.sample(
            compiled,
            draws=args.draws,
            tune=args.tune,
            chains=args.chains,
            cores=1,
            seed=args.seed,
            progress_bar=False,
            save_warmup=True,
            store_unconstrained=True,
        )
        runs.append((time.perf_counter() - start, idata))
    sampling_s, idata = min(runs, key=lambda r: r[0])
    # The compiled (Numba) logp+gradient on nutpie's flat unconstrained vector, timed through
    # PyTensor's Function call (a few µs of Python per call that nutpie's Rust loop does not pay).
    fn = compiled.logp_func
    fn.trust_input = True
    draws = idata.sample_stats["unconstrained_draw"].values
    draws = draws.reshape(-1, draws.shape[-1])
    dim = int(compiled.n_dim)
    grad_us = time_calls_at(fn, spread(draws), n_timing_calls(dim))
    return finish_row(
        {
            "model": name,
            "system": "nutpie",
            "cores": 1,
            "mode": "numba",
            "dim": dim,
            "compile_s": round(compile_s, 3),
            "total_s": round(compile_s + sampling_s, 3),
            "sampling_s_repeats": [round(r[0], 3) for r in runs],
        },
        idata.posterior,
        free,
        _chain_stats(idata),
        draws=args.draws,
        sampling_s=sampling_s,
        chain_s=sampling_s,
        grad_us=grad_us,
        load_before=load_before,
        label=f"{name} nutpie",
    )


def main() -> None:
    runner_main(
        __doc__,
        MODELS,
        bench_model,
        lambda: {
            "nutpie": nutpie.__version__,
            "pymc": pm.__version__,
            "pytensor": pytensor.__version__,
            "arviz": arviz.__version__,
        },
        None,
    )


if __name__ == "__main__":
    main()
