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
import contextlib
import pathlib
import warnings

import arviz as az
import matplotlib
import numpy as np

import ppl

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402 - after choosing the backend

Y = np.array([28.0, 8.0, -3.0, 7.0, -1.0, 1.0, 18.0, 12.0])
SIGMA = np.array([15.0, 10.0, 16.0, 11.0, 9.0, 11.0, 10.0, 18.0])
SCHOOLS = ["Choate", "Deerfield", "Phillips Andover", "Phillips Exeter", "Hotchkiss",
           "Lawrenceville", "St. Paul's", "Mt. Hermon"]
FIGURES = ("eight_schools_pair.png", "eight_schools_trace.png")
DEFAULT_OUTPUT_DIR = pathlib.Path(__file__).parent / "figures"


@contextlib.contextmanager
def arviz_matplotlib_compat():
    """ArviZ 0.23's plot functions call a Matplotlib helper in a way deprecated since
    Matplotlib 3.11 (a MatplotlibDeprecationWarning on every plot, harmless until Matplotlib
    3.13); silence exactly that one warning."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Passing a dict or None as alias_mapping")
        yield


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
        with arviz_matplotlib_compat():
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
    fig.savefig(path, dpi=100)
    plt.close(fig)


def trace_plot(fits: dict, path: pathlib.Path) -> None:
    fig, axes = plt.subplots(2, 2, figsize=(9, 4.8))
    for row, (label, idata) in enumerate(fits.items()):
        with arviz_matplotlib_compat():
            az.plot_trace(idata, var_names=["tau"], axes=axes[row:row + 1], compact=False,
                          trace_kwargs={"linewidth": 0.4, "alpha": 0.7})
        for ax in axes[row]:
            ax.set_title(f"{label}: {ax.get_title()}", fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def main(args: argparse.Namespace) -> dict:
    sample_kwargs = {"draws": args.draws, "tune": args.tune, "chains": args.chains, "cores": 1,
                     "random_seed": args.seed, "target_accept": 0.8, "progressbar": False}
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

    output_dir = pathlib.Path(args.output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    pair_plot(fits, output_dir / FIGURES[0])
    trace_plot(fits, output_dir / FIGURES[1])
    print(f"\nFigures: {', '.join(str(output_dir / f) for f in FIGURES)}")
    return fits


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draws", type=int, default=1000)
    parser.add_argument("--tune", type=int, default=1000)
    parser.add_argument("--chains", type=int, default=4)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--output-dir", type=pathlib.Path, default=DEFAULT_OUTPUT_DIR)
    main(parser.parse_args())
