"""Random-walk Metropolis with Normal proposals whose scale is tuned during warm-up."""

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

__all__ = [
    "Metropolis",
    "ScalingTuningState",
    "scaling_tuning_init",
    "scaling_tuning_update",
    "tune_scaling",
]

# (test, factor): the first row whose test holds gives the factor applied to the scaling.
_SCALING_TABLE = (
    (lambda rate: rate < 0.001, 0.1),
    (lambda rate: rate < 0.05, 0.5),
    (lambda rate: rate < 0.2, 0.9),
    (lambda rate: rate > 0.95, 10.0),
    (lambda rate: rate > 0.75, 2.0),
    (lambda rate: rate > 0.5, 1.1),
)


def tune_scaling(scaling: float, acceptance_rate: float) -> float:
    """Rescale a proposal by the classic acceptance-rate table.

    ========================  ======
    acceptance rate           factor
    ========================  ======
    < 0.001                   0.1
    < 0.05                    0.5
    < 0.2                     0.9
    > 0.95                    10
    > 0.75                    2
    > 0.5                     1.1
    otherwise                 1
    ========================  ======

    Parameters
    ----------
    scaling
        Current proposal scaling.
    acceptance_rate
        Fraction of proposals accepted over the last tuning interval.

    Returns
    -------
    float
        The new scaling.

    Examples
    --------
    >>> tune_scaling(1.0, 0.98)
    10.0
    """
    for test, factor in _SCALING_TABLE:
        if test(acceptance_rate):
            return scaling * factor
    return scaling


class ScalingTuningState(NamedTuple):
    """Proposal scaling with the counts of the current tuning interval.

    Attributes
    ----------
    scaling
        Current proposal scaling.
    n_steps
        Steps taken in the current interval.
    n_accepted
        Proposals accepted in the current interval.

    Examples
    --------
    >>> scaling_tuning_init(2.0).scaling
    2.0
    """

    scaling: float
    n_steps: int
    n_accepted: int


def scaling_tuning_init(scaling: float) -> ScalingTuningState:
    """Start a tuning interval at ``scaling``.

    Parameters
    ----------
    scaling
        Positive proposal scaling.

    Returns
    -------
    ScalingTuningState
        State with empty counts.

    Examples
    --------
    >>> scaling_tuning_init(1.0).n_steps
    0
    """
    return ScalingTuningState(float(scaling), 0, 0)


def scaling_tuning_update(
    state: ScalingTuningState, accepted: bool, *, tune_interval: int
) -> ScalingTuningState:
    """Count one step; at the end of an interval, rescale with :func:`tune_scaling`.

    Parameters
    ----------
    state
        Current state.
    accepted
        Whether the step's proposal was accepted.
    tune_interval
        Steps per interval.

    Returns
    -------
    ScalingTuningState
        The new state.

    Examples
    --------
    >>> state = scaling_tuning_init(1.0)
    >>> for _ in range(10):
    ...     state = scaling_tuning_update(state, True, tune_interval=10)
    >>> state
    ScalingTuningState(scaling=10.0, n_steps=0, n_accepted=0)
    """
    n_steps, n_accepted = state.n_steps + 1, state.n_accepted + bool(accepted)
    if n_steps < tune_interval:
        return ScalingTuningState(state.scaling, n_steps, n_accepted)
    return scaling_tuning_init(tune_scaling(state.scaling, n_accepted / n_steps))


class Metropolis(ArrayStepMethod):
    """Random-walk Metropolis with a joint Normal proposal on all coordinates.

    The proposal is ``q + scaling * proposal_sd * z`` with ``z ~ N(0, I)``; for the coordinates
    marked ``discrete`` the increment is rounded to the nearest integer, so integer-valued
    coordinates stay integers. During warm-up the scaling is tuned every ``tune_interval`` steps
    by :func:`tune_scaling`.

    Parameters
    ----------
    logp_fn
        Log-density of a flat float64 vector.
    dim
        Length of the position vector.
    proposal_sd
        Proposal standard deviation, a scalar or one per coordinate.
    scaling
        Initial multiplier of ``proposal_sd``.
    tune_interval
        Steps between scaling updates during warm-up.
    discrete
        Boolean mask (or integer indices) of coordinates whose increments are rounded.

    Raises
    ------
    ParameterValueError
        If an option is out of range.
    ShapeError
        If ``proposal_sd`` or ``discrete`` do not match ``dim``.

    Examples
    --------
    >>> step = Metropolis(lambda q: -0.5 * float(q @ q), 2)
    >>> q, stats = step.step(np.zeros(2), np.random.default_rng(0))
    >>> sorted(stats)
    ['accept', 'accepted', 'scaling']
    """

    stats_dtypes = declare_stats(accept=np.float64, accepted=bool, scaling=np.float64)

    def __init__(
        self,
        logp_fn: LogpFn,
        dim: int,
        *,
        proposal_sd: float | np.ndarray = 1.0,
        scaling: float = 1.0,
        tune_interval: int = 100,
        discrete: np.ndarray | None = None,
    ) -> None:
        proposal_sd = np.broadcast_to(np.asarray(proposal_sd, dtype=np.float64), (dim,)).copy()
        if not (np.all(proposal_sd > 0) and np.isfinite(proposal_sd).all() and scaling > 0):
            raise ParameterValueError(
                f"Metropolis: proposal_sd is {proposal_sd} and scaling is {scaling}, expected "
                "positive finite values."
            )
        if int(tune_interval) != tune_interval or tune_interval < 1:
            raise ParameterValueError(
                f"Metropolis: tune_interval is {tune_interval}, expected a positive integer."
            )
        mask = np.zeros(dim, dtype=bool)
        if discrete is not None:
            discrete = np.asarray(discrete)
            if discrete.dtype == bool and discrete.shape != (dim,):
                raise ShapeError(
                    f"Metropolis: discrete mask has shape {discrete.shape}, expected ({dim},)."
                )
            mask[discrete] = True
        self.logp_fn = logp_fn
        self.dim = int(dim)
        self.proposal_sd = proposal_sd
        self.discrete = mask
        self.tune_interval = int(tune_interval)
        self._initial_scaling = float(scaling)
        self.tuning_state = scaling_tuning_init(scaling)

    @property
    def scaling(self) -> float:
        """Current proposal scaling."""
        return self.tuning_state.scaling

    def step(self, q: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, dict[str, Any]]:
        """Propose and accept or reject one joint move.

        Parameters
        ----------
        q
            Current position.
        rng
            Random generator.

        Returns
        -------
        q_new : numpy.ndarray
            New position (``q`` itself when rejected).
        stats : dict
            ``accept`` (acceptance probability), ``accepted``, ``scaling``.

        Raises
        ------
        ShapeError
            If ``q`` is not a vector of length ``dim``.
        SamplingError
            If the log-density at ``q`` is not finite.
        """
        q = np.asarray(q, dtype=np.float64)
        if q.shape != (self.dim,):
            raise ShapeError(f"Metropolis: q has shape {q.shape}, expected ({self.dim},).")
        logp = float(self.logp_fn(q))
        if not math.isfinite(logp):
            raise SamplingError(
                f"Metropolis: logp is {logp} at q = {np.array2string(q, threshold=8)}, "
                "expected a finite value."
            )
        scaling = self.tuning_state.scaling
        delta = rng.standard_normal(self.dim)
        delta *= self.proposal_sd * scaling
        if self.discrete.any():
            delta[self.discrete] = np.rint(delta[self.discrete])
        proposal = q + delta
        log_ratio = float(self.logp_fn(proposal)) - logp
        accept = 1.0 if log_ratio >= 0.0 else math.exp(log_ratio) if log_ratio == log_ratio else 0.0
        accepted = accept == 1.0 or rng.random() < accept
        if self._tuning:
            self.tuning_state = scaling_tuning_update(
                self.tuning_state, accepted, tune_interval=self.tune_interval
            )
        stats = {"accept": accept, "accepted": accepted, "scaling": scaling}
        return (proposal if accepted else q), stats

    def _on_start_tune(self, n_tune: int | None) -> None:
        self.tuning_state = scaling_tuning_init(self.tuning_state.scaling)

    def reset_tuning(self) -> None:
        """Return the scaling to its initial value and stop tuning."""
        super().reset_tuning()
        self.tuning_state = scaling_tuning_init(self._initial_scaling)

    @classmethod
    def competence(cls, traits: VariableTraits) -> Competence:
        """Compatible with any variable.

        Parameters
        ----------
        traits
            Description of the variable.

        Returns
        -------
        Competence
            ``COMPATIBLE``.
        """
        return Competence.COMPATIBLE
