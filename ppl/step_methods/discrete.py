"""Gibbs-style samplers for binary and categorical coordinates, visited one at a time.

Values are stored as floats in the flat vector: 0.0/1.0 for binary coordinates and
0.0, 1.0, ..., k-1 for a coordinate with k categories.
"""

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from ppl.exceptions import ParameterValueError, SamplingError, ShapeError
from ppl.step_methods.step import (
    ArrayStepMethod,
    Competence,
    LogpFn,
    VariableTraits,
    declare_stats,
)

__all__ = ["BinaryGibbsMetropolis", "CategoricalGibbsMetropolis"]


def _visit_order(
    order: str | Sequence[int], dim: int, rng: np.random.Generator, name: str
) -> np.ndarray:
    """Return the coordinate order of one sweep: a fresh permutation or the fixed one."""
    if isinstance(order, str):
        return rng.permutation(dim)
    order = np.asarray(order)
    if sorted(order.tolist()) != list(range(dim)):
        raise ParameterValueError(
            f"{name}: order is {order}, expected 'random' or a permutation of range({dim})."
        )
    return order


def _check_order(order: str | Sequence[int], name: str) -> str | np.ndarray:
    """Validate the ``order`` option at construction."""
    if isinstance(order, str):
        if order != "random":
            raise ParameterValueError(
                f"{name}: order is {order!r}, expected 'random' or a sequence of indices."
            )
        return order
    return np.asarray(order, dtype=np.int64)


def _finite_logp(logp_fn: LogpFn, q: np.ndarray, name: str) -> float:
    """Log-density at the current point, which must be finite."""
    logp = float(logp_fn(q))
    if not math.isfinite(logp):
        raise SamplingError(
            f"{name}: logp is {logp} at q = {np.array2string(q, threshold=8)}, "
            "expected a finite value."
        )
    return logp


class BinaryGibbsMetropolis(ArrayStepMethod):
    """Metropolis flips of binary coordinates, one coordinate at a time.

    Each coordinate is proposed flipped (``q_i -> 1 - q_i``) and the flip is accepted with
    probability ``min(1, p(flipped) / p(current))``.

    Parameters
    ----------
    logp_fn
        Log-density of a flat float64 vector of zeros and ones.
    order
        ``"random"`` (a new random order every sweep) or a fixed permutation of the indices.

    Raises
    ------
    ParameterValueError
        If ``order`` is invalid.

    Examples
    --------
    >>> logit = np.array([-2.0, 0.0, 2.0])
    >>> step = BinaryGibbsMetropolis(lambda q: float(q @ logit))
    >>> q, stats = step.step(np.zeros(3), np.random.default_rng(0))
    >>> set(q) <= {0.0, 1.0}
    True
    """

    stats_dtypes = declare_stats(accept=np.float64)

    def __init__(self, logp_fn: LogpFn, *, order: str | Sequence[int] = "random") -> None:
        self.logp_fn = logp_fn
        self.order = _check_order(order, "BinaryGibbsMetropolis")

    def step(self, q: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, dict[str, Any]]:
        """Sweep once over all coordinates.

        Parameters
        ----------
        q
            Current position, every entry 0 or 1.
        rng
            Random generator.

        Returns
        -------
        q_new : numpy.ndarray
            New position.
        stats : dict
            ``accept``: mean acceptance probability of the flips.

        Raises
        ------
        SamplingError
            If an entry of ``q`` is not 0 or 1, or the log-density at ``q`` is not finite.
        """
        q = np.array(q, dtype=np.float64)
        bad = (q != 0.0) & (q != 1.0)
        if bad.any():
            raise SamplingError(
                f"BinaryGibbsMetropolis: q has values {q[bad][:5]} at indices "
                f"{np.flatnonzero(bad)[:5]}, expected 0 or 1."
            )
        logp = _finite_logp(self.logp_fn, q, "BinaryGibbsMetropolis")
        total_accept = 0.0
        for i in _visit_order(self.order, q.size, rng, "BinaryGibbsMetropolis"):
            q[i] = 1.0 - q[i]
            logp_new = float(self.logp_fn(q))
            log_ratio = logp_new - logp
            if log_ratio >= 0.0:
                accept = 1.0
            else:
                accept = math.exp(log_ratio) if log_ratio == log_ratio else 0.0
            total_accept += accept
            if accept == 1.0 or rng.random() < accept:
                logp = logp_new
            else:
                q[i] = 1.0 - q[i]
        return q, {"accept": total_accept / max(q.size, 1)}

    @classmethod
    def competence(cls, traits: VariableTraits) -> Competence:
        """Ideal for binary variables.

        Parameters
        ----------
        traits
            Description of the variable.

        Returns
        -------
        Competence
            ``IDEAL`` for discrete variables with 2 categories, else ``INCOMPATIBLE``.
        """
        if traits.discrete and traits.n_categories == 2:
            return Competence.IDEAL
        return Competence.INCOMPATIBLE


class CategoricalGibbsMetropolis(ArrayStepMethod):
    """Exact Gibbs updates of categorical coordinates, one coordinate at a time.

    For each coordinate the log-density is evaluated at every category and the new value is
    drawn from the normalised conditional.

    Parameters
    ----------
    logp_fn
        Log-density of a flat float64 vector of category indices.
    n_categories
        Number of categories ``k``: one integer for all coordinates, or one per coordinate.
    order
        ``"random"`` (a new random order every sweep) or a fixed permutation of the indices.

    Raises
    ------
    ParameterValueError
        If ``n_categories`` has an entry below 2 or ``order`` is invalid.

    Examples
    --------
    >>> log_probs = np.log([0.2, 0.3, 0.5])
    >>> step = CategoricalGibbsMetropolis(lambda q: float(log_probs[int(q[0])]), 3)
    >>> q, stats = step.step(np.zeros(1), np.random.default_rng(0))
    >>> q[0] in (0.0, 1.0, 2.0), stats
    (True, {})
    """

    stats_dtypes = declare_stats()

    def __init__(
        self,
        logp_fn: LogpFn,
        n_categories: int | Sequence[int],
        *,
        order: str | Sequence[int] = "random",
    ) -> None:
        n_categories = np.asarray(n_categories)
        if n_categories.ndim > 1 or not np.all(n_categories >= 2) or n_categories.size == 0:
            raise ParameterValueError(
                f"CategoricalGibbsMetropolis: n_categories is {n_categories}, expected an "
                "integer >= 2 or a 1-D sequence of them."
            )
        self.logp_fn = logp_fn
        self.n_categories = n_categories.astype(np.int64)
        self.order = _check_order(order, "CategoricalGibbsMetropolis")

    def step(self, q: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, dict[str, Any]]:
        """Sweep once over all coordinates.

        Parameters
        ----------
        q
            Current position: integers ``0 <= q_i < k_i`` stored as floats.
        rng
            Random generator.

        Returns
        -------
        q_new : numpy.ndarray
            New position.
        stats : dict
            Empty.

        Raises
        ------
        ShapeError
            If ``n_categories`` has one entry per coordinate but ``q`` has a different length.
        SamplingError
            If an entry of ``q`` is not a valid category, or the log-density is not finite.
        """
        q = np.array(q, dtype=np.float64)
        if self.n_categories.ndim == 1 and self.n_categories.size != q.size:
            raise ShapeError(
                f"CategoricalGibbsMetropolis: q has length {q.size}, expected "
                f"{self.n_categories.size} (one per entry of n_categories)."
            )
        k = np.broadcast_to(self.n_categories, q.shape)
        bad = (q != np.round(q)) | (q < 0) | (q >= k)
        if bad.any():
            raise SamplingError(
                f"CategoricalGibbsMetropolis: q has values {q[bad][:5]} at indices "
                f"{np.flatnonzero(bad)[:5]}, expected integers 0 <= q_i < n_categories."
            )
        _finite_logp(self.logp_fn, q, "CategoricalGibbsMetropolis")
        for i in _visit_order(self.order, q.size, rng, "CategoricalGibbsMetropolis"):
            log_probs = np.empty(k[i])
            for category in range(k[i]):
                q[i] = category
                log_probs[category] = self.logp_fn(q)
            log_probs[np.isnan(log_probs)] = -np.inf
            weights = np.exp(log_probs - log_probs.max())
            cumulative = np.cumsum(weights)
            q[i] = np.searchsorted(cumulative, rng.random() * cumulative[-1], side="right")
        return q, {}

    @classmethod
    def competence(cls, traits: VariableTraits) -> Competence:
        """Ideal for categorical variables with more than two categories.

        Parameters
        ----------
        traits
            Description of the variable.

        Returns
        -------
        Competence
            ``IDEAL`` for more than 2 categories, ``COMPATIBLE`` for 2, else ``INCOMPATIBLE``.
        """
        if not traits.discrete or traits.n_categories is None:
            return Competence.INCOMPATIBLE
        return Competence.IDEAL if traits.n_categories > 2 else Competence.COMPATIBLE
