"""ppl.math as a drop-in for PyMC 5's ``pymc.math``: the names it offers, the re-exports are
PyTensor's own objects, and every helper written for ppl against NumPy / SciPy / mpmath, at
ordinary points and at the edges (0 and 1, the far tails, cancellation near 0).

Elementwise helpers are compiled once, in both the default mode (with PyTensor's rewrites, as
users run them) and a quick Python-linker mode, and evaluated on many points per call.
"""

import itertools

import numpy as np
import pytensor
import pytensor.tensor as pt
import pytest
import scipy.linalg
import scipy.special
import scipy.stats
from pytensor.compile.mode import Mode

import ppl
import ppl.math as pmath
from ppl.transforms.cholesky import expand_packed_triangular as cholesky_expand

QUICK_MODE = Mode(linker="py", optimizer="fast_compile")
MODES = {"default": None, "quick": QUICK_MODE}

# The names of PyMC 5's ``pymc.math`` that ppl promises (``lgamma`` is not in PyTensor 3).
PYMC_MATH_NAMES = (
    "abs", "and_", "arccos", "arccosh", "arcsin", "arcsinh", "arctan", "arctanh", "broadcast_to",
    "ceil", "clip", "concatenate", "constant", "cos", "cosh", "cumprod", "cumsum", "dot", "eq",
    "erf", "erfc", "erfcinv", "erfinv", "exp", "full", "full_like", "flatten", "floor", "ge", "gt",
    "le", "log", "log1pexp", "logaddexp", "logsumexp", "lt", "matmul", "max", "maximum", "mean",
    "min", "minimum", "neq", "ones", "ones_like", "or_", "prod", "round", "sgn", "sigmoid", "sin",
    "sinh", "sqr", "sqrt", "stack", "std", "sum", "switch", "tan", "tanh", "var", "where", "zeros",
    "zeros_like", "gammaln", "invlogit", "logit", "log1mexp", "logdiffexp", "probit", "invprobit",
    "softmax", "log_softmax", "det", "matrix_inverse", "matrix_dot", "kronecker", "flat_outer",
    "expand_packed_triangular", "batched_diag", "block_diagonal", "cartesian",
)  # fmt: skip

# Written for ppl (not PyTensor's objects), or ppl's own stable versions of PyTensor's names.
OWN = {
    "LOG_2PI", "LOG_PI", "floatX", "invlogit", "logit", "log1mexp", "log1pexp", "logdiffexp",
    "logsumexp", "log_sigmoid", "log_ndtr", "probit", "invprobit", "matrix_dot", "kronecker",
    "flat_outer", "expand_packed_triangular", "batched_diag", "block_diagonal", "cartesian", "sgn",
}  # fmt: skip
PYTENSOR_HOMES = (pt, pt.linalg, pt.special)


def test_every_pymc_math_name_is_public():
    missing = [name for name in PYMC_MATH_NAMES if name not in pmath.__all__]
    assert not missing
    assert all(hasattr(pmath, name) for name in pmath.__all__)
    assert ppl.math is pmath  # import ppl as pm; pm.math.<name>


@pytest.mark.parametrize("name", sorted(set(pmath.__all__) - OWN))
def test_reexports_are_pytensor_objects(name):
    homes = [home for home in PYTENSOR_HOMES if getattr(home, name, None) is getattr(pmath, name)]
    assert homes, f"ppl.math.{name} is not PyTensor's {name}"


def test_sgn_is_sign_without_the_deprecation_warning():
    assert pmath.sgn is pt.sign
    assert np.array_equal(pmath.sgn([-2.0, 0.0, 3.0]).eval(), [-1.0, 0.0, 1.0])


def _mp_log1mexp(x):
    mp = pytest.importorskip("mpmath")
    if x == 0:
        return -np.inf
    with mp.workdps(60):  # each form is exact where the other would round 1 - exp(x) to 1
        x = mp.mpf(x)
        return float(mp.log(-mp.expm1(x)) if x > -1 else mp.log1p(-mp.exp(x)))


@pytest.fixture(scope="module", params=list(MODES))
def elementwise(request):
    """One compiled function of a vector ``x`` for every elementwise helper."""
    x, a, b = pt.dvectors("x", "a", "b")
    helpers = {
        "invlogit": pmath.invlogit(x), "logit": pmath.logit(x), "log1mexp": pmath.log1mexp(x),
        "probit": pmath.probit(x), "invprobit": pmath.invprobit(x),
    }  # fmt: skip
    fn = pytensor.function([x], list(helpers.values()), mode=MODES[request.param])
    diff = pytensor.function([a, b], pmath.logdiffexp(a, b), mode=MODES[request.param])
    return lambda name, values: fn(np.asarray(values, float))[list(helpers).index(name)], diff


def test_invlogit_and_logit(elementwise):
    run, _ = elementwise
    x = np.array([-800.0, -40.0, -1.0, 0.0, 1e-8, 2.5, 36.0, 800.0, -np.inf, np.inf])
    np.testing.assert_allclose(run("invlogit", x), scipy.special.expit(x), rtol=1e-14, atol=0)
    p = np.array([0.0, 1e-300, 1e-12, 0.3, 0.5, 0.7, 1 - 1e-12, 1.0])
    np.testing.assert_allclose(run("logit", p), scipy.special.logit(p), rtol=1e-13)
    assert run("logit", [0.0, 1.0]).tolist() == [-np.inf, np.inf]
    # Round trip where invlogit(x) still has relative precision to spare (not near p = 1).
    mid = np.array([-30.0, -1.0, 0.0, 1e-8, 2.5])
    np.testing.assert_allclose(run("logit", run("invlogit", mid)), mid, rtol=1e-7, atol=1e-15)


def test_log1mexp_near_zero_and_far_out(elementwise):
    run, _ = elementwise
    ln2 = np.log(2.0)
    x = [-1e-300, -1e-20, -1e-10, -0.5, -ln2 * (1 + 1e-15), -ln2 * (1 - 1e-15), -1.0, -40.0,
         -700.0, -800.0]  # fmt: skip
    np.testing.assert_allclose(run("log1mexp", x), [_mp_log1mexp(v) for v in x], rtol=1e-14)
    out = run("log1mexp", [0.0, -np.inf])
    assert out[0] == -np.inf and out[1] == 0.0


def test_logdiffexp(elementwise):
    _, diff = elementwise
    a = np.array([0.0, 0.0, 700.0, -1000.0, 5.0, 3.0, 0.0])
    b = np.array([-1e-10, -1000.0, 699.0, -1001.0, 5.0, -np.inf, -40.0])
    expected = [a_i + _mp_log1mexp(b_i - a_i) if np.isfinite(b_i) else a_i
                for a_i, b_i in zip(a, b, strict=True)]
    np.testing.assert_allclose(diff(a, b), expected, rtol=1e-14)
    assert diff(a, b)[4] == -np.inf


def test_probit_matches_the_normal_quantile(elementwise):
    run, _ = elementwise
    p = np.array([1e-300, 1e-20, 1e-5, 0.025, 0.3, 0.5, 0.975, 1 - 1e-10])
    np.testing.assert_allclose(run("probit", p), scipy.stats.norm.ppf(p), rtol=1e-12, atol=1e-15)
    assert run("probit", [0.0, 1.0]).tolist() == [-np.inf, np.inf]


def test_invprobit_matches_the_normal_cdf(elementwise):
    run, _ = elementwise
    x = np.array([-30.0, -20.0, -5.0, -1.0, 0.0, 1.959963984540054, 8.0, 40.0, -np.inf, np.inf])
    # Phi's condition number is about x^2 in the lower tail: 1e-13 relative at x = -30 is the
    # rounding of x itself (SciPy is off from the exact value by as much, the other way).
    np.testing.assert_allclose(run("invprobit", x), scipy.stats.norm.cdf(x), rtol=1e-12, atol=0)
    p = np.array([1e-200, 1e-5, 0.3, 0.5, 0.9])
    np.testing.assert_allclose(run("invprobit", run("probit", p)), p, rtol=1e-12)


# Derivatives in closed form, for the points where finite differences lose their precision.
EXACT_DERIVATIVE = {
    "probit": lambda p: 1.0 / scipy.stats.norm.pdf(scipy.stats.norm.ppf(p)),
    "invprobit": scipy.stats.norm.pdf,
    "logit": lambda p: 1.0 / (p * (1.0 - p)),
    "invlogit": lambda x: scipy.special.expit(x) * scipy.special.expit(-x),
}


@pytest.mark.parametrize(
    ("name", "points", "far"),
    [("probit", [1e-6, 0.01, 0.2, 0.5, 0.9, 0.999], [1e-200, 1 - 1e-12]),
     ("invprobit", [-6.0, -1.0, 0.0, 2.0, 3.0], [-30.0, 5.0, 8.0]),
     ("logit", [1e-4, 0.01, 0.3, 0.5, 0.99], [1e-200, 1 - 1e-12]),
     # Not x >> 1 for invlogit: PyTensor's sigmoid gradient s (1 - s) rounds 1 - s there.
     ("invlogit", [-20.0, -1.0, 0.0, 3.0], [-700.0, -30.0])],
)  # fmt: skip
def test_gradient_matches_finite_differences(name, points, far):
    x = pt.dvector("x")
    y = getattr(pmath, name)(x)
    f = pytensor.function([x], [y, pt.grad(y.sum(), x)], mode=QUICK_MODE)
    points = np.asarray(points)
    # Central differences, with steps that keep probabilities inside (0, 1).
    h = 1e-6 * np.minimum(points * (1 - points), 1.0) if name in ("probit", "logit") else 1e-5
    numeric = (f(points + h)[0] - f(points - h)[0]) / (2 * h)
    np.testing.assert_allclose(f(points)[1], numeric, rtol=1e-6)
    points = np.concatenate([points, far])
    np.testing.assert_allclose(f(points)[1], EXACT_DERIVATIVE[name](points), rtol=1e-9)


@pytest.mark.parametrize("axis", [0, 1, -1, None])
def test_softmax_and_log_softmax(axis):
    x = np.array([[1.0, 2.0, 3.0], [-1000.0, 0.0, 1000.0], [5.0, 5.0, 5.0]])
    np.testing.assert_allclose(pmath.softmax(x, axis=axis).eval(),
                               scipy.special.softmax(x, axis=axis), rtol=1e-13, atol=1e-300)
    np.testing.assert_allclose(pmath.log_softmax(x, axis=axis).eval(),
                               scipy.special.log_softmax(x, axis=axis), rtol=1e-13)


def test_matrix_dot_kronecker_flat_outer():
    rng = np.random.default_rng(0)
    A, B, C = rng.normal(size=(2, 3)), rng.normal(size=(3, 4)), rng.normal(size=(4, 2))
    np.testing.assert_allclose(pmath.matrix_dot(A, B, C).eval(), A @ B @ C, rtol=1e-12)
    np.testing.assert_allclose(pmath.matrix_dot(A).eval(), A)
    np.testing.assert_allclose(pmath.kronecker(A, B).eval(), np.kron(A, B), rtol=1e-12)
    np.testing.assert_allclose(pmath.kronecker(A, B, C).eval(), np.kron(np.kron(A, B), C),
                               rtol=1e-12)
    np.testing.assert_allclose(pmath.kronecker(C).eval(), C)
    np.testing.assert_allclose(pmath.flat_outer(A, C).eval(), np.outer(A.ravel(), C.ravel()))
    for fn in (pmath.matrix_dot, pmath.kronecker):
        with pytest.raises(ValueError, match=f"{fn.__name__}: got no matrices"):
            fn()


def test_det_and_matrix_inverse():
    rng = np.random.default_rng(1)
    a = rng.normal(size=(4, 4)) + 4 * np.eye(4)
    np.testing.assert_allclose(pmath.det(a).eval(), np.linalg.det(a), rtol=1e-12)
    np.testing.assert_allclose(pmath.matrix_inverse(a).eval(), np.linalg.inv(a), rtol=1e-12)


def _expected_triangular(n, packed, lower):
    out = np.zeros(packed.shape[:-1] + (n, n), dtype=packed.dtype)
    out[(..., *(np.tril_indices(n) if lower else np.triu_indices(n)))] = packed
    return out


@pytest.mark.parametrize("n", [1, 2, 4])
@pytest.mark.parametrize("lower", [True, False])
def test_expand_packed_triangular(n, lower):
    assert pmath.expand_packed_triangular is cholesky_expand  # one implementation
    m = n * (n + 1) // 2
    packed = np.arange(1.0, 2 * 3 * m + 1).reshape(2, 3, m)
    for values in (packed[0, 0], packed):  # one vector, and a (2, 3) batch of them
        expected = _expected_triangular(n, values, lower)
        full = pmath.expand_packed_triangular(n, values, lower=lower).eval()
        np.testing.assert_array_equal(full, expected)
        diag = pmath.expand_packed_triangular(n, values, lower=lower, diagonal_only=True).eval()
        np.testing.assert_array_equal(diag, np.diagonal(expected, axis1=-2, axis2=-1))
    # The gradient of sum(W * L) with respect to the packed entries is W on the triangle.
    x = pt.dvector("x")
    weights = np.arange(n * n, dtype=float).reshape(n, n) + 1.0
    grad = pt.grad((pmath.expand_packed_triangular(n, x, lower=lower) * weights).sum(), x)
    np.testing.assert_array_equal(grad.eval({x: np.zeros(m)}),
                                  weights[np.tril_indices(n) if lower else np.triu_indices(n)])


def test_expand_packed_triangular_invalid_input():
    with pytest.raises(ValueError, match=r"packed has last dimension 5, expected n \(n \+ 1\) / 2 = 6"):
        pmath.expand_packed_triangular(3, np.zeros(5))
    with pytest.raises(ValueError, match="last dimension 10, expected .* = 6 for n = 3"):
        pmath.expand_packed_triangular(3, pt.tensor("p", shape=(2, 10)))
    with pytest.raises(ValueError, match="packed must have at least one dimension, got a scalar"):
        pmath.expand_packed_triangular(3, 1.0)
    with pytest.raises(TypeError, match="expected n to be a Python integer, got 3.0"):
        pmath.expand_packed_triangular(3.0, np.zeros(6))
    with pytest.raises(ValueError, match="n is 0"):
        pmath.expand_packed_triangular(0, np.zeros(0))
    # A length unknown until run time is accepted when the graph is built.
    assert pmath.expand_packed_triangular(3, pt.dvector("p")).type.shape == (3, 3)


def test_batched_diag():
    rows = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    np.testing.assert_array_equal(pmath.batched_diag(rows).eval(),
                                  np.stack([np.diag(r) for r in rows]))
    mats = np.arange(18.0).reshape(2, 3, 3)
    np.testing.assert_array_equal(pmath.batched_diag(mats).eval(),
                                  np.stack([np.diag(m) for m in mats]))
    with pytest.raises(ValueError, match="batched_diag: C has 1 dimensions, expected 2"):
        pmath.batched_diag([1.0, 2.0])


def test_block_diagonal():
    rng = np.random.default_rng(2)
    blocks = [rng.normal(size=(2, 2)), rng.normal(size=(1, 3)), rng.normal(size=(3, 1))]
    np.testing.assert_array_equal(pmath.block_diagonal(blocks).eval(),
                                  scipy.linalg.block_diag(*blocks))
    np.testing.assert_array_equal(pmath.block_diagonal(blocks[:1]).eval(), blocks[0])
    with pytest.raises(NotImplementedError, match=r"sparse=True \(format='csc'\) is not supported"):
        pmath.block_diagonal(blocks, sparse=True, format="csc")
    with pytest.raises(ValueError, match="got no matrices"):
        pmath.block_diagonal([])


def test_cartesian():
    arrays = [np.array([1, 2, 3]), np.array([0.5, -1.0]), np.array([7, 8])]
    expected = np.array(list(itertools.product(*arrays)))
    out = pmath.cartesian(*arrays)
    assert isinstance(out, np.ndarray) and out.shape == (12, 3)
    np.testing.assert_array_equal(out, expected)
    np.testing.assert_array_equal(pmath.cartesian([4, 5]), [[4], [5]])
    # A 2-D array contributes whole rows.
    rows = np.array([[1, 2], [3, 4]])
    np.testing.assert_array_equal(pmath.cartesian(rows, [9, 10]),
                                  [[1, 2, 9], [1, 2, 10], [3, 4, 9], [3, 4, 10]])
    with pytest.raises(ValueError, match=r"array 1 has shape \(1, 1, 1\), expected 1-D or 2-D"):
        pmath.cartesian([1], np.zeros((1, 1, 1)))
    with pytest.raises(ValueError, match="got no arrays"):
        pmath.cartesian()


def test_python_numbers_and_lists_are_accepted():
    assert float(pmath.log1mexp(-1.0).eval()) == pytest.approx(np.log1p(-np.exp(-1.0)))
    np.testing.assert_allclose(pmath.probit([0.5, 0.975]).eval(), [0.0, 1.959963984540054])
    np.testing.assert_allclose(pmath.invprobit([0.0]).eval(), [0.5])
    np.testing.assert_allclose(pmath.logit([0.5]).eval(), [0.0])
    np.testing.assert_allclose(pmath.logdiffexp([0.0], [-1.0]).eval(), np.log1p(-np.exp([-1.0])))


@pytest.mark.parametrize("axis", [0, 1, None])
def test_logsumexp_keeps_dims_by_default_like_pymc(axis):
    x = np.array([[0.0, -np.inf, 700.0], [-np.inf, -np.inf, -np.inf]])
    want = scipy.special.logsumexp(x, axis=axis, keepdims=True)
    kept = pmath.logsumexp(pt.constant(x), axis=axis).eval()
    assert kept.shape == want.shape
    np.testing.assert_allclose(kept, want, rtol=1e-14)
    squeezed = pmath.logsumexp(pt.constant(x), axis=axis, keepdims=False).eval()
    np.testing.assert_allclose(squeezed, scipy.special.logsumexp(x, axis=axis), rtol=1e-14)
