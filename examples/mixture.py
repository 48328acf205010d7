"""Example: A one-dimensional Gaussian mixture with ordered means (ppl.NormalMixture)

Five hundred points drawn, with a fixed seed, from a mixture of three normal components with
weights (0.35, 0.45, 0.2), means (-2.5, 0.5, 3.5) and standard deviations (0.7, 0.9, 0.6).
The model

    w ~ Dirichlet(1, 1, 1),   mu[k] ~ Normal(0, 5) with mu[0] < mu[1] < mu[2],
    sigma[k] ~ HalfNormal(2),  x[i] ~ sum_k w[k] Normal(mu[k], sigma[k])

is written with ``ppl.NormalMixture``, which sums the component densities (in log space) and so
needs no discrete component labels: NUTS samples it directly.

A mixture likelihood does not change when the components are relabelled, so without a
constraint the posterior has 3! = 6 symmetric copies (label switching): chains settle in
different copies and their summaries are meaningless. ``transform=ppl.transforms.ordered``
samples the means through an unconstrained vector ``(mu[0], log(mu[1] - mu[0]), ...)``, which
keeps them increasing and leaves one copy. ``initval`` starts the chains from spread-out,
increasing means.

Figures (in ``--output-dir``): ``mixture_posterior.png``, the marginal posteriors of the
weights, means and standard deviations with the true values; ``mixture_density.png``, a
histogram of the data with the fitted mixture density (posterior mean and 94% band), its
three weighted components and the true density.
"""

# ruff: noqa: T201 - an example script reports on the terminal

import argparse
import pathlib
import sys

import arviz as az
import numpy as np
from scipy import stats

import ppl

if (HERE := str(pathlib.Path(__file__).parent)) not in sys.path:
    sys.path.insert(0, HERE)  # for _common.py, also when the script is loaded from its file
import _common as common  # noqa: E402 - selects Matplotlib's Agg backend, before pyplot
import matplotlib.pyplot as plt  # noqa: E402

TRUE = {"w": np.array([0.35, 0.45, 0.2]), "mu": np.array([-2.5, 0.5, 3.5]),
        "sigma": np.array([0.7, 0.9, 0.6])}
N_POINTS = 500
DATA_SEED = 20260322
FIGURES = ("mixture_posterior.png", "mixture_density.png")


def simulate() -> np.ndarray:
    rng = np.random.default_rng(DATA_SEED)
    component = rng.choice(3, size=N_POINTS, p=TRUE["w"])
    return rng.normal(TRUE["mu"][component], TRUE["sigma"][component])


def build_model(x: np.ndarray) -> ppl.Model:
    with ppl.Model(coords={"component": ["left", "middle", "right"]}) as model:
        w = ppl.Dirichlet("w", a=np.ones(3), dims="component")
        mu = ppl.Normal("mu", mu=0.0, sigma=5.0, dims="component",
                        transform=ppl.transforms.ordered, initval=np.array([-1.0, 0.0, 1.0]))
        sigma = ppl.HalfNormal("sigma", sigma=2.0, dims="component")
        ppl.NormalMixture("x", w=w, mu=mu, sigma=sigma, observed=x)
    return model


def posterior_plot(idata, path: pathlib.Path) -> None:
    ref_vals = {name: [{"component": c, "ref_val": float(TRUE[name][k])}
                       for k, c in enumerate(["left", "middle", "right"])]
                for name in ("w", "mu", "sigma")}
    with common.arviz_matplotlib_compat():
        axes = az.plot_posterior(idata, var_names=["w", "mu", "sigma"], grid=(3, 3),
                                 ref_val=ref_vals, figsize=(10, 7), textsize=9,
                                 hdi_prob=0.94, point_estimate="mean")
    fig = axes.ravel()[0].figure
    fig.suptitle("Posterior of the mixture parameters (true values: orange lines)", fontsize=11)
    common.save_figure(fig, path)


def density_plot(idata, x: np.ndarray, path: pathlib.Path, seed: int) -> None:
    post = az.extract(idata, var_names=["w", "mu", "sigma"])
    w, mu, sigma = (post[n].values for n in ("w", "mu", "sigma"))  # (3, samples)
    pick = np.random.default_rng(seed).choice(w.shape[1], size=min(400, w.shape[1]),
                                              replace=False)
    grid = np.linspace(x.min() - 1.0, x.max() + 1.0, 300)
    # Component densities for each picked draw: (samples, 3, grid).
    comps = w[:, pick].T[:, :, None] * stats.norm.pdf(
        grid, mu[:, pick].T[:, :, None], sigma[:, pick].T[:, :, None])
    total = comps.sum(axis=1)
    low, high = np.quantile(total, [0.03, 0.97], axis=0)
    true = (TRUE["w"][:, None] * stats.norm.pdf(grid, TRUE["mu"][:, None],
                                                 TRUE["sigma"][:, None])).sum(axis=0)

    fig, ax = plt.subplots(figsize=(8, 4.5))
    ax.hist(x, bins=40, density=True, color="0.8", edgecolor="white", label="data")
    ax.fill_between(grid, low, high, color="C0", alpha=0.3, label="fitted density, 94% band")
    ax.plot(grid, total.mean(axis=0), color="C0", lw=2, label="fitted density, mean")
    for k in range(3):
        ax.plot(grid, comps[:, k].mean(axis=0), color=f"C{k + 1}", lw=1.2, ls="-.",
                label="weighted components" if k == 0 else None)
    ax.plot(grid, true, "k--", lw=1.2, label="true density")
    ax.set(xlabel="x", ylabel="density", title=f"Three-component normal mixture, {x.size} points")
    ax.legend(frameon=False)
    common.save_figure(fig, path)


def main(args: argparse.Namespace):
    x = simulate()
    print(f"{x.size} points from a mixture with weights {TRUE['w'].tolist()}, means "
          f"{TRUE['mu'].tolist()} and sds {TRUE['sigma'].tolist()}.")
    with build_model(x):
        idata = ppl.sample(**common.sampler_kwargs(args))
    summary = az.summary(idata, var_names=["w", "mu", "sigma"])
    summary.insert(0, "true", np.concatenate([TRUE[n] for n in ("w", "mu", "sigma")]))
    print(summary.to_string())
    mu = idata.posterior["mu"].values
    print(f"Draws with mu[0] < mu[1] < mu[2]: {np.mean(np.all(np.diff(mu, axis=-1) > 0, -1)):.0%}"
          " (the ordered transform)")

    output_dir = common.output_directory(args)
    posterior_plot(idata, output_dir / FIGURES[0])
    density_plot(idata, x, output_dir / FIGURES[1], args.seed)
    common.report_figures(output_dir, FIGURES)
    return idata


if __name__ == "__main__":
    main(common.parse_args(__doc__))
