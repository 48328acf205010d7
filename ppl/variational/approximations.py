"""Gaussian approximations of the posterior on the unconstrained flat vector.

- :class:`MeanField`: independent normals, ``z = mu + softplus(rho) * eps``;
- :class:`FullRank`: ``z = mu + L eps`` with ``L`` lower triangular (its diagonal may take any
  sign; the density uses ``|diag L|``).

Their parameters are shared variables updated by the optimiser; each exposes the symbolic
reparameterised draws and entropy that the ELBO needs, and NumPy draws for :meth:`sample`.
"""

import numpy as np
import pytensor
import pytensor.tensor as pt

from ppl.sampling.to_arviz import to_inference_data

__all__ = ["Approximation", "MeanField", "FullRank"]

_MOMENT_DRAWS = 10_000


class Approximation:
    """A fitted Gaussian approximation of a model's posterior (returned by ``ppl.fit``).

    Attributes
    ----------
    model
        The model it approximates.
    hist
        The loss (negative ELBO estimate) at every iteration run.
    names, shapes
        The value variables in the flat vector, and their shapes.
    """

    kind = "approximation"

    def __init__(self, model, start: dict, value_vars: list):
        self.model = model
        self.names = [v.name for v in value_vars]
        self.shapes = [np.shape(start[n]) for n in self.names]
        self.sizes = [int(np.prod(s, dtype=int)) for s in self.shapes]
        self.dim = int(sum(self.sizes))
        self.mu = pytensor.shared(
            np.concatenate([np.ravel(start[n]) for n in self.names]).astype("float64"), name="mu"
        )
        self.hist = np.empty(0)
        self._moments: tuple | None = None  # (parameter bytes, (mean, std)) of the last estimate

    # -- symbolic pieces for the ELBO ----------------------------------------------------------
    @property
    def params(self) -> list:
        raise NotImplementedError

    def symbolic_draws(self, eps):
        raise NotImplementedError

    def symbolic_entropy(self):
        raise NotImplementedError

    # -- NumPy side -----------------------------------------------------------------------------
    @property
    def mean_unconstrained(self) -> np.ndarray:
        """Mean of the flat unconstrained vector."""
        return np.array(self.mu.get_value())

    @property
    def cov(self) -> np.ndarray:
        """Covariance matrix of the flat unconstrained vector."""
        raise NotImplementedError

    @property
    def std_unconstrained(self) -> np.ndarray:
        """Standard deviations of the flat unconstrained vector."""
        return np.sqrt(np.diag(self.cov))

    def draw_flat(self, draws: int, rng: np.random.Generator) -> np.ndarray:
        """``(draws, dim)`` draws of the flat unconstrained vector."""
        raise NotImplementedError

    def _points(self, flat: np.ndarray) -> dict:
        points, offset = {}, 0
        for name, shape, size in zip(self.names, self.shapes, self.sizes, strict=True):
            points[name] = flat[:, offset : offset + size].reshape((flat.shape[0], *shape))
            offset += size
        return points

    def sample(self, draws: int = 500, random_seed=None, return_inferencedata: bool = True):
        """Draws from the approximation, in the constrained space, with deterministics.

        Returns
        -------
        arviz.InferenceData or dict
            An InferenceData with a ``posterior`` group (one chain) and ``observed_data``; or,
            with ``return_inferencedata=False``, ``name -> array (draws, *shape)``.

        Examples
        --------
        >>> import ppl
        >>> with ppl.Model():
        ...     x = ppl.Normal("x", 1.0, 2.0)
        ...     approx = ppl.fit(n=200, random_seed=1, progressbar=False)
        >>> approx.sample(50, random_seed=2).posterior["x"].shape
        (1, 50)
        """
        flat = self.draw_flat(int(draws), np.random.default_rng(random_seed))
        idata = to_inference_data(
            self.model, [{"points": self._points(flat), "stats": {}}],
            attrs={"inference": self.kind},
        )
        if not return_inferencedata:
            return {k: v.values[0] for k, v in idata.posterior.data_vars.items()}
        return idata

    def _constrained_moments(self) -> tuple[dict, dict]:
        # .mean and .std share one estimate per parameter state (10,000 draws each otherwise).
        key = b"".join(p.get_value(borrow=True).tobytes() for p in self.params)
        if self._moments is None or self._moments[0] != key:
            self._moments = (key, self._estimate_moments())
        return self._moments[1]

    def _estimate_moments(self) -> tuple[dict, dict]:
        draws = self.sample(_MOMENT_DRAWS, random_seed=0, return_inferencedata=False)
        free = {rv.name for rv in self.model.free_RVs}
        mean = {k: v.mean(axis=0) for k, v in draws.items() if k in free}
        std = {k: v.std(axis=0) for k, v in draws.items() if k in free}
        # Untransformed variables: exact moments of the Gaussian.
        mu, sd = self._points(self.mean_unconstrained[None]), self._points(self.std_unconstrained[None])
        for rv in self.model.free_RVs:
            value = self.model.rvs_to_values[rv]
            if self.model.rvs_to_transforms.get(rv) is None and value.name in mu:
                mean[rv.name], std[rv.name] = mu[value.name][0], sd[value.name][0]
        return mean, std

    @property
    def mean(self) -> dict:
        """Posterior means of the free variables (constrained space).

        Exact for variables without a transform; a Monte Carlo estimate from 10,000 draws
        (fixed seed) for transformed ones.
        """
        return self._constrained_moments()[0]

    @property
    def std(self) -> dict:
        """Posterior standard deviations of the free variables (constrained space); see ``mean``."""
        return self._constrained_moments()[1]

    def __repr__(self) -> str:
        return f"<{type(self).__name__} over {self.names} ({len(self.hist)} iterations)>"


def _softplus_inverse(y: float) -> float:
    return float(np.log(np.expm1(y)))


class MeanField(Approximation):
    """Independent normals on each unconstrained coordinate (mean-field ADVI)."""

    kind = "advi"

    def __init__(self, model, start: dict, value_vars: list, init_std: float = 1.0):
        super().__init__(model, start, value_vars)
        self.rho = pytensor.shared(np.full(self.dim, _softplus_inverse(init_std)), name="rho")

    @property
    def params(self) -> list:
        return [self.mu, self.rho]

    def symbolic_draws(self, eps):
        return self.mu + pt.softplus(self.rho) * eps

    def symbolic_entropy(self):
        return pt.sum(pt.log(pt.softplus(self.rho))) + 0.5 * self.dim * (1.0 + np.log(2 * np.pi))

    @property
    def std_unconstrained(self) -> np.ndarray:
        return np.logaddexp(0.0, self.rho.get_value())

    @property
    def cov(self) -> np.ndarray:
        return np.diag(self.std_unconstrained**2)

    def draw_flat(self, draws, rng):
        return self.mean_unconstrained + self.std_unconstrained * rng.standard_normal((draws, self.dim))


class FullRank(Approximation):
    """A multivariate normal on the unconstrained vector (full-rank ADVI)."""

    kind = "fullrank_advi"

    def __init__(self, model, start: dict, value_vars: list, init_std: float = 1.0):
        super().__init__(model, start, value_vars)
        rows, cols = np.tril_indices(self.dim)
        self._tril = (rows, cols)
        self.L_tril = pytensor.shared(np.where(rows == cols, init_std, 0.0), name="L_tril")

    @property
    def params(self) -> list:
        return [self.mu, self.L_tril]

    def _symbolic_L(self):
        return pt.set_subtensor(pt.zeros((self.dim, self.dim))[self._tril], self.L_tril)

    def symbolic_draws(self, eps):
        return self.mu + eps @ self._symbolic_L().T

    def symbolic_entropy(self):
        diag = pt.diagonal(self._symbolic_L())
        return pt.sum(pt.log(pt.abs(diag))) + 0.5 * self.dim * (1.0 + np.log(2 * np.pi))

    @property
    def L(self) -> np.ndarray:
        """The lower-triangular factor: ``cov = L @ L.T``."""
        out = np.zeros((self.dim, self.dim))
        out[self._tril] = self.L_tril.get_value()
        return out

    @property
    def cov(self) -> np.ndarray:
        L = self.L
        return L @ L.T

    def draw_flat(self, draws, rng):
        return self.mean_unconstrained + rng.standard_normal((draws, self.dim)) @ self.L.T
