"""ZeroSumTransform: round trip, isometry (log|det J| = 0 on the subspace), extremes, support.

One compiled function (Python linker) per case returns everything the tests check.
"""

import numpy as np
import pytensor
import pytensor.tensor as pt
import pytest
from pytensor.compile.mode import Mode
from pytensor.gradient import jacobian

from ppl.transforms import ZeroSumTransform

QUICK_MODE = Mode(linker="py", optimizer="fast_compile")

# (zerosum axes, unconstrained event shape): the constrained event has each zero-sum axis + 1.
CASES = {
    "last_axis": ([-1], (4,)),
    "last_axis_of_matrix": ([-1], (2, 3)),
    "two_axes": ([-2, -1], (2, 3)),
    "length_two": ([-1], (1,)),
}
BATCH = (2, 3)


def constrained_shape(axes, event):
    shape = list(event)
    for a in axes:
        shape[a] += 1
    return tuple(shape)


@pytest.fixture(scope="module", params=list(CASES))
def case(request):
    axes, event = CASES[request.param]
    t = ZeroSumTransform(axes)
    size = int(np.prod(event))
    y_flat = pt.dvector("y")
    y = y_flat.reshape(event)
    x = t.backward(y)
    yb = pt.tensor("yb", dtype="float64", shape=(None,) * (len(BATCH) + len(event)))
    xb = pt.tensor("xb", dtype="float64", shape=(None,) * (len(BATCH) + len(event)))
    outs = [
        x,
        t.forward(x).reshape((size,)),
        t.log_jac_det(y),
        jacobian(x.reshape((-1,)), y_flat, vectorize=True),
        t.backward(yb),
        t.log_jac_det(yb),
        t.backward(t.forward(xb)),
    ]
    fn = pytensor.function([y_flat, yb, xb], outs, mode=QUICK_MODE)
    return request.param, t, axes, event, fn


def zerosum_values(rng, shape, axes):
    x = rng.normal(scale=3.0, size=shape)
    for a in axes:
        x = x - x.mean(axis=a, keepdims=True)
    return x


def test_round_trips_and_shapes(case):
    name, t, axes, event, fn = case
    rng = np.random.default_rng(1)
    x_shape = constrained_shape(axes, event)
    for _ in range(3):
        y = rng.normal(size=int(np.prod(event)))
        yb = rng.normal(size=BATCH + event)
        xb = zerosum_values(rng, BATCH + x_shape, axes)
        x, y_back, ljd, _, xb_from_yb, ljd_b, xb_back = fn(y, yb, xb)
        assert x.shape == x_shape and xb_from_yb.shape == BATCH + x_shape, name
        np.testing.assert_allclose(y_back, y, atol=1e-12, err_msg=name)
        np.testing.assert_allclose(xb_back, xb, atol=1e-12, err_msg=name)
        for a in axes:  # backward lands on the zero-sum subspace
            np.testing.assert_allclose(xb_from_yb.sum(axis=a), 0.0, atol=1e-12, err_msg=name)
        assert ljd.shape == event[: len(event) - t.ndim_supp] and np.all(ljd == 0.0), name
        assert ljd_b.shape == BATCH + event[: len(event) - t.ndim_supp], name


def test_backward_is_an_isometry_onto_the_subspace(case):
    """The density is on the subspace: log|det J| there is log sqrt(det(J^T J)) = 0."""
    name, t, axes, event, fn = case
    rng = np.random.default_rng(2)
    jac = fn(rng.normal(size=int(np.prod(event))), np.zeros(BATCH + event), np.zeros(BATCH + constrained_shape(axes, event)))[3]
    np.testing.assert_allclose(jac.T @ jac, np.eye(jac.shape[1]), atol=1e-12, err_msg=name)
    # finite differences agree with PyTensor's Jacobian (backward is linear)
    y = rng.normal(size=int(np.prod(event)))
    eps = 1e-6
    cols = []
    for j in range(y.size):
        step = np.zeros(y.size)
        step[j] = eps
        plus = fn(y + step, np.zeros(BATCH + event), np.zeros(BATCH + constrained_shape(axes, event)))[0]
        minus = fn(y - step, np.zeros(BATCH + event), np.zeros(BATCH + constrained_shape(axes, event)))[0]
        cols.append((plus - minus).ravel() / (2 * eps))
    np.testing.assert_allclose(np.stack(cols, axis=1), jac, atol=1e-8, err_msg=name)


def test_extreme_unconstrained_values_are_finite(case):
    name, t, axes, event, fn = case
    size = int(np.prod(event))
    for y in (np.full(size, 700.0), np.full(size, -1e150), np.linspace(-1e6, 1e6, size)):
        x, y_back, ljd, *_ = fn(y, np.zeros(BATCH + event), np.zeros(BATCH + constrained_shape(axes, event)))
        assert np.all(np.isfinite(x)) and np.all(np.isfinite(ljd)), (name, y)
        np.testing.assert_allclose(y_back, y, rtol=1e-8, err_msg=name)


def test_argument_checks_and_repr():
    for bad in ([], [0], [-1, -1], [1]):
        with pytest.raises(ValueError, match="zerosum_axes"):
            ZeroSumTransform(bad)
    t = ZeroSumTransform([-1, -3])
    assert t.ndim_supp == 3 and t.name == "zerosum"
    assert repr(t) == "ZeroSumTransform([-3, -1])"
