"""Coordinate-wise univariate slice sampling with stepping out and shrinkage (Neal 2003).

References
----------
.. [1] R. M. Neal, "Slice sampling", Annals of Statistics 31 (2003), sections 4.1-4.2.
"""

import math
from typing import Any, NamedTuple

import numpy as np

from ppl.exceptions import ParameterValueError, SamplingError, ShapeError
from ppl.step_methods.step import (
    ArrayStepMethod,
    Competence,
    LogpFn,
    VariableTraits,
    declare_stats,
)

__all__ = ["Slice", "SliceWidthState", "slice_width_init", "slice_width_update"]

_MIN_WIDTH = 1e-12


class SliceWidthState(NamedTuple):
    """Initial interval widths, tuned as a running mean of the absolute moves.

    Attributes
    ----------
    width
        Width per coordinate.
    n_updates
        Number of values averaged so far (the starting width counts as one).

    Examples
    --------
    >>> slice_width_init(np.ones(2)).n_updates
    1
    """

    width: np.ndarray
    n_updates: int


def slice_width_init(width: np.ndarray) -> SliceWidthState:
    """Start tuning from ``width``.

    Parameters
    ----------
    width
        Positive widths, one per coordinate.

    Returns
    -------
    SliceWidthState
        The state.

    Examples
    --------
    >>> slice_width_init(np.array([2.0])).width
    array([2.])
    """
    return SliceWidthState(np.array(width, dtype=np.float64), 1)


def slice_width_update(state: SliceWidthState, moves: np.ndarray) -> SliceWidthState:
    """Fold the absolute moves of one sweep into the running mean of widths.

    Parameters
    ----------
    state
        Current state.
    moves
        ``q_new - q_old`` of one sweep.

    Returns
    -------
    SliceWidthState
        The new state; widths stay above ``1e-12``.

    Examples
    --------
    >>> slice_width_update(slice_width_init(np.array([1.0])), np.array([-3.0])).width
    array([2.])
    """
    n = state.n_updates
    width = (state.width * n + np.abs(moves)) / (n + 1)
    return SliceWidthState(np.maximum(width, _MIN_WIDTH), n + 1)


class Slice(ArrayStepMethod):
    """Univariate slice sampler applied to each coordinate in turn.

    For each coordinate, a slice height is drawn under the current density, an interval of the
    current width is placed at random around the point and stepped out (at most
    ``max_stepping_out`` widths in total, split at random between the two sides), and points are
    drawn from it, shrinking it after every rejection. During warm-up each width becomes the
    running mean of the absolute moves of its coordinate.

    Parameters
    ----------
    logp_fn
        Log-density of a flat float64 vector.
    dim
        Length of the position vector.
    w
        Initial width, a scalar or one per coordinate.
    max_stepping_out
        Bound on the number of widths the interval is stepped out by.
    max_shrinkage
        Shrinkage steps after which sampling fails (it only happens with a broken density).

    Raises
    ------
    ParameterValueError
        If an option is out of range.

    Examples
    --------
    >>> step = Slice(lambda q: -0.5 * float(q @ q), 2)
    >>> q, stats = step.step(np.zeros(2), np.random.default_rng(0))
    >>> sorted(stats)
    ['nstep_in', 'nstep_out']
    """

    stats_dtypes = declare_stats(nstep_out=np.int64, nstep_in=np.int64)

    def __init__(
        self,
        logp_fn: LogpFn,
        dim: int,
        *,
        w: float | np.ndarray = 1.0,
        max_stepping_out: int = 1000,
        max_shrinkage: int = 1000,
    ) -> None:
        width = np.broadcast_to(np.asarray(w, dtype=np.float64), (dim,)).copy()
        if not (np.all(width > 0) and np.isfinite(width).all()):
            raise ParameterValueError(f"Slice: w is {w}, expected positive finite widths.")
        if max_stepping_out < 1 or max_shrinkage < 1:
            raise ParameterValueError(
                f"Slice: max_stepping_out is {max_stepping_out} and max_shrinkage is "
                f"{max_shrinkage}, expected values >= 1."
            )
        self.logp_fn = logp_fn
        self.dim = int(dim)
        self.max_stepping_out = int(max_stepping_out)
        self.max_shrinkage = int(max_shrinkage)
        self._initial_width = width
        self.width_state = slice_width_init(width)

    def _logp(self, q: np.ndarray) -> float:
        logp = float(self.logp_fn(q))
        return logp if logp == logp else -math.inf

    def step(self, q: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, dict[str, Any]]:
        """Update every coordinate once, in order.

        Parameters
        ----------
        q
            Current position.
        rng
            Random generator.

        Returns
        -------
        q_new : numpy.ndarray
            New position.
        stats : dict
            ``nstep_out`` (interval expansions) and ``nstep_in`` (points tried), summed over
            coordinates.

        Raises
        ------
        ShapeError
            If ``q`` is not a vector of length ``dim``.
        SamplingError
            If the log-density at ``q`` is not finite, or shrinkage does not find a point.
        """
        q_old = np.asarray(q, dtype=np.float64)
        if q_old.shape != (self.dim,):
            raise ShapeError(f"Slice: q has shape {q_old.shape}, expected ({self.dim},).")
        q = q_old.copy()
        logp = self._logp(q)
        if not math.isfinite(logp):
            raise SamplingError(
                f"Slice: logp is {logp} at q = {np.array2string(q, threshold=8)}, "
                "expected a finite value."
            )
        widths = self.width_state.width
        nstep_out = nstep_in = 0
        for i in range(self.dim):
            x0, w = q[i], widths[i]
            height = logp - rng.standard_exponential()
            left = x0 - w * rng.random()
            right = left + w
            n_left = int(self.max_stepping_out * rng.random())
            n_right = self.max_stepping_out - 1 - n_left
            q[i] = left
            while n_left > 0 and self._logp(q) > height:
                left -= w
                q[i] = left
                n_left -= 1
                nstep_out += 1
            q[i] = right
            while n_right > 0 and self._logp(q) > height:
                right += w
                q[i] = right
                n_right -= 1
                nstep_out += 1
            for _ in range(self.max_shrinkage):
                x1 = left + rng.random() * (right - left)
                q[i] = x1
                nstep_in += 1
                logp_new = self._logp(q)
                if logp_new > height:
                    logp = logp_new
                    break
                if x1 < x0:
                    left = x1
                else:
                    right = x1
            else:
                raise SamplingError(
                    f"Slice: coordinate {i} found no point above the slice after "
                    f"{self.max_shrinkage} shrinkage steps (interval [{left}, {right}]), expected "
                    "the density at the current point to be positive."
                )
        if self._tuning:
            self.width_state = slice_width_update(self.width_state, q - q_old)
        return q, {"nstep_out": nstep_out, "nstep_in": nstep_in}

    def _on_start_tune(self, n_tune: int | None) -> None:
        self.width_state = slice_width_init(self.width_state.width)

    def reset_tuning(self) -> None:
        """Return the widths to their initial values and stop tuning."""
        super().reset_tuning()
        self.width_state = slice_width_init(self._initial_width)

    @classmethod
    def competence(cls, traits: VariableTraits) -> Competence:
        """Preferred for continuous variables without a gradient, compatible with the others.

        Parameters
        ----------
        traits
            Description of the variable.

        Returns
        -------
        Competence
            ``PREFERRED``, ``COMPATIBLE`` or ``INCOMPATIBLE`` (discrete variables).
        """
        if traits.discrete:
            return Competence.INCOMPATIBLE
        return Competence.COMPATIBLE if traits.has_grad else Competence.PREFERRED
