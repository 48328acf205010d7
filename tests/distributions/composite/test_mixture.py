import numpy as np
import pytensor
import pytensor.tensor as pt
import pytest
import scipy.stats as st
from scipy.special import logsumexp

import ppl
from ppl.exceptions import ModelError, ParameterValueError, ShapeError
from ppl.logprob.dispatch import support_point
from ppl.testing import (
    Domain,
    Nat,
    R,
    Rfinite,
    Rplus_nonzero,
    check_draws,
    check_logcdf,
    check_logp,
)
from ppl.transforms.elementwise import LogTransform
from tests.statistical._checks import assert_converged, assert_mean_sd, draws_of, sample_quietly

W = Domain((0.0, 0.1, 0.5, 0.9, 1.0), outside=(-0.1, 1.1))


class TwoNormals:
    """``w N(mu0, sigma) + (1 - w) StudentT(3, mu1, sigma)``: components of different families."""

    __name__ = "Mixture(Normal, StudentT)"

    @staticmethod
    def dist(w, mu0, mu1, sigma, **kwargs):
        comps = [ppl.Normal.dist(mu0, sigma), ppl.StudentT.dist(nu=3.0, mu=mu1, sigma=sigma)]
        return ppl.Mixture.dist(pt.stack([w, 1.0 - w]), comps, **kwargs)


def _two_normals(value, w, mu0, mu1, sigma, what="logpdf"):
    with np.errstate(divide="ignore"):
        terms = [
            np.log(w) + getattr(st.norm, what)(value, mu0, sigma),
            np.log1p(-w) + getattr(st.t, what)(value, 3.0, mu1, sigma),
        ]
    return logsumexp(terms, axis=0)


PARAMS = {"w": W, "mu0": Rfinite, "mu1": Domain((-2.1, 0.0, 3.0)), "sigma": Rplus_nonzero}


def test_logp_is_the_weighted_log_sum_exp_of_the_components():
    check_logp(TwoNormals, R, PARAMS, _two_normals)


def test_logcdf_is_the_weighted_log_sum_exp_of_the_components():
    check_logcdf(
        TwoNormals,
        R,
        PARAMS,
        lambda value, **p: _two_normals(value, **p, what="logcdf"),
        n_samples=50,
    )


class PoissonPair:
    """One Poisson distribution with a last axis of two components."""

    __name__ = "Mixture(Poisson[2])"

    @staticmethod
    def dist(w, mu0, mu1, **kwargs):
        return ppl.Mixture.dist(
            pt.stack([w, 1 - w]), ppl.Poisson.dist(pt.stack([mu0, mu1])), **kwargs
        )


def test_single_component_with_a_component_axis_matches_scipy():
    def reference(value, w, mu0, mu1):
        with np.errstate(divide="ignore"):
            return np.logaddexp(
                np.log(w) + st.poisson.logpmf(value, mu0),
                np.log1p(-w) + st.poisson.logpmf(value, mu1),
            )

    mus = Domain((0.5, 3.0, 20.0))
    check_logp(PoissonPair, Nat, {"w": W, "mu0": mus, "mu1": mus}, reference, n_samples=40)


def test_multivariate_components():
    cov = np.array([[1.0, 0.3], [0.3, 2.0]])
    comps = [
        ppl.MvNormal.dist(np.zeros(2), cov),
        ppl.MvNormal.dist(np.array([3.0, -1.0]), np.eye(2)),
    ]
    y = ppl.Mixture.dist([0.25, 0.75], comps, size=3)
    assert y.type.shape == (3, 2)
    value = np.array([[0.5, 1.0], [3.0, -1.0], [10.0, 10.0]])
    expected = np.logaddexp(
        np.log(0.25) + st.multivariate_normal(np.zeros(2), cov).logpdf(value),
        np.log(0.75) + st.multivariate_normal([3.0, -1.0], np.eye(2)).logpdf(value),
    )
    np.testing.assert_allclose(ppl.logp(y, value).eval(), expected, rtol=1e-10)
    np.testing.assert_allclose(support_point(y).eval(), np.tile([2.25, -0.75], (3, 1)))
    # one MvNormal whose batch axis indexes the components
    single = ppl.Mixture.dist(
        [0.25, 0.75], ppl.MvNormal.dist(np.array([[0.0, 0.0], [3.0, -1.0]]), np.eye(2))
    )
    assert single.type.shape == (2,)
    draws = ppl.draw(single, draws=400, random_seed=3)
    np.testing.assert_allclose((draws[:, 0] > 1.5).mean(), 0.75, atol=0.07)


class _MixtureReference:
    def __init__(self, w, dists):
        self.w, self.dists = np.asarray(w), dists

    def cdf(self, x):
        return sum(w * d.cdf(x) for w, d in zip(self.w, self.dists, strict=True))

    def pmf(self, x):
        return sum(w * d.pmf(x) for w, d in zip(self.w, self.dists, strict=True))


def test_draws_match_the_mixture_cdf():
    check_draws(
        TwoNormals,
        {"w": 0.3, "mu0": -2.0, "mu1": 2.0, "sigma": 1.0},
        _MixtureReference([0.3, 0.7], [st.norm(-2.0, 1.0), st.t(3.0, 2.0, 1.0)]),
    )


def test_discrete_mixture_draws_and_dtype():
    check_draws(
        PoissonPair,
        {"w": 0.4, "mu0": 1.0, "mu1": 6.0},
        _MixtureReference([0.4, 0.6], [st.poisson(1.0), st.poisson(6.0)]),
    )


def test_discrete_mixture_is_sampled_by_a_discrete_step():
    with ppl.Model() as model:
        k = ppl.Mixture(
            "k", w=[0.3, 0.7], comp_dists=[ppl.Poisson.dist(1.0), ppl.Poisson.dist(8.0)]
        )
        ppl.Normal("mu", 0.0, 1.0)
    assert k.dtype == "int64" and model.rvs_to_values[k].dtype == "int64"
    assert model.rvs_to_transforms[k] is None
    assert model.initial_point()["k"] == 6  # round(0.3 * 1 + 0.7 * 8)
    steps = ppl.assign_step_methods(model)
    assert [type(s).__name__ for s in steps] == ["NUTS", "Metropolis"]
    assert steps[1].value_vars == [model.rvs_to_values[k]]


def test_default_transform_is_the_components_shared_one():
    with ppl.Model() as model:
        a = ppl.Mixture("a", [0.5, 0.5], [ppl.Gamma.dist(2.0, 1.0), ppl.Exponential.dist(1.0)])
        b = ppl.Mixture("b", [0.5, 0.5], [ppl.Gamma.dist(2.0, 1.0), ppl.Normal.dist()])
        c = ppl.Mixture("c", [0.5, 0.5], [ppl.Uniform.dist(0, 1), ppl.Uniform.dist(0, 2)])
    assert isinstance(model.rvs_to_transforms[a], LogTransform)
    assert model.rvs_to_transforms[b] is None and model.rvs_to_transforms[c] is None
    assert float(model.initial_point()["a_log__"]) == pytest.approx(np.log(1.5))


def test_shapes_broadcast_weights_and_components():
    w = np.array([[0.2, 0.8], [0.5, 0.5], [0.9, 0.1]])
    y = ppl.Mixture.dist(w, [ppl.Normal.dist(0.0, 1.0), ppl.Normal.dist(np.zeros((4, 1)), 1.0)])
    assert y.type.shape == (4, 3)
    assert ppl.draw(y, draws=2, random_seed=1).shape == (2, 4, 3)
    with ppl.Model(coords={"obs": range(5)}):
        z = ppl.NormalMixture("z", w=[0.5, 0.5], mu=[0.0, 1.0], sigma=1.0, dims="obs")
        o = ppl.Mixture("o", [0.5, 0.5], ppl.Poisson.dist([1.0, 2.0]), observed=[1, 2, 0])
    assert z.type.shape == (5,) and o.type.shape == (3,)
    with pytest.raises(ShapeError, match=r"Mixture: shapes .* do not broadcast"):
        ppl.Mixture.dist(w, [ppl.Normal.dist(np.zeros(4), 1.0), ppl.Normal.dist()])


def test_invalid_weights_and_components_are_named():
    with ppl.Model():
        comps = [ppl.Normal.dist(), ppl.Normal.dist()]
        with pytest.raises(
            ParameterValueError, match=r"Mixture 'a': parameter w is \[-0.5,  1.5\]"
        ):
            ppl.Mixture("a", w=[-0.5, 1.5], comp_dists=comps)
        with pytest.raises(ParameterValueError, match=r"Mixture 'b': parameter w sums to 0.9"):
            ppl.Mixture("b", w=[0.5, 0.4], comp_dists=comps)
        with pytest.raises(ShapeError, match=r"Mixture 'c': w has 3 weights .* 2 components"):
            ppl.Mixture("c", w=[0.2, 0.3, 0.5], comp_dists=comps)
        with pytest.raises(ShapeError, match=r"Mixture 'd': a single component distribution needs"):
            ppl.Mixture("d", w=[1.0], comp_dists=ppl.Normal.dist())
        with pytest.raises(ShapeError, match=r"Mixture 'e': components have support dimensions"):
            ppl.Mixture(
                "e",
                w=[0.5, 0.5],
                comp_dists=[ppl.Normal.dist(), ppl.MvNormal.dist(np.zeros(2), np.eye(2))],
            )
        with pytest.raises(ModelError, match=r"Mixture 'f': comp_dists is empty"):
            ppl.Mixture("f", w=[1.0], comp_dists=[])
    w = pt.dvector("w")
    logp = pytensor.function(
        [w], ppl.logp(ppl.Mixture.dist(w, [ppl.Normal.dist(), ppl.Normal.dist()]), 0.0)
    )
    with pytest.raises(
        ParameterValueError, match=r"Mixture: parameters must satisfy 0 <= w <= 1 and sum"
    ):
        logp(np.array([0.5, 0.6]))


# --- posterior ----------------------------------------------------------------------------------

W_TRUE = np.array([0.3, 0.7])
PRIOR_MU, PRIOR_SD = np.array([-2.0, 2.0]), 2.0


def _mixture_data():
    rng = np.random.default_rng(11)
    labels = rng.random(25) < W_TRUE[1]
    return np.where(labels, rng.normal(2.5, 1.0, 25), rng.normal(-1.5, 1.0, 25))


def _grid_posterior(y):
    """Posterior means and sds of the two means on a 300 x 300 grid covering both modes."""
    grid = np.linspace(-7.0, 7.0, 300)
    m0, m1 = np.meshgrid(grid, grid, indexing="ij")
    log_post = st.norm.logpdf(m0, PRIOR_MU[0], PRIOR_SD) + st.norm.logpdf(m1, PRIOR_MU[1], PRIOR_SD)
    for value in y:
        log_post += np.logaddexp(
            np.log(W_TRUE[0]) + st.norm.logpdf(value, m0, 1.0),
            np.log(W_TRUE[1]) + st.norm.logpdf(value, m1, 1.0),
        )
    p = np.exp(log_post - log_post.max())
    p /= p.sum()
    means = np.array([(p * m0).sum(), (p * m1).sum()])
    sds = np.sqrt(np.array([(p * m0**2).sum(), (p * m1**2).sum()]) - means**2)
    return means, sds


@pytest.mark.slow
def test_posterior_of_the_component_means_matches_a_grid():
    y = _mixture_data()
    with ppl.Model():
        mu = ppl.Normal("mu", PRIOR_MU, PRIOR_SD)
        ppl.NormalMixture("y", w=W_TRUE, mu=mu, sigma=1.0, observed=y)
        idata = sample_quietly(ppl, draws=400, tune=300, random_seed=2024)
    assert_converged(idata, "mu", label="mixture")
    mean, sd = _grid_posterior(y)
    assert_mean_sd(draws_of(idata, "mu"), mean, sd, label="mixture mu")
