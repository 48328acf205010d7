"""Example: A parameter defined implicitly by an equation (Kepler's equation, SciPy root finding)

A planet moves on an ellipse (semi-major axis 1, period 1) around its star, which sits at a
focus. Its position at time ``t`` is ``(cos E - e, sqrt(1 - e^2) sin E)``, where the eccentric
anomaly ``E`` has no closed form: it is the root of Kepler's equation

    f(E; e, M) = E - e sin E - M = 0,    M = phi + 2 pi t,

with eccentricity ``e`` and phase ``phi`` unknown. We observe noisy positions at 20 times and
infer ``e`` and ``phi``.

``E(e, M)`` is computed by ``scipy.optimize.newton`` (vectorised Halley iterations) and wrapped
as a PyTensor op with ``ppl.blackbox``. Its gradient needs no differentiation of the solver: by
the implicit function theorem ``dE/dtheta = -f_theta / f_E``, with ``f_E = 1 - e cos E``,
``f_e = -sin E`` and ``f_M = -1``. As ``E`` is a vector, the op gets a vector-Jacobian product
(``vjp_fn``). ``ppl.check_gradient`` compares it with finite differences (the report is
printed, together with the report for a wrong gradient that forgets the ``1 / f_E``), then the
op is used in a model with ``ppl.Normal`` likelihoods and sampled with NUTS.

Figures (in ``--output-dir``): ``implicit_root_posterior.png``, the joint posterior of ``e`` and
``phi`` with the true values; ``implicit_root_orbit.png``, posterior orbits over the data.
"""

# ruff: noqa: T201 - an example script reports on the terminal

import argparse
import pathlib
import sys
import warnings

import arviz as az
import numpy as np
import pytensor.tensor as pt
from scipy import optimize

import ppl

if (HERE := str(pathlib.Path(__file__).parent)) not in sys.path:
    sys.path.insert(0, HERE)  # for _common.py, also when the script is loaded from its file
import _common as common  # noqa: E402 - selects Matplotlib's Agg backend, before pyplot
import matplotlib.pyplot as plt  # noqa: E402

TRUE = {"e": 0.45, "phi": 1.0}
NOISE = 0.1
N_OBS = 20
DATA_SEED = 20260319
FIGURES = ("implicit_root_posterior.png", "implicit_root_orbit.png")


# --- Kepler's equation and its implicit derivatives -------------------------------------------


def kepler_residual(E, e, M):
    return E - e * np.sin(E) - M


def solve_kepler(e, M):
    """The eccentric anomaly ``E`` with ``E - e sin E = M`` (elementwise), for 0 <= e < 1."""
    with warnings.catch_warnings():
        # SciPy warns when some elements do not converge; a wrong E must not pass silently, so
        # it becomes an error (in NUTS, a failed evaluation counts as a divergence).
        warnings.simplefilter("error", RuntimeWarning)
        return optimize.newton(
            kepler_residual,
            x0=M + e * np.sin(M),
            fprime=lambda E, e, M: 1.0 - e * np.cos(E),
            fprime2=lambda E, e, M: e * np.sin(E),
            args=(e, M),
            tol=1e-12,
            maxiter=50,
        )


def kepler_vjp(cotangent, e, M):
    """``(cotangent . dE/de, cotangent * dE/dM)`` from the implicit function theorem."""
    E = solve_kepler(e, M)
    f_E = 1.0 - e * np.cos(E)  # > 0 for e < 1: the root is unique and E(e, M) is smooth
    dE_de = np.sin(E) / f_E  # -f_e / f_E with f_e = -sin E
    dE_dM = 1.0 / f_E  # -f_M / f_E with f_M = -1
    return np.sum(cotangent * dE_de), cotangent * dE_dM


def kepler_vjp_wrong(cotangent, e, M):
    """A plausible mistake: the numerators -f_theta without dividing by f_E."""
    E = solve_kepler(e, M)
    return np.sum(cotangent * np.sin(E)), cotangent


kepler_op = ppl.blackbox(solve_kepler, vjp_fn=kepler_vjp, n_inputs=2, output_shape=(None,),
                         name="kepler_E")


# --- data and model ---------------------------------------------------------------------------


def positions(e, E):
    """Position on the ellipse (star at the origin) at eccentric anomaly E."""
    return np.cos(E) - e, np.sqrt(1.0 - e**2) * np.sin(E)


def simulate():
    rng = np.random.default_rng(DATA_SEED)
    t = np.sort(rng.uniform(0.0, 1.3, N_OBS))
    E = solve_kepler(TRUE["e"], TRUE["phi"] + 2 * np.pi * t)
    x, y = positions(TRUE["e"], E)
    return t, x + rng.normal(0.0, NOISE, N_OBS), y + rng.normal(0.0, NOISE, N_OBS)


def build_model(t, x_obs, y_obs) -> ppl.Model:
    with ppl.Model() as model:
        e = ppl.Uniform("e", 0.0, 0.9)
        phi = ppl.Uniform("phi", -np.pi, np.pi)
        E = kepler_op(e, phi + 2 * np.pi * t)  # the black-box root, differentiable
        ppl.Normal("x", mu=pt.cos(E) - e, sigma=NOISE, observed=x_obs)
        ppl.Normal("y", mu=pt.sqrt(1.0 - e**2) * pt.sin(E), sigma=NOISE, observed=y_obs)
    return model


# --- figures ----------------------------------------------------------------------------------


def posterior_plot(idata, path: pathlib.Path) -> None:
    with common.arviz_matplotlib_compat():
        axes = az.plot_pair(idata, var_names=["e", "phi"], kind="scatter", marginals=True,
                            scatter_kwargs={"alpha": 0.3}, reference_values=TRUE,
                            reference_values_kwargs={"color": "k", "marker": "x", "markersize": 8},
                            figsize=(5.5, 5.5), textsize=10)
    fig = axes[0, 0].figure
    fig.suptitle("Posterior of e and phi (x: true values)")
    common.save_figure(fig, path, tight=False)


def orbit_plot(idata, t, x_obs, y_obs, path: pathlib.Path, seed: int) -> None:
    post = az.extract(idata, var_names=["e"])
    e_draws = np.atleast_1d(post.values)
    pick = np.random.default_rng(seed).choice(e_draws.size, size=min(50, e_draws.size), replace=False)
    E_grid = np.linspace(0.0, 2 * np.pi, 200)
    fig, ax = plt.subplots(figsize=(6, 5))
    for k in pick:
        ax.plot(*positions(e_draws[k], E_grid), color="C0", alpha=0.1, lw=1)
    ax.plot(*positions(TRUE["e"], E_grid), "k--", lw=1.5, label="true orbit")
    ax.plot(x_obs, y_obs, "o", color="k", ms=4, label="observed positions")
    ax.plot(0.0, 0.0, "*", color="C1", ms=14, label="star")
    ax.plot([], [], color="C0", label="posterior orbits")
    ax.set(xlabel="x", ylabel="y", aspect="equal", xlim=(-1.8, 1.6), title="Orbits of posterior draws")
    ax.legend(frameon=False, loc="center right", fontsize=8)
    common.save_figure(fig, path)


# --- main -------------------------------------------------------------------------------------


def main(args: argparse.Namespace):
    t, x_obs, y_obs = simulate()
    M = TRUE["phi"] + 2 * np.pi * t
    print("Gradient of the root E(e, M) (implicit function theorem) against finite differences:")
    print(" ", ppl.check_gradient(kepler_op, (0.6, M)))
    print("The same with a wrong gradient (forgot to divide by f_E = 1 - e cos E):")
    wrong = ppl.blackbox(solve_kepler, vjp_fn=kepler_vjp_wrong, output_shape=(None,),
                         name="kepler_E_wrong")
    print(" ", ppl.check_gradient(wrong, (0.6, M), raise_error=False))

    model = build_model(t, x_obs, y_obs)
    with model:
        idata = ppl.sample(draws=args.draws, tune=args.tune, chains=args.chains,
                           random_seed=args.seed, progressbar=False)
    print(az.summary(idata, var_names=["e", "phi"]).to_string())
    print(f"true values: e = {TRUE['e']}, phi = {TRUE['phi']}")

    output_dir = common.output_directory(args)
    posterior_plot(idata, output_dir / FIGURES[0])
    orbit_plot(idata, t, x_obs, y_obs, output_dir / FIGURES[1], args.seed)
    common.report_figures(output_dir, FIGURES)
    return idata


if __name__ == "__main__":
    main(common.parse_args(__doc__))
