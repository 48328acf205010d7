"""Example: Fitting a straight line with a black-box log-likelihood (JAX, PyTorch) vs emcee

Fifty points scattered around the line ``y = m x + b`` with Gaussian noise of unknown scale
``s = exp(log_s)``. The log-likelihood is written twice outside PyTensor, once with
``jax.numpy`` and once with ``torch``, and turned into ops with ``ppl.from_jax`` and
``ppl.from_torch``: JAX and torch.autograd give the gradients NUTS needs. Each op is sampled by
two routes:

- ``ppl.Potential`` in a model with native priors (``ppl.Normal`` on m, b and log_s);
- ``ppl.sample_function``, without a model: the op then returns the whole log-posterior
  (log-likelihood + log-prior), with one flat parameter per input.

The same posterior is also sampled from the native ppl model (``ppl.Normal`` likelihood) and by
emcee, the gradient-free affine-invariant ensemble sampler, on a NumPy version of the same
log-density (vectorised over the walkers, emcee's fastest way). The script prints the posterior
means of every route (they agree within Monte Carlo error) and a table of time per effective
sample: sampling seconds / minimum bulk ESS over the three parameters (ArviZ's ESS; emcee's
walkers count as chains), and log-density evaluations per effective sample. For the
``Potential`` and native routes the log-density is compiled first and timed apart
(``compile s``); ``sample_function`` compiles inside the call, so its seconds include that.

Figures (in ``--output-dir``): ``line_fit_corner.png``, a corner plot of the posterior (NUTS
with JAX and emcee overlaid, true values marked); ``line_fit_lines.png``, posterior lines over
the data.
"""

# ruff: noqa: T201 - an example script reports on the terminal

import argparse
import pathlib
import sys
import time

import arviz as az
import emcee
import jax.numpy as jnp
import numpy as np
import pytensor.tensor as pt
import torch

import ppl

if (HERE := str(pathlib.Path(__file__).parent)) not in sys.path:
    sys.path.insert(0, HERE)  # for _common.py, also when the script is loaded from its file
import _common as common  # noqa: E402 - selects Matplotlib's Agg backend, before pyplot
import matplotlib.pyplot as plt  # noqa: E402

NAMES = ("m", "b", "log_s")
TRUE = {"m": 0.7, "b": -1.5, "log_s": float(np.log(0.6))}
PRIOR_SD = {"m": 5.0, "b": 10.0, "log_s": 2.0}
N_POINTS = 50
DATA_SEED = 20260318
N_WALKERS = 32
FIGURES = ("line_fit_corner.png", "line_fit_lines.png")


def simulate() -> tuple[np.ndarray, np.ndarray]:
    """The data: x uniform on [0, 10], y on the true line plus Gaussian noise."""
    rng = np.random.default_rng(DATA_SEED)
    x = np.sort(rng.uniform(0.0, 10.0, N_POINTS))
    y = TRUE["m"] * x + TRUE["b"] + rng.normal(0.0, np.exp(TRUE["log_s"]), N_POINTS)
    return x, y


# --- the log-density, written three times: JAX, PyTorch, NumPy (for emcee) -------------------


def jax_functions(x: np.ndarray, y: np.ndarray):
    """Log-likelihood and log-posterior (up to constants) of (m, b, log_s) in JAX."""

    def loglike(m, b, log_s):
        z = (y - m * x - b) / jnp.exp(log_s)
        return -0.5 * jnp.sum(z**2) - x.size * log_s

    def logpost(m, b, log_s):
        prior = (m / PRIOR_SD["m"]) ** 2 + (b / PRIOR_SD["b"]) ** 2 + (log_s / PRIOR_SD["log_s"]) ** 2
        return loglike(m, b, log_s) - 0.5 * prior

    return loglike, logpost


def torch_functions(x: np.ndarray, y: np.ndarray):
    """The same two functions in PyTorch (float64 tensors)."""
    xt, yt = torch.from_numpy(x), torch.from_numpy(y)

    def loglike(m, b, log_s):
        z = (yt - m * xt - b) / torch.exp(log_s)
        return -0.5 * torch.sum(z**2) - x.size * log_s

    def logpost(m, b, log_s):
        prior = (m / PRIOR_SD["m"]) ** 2 + (b / PRIOR_SD["b"]) ** 2 + (log_s / PRIOR_SD["log_s"]) ** 2
        return loglike(m, b, log_s) - 0.5 * prior

    return loglike, logpost


def numpy_logpost(x: np.ndarray, y: np.ndarray):
    """The log-posterior for emcee, vectorised: ``theta`` has shape (walkers, 3)."""
    sd = np.array([PRIOR_SD[n] for n in NAMES])

    def logpost(theta):
        m, b, log_s = theta[:, 0:1], theta[:, 1:2], theta[:, 2]
        z = (y - m * x - b) / np.exp(log_s)[:, None]
        return -0.5 * np.sum(z**2, axis=1) - x.size * log_s - 0.5 * np.sum((theta / sd) ** 2, axis=1)

    return logpost


# --- models -----------------------------------------------------------------------------------


def priors() -> list:
    return [ppl.Normal(n, mu=0.0, sigma=PRIOR_SD[n]) for n in NAMES]


def potential_model(loglike_op) -> ppl.Model:
    """Native priors plus the black-box log-likelihood as a Potential."""
    with ppl.Model() as model:
        m, b, log_s = priors()
        ppl.Potential("loglike", loglike_op(m, b, log_s))
    return model


def native_model(x: np.ndarray, y: np.ndarray) -> ppl.Model:
    """The same posterior with a ppl likelihood (the reference)."""
    with ppl.Model() as model:
        m, b, log_s = priors()
        ppl.Normal("y", mu=m * x + b, sigma=pt.exp(log_s), observed=y)
    return model


# --- samplers ---------------------------------------------------------------------------------


def nuts_kwargs(args: argparse.Namespace) -> dict:
    # cores=1: chains one after another in this process, like emcee here. (JAX cannot run in
    # forked workers; parallel chains with a JAX op need mp_ctx="spawn".)
    return common.sampler_kwargs(args, discard_tuned_samples=False)


def gradient_evaluations(idata) -> int:
    """Log-density-and-gradient evaluations of a NUTS run, warm-up included: one per leapfrog
    step (a transition starts from the previous one's end point, already evaluated)."""
    return sum(int(idata[g]["n_steps"].sum()) for g in ("sample_stats", "warmup_sample_stats")
               if g in idata.groups())


def run_model(label: str, model: ppl.Model, args: argparse.Namespace) -> dict:
    """NUTS on a model. A first, tiny run compiles what ``ppl.sample`` needs (the log-density
    with its gradient, the log-density alone for the start points; cached on the model) and runs
    Numba's JIT, so that the timed run measures sampling only."""
    start = time.perf_counter()
    ppl.sample(model=model, **{**nuts_kwargs(args), "draws": 1, "tune": 1, "chains": 1,
                               "compute_convergence_checks": False})
    compile_s = time.perf_counter() - start
    start = time.perf_counter()
    idata = ppl.sample(model=model, **nuts_kwargs(args))
    seconds = time.perf_counter() - start
    return {"label": label, "idata": idata, "compile_s": compile_s, "seconds": seconds,
            "evaluations": gradient_evaluations(idata)}


def run_sample_function(label: str, logpost_op, args: argparse.Namespace) -> dict:
    """NUTS through ``ppl.sample_function``: seconds include compiling the log-density."""
    start = time.perf_counter()
    idata = ppl.sample_function(logpost_op, {n: () for n in NAMES}, **nuts_kwargs(args))
    seconds = time.perf_counter() - start
    return {"label": label, "idata": idata, "compile_s": None, "seconds": seconds,
            "evaluations": gradient_evaluations(idata)}


def run_emcee(logpost, x: np.ndarray, y: np.ndarray, args: argparse.Namespace) -> dict:
    """emcee's stretch move, started in a small ball around the least-squares line."""
    rng = np.random.default_rng(args.seed)
    (m_ls, b_ls), residuals, *_ = np.linalg.lstsq(np.column_stack([x, np.ones_like(x)]), y)
    centre = np.array([m_ls, b_ls, 0.5 * np.log(residuals[0] / x.size)])
    start_points = centre + 1e-3 * rng.normal(size=(N_WALKERS, len(NAMES)))
    sampler = emcee.EnsembleSampler(N_WALKERS, len(NAMES), logpost, vectorize=True)
    sampler.random_state = np.random.RandomState(args.seed).get_state()
    n_steps = args.tune + args.draws  # per walker; the first `tune` are discarded as burn-in
    start = time.perf_counter()
    sampler.run_mcmc(start_points, n_steps)
    seconds = time.perf_counter() - start
    chain = sampler.get_chain(discard=args.tune)  # (draws, walkers, 3)
    idata = az.from_dict(posterior={n: chain[:, :, i].T for i, n in enumerate(NAMES)})
    tau = sampler.get_autocorr_time(discard=args.tune, tol=0)  # tol=0: no length check
    return {"label": "emcee (NumPy, 32 walkers)", "idata": idata, "compile_s": 0.0,
            "seconds": seconds, "evaluations": n_steps * N_WALKERS,
            "acceptance": float(np.mean(sampler.acceptance_fraction)),
            "ess_autocorr": float(N_WALKERS * chain.shape[0] / np.max(tau))}


def min_bulk_ess(idata) -> float:
    ess = az.ess(idata, var_names=list(NAMES), method="bulk")
    return float(min(ess[n].values for n in NAMES))


# --- figures ----------------------------------------------------------------------------------


def corner_plot(nuts_idata, emcee_idata, path: pathlib.Path) -> None:
    shared = {"var_names": list(NAMES), "marginals": True, "kind": "scatter", "textsize": 10}
    with common.arviz_matplotlib_compat():
        axes = az.plot_pair(emcee_idata, scatter_kwargs={"alpha": 0.1, "color": "C1"},
                            marginal_kwargs={"color": "C1"}, figsize=(7, 7), **shared)
        az.plot_pair(nuts_idata, ax=axes, scatter_kwargs={"alpha": 0.2, "color": "C0"},
                     marginal_kwargs={"color": "C0"}, reference_values=TRUE,
                     reference_values_kwargs={"color": "k", "marker": "x", "markersize": 8},
                     **shared)
    fig = axes[0, 0].figure
    handles = [plt.Line2D([], [], color=c, marker=mk, ls="", label=t) for c, mk, t in (
        ("C0", "o", "NUTS (ppl.from_jax)"), ("C1", "o", "emcee"), ("k", "x", "true value"))]
    fig.legend(handles=handles, loc="upper right", frameon=False)
    common.save_figure(fig, path, tight=False)


def lines_plot(idata, x: np.ndarray, y: np.ndarray, path: pathlib.Path, seed: int) -> None:
    post = az.extract(idata, var_names=["m", "b"])
    m, b = post["m"].values, post["b"].values
    pick = np.random.default_rng(seed).choice(m.size, size=min(100, m.size), replace=False)
    grid = np.array([0.0, 10.0])
    fig, ax = plt.subplots(figsize=(7, 4.5))
    for k in pick:
        ax.plot(grid, m[k] * grid + b[k], color="C0", alpha=0.08, lw=1)
    ax.plot(grid, m.mean() * grid + b.mean(), color="C0", lw=2, label="posterior mean")
    ax.plot(grid, TRUE["m"] * grid + TRUE["b"], "k--", lw=1.5, label="true line")
    ax.plot(x, y, "o", color="k", ms=4, label="data")
    ax.set(xlabel="x", ylabel="y", title="Posterior lines (NUTS, JAX log-likelihood)")
    ax.legend(frameon=False)
    common.save_figure(fig, path)


# --- main -------------------------------------------------------------------------------------


def main(args: argparse.Namespace) -> dict:
    x, y = simulate()
    loglike_jax, logpost_jax = jax_functions(x, y)
    loglike_torch, logpost_torch = torch_functions(x, y)
    runs = [
        run_model("ppl native model", native_model(x, y), args),
        run_model("Potential + from_jax", potential_model(ppl.from_jax(loglike_jax)), args),
        run_model("Potential + from_torch", potential_model(ppl.from_torch(loglike_torch)), args),
        run_sample_function("sample_function + from_jax", ppl.from_jax(logpost_jax), args),
        run_sample_function("sample_function + from_torch", ppl.from_torch(logpost_torch), args),
        run_emcee(numpy_logpost(x, y), x, y, args),
    ]

    print(f"Straight line, {N_POINTS} points; true m={TRUE['m']}, b={TRUE['b']}, "
          f"log_s={TRUE['log_s']:.3f}. NUTS: {args.chains} chain(s) x ({args.tune} tune + "
          f"{args.draws} draws); emcee: {N_WALKERS} walkers x ({args.tune} + {args.draws}).")
    print("\nPosterior mean (sd) by route:")
    print(f"{'route':32s}" + "".join(f"{n:>18s}" for n in NAMES))
    for run in runs:
        post = run["idata"].posterior
        cells = "".join(
            f"{float(post[n].mean()):>10.3f} ({float(post[n].std()):.3f})" for n in NAMES
        )
        print(f"{run['label']:32s}{cells}")

    print("\nTime per effective sample (min bulk ESS over m, b, log_s):")
    print(f"{'route':32s}{'compile s':>10s}{'sample s':>10s}{'min ESS':>9s}{'ms/ESS':>9s}"
          f"{'evals':>9s}{'evals/ESS':>10s}{'us/eval':>9s}")
    for run in runs:
        run["min_ess"] = min_bulk_ess(run["idata"])
        run["s_per_ess"] = run["seconds"] / run["min_ess"]
        compile_s = "(incl.)" if run["compile_s"] is None else f"{run['compile_s']:.2f}"
        print(f"{run['label']:32s}{compile_s:>10s}{run['seconds']:>10.2f}{run['min_ess']:>9.0f}"
              f"{1e3 * run['s_per_ess']:>9.2f}{run['evaluations']:>9d}"
              f"{run['evaluations'] / run['min_ess']:>10.1f}"
              f"{1e6 * run['seconds'] / run['evaluations']:>9.1f}")
    em = runs[-1]
    print(f"(emcee: mean acceptance fraction {em['acceptance']:.2f}; ESS from its integrated "
          f"autocorrelation time, walkers x draws / max tau: {em['ess_autocorr']:.0f}. NUTS "
          "evaluations are of the log-density and its gradient, emcee's of the log-density.)")

    output_dir = common.output_directory(args)
    corner_plot(runs[1]["idata"], em["idata"], output_dir / FIGURES[0])
    lines_plot(runs[1]["idata"], x, y, output_dir / FIGURES[1], args.seed)
    common.report_figures(output_dir, FIGURES, blank_line=True)
    return {run["label"]: run["idata"] for run in runs}


if __name__ == "__main__":
    main(common.parse_args(__doc__))
