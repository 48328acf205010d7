"""Example: Logistic regression, two models compared by LOO (az.loo, az.compare)

A binary outcome ``y`` depends on two standardised predictors through a logistic link,

    logit P(y = 1) = alpha + beta_1 x_1 + beta_2 x_2,   alpha = -0.3, beta = (1.0, -1.3),

simulated for 250 units with a fixed seed (shared/posteriordb has no logistic regression).
Two models are fitted with NUTS, both as ``ppl.Bernoulli(logit_p=...)`` with Normal(0, 2.5)
priors on the coefficients: ``x1 only``, which leaves ``x_2`` out, and ``x1 + x2``, the
data-generating model.

Leave-one-out cross-validation needs the log-likelihood of every observation at every draw,
the ``log_likelihood`` group of the InferenceData. The script shows both ways to get it:
``idata_kwargs={"log_likelihood": True}`` in ``ppl.sample`` for the first model, and
``ppl.compute_log_likelihood`` after sampling for the second. ``az.loo`` then estimates each
model's expected log pointwise predictive density (ELPD) by Pareto-smoothed importance sampling
(with its Pareto k diagnostics) and ``az.compare`` ranks the models: the model with ``x_2`` has
the higher ELPD, by several standard errors of the difference.

Figures (in ``--output-dir``): ``logistic_loo_compare.png``, ``az.plot_compare`` (ELPD of each
model with its standard error, and the difference to the best one with the standard error of
the difference);
``logistic_loo_elpd.png``, the pointwise ELPD differences between the two models
(``az.plot_elpd``; mostly below zero: most observations are predicted better with ``x_2``) and
the Pareto k of every observation (``az.plot_khat``; all far below 0.7, the PSIS estimates are
reliable).
"""

# ruff: noqa: T201 - an example script reports on the terminal

import argparse
import contextlib
import pathlib
import sys
import warnings

import arviz as az
import numpy as np

import ppl

if (HERE := str(pathlib.Path(__file__).parent)) not in sys.path:
    sys.path.insert(0, HERE)  # for _common.py, also when the script is loaded from its file
import _common as common  # noqa: E402 - selects Matplotlib's Agg backend, before pyplot
import matplotlib.pyplot as plt  # noqa: E402

N_OBS = 250
TRUE = {"alpha": -0.3, "beta": np.array([1.0, -1.3])}
DATA_SEED = 20260321
FIGURES = ("logistic_loo_compare.png", "logistic_loo_elpd.png")


@contextlib.contextmanager
def arviz_pandas_compat():
    """``az.compare`` and ``az.plot_compare`` (ArviZ 0.23) sort a DataFrame with
    ``inplace=True``, deprecated since pandas 3.1 (a warning on every call, harmless until
    pandas 4); silence exactly that one warning."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="The inplace keyword in DataFrame.sort_values")
        yield


def simulate() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(DATA_SEED)
    X = rng.normal(size=(N_OBS, 2))
    logit_p = TRUE["alpha"] + X @ TRUE["beta"]
    y = (rng.uniform(size=N_OBS) < 1.0 / (1.0 + np.exp(-logit_p))).astype(int)
    return X, y


def build_model(X: np.ndarray, y: np.ndarray) -> ppl.Model:
    """Logistic regression of y on the columns of X (one coefficient each)."""
    coords = {"predictor": [f"x{j + 1}" for j in range(X.shape[1])], "obs_id": np.arange(y.size)}
    with ppl.Model(coords=coords) as model:
        X_data = ppl.Data("X", X, dims=("obs_id", "predictor"))
        alpha = ppl.Normal("alpha", mu=0.0, sigma=2.5)
        beta = ppl.Normal("beta", mu=0.0, sigma=2.5, dims="predictor")
        ppl.Bernoulli("y", logit_p=alpha + X_data @ beta, observed=y, dims="obs_id")
    return model


def elpd_plot(compare_dict: dict, loos: dict, path: pathlib.Path) -> None:
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
    with common.arviz_matplotlib_compat():
        az.plot_elpd(compare_dict, ax=left, textsize=10,
                     plot_kwargs={"marker": "o", "s": 12, "alpha": 0.7})
        colors = {"x1 only": "C1", "x1 + x2": "C0"}
        for label, loo in loos.items():
            az.plot_khat(loo, ax=right, color=colors[label], show_hlines=True,
                         hlines_kwargs={"color": "0.6"}, markersize=12, textsize=10)
    first, second = compare_dict
    left.set_title("pointwise ELPD difference")
    left.set(xlabel="observation", ylabel=f"ELPD('{first}') - ELPD('{second}')")
    right.set_title("Pareto k per observation")
    handles = [plt.Line2D([], [], color=c, marker="+", ms=8, mew=2, ls="", label=t)
               for t, c in colors.items()]
    right.legend(handles=handles, frameon=False)
    common.save_figure(fig, path)


def main(args: argparse.Namespace) -> dict:
    X, y = simulate()
    print(f"Simulated {N_OBS} units, {y.sum()} with y = 1; true alpha = {TRUE['alpha']}, "
          f"beta = {TRUE['beta'].tolist()}.")
    sample_kwargs = common.sampler_kwargs(args)

    # Model 1: the log-likelihood is stored while sampling.
    with build_model(X[:, :1], y):
        idata_x1 = ppl.sample(**sample_kwargs, idata_kwargs={"log_likelihood": True})
    # Model 2: sampled without it; the log-likelihood group is added afterwards.
    with build_model(X, y):
        idata_x12 = ppl.sample(**sample_kwargs)
        ppl.compute_log_likelihood(idata_x12, progressbar=False)
    fits = {"x1 only": idata_x1, "x1 + x2": idata_x12}

    for label, idata in fits.items():
        print(f"\nModel '{label}':")
        print(az.summary(idata, var_names=["alpha", "beta"]).to_string())
    loos = {label: az.loo(idata, pointwise=True) for label, idata in fits.items()}
    for label, loo in loos.items():
        print(f"\nPSIS-LOO of '{label}':")
        print(loo)
    with arviz_pandas_compat():
        comparison = az.compare(fits, ic="loo")
    print("\nModel comparison (az.compare):")
    print(comparison.to_string())
    best, other = comparison.index[0], comparison.index[1]
    diff, dse = comparison.loc[other, "elpd_diff"], comparison.loc[other, "dse"]
    print(f"'{best}' ranks first; ELPD difference {diff:.1f} (standard error {dse:.1f}).")

    output_dir = common.output_directory(args)
    with common.arviz_matplotlib_compat(), arviz_pandas_compat():
        ax = az.plot_compare(comparison, plot_ic_diff=True, figsize=(7, 3), textsize=10,
                             legend=True)
    ax.set_title("Model comparison by PSIS-LOO (higher ELPD is better)")
    common.save_figure(ax.figure, output_dir / FIGURES[0])
    elpd_plot(fits, loos, output_dir / FIGURES[1])
    common.report_figures(output_dir, FIGURES)
    return {"fits": fits, "loo": loos, "compare": comparison}


if __name__ == "__main__":
    main(common.parse_args(__doc__))
