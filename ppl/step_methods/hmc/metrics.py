"""Euclidean metrics (mass matrices) for Hamiltonian samplers: momentum, kinetic energy, velocity.

The metric is described by the *inverse* mass matrix, which plays the role of the posterior
covariance: adaptation sets it to an estimate of that covariance. Momenta are drawn from
``N(0, M)`` and the velocity is ``dq/dt = M^{-1} p``.
"""

from typing import Protocol

import numpy as np
import scipy.linalg

from ppl.exceptions import ParameterValueError, ShapeError

__all__ = ["DenseEuclideanMetric", "DiagEuclideanMetric", "Metric", "make_metric"]


class Metric(Protocol):
    """What integrators and kernels need from a metric.

    ``sample_momentum`` and ``velocity`` must return new arrays: integrators update them in place.

    Attributes
    ----------
    dim
        Length of the position vector.
    inv_mass
        Current inverse mass matrix: a vector (diagonal) or a matrix (dense).

    Examples
    --------
    >>> isinstance(make_metric(2).velocity(np.ones(2)), np.ndarray)
    True
    """

    dim: int

    @property
    def inv_mass(self) -> np.ndarray: ...

    def sample_momentum(self, rng: np.random.Generator) -> np.ndarray: ...

    def velocity(self, p: np.ndarray) -> np.ndarray: ...

    def kinetic_energy(self, p: np.ndarray, velocity: np.ndarray) -> float: ...

    def update(self, inv_mass: np.ndarray) -> None: ...


class DiagEuclideanMetric:
    """Diagonal Euclidean metric.

    Parameters
    ----------
    inv_mass_diag
        Positive, finite diagonal of the inverse mass matrix (per-coordinate variances).

    Raises
    ------
    ShapeError
        If ``inv_mass_diag`` is not a non-empty 1-D array.
    ParameterValueError
        If an entry is not positive and finite.

    Examples
    --------
    >>> metric = DiagEuclideanMetric(np.array([1.0, 4.0]))
    >>> metric.velocity(np.array([1.0, 1.0]))
    array([1., 4.])
    >>> metric.sample_momentum(np.random.default_rng(0)).shape
    (2,)
    """

    def __init__(self, inv_mass_diag: np.ndarray) -> None:
        self.dim = 0
        self.update(inv_mass_diag)

    @property
    def inv_mass(self) -> np.ndarray:
        """Diagonal of the inverse mass matrix (read-only view)."""
        return self._inv_mass

    def update(self, inv_mass: np.ndarray) -> None:
        """Replace the inverse mass diagonal.

        Parameters
        ----------
        inv_mass
            New positive, finite diagonal of the same length.

        Raises
        ------
        ShapeError
            If the shape is not ``(dim,)``.
        ParameterValueError
            If an entry is not positive and finite.
        """
        inv_mass = np.array(inv_mass, dtype=np.float64)
        if inv_mass.ndim != 1 or inv_mass.size == 0 or (self.dim and inv_mass.size != self.dim):
            expected = f"({self.dim},)" if self.dim else "a non-empty 1-D shape"
            raise ShapeError(
                f"DiagEuclideanMetric: inv_mass has shape {inv_mass.shape}, expected {expected}."
            )
        bad = ~(np.isfinite(inv_mass) & (inv_mass > 0))
        if bad.any():
            raise ParameterValueError(
                f"DiagEuclideanMetric: inv_mass has entries {inv_mass[bad][:5]} at indices "
                f"{np.flatnonzero(bad)[:5]}, expected positive finite values."
            )
        inv_mass.flags.writeable = False
        self.dim = inv_mass.size
        self._inv_mass = inv_mass
        self._momentum_scale = 1.0 / np.sqrt(inv_mass)

    def sample_momentum(self, rng: np.random.Generator) -> np.ndarray:
        """Draw ``p ~ N(0, M)``.

        Parameters
        ----------
        rng
            Random generator.

        Returns
        -------
        numpy.ndarray
            A new momentum vector.
        """
        p = rng.standard_normal(self.dim)
        p *= self._momentum_scale
        return p

    def velocity(self, p: np.ndarray) -> np.ndarray:
        """Return ``M^{-1} p`` as a new array.

        Parameters
        ----------
        p
            Momentum.

        Returns
        -------
        numpy.ndarray
            The velocity ``dq/dt``.
        """
        return self._inv_mass * p

    def kinetic_energy(self, p: np.ndarray, velocity: np.ndarray) -> float:
        """Return ``p' M^{-1} p / 2`` given ``velocity = M^{-1} p``.

        Parameters
        ----------
        p
            Momentum.
        velocity
            ``M^{-1} p``, usually cached in the integrator state.

        Returns
        -------
        float
            Kinetic energy.
        """
        return 0.5 * float(p.dot(velocity))


class DenseEuclideanMetric:
    """Dense Euclidean metric.

    Parameters
    ----------
    inv_mass
        Symmetric positive-definite inverse mass matrix (a covariance estimate).

    Raises
    ------
    ShapeError
        If ``inv_mass`` is not a non-empty square matrix.
    ParameterValueError
        If it is not finite, symmetric and positive definite.

    Examples
    --------
    >>> metric = DenseEuclideanMetric(np.array([[2.0, 1.0], [1.0, 2.0]]))
    >>> metric.velocity(np.array([1.0, 0.0]))
    array([2., 1.])
    """

    def __init__(self, inv_mass: np.ndarray) -> None:
        self.dim = 0
        self.update(inv_mass)

    @property
    def inv_mass(self) -> np.ndarray:
        """Inverse mass matrix (read-only view)."""
        return self._inv_mass

    def update(self, inv_mass: np.ndarray) -> None:
        """Replace the inverse mass matrix.

        Parameters
        ----------
        inv_mass
            New symmetric positive-definite matrix of the same size.

        Raises
        ------
        ShapeError
            If the shape is not ``(dim, dim)``.
        ParameterValueError
            If the matrix is not finite, symmetric and positive definite.
        """
        inv_mass = np.array(inv_mass, dtype=np.float64)
        n = inv_mass.shape[0] if inv_mass.ndim == 2 else -1
        if inv_mass.ndim != 2 or n == 0 or inv_mass.shape[1] != n or (self.dim and n != self.dim):
            expected = f"({self.dim}, {self.dim})" if self.dim else "a non-empty square shape"
            raise ShapeError(
                f"DenseEuclideanMetric: inv_mass has shape {inv_mass.shape}, expected {expected}."
            )
        if not np.isfinite(inv_mass).all() or not np.allclose(inv_mass, inv_mass.T):
            raise ParameterValueError(
                "DenseEuclideanMetric: inv_mass is not finite and symmetric, expected a "
                "symmetric positive-definite matrix."
            )
        try:
            chol = scipy.linalg.cholesky(inv_mass, lower=True)
        except np.linalg.LinAlgError as err:
            raise ParameterValueError(
                "DenseEuclideanMetric: inv_mass is not positive definite (smallest eigenvalue "
                f"{np.linalg.eigvalsh(inv_mass)[0]:.3g}), expected a positive-definite matrix."
            ) from err
        inv_mass.flags.writeable = False
        self.dim = n
        self._inv_mass = inv_mass
        # inv_mass = L L'  =>  p = L'^{-1} z with z ~ N(0, I) has covariance inv_mass^{-1}.
        self._momentum_transform = scipy.linalg.solve_triangular(
            chol, np.eye(n), lower=True, trans="T"
        )

    def sample_momentum(self, rng: np.random.Generator) -> np.ndarray:
        """Draw ``p ~ N(0, M)`` with ``M = inv_mass^{-1}``.

        Parameters
        ----------
        rng
            Random generator.

        Returns
        -------
        numpy.ndarray
            A new momentum vector.
        """
        return self._momentum_transform.dot(rng.standard_normal(self.dim))

    def velocity(self, p: np.ndarray) -> np.ndarray:
        """Return ``M^{-1} p`` as a new array.

        Parameters
        ----------
        p
            Momentum.

        Returns
        -------
        numpy.ndarray
            The velocity ``dq/dt``.
        """
        return self._inv_mass.dot(p)

    def kinetic_energy(self, p: np.ndarray, velocity: np.ndarray) -> float:
        """Return ``p' M^{-1} p / 2`` given ``velocity = M^{-1} p``.

        Parameters
        ----------
        p
            Momentum.
        velocity
            ``M^{-1} p``.

        Returns
        -------
        float
            Kinetic energy.
        """
        return 0.5 * float(p.dot(velocity))


def make_metric(
    dim: int, *, dense: bool = False, inv_mass: np.ndarray | None = None
) -> DiagEuclideanMetric | DenseEuclideanMetric:
    """Build a metric, starting from the identity unless ``inv_mass`` is given.

    Parameters
    ----------
    dim
        Length of the position vector.
    dense
        Build a :class:`DenseEuclideanMetric` instead of a diagonal one.
    inv_mass
        Initial inverse mass: a vector for a diagonal metric; a vector (used as the diagonal)
        or a matrix for a dense one.

    Returns
    -------
    DiagEuclideanMetric or DenseEuclideanMetric
        The metric.

    Raises
    ------
    ParameterValueError
        If ``dim`` is not a positive integer, or ``inv_mass`` is invalid.
    ShapeError
        If ``inv_mass`` does not match ``dim``.

    Examples
    --------
    >>> make_metric(3, dense=True).inv_mass.shape
    (3, 3)
    """
    if int(dim) != dim or dim < 1:
        raise ParameterValueError(f"make_metric: dim is {dim}, expected a positive integer.")
    dim = int(dim)
    if inv_mass is None:
        inv_mass = np.eye(dim) if dense else np.ones(dim)
    inv_mass = np.asarray(inv_mass, dtype=np.float64)
    if dense and inv_mass.ndim == 1:
        inv_mass = np.diag(inv_mass)
    if inv_mass.shape[:1] != (dim,):
        raise ShapeError(
            f"make_metric: inv_mass has shape {inv_mass.shape}, "
            f"expected ({dim},) or ({dim}, {dim})."
        )
    return DenseEuclideanMetric(inv_mass) if dense else DiagEuclideanMetric(inv_mass)
