"""The benchmark models in NumPyro, on the same data, with the same metrics as ``bench_nuts.py``.

Runs in NumPyro's own virtual environment (``install_peers.sh``); it imports nothing from ppl:
the data come from ``model_data.py`` and the metrics from ``nuts_metrics.py``. Float64
(``numpyro.enable_x64``), CPU, chains one after another (``chain_method="sequential"``).

Timing: JAX compiles the warm-up and sampling loops on their first call, so every model is run
twice with the same key; the second run (cached executables, same draws) gives
``sampling_s`` and the difference ``compile_s``. ``grad_us`` times the jitted value-and-gradient of
the potential inside one compiled ``lax.scan`` over posterior draws (as NUTS calls it: no Python
dispatch per call).

Usage: /tmp/bench-numpyro/bin/python benchmarks/compare/numpyro_runner.py [--models ...]
    [--draws 1000] [--tune 1000] [--out FILE]       (JSON to FILE, or to stdout)
"""

import pathlib
import sys
import tempfile
import time

import numpy as np

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))
import arviz  # noqa: E402
import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
import numpyro  # noqa: E402
import numpyro.distributions as dist  # noqa: E402
from jax.flatten_util import ravel_pytree  # noqa: E402
from model_data import (  # noqa: E402
    EIGHT_SIGMA,
    EIGHT_Y,
    ark_data,
    eight_schools_centered_data,
    gaussian_scales,
    hierarchical_data,
    kidiq_interaction_data,
    linear_regression_data,
    logistic_regression_data,
)
from numpyro.infer import MCMC, NUTS  # noqa: E402
from numpyro.infer.util import initialize_model, unconstrain_fn  # noqa: E402
from nuts_metrics import finish_row, load, n_timing_calls, runner_main  # noqa: E402

numpyro.enable_x64()
numpyro.set_platform("cpu")
# NumPyro builds new jitted loops on every warmup/run call, so JAX's in-memory cache misses and
# the second run would compile again. A persistent compilation cache (a fresh folder for this
# process, so that the first run's compile time is real) lets the timed run reuse the executables.
jax.config.update("jax_compilation_cache_dir", tempfile.mkdtemp(prefix="bench-numpyro-jax-"))
jax.config.update("jax_persistent_cache_min_compile_time_secs", 0.0)
jax.config.update("jax_persistent_cache_min_entry_size_bytes", -1)


def eight_schools_noncentered():
    mu = numpyro.sample("mu", dist.Normal(0.0, 5.0))
    tau = numpyro.sample("tau", dist.HalfCauchy(5.0))
    theta_tilde = numpyro.sample("theta_tilde", dist.Normal(0.0, 1.0).expand([8]).to_event(1))
    theta = numpyro.deterministic("theta", mu + tau * theta_tilde)
    numpyro.sample("y", dist.Normal(theta, EIGHT_SIGMA).to_event(1), obs=EIGHT_Y)


def linear_regression(n=1000, k=10):
    X, y = linear_regression_data(n, k)

    def model():
        alpha = numpyro.sample("alpha", dist.Normal(0.0, 10.0))
        beta = numpyro.sample("beta", dist.Normal(0.0, 1.0).expand([k]).to_event(1))
        sigma = numpyro.sample("sigma", dist.HalfNormal(1.0))
        numpyro.sample("y", dist.Normal(alpha + X @ beta, sigma).to_event(1), obs=y)

    return model


def logistic_regression(n=5000, k=25):
    X, y = logistic_regression_data(n, k)

    def model():
        alpha = numpyro.sample("alpha", dist.Normal(0.0, 5.0))
        beta = numpyro.sample("beta", dist.Normal(0.0, 1.0).expand([k]).to_event(1))
        numpyro.sample("y", dist.Bernoulli(logits=alpha + X @ beta).to_event(1), obs=y)

    return model


def hierarchical(groups=85, n=900):
    group, x, y = hierarchical_data(groups, n)

    def model():
        mu_a = numpyro.sample("mu_a", dist.Normal(0.0, 10.0))
        sigma_a = numpyro.sample("sigma_a", dist.HalfNormal(1.0))
        a_offset = numpyro.sample("a_offset", dist.Normal(0.0, 1.0).expand([groups]).to_event(1))
        a = numpyro.deterministic("a", mu_a + sigma_a * a_offset)
        b = numpyro.sample("b", dist.Normal(0.0, 1.0))
        sigma_y = numpyro.sample("sigma_y", dist.HalfNormal(1.0))
        numpyro.sample("y", dist.Normal(a[group] + b * x, sigma_y).to_event(1), obs=y)

    return model


def gaussian_scaled(dim=100):
    scales = gaussian_scales(dim)

    def model():
        numpyro.sample("x", dist.Normal(0.0, scales).to_event(1))

    return model


def eight_schools_centered():
    y, sigma = eight_schools_centered_data()

    def model():
        mu = numpyro.sample("mu", dist.Normal(0.0, 5.0))
        tau = numpyro.sample("tau", dist.HalfCauchy(5.0))
        theta = numpyro.sample("theta", dist.Normal(mu, tau).expand([8]).to_event(1))
        numpyro.sample("y", dist.Normal(theta, sigma).to_event(1), obs=y)

    return model


def kidiq_interaction():
    kid_score, mom_hs, mom_iq = kidiq_interaction_data()

    def model():
        beta = numpyro.sample(
            "beta", dist.ImproperUniform(dist.constraints.real, (), event_shape=(4,))
        )
        sigma = numpyro.sample("sigma", dist.HalfCauchy(2.5))
        mu = beta[0] + beta[1] * mom_hs + beta[2] * mom_iq + beta[3] * mom_hs * mom_iq
        numpyro.sample("kid_score", dist.Normal(mu, sigma).to_event(1), obs=kid_score)

    return model


def ark():
    lags, target = ark_data()

    def model():
        alpha = numpyro.sample("alpha", dist.Normal(0.0, 10.0))
        beta = numpyro.sample("beta", dist.Normal(0.0, 10.0).expand([lags.shape[1]]).to_event(1))
        sigma = numpyro.sample("sigma", dist.HalfCauchy(2.5))
        numpyro.sample("y", dist.Normal(alpha + lags @ beta, sigma).to_event(1), obs=target)

    return model


# Each entry builds the model function (data bound in a closure: no model arguments, so that
# NumPyro's MCMC caches its compiled loops between the two runs).
MODELS = {
    "eight_schools_noncentered": lambda: eight_schools_noncentered,
    "linear_regression_1000x10": linear_regression,
    "logistic_regression_5000x25": logistic_regression,
    "hierarchical_85x900": hierarchical,
    "gaussian_100_scaled": gaussian_scaled,
    "eight_schools_centered": eight_schools_centered,
    "kidiq_interaction": kidiq_interaction,
    "arK": ark,
}

_FIELDS = ("num_steps", "diverging", "accept_prob", "adapt_state.step_size")


def _run(mcmc: MCMC, args) -> tuple[MCMC, dict, dict, float, float]:
    """Warm-up (from a fresh start) then draws, each timed (``block_until_ready``); returns the
    MCMC, the warm-up and draw extra fields (grouped by chain) and the two times."""
    start = time.perf_counter()
    mcmc.warmup(jax.random.PRNGKey(args.seed), collect_warmup=True, extra_fields=_FIELDS)
    warm = jax.block_until_ready(mcmc.get_extra_fields(group_by_chain=True))
    warm_s = time.perf_counter() - start
    start = time.perf_counter()
    mcmc.run(mcmc.post_warmup_state.rng_key, extra_fields=_FIELDS)
    kept = jax.block_until_ready(mcmc.get_extra_fields(group_by_chain=True))
    draw_s = time.perf_counter() - start
    return mcmc, warm, kept, warm_s, draw_s


def _grad_us(potential_fn, points: np.ndarray, unravel, calls: int) -> float:
    """µs per value-and-gradient of the potential inside one jitted scan over ``points``."""
    value_and_grad = jax.value_and_grad(lambda x: potential_fn(unravel(x)))

    @jax.jit
    def loop(xs):
        def body(acc, x):
            v, g = value_and_grad(x)
            return acc + v + g.sum(), None

        return jax.lax.scan(body, 0.0, xs)[0]

    xs = jnp.asarray(points[np.arange(calls) % len(points)])
    jax.block_until_ready(loop(xs))  # compile
    best = np.inf
    for _ in range(3):
        start = time.perf_counter()
        jax.block_until_ready(loop(xs))
        best = min(best, (time.perf_counter() - start) / calls)
    return best * 1e6


def bench_model(name: str, args) -> dict:
    model = MODELS[name]()
    start = time.perf_counter()
    info = initialize_model(jax.random.PRNGKey(0), model)
    free = list(info.param_info.z)
    x0, unravel = ravel_pytree(info.param_info.z)
    potential = jax.jit(info.potential_fn)
    jax.block_until_ready(potential(unravel(x0)))
    grad_compile_s = time.perf_counter() - start

    load_before = load()
    # First run: compiles the warm-up and sampling loops. Second: cached, same key, same draws.
    mcmc = MCMC(
        NUTS(model, target_accept_prob=0.8, max_tree_depth=10),
        num_warmup=args.tune,
        num_samples=args.draws,
        num_chains=args.chains,
        chain_method="sequential",
        progress_bar=False,
    )
    _, _, _, warm1, draw1 = _run(mcmc, args)
    runs = []
    for _ in range(args.repeats):
        result = _run(mcmc, args)
        # get_samples reads the MCMC's last run: keep this run's samples with it.
        runs.append((*result, mcmc.get_samples(group_by_chain=True)))
    mcmc, warm, kept, warm_s, draw_s, samples = min(runs, key=lambda r: r[3] + r[4])
    sampling_s = warm_s + draw_s
    sys.stderr.write(
        f"  first run {warm1:.1f}+{draw1:.1f} s, timed run {warm_s:.1f}+{draw_s:.1f} s\n"
    )
    if not np.array_equal(np.asarray(kept["num_steps"]), np.asarray(runs[0][2]["num_steps"])):
        raise RuntimeError(f"{name}: a repeat with the same key drew differently.")

    posterior = arviz.from_dict(posterior={k: np.asarray(samples[k]) for k in free}).posterior
    stats = []
    for c in range(args.chains):
        chain = {}
        for key, ours in [
            ("num_steps", "n_steps"),
            ("diverging", "diverging"),
            ("accept_prob", "acceptance_rate"),
            ("adapt_state.step_size", "step_size"),
        ]:
            chain[ours] = np.concatenate([np.asarray(warm[key][c]), np.asarray(kept[key][c])])
        # NumPyro does not record the tree depth: a tree of depth d has at most 2**d - 1
        # leapfrog steps, so ceil(log2(n_steps + 1)) (exact unless a subtree stopped early).
        chain["tree_depth"] = np.ceil(np.log2(chain["n_steps"] + 1.0)).astype(int)
        chain["tune"] = np.arange(len(chain["n_steps"])) < args.tune
        stats.append(chain)

    # Unconstrained positions of the kept draws, flattened as the potential takes them.
    draws = {k: np.asarray(samples[k]).reshape((-1,) + samples[k].shape[2:]) for k in free}
    rows = {k: v[np.linspace(0, len(v) - 1, 100).astype(int)] for k, v in draws.items()}
    flat = jax.vmap(lambda p: ravel_pytree(unconstrain_fn(model, (), {}, p))[0])(rows)
    dim = int(x0.size)
    grad_us = _grad_us(info.potential_fn, np.asarray(flat), unravel, n_timing_calls(dim))
    return finish_row(
        {
            "model": name,
            "system": "numpyro",
            "cores": 1,
            "mode": "jax-cpu",
            "dim": dim,
            # Compiling the warm-up and sampling loops (includes the value-and-gradient).
            "compile_s": round(max(warm1 + draw1 - sampling_s, 0.0) + grad_compile_s, 3),
            "first_call_s": round(grad_compile_s, 3),
            "total_s": round(warm1 + draw1, 3),
            "sampling_s_repeats": [round(r[3] + r[4], 3) for r in runs],
            "warmup_s": round(warm_s, 3),
        },
        posterior,
        free,
        stats,
        draws=args.draws,
        sampling_s=sampling_s,
        chain_s=sampling_s,
        grad_us=grad_us,
        load_before=load_before,
        label=f"{name} numpyro",
    )


def main() -> None:
    runner_main(
        __doc__,
        MODELS,
        bench_model,
        lambda: {
            "numpyro": numpyro.__version__,
            "jax": jax.__version__,
            "arviz": arviz.__version__,
        },
        None,
    )


if __name__ == "__main__":
    main()
