import numpy as np
import pytensor
import pytensor.tensor as pt
import pytest
import scipy.stats as st

import ppl
from ppl.exceptions import ParameterValueError, ShapeError
from ppl.forward.draw import draw
from ppl.logprob.dispatch import support_point

# A correlated covariance with unequal variances: the cov, tau and chol parameterisations
# (and lower/upper factors) give different densities if any conversion is wrong.
COV = np.array([[2.0, 0.6, -0.3], [0.6, 1.0, 0.2], [-0.3, 0.2, 0.5]])
MU = np.array([0.5, -1.0, 2.0])


def random_cov(rng, n):
    a = rng.normal(size=(n, n))
    return a @ a.T + 0.5 * np.eye(n)


def values(rng, shape):
    return rng.normal(scale=2.0, size=shape)


@pytest.mark.parametrize("n", [1, 2, 4])
def test_logp_matches_scipy_many_points(n):
    rng = np.random.default_rng(n)
    mu_sym, cov_sym, value = pt.dvector("mu"), pt.dmatrix("cov"), pt.dmatrix("value")
    f = pytensor.function([value, mu_sym, cov_sym], ppl.logp(ppl.MvNormal.dist(mu_sym, cov_sym), value))
    for _ in range(10):
        mu, cov, x = rng.normal(size=n), random_cov(rng, n), values(rng, (30, n))
        np.testing.assert_allclose(f(x, mu, cov), st.multivariate_normal(mu, cov).logpdf(x), rtol=1e-7)


def test_logp_batched_mu_broadcasts_against_one_cov():
    rng = np.random.default_rng(1)
    mu, cov = rng.normal(size=(3, 2)), random_cov(rng, 2)
    rv = ppl.MvNormal.dist(mu=mu, cov=cov)
    assert rv.type.shape == (3, 2)
    x = values(rng, (5, 3, 2))
    expected = np.stack([st.multivariate_normal(mu[i], cov).logpdf(x[:, i]) for i in range(3)], axis=1)
    np.testing.assert_allclose(ppl.logp(rv, x).eval(), expected, rtol=1e-7)


def test_logp_batched_cov_broadcasts_against_one_mu():
    rng = np.random.default_rng(2)
    mu, covs = rng.normal(size=3), np.stack([random_cov(rng, 3) for _ in range(4)])
    rv = ppl.MvNormal.dist(mu=mu, cov=covs)
    assert rv.type.shape == (4, 3)
    x = values(rng, (4, 3))
    expected = [st.multivariate_normal(mu, covs[i]).logpdf(x[i]) for i in range(4)]
    np.testing.assert_allclose(ppl.logp(rv, x).eval(), expected, rtol=1e-7)


@pytest.mark.parametrize("kwargs", [{"size": (4,)}, {"shape": (4, 3)}])
def test_logp_with_size_or_shape(kwargs):
    rv = ppl.MvNormal.dist(mu=MU, cov=COV, **kwargs)
    assert rv.type.shape == (4, 3)
    x = values(np.random.default_rng(3), (4, 3))
    np.testing.assert_allclose(ppl.logp(rv, x).eval(), st.multivariate_normal(MU, COV).logpdf(x), rtol=1e-7)


def test_scalar_mu_is_broadcast_to_the_support_length():
    rv = ppl.MvNormal.dist(mu=1.5, cov=COV)
    assert rv.type.shape == (3,)
    x = np.array([0.1, 1.0, 3.0])
    np.testing.assert_allclose(ppl.logp(rv, x).eval(), st.multivariate_normal(np.full(3, 1.5), COV).logpdf(x), rtol=1e-7)


def test_three_parameterisations_and_upper_chol_agree():
    x = values(np.random.default_rng(4), (20, 3))
    expected = st.multivariate_normal(MU, COV).logpdf(x)
    lower = np.linalg.cholesky(COV)
    for kwargs in (
        {"cov": COV},
        {"tau": np.linalg.inv(COV)},
        {"chol": lower},
        {"chol": lower.T, "lower": False},
    ):
        got = ppl.logp(ppl.MvNormal.dist(mu=MU, **kwargs), x).eval()
        np.testing.assert_allclose(got, expected, rtol=1e-7, err_msg=str(list(kwargs)))


def test_symbolic_parameterisations_agree():
    x = values(np.random.default_rng(5), (20, 3))
    expected = st.multivariate_normal(MU, COV).logpdf(x)
    m = pt.dmatrix("m")
    lower = np.linalg.cholesky(COV)
    for kwargs, data in (
        ({"tau": m}, np.linalg.inv(COV)),
        ({"chol": m}, lower),
        ({"chol": m, "lower": False}, lower.T),
    ):
        got = ppl.logp(ppl.MvNormal.dist(mu=MU, **kwargs), x).eval({m: data})
        np.testing.assert_allclose(got, expected, rtol=1e-7, err_msg=str(list(kwargs)))


def test_upper_factor_without_lower_false_is_rejected():
    # Guards the test above: an upper factor read as lower would be a different covariance.
    with pytest.raises(ParameterValueError, match=r"chol .*expected a lower-triangular matrix"):
        ppl.MvNormal.dist(mu=MU, chol=np.linalg.cholesky(COV).T)


def test_gradient_matches_finite_differences():
    x = np.array([1.0, -0.3, 2.5])
    pytensor.gradient.verify_grad(
        lambda m, c: ppl.logp(ppl.MvNormal.dist(m, chol=pt.tril(c)), x),
        [MU, np.linalg.cholesky(COV)],
        rng=np.random.default_rng(0),
    )
    pytensor.gradient.verify_grad(
        lambda v: ppl.logp(ppl.MvNormal.dist(MU, tau=np.linalg.inv(COV)), v),
        [x],
        rng=np.random.default_rng(1),
    )


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"cov": np.array([[1.0, 2.0], [2.0, 1.0]])}, "parameter cov .*expected cov positive definite"),
        ({"cov": np.array([[1.0, 0.5], [0.1, 1.0]])}, "parameter cov .*expected a symmetric"),
        ({"cov": np.ones((2, 3))}, "parameter cov has shape .*square"),
        ({"tau": -np.eye(2)}, "parameter tau .*expected tau positive definite"),
        ({"chol": np.array([[1.0, 0.0], [0.5, -1.0]])}, "parameter chol has diagonal"),
        ({"chol": np.ones((2, 3))}, "parameter chol has shape .*square"),
        ({"cov": np.eye(2), "tau": np.eye(2)}, "give exactly one of cov, tau or chol, got cov, tau"),
        ({}, "give exactly one of cov, tau or chol, got none"),
    ],
)
def test_invalid_literal_parameters_raise_at_definition(kwargs, match):
    with ppl.Model():
        with pytest.raises(ParameterValueError, match=r"MvNormal 'x': " + match):
            ppl.MvNormal("x", mu=np.zeros(2), **kwargs)


def test_symbolic_cov_not_positive_definite_raises_at_evaluation():
    cov = pt.dmatrix("cov")
    f = pytensor.function([cov], ppl.logp(ppl.MvNormal.dist(np.zeros(2), cov), np.zeros(2)))
    assert np.isfinite(f(np.eye(2)))
    with pytest.raises(ParameterValueError, match="cov must be positive definite"):
        f(np.array([[1.0, 2.0], [2.0, 1.0]]))
    with pytest.raises(ParameterValueError, match="cov must be symmetric"):
        f(np.array([[1.0, 0.5], [0.1, 1.0]]))


def test_in_model_names_the_variable_at_evaluation():
    with ppl.Model() as m:
        cov = pt.dmatrix("cov")
        ppl.MvNormal("x", mu=np.zeros(2), cov=cov)
    f = pytensor.function([cov, m.rvs_to_values[m["x"]]], m.logp(), on_unused_input="ignore")
    with pytest.raises(ParameterValueError, match="MvNormal 'x': cov must be positive definite"):
        f(np.array([[1.0, 2.0], [2.0, 1.0]]), np.zeros(2))


def test_mu_and_cov_dimensions_must_agree():
    with pytest.raises(ShapeError, match=r"mu has shape \(3,\) and cov has shape \(2, 2\)"):
        ppl.MvNormal.dist(mu=np.zeros(3), cov=np.eye(2))


def test_shape_size_and_dims():
    assert ppl.MvNormal.dist(MU, COV, size=(4, 2)).type.shape == (4, 2, 3)
    assert ppl.MvNormal.dist(MU, COV, shape=(5, 3)).type.shape == (5, 3)
    with ppl.Model(coords={"obs": range(4), "feature": ["a", "b", "c"]}) as m:
        x = ppl.MvNormal("x", mu=MU, cov=COV, dims=("obs", "feature"))
    assert x.type.shape == (4, 3)
    assert m.initial_point()["x"].shape == (4, 3)
    with pytest.raises(ShapeError, match=r"shape \(5, 2\) ends in support shape \(2,\)"):
        ppl.MvNormal.dist(MU, COV, shape=(5, 2))
    with ppl.Model(coords={"feature": ["a", "b"]}):
        with pytest.raises(ShapeError):
            ppl.MvNormal("y", mu=MU, cov=COV, dims=("feature",))


def test_support_point_is_mu_broadcast():
    mu = np.array([[1.0, 2.0, 3.0], [-1.0, 0.0, 1.0]])
    np.testing.assert_array_equal(support_point(ppl.MvNormal.dist(mu, COV, size=(4, 2))).eval(), np.broadcast_to(mu, (4, 2, 3)))
    with ppl.Model() as m:
        ppl.MvNormal("x", mu=MU, cov=COV, shape=(2, 3))
    np.testing.assert_array_equal(m.initial_point()["x"], np.tile(MU, (2, 1)))


@pytest.mark.parametrize("method", ["cholesky", "svd", "eigh"])
def test_draws_mean_and_covariance_within_mcse(method):
    n_draws = 20000
    samples = draw(ppl.MvNormal.dist(MU, COV, method=method, size=n_draws), random_seed=20261122)
    assert samples.shape == (n_draws, 3)
    # Standard errors: mean_i has sd sqrt(S_ii / N); the sample covariance S_ij has sd
    # sqrt((S_ii S_jj + S_ij^2) / N) for normal data. Bounds are 4.5 standard errors.
    mean_se = np.sqrt(np.diag(COV) / n_draws)
    np.testing.assert_array_less(np.abs(samples.mean(0) - MU), 4.5 * mean_se)
    var = np.diag(COV)
    cov_se = np.sqrt((np.outer(var, var) + COV**2) / n_draws)
    np.testing.assert_array_less(np.abs(np.cov(samples.T) - COV), 4.5 * cov_se)


def test_draws_with_batched_parameters_use_each_mean():
    mu = np.array([[0.0, 0.0, 0.0], [10.0, -10.0, 5.0]])
    samples = draw(ppl.MvNormal.dist(mu, COV), draws=5000, random_seed=1)
    assert samples.shape == (5000, 2, 3)
    bound = 4.5 * np.sqrt(np.diag(COV) / 5000)  # 4.5 standard errors of each mean
    assert np.all(np.abs(samples.mean(0) - mu) < bound)


def test_unknown_method_is_an_error():
    with pytest.raises(ParameterValueError, match="method is 'qr'"):
        ppl.MvNormal.dist(MU, COV, method="qr")


def test_default_mode_compiles_logp_and_gradient():
    # The rest of this module runs in FAST_COMPILE (see conftest.py); this covers PyTensor's
    # default backend (Numba in PyTensor 3) once, for a model with a symbolic Cholesky factor.
    import warnings

    from numba.core.errors import NumbaPerformanceWarning

    with pytensor.config.change_flags(mode="NUMBA"), warnings.catch_warnings():
        # Numba's advice that np.dot is faster on contiguous arrays is about speed only.
        warnings.filterwarnings("ignore", category=NumbaPerformanceWarning)
        with ppl.Model() as m:
            sd = ppl.HalfNormal("sd", 1.0, shape=3)
            ppl.MvNormal("x", mu=MU, chol=pt.diag(sd) @ np.linalg.cholesky(COV), observed=[0.0, 1.0, 2.0])
        f = m.logp_dlogp_function()
        logp, grad = f(ppl.DictToArrayBijection.map(m.initial_point()).data)
    assert np.isfinite(logp) and np.all(np.isfinite(grad))
