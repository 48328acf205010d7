import numpy as np
import pytensor.tensor as pt
import pytest
import scipy.stats as st

import ppl
from ppl.logprob.dispatch import support_point
from ppl.testing import Domain, R, Rfinite, Rplus, Rplus_nonzero, check_logp


def normal_logp(value, mu, sigma):
    return -0.5 * ((value - mu) / sigma) ** 2 - pt.log(sigma) - 0.5 * np.log(2 * np.pi)


def normal_random(mu, sigma, rng=None, size=None):
    return rng.normal(mu, sigma, size=size)


def normal_logcdf(value, mu, sigma):
    return pt.log(0.5 * pt.erfc(-(value - mu) / (sigma * np.sqrt(2.0))))


class FunctionNormal:
    __name__ = "CustomDist(logp=)"

    @staticmethod
    def dist(mu, sigma, **kwargs):
        return ppl.CustomDist.dist(mu, sigma, logp=normal_logp, random=normal_random, **kwargs)


# --- logp= ---------------------------------------------------------------------------------------


def test_logp_function_is_the_log_density():
    check_logp(
        FunctionNormal,
        Domain((-2.1, 0.0, 1.0, 30.0)),
        {"mu": Rfinite, "sigma": Rplus_nonzero},
        lambda value, mu, sigma: st.norm.logpdf(value, mu, sigma),
        check_invalid=False,
    )


def test_logcdf_and_support_point_functions_are_used():
    x = ppl.CustomDist.dist(
        1.0,
        2.0,
        logp=normal_logp,
        logcdf=normal_logcdf,
        support_point=lambda rv, size, mu, sigma: pt.full_like(rv, mu + sigma),
        size=3,
    )
    np.testing.assert_allclose(ppl.logcdf(x, 0.5).eval(), st.norm.logcdf(0.5, 1.0, 2.0))
    np.testing.assert_allclose(support_point(x).eval(), [3.0, 3.0, 3.0])
    default = ppl.CustomDist.dist(1.0, 2.0, logp=normal_logp, size=2)
    np.testing.assert_array_equal(support_point(default).eval(), [0.0, 0.0])


@pytest.mark.parametrize("mode", [None, "NUMBA"])
def test_random_function_draws(mode):
    x = FunctionNormal.dist(1.0, 2.0, size=2000)
    draws = ppl.draw(x, random_seed=3, mode=mode)
    assert draws.shape == (2000,)
    assert st.kstest(draws, st.norm(1.0, 2.0).cdf).pvalue > 0.001
    np.testing.assert_array_equal(draws, ppl.draw(x, random_seed=3, mode=mode))


def test_without_random_forward_sampling_names_the_variable():
    with ppl.Model() as model:
        mu = ppl.Normal("mu", 0.0, 1.0)
        y = ppl.CustomDist("y", mu, 1.0, logp=normal_logp)
    with pytest.raises(NotImplementedError, match=r"CustomDist 'y': cannot draw.*random="):
        ppl.draw(y)
    with pytest.raises(NotImplementedError, match=r"CustomDist 'y': cannot draw"):
        ppl.sample_prior_predictive(10, model=model, random_seed=1)
    assert model.initial_point()["y"] == 0.0


def test_without_logp_the_log_density_is_a_clear_error():
    with ppl.Model() as model:
        ppl.CustomDist(
            "y",
            0.0,
            random=lambda mu, rng=None, size=None: rng.normal(mu, size=size),
            observed=[0.1],
        )
    with pytest.raises(NotImplementedError, match=r"CustomDist 'y': no logp was given"):
        model.logp()


def test_observed_with_dims_and_free_with_nuts():
    data = np.array([0.3, -0.2, 1.1, 0.6])
    with ppl.Model(coords={"obs": range(4)}) as model:
        mu = ppl.CustomDist("mu", 0.0, 1.0, logp=normal_logp, random=normal_random)
        y = ppl.CustomDist(
            "y",
            mu,
            0.5,
            logp=normal_logp,
            random=normal_random,
            observed=data,
            dims="obs",
            class_name="MyNormal",
        )
        idata = ppl.sample(
            draws=300,
            tune=300,
            chains=1,
            random_seed=4,
            progressbar=False,
            compute_convergence_checks=False,
            mode="NUMBA",
        )
    assert "y ~ MyNormal (observed)" in repr(model)
    assert y.type.shape == (4,) and model.named_vars_to_dims["y"] == ("obs",)
    # conjugate: mu | y ~ N(sum(y) / (n + 0.25), sqrt(0.25 / (n + 0.25)))
    mean = data.sum() / (4 + 0.25)
    assert abs(float(idata.posterior["mu"].mean()) - mean) < 0.15
    with model:
        pp = ppl.sample_posterior_predictive(idata, random_seed=5)
    assert pp.posterior_predictive["y"].shape == (1, 300, 4)


def test_multivariate_custom_distribution_with_a_signature():
    def logp(value, mu):
        return pt.sum(normal_logp(value, mu, 1.0), axis=-1)

    def random(mu, rng=None, size=None):
        return rng.normal(mu, 1.0, size=None if size is None else (*size, mu.shape[-1]))

    x = ppl.CustomDist.dist(np.zeros(3), logp=logp, random=random, signature="(n)->(n)", size=2)
    assert x.type.shape == (2, 3)
    assert ppl.draw(x, random_seed=1).shape == (2, 3)
    np.testing.assert_allclose(ppl.logp(x, np.zeros((2, 3))).eval(), [-3 * 0.9189385332] * 2)


def test_dist_and_random_together_are_rejected():
    with pytest.raises(ValueError, match="give dist or random, not both"):
        ppl.CustomDist.dist(
            0.0, dist=lambda mu, size: ppl.Normal.dist(mu, size=size), random=normal_random
        )


# --- dist= ---------------------------------------------------------------------------------------


class ExpNormal:
    __name__ = "CustomDist(dist=exp(Normal))"

    @staticmethod
    def dist(mu, sigma, **kwargs):
        return ppl.CustomDist.dist(
            mu,
            sigma,
            dist=lambda mu, sigma, size: pt.exp(ppl.Normal.dist(mu, sigma, size=size)),
            **kwargs,
        )


class AffineNormal:
    """``loc - scale * Normal(mu, 1) / 2``: shift, negation, scaling and division by parameters."""

    __name__ = "CustomDist(dist=affine(Normal))"

    @staticmethod
    def dist(mu, loc, scale, **kwargs):
        def build(mu, loc, scale, size):
            return loc - scale * ppl.Normal.dist(mu, 1.0, size=size) / 2.0

        return ppl.CustomDist.dist(mu, loc, scale, dist=build, **kwargs)


def test_logp_of_exp_of_a_normal_is_the_lognormal():
    check_logp(
        ExpNormal,
        Rplus,
        {"mu": Rfinite, "sigma": Rplus_nonzero},
        lambda value, mu, sigma: st.lognorm.logpdf(value, sigma, scale=np.exp(mu)),
    )


def test_logp_of_an_affine_transformation():
    check_logp(
        AffineNormal,
        R,
        {"mu": Domain((-1.0, 0.0, 2.0)), "loc": Rfinite, "scale": Domain((-3.0, 0.5, 2.0))},
        lambda value, mu, loc, scale: st.norm.logpdf(
            value, loc - scale * mu / 2.0, abs(scale) / 2.0
        ),
        check_invalid=False,
    )


def test_logp_of_log_and_of_a_shifted_discrete_variable():
    log_gamma = ppl.CustomDist.dist(
        2.0, dist=lambda a, size: pt.log(ppl.Gamma.dist(a, 1.0, size=size))
    )
    value = np.array([-1.0, 0.0, 1.5])
    np.testing.assert_allclose(
        ppl.logp(log_gamma, value).eval(), st.gamma.logpdf(np.exp(value), 2.0) + value
    )
    shifted = ppl.CustomDist.dist(3.0, dist=lambda mu, size: ppl.Poisson.dist(mu, size=size) + 1)
    k = np.array([0, 1, 4])
    np.testing.assert_allclose(ppl.logp(shifted, k).eval(), st.poisson.logpmf(k - 1, 3.0))
    assert shifted.dtype == "int64"


def test_graphs_that_cannot_be_inverted_name_the_variable_and_the_op():
    with ppl.Model() as model:
        ppl.CustomDist(
            "a", 0.0, dist=lambda mu, size: pt.abs(ppl.Normal.dist(mu, size=size)), observed=[1.0]
        )
    with pytest.raises(NotImplementedError, match=r"CustomDist 'a': cannot derive .*Abs.*logp="):
        model.logp()
    two = ppl.CustomDist.dist(
        0.0, dist=lambda mu, size: ppl.Normal.dist(mu, size=size) + ppl.Normal.dist(size=size)
    )
    with pytest.raises(
        NotImplementedError, match=r"Add in the dist graph combines 2 random inputs"
    ):
        ppl.logp(two, 0.0)
    given = ppl.CustomDist.dist(
        0.0,
        dist=lambda mu, size: pt.abs(ppl.Normal.dist(mu, size=size)),
        logp=lambda value, mu: pt.switch(
            value >= 0, np.log(2.0) + normal_logp(value, mu, 1.0), -np.inf
        ),
    )
    np.testing.assert_allclose(ppl.logp(given, 0.5).eval(), np.log(2) + st.norm.logpdf(0.5))


def test_dist_graph_draws_shapes_transform_and_support_point():
    x = ExpNormal.dist(0.5, 0.7, size=3000)
    assert x.type.shape == (3000,)
    draws = ppl.draw(x, random_seed=2, mode="NUMBA")
    assert st.kstest(draws, st.lognorm(0.7, scale=np.exp(0.5)).cdf).pvalue > 0.001
    with ppl.Model(coords={"i": range(3)}) as model:
        z = ExpNormal.dist(0.0, 1.0)
        y = ppl.CustomDist(
            "y",
            0.0,
            1.0,
            dist=lambda mu, sigma, size: pt.exp(ppl.Normal.dist(mu, sigma, size=size)),
            dims="i",
        )
    assert y.type.shape == (3,) and z.type.shape == ()
    assert [v.name for v in model.value_vars] == [
        "y_interval__"
    ]  # exp(.) > 0: sampled on log scale
    np.testing.assert_allclose(model.initial_point()["y_interval__"], np.zeros(3))  # at exp(0)
    np.testing.assert_allclose(support_point(ExpNormal.dist(1.0, 1.0)).eval(), np.e)


def test_dist_graph_as_a_mixture_component_is_resized():
    comp = ExpNormal.dist(0.0, 0.5)
    y = ppl.Mixture.dist([0.5, 0.5], [comp, ppl.Normal.dist(-10.0, 1.0)], size=200)
    draws = ppl.draw(y, random_seed=3)
    positive = draws[draws > -5]
    assert positive.size > 50 and positive.min() > 0
    np.testing.assert_allclose(
        ppl.logp(y, 1.2).eval()[0],
        np.log(0.5 * st.lognorm.pdf(1.2, 0.5) + 0.5 * st.norm.pdf(1.2, -10.0, 1.0)),
    )
