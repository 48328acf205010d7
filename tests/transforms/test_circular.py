"""Circular transform: round trip on the circle, wrapping, log|det J| against the Jacobian.

As in test_transforms.py, one compiled function (Python linker) returns everything the tests
check, evaluated at many points.
"""

import numpy as np
import pytensor
import pytensor.tensor as pt
import pytest
from pytensor.compile.mode import Mode
from pytensor.gradient import jacobian

import ppl
from ppl.transforms import CircularTransform, circular

QUICK_MODE = Mode(linker="py", optimizer="fast_compile")
N = 4


@pytest.fixture(scope="module")
def fn():
    y = pt.dvector("y")
    xb = pt.dmatrix("xb")
    x = circular.backward(y)
    outs = [
        x,
        circular.forward(x),
        circular.log_jac_det(y),
        jacobian(x, y, vectorize=True),
        circular.forward(xb),
        circular.backward(circular.forward(xb)),
        circular.log_jac_det(xb),
    ]
    return pytensor.function([y, xb], outs, mode=QUICK_MODE)


def _angles(rng, shape):
    return rng.uniform(-np.pi + 1e-6, np.pi - 1e-6, size=shape)


def test_round_trip_inside_the_circle(fn):
    rng = np.random.default_rng(1)
    for _ in range(5):
        y = _angles(rng, N)
        xb = _angles(rng, (3, N))
        x, y_back, *_, xb_fwd, xb_back, ljd_b = fn(y, xb)
        np.testing.assert_allclose(x, y, rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(y_back, y, rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(xb_back, xb, rtol=1e-12, atol=1e-12)
        assert xb_fwd.shape == ljd_b.shape == (3, N)


def test_backward_wraps_the_real_line_onto_the_circle(fn):
    rng = np.random.default_rng(2)
    angles = _angles(rng, N)
    for turns in (-3, -1, 1, 7):
        x, *_ = fn(angles + 2 * np.pi * turns, np.zeros((1, N)))
        np.testing.assert_allclose(x, angles, atol=1e-9)


def test_log_jac_det_matches_numerical_jacobian(fn):
    rng = np.random.default_rng(3)
    for _ in range(5):
        y = rng.normal(size=N) * 5  # also points that wrap
        _, _, ljd, jac, *_ = fn(y, np.zeros((1, N)))
        _, logdet = np.linalg.slogdet(jac)
        np.testing.assert_allclose(np.sum(ljd), logdet, atol=1e-9)
        np.testing.assert_allclose(ljd, 0.0)


def test_log_jac_det_matches_finite_differences(fn):
    rng = np.random.default_rng(4)
    y, eps = rng.normal(size=N), 1e-6
    cols = []
    for j in range(N):
        step = np.zeros(N)
        step[j] = eps
        forward, backward = fn(y + step, np.zeros((1, N)))[0], fn(y - step, np.zeros((1, N)))[0]
        cols.append((forward - backward) / (2 * eps))
    _, logdet = np.linalg.slogdet(np.stack(cols, axis=1))
    np.testing.assert_allclose(logdet, np.sum(fn(y, np.zeros((1, N)))[2]), atol=1e-6)


@pytest.mark.parametrize("extreme", [30.0, 700.0, 1e6])
def test_extreme_unconstrained_values_are_finite_and_on_the_circle(fn, extreme):
    y = np.array([extreme, -extreme, 0.5 * extreme, 0.0])
    x, y_back, ljd, *_ = fn(y, np.zeros((1, N)))
    assert np.all(np.isfinite(x)) and np.all(np.isfinite(y_back)) and np.all(np.isfinite(ljd))
    assert np.all(np.abs(x) <= np.pi)


def test_name_and_instance():
    assert circular.name == "circular"
    assert circular.ndim_supp == 0
    assert isinstance(circular, CircularTransform)
    assert ppl.transforms.circular is circular


def test_model_density_is_periodic_on_the_sampler_scale():
    # the sampler sees the density of theta = wrap(y): y and y + 2 pi k are the same point
    with ppl.Model() as m:
        ppl.VonMises("theta", mu=2.8, kappa=3.0)
    logp = m.compile_logp(mode=QUICK_MODE)
    y = np.array([-2.0, 0.3, 2.9])
    base = [logp({"theta_circular__": v}) for v in y]
    for turns in (-2, 1, 5):
        shifted = [logp({"theta_circular__": v + 2 * np.pi * turns}) for v in y]
        np.testing.assert_allclose(shifted, base, rtol=1e-10)
    expected = [ppl.logp(ppl.VonMises.dist(2.8, 3.0), v).eval(mode=QUICK_MODE) for v in y]
    np.testing.assert_allclose(base, expected, rtol=1e-12)
