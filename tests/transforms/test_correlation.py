"""CPC transform of correlation matrices: round trip, log|det J| against finite differences and
PyTensor's Jacobian, extreme values, support (every unconstrained point is a correlation matrix),
and the Cholesky building blocks.

One compiled function (Python linker) per matrix dimension returns everything the tests check;
PyTensor's symbolic Jacobian costs seconds to compile, so it is built once, for n = 4.
"""

import numpy as np
import pytensor
import pytensor.tensor as pt
import pytest
from pytensor.compile.mode import Mode
from pytensor.gradient import jacobian

from ppl.testing import finite_difference_jacobian
from ppl.transforms import CPCTransform
from ppl.transforms.correlation import (
    corr_cholesky_to_cpc,
    cpc_to_corr_cholesky,
    pack_upper,
    unpack_upper,
)

QUICK_MODE = Mode(linker="py", optimizer="fast_compile")
BATCH = (2, 3)


def random_corr(rng, n, shape=()):
    """Correlation matrices from random covariances (NumPy only), packed upper triangle."""
    a = rng.normal(size=shape + (n, n + 2))
    cov = a @ np.swapaxes(a, -1, -2)
    sd = np.sqrt(np.diagonal(cov, axis1=-2, axis2=-1))
    corr = cov / (sd[..., :, None] * sd[..., None, :])
    rows, cols = np.triu_indices(n, 1)
    return corr[..., rows, cols]


def full_matrix(packed, n):
    rows, cols = np.triu_indices(n, 1)
    out = np.broadcast_to(np.eye(n), packed.shape[:-1] + (n, n)).copy()
    out[..., rows, cols] = packed
    out[..., cols, rows] = packed
    return out


@pytest.fixture(scope="module", params=[2, 3, 4])
def case(request):
    n = request.param
    t = CPCTransform(n)
    y = pt.dvector("y")
    yb = pt.tensor("yb", dtype="float64", shape=(None,) * (len(BATCH) + 1))
    xb = pt.tensor("xb", dtype="float64", shape=(None,) * (len(BATCH) + 1))
    x = t.backward(y)
    outs = [
        x,
        t.forward(x),
        t.log_jac_det(y),
        t.backward(yb),
        t.log_jac_det(yb),
        t.backward(t.forward(xb)),
    ]
    return n, t, pytensor.function([y, yb, xb], outs, mode=QUICK_MODE)


def _call(fn, n, y, rng):
    m = n * (n - 1) // 2
    return fn(y, rng.normal(size=BATCH + (m,)), random_corr(rng, n, BATCH))


def test_round_trips_and_batching(case):
    n, t, fn = case
    m = n * (n - 1) // 2
    rng = np.random.default_rng(1)
    for _ in range(3):
        y = rng.normal(size=m) * 1.5
        yb = rng.normal(size=BATCH + (m,))
        xb = random_corr(rng, n, BATCH)
        x, y_back, ljd, xb_from_yb, ljd_b, xb_back = fn(y, yb, xb)
        np.testing.assert_allclose(y_back, y, rtol=1e-8, atol=1e-10)
        np.testing.assert_allclose(xb_back, xb, atol=1e-10)
        assert ljd_b.shape == BATCH and xb_from_yb.shape == BATCH + (m,)
        single = fn(yb[1, 2], yb, xb)
        np.testing.assert_allclose(ljd_b[1, 2], single[2], rtol=1e-12)
        np.testing.assert_allclose(xb_from_yb[1, 2], single[0], rtol=1e-12)




def test_log_jac_det_matches_finite_differences(case):
    n, t, fn = case
    m = n * (n - 1) // 2
    rng = np.random.default_rng(3)
    for scale in (0.3, 1.0, 2.0):
        y = rng.normal(size=m) * scale
        jac = finite_difference_jacobian(lambda v: _call(fn, n, v, rng)[0], y)
        np.testing.assert_allclose(_call(fn, n, y, rng)[2], np.linalg.slogdet(jac)[1], rtol=1e-7, atol=1e-8)


def test_log_jac_det_matches_pytensor_jacobian():
    n, m = 4, 6
    t = CPCTransform(n)
    y = pt.dvector("y")
    f = pytensor.function([y], [t.log_jac_det(y), jacobian(t.backward(y), y, vectorize=True)], mode=QUICK_MODE)
    rng = np.random.default_rng(2)
    for _ in range(3):
        ljd, jac = f(rng.normal(size=m) * 1.5)
        np.testing.assert_allclose(ljd, np.linalg.slogdet(jac)[1], rtol=1e-9, atol=1e-10)


def test_every_unconstrained_point_is_a_correlation_matrix(case):
    n, t, fn = case
    m = n * (n - 1) // 2
    rng = np.random.default_rng(4)
    xb_from_yb = fn(np.zeros(m), rng.normal(scale=3.0, size=BATCH + (m,)), random_corr(rng, n, BATCH))[3]
    assert np.all(np.linalg.eigvalsh(full_matrix(xb_from_yb, n)) > 0)
    for y in (np.full(m, 30.0), np.full(m, -30.0), np.full(m, 700.0), np.linspace(-700, 700, m)):
        x, _, ljd, *_ = _call(fn, n, y, rng)
        assert np.all(np.isfinite(x)) and np.isfinite(ljd), (n, y, x, ljd)
        assert np.all(np.abs(x) <= 1.0), (n, y, x)
        # rounding may reach the boundary (a singular matrix), never leave the closure
        assert np.all(np.linalg.eigvalsh(full_matrix(x, n)) > -1e-12), (n, y, x)


def test_forward_near_the_boundary(case):
    """Round trips stay accurate while the matrix is well conditioned, and finite beyond.

    Near the boundary the correlations themselves lose the information (tanh(8) = 1 - 2e-7, and
    the matrix is nearly singular), so forward(backward(y)) is only finite there.
    """
    n, t, fn = case
    m = n * (n - 1) // 2
    rng = np.random.default_rng(5)
    for y in (np.full(m, 3.0), np.linspace(-3.0, 3.0, m)):
        np.testing.assert_allclose(_call(fn, n, y, rng)[1], y, rtol=1e-6)
    for y in (np.full(m, 8.0), np.linspace(-8.0, 8.0, m)):
        assert np.all(np.isfinite(_call(fn, n, y, rng)[1])), (n, y)


def test_cholesky_building_blocks():
    rng = np.random.default_rng(6)
    n = 4
    y = pt.dmatrix("y")
    chol, log_jac, log_diag = cpc_to_corr_cholesky(y, n)
    f = pytensor.function([y], [chol, log_jac, log_diag, corr_cholesky_to_cpc(chol, n)], mode=QUICK_MODE)
    values = rng.normal(size=(3, 6))
    chol_v, _, log_diag_v, y_back = f(values)
    np.testing.assert_allclose(np.triu(chol_v, 1), 0.0)
    np.testing.assert_allclose(np.sum(chol_v**2, axis=-1), 1.0, rtol=1e-12)
    np.testing.assert_allclose(np.log(np.diagonal(chol_v, axis1=-2, axis2=-1)), log_diag_v, rtol=1e-12)
    np.testing.assert_allclose(y_back, values, rtol=1e-10)
    corr = chol_v @ np.swapaxes(chol_v, -1, -2)
    np.testing.assert_allclose(np.linalg.cholesky(corr), chol_v, atol=1e-12)
    # log|det dL/dy| against finite differences of y -> strictly-lower entries of L
    lower = np.tril_indices(n, -1)
    jac = finite_difference_jacobian(lambda v: f(v[None])[0][0][lower], values[0])
    np.testing.assert_allclose(f(values[:1])[1][0], np.linalg.slogdet(jac)[1], rtol=1e-7)
    packed = random_corr(rng, n, (2,))
    matrix = unpack_upper(pt.as_tensor(packed), n).eval(mode=QUICK_MODE)
    np.testing.assert_allclose(matrix, full_matrix(packed, n))
    np.testing.assert_allclose(pack_upper(pt.as_tensor(matrix), n).eval(mode=QUICK_MODE), packed)


def test_dimension_checks_and_repr():
    for bad in (1, 0, 2.5, "3"):
        with pytest.raises(ValueError, match="expected an integer >= 2"):
            CPCTransform(bad)
    assert repr(CPCTransform(3)) == "CPCTransform(3)"
    assert CPCTransform(3).name == "cpc" and CPCTransform(3).ndim_supp == 1
