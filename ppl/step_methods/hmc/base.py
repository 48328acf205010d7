"""The shell HMC and NUTS share: state at a position, warm-up, tuning hooks, competence."""

import math
from typing import Any, ClassVar, NamedTuple

import numpy as np

from ppl.exceptions import SamplingError, ShapeError
from ppl.step_methods.hmc.metrics import Metric, make_metric
from ppl.step_methods.hmc.warmup import (
    HamiltonianWarmup,
    check_hamiltonian_options,
    initial_step_size,
)
from ppl.step_methods.step import ArrayStepMethod, Competence, LogpDlogpFn, VariableTraits

__all__ = ["HMCState", "init", "HamiltonianStep"]


class HMCState(NamedTuple):
    """Position in unconstrained space with its cached log-density and gradient.

    Attributes
    ----------
    q
        Position (flat float64 vector).
    logp
        Log-density at ``q``.
    dlogp
        Gradient of the log-density at ``q``.

    Examples
    --------
    >>> init(np.zeros(2), lambda q: (0.0, -q)).logp
    0.0
    """

    q: np.ndarray
    logp: float
    dlogp: np.ndarray


def init(q: np.ndarray, logp_dlogp_fn: LogpDlogpFn) -> HMCState:
    """Evaluate the log-density at ``q`` and check that sampling can start there.

    Parameters
    ----------
    q
        Starting position, 1-D.
    logp_dlogp_fn
        Log-density and gradient.

    Returns
    -------
    HMCState
        The state at ``q``.

    Raises
    ------
    ShapeError
        If ``q`` is not 1-D or the gradient does not have the shape of ``q``.
    SamplingError
        If the log-density or its gradient is not finite at ``q``.

    Examples
    --------
    >>> init(np.array([1.0]), lambda q: (-0.5 * float(q @ q), -q)).dlogp
    array([-1.])
    """
    q = np.asarray(q, dtype=np.float64)
    if q.ndim != 1:
        raise ShapeError(f"HMC init: q has shape {q.shape}, expected a 1-D vector.")
    logp, dlogp = logp_dlogp_fn(q)
    logp = float(logp)
    dlogp = np.asarray(dlogp, dtype=np.float64)
    if dlogp.shape != q.shape:
        raise ShapeError(
            f"HMC init: logp_dlogp_fn returned a gradient of shape {dlogp.shape}, "
            f"expected {q.shape}."
        )
    if not (math.isfinite(logp) and np.isfinite(dlogp).all()):
        raise SamplingError(
            f"HMC init: logp is {logp} (gradient finite: {bool(np.isfinite(dlogp).all())}) at "
            f"q = {np.array2string(q, threshold=8)}, expected a finite log-density and gradient."
        )
    return HMCState(q, logp, dlogp)


class HamiltonianStep(ArrayStepMethod):
    """Base of the gradient-based step methods: holds the log-density and the warm-up controller.

    A subclass's ``step`` calls :meth:`_begin` (evaluate the start, get this transition's step
    size), runs its pure kernel, and returns :meth:`_end` (adapt during warm-up, build stats).

    Examples
    --------
    >>> from ppl.step_methods.hmc.nuts import NUTS
    >>> from ppl.step_methods.step import VariableTraits
    >>> issubclass(NUTS, HamiltonianStep), NUTS.competence(VariableTraits(False, True)).name
    (True, 'IDEAL')
    """

    #: Competence for continuous variables with a gradient.
    continuous_competence: ClassVar[Competence] = Competence.COMPATIBLE

    #: Set True when nothing but this step changes the log-density between transitions (no
    #: compound step conditions it): the end state of one transition then starts the next
    #: without evaluating the log-density again, saving one gradient evaluation per draw.
    density_is_fixed: bool = False
    _last_state: HMCState | None = None

    def __init__(
        self,
        logp_dlogp_fn: LogpDlogpFn,
        dim: int,
        *,
        target_accept: float,
        max_energy_error: float,
        step_size: float | None,
        step_scale: float,
        dense_mass: bool,
        inv_mass: np.ndarray | None,
        adapt_step_size: bool,
        adapt_mass_matrix: bool,
    ) -> None:
        name = type(self).__name__
        check_hamiltonian_options(name, target_accept=target_accept, max_energy_error=max_energy_error)
        self.logp_dlogp_fn = logp_dlogp_fn
        self.max_energy_error = float(max_energy_error)
        metric = make_metric(dim, dense=dense_mass, inv_mass=inv_mass)
        self.warmup = HamiltonianWarmup(
            metric,
            step_size=initial_step_size(name, step_size, step_scale, metric.dim),
            target_accept=target_accept,
            adapt_step_size=adapt_step_size,
            adapt_mass_matrix=adapt_mass_matrix,
        )

    @property
    def metric(self) -> Metric:
        """The (possibly adapted) metric."""
        return self.warmup.metric

    def _begin(self, q: np.ndarray, rng: np.random.Generator) -> tuple[HMCState, float]:
        """The state at ``q`` and the step size of this transition."""
        warmup = self.warmup
        q = np.asarray(q, dtype=np.float64)
        if q.shape != (warmup.metric.dim,):
            raise ShapeError(
                f"{type(self).__name__}: q has shape {q.shape}, expected ({warmup.metric.dim},)."
            )
        last = self._last_state
        if self.density_is_fixed and last is not None and np.array_equal(q, last.q):
            state = last
        else:
            state = init(q, self.logp_dlogp_fn)
        return state, warmup.prepare(rng, state.q, state.logp, state.dlogp, self.logp_dlogp_fn)

    def _end(self, state: HMCState, info: NamedTuple, step_size: float) -> tuple[np.ndarray, dict[str, Any]]:
        """Adapt during warm-up and return the new position with the transition's stats."""
        warmup = self.warmup
        self._last_state = state
        if self._tuning:
            warmup.update(state.q, info.acceptance_rate)
        stats = info._asdict()
        stats.update(lp=state.logp, step_size=step_size, step_size_bar=warmup.step_size_bar)
        return state.q, stats

    def _on_start_tune(self, n_tune: int | None) -> None:
        self.warmup.start(n_tune)

    def _on_stop_tune(self) -> None:
        self.warmup.stop()

    def reset_tuning(self) -> None:
        """Return step size and inverse mass matrix to their initial values; stop tuning."""
        super().reset_tuning()
        self.warmup.reset()

    @classmethod
    def competence(cls, traits: VariableTraits) -> Competence:
        """``continuous_competence`` for continuous variables with a gradient, else incompatible.

        Parameters
        ----------
        traits
            Description of the variable.

        Returns
        -------
        Competence
        """
        if traits.discrete or not traits.has_grad:
            return Competence.INCOMPATIBLE
        return cls.continuous_competence
