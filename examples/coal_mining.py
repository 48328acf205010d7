"""Example: Coal-mining disasters, a change point with missing data (CompoundStep)

The yearly number of coal-mining disasters in Great Britain from 1851 to 1962 (191 explosions
that killed ten or more people; Jarrett, 1979, Biometrika 66, 191-193). Safety regulation and
changes in the industry lowered the rate around the end of the 19th century. The model: a year
``switchpoint`` (discrete, uniform over the record), a Poisson rate ``early_rate`` before it and
``late_rate`` from it on,

    switchpoint ~ DiscreteUniform(1851, 1962),   early_rate, late_rate ~ Exponential(1),
    disasters[t] ~ Poisson(early_rate if t <= switchpoint else late_rate).

Two counts (1890 and 1934) are set to ``NaN`` before fitting, as if the records were lost.
Passing data with ``NaN`` as ``observed`` makes ppl split the variable: the known counts stay
observed (``disasters_observed``), the missing ones become free discrete variables
(``disasters_unobserved``) sampled with the rest, and ``disasters`` in the posterior is the
full series with the imputed values filled in.

``ppl.sample`` assigns the step methods itself: NUTS for the two (log-transformed) rates, and a
Metropolis step each for the discrete switch point and the imputed counts, run in turn as one
``CompoundStep``. The script prints the assignment, a summary, the posterior probability of the
most likely switch years and the imputed counts next to the values that were hidden.

Figures (in ``--output-dir``): ``coal_mining_posterior.png``, the counts with the posterior
rate (mean and 94% band) and the imputed years, above the posterior of the switch point;
``coal_mining_trace.png``, trace plots of the switch point and the two rates.
"""

# ruff: noqa: T201 - an example script reports on the terminal

import argparse
import pathlib
import sys

import arviz as az
import numpy as np
import pytensor.tensor as pt
from matplotlib.ticker import MaxNLocator

import ppl

if (HERE := str(pathlib.Path(__file__).parent)) not in sys.path:
    sys.path.insert(0, HERE)  # for _common.py, also when the script is loaded from its file
import _common as common  # noqa: E402 - selects Matplotlib's Agg backend, before pyplot
import matplotlib.pyplot as plt  # noqa: E402

YEARS = np.arange(1851, 1963)
# Disasters per year, 1851-1962, 16 years a row.
DISASTERS = np.array([
    4, 5, 4, 0, 1, 4, 3, 4, 0, 6, 3, 3, 4, 0, 2, 6,
    3, 3, 5, 4, 5, 3, 1, 4, 4, 1, 5, 5, 3, 4, 2, 5,
    2, 2, 3, 4, 2, 1, 3, 2, 2, 1, 1, 1, 1, 3, 0, 0,
    1, 0, 1, 1, 0, 0, 3, 1, 0, 3, 2, 2, 0, 1, 1, 1,
    0, 1, 0, 1, 0, 0, 0, 2, 1, 0, 0, 0, 1, 1, 0, 2,
    3, 3, 1, 1, 2, 1, 1, 1, 1, 2, 4, 2, 0, 0, 0, 1,
    4, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 1, 0, 1,
])
MISSING_YEARS = (1890, 1934)
FIGURES = ("coal_mining_posterior.png", "coal_mining_trace.png")


def data_with_gaps() -> np.ndarray:
    """The counts as floats, with the years in MISSING_YEARS set to NaN."""
    counts = DISASTERS.astype(float)
    counts[np.isin(YEARS, MISSING_YEARS)] = np.nan
    return counts


def build_model(counts: np.ndarray) -> ppl.Model:
    with ppl.Model(coords={"year": YEARS}) as model:
        switchpoint = ppl.DiscreteUniform("switchpoint", lower=YEARS[0], upper=YEARS[-1])
        early_rate = ppl.Exponential("early_rate", 1.0)
        late_rate = ppl.Exponential("late_rate", 1.0)
        rate = ppl.Deterministic(
            "rate", pt.switch(YEARS <= switchpoint, early_rate, late_rate), dims="year"
        )
        ppl.Poisson("disasters", mu=rate, observed=counts, dims="year")
    return model


def posterior_plot(idata, counts: np.ndarray, path: pathlib.Path) -> None:
    post = idata.posterior
    rate = post["rate"].stack(sample=("chain", "draw")).values  # (year, sample)
    low, high = np.quantile(rate, [0.03, 0.97], axis=1)
    missing = np.isnan(counts)
    imputed = post["disasters"].sel(year=YEARS[missing]).stack(sample=("chain", "draw")).values

    fig, (top, bottom) = plt.subplots(2, 1, figsize=(9, 6.5), sharex=True,
                                      gridspec_kw={"height_ratios": [2, 1]})
    top.bar(YEARS[~missing], counts[~missing], width=0.8, color="0.7", label="disasters")
    top.fill_between(YEARS, low, high, step="mid", color="C0", alpha=0.3,
                     label="rate, 94% interval")
    top.step(YEARS, rate.mean(axis=1), where="mid", color="C0", lw=2, label="rate, mean")
    top.errorbar(YEARS[missing], imputed.mean(axis=1),
                 yerr=np.abs(np.quantile(imputed, [0.03, 0.97], axis=1) - imputed.mean(axis=1)),
                 fmt="D", color="C3", capsize=4, label="imputed count (mean, 94%)")
    top.plot(YEARS[missing], DISASTERS[missing], "x", color="k", ms=8, mew=2,
             label="hidden true count")
    top.set(ylabel="disasters per year", title="British coal-mining disasters, 1851-1962")
    top.legend(frameon=False, ncols=2)

    switch = post["switchpoint"].values.ravel()
    years, n = np.unique(switch, return_counts=True)
    bottom.bar(years, n / switch.size, width=0.8, color="C0")
    bottom.set(xlabel="year", ylabel="posterior probability",
               title="switch point: last year at the early rate")
    common.save_figure(fig, path)


def trace_plot(idata, path: pathlib.Path) -> None:
    with common.arviz_matplotlib_compat():
        axes = az.plot_trace(idata, var_names=["switchpoint", "early_rate", "late_rate"],
                             compact=False, figsize=(9, 5.2),
                             trace_kwargs={"linewidth": 0.4, "alpha": 0.6})
    axes[0, 0].xaxis.set_major_locator(MaxNLocator(nbins=6, integer=True))  # one bar per year
    fig = axes[0, 0].figure
    common.save_figure(fig, path)


def main(args: argparse.Namespace):
    counts = data_with_gaps()
    model = build_model(counts)
    print(f"{int(np.nansum(counts))} disasters in {np.sum(~np.isnan(counts))} years with a "
          f"record; missing: {', '.join(map(str, MISSING_YEARS))}.")
    print("Free variables:", [rv.name for rv in model.free_RVs])
    print("Step methods assigned:", ppl.assign_step_methods(model))

    with model:
        idata = ppl.sample(**common.sampler_kwargs(args))
    print(f"Sampled with {idata.posterior.attrs['step_method']}.")
    print(az.summary(idata, var_names=["switchpoint", "early_rate", "late_rate"]).to_string())

    switch = idata.posterior["switchpoint"].values.ravel()
    years, n = np.unique(switch, return_counts=True)
    order = np.argsort(n)[::-1][:5]
    print("Most probable switch points (last year at the early rate):",
          ", ".join(f"{years[k]} ({n[k] / switch.size:.2f})" for k in order))
    for year in MISSING_YEARS:
        draws = idata.posterior["disasters"].sel(year=year).values.ravel()
        print(f"Imputed count for {year}: mean {draws.mean():.2f}, 94% interval "
              f"[{np.quantile(draws, 0.03):.0f}, {np.quantile(draws, 0.97):.0f}] "
              f"(hidden value: {DISASTERS[YEARS == year][0]})")

    output_dir = common.output_directory(args)
    posterior_plot(idata, counts, output_dir / FIGURES[0])
    trace_plot(idata, output_dir / FIGURES[1])
    common.report_figures(output_dir, FIGURES)
    return idata


if __name__ == "__main__":
    main(common.parse_args(__doc__))
