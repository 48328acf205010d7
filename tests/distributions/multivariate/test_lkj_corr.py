import numpy as np
import pytensor
import pytensor.tensor as pt
import pytest
import scipy.special as sp
import scipy.stats as st

import ppl
from ppl.distributions.multivariate._lkj import lkj_cholesky_logp
from ppl.exceptions import ParameterValueError
from ppl.forward.draw import draw
from ppl.logprob.dispatch import support_point


def full_matrix(packed, n):
    rows, cols = np.triu_indices(n, 1)
    out = np.broadcast_to(np.eye(n), packed.shape[:-1] + (n, n)).copy()
    out[..., rows, cols] = packed
    out[..., cols, rows] = packed
    return out


def reference_logp(packed, n, eta):
    """LKJ log-density from Lewandowski, Kurowicka and Joe (2009), eq. 16, written as printed:
    c_n = 2^{sum_k (2 eta - 2 + n - k)(n - k)} prod_k B(eta + (n-k-1)/2, eta + (n-k-1)/2)^{n-k}.
    """
    k = np.arange(1, n)
    e = np.asarray(eta, dtype=float)[..., None]
    log_c = np.sum((2 * e - 2 + n - k) * (n - k), axis=-1) * np.log(2) + np.sum(
        (n - k) * sp.betaln(e + (n - k - 1) / 2, e + (n - k - 1) / 2), axis=-1
    )
    matrix = full_matrix(packed, n)
    positive_definite = np.linalg.eigvalsh(matrix).min(axis=-1) > 0
    log_det = np.linalg.slogdet(matrix)[1]
    return np.where(positive_definite, (eta - 1) * log_det - log_c, -np.inf)


def random_corr(rng, n, shape=()):
    a = rng.normal(size=shape + (n, n + 1))
    cov = a @ np.swapaxes(a, -1, -2)
    sd = np.sqrt(np.diagonal(cov, axis1=-2, axis2=-1))
    rows, cols = np.triu_indices(n, 1)
    return (cov / (sd[..., :, None] * sd[..., None, :]))[..., rows, cols]


@pytest.mark.parametrize(("n", "eta"), [(3, 1.0), (3, 2.5), (4, 1.0), (4, 0.8)])
def test_reference_density_integrates_to_one(n, eta):
    """Monte Carlo over the cube [-1, 1]^m: an independent check of the normalising constant."""
    m = n * (n - 1) // 2
    u = np.random.default_rng(n).uniform(-1, 1, size=(100_000, m))
    weights = 2.0**m * np.exp(reference_logp(u, n, eta))
    se = weights.std() / np.sqrt(weights.size)
    assert abs(weights.mean() - 1.0) < 4.5 * se, (weights.mean(), se)


@pytest.mark.parametrize("n", [2, 3, 5])
def test_logp_matches_the_reference(n):
    eta, value = pt.dscalar("eta"), pt.dmatrix("value")
    f = pytensor.function([value, eta], ppl.logp(ppl.LKJCorr.dist(n=n, eta=eta), value))
    rng = np.random.default_rng(n)
    m = n * (n - 1) // 2
    values = np.concatenate([random_corr(rng, n, (20,)), rng.uniform(-1, 1, size=(20, m)), np.zeros((1, m))])
    for eta_value in [0.3, 1.0, 2.0, 30.0]:
        expected = reference_logp(values, n, eta_value)
        assert np.isinf(expected).any() or n == 2  # the uniform points include invalid matrices
        np.testing.assert_allclose(f(values, eta_value), expected, rtol=1e-9, err_msg=f"eta={eta_value}")
    if n == 2:  # a single correlation r: (r + 1) / 2 ~ Beta(eta, eta)
        r = np.linspace(-0.99, 0.99, 9)[:, None]
        np.testing.assert_allclose(f(r, 1.7), st.beta(1.7, 1.7).logpdf((r[:, 0] + 1) / 2) - np.log(2), rtol=1e-10)
        np.testing.assert_array_equal(f(np.array([[1.0], [-1.5]]), 1.7), -np.inf)
    with pytest.raises(ParameterValueError, match="eta > 0"):
        f(values, 0.0)


def test_logp_batched_eta_and_size():
    eta = np.array([0.5, 4.0])
    rv = ppl.LKJCorr.dist(n=3, eta=eta, size=(4, 2))
    assert rv.type.shape == (4, 2, 3)
    x = random_corr(np.random.default_rng(1), 3, (4, 2))
    expected = reference_logp(x, 3, eta)
    np.testing.assert_allclose(ppl.logp(rv, x).eval(), expected, rtol=1e-9)


def test_cholesky_density_is_consistent_with_the_matrix_density():
    """log p(C) = log p(L) - log|dC/dL| with log|dC/dL| = sum_j (n - 1 - j) log L_jj."""
    n, eta = 4, 1.7
    x = random_corr(np.random.default_rng(2), n, (5,))
    chol = np.linalg.cholesky(full_matrix(x, n))
    log_diag = np.log(np.diagonal(chol, axis1=-2, axis2=-1))
    via_chol = lkj_cholesky_logp(pt.as_tensor(log_diag), eta, n).eval() - log_diag @ np.arange(n - 1, -1, -1)
    np.testing.assert_allclose(via_chol, reference_logp(x, n, eta), rtol=1e-10)


def test_return_matrix():
    rv = ppl.LKJCorr.dist(n=3, eta=2.0, return_matrix=True)
    assert rv.type.shape == (3, 3)
    matrix = draw(rv, random_seed=1)
    np.testing.assert_allclose(matrix, matrix.T)
    np.testing.assert_allclose(np.diag(matrix), 1.0)
    assert np.all(np.linalg.eigvalsh(matrix) > 0)
    with ppl.Model() as m:
        corr = ppl.LKJCorr("corr", n=4, eta=2.0, return_matrix=True)
    assert corr.type.shape == (4, 4)
    assert m["corr"].type.shape == (6,)  # the model variable stays the packed vector
    assert [v.name for v in m.value_vars] == ["corr_cpc__"]


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"n": 1, "eta": 1.0}, r"parameter n is 1, expected a constant integer n >= 2"),
        ({"n": 2.5, "eta": 1.0}, r"parameter n is 2.5, expected a constant integer"),
        ({"n": pt.lscalar("k"), "eta": 1.0}, r"parameter n is k, expected a constant integer"),
        ({"n": 3, "eta": -1.0}, r"parameter eta is -1.0, expected eta > 0"),
    ],
)
def test_invalid_parameters_raise_at_definition(kwargs, match):
    with ppl.Model():
        with pytest.raises(ParameterValueError, match=r"LKJCorr 'c': " + match):
            ppl.LKJCorr("c", **kwargs)


def test_model_transform_initial_point_and_density():
    with ppl.Model() as m:
        c = ppl.LKJCorr("c", n=3, eta=2.0)
    assert [v.name for v in m.value_vars] == ["c_cpc__"]
    np.testing.assert_array_equal(m.initial_point()["c_cpc__"], np.zeros(3))
    np.testing.assert_array_equal(support_point(ppl.LKJCorr.dist(n=4, eta=[1.0, 2.0])).eval(), np.zeros((2, 6)))
    # The model density at y is the density of backward(y) plus the transform's log|det J|.
    value = m.rvs_to_values[c]
    transform = m.rvs_to_transforms[c]
    pieces = pytensor.function([value], [transform.backward(value), transform.log_jac_det(value)])
    logp = m.compile_logp()
    for y in np.random.default_rng(3).normal(size=(4, 3)) * 2:
        x, log_jac = pieces(y)
        np.testing.assert_allclose(logp({"c_cpc__": y}), reference_logp(x, 3, 2.0) + log_jac, rtol=1e-9)


@pytest.mark.parametrize("mode", ["FAST_COMPILE", "NUMBA"])
def test_draws_have_beta_marginals_and_the_right_determinants(mode):
    n_draws, eta = 4000, np.array([0.7, 3.0])
    dims = (3, 4)
    rvs = [ppl.LKJCorr.dist(n=n, eta=eta, size=(n_draws, 2)) for n in dims]
    for n, samples in zip(dims, draw(rvs, random_seed=20261122, mode=mode), strict=True):
        assert samples.shape == (n_draws, 2, n * (n - 1) // 2)
        log_det = np.linalg.slogdet(full_matrix(samples, n))[1]
        assert np.all(np.isfinite(log_det))
        for j in range(2):
            b = eta[j] + (n - 2) / 2  # every correlation is 2 Beta(b, b) - 1
            for i in (0, samples.shape[-1] - 1):
                assert st.kstest((samples[:, j, i] + 1) / 2, st.beta(b, b).cdf).pvalue > 1e-3, (mode, n, j, i)
            # log det C = sum log(1 - z^2) over the independent CPCs; E log(1 - z^2) for
            # z = 2 Beta(b, b) - 1 is log 4 + 2 (digamma(b) - digamma(2 b)).
            bs = eta[j] + (n - 2 - np.triu_indices(n, 1)[0]) / 2
            mean = np.sum(np.log(4) + 2 * (sp.digamma(bs) - sp.digamma(2 * bs)))
            se = log_det[:, j].std() / np.sqrt(n_draws)
            assert abs(log_det[:, j].mean() - mean) < 4.5 * se, (mode, n, j)


def test_default_mode_compiles_logp_and_gradient():
    # The rest of this module runs in FAST_COMPILE (see conftest.py); this covers PyTensor's
    # default backend (Numba in PyTensor 3) once, through the CPC transform.
    with pytensor.config.change_flags(mode="NUMBA"):
        with ppl.Model() as m:
            ppl.LKJCorr("c", n=3, eta=2.0)
        logp, grad = m.logp_dlogp_function()(np.array([0.3, -1.0, 2.0]))
    assert np.isfinite(logp) and np.all(np.isfinite(grad))
