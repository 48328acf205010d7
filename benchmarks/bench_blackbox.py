"""Cost of a black-box op inside NUTS: µs per logp+gradient call through the op vs the bare function.

Usage: python benchmarks/bench_blackbox.py [--modes NUMBA C] [--sample-cases numpy]
           [--draws 1000] [--tune 1000] [--chains 2] [--seed 20251122] [--out FILE]

Part 1, per call. For each function below, a model of flat parameters with the op in a
``ppl.Potential`` (the model ``ppl.sample_function`` builds), compiled by
``model.logp_dlogp_function(mode=...)`` for each mode:

- ``trivial``: ``-x**2 / 2`` of a scalar, gradient ``-x`` (NumPy);
- ``numpy``: Gaussian log-likelihood of a 100-point straight-line fit (m, b, log_s) with a
  hand-written gradient (``logp_fn`` + ``grad_fn``: two Python calls per evaluation);
- ``numpy_fused``: the same with ``value_and_grad_fn`` (one call per evaluation);
- ``jax``: the same log-likelihood in ``jax.numpy`` (``ppl.from_jax``);
- ``torch``: the same in PyTorch (``ppl.from_torch``);
- ``native``: the same line fit as a ppl model (``ppl.Normal`` likelihood), no black box.

Reported in µs, best of 30 short repeats (the functions of a case take turns, so that all see
the same load): ``direct_us``, the user's function(s) called directly on NumPy arrays, as
cheaply as the framework allows (JAX: the jitted ``value_and_grad`` inside
``jax.enable_x64``; torch: forward pass + ``torch.autograd.grad``); ``adapter_us``, ppl's
wrapper of the functions without PyTensor (``BlackBoxFunctions.value_and_grad``);
``call_us``, ``ValueGradFunction.__call__`` on the flat vector (what NUTS calls);
``overhead_us`` = ``call_us - direct_us``. ``compile_s``: building and compiling the function
plus its first call (Numba JIT).

Part 2, in NUTS: ``ppl.sample`` (``--draws/--tune/--chains``, ``cores=1``) on the line fit with
the black-box likelihood (``--sample-cases``, default ``numpy``) and on the native model, with
the per-chain time stamps of ``ppl_timing.py``: sampling seconds (compile excluded), minimum bulk
ESS, ESS/s, gradient evaluations, sampling µs per gradient evaluation and the sampler's overhead
per evaluation beyond the log-density itself (definitions as in ``bench_nuts.py``).

Writes ``benchmarks/results/blackbox_<sha>.json``.
"""

import argparse
import json
import os
import pathlib
import platform
import sys
import time

import jax
import jax.numpy as jnp
import numba
import numpy as np
import pytensor
import pytensor.tensor as pt
import torch

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from bench_nuts import _sample_timed  # noqa: E402
from nuts_metrics import finish_row, load, spread, time_calls_at  # noqa: E402
from provenance import git_sha, results_path  # noqa: E402

import ppl  # noqa: E402

N_POINTS = 100
TRUE = np.array([0.7, -1.5, np.log(0.6)])  # m, b, log_s
NAMES = ("m", "b", "log_s")
CASES = ("trivial", "numpy", "numpy_fused", "jax", "torch", "native")


def line_data() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(20251122)
    x = np.sort(rng.uniform(0.0, 10.0, N_POINTS))
    return x, TRUE[0] * x + TRUE[1] + rng.normal(0.0, np.exp(TRUE[2]), N_POINTS)


X, Y = line_data()


# --- the functions ------------------------------------------------------------------------------


def trivial(x):
    return -0.5 * x * x


def trivial_grad(x):
    return (-x,)


def np_loglike(m, b, log_s):
    z = (Y - m * X - b) * np.exp(-log_s)
    return -0.5 * (z @ z) - N_POINTS * log_s


def np_grad(m, b, log_s):
    inv_s = np.exp(-log_s)
    z = (Y - m * X - b) * inv_s
    zs = z * inv_s
    return zs @ X, np.sum(zs), z @ z - N_POINTS


def np_value_and_grad(m, b, log_s):
    inv_s = np.exp(-log_s)
    z = (Y - m * X - b) * inv_s
    zz = z @ z
    zs = z * inv_s
    return -0.5 * zz - N_POINTS * log_s, (zs @ X, np.sum(zs), zz - N_POINTS)


def jax_loglike(m, b, log_s):
    z = (Y - m * X - b) * jnp.exp(-log_s)
    return -0.5 * jnp.sum(z * z) - N_POINTS * log_s


X_TORCH, Y_TORCH = torch.from_numpy(X), torch.from_numpy(Y)


def torch_loglike(m, b, log_s):
    z = (Y_TORCH - m * X_TORCH - b) * torch.exp(-log_s)
    return -0.5 * torch.sum(z * z) - N_POINTS * log_s


# --- direct calls (no ppl) ----------------------------------------------------------------------


def direct_call(case: str):
    """A function of the point (list of 0-d arrays) computing value and gradient directly."""
    if case == "trivial":
        return lambda p: (trivial(*p), trivial_grad(*p))
    if case == "numpy":
        return lambda p: (np_loglike(*p), np_grad(*p))
    if case == "numpy_fused":
        return lambda p: np_value_and_grad(*p)
    if case == "jax":
        value_and_grad = jax.jit(jax.value_and_grad(jax_loglike, argnums=(0, 1, 2)))

        def call(p):
            with jax.enable_x64(True):
                return jax.device_get(value_and_grad(*p))

        return call
    if case == "torch":

        def call(p):
            xs = [torch.from_numpy(a).requires_grad_() for a in p]
            out = torch_loglike(*xs)
            grads = torch.autograd.grad(out, xs)
            return out.detach().numpy(), [g.numpy() for g in grads]

        return call
    return None


def op_for(case: str):
    if case == "trivial":
        return ppl.blackbox(trivial, trivial_grad, name="trivial")
    if case == "numpy":
        return ppl.blackbox(np_loglike, np_grad, name="numpy_line")
    if case == "numpy_fused":
        return ppl.blackbox(np_loglike, np_grad, value_and_grad_fn=np_value_and_grad,
                            name="numpy_line_fused")
    if case == "jax":
        return ppl.from_jax(jax_loglike, name="jax_line")
    if case == "torch":
        return ppl.from_torch(torch_loglike, name="torch_line")
    raise ValueError(case)


def build_model(case: str) -> ppl.Model:
    with ppl.Model() as model:
        if case == "trivial":
            ppl.Potential("loglike", op_for(case)(ppl.Flat("x")))
            return model
        m, b, log_s = (ppl.Flat(n) for n in NAMES)
        if case == "native":
            ppl.Normal("y", mu=m * X + b, sigma=pt.exp(log_s), observed=Y)
        else:
            ppl.Potential("loglike", op_for(case)(m, b, log_s))
    return model


def point_for(case: str) -> np.ndarray:
    return np.array([0.3]) if case == "trivial" else TRUE + 0.01


# --- timing -------------------------------------------------------------------------------------


def time_interleaved(fns: dict, *, target_s: float = 0.05, repeats: int = 30) -> dict:
    """Best of ``repeats``: µs per call of each ``fn(arg)`` in ``fns`` (name -> (fn, arg)).

    The functions take turns, each repeat lasting about ``target_s``, so that all of them see
    the same load; on a shared machine the best repeat is the least disturbed.
    """
    calls = {}
    for name, (fn, arg) in fns.items():
        fn(arg)
        start = time.perf_counter()
        fn(arg)
        once = max(time.perf_counter() - start, 1e-7)
        calls[name] = int(min(50_000, max(20, target_s / once)))
    best = dict.fromkeys(fns, np.inf)
    for _ in range(repeats):
        for name, (fn, arg) in fns.items():
            start = time.perf_counter()
            for _ in range(calls[name]):
                fn(arg)
            best[name] = min(best[name], (time.perf_counter() - start) / calls[name])
    return {name: round(t * 1e6, 2) for name, t in best.items()}


def bench_calls(case: str, modes: list[str]) -> list[dict]:
    q = point_for(case)
    args = [np.asarray(v, dtype=np.float64) for v in q]
    fns = {}
    direct = direct_call(case)
    if direct is not None:
        fns["direct"] = (direct, args)
    if case != "native":
        spec = op_for(case).spec
        if spec.fused_grad:
            adapter = spec.value_and_grad
        else:
            def adapter(p):
                return spec.value(p), spec.grad(p)
        fns["adapter"] = (adapter, args)
    compile_s = {}
    for mode in modes:
        model = build_model(case)
        start = time.perf_counter()
        fn = model.logp_dlogp_function(mode=mode)
        fn(q)
        compile_s[mode] = time.perf_counter() - start
        if direct is not None:  # the op must give what the function gives
            value, grads = direct(args)
            logp, dlogp = fn(q)
            np.testing.assert_allclose(logp, value, rtol=1e-10)
            np.testing.assert_allclose(dlogp, np.ravel(grads), rtol=1e-8)
        fns[mode] = (fn, q)
    us = time_interleaved(fns)
    rows = []
    for mode in modes:
        direct_us, call_us = us.get("direct"), us[mode]
        rows.append({
            "case": case, "mode": mode, "compile_s": round(compile_s[mode], 3),
            "direct_us": direct_us, "adapter_us": us.get("adapter"), "call_us": call_us,
            "overhead_us": None if direct_us is None else round(call_us - direct_us, 2),
        })
        sys.stderr.write(f"{case} {mode}: {call_us:.1f} us/call (direct {direct_us})\n")
    return rows


def bench_sampling(case: str, args) -> dict:
    model = build_model(case)
    start = time.perf_counter()
    fn = model.logp_dlogp_function()
    fn(point_for(case))
    compile_s = time.perf_counter() - start
    sample_kwargs = {"draws": args.draws, "tune": args.tune, "chains": args.chains,
                     "random_seed": args.seed, "progressbar": False,
                     "compute_convergence_checks": False,
                     # The same (Python) NUTS for native and black-box models, with its stamps.
                     "nuts_sampler": "python"}
    load_before = load()
    idata, stats, stamps, draws, total_s = _sample_timed(
        model, cores=1, mode=None, sample_kwargs=sample_kwargs
    )
    sampling_s = max(e for _, _, e in stamps) - min(s for _, s, _ in stamps)
    chain_s = sum(e - s for _, s, e in stamps)
    grad_us = time_calls_at(fn, spread(draws), 2000)
    row = finish_row(
        {"case": case, "compile_s": round(compile_s, 3), "total_s": round(total_s, 3)},
        idata.posterior, list(NAMES), stats, draws=args.draws, sampling_s=sampling_s,
        chain_s=chain_s, grad_us=grad_us, load_before=load_before, label=f"sample {case}",
    )
    row["sampling_us_per_grad"] = round(1e6 * chain_s / row["grad_evals_total"], 2)
    return row


def _fmt(v, spec: str) -> str:
    return f"{'-':>{spec.split('.')[0]}s}" if v is None else format(v, spec)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--modes", nargs="+", default=["NUMBA", "C"])
    parser.add_argument("--cases", nargs="+", default=list(CASES), choices=CASES)
    parser.add_argument("--sample-cases", nargs="*", default=["numpy"],
                        choices=[c for c in CASES if c not in ("trivial", "native")])
    parser.add_argument("--draws", type=int, default=1000)
    parser.add_argument("--tune", type=int, default=1000)
    parser.add_argument("--chains", type=int, default=2)
    parser.add_argument("--seed", type=int, default=20251122)
    parser.add_argument("--out", type=pathlib.Path, default=None)
    args = parser.parse_args()
    load_start = load()

    calls = [row for case in args.cases for row in bench_calls(case, args.modes)]
    lines = [f"{'case':12s} {'mode':6s} {'compile_s':>9s} {'direct_us':>9s} {'adapter_us':>10s} "
             f"{'call_us':>8s} {'overhead_us':>11s}"]
    for r in calls:
        lines.append(f"{r['case']:12s} {r['mode']:6s} {r['compile_s']:9.2f} "
                     f"{_fmt(r['direct_us'], '9.1f')} {_fmt(r['adapter_us'], '10.1f')} "
                     f"{r['call_us']:8.1f} {_fmt(r['overhead_us'], '11.1f')}")

    sampling = [bench_sampling(case, args) for case in [*args.sample_cases, "native"]]
    lines.append("")
    lines.append(f"ppl.sample, line fit ({N_POINTS} points), draws={args.draws} tune={args.tune} "
                 f"chains={args.chains} cores=1 (NUMBA):")
    lines.append(f"{'case':12s} {'samp_s':>7s} {'bulkESS':>8s} {'ESS/s':>7s} {'grads':>7s} "
                 f"{'us/grad':>8s} {'grad_us':>8s} {'ovh_us':>7s} {'comp_s':>7s}")
    for r in sampling:
        lines.append(f"{r['case']:12s} {r['sampling_s']:7.2f} {r['min_ess_bulk']:8.0f} "
                     f"{r['ess_per_s']:7.1f} {r['grad_evals_total']:7d} "
                     f"{r['sampling_us_per_grad']:8.1f} {r['grad_us']:8.1f} "
                     f"{r['overhead_us_per_grad']:7.1f} {r['compile_s']:7.2f}")
    sys.stdout.write("\n".join(lines) + "\n")

    sha = git_sha()
    out = results_path("blackbox", args.out)
    out.write_text(json.dumps({
        "git": sha, "machine": platform.machine(), "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "versions": {"pytensor": pytensor.__version__, "numba": numba.__version__,
                     "numpy": np.__version__, "jax": jax.__version__, "torch": torch.__version__},
        "settings": {"modes": args.modes, "n_points": N_POINTS, "draws": args.draws,
                     "tune": args.tune, "chains": args.chains, "seed": args.seed},
        "load_start_end": [load_start, load()],
        "calls": calls, "sampling": sampling,
    }, indent=2) + "\n")
    sys.stdout.write(f"wrote {out}\n")


if __name__ == "__main__":
    main()
