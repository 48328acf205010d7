"""Black-box ops in models: the posterior, step assignment, CustomDist and parallel chains."""

import pathlib
import sys
import warnings

import numpy as np
import pytest

import ppl
from ppl.blackbox import NoGradientError
from ppl.exceptions import SamplingError
from ppl.sampling.to_arviz import SamplingWarning

sys.path.insert(0, str(pathlib.Path(__file__).parent.parent / "statistical"))
from _checks import assert_converged, assert_mean_sd, draws_of  # noqa: E402

SIGMA = 0.3
PRIOR_SD = 10.0
X = np.linspace(0.0, 1.0, 30)
Y = 1.0 + 2.0 * X + np.random.default_rng(20261122).normal(0.0, SIGMA, X.size)


def loglike(m, c):
    """Gaussian log-likelihood of the line fit, up to a constant."""
    r = Y - m * X - c
    return -0.5 * np.sum(r**2) / SIGMA**2


def loglike_grad(m, c):
    r = Y - m * X - c
    return np.sum(r * X) / SIGMA**2, np.sum(r) / SIGMA**2


def exact_posterior():
    """Mean and sd of (m, c): conjugate Gaussian linear regression."""
    design = np.column_stack([X, np.ones_like(X)])
    precision = design.T @ design / SIGMA**2 + np.eye(2) / PRIOR_SD**2
    cov = np.linalg.inv(precision)
    return cov @ design.T @ Y / SIGMA**2, np.sqrt(np.diag(cov))


def blackbox_model(op=None):
    op = op or ppl.blackbox(loglike, loglike_grad)
    with ppl.Model() as model:
        m = ppl.Normal("m", 0.0, PRIOR_SD)
        c = ppl.Normal("c", 0.0, PRIOR_SD)
        ppl.Potential("loglike", op(m, c))
    return model


def native_model():
    with ppl.Model() as model:
        m = ppl.Normal("m", 0.0, PRIOR_SD)
        c = ppl.Normal("c", 0.0, PRIOR_SD)
        ppl.Normal("y", m * X + c, SIGMA, observed=Y)
    return model


def _sample(model, **kwargs):
    kwargs = {"draws": 30, "tune": 30, "chains": 2, "cores": 1, "random_seed": 5,
              "progressbar": False, "compute_convergence_checks": False, **kwargs}
    return ppl.sample(model=model, **kwargs)


def test_same_log_density_and_gradient_as_the_native_model():
    bb = blackbox_model().logp_dlogp_function()
    native = native_model().logp_dlogp_function()
    constant = X.size * (-0.5 * np.log(2 * np.pi) - np.log(SIGMA))  # dropped by loglike
    for q in np.random.default_rng(3).normal(1.0, 1.0, size=(5, 2)):
        logp_bb, grad_bb = bb(q)
        logp_native, grad_native = native(q)
        np.testing.assert_allclose(logp_bb + constant, logp_native, rtol=1e-12)
        np.testing.assert_allclose(grad_bb, grad_native, rtol=1e-10)


@pytest.mark.slow
def test_nuts_posterior_of_blackbox_potential_matches_native_model():
    idata = _sample(blackbox_model(), draws=500, tune=400, random_seed=11)
    assert_converged(idata, ["m", "c"], label="blackbox")
    mean, sd = exact_posterior()
    for i, name in enumerate(["m", "c"]):
        assert_mean_sd(draws_of(idata, name), mean[i], sd[i], label=f"blackbox {name}")
    assert int(idata.sample_stats["diverging"].sum()) == 0


def test_without_gradient_sample_errors_clearly_and_slice_works():
    model = blackbox_model(ppl.blackbox(loglike, name="no_grad_loglike"))
    with pytest.raises(NoGradientError, match=r"'no_grad_loglike' has no gradient.*Slice"):
        _sample(model)
    with model:
        idata = _sample(model, step=ppl.Slice(), draws=20, tune=10)
    assert np.isfinite(idata.posterior["m"].values).all()


@pytest.mark.skipif(not hasattr(ppl, "CustomDist"), reason="CustomDist lands with the composite distributions")
def test_custom_dist_logp_and_deterministic_use_the_op():
    mu, sd = 1.5, 0.7

    def normal_logp(value, loc):
        return -0.5 * ((value - loc) / sd) ** 2

    def normal_grad(value, loc):
        z = (value - loc) / sd**2
        return -z, z

    op = ppl.blackbox(normal_logp, normal_grad)
    square = ppl.blackbox(np.square, vjp_fn=lambda ct, v: (2 * ct * v,), output_shape=(None,))
    with ppl.Model() as model:
        z = ppl.CustomDist("z", mu, logp=lambda value, loc: op(value, loc))
        ppl.Deterministic("z_sq", square(z[None]))
    idata = _sample(model, draws=300, tune=300, random_seed=2)
    draws = draws_of(idata, "z")
    assert_mean_sd(draws, mu, sd, label="CustomDist")
    np.testing.assert_allclose(draws_of(idata, "z_sq")[..., 0], draws**2)


def test_parallel_chains_fork_give_the_same_draws():
    model = blackbox_model()
    serial = _sample(model)
    parallel = _sample(model, cores=2)
    np.testing.assert_array_equal(serial.posterior["m"].values, parallel.posterior["m"].values)


def test_unpicklable_function_names_itself_before_workers_start():
    import threading

    lock = threading.Lock()

    def locked_loglike(m, c):
        with lock:
            return loglike(m, c)

    model = blackbox_model(ppl.blackbox(locked_loglike, loglike_grad))
    with pytest.raises(SamplingError, match=r"cannot be sent to worker.*locked_loglike.*Hint"):
        _sample(model, cores=2, mp_ctx="spawn")


@pytest.mark.slow
def test_parallel_chains_by_value_rebuild_numpy_and_jax_ops():
    """Workers get the model by value: a function of this test module and a JAX op (re-jitted
    in the worker), with spawn (forkserver workers do not get this process's sys.path), which
    sample picks by default for a model with a JAX op. Torch ops take the same path (their
    pickling is tested in test_adapters.py)."""
    jnp = pytest.importorskip("jax.numpy")
    with ppl.Model() as model:
        m = ppl.Flat("m")
        c = ppl.Normal("c", 0.0, PRIOR_SD)
        ppl.Potential("loglike", ppl.blackbox(loglike, loglike_grad)(m, c))
        ppl.Potential("prior_m", ppl.from_jax(lambda v: -0.5 * jnp.square(v) / PRIOR_SD**2)(m))
    serial = _sample(model, draws=10, tune=10, mode="C")
    spawned = _sample(model, draws=10, tune=10, cores=2, mode="C")  # no mp_ctx: spawn for JAX
    for name in ("m", "c"):
        np.testing.assert_array_equal(serial.posterior[name].values, spawned.posterior[name].values)


def test_jax_in_forked_workers_fails_clearly_instead_of_hanging():
    jnp = pytest.importorskip("jax.numpy")
    with ppl.Model() as model:
        m = ppl.Normal("m", 0.0, 1.0)
        ppl.Potential("jax_term", ppl.from_jax(lambda v: -jnp.square(v), name="jax_term")(m))
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Chain . failed", category=SamplingWarning)
        with pytest.raises(SamplingError, match=r"'jax_term': JAX cannot run in a process forked.*spawn"):
            _sample(model, cores=2, mp_ctx="fork")
