"""Example: Radon, a hierarchical regression with varying intercepts (coords, dims, ppl.Data)

Radon is a radioactive gas that enters houses from the ground; the classic survey (Gelman and
Hill, 2007, chapter 12) measured it in Minnesota houses, grouped by county, and recorded whether
the measurement was taken in the basement (``floor = 0``) or on the ground floor
(``floor = 1``). This repository has no copy of that survey (and no internet access), so the
script **simulates a radon-like data set** with a fixed seed and parameter values close to
the published Minnesota estimates: 286 houses in 30 counties of very unequal sizes (1 to 24
houses), log radon

    log_radon[i] = a[county[i]] + b * floor[i] + noise,   noise ~ Normal(0, 0.75),
    a[j] ~ Normal(1.5, 0.35),   b = -0.65.

The model has the same structure, with weakly informative priors and the county intercepts
written non-centred (``a = mu_a + sigma_a * z_a``):

    mu_a ~ Normal(0, 5),  sigma_a ~ HalfNormal(1),  z_a[j] ~ Normal(0, 1),
    b ~ Normal(0, 1),  sigma_y ~ HalfNormal(1),
    log_radon[i] ~ Normal(a[county[i]] + b * floor[i], sigma_y).

Named dimensions (``coords={"county": ..., "obs_id": ...}``, ``dims=``) label the posterior.
The floor indicator and the county index are ``ppl.Data`` containers, so the fitted model also
predicts new houses: ``ppl.set_data`` swaps in a basement and a ground-floor house in two
counties and ``sample_posterior_predictive(predictions=True)`` gives their predicted radon.
Partial pooling shows in the county intercepts: a county with one or two houses is pulled
towards the state-wide mean ``mu_a``, a county with twenty houses much less.

Figures (in ``--output-dir``): ``radon_ppc.png``, the posterior predictive check (density of
the observed log radon against densities of replicated data sets); ``radon_forest.png``, a
forest plot of the county intercepts (94% intervals) with the true simulated values and the
raw basement means of each county.
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

N_COUNTIES = 30
TRUE = {"mu_a": 1.5, "sigma_a": 0.35, "b": -0.65, "sigma_y": 0.75}
P_GROUND_FLOOR = 0.2
DATA_SEED = 20260320
FIGURES = ("radon_ppc.png", "radon_forest.png")


def simulate() -> dict:
    """A radon-like survey: county sizes from a skewed distribution (many small counties, a few
    large ones), 20% of measurements on the ground floor."""
    rng = np.random.default_rng(DATA_SEED)
    sizes = np.minimum(1 + rng.negative_binomial(1, 0.09, size=N_COUNTIES), 45)
    counties = [f"county {j + 1:02d}" for j in range(N_COUNTIES)]
    county_idx = np.repeat(np.arange(N_COUNTIES), sizes)
    floor = (rng.uniform(size=county_idx.size) < P_GROUND_FLOOR).astype(float)
    a_true = rng.normal(TRUE["mu_a"], TRUE["sigma_a"], size=N_COUNTIES)
    log_radon = (a_true[county_idx] + TRUE["b"] * floor
                 + rng.normal(0.0, TRUE["sigma_y"], size=county_idx.size))
    return {"counties": counties, "sizes": sizes, "county_idx": county_idx, "floor": floor,
            "a_true": a_true, "log_radon": log_radon}


def build_model(data: dict) -> ppl.Model:
    coords = {"county": data["counties"], "obs_id": np.arange(data["floor"].size)}
    with ppl.Model(coords=coords) as model:
        floor = ppl.Data("floor", data["floor"], dims="obs_id")
        county_idx = ppl.Data("county_idx", data["county_idx"], dims="obs_id")
        mu_a = ppl.Normal("mu_a", mu=0.0, sigma=5.0)
        sigma_a = ppl.HalfNormal("sigma_a", sigma=1.0)
        z_a = ppl.Normal("z_a", mu=0.0, sigma=1.0, dims="county")
        a = ppl.Deterministic("a", mu_a + sigma_a * z_a, dims="county")
        b = ppl.Normal("b", mu=0.0, sigma=1.0)
        sigma_y = ppl.HalfNormal("sigma_y", sigma=1.0)
        # shape=floor.shape: the likelihood follows the length of the data containers, so
        # set_data can swap in new houses for predictions.
        ppl.Normal("log_radon", mu=a[county_idx] + b * floor, sigma=sigma_y,
                   observed=data["log_radon"], shape=floor.shape)
    return model


def ppc_plot(idata, path: pathlib.Path, seed: int) -> None:
    fig, ax = plt.subplots(figsize=(7, 4.2))
    with common.arviz_matplotlib_compat():
        az.plot_ppc(idata, num_pp_samples=100, random_seed=seed, ax=ax, textsize=10)
    ax.set(xlabel="log radon", title="Posterior predictive check")
    common.save_figure(fig, path)


def forest_plot(idata, data: dict, path: pathlib.Path) -> None:
    with common.arviz_matplotlib_compat():
        axes = az.plot_forest(idata, var_names=["a"], combined=True, hdi_prob=0.94,
                              figsize=(7, 8.5), textsize=10)
    ax = axes[0]
    # Put the true intercept and the raw basement mean on each county's row.
    # ArviZ labels the rows "a[county 01]", "[county 02]", ...: the county is inside [].
    labels = [label.get_text() for label in ax.get_yticklabels()]
    row_counties = [text[text.index("[") + 1:-1] for text in labels]
    positions = dict(zip(row_counties, ax.get_yticks(), strict=True))
    basement = data["floor"] == 0
    for j, county in enumerate(data["counties"]):
        y = positions[county]
        ax.plot(data["a_true"][j], y, "x", color="k", ms=7, mew=1.5,
                label="true value" if j == 0 else None)
        in_county = basement & (data["county_idx"] == j)
        if in_county.any():
            ax.plot(data["log_radon"][in_county].mean(), y, "o", mfc="none", color="C3", ms=6,
                    label="raw basement mean" if j == 0 else None)
    ax.set_yticklabels([f"{county} (n={data['sizes'][data['counties'].index(county)]})"
                        for county in row_counties])
    ax.axvline(float(idata.posterior["mu_a"].mean()), color="0.5", ls="--", lw=1,
               label="posterior mean of mu_a")
    ax.set_title("County intercepts a (94% HDI)")
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.03), ncols=3, frameon=False,
              fontsize=9)
    fig = ax.figure
    common.save_figure(fig, path)


def main(args: argparse.Namespace):
    data = simulate()
    model = build_model(data)
    print(f"Simulated radon survey: {data['floor'].size} houses in {N_COUNTIES} counties "
          f"(houses per county {data['sizes'].min()} to {data['sizes'].max()}), "
          f"{int(data['floor'].sum())} measured on the ground floor. Seed {DATA_SEED}.")
    with model:
        idata = ppl.sample(**common.sampler_kwargs(args))
        ppl.sample_posterior_predictive(idata, extend_inferencedata=True,
                                        random_seed=args.seed, progressbar=False)
    summary = az.summary(idata, var_names=["mu_a", "sigma_a", "b", "sigma_y"])
    summary.insert(0, "true", [TRUE[name] for name in summary.index])
    print(summary.to_string())

    b = idata.posterior["b"].values
    print(f"Floor effect b: posterior mean {b.mean():.3f}, P(b < 0) = {np.mean(b < 0):.3f}: "
          f"ground-floor readings are about {100 * (1 - np.exp(b.mean())):.0f}% lower.")

    # Predict new houses: basement and ground floor in the smallest and the largest county.
    small, large = int(np.argmin(data["sizes"])), int(np.argmax(data["sizes"]))
    new_county = np.array([small, small, large, large])
    new_floor = np.array([0.0, 1.0, 0.0, 1.0])
    with model:
        ppl.set_data({"floor": new_floor, "county_idx": new_county},
                     coords={"obs_id": np.arange(4)})
        predictions = ppl.sample_posterior_predictive(
            idata, predictions=True, random_seed=args.seed, progressbar=False
        ).predictions["log_radon"].stack(sample=("chain", "draw")).values
    print("Predicted radon of a new house (pCi/L, median and 94% interval):")
    for k in range(4):
        low, mid, high = np.exp(np.quantile(predictions[k], [0.03, 0.5, 0.97]))
        county = data["counties"][new_county[k]]
        floor = "ground floor" if new_floor[k] else "basement"
        print(f"  {county} (n={data['sizes'][new_county[k]]:2d}), {floor:12s}: {mid:5.2f} "
              f"[{low:.2f}, {high:.2f}]")

    output_dir = common.output_directory(args)
    ppc_plot(idata, output_dir / FIGURES[0], args.seed)
    forest_plot(idata, data, output_dir / FIGURES[1])
    common.report_figures(output_dir, FIGURES)
    return idata


if __name__ == "__main__":
    main(common.parse_args(__doc__))
