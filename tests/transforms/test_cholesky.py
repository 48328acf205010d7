"""Packed triangular matrices and the CholeskyCovPacked transform: round trip, log|det J|
against PyTensor's Jacobian and finite differences, extreme values, support, and the packing
helpers against NumPy's triangle indices.

One compiled function (Python linker) per matrix dimension returns everything the tests check.
"""

import numpy as np
import pytensor
import pytensor.tensor as pt
import pytest
from pytensor.compile.mode import Mode
from pytensor.gradient import jacobian

from ppl.testing import finite_difference_jacobian
from ppl.transforms import CholeskyCovPacked
from ppl.transforms.cholesky import (
    expand_packed_triangular,
    pack_lower_triangular,
    packed_diagonal_positions,
)

QUICK_MODE = Mode(linker="py", optimizer="fast_compile")
BATCH = (2, 3)


def random_packed_cholesky(rng, n, shape=()):
    """Packed Cholesky factors of random covariances (NumPy only)."""
    a = rng.normal(size=shape + (n, n + 2)) * rng.uniform(0.1, 5.0, size=shape + (n, 1))
    chol = np.linalg.cholesky(a @ np.swapaxes(a, -1, -2))
    return chol[(..., *np.tril_indices(n))]


@pytest.fixture(scope="module", params=[1, 2, 3, 5])
def case(request):
    n = request.param
    t = CholeskyCovPacked(n)
    y = pt.dvector("y")
    yb = pt.tensor("yb", dtype="float64", shape=(None,) * (len(BATCH) + 1))
    xb = pt.tensor("xb", dtype="float64", shape=(None,) * (len(BATCH) + 1))
    x = t.backward(y)
    outs = [x, t.forward(x), t.log_jac_det(y), t.backward(yb), t.log_jac_det(yb), t.forward(xb)]
    outs.append(jacobian(x, y, vectorize=True))
    return n, pytensor.function([y, yb, xb], outs, mode=QUICK_MODE)


def _call(fn, n, y, rng):
    m = n * (n + 1) // 2
    return fn(y, rng.normal(size=BATCH + (m,)), random_packed_cholesky(rng, n, BATCH))


def test_round_trips_and_batching(case):
    n, fn = case
    m = n * (n + 1) // 2
    rng = np.random.default_rng(1)
    diag = packed_diagonal_positions(n)
    for _ in range(3):
        y = rng.normal(size=m) * 2.0
        yb = rng.normal(size=BATCH + (m,))
        xb = random_packed_cholesky(rng, n, BATCH)
        x, y_back, _, xb_from_yb, ljd_b, yb_from_xb, _ = fn(y, yb, xb)
        np.testing.assert_allclose(y_back, y, rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(x[diag], np.exp(y[diag]), rtol=1e-14)
        np.testing.assert_array_equal(np.delete(x, diag), np.delete(y, diag))
        # forward of NumPy's Cholesky factors, then backward: the factors themselves
        np.testing.assert_allclose(fn(y, yb_from_xb, xb)[3], xb, rtol=1e-12)
        np.testing.assert_allclose(ljd_b, yb[..., diag].sum(axis=-1), rtol=1e-14)
        assert ljd_b.shape == BATCH and xb_from_yb.shape == BATCH + (m,)
        single = fn(yb[1, 2], yb, xb)
        np.testing.assert_allclose(ljd_b[1, 2], single[2], rtol=1e-14)
        np.testing.assert_allclose(xb_from_yb[1, 2], single[0], rtol=1e-14)




def test_log_jac_det_matches_the_numeric_jacobian(case):
    n, fn = case
    m = n * (n + 1) // 2
    rng = np.random.default_rng(3)
    for scale in (0.3, 1.0, 3.0):
        y = rng.normal(size=m) * scale
        _, _, ljd, *_, jac = _call(fn, n, y, rng)
        np.testing.assert_allclose(ljd, np.linalg.slogdet(jac)[1], rtol=1e-12, atol=1e-12)
        fd = finite_difference_jacobian(lambda v: _call(fn, n, v, rng)[0], y)
        np.testing.assert_allclose(ljd, np.linalg.slogdet(fd)[1], rtol=1e-7, atol=1e-8)


def test_every_unconstrained_point_is_a_cholesky_factor_and_extremes_stay_finite(case):
    n, fn = case
    m = n * (n + 1) // 2
    rng = np.random.default_rng(4)
    diag = packed_diagonal_positions(n)
    xb = fn(np.zeros(m), rng.normal(scale=5.0, size=BATCH + (m,)), random_packed_cholesky(rng, n, BATCH))[3]
    assert np.all(xb[..., diag] > 0)
    for y in (np.full(m, 30.0), np.full(m, -30.0), np.linspace(-700.0, 700.0, m)):
        x, y_back, ljd, *_ = _call(fn, n, y, rng)
        assert np.all(np.isfinite(x)) and np.isfinite(ljd), (n, y, x, ljd)
        assert np.all(x[diag] >= 0)  # exp(-700) underflows to a subnormal, never below 0
        assert np.all(np.isfinite(y_back))
    # the gradient through the unused branch of the switch stays finite at huge off-diagonals
    y = pt.dvector("y")
    t = CholeskyCovPacked(n)
    grad = pytensor.function([y], pytensor.grad(pt.sum(t.backward(y)) + t.log_jac_det(y), y), mode=QUICK_MODE)
    assert np.all(np.isfinite(grad(np.full(m, 700.0))))


def test_forward_gradient_ignores_the_off_diagonal_branch():
    t = CholeskyCovPacked(2)
    x = pt.dvector("x")
    grad = pytensor.function([x], pytensor.grad(pt.sum(t.forward(x)), x), mode=QUICK_MODE)
    np.testing.assert_allclose(grad(np.array([2.0, 0.0, 4.0])), [0.5, 1.0, 0.25])


@pytest.mark.parametrize("n", [1, 2, 4])
def test_expand_and_pack_match_numpy(n):
    rng = np.random.default_rng(n)
    m = n * (n + 1) // 2
    packed = rng.normal(size=BATCH + (m,))
    lower = np.zeros(BATCH + (n, n))
    lower[(..., *np.tril_indices(n))] = packed
    upper = np.zeros(BATCH + (n, n))
    upper[(..., *np.triu_indices(n))] = packed
    x = pt.tensor("x", dtype="float64", shape=(None, None, m))
    outs = [
        expand_packed_triangular(n, x),
        expand_packed_triangular(n, x, lower=False),
        expand_packed_triangular(n, x, diagonal_only=True),
        expand_packed_triangular(n, x, lower=False, diagonal_only=True),
        pack_lower_triangular(expand_packed_triangular(n, x) + np.triu(np.ones((n, n)), 1), n),
    ]
    got = pytensor.function([x], outs, mode=QUICK_MODE)(packed)
    np.testing.assert_array_equal(got[0], lower)
    np.testing.assert_array_equal(got[1], upper)
    np.testing.assert_array_equal(got[2], np.diagonal(lower, axis1=-2, axis2=-1))
    np.testing.assert_array_equal(got[3], np.diagonal(upper, axis1=-2, axis2=-1))
    np.testing.assert_array_equal(got[4], packed)  # entries above the diagonal are ignored
    single = expand_packed_triangular(n, packed[0, 0]).eval(mode=QUICK_MODE)
    assert single.shape == (n, n)
    np.testing.assert_array_equal(single, lower[0, 0])


def test_expand_accepts_integers_and_lists():
    out = expand_packed_triangular(2, np.array([1, 2, 3]))
    assert out.dtype == "float64"
    np.testing.assert_array_equal(out.eval(mode=QUICK_MODE), [[1.0, 0.0], [2.0, 3.0]])


def test_argument_checks_and_repr():
    with pytest.raises(TypeError, match=r"expand_packed_triangular: expected n to be a Python integer, got 2.0"):
        expand_packed_triangular(2.0, [1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match=r"packed has last dimension 4, expected n \(n \+ 1\) / 2 = 3"):
        expand_packed_triangular(2, [1.0, 2.0, 3.0, 4.0])
    with pytest.raises(ValueError, match="packed must have at least one dimension"):
        expand_packed_triangular(2, 1.0)
    with pytest.raises(ValueError, match=r"CholeskyCovPacked: n is 0, expected an integer >= 1"):
        CholeskyCovPacked(0)
    with pytest.raises(TypeError, match="CholeskyCovPacked: expected n to be a Python integer"):
        CholeskyCovPacked(True)
    t = CholeskyCovPacked(3)
    assert repr(t) == "CholeskyCovPacked(3)"
    assert t.name == "cholesky-cov-packed" and t.ndim_supp == 1
    np.testing.assert_array_equal(packed_diagonal_positions(4), [0, 2, 5, 9])
    np.testing.assert_array_equal(packed_diagonal_positions(4, lower=False), [0, 4, 7, 9])
