import numpy as np
import pytensor
import pytensor.tensor as pt
import pytest
import scipy.stats as st

import ppl
from ppl.exceptions import ParameterValueError, ShapeError
from ppl.forward.draw import draw
from ppl.logprob.dispatch import support_point

# A correlated scale matrix with unequal variances: the scale, tau and chol parameterisations
# (and lower/upper factors) give different densities if any conversion is wrong.
SCALE = np.array([[2.0, 0.6, -0.3], [0.6, 1.0, 0.2], [-0.3, 0.2, 0.5]])
MU = np.array([0.5, -1.0, 2.0])
NU = 3.5


def random_scale(rng, n):
    a = rng.normal(size=(n, n))
    return a @ a.T + 0.5 * np.eye(n)


@pytest.mark.parametrize("n", [1, 2, 4])
def test_logp_matches_scipy_many_points(n):
    rng = np.random.default_rng(n)
    nu, mu, scale, value = pt.dscalar("nu"), pt.dvector("mu"), pt.dmatrix("scale"), pt.dmatrix("value")
    f = pytensor.function([value, nu, mu, scale], ppl.logp(ppl.MvStudentT.dist(nu, mu=mu, scale=scale), value))
    for nu_value in [0.5, 1.0, 3.0, 30.0, 1e6]:
        mu_value, scale_value = rng.normal(size=n), random_scale(rng, n)
        x = rng.standard_t(2.0, size=(30, n)) * 3
        expected = st.multivariate_t(mu_value, scale_value, df=nu_value).logpdf(x)
        np.testing.assert_allclose(f(x, nu_value, mu_value, scale_value), expected, rtol=1e-7, err_msg=f"nu={nu_value}")
    with pytest.raises(ParameterValueError, match="nu > 0"):
        f(x, 0.0, mu_value, scale_value)
    with pytest.raises(ParameterValueError, match="scale must be positive definite"):
        f(x, 2.0, mu_value, -np.eye(n))
    if n > 1:
        with pytest.raises(ParameterValueError, match="scale must be symmetric"):
            f(x, 2.0, mu_value, np.eye(n) + np.triu(np.ones((n, n)), 1) * 0.1)


def test_logp_batched_parameters_broadcast():
    rng = np.random.default_rng(1)
    nu = np.array([1.5, 7.0])
    mu = rng.normal(size=(4, 1, 3))
    rv = ppl.MvStudentT.dist(nu=nu, mu=mu, scale=SCALE)
    assert rv.type.shape == (4, 2, 3)
    x = rng.normal(size=(4, 2, 3))
    expected = [[st.multivariate_t(mu[i, 0], SCALE, df=nu[j]).logpdf(x[i, j]) for j in range(2)] for i in range(4)]
    np.testing.assert_allclose(ppl.logp(rv, x).eval(), expected, rtol=1e-7)
    scales = np.stack([random_scale(rng, 3) for _ in range(2)])
    rv = ppl.MvStudentT.dist(nu=NU, mu=MU, scale=scales, size=(5, 2))
    assert rv.type.shape == (5, 2, 3)
    x = rng.normal(size=(5, 2, 3))
    expected = [[st.multivariate_t(MU, scales[j], df=NU).logpdf(x[i, j]) for j in range(2)] for i in range(5)]
    np.testing.assert_allclose(ppl.logp(rv, x).eval(), expected, rtol=1e-7)


def test_parameterisations_agree():
    x = np.random.default_rng(2).normal(scale=2.0, size=(20, 3))
    expected = st.multivariate_t(MU, SCALE, df=NU).logpdf(x)
    lower = np.linalg.cholesky(SCALE)
    m = pt.dmatrix("m")
    for kwargs, data in (
        ({"scale": SCALE}, None),
        ({"Sigma": SCALE}, None),
        ({"tau": np.linalg.inv(SCALE)}, None),
        ({"chol": lower}, None),
        ({"chol": lower.T, "lower": False}, None),
        ({"tau": m}, np.linalg.inv(SCALE)),
        ({"chol": m}, lower),
        ({"chol": m, "lower": False}, lower.T),
    ):
        logp = ppl.logp(ppl.MvStudentT.dist(NU, mu=MU, **kwargs), x)
        got = logp.eval({m: data}) if data is not None else logp.eval()
        np.testing.assert_allclose(got, expected, rtol=1e-7, err_msg=str(list(kwargs)))


def test_nu_changes_the_answer_and_scalar_mu_broadcasts():
    x = np.array([0.1, 1.0, 3.0])
    rv = ppl.MvStudentT.dist(nu=2.0, mu=1.5, scale=SCALE)
    assert rv.type.shape == (3,)
    np.testing.assert_allclose(ppl.logp(rv, x).eval(), st.multivariate_t(np.full(3, 1.5), SCALE, df=2.0).logpdf(x), rtol=1e-7)
    other = ppl.logp(ppl.MvStudentT.dist(nu=20.0, mu=1.5, scale=SCALE), x).eval()
    assert not np.isclose(other, ppl.logp(rv, x).eval())


def test_deprecated_cov_argument_warns():
    with pytest.warns(FutureWarning, match="cov argument is deprecated"):
        rv = ppl.MvStudentT.dist(NU, mu=MU, cov=SCALE)
    np.testing.assert_allclose(ppl.logp(rv, MU).eval(), st.multivariate_t(MU, SCALE, df=NU).logpdf(MU), rtol=1e-7)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"nu": -1.0, "scale": np.eye(2)}, r"parameter nu is -1.0, expected nu > 0"),
        ({"nu": 2.0, "scale": np.array([[1.0, 2.0], [2.0, 1.0]])}, "parameter scale .*expected scale positive definite"),
        ({"nu": 2.0, "Sigma": np.array([[1.0, 0.5], [0.1, 1.0]])}, "parameter Sigma .*expected a symmetric"),
        ({"nu": 2.0, "tau": -np.eye(2)}, "parameter tau .*expected tau positive definite"),
        ({"nu": 2.0, "chol": np.array([[1.0, 0.0], [0.5, -1.0]])}, "parameter chol has diagonal"),
        ({"nu": 2.0, "chol": np.triu(np.ones((2, 2)))}, r"parameter chol is .* expected a lower-triangular matrix"),
        ({"nu": 2.0, "scale": np.eye(2), "tau": np.eye(2)}, "give exactly one of scale \\(or Sigma\\), tau or chol, got scale, tau"),
        ({"nu": 2.0}, "give exactly one of scale \\(or Sigma\\), tau or chol, got none"),
        ({"nu": 2.0, "scale": np.eye(2), "Sigma": np.eye(2)}, "give only one of scale and Sigma"),
    ],
)
def test_invalid_literal_parameters_raise_at_definition(kwargs, match):
    with ppl.Model():
        with pytest.raises(ParameterValueError, match=r"MvStudentT 'x': " + match):
            ppl.MvStudentT("x", mu=np.zeros(2), **kwargs)


def test_shapes_dims_and_support_point():
    with pytest.raises(ShapeError, match=r"mu has shape \(3,\) and scale has shape \(2, 2\)"):
        ppl.MvStudentT.dist(NU, mu=np.zeros(3), scale=np.eye(2))
    assert ppl.MvStudentT.dist(NU, mu=MU, scale=SCALE, size=(4, 2)).type.shape == (4, 2, 3)
    assert ppl.MvStudentT.dist(np.array([1.0, 2.0]), mu=MU, scale=SCALE).type.shape == (2, 3)
    with ppl.Model(coords={"obs": range(4), "feature": ["a", "b", "c"]}) as m:
        x = ppl.MvStudentT("x", nu=NU, mu=MU, scale=SCALE, dims=("obs", "feature"))
    assert x.type.shape == (4, 3)
    assert [v.name for v in m.value_vars] == ["x"]
    np.testing.assert_array_equal(m.initial_point()["x"], np.tile(MU, (4, 1)))
    mu = np.array([[1.0, 2.0, 3.0], [-1.0, 0.0, 1.0]])
    np.testing.assert_array_equal(support_point(ppl.MvStudentT.dist(NU, mu=mu, scale=SCALE, size=(4, 2))).eval(), np.broadcast_to(mu, (4, 2, 3)))


def test_gradient_matches_finite_differences():
    x = np.array([1.0, -0.3, 2.5])
    pytensor.gradient.verify_grad(
        lambda nu, m, c: ppl.logp(ppl.MvStudentT.dist(nu, mu=m, chol=pt.tril(c)), x),
        [np.array(NU), MU, np.linalg.cholesky(SCALE)],
        rng=np.random.default_rng(0),
    )


@pytest.mark.parametrize("mode", ["FAST_COMPILE", "NUMBA"])
def test_draws_match_the_marginals_and_the_mahalanobis_distance(mode):
    n_draws = 4000
    nu = np.array([2.5, 8.0])
    samples = draw(ppl.MvStudentT.dist(nu, mu=MU, scale=SCALE, size=(n_draws, 2)), random_seed=20261122, mode=mode)
    assert samples.shape == (n_draws, 2, 3)
    for j in range(2):
        for i in range(3):  # each component is a univariate t with scale sqrt(Sigma_ii)
            ref = st.t(df=nu[j], loc=MU[i], scale=np.sqrt(SCALE[i, i]))
            assert st.kstest(samples[:, j, i], ref.cdf).pvalue > 1e-3, (mode, j, i)
        # (x - mu)^T Sigma^-1 (x - mu) / p follows F(p, nu): checks the dependence structure
        delta = samples[:, j] - MU
        quad = np.einsum("ni,ij,nj->n", delta, np.linalg.inv(SCALE), delta) / 3
        assert st.kstest(quad, st.f(3, nu[j]).cdf).pvalue > 1e-3, (mode, j)


def test_default_mode_compiles_logp_and_gradient():
    # The rest of this module runs in FAST_COMPILE (see conftest.py); this covers PyTensor's
    # default backend (Numba in PyTensor 3) once, with a free Cholesky factor built as in
    # test_mv_normal.py (the compiled linear-algebra kernels are shared through the cache).
    with pytensor.config.change_flags(mode="NUMBA"):
        with ppl.Model() as m:
            sd = ppl.HalfNormal("sd", 1.0, shape=3)
            ppl.MvStudentT("x", nu=NU, mu=MU, chol=pt.diag(sd) @ np.linalg.cholesky(SCALE), observed=[0.0, 1.0, 2.0])
        logp, grad = m.logp_dlogp_function()(ppl.DictToArrayBijection.map(m.initial_point()).data)
    assert np.isfinite(logp) and np.all(np.isfinite(grad))
