import numpy as np
import pytensor
import pytensor.tensor as pt
import pytest
import scipy.stats as st

import ppl
from ppl.exceptions import ParameterValueError, ShapeError
from ppl.forward.draw import draw
from ppl.logprob.dispatch import support_point


def zerosum_basis(k):
    """Orthonormal basis (k x (k-1)) of the zero-sum vectors, from NumPy's SVD (not our transform)."""
    centering = np.eye(k) - np.ones((k, k)) / k
    u, _, _ = np.linalg.svd(centering)
    return u[:, : k - 1]


def reference_logp(x, sigma, n_axes):
    """Density on the zero-sum subspace: N(0, sigma^2 I_D) of the coordinates in an orthonormal basis."""
    shape = x.shape[-n_axes:]
    basis = zerosum_basis(shape[0])
    for k in shape[1:]:
        basis = np.kron(basis, zerosum_basis(k))
    coords = x.reshape(x.shape[: x.ndim - n_axes] + (-1,)) @ basis
    # the coordinates hold the whole vector: projecting back reproduces x
    np.testing.assert_allclose(coords @ basis.T, x.reshape(coords.shape[:-1] + (-1,)), atol=1e-12)
    return st.multivariate_normal(np.zeros(basis.shape[1]), sigma**2 * np.eye(basis.shape[1])).logpdf(coords)


def zerosum_values(rng, shape, n_axes, scale=2.0):
    x = rng.normal(scale=scale, size=shape)
    for axis in range(-n_axes, 0):
        x = x - x.mean(axis=axis, keepdims=True)
    return x


@pytest.mark.parametrize(("shape", "n_axes"), [((2,), 1), ((5,), 1), ((3, 4), 2)])
def test_logp_matches_the_density_on_the_subspace(shape, n_axes):
    sigma = pt.dscalar("sigma")
    value = pt.tensor("value", dtype="float64", shape=(None, *shape))
    rv = ppl.ZeroSumNormal.dist(sigma=sigma, n_zerosum_axes=n_axes, shape=shape)
    f = pytensor.function([value, sigma], ppl.logp(rv, value))
    rng = np.random.default_rng(len(shape))
    for s in [0.3, 1.0, 2.5]:
        x = zerosum_values(rng, (20, *shape), n_axes)
        expected = [reference_logp(xi, s, n_axes) for xi in x]
        np.testing.assert_allclose(f(x, s), expected, rtol=1e-10)
    off = zerosum_values(rng, (3, *shape), n_axes)
    off[0, ..., 0] += 1e-3
    off[1].flat[-1] += 1e-6
    assert np.all(f(off, 1.0)[:2] == -np.inf)
    assert np.isfinite(f(off, 1.0)[2])
    with pytest.raises(ParameterValueError, match="sigma > 0"):
        f(off[2:], 0.0)


def test_only_the_constrained_axes_must_sum_to_zero():
    rv = ppl.ZeroSumNormal.dist(sigma=1.0, shape=(2, 3))
    x = np.array([[1.0, -1.0, 0.0], [5.0, -2.0, -3.0]])  # columns do not sum to zero: fine
    np.testing.assert_allclose(ppl.logp(rv, x).eval(), [reference_logp(r, 1.0, 1) for r in x], rtol=1e-10)
    rv2 = ppl.ZeroSumNormal.dist(sigma=1.0, n_zerosum_axes=2, shape=(2, 3))
    assert ppl.logp(rv2, x).eval() == -np.inf


def test_batched_sigma_with_length_one_zerosum_axis():
    sigma = np.array([[0.5], [2.0]])
    rv = ppl.ZeroSumNormal.dist(sigma=sigma, shape=(2, 4))
    assert rv.type.shape == (2, 4)
    x = zerosum_values(np.random.default_rng(1), (2, 4), 1)
    expected = [reference_logp(x[i], sigma[i, 0], 1) for i in range(2)]
    np.testing.assert_allclose(ppl.logp(rv, x).eval(), expected, rtol=1e-10)
    batched = ppl.ZeroSumNormal.dist(sigma=np.array([[[1.0]], [[3.0]]]), n_zerosum_axes=2, size=(2,), support_shape=(3, 4))
    assert batched.type.shape == (2, 3, 4)


def test_sigma_changes_the_answer():
    x = zerosum_values(np.random.default_rng(2), (4,), 1)
    one = ppl.logp(ppl.ZeroSumNormal.dist(sigma=1.0, shape=4), x).eval()
    three = ppl.logp(ppl.ZeroSumNormal.dist(sigma=3.0, shape=4), x).eval()
    np.testing.assert_allclose(three, reference_logp(x, 3.0, 1), rtol=1e-10)
    assert not np.isclose(one, three)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"sigma": -1.0, "shape": 3}, ParameterValueError, r"parameter sigma is -1.0, expected sigma > 0"),
        ({"sigma": np.ones(3), "shape": 3}, ShapeError, r"sigma has shape \(3,\), expected length 1"),
        ({"sigma": np.array([[1.0], [-2.0]]), "shape": (2, 3)}, ParameterValueError, r"parameter sigma is \[-2.\] \(at 1 of 2 entries\)"),
        ({"n_zerosum_axes": 0, "shape": 3}, ParameterValueError, r"n_zerosum_axes is 0, expected an integer >= 1"),
        ({"n_zerosum_axes": 2, "shape": 3}, ShapeError, r"shape is \(3,\), expected at least 2"),
        ({}, ShapeError, "the lengths of the zero-sum axes are unknown"),
        ({"support_shape": 4, "shape": (2, 3)}, ShapeError, r"support_shape is \(4,\), but shape ends in \(3,\)"),
        ({"support_shape": (3, 4)}, ShapeError, r"support_shape is \(3, 4\), expected 1 length"),
    ],
)
def test_invalid_arguments_raise_at_definition(kwargs, error, match):
    with ppl.Model():
        with pytest.raises(error, match=r"ZeroSumNormal 'z': " + match):
            ppl.ZeroSumNormal("z", **kwargs)


def test_deprecated_zerosum_axes_argument_warns():
    with pytest.warns(FutureWarning, match="zerosum_axes is deprecated"):
        rv = ppl.ZeroSumNormal.dist(zerosum_axes=2, shape=(3, 4))
    assert rv.owner.op.ndim_supp == 2


def test_support_shape_alone_and_with_size():
    assert ppl.ZeroSumNormal.dist(support_shape=5).type.shape == (5,)
    assert ppl.ZeroSumNormal.dist(support_shape=[5], size=(2,)).type.shape == (2, 5)
    assert ppl.ZeroSumNormal.dist(n_zerosum_axes=2, support_shape=(2, 3), size=(4,)).type.shape == (4, 2, 3)


def test_model_dims_transform_and_initial_point():
    coords = {"region": ["a", "b", "c"], "answer": ["yes", "no", "maybe", "n/a"]}
    with ppl.Model(coords=coords) as m:
        v = ppl.ZeroSumNormal("v", sigma=2.0, dims=("region", "answer"))
        w = ppl.ZeroSumNormal("w", dims=("region", "answer"), n_zerosum_axes=2)
    assert v.type.shape == (3, 4) and w.type.shape == (3, 4)
    assert [x.name for x in m.value_vars] == ["v_zerosum__", "w_zerosum__"]
    point = m.initial_point()
    assert point["v_zerosum__"].shape == (3, 3) and point["w_zerosum__"].shape == (2, 3)
    # The model density at an unconstrained point is the density of the constrained value:
    # the transform is an isometry, so there is no Jacobian term.
    rng = np.random.default_rng(3)
    point = {"v_zerosum__": rng.normal(size=(3, 3)), "w_zerosum__": rng.normal(size=(2, 3))}
    backward = pytensor.function(list(m.value_vars), [m.rvs_to_transforms[r].backward(m.rvs_to_values[r]) for r in (v, w)])
    x_v, x_w = backward(point["v_zerosum__"], point["w_zerosum__"])
    np.testing.assert_allclose(x_v.sum(-1), 0.0, atol=1e-12)
    np.testing.assert_allclose(x_w.sum(0), 0.0, atol=1e-12)
    expected = reference_logp(x_v, 2.0, 1).sum() + reference_logp(x_w, 1.0, 2)
    np.testing.assert_allclose(m.compile_logp()(point), expected, rtol=1e-10)


def test_observed_data_gives_the_shape():
    data = np.array([[1.0, -0.5, -0.5], [0.2, 0.3, -0.5]])
    with ppl.Model() as m:
        y = ppl.ZeroSumNormal("y", sigma=1.5, observed=data)
    assert y.type.shape == (2, 3)
    expected = sum(reference_logp(r, 1.5, 1) for r in data)
    np.testing.assert_allclose(m.compile_logp()({}), expected, rtol=1e-10)


def test_support_point_is_zero():
    rv = ppl.ZeroSumNormal.dist(sigma=np.array([[1.0], [2.0]]), shape=(2, 5))
    np.testing.assert_array_equal(support_point(rv).eval(), np.zeros((2, 5)))


@pytest.mark.parametrize("mode", ["FAST_COMPILE", "NUMBA"])
def test_draws_sum_to_zero_with_the_right_marginals(mode):
    n_draws = 4000
    one = ppl.ZeroSumNormal.dist(sigma=2.0, shape=(2, 5))
    two = ppl.ZeroSumNormal.dist(sigma=np.array([[[0.5]], [[3.0]]]), n_zerosum_axes=2, shape=(2, 3, 4))
    x1, x2 = draw([one, two], draws=n_draws, random_seed=20261122, mode=mode)
    assert x1.shape == (n_draws, 2, 5) and x2.shape == (n_draws, 2, 3, 4)
    np.testing.assert_allclose(x1.sum(-1), 0.0, atol=1e-12)
    np.testing.assert_allclose(x2.sum(-1), 0.0, atol=1e-12)
    np.testing.assert_allclose(x2.sum(-2), 0.0, atol=1e-12)
    # Each entry is normal with variance sigma^2 prod (K - 1) / K.
    assert st.kstest(x1[:, 1, 2], st.norm(0, 2.0 * np.sqrt(4 / 5)).cdf).pvalue > 1e-3
    assert st.kstest(x2[:, 1, 0, 3], st.norm(0, 3.0 * np.sqrt(2 / 3 * 3 / 4)).cdf).pvalue > 1e-3
    assert st.kstest(x2[:, 0, 2, 1], st.norm(0, 0.5 * np.sqrt(2 / 3 * 3 / 4)).cdf).pvalue > 1e-3


def test_default_mode_compiles_logp_and_gradient():
    # The rest of this module runs in FAST_COMPILE (see conftest.py); this covers PyTensor's
    # default backend (Numba in PyTensor 3) once, with a free sigma and two zero-sum axes.
    with pytensor.config.change_flags(mode="NUMBA"):
        with ppl.Model() as m:
            sigma = ppl.HalfNormal("sigma", 1.0)
            ppl.ZeroSumNormal("a", sigma=sigma, shape=(3, 4), n_zerosum_axes=2)
        f = m.logp_dlogp_function()
        x = np.random.default_rng(4).normal(size=7)
        logp, grad = f(x)
    assert np.isfinite(logp) and np.all(np.isfinite(grad))
