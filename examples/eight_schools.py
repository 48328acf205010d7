"""Example: Eight schools, centred vs non-centred (divergences and the funnel)

Rubin's eight schools: the estimated effect ``y[j]`` of a coaching programme in school ``j``
with its known standard error ``sigma[j]``, pooled through a hierarchical normal model

    mu ~ Normal(0, 5),   tau ~ HalfCauchy(5),   theta[j] ~ Normal(mu, tau),
    y[j] ~ Normal(theta[j], sigma[j]).

The same posterior is written twice. The *centred* form samples ``theta`` directly; its
posterior is a funnel (when ``tau`` is small, the ``theta`` are squeezed together around
``mu``), where no single NUTS step size fits, and the sampler reports *divergences*: leapfrog
trajectories whose energy blows up, concentrated in the neck of the funnel. The *non-centred*
form samples ``theta_tilde[j] ~ Normal(0, 1)`` and sets ``theta = mu + tau * theta_tilde``
(a ``ppl.Deterministic``): the geometry is now nearly Gaussian, and the divergences all but
disappear.

Both models are sampled with the same settings (NUTS, target acceptance 0.8). The script prints
the number of divergent transitions and the bulk and tail ESS of ``tau`` for each, and an ArviZ
summary of the non-centred fit.

Figures (in ``--output-dir``): ``eight_schools_pair.png``, ``log tau`` against ``theta[0]``
for both parameterisations with the divergent transitions marked; ``eight_schools_trace.png``,
trace plots of ``tau`` for both (one colour per chain, divergences as black ticks at the
bottom): a centred chain may stick at one small ``tau`` for long stretches.
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

Y = np.array([28.0, 8.0, -3.0, 7.0, -1.0, 1.0, 18.0, 12.0])
SIGMA = np.array([15.0, 10.0, 16.0, 11.0, 9.0, 11.0, 10.0, 18.0])
SCHOOLS = ["Choate", "Deerfield", "Phillips Andover", "Phillips Exeter", "Hotchkiss",
           "Lawrenceville", "St. Paul's", "Mt. Hermon"]
FIGURES = ("eight_schools_pair.png", "eight_schools_trace.png")


def centered_model() -> ppl.Model:
    with ppl.Model(coords={"school": SCHOOLS}) as model:
        mu = ppl.Normal("mu", mu=0.0, sigma=5.0)
        tau = ppl.HalfCauchy("tau", beta=5.0)
        theta = ppl.Normal("theta", mu=mu, sigma=tau, dims="school")
        ppl.Normal("y", mu=theta, sigma=SIGMA, observed=Y, dims="school")
    return model


def noncentered_model() -> ppl.Model:
    with ppl.Model(coords={"school": SCHOOLS}) as model:
        mu = ppl.Normal("mu", mu=0.0, sigma=5.0)
        tau = ppl.HalfCauchy("tau", beta=5.0)
        theta_tilde = ppl.Normal("theta_tilde", mu=0.0, sigma=1.0, dims="school")
        theta = ppl.Deterministic("theta", mu + tau * theta_tilde, dims="school")
        ppl.Normal("y", mu=theta, sigma=SIGMA, observed=Y, dims="school")
    return model


def divergences(idata) -> int:
    return int(idata.sample_stats["diverging"].sum())


def with_log_tau(idata):
    """A copy of the posterior with ``log_tau`` added: the funnel is plain on the log scale."""
    posterior = idata.posterior.assign(log_tau=np.log(idata.posterior["tau"]))
    return az.InferenceData(posterior=posterior, sample_stats=idata.sample_stats)


def pair_plot(fits: dict, path: pathlib.Path) -> None:
    fig, axes = plt.subplots(1, 2, figsize=(10, 4.2), sharex=True, sharey=True)
    for ax, (label, idata) in zip(axes, fits.items(), strict=True):
        with common.arviz_matplotlib_compat():
            az.plot_pair(
                with_log_tau(idata), var_names=["theta", "log_tau"],
                coords={"school": [SCHOOLS[0]]}, divergences=True, ax=ax,
                scatter_kwargs={"alpha": 0.25, "s": 8},
                divergences_kwargs={"color": "C3", "markersize": 5, "markeredgecolor": "k",
                                    "alpha": 0.9},
                textsize=10,
            )
        ax.set_title(f"{label}: {divergences(idata)} divergences")
        ax.set_xlabel(f"theta[0] ({SCHOOLS[0]})")
        ax.set_ylabel("log tau")
    handles = [plt.Line2D([], [], color=c, marker="o", ls="", label=t)
               for c, t in (("C0", "draw"), ("C3", "divergent transition"))]
    fig.legend(handles=handles, loc="upper right", frameon=False, ncols=2)
    fig.tight_layout(rect=(0, 0, 1, 0.93))
    common.save_figure(fig, path, tight=False)


def trace_plot(fits: dict, path: pathlib.Path) -> None:
    fig, axes = plt.subplots(2, 2, figsize=(9, 4.8))
    for row, (label, idata) in enumerate(fits.items()):
        with common.arviz_matplotlib_compat():
            az.plot_trace(idata, var_names=["tau"], axes=axes[row:row + 1], compact=False,
                          trace_kwargs={"linewidth": 0.4, "alpha": 0.7})
        for ax in axes[row]:
            ax.set_title(f"{label}: {ax.get_title()}", fontsize=10)
    common.save_figure(fig, path)


def main(args: argparse.Namespace) -> dict:
    sample_kwargs = common.sampler_kwargs(args, target_accept=0.8)
    fits = {}
    for label, model in (("centred", centered_model()), ("non-centred", noncentered_model())):
        with model:  # ppl warns (on stderr) about the centred model's divergences
            fits[label] = ppl.sample(**sample_kwargs)

    total = args.draws * args.chains
    print(f"Eight schools, {args.chains} chain(s) x ({args.tune} tune + {args.draws} draws), "
          "target_accept=0.8.")
    print(f"{'parameterisation':18s}{'divergences':>13s}{'ESS bulk tau':>14s}"
          f"{'ESS tail tau':>14s}{'mean tau':>10s}")
    for label, idata in fits.items():
        bulk = float(az.ess(idata, var_names=["tau"], method="bulk")["tau"])
        tail = float(az.ess(idata, var_names=["tau"], method="tail")["tau"])
        print(f"{label:18s}{divergences(idata):>7d}/{total:<5d}{bulk:>14.0f}{tail:>14.0f}"
              f"{float(idata.posterior['tau'].mean()):>10.2f}")
    print("\nNon-centred fit:")
    print(az.summary(fits["non-centred"], var_names=["mu", "tau", "theta"]).to_string())

    output_dir = common.output_directory(args)
    pair_plot(fits, output_dir / FIGURES[0])
    trace_plot(fits, output_dir / FIGURES[1])
    common.report_figures(output_dir, FIGURES, blank_line=True)
    return fits


if __name__ == "__main__":
    main(common.parse_args(__doc__))
