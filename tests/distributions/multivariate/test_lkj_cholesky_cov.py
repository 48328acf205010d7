"""LKJCholeskyCov: density against an independent reference, the change-of-variables Jacobian,
forward draws, the model interface (transform, deterministics) and sampling.

The reference density never uses the Cholesky-factor form of the LKJ density: the pair
(standard deviations ``s``, correlation matrix ``R``) has density ``p_sd(s) p_LKJ(R)``, and
``L -> (s, packed R)`` is a bijection whose Jacobian is computed by finite differences, so

    log p(L) = log p_sd(s) + log p_LKJ(R) + log|det d(s, R) / dL|.
"""

import numpy as np
import pytensor
import pytensor.tensor as pt
import pytest
import scipy.special as sp
import scipy.stats as st
from pytensor.gradient import jacobian

import ppl
from ppl.distributions.multivariate._lkj import lkj_cholesky_logp
from ppl.distributions.multivariate.lkj_cholesky_cov import LKJCholeskyCov
from ppl.distributions.symbolic import resized
from ppl.exceptions import ModelError, ParameterValueError, ShapeError
from ppl.forward.draw import draw
from ppl.logprob.dispatch import support_point
from ppl.testing import finite_difference_jacobian

SEED = 20261122


# --- NumPy references ----------------------------------------------------------------------------
def lkj_corr_logp(corr, eta):
    """LKJ density of a correlation matrix, Lewandowski, Kurowicka and Joe (2009), eq. 16."""
    n = corr.shape[-1]
    k = np.arange(1, n)
    log_c = np.sum((2 * eta - 2 + n - k) * (n - k)) * np.log(2) + np.sum(
        (n - k) * sp.betaln(eta + (n - k - 1) / 2, eta + (n - k - 1) / 2)
    )
    return (eta - 1) * np.linalg.slogdet(corr)[1] - log_c


def unpack(packed, n):
    chol = np.zeros(packed.shape[:-1] + (n, n))
    chol[(..., *np.tril_indices(n))] = packed
    return chol


def stds_and_corr(packed, n):
    cov = unpack(packed, n) @ np.swapaxes(unpack(packed, n), -1, -2)
    s = np.sqrt(np.diagonal(cov, axis1=-2, axis2=-1))
    return s, cov / (s[..., :, None] * s[..., None, :])


def to_stds_and_correlations(packed, n):
    """The bijection L -> (s, packed upper correlations)."""
    s, corr = stds_and_corr(packed, n)
    return np.concatenate([s, corr[np.triu_indices(n, 1)]])




def reference_logp(packed, n, eta, sd_logpdf):
    s, corr = stds_and_corr(packed, n)
    jac = finite_difference_jacobian(lambda v: to_stds_and_correlations(v, n), packed, eps=1e-5)
    return np.sum(sd_logpdf(s)) + lkj_corr_logp(corr, eta) + np.linalg.slogdet(jac)[1]


def random_packed_cholesky(rng, n, scale):
    a = rng.normal(size=(n, n + 2))
    chol = np.linalg.cholesky(a @ a.T / (n + 2)) * scale
    return chol[np.tril_indices(n)]


SD_DISTS = {
    # name: (sd_dist factory for dimension n, its log-density in SciPy)
    "exponential": (
        lambda n: ppl.Exponential.dist(lam=np.linspace(0.5, 2.0, n)),
        lambda n: lambda s: st.expon(scale=1 / np.linspace(0.5, 2.0, n)).logpdf(s),
    ),
    "halfnormal": (lambda n: ppl.HalfNormal.dist(2.5), lambda n: st.halfnorm(scale=2.5).logpdf),
}


# --- density -------------------------------------------------------------------------------------
@pytest.mark.parametrize("sd_name", list(SD_DISTS))
@pytest.mark.parametrize("n", [2, 3, 4])
def test_logp_matches_the_reference(n, sd_name):
    make_sd, sd_logpdf = SD_DISTS[sd_name]
    eta, value = pt.dscalar("eta"), pt.dvector("value")
    f = pytensor.function([value, eta], ppl.logp(LKJCholeskyCov.dist(eta, n, make_sd(n)), value))
    rng = np.random.default_rng(n)
    points = [random_packed_cholesky(rng, n, scale) for scale in (0.3, 1.0, 2.0, 4.0)]
    for eta_value in (0.5, 1.0, 2.7):
        for x in points:
            expected = reference_logp(x, n, eta_value, sd_logpdf(n))
            np.testing.assert_allclose(f(x, eta_value), expected, rtol=1e-8, err_msg=f"eta={eta_value}")
    with pytest.raises(ParameterValueError, match=r"LKJCholeskyCov: parameters must satisfy eta > 0"):
        f(points[0], 0.0)


def test_jacobian_of_stds_and_correlation_cholesky_to_packed_factor():
    """|det d L / d(log s, strictly-lower C)| = prod_i s_i * s_i^i / C_ii (PyTensor's Jacobian).

    The density uses the same factor without the ``log s`` part: p(L) = p(s) p(C) prod C_ii / s_i^i.
    """
    n = 4
    m_corr = n * (n - 1) // 2
    theta = pt.dvector("theta")  # (log s, strictly-lower entries of C, row by row)
    log_s = theta[:n]
    rows, cols = np.tril_indices(n, -1)
    c_strict = pt.zeros((n, n))[rows, cols].set(theta[n:])
    diag = pt.sqrt(1.0 - pt.sum(pt.square(c_strict), axis=-1))
    corr_chol = c_strict + pt.diag(diag)
    packed = (pt.exp(log_s)[:, None] * corr_chol)[np.tril_indices(n)]
    f = pytensor.function([theta], [packed, pt.log(diag), jacobian(packed, theta, vectorize=True)])
    library = pytensor.function(
        [value := pt.dvector("L"), e := pt.dscalar("eta")],
        ppl.logp(LKJCholeskyCov.dist(e, n, ppl.Exponential.dist(1.0)), value),
    )
    rng = np.random.default_rng(7)
    for _ in range(4):
        s = rng.uniform(0.2, 3.0, size=n)
        chol = np.linalg.cholesky(np.corrcoef(rng.normal(size=(n, n + 3))))
        theta_value = np.concatenate([np.log(s), chol[rows, cols]])
        assert theta_value.size == n + m_corr
        x, log_diag, jac = f(theta_value)
        expected = np.sum(np.log(s) + np.arange(n) * np.log(s) - log_diag)
        np.testing.assert_allclose(np.linalg.slogdet(jac)[1], expected, rtol=1e-10)
        # the library's logp is p_sd(s) + p_LKJ(C) minus the log|det| of (s, C) -> L
        parts = np.sum(st.expon.logpdf(s)) + lkj_cholesky_logp(pt.as_tensor(log_diag), 1.7, n).eval()
        np.testing.assert_allclose(library(x, 1.7), parts - (expected - np.sum(np.log(s))), rtol=1e-10)


def test_logp_outside_the_support_and_gradient():
    n = 3
    rv = LKJCholeskyCov.dist(2.0, n, ppl.HalfNormal.dist(1.0, shape=n))
    value = pt.dvector("value")
    logp = ppl.logp(rv, value)
    f = pytensor.function([value], [logp, pytensor.grad(logp, value)])
    for bad in ([1.0, 0.2, -0.5, 0.1, 0.1, 1.0], [0.0, 0.2, 0.5, 0.1, 0.1, 1.0], [1.0, 0, 0, 0, 0, 0]):
        lp, grad = f(np.array(bad))
        assert lp == -np.inf, bad
        assert np.all(np.isfinite(grad)), bad
    x = random_packed_cholesky(np.random.default_rng(1), n, 1.0)
    lp, grad = f(x)
    numeric = finite_difference_jacobian(lambda v: np.atleast_1d(f(v)[0]), x, eps=1e-5)[0]
    np.testing.assert_allclose(grad, numeric, rtol=1e-6)


def test_batched_eta_sd_dist_and_size():
    eta = np.array([0.8, 3.0])
    sd_dist = ppl.Exponential.dist(lam=np.array([[1.0], [2.0]]) * np.ones(3))  # shape (2, 3)
    rv = LKJCholeskyCov.dist(eta, 3, sd_dist, size=(4, 2))
    assert rv.type.shape == (4, 2, 6)
    rng = np.random.default_rng(2)
    x = np.stack([[random_packed_cholesky(rng, 3, 1.0) for _ in range(2)] for _ in range(4)])
    got = ppl.logp(rv, x).eval()
    assert got.shape == (4, 2)
    for i in range(4):
        for j in range(2):
            expected = reference_logp(x[i, j], 3, eta[j], st.expon(scale=1 / (j + 1.0)).logpdf)
            np.testing.assert_allclose(got[i, j], expected, rtol=1e-8)
    # the batch shape from broadcasting eta with the sd_dist's leading dimensions
    assert LKJCholeskyCov.dist(eta, 3, sd_dist).type.shape == (2, 6)
    assert LKJCholeskyCov.dist(eta, 3, ppl.HalfNormal.dist(1.0)).type.shape == (2, 6)
    assert LKJCholeskyCov.dist(2.0, 3, ppl.HalfNormal.dist(1.0), shape=(5, 6)).type.shape == (5, 6)


def test_sd_dist_with_a_support_dimension():
    """An sd_dist with support shape (n,) contributes one joint log-density per factor.

    MvNormal is not a positive distribution; it only exercises the wiring here (the density of
    the factor is evaluated at positive standard deviations).
    """
    cov = np.diag([0.5, 1.0, 2.0])
    rv = LKJCholeskyCov.dist(1.3, 3, ppl.MvNormal.dist(mu=np.ones(3), cov=cov), size=(2,))
    assert rv.type.shape == (2, 6)
    rng = np.random.default_rng(3)
    x = np.stack([random_packed_cholesky(rng, 3, 1.0) for _ in range(2)])
    sd_logpdf = st.multivariate_normal(np.ones(3), cov).logpdf
    expected = [reference_logp(v, 3, 1.3, sd_logpdf) for v in x]
    np.testing.assert_allclose(ppl.logp(rv, x).eval(), expected, rtol=1e-8)
    with pytest.raises(ShapeError, match=r"sd_dist has shape \(4,\)"):
        LKJCholeskyCov.dist(1.3, 3, ppl.MvNormal.dist(mu=np.ones(4), cov=np.eye(4)))


def test_support_point_and_resize():
    rv = LKJCholeskyCov.dist([1.0, 2.0], 3, ppl.Exponential.dist(lam=[1.0, 2.0, 4.0]))
    np.testing.assert_allclose(support_point(rv).eval(), [[1.0, 0.0, 0.5, 0.0, 0.0, 0.25]] * 2)
    bigger = resized(rv, (5, 2))
    assert bigger.type.shape == (5, 2, 6)
    assert draw(bigger, random_seed=1).shape == (5, 2, 6)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"n": 1}, ParameterValueError, r"parameter n is 1, expected a constant integer n >= 2"),
        ({"n": 2.5}, ParameterValueError, r"parameter n is 2.5, expected a constant integer"),
        ({"n": pt.lscalar("k")}, ParameterValueError, r"parameter n is k, expected a constant"),
        ({"eta": -1.0}, ParameterValueError, r"parameter eta is -1.0, expected eta > 0"),
        (
            {"sd_dist": ppl.HalfNormal.dist(1.0, shape=4)},
            ShapeError,
            r"sd_dist has shape \(4,\), expected a scalar distribution or one whose last dimension is n = 3",
        ),
        ({"sd_dist": pt.dvector("s")}, ModelError, r"sd_dist must be a distribution created with \.dist\(\)"),
        ({"shape": (2, 5)}, ShapeError, r"shape \(2, 5\) ends in 5, expected n \(n \+ 1\) / 2 = 6"),
        ({"foo": 1}, TypeError, r"unexpected argument\(s\) 'foo'"),
    ],
)
def test_invalid_arguments_raise_at_definition(kwargs, error, match):
    args = {"eta": 2.0, "n": 3, "sd_dist": ppl.HalfNormal.dist(1.0)} | kwargs
    with ppl.Model():
        with pytest.raises(error, match=r"LKJCholeskyCov 'c': " + match):
            ppl.LKJCholeskyCov("c", **args)


def test_model_variable_as_sd_dist_is_rejected():
    with ppl.Model():
        sd = ppl.HalfNormal("sd", 1.0, shape=3)
        with pytest.raises(ModelError, match=r"LKJCholeskyCov 'c': sd_dist 'sd' is a model variable"):
            ppl.LKJCholeskyCov("c", eta=2.0, n=3, sd_dist=sd)


# --- forward draws -------------------------------------------------------------------------------
@pytest.mark.parametrize("mode", ["FAST_COMPILE", "NUMBA"])
def test_draws_have_lkj_correlations_and_sd_dist_stds(mode):
    n_draws, eta = 4000, np.array([0.7, 3.0])
    lam = np.array([0.5, 1.0, 2.0, 4.0])
    with ppl.Model():
        chol, corr, stds = ppl.LKJCholeskyCov(
            "c", eta=eta, n=4, sd_dist=ppl.Exponential.dist(lam), size=(n_draws, 2)
        )
    chol_d, corr_d, stds_d = draw([chol, corr, stds], random_seed=SEED, mode=mode)
    assert chol_d.shape == (n_draws, 2, 4, 4) and corr_d.shape == (n_draws, 2, 4, 4)
    np.testing.assert_array_equal(np.triu(chol_d, 1), 0.0)
    assert np.all(np.diagonal(chol_d, axis1=-2, axis2=-1) > 0)
    cov = chol_d @ np.swapaxes(chol_d, -1, -2)
    np.testing.assert_allclose(cov, corr_d * stds_d[..., :, None] * stds_d[..., None, :], rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(np.diagonal(corr_d, axis1=-2, axis2=-1), 1.0, rtol=1e-12)
    for j in range(2):
        b = eta[j] - 1 + 4 / 2  # every correlation is 2 Beta(b, b) - 1
        for a, c in ((0, 1), (1, 3), (2, 3)):
            p = st.kstest((corr_d[:, j, a, c] + 1) / 2, st.beta(b, b).cdf).pvalue
            assert p > 1e-3, (mode, j, a, c, p)
        for i in range(4):
            p = st.kstest(stds_d[:, j, i], st.expon(scale=1 / lam[i]).cdf).pvalue
            assert p > 1e-3, (mode, j, i, p)


def test_prior_predictive_records_the_deterministics():
    with ppl.Model():
        ppl.LKJCholeskyCov("c", eta=2.0, n=3, sd_dist=ppl.HalfNormal.dist(2.5))
        prior = ppl.sample_prior_predictive(draws=300, random_seed=SEED).prior
    assert set(prior.data_vars) == {"c", "c_corr", "c_stds"}
    packed = prior["c"].values[0]
    s, corr = stds_and_corr(packed, 3)
    np.testing.assert_allclose(prior["c_stds"].values[0], s, rtol=1e-10)
    np.testing.assert_allclose(prior["c_corr"].values[0], corr, rtol=1e-10, atol=1e-12)
    assert st.kstest(s.ravel(), st.halfnorm(scale=2.5).cdf).pvalue > 1e-3


# --- model interface -----------------------------------------------------------------------------
def test_return_values_and_deterministics():
    with ppl.Model() as m:
        chol, corr, stds = ppl.LKJCholeskyCov("a", eta=2.0, n=3, sd_dist=ppl.HalfNormal.dist(1.0))
        packed = ppl.LKJCholeskyCov("b", eta=2.0, n=3, sd_dist=ppl.HalfNormal.dist(1.0), compute_corr=False)
        untraced = ppl.LKJCholeskyCov(
            "c", eta=2.0, n=3, sd_dist=ppl.HalfNormal.dist(1.0), store_in_trace=False
        )
    assert (chol.type.shape, corr.type.shape, stds.type.shape) == ((3, 3), (3, 3), (3,))
    assert packed is m["b"] and packed.type.shape == (6,)
    assert len(untraced) == 3 and untraced[1].name is None
    assert [d.name for d in m.deterministics] == ["a_corr", "a_stds"]
    assert corr is m["a_corr"] and stds is m["a_stds"]
    assert [v.name for v in m.value_vars] == [f"{x}_cholesky-cov-packed__" for x in "abc"]
    point = {"a_cholesky-cov-packed__": np.array([np.log(2.0), 0.6, np.log(0.8), 0.0, 0.0, 0.0])}
    outs = m.replace_rvs_by_values([chol, corr, stds])
    values = m.compile_fn(outs, inputs=[m.rvs_to_values[m["a"]]])(point)
    np.testing.assert_allclose(values[0], [[2.0, 0, 0], [0.6, 0.8, 0], [0, 0, 1.0]])
    np.testing.assert_allclose(values[1], [[1.0, 0.6, 0], [0.6, 1.0, 0], [0, 0, 1.0]])
    np.testing.assert_allclose(values[2], [2.0, 1.0, 1.0])


def test_model_density_is_the_transformed_density():
    with ppl.Model() as m:
        tau = ppl.HalfNormal("tau", 1.0)
        ppl.LKJCholeskyCov("c", eta=1.5, n=3, sd_dist=ppl.HalfNormal.dist(tau), compute_corr=False)
    assert [v.name for v in m.value_vars] == ["tau_log__", "c_cholesky-cov-packed__"]
    np.testing.assert_allclose(m.initial_point()["c_cholesky-cov-packed__"], np.zeros(6))
    logp = m.compile_logp()
    rng = np.random.default_rng(5)
    for _ in range(3):
        y = rng.normal(size=6)
        x = y.copy()
        x[[0, 2, 5]] = np.exp(y[[0, 2, 5]])
        tau_value = np.exp(rng.normal())
        expected = (
            st.halfnorm.logpdf(tau_value) + np.log(tau_value)
            + reference_logp(x, 3, 1.5, st.halfnorm(scale=tau_value).logpdf) + y[[0, 2, 5]].sum()
        )
        got = logp({"tau_log__": np.log(tau_value), "c_cholesky-cov-packed__": y})
        np.testing.assert_allclose(got, expected, rtol=1e-8)


def test_default_mode_compiles_logp_and_gradient():
    # The rest of this module runs in FAST_COMPILE (see conftest.py); this covers PyTensor's
    # default backend (Numba in PyTensor 3) once.
    with pytensor.config.change_flags(mode="NUMBA"):
        with ppl.Model() as m:
            ppl.LKJCholeskyCov("c", eta=2.0, n=3, sd_dist=ppl.Exponential.dist(1.0, shape=3))
        logp, grad = m.logp_dlogp_function()(np.array([0.3, -1.0, 0.2, 0.5, 0.1, -0.4]))
    assert np.isfinite(logp) and np.all(np.isfinite(grad))


# --- sampling ------------------------------------------------------------------------------------
@pytest.mark.slow
def test_nuts_reproduces_the_prior_and_recovers_a_covariance():
    """NUTS (Numba backend) on one model with two independent blocks.

    ``prior`` has no data: its correlations and standard deviations must have the exact
    marginal means and sds (within 4 MCSEs). Its sd_dist is Gamma(6, 6) rather than one with
    mass at 0, which makes a funnel (``L_ij = s_i C_ij`` with small ``s_i``) that needs far more
    draws to estimate sds to a few per cent.

    ``post`` is fitted to N = 500 MvNormal draws. By Bernstein-von Mises its posterior is close
    to normal around the estimate, with sd ``s_i / sqrt(2N)`` for a standard deviation and
    ``(1 - rho^2) / sqrt(N)`` for a correlation: the posterior means must be within 4 of these
    sds of the truth, and the posterior sds within 20% of them (O(N^-1/2) corrections plus the
    Monte Carlo error of an sd estimate from an ESS above 400, about 4%).
    """
    from threadpoolctl import threadpool_limits

    from tests.statistical._checks import assert_converged, assert_mean_sd, sample_quietly

    true_sd = np.array([0.5, 1.0, 2.0])
    true_corr = np.array([[1.0, 0.6, -0.3], [0.6, 1.0, 0.2], [-0.3, 0.2, 1.0]])
    n_obs = 500
    data = np.random.default_rng(SEED).multivariate_normal(
        np.zeros(3), true_corr * np.outer(true_sd, true_sd), size=n_obs
    )
    # One BLAS thread: the graphs are tiny, and on a busy 2-core machine OpenBLAS's threads
    # slow each evaluation down a hundredfold.
    with pytensor.config.change_flags(mode="NUMBA"), threadpool_limits(limits=1):
        with ppl.Model():
            ppl.LKJCholeskyCov("prior", eta=2.0, n=3, sd_dist=ppl.Gamma.dist(alpha=6.0, beta=6.0))
            chol, _, _ = ppl.LKJCholeskyCov("post", eta=2.0, n=3, sd_dist=ppl.HalfNormal.dist(2.5))
            ppl.MvNormal("y", mu=0.0, chol=chol, observed=data)
            idata = sample_quietly(ppl, draws=600, tune=400, random_seed=SEED)
    assert int(idata.sample_stats["diverging"].sum()) == 0
    upper = np.triu_indices(3, 1)
    names = ["prior_corr", "prior_stds", "post_corr", "post_stds"]
    corr = {k: idata.posterior[f"{k}_corr"].values[..., upper[0], upper[1]] for k in ("prior", "post")}
    stds = {k: idata.posterior[f"{k}_stds"].values for k in ("prior", "post")}
    assert_converged(idata, ["prior", "post"], label="LKJCholeskyCov")
    b = 2.0 - 1 + 3 / 2  # each correlation is 2 Beta(b, b) - 1
    assert_mean_sd(corr["prior"], 0.0, 2 * st.beta(b, b).std(), label=names[0])
    assert_mean_sd(stds["prior"], 1.0, np.sqrt(6.0) / 6.0, label=names[1])
    for samples, truth, asymptotic_sd, name in (
        (corr["post"], true_corr[upper], (1 - true_corr[upper] ** 2) / np.sqrt(n_obs), names[2]),
        (stds["post"], true_sd, true_sd / np.sqrt(2 * n_obs), names[3]),
    ):
        flat = samples.reshape(-1, samples.shape[-1])
        mean, sd = flat.mean(axis=0), flat.std(axis=0)
        assert np.all(np.abs(mean - truth) < 4 * sd), (name, mean, truth, sd)
        np.testing.assert_allclose(sd, asymptotic_sd, rtol=0.2, err_msg=name)
