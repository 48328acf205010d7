"""ppl.sample_function: NUTS on a plain Python log-density, against closed-form posteriors."""

import numpy as np
import pytest

import ppl
from ppl.exceptions import ModelError
from ppl.sampling.to_arviz import SamplingWarning
from tests.statistical._checks import assert_mean_sd, draws_of

Y = np.random.default_rng(3).normal(1.0, 2.0, size=25)
SIGMA = 2.0
# With a flat prior, mu | y ~ N(mean(y), sigma / sqrt(n)).
EXACT = (Y.mean(), SIGMA / np.sqrt(len(Y)))


def normal_logp(mu):
    return -0.5 * np.sum((Y - mu) ** 2) / SIGMA**2


def normal_grad(mu):
    return {"mu": np.sum(Y - mu) / SIGMA**2}


QUIET = {"progressbar": False, "compute_convergence_checks": False}


@pytest.mark.slow
def test_posterior_of_a_python_function_matches_the_exact_one():
    idata = ppl.sample_function(normal_logp, {"mu": ()}, grad=normal_grad, draws=1000, tune=500,
                                chains=2, cores=2, random_seed=1, **QUIET)
    assert_mean_sd(draws_of(idata, "mu"), *EXACT, label="mu")
    assert {"tree_depth", "step_size", "diverging"} <= set(idata.sample_stats.data_vars)


def test_bounded_and_vector_parameters_with_tuple_gradient_and_dims():
    def logp(scale, loc):  # an exponential density for scale, standard normals for loc
        return -2.0 * scale - 0.5 * np.sum(loc**2)

    def grad(scale, loc):
        return -2.0, -loc

    idata = ppl.sample_function(
        logp, {"scale": {"lower": 0.0}, "loc": ppl.Parameter(shape=(3,), dims=("k",))},
        grad=grad, coords={"k": ["a", "b", "c"]}, draws=200, tune=200, chains=1, random_seed=2,
        **QUIET,
    )
    assert np.all(idata.posterior["scale"].values > 0)
    assert idata.posterior["loc"].dims == ("chain", "draw", "k")
    assert list(idata.posterior["k"].values) == ["a", "b", "c"]


def test_finite_differences_warn_and_still_work():
    with pytest.warns(SamplingWarning, match=r"no gradient for 'normal_logp'.*finite differences"):
        idata = ppl.sample_function(normal_logp, {"mu": ()}, draws=300, tune=300, chains=1,
                                    random_seed=3, **QUIET)
    mu = draws_of(idata, "mu")
    assert abs(mu.mean() - EXACT[0]) < 5 * EXACT[1] / np.sqrt(50)


def test_an_op_with_its_own_gradient_is_used_directly():
    op = ppl.blackbox(lambda mu: normal_logp(mu), grad_fn=lambda mu: (np.sum(Y - mu) / SIGMA**2,))
    idata = ppl.sample_function(op, {"mu": ()}, draws=100, tune=100, chains=1, random_seed=4, **QUIET)
    assert idata.posterior["mu"].shape == (1, 100)


def test_bad_specs_and_gradients_are_named():
    with pytest.raises(ModelError, match=r"parameter 'mu' has spec 'x'"):
        ppl.sample_function(normal_logp, {"mu": "x"})
    with pytest.raises(ModelError, match="params is empty"):
        ppl.sample_function(normal_logp, {})
    with pytest.raises(Exception, match=r"grad returned no entries for \['mu'\]"):
        ppl.sample_function(normal_logp, {"mu": ()}, grad=lambda mu: {"nu": 1.0}, draws=5, tune=5,
                            chains=1, **QUIET)
