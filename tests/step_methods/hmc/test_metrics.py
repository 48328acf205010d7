"""Euclidean metrics: momentum distribution, velocity, kinetic energy, validation."""

import numpy as np
import pytest

from ppl.exceptions import ParameterValueError, ShapeError
from ppl.step_methods.hmc.metrics import DenseEuclideanMetric, DiagEuclideanMetric, make_metric


def check_momentum_covariance(metric, mass, n=20000, seed=0):
    """Sample covariance of the momenta equals the mass matrix within 4 standard errors."""
    rng = np.random.default_rng(seed)
    p = np.array([metric.sample_momentum(rng) for _ in range(n)])
    products = p[:, :, None] * p[:, None, :]
    estimate = products.mean(axis=0)
    standard_error = products.std(axis=0) / np.sqrt(n)
    assert np.all(np.abs(estimate - mass) <= 4 * standard_error)
    assert np.all(np.abs(p.mean(axis=0)) <= 4 * p.std(axis=0) / np.sqrt(n))


def test_diag_momentum_has_covariance_mass():
    inv_mass = np.array([0.25, 1.0, 4.0])
    check_momentum_covariance(DiagEuclideanMetric(inv_mass), np.diag(1 / inv_mass))


def test_dense_momentum_has_covariance_mass():
    inv_mass = np.array([[2.0, 0.8, 0.1], [0.8, 1.0, -0.3], [0.1, -0.3, 0.5]])
    check_momentum_covariance(DenseEuclideanMetric(inv_mass), np.linalg.inv(inv_mass))


def test_velocity_and_kinetic_energy():
    inv_mass = np.array([[2.0, 0.5], [0.5, 1.0]])
    p = np.array([1.0, -3.0])
    dense = DenseEuclideanMetric(inv_mass)
    v = dense.velocity(p)
    np.testing.assert_allclose(v, inv_mass @ p)
    assert dense.kinetic_energy(p, v) == pytest.approx(0.5 * p @ inv_mass @ p)
    diag = DiagEuclideanMetric(np.diag(inv_mass))
    v = diag.velocity(p)
    np.testing.assert_allclose(v, np.diag(inv_mass) * p)
    assert diag.kinetic_energy(p, v) == pytest.approx(0.5 * np.sum(np.diag(inv_mass) * p**2))


def test_dense_with_diagonal_matrix_matches_diag_metric():
    inv_mass = np.array([0.5, 2.0, 3.0])
    diag, dense = DiagEuclideanMetric(inv_mass), DenseEuclideanMetric(np.diag(inv_mass))
    p_diag = diag.sample_momentum(np.random.default_rng(5))
    p_dense = dense.sample_momentum(np.random.default_rng(5))
    np.testing.assert_allclose(p_diag, p_dense)


def test_update_replaces_inverse_mass_and_returns_fresh_arrays():
    metric = make_metric(2)
    metric.update(np.array([4.0, 9.0]))
    p = metric.sample_momentum(np.random.default_rng(1))
    v = metric.velocity(p)
    np.testing.assert_allclose(v, [4.0, 9.0] * p)
    v[0] = 123.0  # callers may modify the returned arrays
    np.testing.assert_allclose(metric.inv_mass, [4.0, 9.0])
    with pytest.raises(ValueError):
        metric.inv_mass[0] = 1.0  # the stored inverse mass is read-only


@pytest.mark.parametrize(
    "cls, value, error, match",
    [
        (DiagEuclideanMetric, [1.0, -1.0], ParameterValueError, r"-1\..*positive"),
        (DiagEuclideanMetric, [1.0, np.nan], ParameterValueError, "nan"),
        (DiagEuclideanMetric, [[1.0]], ShapeError, r"\(1, 1\)"),
        (DenseEuclideanMetric, [[1.0, 2.0], [2.0, 1.0]], ParameterValueError, "positive definite"),
        (DenseEuclideanMetric, [[1.0, 0.5], [0.0, 1.0]], ParameterValueError, "symmetric"),
        (DenseEuclideanMetric, [1.0, 2.0], ShapeError, r"\(2,\)"),
    ],
)
def test_invalid_inverse_mass_is_rejected(cls, value, error, match):
    with pytest.raises(error, match=match):
        cls(np.array(value))


def test_update_with_wrong_size_is_rejected():
    with pytest.raises(ShapeError, match=r"expected \(2,\)"):
        make_metric(2).update(np.ones(3))
    with pytest.raises(ShapeError, match=r"expected \(2, 2\)"):
        make_metric(2, dense=True).update(np.eye(3))


def test_make_metric():
    assert isinstance(make_metric(3), DiagEuclideanMetric)
    dense = make_metric(3, dense=True, inv_mass=np.array([1.0, 2.0, 3.0]))
    np.testing.assert_allclose(dense.inv_mass, np.diag([1.0, 2.0, 3.0]))
    with pytest.raises(ParameterValueError, match="dim is 0"):
        make_metric(0)
    with pytest.raises(ShapeError, match=r"\(2,\)"):
        make_metric(3, inv_mass=np.ones(2))
