"""Example: Quick start

Eight schools, non-centred: define the model, look at its variables, evaluate the joint
log-density and its gradient on the unconstrained scale, draw from the prior, sample the
posterior with NUTS and print an ArviZ summary.
"""

# ruff: noqa: T201 - an example script reports on the terminal

import argparse

import arviz as az
import numpy as np

import ppl

Y = np.array([28.0, 8.0, -3.0, 7.0, -1.0, 1.0, 18.0, 12.0])
SIGMA = np.array([15.0, 10.0, 16.0, 11.0, 9.0, 11.0, 10.0, 18.0])
SCHOOLS = ["A", "B", "C", "D", "E", "F", "G", "H"]


def build_model() -> ppl.Model:
    with ppl.Model(coords={"school": SCHOOLS}) as model:
        mu = ppl.Normal("mu", mu=0.0, sigma=5.0)
        tau = ppl.HalfCauchy("tau", beta=5.0)
        theta_tilde = ppl.Normal("theta_tilde", mu=0.0, sigma=1.0, dims="school")
        theta = ppl.Deterministic("theta", mu + tau * theta_tilde, dims="school")
        ppl.Normal("y", mu=theta, sigma=SIGMA, observed=Y, dims="school")
    return model


def main(args: argparse.Namespace):
    model = build_model()
    print(model)
    point = model.initial_point()
    print("value variables:", [v.name for v in model.value_vars])
    print("log-density per variable at the initial point:", model.point_logps(point))

    logp_dlogp = model.logp_dlogp_function()
    x0 = ppl.DictToArrayBijection.map(point).data
    logp, grad = logp_dlogp(x0)
    print(f"joint logp at the initial point: {float(logp):.4f}")
    print("gradient:", np.round(grad, 4))

    tau_draws = ppl.draw(ppl.HalfCauchy.dist(beta=5.0), draws=args.draws, random_seed=args.seed)
    print(f"prior median of tau from {args.draws} draws: {np.median(tau_draws):.2f} (exact 5.00)")

    with model:
        idata = ppl.sample(
            draws=args.draws, tune=args.tune, chains=args.chains, random_seed=args.seed,
            target_accept=0.9, progressbar=False,
        )
    print(az.summary(idata, var_names=["mu", "tau", "theta"]).to_string())
    return idata


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draws", type=int, default=1000)
    parser.add_argument("--tune", type=int, default=1000)
    parser.add_argument("--chains", type=int, default=4)
    parser.add_argument("--seed", type=int, default=1)
    main(parser.parse_args())
