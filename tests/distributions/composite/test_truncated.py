import numpy as np
import pytensor
import pytensor.tensor as pt
import pytest
import scipy.stats as st

import ppl
from ppl.exceptions import ModelError, ParameterValueError, SamplingError
from ppl.logprob.dispatch import support_point
from ppl.testing import Domain, Nat, R, Rplus_nonzero, check_draws, check_logcdf, check_logp
from tests.statistical._checks import assert_converged, assert_mean_sd, draws_of, sample_quietly

MU = Domain((-2.1, 0.0, 1.0, 30.0))
LOWER = Domain((-np.inf, -1.0, 0.0, 0.5))
UPPER = Domain((0.75, 2.1, np.inf))


class TruncatedNormal:
    """``Truncated(Normal(mu, sigma), lower, upper)`` with the keyword arguments of the checks."""

    __name__ = "Truncated(Normal)"

    @staticmethod
    def dist(mu, sigma, lower, upper, **kwargs):
        return ppl.Truncated.dist(ppl.Normal.dist(mu, sigma), lower=lower, upper=upper, **kwargs)


class TruncatedPoisson:
    __name__ = "Truncated(Poisson)"

    @staticmethod
    def dist(mu, lower, upper, **kwargs):
        return ppl.Truncated.dist(ppl.Poisson.dist(mu), lower=lower, upper=upper, **kwargs)


class TruncatedGamma:
    __name__ = "Truncated(Gamma)"

    @staticmethod
    def dist(alpha, beta, lower, upper, **kwargs):
        return ppl.Truncated.dist(ppl.Gamma.dist(alpha, beta), lower=lower, upper=upper, **kwargs)


def _truncnorm(mu, sigma, lower, upper):
    return st.truncnorm((lower - mu) / sigma, (upper - mu) / sigma, loc=mu, scale=sigma)


def test_logp_matches_scipy_truncnorm():
    # The grid includes truncation 30 standard deviations into either tail (mu=30, sigma=1):
    # there the mass comes from the survival function, not from log-CDFs that round to 0.
    check_logp(
        TruncatedNormal,
        R,
        {"mu": MU, "sigma": Rplus_nonzero, "lower": LOWER, "upper": UPPER},
        lambda value, mu, sigma, lower, upper: _truncnorm(mu, sigma, lower, upper).logpdf(value),
        n_samples=120,
        rtol=1e-6,
    )


def test_logcdf_matches_scipy_truncnorm():
    check_logcdf(
        TruncatedNormal,
        R,
        {"mu": MU, "sigma": Rplus_nonzero, "lower": LOWER, "upper": UPPER},
        lambda value, mu, sigma, lower, upper: _truncnorm(mu, sigma, lower, upper).logcdf(value),
        n_samples=60,
        rtol=1e-6,
    )


def _truncated_poisson_logpmf(value, mu, lower, upper):
    mass = st.poisson.cdf(upper, mu) - st.poisson.cdf(lower - 1, mu)
    inside = (value >= lower) & (value <= upper)
    return np.where(inside, st.poisson.logpmf(value, mu) - np.log(mass), -np.inf)


def test_truncated_poisson_logp_and_logcdf_match_the_direct_formula():
    params = {
        "mu": Domain((0.5, 3.0, 20.0), outside=(-1.0,)),
        "lower": Domain((0.0, 2.0), dtype="float64"),
        "upper": Domain((5.0, 10.0, np.inf)),
    }
    check_logp(TruncatedPoisson, Nat, params, _truncated_poisson_logpmf, rtol=1e-6)

    def logcdf(value, mu, lower, upper):
        mass = st.poisson.cdf(upper, mu) - st.poisson.cdf(lower - 1, mu)
        below = st.poisson.cdf(np.minimum(value, upper), mu) - st.poisson.cdf(lower - 1, mu)
        with np.errstate(divide="ignore"):
            return np.where(value < lower, -np.inf, np.log(below / mass))

    check_logcdf(TruncatedPoisson, Nat, params, logcdf, rtol=1e-6)


def test_discrete_truncation_is_discrete_and_not_transformed():
    with ppl.Model() as model:
        k = ppl.Truncated("k", ppl.Poisson.dist(3.0), lower=1, upper=8, shape=2)
    assert model.rvs_to_values[k].dtype == "int64"
    assert model.rvs_to_transforms[k] is None
    np.testing.assert_array_equal(model.initial_point()["k"], [3, 3])


def test_interval_transform_on_the_truncation_and_base_support():
    with ppl.Model() as model:
        a = ppl.Truncated("a", ppl.Normal.dist(0.0, 1.0), lower=-1.0, upper=2.0)
        b = ppl.Truncated("b", ppl.Gamma.dist(2.0, 1.0), upper=3.0)  # lower bound 0 from Gamma
        c = ppl.Truncated("c", ppl.Normal.dist(0.0, 1.0), lower=0.5)
        ppl.Truncated("d", ppl.Normal.dist(0.0, 1.0))
    point = model.initial_point()
    assert [v.name for v in model.value_vars] == [
        "a_interval__",
        "b_interval__",
        "c_interval__",
        "d",
    ]
    values = {
        rv.name: model.rvs_to_transforms[rv]
        .backward(point[model.rvs_to_values[rv].name], *rv.owner.inputs)
        .eval()
        for rv in (a, b, c)
    }
    assert -1.0 < values["a"] < 2.0 and 0.0 < values["b"] < 3.0 and values["c"] > 0.5
    logp = model.compile_logp()
    assert np.isfinite(
        logp({**point, "b_interval__": np.array(-30.0), "c_interval__": np.array(5.0)})
    )


def test_support_point_is_inside_the_truncation():
    def point(base, **bounds):
        return float(support_point(ppl.Truncated.dist(base, **bounds)).eval())

    assert point(ppl.Normal.dist(0.0, 1.0), lower=-1.0, upper=1.0) == 0.0
    assert point(ppl.Normal.dist(0.0, 1.0), lower=1.0, upper=3.0) == 2.0
    assert point(ppl.Normal.dist(0.0, 1.0), lower=1.0) == 2.0
    assert point(ppl.Normal.dist(0.0, 1.0), upper=-1.0) == -2.0
    assert 0.2 < point(ppl.Beta.dist(5.0, 5.0), lower=0.2) < 1.0


def test_icdf_draws_match_scipy():
    check_draws(
        TruncatedNormal,
        {"mu": 1.0, "sigma": 2.0, "lower": -1.0, "upper": 4.0},
        _truncnorm(1.0, 2.0, -1.0, 4.0),
    )


class _TruncatedGammaReference:
    def __init__(self, alpha, beta, upper):
        self.base, self.upper = st.gamma(alpha, scale=1 / beta), upper

    def cdf(self, x):
        return np.minimum(self.base.cdf(x) / self.base.cdf(self.upper), 1.0)


def test_rejection_draws_match_the_truncated_gamma():
    # Gamma has no inverse CDF: these draws come from rejection sampling, here in the Numba kernel
    x = TruncatedGamma.dist(2.0, 1.0, lower=None, upper=1.5)
    assert x.owner.op.sampler == "rejection"
    with pytensor.config.change_flags(mode="NUMBA"):
        check_draws(
            TruncatedGamma,
            {"alpha": 2.0, "beta": 1.0, "lower": None, "upper": 1.5},
            _TruncatedGammaReference(2.0, 1.0, 1.5),
        )


class _TruncatedPoissonReference:
    def pmf(self, k):
        return np.exp(_truncated_poisson_logpmf(k, 3.0, 2, 6))


def test_discrete_rejection_draws_match_the_truncated_poisson():
    check_draws(TruncatedPoisson, {"mu": 3.0, "lower": 2, "upper": 6}, _TruncatedPoissonReference())


@pytest.mark.parametrize("mode", [None, "NUMBA"])
def test_rejection_sampling_gives_up_after_max_n_steps(mode):
    x = ppl.Truncated.dist(ppl.Poisson.dist(1.0), lower=60, max_n_steps=5)
    with pytest.raises(SamplingError, match="max_n_steps=5"):
        ppl.draw(x, random_seed=1, mode=mode)


def test_shapes_broadcast_bounds_and_base():
    x = ppl.Truncated.dist(ppl.Normal.dist(np.zeros(3), 1.0), lower=np.array([[-1.0], [0.0]]))
    assert x.type.shape == (2, 3)
    draws = ppl.draw(x, draws=20, random_seed=4)
    assert draws.shape == (20, 2, 3) and (draws[:, 1] >= 0).all()
    with ppl.Model(coords={"i": range(4)}):
        y = ppl.Truncated("y", ppl.Normal.dist(0.0, 1.0), lower=0.0, dims="i")
    assert y.type.shape == (4,)


def test_invalid_arguments_are_named():
    with ppl.Model():
        with pytest.raises(
            ParameterValueError, match=r"Truncated 'x': lower is 2.0 and upper is 1.0"
        ):
            ppl.Truncated("x", ppl.Normal.dist(), lower=2.0, upper=1.0)
        with pytest.raises(ModelError, match=r"Truncated 'y'.*univariate"):
            ppl.Truncated("y", ppl.MvNormal.dist(np.zeros(2), np.eye(2)), lower=0.0)
        with pytest.raises(ParameterValueError, match=r"Truncated 'z'.*max_n_steps is 0"):
            ppl.Truncated("z", ppl.Normal.dist(), lower=0.0, max_n_steps=0)
    lower = pt.dscalar("lower")
    logp = pytensor.function([lower], ppl.logp(TruncatedNormal.dist(0.0, 1.0, lower, 2.0), 1.5))
    with pytest.raises(ParameterValueError, match="Truncated.*lower <= upper"):
        logp(3.0)


@pytest.mark.slow
def test_nuts_recovers_the_truncated_normal_moments():
    exact = _truncnorm(0.5, 1.0, -1.0, 2.0)
    with ppl.Model():
        ppl.Truncated("x", ppl.Normal.dist(0.5, 1.0), lower=-1.0, upper=2.0)
        idata = sample_quietly(ppl, draws=400, tune=300, random_seed=314)
    assert_converged(idata, "x", label="truncated")
    assert_mean_sd(draws_of(idata, "x"), exact.mean(), exact.std(), label="truncated x")
