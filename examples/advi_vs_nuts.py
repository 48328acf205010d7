"""Example: ADVI (mean-field and full-rank) vs NUTS on a posterior with correlated parameters

A linear regression ``y = alpha + beta_1 x_1 + beta_2 x_2 + noise`` whose two predictors are
strongly correlated (correlation 0.95; 100 points simulated with a fixed seed). The data
pin down ``beta_1 + beta_2`` well but ``beta_1 - beta_2`` poorly, so the posterior of
``(beta_1, beta_2)`` is a narrow ellipse along the anti-diagonal (correlation about -0.95).

The same model is fitted three ways:

- ``ppl.sample``: NUTS, the reference;
- ``ppl.fit(method="advi")``: automatic differentiation variational inference with a
  *mean-field* Gaussian (independent normals on the unconstrained parameters). It cannot
  represent the correlation, and minimising KL(q || p) makes it fit the *narrow* direction:
  its marginal sds of ``beta`` come out about sqrt(1 - 0.95^2), roughly a third, of the true
  ones. Means are fine.
- ``ppl.fit(method="fullrank_advi")``: a Gaussian with a full covariance matrix (Cholesky
  factor); it recovers the correlation and the marginal sds.

The script prints a table of posterior means and sds (and the ``beta`` correlation) by method,
and the final loss (negative ELBO) of each fit.

Figures (in ``--output-dir``): ``advi_vs_nuts_marginals.png``, the marginal densities of the
three methods overlaid, and their draws of ``(beta_1, beta_2)``; ``advi_vs_nuts_elbo.png``, the
ELBO at every iteration of both ADVI fits (``approx.hist`` holds the loss, its negative).
"""

# ruff: noqa: T201 - an example script reports on the terminal

import argparse
import pathlib
import sys

import arviz as az
import numpy as np

import ppl

if (HERE := str(pathlib.Path(__file__).parent)) not in sys.path:
    sys.path.insert(0, HERE)  # for _common.py, also when the script is loaded from its file
import _common as common  # noqa: E402 - selects Matplotlib's Agg backend, before pyplot
import matplotlib.pyplot as plt  # noqa: E402

N_POINTS = 100
CORRELATION = 0.95
TRUE = {"alpha": 1.0, "beta": np.array([1.5, -0.5]), "sigma": 1.0}
DATA_SEED = 20260323
ADVI_ITERATIONS = 30_000
PARAMETERS = ("alpha", "beta[0]", "beta[1]", "sigma")
COLORS = {"NUTS": "k", "ADVI (mean-field)": "C1", "ADVI (full-rank)": "C0"}
FIGURES = ("advi_vs_nuts_marginals.png", "advi_vs_nuts_elbo.png")


def simulate() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(DATA_SEED)
    cov = np.array([[1.0, CORRELATION], [CORRELATION, 1.0]])
    X = rng.multivariate_normal(np.zeros(2), cov, size=N_POINTS)
    y = TRUE["alpha"] + X @ TRUE["beta"] + rng.normal(0.0, TRUE["sigma"], size=N_POINTS)
    return X, y


def build_model(X: np.ndarray, y: np.ndarray) -> ppl.Model:
    with ppl.Model() as model:
        alpha = ppl.Normal("alpha", mu=0.0, sigma=10.0)
        beta = ppl.Normal("beta", mu=0.0, sigma=10.0, shape=2)
        sigma = ppl.HalfNormal("sigma", sigma=5.0)
        ppl.Normal("y", mu=alpha + X @ beta, sigma=sigma, observed=y)
    return model


def flat_draws(idata) -> dict:
    """Pooled draws by parameter name (alpha, beta[0], beta[1], sigma)."""
    post = idata.posterior
    beta = post["beta"].values.reshape(-1, 2)
    return {"alpha": post["alpha"].values.ravel(), "beta[0]": beta[:, 0],
            "beta[1]": beta[:, 1], "sigma": post["sigma"].values.ravel()}


def marginals_plot(draws: dict, path: pathlib.Path, seed: int) -> None:
    fig, axes = plt.subplots(2, 3, figsize=(11, 6.5))
    panels = axes.ravel()
    for ax, name in zip(panels[:4], PARAMETERS, strict=False):
        for label, d in draws.items():
            with common.arviz_matplotlib_compat():
                az.plot_kde(d[name], ax=ax, plot_kwargs={"color": COLORS[label], "linewidth": 1.8},
                            label=label)
        ax.set(title=name, yticks=[])
        ax.tick_params(labelsize=10)
        ax.legend().remove()
    joint = panels[4]
    rng = np.random.default_rng(seed)
    for label, d in draws.items():
        pick = rng.choice(d["beta[0]"].size, size=min(600, d["beta[0]"].size), replace=False)
        joint.scatter(d["beta[0]"][pick], d["beta[1]"][pick], s=4, alpha=0.35,
                      color=COLORS[label])
    joint.plot(*TRUE["beta"], "x", color="C3", ms=9, mew=2)
    joint.set(xlabel="beta[0]", ylabel="beta[1]", title="joint draws of beta")
    panels[5].axis("off")
    handles = [plt.Line2D([], [], color=c, lw=2, label=t) for t, c in COLORS.items()]
    handles.append(plt.Line2D([], [], color="C3", marker="x", ls="", ms=9, mew=2,
                              label="true beta"))
    panels[5].legend(handles=handles, loc="center", frameon=False, fontsize=11)
    fig.suptitle("Marginal posteriors: NUTS vs ADVI", fontsize=12)
    common.save_figure(fig, path)


def elbo_plot(approximations: dict, path: pathlib.Path) -> None:
    fig, ax = plt.subplots(figsize=(8, 4))
    window = 200
    elbos = {label: -np.asarray(approx.hist) for label, approx in approximations.items()}
    for label, elbo in elbos.items():  # the noisy one-draw estimates first, underneath
        ax.plot(np.arange(1, elbo.size + 1), elbo, color=COLORS[label], lw=0.3, alpha=0.25)
    for label, elbo in elbos.items():
        smooth = np.convolve(elbo, np.ones(window) / window, mode="valid")
        ax.plot(np.arange(window, elbo.size + 1), smooth, color=COLORS[label], lw=2,
                label=f"{label}, running mean of {window}")
    final = min(float(np.median(-approx.hist[-1000:])) for approx in approximations.values())
    ax.set(xscale="log", ylim=(final - 40, final + 10), xlabel="iteration",
           ylabel="ELBO (estimate per iteration)", title="ADVI: ELBO history (approx.hist)")
    ax.legend(frameon=False, loc="upper left")
    common.save_figure(fig, path)


def main(args: argparse.Namespace) -> dict:
    X, y = simulate()
    model = build_model(X, y)
    print(f"{N_POINTS} points, predictor correlation {np.corrcoef(X.T)[0, 1]:.3f}; true alpha = "
          f"{TRUE['alpha']}, beta = {TRUE['beta'].tolist()}, sigma = {TRUE['sigma']}.")
    with model:
        nuts = ppl.sample(**common.sampler_kwargs(args))
        approximations = {
            "ADVI (mean-field)": ppl.fit(ADVI_ITERATIONS, method="advi",
                                         random_seed=args.seed, progressbar=False),
            "ADVI (full-rank)": ppl.fit(ADVI_ITERATIONS, method="fullrank_advi",
                                        random_seed=args.seed, progressbar=False),
        }
    n_draws = args.draws * args.chains
    fits = {"NUTS": nuts} | {label: approx.sample(n_draws, random_seed=args.seed)
                             for label, approx in approximations.items()}
    draws = {label: flat_draws(idata) for label, idata in fits.items()}

    print(f"\nPosterior mean (sd); {n_draws} draws per method, {ADVI_ITERATIONS} ADVI iterations:")
    print(f"{'':14s}" + "".join(f"{label:>22s}" for label in draws))
    for name in PARAMETERS:
        print(f"{name:14s}" + "".join(f"{d[name].mean():>14.3f} ({d[name].std():.3f})"
                                      for d in draws.values()))
    print(f"{'corr(beta)':14s}" + "".join(
        f"{np.corrcoef(d['beta[0]'], d['beta[1]'])[0, 1]:>22.3f}" for d in draws.values()))
    for label, approx in approximations.items():
        print(f"{label}: final loss (negative ELBO, median of the last 1000 iterations) "
              f"{np.median(approx.hist[-1000:]):.2f}")

    output_dir = common.output_directory(args)
    marginals_plot(draws, output_dir / FIGURES[0], args.seed)
    elbo_plot(approximations, output_dir / FIGURES[1])
    common.report_figures(output_dir, FIGURES)
    return {"fits": fits, "approximations": approximations}


if __name__ == "__main__":
    main(common.parse_args(__doc__))
