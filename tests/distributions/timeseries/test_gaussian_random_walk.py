import numpy as np
import pytensor
import pytensor.tensor as pt
import pytest
import scipy.stats as st

import ppl
from ppl.exceptions import ModelError, ParameterValueError, ShapeError
from ppl.logprob.dispatch import support_point
from ppl.testing import Rfinite, Rplus_nonzero, check_logp
from tests.statistical._checks import assert_converged, assert_mean_sd, draws_of, sample_quietly

SERIES = Rfinite  # one series of 9 values, from -100 to 100
INIT_MU, INIT_SIGMA = 0.5, 2.0


def _init():
    return ppl.Normal.dist(INIT_MU, INIT_SIGMA)


class WalkOnGrid:
    """The walk whose values are the series ``SERIES``, as ``check_logp`` needs."""

    __name__ = "GaussianRandomWalk"

    @staticmethod
    def dist(mu, sigma, **kwargs):
        steps = len(SERIES.values) - 1
        return ppl.GaussianRandomWalk.dist(mu, sigma, init_dist=_init(), steps=steps, **kwargs)


def _walk_logp(value, mu, sigma, init_mu=INIT_MU, init_sigma=INIT_SIGMA):
    """Reference: Normal log-density of the first value and of the increments, time summed."""
    value = np.asarray(value)
    first = st.norm.logpdf(value[..., 0], init_mu, init_sigma)
    steps = st.norm.logpdf(
        np.diff(value, axis=-1), np.expand_dims(mu, -1), np.expand_dims(sigma, -1)
    )
    return first + steps.sum(axis=-1)


# --- log-density --------------------------------------------------------------------------------


def test_logp_matches_scipy_and_rejects_invalid_sigma():
    # check_logp also evaluates sigma = 0 and -1: ParameterValueError naming sigma
    check_logp(WalkOnGrid, SERIES, {"mu": Rfinite, "sigma": Rplus_nonzero}, _walk_logp)


def test_logp_with_batched_parameters_and_init_dist():
    mu = np.array([0.0, 1.0, -2.0])
    sigma = np.array([[0.5], [2.0]])
    init_mu = np.array([0.0, 1.0, 2.0])
    walk = ppl.GaussianRandomWalk.dist(mu, sigma, init_dist=ppl.Normal.dist(init_mu, 3.0), steps=6)
    assert walk.type.shape == (2, 3, 7)
    fn = pytensor.function([value := pt.tensor3("value")], ppl.logp(walk, value))
    rng = np.random.default_rng(3)
    for scale in (0.1, 1.0, 10.0):
        x = rng.normal(0.0, scale, size=(2, 3, 7))
        got = fn(x)
        assert got.shape == (2, 3)
        np.testing.assert_allclose(got, _walk_logp(x, mu, sigma, init_mu, 3.0), rtol=1e-12)


def test_default_init_dist_is_a_wide_normal_with_a_warning():
    with pytest.warns(
        UserWarning,
        match=r"GaussianRandomWalk: init_dist not specified, "
        r"defaulting to ppl.Normal.dist\(0, 100\)",
    ) as record:
        walk = ppl.GaussianRandomWalk.dist(mu=0.3, sigma=0.7, steps=3)
    assert record[0].filename == __file__  # points at the caller, not at ppl
    x = np.array([5.0, 4.0, 4.5, 6.0])
    np.testing.assert_allclose(
        ppl.logp(walk, x).eval(), _walk_logp(x, 0.3, 0.7, 0.0, 100.0), rtol=1e-12
    )
    with ppl.Model():
        with pytest.warns(UserWarning, match=r"GaussianRandomWalk 'w': init_dist not specified"):
            ppl.GaussianRandomWalk("w", steps=3)


def test_invalid_sigma_is_named():
    with ppl.Model():
        with pytest.raises(
            ParameterValueError, match=r"GaussianRandomWalk 'w': parameter sigma is -1.0"
        ):
            ppl.GaussianRandomWalk("w", sigma=-1.0, init_dist=_init(), steps=3)
    sigma = pt.dscalar("sigma")
    walk = ppl.GaussianRandomWalk.dist(0.0, sigma, init_dist=_init(), steps=3)
    logp = pytensor.function([sigma], ppl.logp(walk, np.zeros(4)))
    with pytest.raises(ParameterValueError, match=r"GaussianRandomWalk.*sigma > 0"):
        logp(0.0)


# --- shapes -------------------------------------------------------------------------------------


def test_steps_and_shape_give_each_other():
    assert ppl.GaussianRandomWalk.dist(init_dist=_init(), steps=4).type.shape == (5,)
    assert ppl.GaussianRandomWalk.dist(init_dist=_init(), shape=(2, 5)).type.shape == (2, 5)
    assert ppl.GaussianRandomWalk.dist(init_dist=_init(), shape=5, steps=4).type.shape == (5,)
    assert ppl.GaussianRandomWalk.dist(init_dist=_init(), size=(3,), steps=2).type.shape == (3, 3)
    # the batch shape broadcasts from the parameters and the initial distribution
    walk = ppl.GaussianRandomWalk.dist(
        mu=np.zeros((2, 1)), sigma=np.ones(3), init_dist=ppl.Normal.dist(0, 1), steps=1
    )
    assert walk.type.shape == (2, 3, 2)
    walk = ppl.GaussianRandomWalk.dist(init_dist=ppl.Normal.dist(np.zeros(4), 1.0), steps=2)
    assert walk.type.shape == (4, 3)


def test_steps_come_from_dims_and_observed():
    data = np.array([[0.0, 0.5, 1.5], [1.0, 0.0, -1.0]])
    with ppl.Model(coords={"series": ["a", "b"], "time": range(6)}) as model:
        w = ppl.GaussianRandomWalk("w", init_dist=_init(), dims=("series", "time"))
        y = ppl.GaussianRandomWalk("y", init_dist=_init(), observed=data)
    assert w.type.shape == (2, 6)
    assert y.type.shape == (2, 3)
    assert model.initial_point()["w"].shape == (2, 6)
    fn = model.compile_logp(vars=[y], sum=True)
    np.testing.assert_allclose(fn(model.initial_point()), _walk_logp(data, 0.0, 1.0).sum())


def test_steps_follow_resized_data_and_mutable_dims():
    with ppl.Model() as model:
        model.add_coord("time", range(5), mutable=True)
        data = ppl.Data("data", np.arange(4.0))
        w = ppl.GaussianRandomWalk("w", init_dist=_init(), dims="time")
        ppl.GaussianRandomWalk("y", mu=0.5, init_dist=_init(), observed=data)
    logp = model.compile_logp(vars=[model["y"]])
    point = model.initial_point()
    np.testing.assert_allclose(logp(point), _walk_logp(np.arange(4.0), 0.5, 1.0))
    longer = np.array([0.0, 1.0, 3.0, 2.5, 2.0, 4.0])
    ppl.set_data({"data": longer}, coords={"time": range(8)}, model=model)
    np.testing.assert_allclose(logp(point), _walk_logp(longer, 0.5, 1.0))
    assert model.initial_point()["w"].shape == (8,)
    with model:
        prior = ppl.sample_prior_predictive(3, var_names=["w"], random_seed=1)
    assert prior.prior["w"].shape == (1, 3, 8)
    assert w.type.shape == (None,)


def test_shape_errors_name_the_variable():
    with ppl.Model(coords={"time": range(6)}):
        with pytest.raises(
            ShapeError, match=r"GaussianRandomWalk 'a': the number of steps is unknown"
        ):
            ppl.GaussianRandomWalk("a", init_dist=_init())
        with pytest.raises(ShapeError, match=r"GaussianRandomWalk 'b': the number of steps"):
            ppl.GaussianRandomWalk("b", init_dist=_init(), size=(2,))
        with pytest.raises(
            ShapeError,
            match=r"GaussianRandomWalk 'c': shape \(2, 6\) has 6 time points, but "
            r"steps=3 gives 4",
        ):
            ppl.GaussianRandomWalk("c", init_dist=_init(), shape=(2, 6), steps=3)
        with pytest.raises(ShapeError, match=r"GaussianRandomWalk 'd'.*6 time points.*steps=2"):
            ppl.GaussianRandomWalk("d", init_dist=_init(), dims="time", steps=2)
        with pytest.raises(
            ShapeError,
            match=r"GaussianRandomWalk 'e': mu has batch shape \(3,\), which does "
            r"not broadcast to the batch shape \(2,\)",
        ):
            ppl.GaussianRandomWalk("e", mu=np.zeros(3), init_dist=_init(), shape=(2, 6))
        with pytest.raises(ShapeError, match=r"GaussianRandomWalk 'f': steps is -1"):
            ppl.GaussianRandomWalk("f", init_dist=_init(), steps=-1)


def test_init_dist_must_be_an_unnamed_univariate_distribution():
    with ppl.Model():
        start = ppl.Normal("start", 0.0, 1.0)
        with pytest.raises(
            ModelError, match=r"GaussianRandomWalk 'a': init_dist 'start' is a model variable"
        ):
            ppl.GaussianRandomWalk("a", init_dist=start, steps=3)
        with pytest.raises(
            ModelError, match=r"GaussianRandomWalk 'b': init_dist must be univariate"
        ):
            ppl.GaussianRandomWalk(
                "b", init_dist=ppl.MvNormal.dist(np.zeros(2), np.eye(2)), steps=3
            )
        with pytest.raises(
            ModelError, match=r"GaussianRandomWalk 'c': init_dist must be a distribution"
        ):
            ppl.GaussianRandomWalk("c", init_dist=0.0, steps=3)


def test_support_point_is_the_cumulative_drift():
    walk = ppl.GaussianRandomWalk.dist(
        mu=np.array([1.0, -0.5]), init_dist=ppl.Normal.dist(2.0, 1.0), steps=3
    )
    np.testing.assert_allclose(
        support_point(walk).eval(), [[2.0, 3.0, 4.0, 5.0], [2.0, 1.5, 1.0, 0.5]]
    )
    with ppl.Model() as model:
        w = ppl.GaussianRandomWalk("w", init_dist=_init(), steps=2)
    assert model.rvs_to_transforms[w] is None


# --- forward draws ------------------------------------------------------------------------------


def test_draws_have_the_mean_and_variance_of_the_walk(series_moments):
    # x_t = x_0 + t mu + (sum of t innovations): mean m0 + t mu, variance s0^2 + t sigma^2,
    # and Cov(x_t, x_{t+1}) = Var(x_t)
    mu, sigma, steps = 0.5, 1.5, 20
    walk = ppl.GaussianRandomWalk.dist(mu, sigma, init_dist=_init(), steps=steps, size=4000)
    x = ppl.draw(walk, random_seed=11)
    assert x.shape == (4000, steps + 1)
    t = np.arange(steps + 1)
    var = INIT_SIGMA**2 + t * sigma**2
    series_moments(x, mean=INIT_MU + t * mu, var=var, lag1_cov=var[:-1], label="walk")


def test_draws_agree_between_the_python_linker_and_numba():
    walk = ppl.GaussianRandomWalk.dist(np.array([0.0, 1.0]), 2.0, init_dist=_init(), steps=30)
    python = ppl.draw(walk, draws=3, random_seed=4)
    numba = ppl.draw(walk, draws=3, random_seed=4, mode="NUMBA")
    assert python.shape == (3, 2, 31)
    np.testing.assert_allclose(numba, python, rtol=1e-12, atol=1e-12)
    increments = np.diff(numba, axis=-1)
    assert increments[:, 1].mean() > increments[:, 0].mean() + 0.5  # the drifts differ


def test_prior_and_posterior_predictive_in_a_model():
    with ppl.Model(coords={"time": range(8)}) as model:
        drift = ppl.Normal("drift", 0.0, 1.0)
        ppl.GaussianRandomWalk("w", mu=drift, sigma=0.1, init_dist=_init(), dims="time")
        prior = ppl.sample_prior_predictive(300, random_seed=2)
    w, d = prior.prior["w"].values[0], prior.prior["drift"].values[0]
    assert w.shape == (300, 8) and prior.prior["w"].dims[-1] == "time"
    # the increments follow each draw's own drift
    np.testing.assert_allclose(np.diff(w, axis=-1).mean(axis=-1), d, atol=5 * 0.1 / np.sqrt(7))
    with model:
        pp = ppl.sample_posterior_predictive(prior.prior.isel(draw=slice(0, 20)), var_names=["w"])
    assert pp.posterior_predictive["w"].shape == (1, 20, 8)


def test_a_walk_is_a_component_of_a_mixture():
    walks = [
        ppl.GaussianRandomWalk.dist(mu, 1.0, init_dist=ppl.Normal.dist(0.0, 1.0), steps=3)
        for mu in (-5.0, 5.0)
    ]
    mix = ppl.Mixture.dist([0.3, 0.7], walks, size=2)
    assert mix.type.shape == (2, 4)
    x = np.array([0.0, -5.0, -10.0, -15.0])
    expected = np.logaddexp(
        np.log(0.3) + _walk_logp(x, -5.0, 1.0, 0.0, 1.0),
        np.log(0.7) + _walk_logp(x, 5.0, 1.0, 0.0, 1.0),
    )
    np.testing.assert_allclose(ppl.logp(mix, np.stack([x, x])).eval(), [expected] * 2)
    draws = ppl.draw(mix, draws=200, random_seed=3)
    up = draws[..., -1] > draws[..., 0]
    np.testing.assert_allclose(up.mean(), 0.7, atol=4.5 * np.sqrt(0.21 / 400))


# --- posterior ----------------------------------------------------------------------------------

PRIOR_MU, PRIOR_SD, SIGMA = 0.0, 2.0, 0.8


@pytest.mark.slow
def test_posterior_of_the_drift_is_the_conjugate_normal():
    # The increments d_t are iid N(mu, sigma^2) given mu, and the first value's density does not
    # involve mu: with a N(m0, s0^2) prior the posterior of mu is Normal with precision
    # 1/s0^2 + n/sigma^2 and mean (m0/s0^2 + sum(d)/sigma^2) / precision.
    rng = np.random.default_rng(8)
    y = 3.0 + np.cumsum(np.r_[0.0, rng.normal(0.4, SIGMA, size=40)])
    d = np.diff(y)
    precision = 1 / PRIOR_SD**2 + d.size / SIGMA**2
    mean = (PRIOR_MU / PRIOR_SD**2 + d.sum() / SIGMA**2) / precision
    # The library's default backend: the log-density and its gradient compiled by Numba
    with pytensor.config.change_flags(mode="NUMBA"), ppl.Model():
        mu = ppl.Normal("mu", PRIOR_MU, PRIOR_SD)
        ppl.GaussianRandomWalk(
            "y", mu=mu, sigma=SIGMA, init_dist=ppl.Normal.dist(0.0, 10.0), observed=y
        )
        idata = sample_quietly(ppl, draws=500, tune=300, random_seed=21)
    assert_converged(idata, "mu", label="walk drift")
    assert_mean_sd(draws_of(idata, "mu"), mean, precision**-0.5, label="walk drift")
