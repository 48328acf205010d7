"""Log-densities with known moments, as picklable callables on flat vectors."""

import math

import numpy as np
import scipy.special

__all__ = [
    "Gaussian",
    "RaisingAfter",
    "RotatedQuartic",
    "correlated_cov",
    "nan_wall",
    "wall",
]


class Gaussian:
    """Multivariate normal ``N(mean, cov)``."""

    def __init__(self, mean: np.ndarray, cov: np.ndarray) -> None:
        self.mean = np.asarray(mean, dtype=np.float64)
        self.cov = np.asarray(cov, dtype=np.float64)
        self.precision = np.linalg.inv(self.cov)
        self.dim = self.mean.size
        self.n_calls = 0

    def logp_dlogp(self, q: np.ndarray) -> tuple[float, np.ndarray]:
        self.n_calls += 1
        grad = self.precision.dot(self.mean - q)
        return 0.5 * float(grad.dot(q - self.mean)), grad

    def logp(self, q: np.ndarray) -> float:
        return self.logp_dlogp(q)[0]

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return rng.multivariate_normal(self.mean, self.cov, size=n)


def correlated_cov(sds: np.ndarray, rho: float) -> np.ndarray:
    """Covariance with standard deviations ``sds`` and all correlations equal to ``rho``."""
    sds = np.asarray(sds, dtype=np.float64)
    corr = np.full((sds.size, sds.size), rho)
    np.fill_diagonal(corr, 1.0)
    return corr * np.outer(sds, sds)


class RotatedQuartic:
    """``q = R diag(scales) u`` with independent ``u_i`` of density proportional to ``exp(-u^4/4)``.

    ``u^4 / 4`` is Gamma(1/4, 1), so ``E[u^2] = 2 Gamma(3/4) / Gamma(1/4)`` and ``E[u^4] = 1``.
    """

    second_moment = 2.0 * scipy.special.gamma(0.75) / scipy.special.gamma(0.25)

    def __init__(self, scales: np.ndarray, angle: float) -> None:
        self.scales = np.asarray(scales, dtype=np.float64)
        c, s = np.cos(angle), np.sin(angle)
        self.rotation = np.array([[c, -s], [s, c]])
        self.cov = self.rotation @ np.diag(self.second_moment * self.scales**2) @ self.rotation.T

    def standardize(self, q: np.ndarray) -> np.ndarray:
        """Map positions (rows) back to the independent ``u`` coordinates."""
        return (q @ self.rotation) / self.scales

    def logp_dlogp(self, q: np.ndarray) -> tuple[float, np.ndarray]:
        u = self.rotation.T.dot(q) / self.scales
        return -0.25 * float(np.sum(u**4)), self.rotation.dot(-(u**3) / self.scales)

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        u = (4.0 * rng.gamma(0.25, 1.0, size=(n, 2))) ** 0.25
        u *= rng.choice([-1.0, 1.0], size=(n, 2))
        return (u * self.scales) @ self.rotation.T


class RaisingAfter:
    """Wrap a function so that its ``n_ok + 1``-th call raises ``error``."""

    def __init__(self, fn, n_ok: int, error: BaseException) -> None:
        self.fn, self.n_ok, self.error, self.n_calls = fn, n_ok, error, 0

    def __call__(self, q: np.ndarray):
        self.n_calls += 1
        if self.n_calls > self.n_ok:
            raise self.error
        return self.fn(q)


def wall(q: np.ndarray) -> tuple[float, np.ndarray]:
    """Standard normal whose log-density raises beyond q[0] = 1 (a bug in user code)."""
    if q[0] > 1.0:
        raise ValueError("outside the region the model can evaluate")
    return -0.5 * float(q @ q), -q


def nan_wall(q: np.ndarray) -> tuple[float, np.ndarray]:
    """Standard normal whose log-density is nan beyond q[0] = 1."""
    return (math.nan if q[0] > 1.0 else -0.5 * float(q @ q)), -q
