import numpy as np
import pytensor
import pytensor.tensor as pt
import pytest
import scipy.stats as st

import ppl
from ppl.exceptions import ModelError, ParameterValueError, ShapeError
from ppl.logprob.dispatch import support_point
from ppl.testing import Domain, Rfinite, Rplus_nonzero, check_logp
from tests.statistical._checks import assert_converged, assert_mean_sd, draws_of, sample_quietly

SERIES = Rfinite  # one series of 9 values, from -100 to 100
RHO = Domain((-1.5, -0.5, 0.0, 0.3, 1.0, 2.0))
INIT_MU, INIT_SIGMA = 0.5, 2.0


def _init():
    return ppl.Normal.dist(INIT_MU, INIT_SIGMA)


def _ar_logp(x, rho, sigma, *, constant=False, init_logp=None):
    """Reference, one time point at a time: init log-density + Normal innovations."""
    x, rho, sigma = np.asarray(x, float), np.atleast_1d(np.asarray(rho, float)), np.asarray(sigma)
    order = rho.shape[-1] - int(constant)
    if init_logp is None:
        init_logp = st.norm(INIT_MU, INIT_SIGMA).logpdf(x[..., :order]).sum(axis=-1)
    total = init_logp
    for t in range(order, x.shape[-1]):
        mean = rho[..., 0] if constant else 0.0
        for k in range(1, order + 1):
            mean = mean + rho[..., int(constant) + k - 1] * x[..., t - k]
        total = total + st.norm.logpdf(x[..., t], mean, sigma)
    return total


class AR1OnGrid:
    __name__ = "AR(1)"

    @staticmethod
    def dist(rho, sigma, **kwargs):
        steps = len(SERIES.values) - 1
        return ppl.AR.dist(rho, sigma, init_dist=_init(), steps=steps, **kwargs)


class AR2OnGrid:
    __name__ = "AR(2)"

    @staticmethod
    def dist(rho1, rho2, sigma, **kwargs):
        steps = len(SERIES.values) - 2
        return ppl.AR.dist(pt.stack([rho1, rho2]), sigma, init_dist=_init(), steps=steps, **kwargs)


class AR1ConstantOnGrid:
    __name__ = "AR(1) with a constant"

    @staticmethod
    def dist(c, rho, sigma, **kwargs):
        steps = len(SERIES.values) - 1
        return ppl.AR.dist(
            pt.stack([c, rho]), sigma, constant=True, init_dist=_init(), steps=steps, **kwargs
        )


# --- log-density --------------------------------------------------------------------------------


def test_logp_of_order_1_matches_scipy_and_rejects_invalid_sigma():
    # check_logp also evaluates sigma = 0 and -1: ParameterValueError naming sigma
    check_logp(
        AR1OnGrid,
        SERIES,
        {"rho": RHO, "sigma": Rplus_nonzero},
        lambda value, rho, sigma: _ar_logp(value, rho, sigma),
    )


def test_logp_of_order_2_matches_scipy():
    check_logp(
        AR2OnGrid,
        SERIES,
        {"rho1": RHO, "rho2": Domain((-0.7, 0.2, 1.1)), "sigma": Rplus_nonzero},
        lambda value, rho1, rho2, sigma: _ar_logp(value, [rho1, rho2], sigma),
    )


def test_logp_with_a_constant_matches_scipy():
    check_logp(
        AR1ConstantOnGrid,
        SERIES,
        {"c": Rfinite, "rho": RHO, "sigma": Rplus_nonzero},
        lambda value, c, rho, sigma: _ar_logp(value, [c, rho], sigma, constant=True),
    )


def test_logp_with_batched_coefficients_and_per_lag_init():
    rho = np.array([[1.0, 0.5, -0.3], [-2.0, 0.1, 0.8]])  # (c, rho_1, rho_2) per series
    sigma = np.array([0.5, 3.0])
    # a univariate init_dist's last axis runs over the ar_order initial values
    init = ppl.Normal.dist(np.array([0.0, 1.0]), np.array([1.0, 2.0]))
    ar = ppl.AR.dist(rho, sigma, constant=True, init_dist=init, steps=7)
    assert ar.type.shape == (2, 9)
    fn = pytensor.function([value := pt.matrix("value", dtype="float64")], ppl.logp(ar, value))
    rng = np.random.default_rng(5)
    for scale in (0.1, 1.0, 10.0):
        x = rng.normal(0.0, scale, size=(2, 9))
        init_logp = st.norm.logpdf(x[:, :2], [0.0, 1.0], [1.0, 2.0]).sum(axis=-1)
        expected = _ar_logp(x, rho, sigma, constant=True, init_logp=init_logp)
        np.testing.assert_allclose(fn(x), expected, rtol=1e-12)


def test_tau_is_the_precision_of_the_innovations():
    x = np.array([0.3, -0.2, 0.9, 0.4])
    ar = ppl.AR.dist([0.6, 0.2], tau=4.0, init_dist=_init(), steps=2)
    np.testing.assert_allclose(ppl.logp(ar, x).eval(), _ar_logp(x, [0.6, 0.2], 0.5), rtol=1e-12)
    with pytest.raises(ParameterValueError, match=r"AR: give sigma or tau, not both"):
        ppl.AR.dist(0.5, sigma=1.0, tau=1.0, init_dist=_init(), steps=2)
    with ppl.Model():
        with pytest.raises(ParameterValueError, match=r"AR 'a': parameter tau is -4.0"):
            ppl.AR("a", 0.5, tau=-4.0, init_dist=_init(), steps=2)
        with pytest.raises(ParameterValueError, match=r"AR 'b': parameter sigma is 0.0"):
            ppl.AR("b", 0.5, sigma=0.0, init_dist=_init(), steps=2)


def test_multivariate_init_dist_covers_the_initial_values():
    cov = np.array([[1.0, 0.5], [0.5, 2.0]])
    init = ppl.MvNormal.dist(np.array([1.0, -1.0]), cov)
    ar = ppl.AR.dist([0.4, 0.3], sigma=0.7, init_dist=init, steps=3)
    assert ar.type.shape == (5,)
    x = np.array([0.5, -0.5, 1.0, 0.2, -0.1])
    init_logp = st.multivariate_normal([1.0, -1.0], cov).logpdf(x[:2])
    np.testing.assert_allclose(
        ppl.logp(ar, x).eval(), _ar_logp(x, [0.4, 0.3], 0.7, init_logp=init_logp), rtol=1e-12
    )
    with pytest.raises(
        ShapeError,
        match=r"AR: init_dist MvNormal draws vectors of length 2, "
        r"expected ar_order = 3",
    ):
        ppl.AR.dist([0.4, 0.3, 0.1], init_dist=init, steps=3)


def test_default_init_dist_is_a_wide_normal_with_a_warning():
    with pytest.warns(
        UserWarning,
        match=r"AR: init_dist not specified, defaulting to "
        r"ppl.Normal.dist\(0, 100\)",
    ) as record:
        ar = ppl.AR.dist([0.5, -0.1], sigma=0.3, steps=2)
    assert record[0].filename == __file__
    x = np.array([5.0, 4.0, 4.5, 1.0])
    init_logp = st.norm.logpdf(x[:2], 0.0, 100.0).sum()
    np.testing.assert_allclose(
        ppl.logp(ar, x).eval(), _ar_logp(x, [0.5, -0.1], 0.3, init_logp=init_logp), rtol=1e-12
    )


# --- order and shapes ---------------------------------------------------------------------------


def test_ar_order_comes_from_rho_unless_given():
    assert ppl.AR.dist(0.5, init_dist=_init(), steps=3).owner.op.ar_order == 1
    ar = ppl.AR.dist([1.0, 0.5, 0.2], constant=True, init_dist=_init(), steps=3)
    assert (ar.owner.op.ar_order, ar.owner.op.constant) == (2, True)
    assert ar.type.shape == (5,)
    rho = pt.dvector("rho")  # length unknown before evaluation
    ar = ppl.AR.dist(rho, ar_order=2, init_dist=_init(), steps=3)
    x = np.array([0.1, 0.4, -0.3, 0.2, 0.0])
    np.testing.assert_allclose(
        ppl.logp(ar, x).eval({rho: [0.5, 0.1]}), _ar_logp(x, [0.5, 0.1], 1.0)
    )
    assert ppl.AR.dist(rho, ar_order=np.int64(3), init_dist=_init(), steps=1).type.shape == (4,)
    with ppl.Model():
        with pytest.raises(ShapeError, match=r"AR 'z': ar_order is 0, expected ar_order >= 1"):
            ppl.AR("z", rho, ar_order=0, init_dist=_init(), steps=3)
        with pytest.raises(ShapeError, match=r"AR 'y': ar_order is 1.5, expected a positive int"):
            ppl.AR("y", rho, ar_order=1.5, init_dist=_init(), steps=3)
        with pytest.raises(ShapeError, match=r"AR 'a': could not infer ar_order .* Pass ar_order"):
            ppl.AR("a", rho, init_dist=_init(), steps=3)
        with pytest.raises(ShapeError, match=r"AR 'b': ar_order is 0 .*the first one the constant"):
            ppl.AR("b", 0.5, constant=True, init_dist=_init(), steps=3)
        with pytest.raises(
            ShapeError,
            match=r"AR 'c': rho has 2 coefficient\(s\) on its last "
            r"axis, expected ar_order \+ constant = 3",
        ):
            ppl.AR("c", [0.5, 0.2], ar_order=3, init_dist=_init(), steps=3)


def test_steps_and_shape_give_each_other():
    assert ppl.AR.dist([0.5, 0.2], init_dist=_init(), steps=4).type.shape == (6,)
    assert ppl.AR.dist([0.5, 0.2], init_dist=_init(), shape=(3, 6)).type.shape == (3, 6)
    assert ppl.AR.dist(0.5, init_dist=_init(), size=2, steps=4).type.shape == (2, 5)
    # rho's last axis holds the coefficients: its batch shape here is (4, 1)
    ar = ppl.AR.dist(np.zeros((4, 1, 1)), sigma=np.ones(3), init_dist=_init(), steps=2)
    assert ar.type.shape == (4, 3, 3)
    with pytest.raises(
        ShapeError, match=r"AR: shapes \[\(4,\), \(3,\), \(\)\] .* do not broadcast"
    ):
        ppl.AR.dist(np.zeros((4, 1)), sigma=np.ones(3), init_dist=_init(), steps=2)
    with ppl.Model(coords={"series": range(2), "time": range(7)}) as model:
        a = ppl.AR("a", [0.5, 0.2], init_dist=_init(), dims=("series", "time"))
        y = ppl.AR("y", 0.5, init_dist=_init(), observed=np.arange(5.0))
    assert a.type.shape == (2, 7) and y.type.shape == (5,)
    np.testing.assert_allclose(
        model.compile_logp(vars=[y])(model.initial_point()), _ar_logp(np.arange(5.0), 0.5, 1.0)
    )


def test_steps_follow_a_mutable_dim():
    with ppl.Model() as model:
        model.add_coord("time", range(5), mutable=True)
        ppl.AR("a", [0.5, 0.2], init_dist=_init(), dims="time")
    assert model.initial_point()["a"].shape == (5,)
    ppl.set_data({}, coords={"time": range(9)}, model=model)
    assert model.initial_point()["a"].shape == (9,)
    with model:
        prior = ppl.sample_prior_predictive(3, random_seed=1)
    assert prior.prior["a"].shape == (1, 3, 9)


def test_shape_errors_name_the_variable():
    with ppl.Model(coords={"time": range(6)}):
        with pytest.raises(ShapeError, match=r"AR 'a': the number of steps is unknown"):
            ppl.AR("a", 0.5, init_dist=_init())
        with pytest.raises(
            ShapeError,
            match=r"AR 'b': shape \(6,\) has 6 time points, but steps=3 gives 5 "
            r"\(steps \+ 2\)",
        ):
            ppl.AR("b", [0.5, 0.2], init_dist=_init(), dims="time", steps=3)
        with pytest.raises(
            ShapeError,
            match=r"AR 'c': shape \(1,\) has 1 time points, expected "
            r"at least 2",
        ):
            ppl.AR("c", [0.5, 0.2], init_dist=_init(), shape=(1,))
        with pytest.raises(
            ShapeError,
            match=r"AR 'd': rho has batch shape \(3,\), which does not broadcast to "
            r"the batch shape \(2,\)",
        ):
            ppl.AR("d", np.zeros((3, 1)), init_dist=_init(), shape=(2, 6))


def test_init_dist_must_be_an_unnamed_distribution():
    with ppl.Model():
        start = ppl.Normal("start", 0.0, 1.0)
        with pytest.raises(ModelError, match=r"AR 'a': init_dist 'start' is a model variable"):
            ppl.AR("a", 0.5, init_dist=start, steps=3)
        matrices = ppl.ZeroSumNormal.dist(sigma=1.0, n_zerosum_axes=2, shape=(2, 2))
        with pytest.raises(
            ModelError,
            match=r"AR 'b': init_dist must be at most 1 support dimension\(s\); got "
            r"ZeroSumNormal with 2",
        ):
            ppl.AR("b", 0.5, init_dist=matrices, steps=3)


def test_support_point_starts_at_the_init_support_point():
    ar = ppl.AR.dist([0.5, 0.2], init_dist=ppl.Normal.dist([1.0, 3.0], 1.0), steps=3, size=2)
    np.testing.assert_allclose(support_point(ar).eval(), [[1.0, 3.0, 3.0, 3.0, 3.0]] * 2)
    with ppl.Model() as model:
        a = ppl.AR("a", 0.5, init_dist=_init(), steps=2)
    assert model.rvs_to_transforms[a] is None
    np.testing.assert_allclose(model.initial_point()["a"], [INIT_MU] * 3)


# --- forward draws ------------------------------------------------------------------------------

RHO1 = 0.7
STATIONARY_VAR = 1.0 / (1.0 - RHO1**2)  # sigma = 1


def test_stationary_ar1_draws_keep_the_variance_and_the_lag_1_autocovariance(series_moments):
    init = ppl.Normal.dist(0.0, np.sqrt(STATIONARY_VAR))
    x = ppl.draw(ppl.AR.dist(RHO1, 1.0, init_dist=init, steps=30, size=4000), random_seed=7)
    assert x.shape == (4000, 31)
    series_moments(
        x, mean=0.0, var=STATIONARY_VAR, lag1_cov=RHO1 * STATIONARY_VAR, label="stationary AR(1)"
    )


def _exact_moments(c, coefs, sigma, init_mean, init_sd, n_time):
    """Mean and covariance of an AR process, propagated through the recursion."""
    order = len(coefs)
    mean = np.zeros(n_time)
    mean[:order] = init_mean
    # x = mean + loadings @ z, z iid standard normal: init noise, then one innovation per step
    loadings = np.zeros((n_time, n_time))
    loadings[range(order), range(order)] = init_sd
    for t in range(order, n_time):
        mean[t] = c + sum(coefs[k - 1] * mean[t - k] for k in range(1, order + 1))
        loadings[t] = sum(coefs[k - 1] * loadings[t - k] for k in range(1, order + 1))
        loadings[t, t] = sigma
    return mean, loadings @ loadings.T


def test_ar2_draws_with_a_constant_follow_the_recursion(series_moments):
    c, coefs, sigma = 1.0, (0.5, -0.3), 0.5
    init = ppl.Normal.dist(np.array([0.0, 2.0]), 1.0)  # one mean per initial value
    ar = ppl.AR.dist([c, *coefs], sigma, constant=True, init_dist=init, steps=15, size=4000)
    x = ppl.draw(ar, random_seed=9)
    mean, cov = _exact_moments(c, coefs, sigma, [0.0, 2.0], 1.0, 17)
    series_moments(
        x, mean=mean, var=np.diag(cov), lag1_cov=np.diag(cov, 1), label="AR(2) with a constant"
    )
    residuals = x[:, 2:] - c - coefs[0] * x[:, 1:-1] - coefs[1] * x[:, :-2]
    assert st.kstest(residuals.ravel(), st.norm(0.0, sigma).cdf).pvalue > 0.001


def test_draws_agree_between_the_python_linker_and_numba():
    # rho as a shared variable, as model variables and data are: a constant array would be
    # folded into the scan's inner function, which Numba then cannot cache on disk
    rho = pytensor.shared(np.array([[0.9, -0.2], [0.1, 0.5]]))
    ar = ppl.AR.dist(rho, 1.5, ar_order=2, init_dist=_init(), steps=25)
    python = ppl.draw(ar, draws=3, random_seed=4)
    numba = ppl.draw(ar, draws=3, random_seed=4, mode="NUMBA")
    assert python.shape == (3, 2, 27)
    np.testing.assert_allclose(numba, python, rtol=1e-12, atol=1e-12)


def test_prior_and_posterior_predictive_in_a_model():
    with ppl.Model(coords={"series": range(2), "time": range(12)}) as model:
        rho = ppl.Uniform("rho", -0.9, 0.9)
        ppl.AR("x", rho=rho, sigma=0.01, init_dist=_init(), dims=("series", "time"))
        prior = ppl.sample_prior_predictive(100, random_seed=2)
    x, r = prior.prior["x"].values[0], prior.prior["rho"].values[0]
    assert x.shape == (100, 2, 12) and prior.prior["x"].dims[-2:] == ("series", "time")
    # each draw follows its own rho: its innovations x_t - rho x_{t-1} are N(0, 0.01), tiny
    # next to the initial values (sd 2), so a rho from another draw would show
    innovations = x[..., 1:] - r[:, None, None] * x[..., :-1]
    assert np.abs(innovations).max() < 5.5 * 0.01
    assert np.abs(x[..., 0]).max() > 1.0
    with model:
        pp = ppl.sample_posterior_predictive(prior.prior.isel(draw=slice(0, 10)), var_names=["x"])
    assert pp.posterior_predictive["x"].shape == (1, 10, 2, 12)


# --- posterior ----------------------------------------------------------------------------------

PRIOR_MU, PRIOR_SD, SIGMA = 0.0, 1.0, 0.8


@pytest.mark.slow
def test_posterior_of_rho_is_the_conjugate_normal():
    # Given the first value (whose density does not involve rho), y_t ~ N(rho y_{t-1}, sigma^2):
    # with a N(m0, s0^2) prior the posterior of rho is Normal with precision
    # 1/s0^2 + sum(y_{t-1}^2)/sigma^2 and mean (m0/s0^2 + sum(y_t y_{t-1})/sigma^2) / precision.
    rng = np.random.default_rng(12)
    y = np.empty(60)
    y[0] = rng.normal(0.0, 1.0)
    for t in range(1, y.size):
        y[t] = 0.6 * y[t - 1] + rng.normal(0.0, SIGMA)
    precision = 1 / PRIOR_SD**2 + (y[:-1] ** 2).sum() / SIGMA**2
    mean = (PRIOR_MU / PRIOR_SD**2 + (y[1:] * y[:-1]).sum() / SIGMA**2) / precision
    # The library's default backend: the log-density and its gradient compiled by Numba
    with pytensor.config.change_flags(mode="NUMBA"), ppl.Model():
        rho = ppl.Normal("rho", PRIOR_MU, PRIOR_SD)
        ppl.AR("y", rho=rho, sigma=SIGMA, init_dist=ppl.Normal.dist(0.0, 2.0), observed=y)
        idata = sample_quietly(ppl, draws=500, tune=300, random_seed=31)
    assert_converged(idata, "rho", label="AR(1) rho")
    assert_mean_sd(draws_of(idata, "rho"), mean, precision**-0.5, label="AR(1) rho")


@pytest.mark.slow
def test_free_series_sampled_by_nuts_have_the_process_moments():
    # Without data the posterior is the prior: NUTS on the log-densities must reproduce the
    # exact marginal means and sds of both processes (a stationary AR(1), and a random walk).
    with pytensor.config.change_flags(mode="NUMBA"), ppl.Model():
        ppl.AR("x", RHO1, 1.0, init_dist=ppl.Normal.dist(0.0, np.sqrt(STATIONARY_VAR)), steps=4)
        ppl.GaussianRandomWalk("w", 0.5, 1.5, init_dist=_init(), steps=4)
        idata = sample_quietly(ppl, draws=600, tune=400, random_seed=41)
    assert_converged(idata, ["x", "w"], label="free series")
    t = np.arange(5)
    assert_mean_sd(draws_of(idata, "x"), 0.0, np.sqrt(STATIONARY_VAR), label="free AR(1)")
    assert_mean_sd(
        draws_of(idata, "w"),
        INIT_MU + 0.5 * t,
        np.sqrt(INIT_SIGMA**2 + 2.25 * t),
        label="free random walk",
    )
