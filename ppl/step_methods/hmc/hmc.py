"""Static-path HMC: a pure kernel over :class:`HMCState`, and the :class:`HMC` step method."""

import math
from typing import Any, NamedTuple

import numpy as np

from ppl.exceptions import IntegrationError, ParameterValueError, SamplingError, ShapeError
from ppl.step_methods.hmc.integrators import IntegratorState, leapfrog
from ppl.step_methods.hmc.metrics import Metric, make_metric
from ppl.step_methods.hmc.warmup import (
    HamiltonianWarmup,
    check_hamiltonian_options,
    initial_step_size,
)
from ppl.step_methods.step import (
    ArrayStepMethod,
    Competence,
    LogpDlogpFn,
    VariableTraits,
    declare_stats,
)

__all__ = ["HMC", "HMCInfo", "HMCState", "init", "kernel"]


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


class HMCInfo(NamedTuple):
    """Statistics of one static-path HMC transition (ArviZ names).

    Attributes
    ----------
    acceptance_rate
        Metropolis acceptance probability of the end of the trajectory.
    accepted
        Whether the end of the trajectory was accepted.
    diverging
        Whether the integration failed or the energy error exceeded the limit.
    energy
        Hamiltonian (``-logp`` plus kinetic energy) of the returned phase-space point: the end
        of the trajectory if accepted, else the start with its initial momentum.
    energy_error
        Energy of the trajectory's end minus the initial energy (``inf`` if it failed).
    max_energy_error
        Energy error of largest magnitude along the trajectory.
    n_steps
        Number of leapfrog steps taken.

    Examples
    --------
    >>> HMCInfo._fields[0]
    'acceptance_rate'
    """

    acceptance_rate: float
    accepted: bool
    diverging: bool
    energy: float
    energy_error: float
    max_energy_error: float
    n_steps: int


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


def kernel(
    rng: np.random.Generator,
    state: HMCState,
    *,
    logp_dlogp_fn: LogpDlogpFn,
    metric: Metric,
    step_size: float,
    n_steps: int,
    max_energy_error: float = 1000.0,
) -> tuple[HMCState, HMCInfo]:
    """Make one static-path HMC transition: ``n_steps`` leapfrog steps, then accept or reject.

    The trajectory stops early, as a divergence, when the log-density fails or the energy
    error exceeds ``max_energy_error``; the chain then stays at ``state``.

    Parameters
    ----------
    rng
        Random generator (momentum and the accept decision).
    state
        Current state.
    logp_dlogp_fn
        Log-density and gradient.
    metric
        Euclidean metric.
    step_size
        Leapfrog step size.
    n_steps
        Number of leapfrog steps (at least 1).
    max_energy_error
        Energy error beyond which the trajectory is divergent.

    Returns
    -------
    state : HMCState
        New state.
    info : HMCInfo
        Transition statistics.

    Examples
    --------
    >>> from ppl.step_methods.hmc.metrics import make_metric
    >>> fn = lambda q: (-0.5 * float(q @ q), -q)
    >>> new, info = kernel(np.random.default_rng(0), init(np.zeros(2), fn),
    ...     logp_dlogp_fn=fn, metric=make_metric(2), step_size=0.1, n_steps=10)
    >>> info.n_steps
    10
    """
    p = metric.sample_momentum(rng)
    current = IntegratorState(state.q, p, state.logp, state.dlogp, metric.velocity(p))
    energy0 = metric.kinetic_energy(p, current.velocity) - state.logp
    energy_error = worst_error = 0.0
    diverging = False
    taken = 0
    with np.errstate(all="ignore"):
        while taken < n_steps:
            taken += 1
            try:
                current = leapfrog(current, step_size, logp_dlogp_fn=logp_dlogp_fn, metric=metric)
            except IntegrationError:
                energy_error = worst_error = math.inf
                diverging = True
                break
            energy = metric.kinetic_energy(current.p, current.velocity) - current.logp
            energy_error = energy - energy0
            if not math.isfinite(energy_error):
                energy_error = math.inf
            if abs(energy_error) > abs(worst_error):
                worst_error = energy_error
            if energy_error > max_energy_error:
                diverging = True
                break
    if diverging:
        acceptance_rate, accepted = 0.0, False
    else:
        acceptance_rate = 1.0 if energy_error <= 0.0 else math.exp(-energy_error)
        accepted = rng.random() < acceptance_rate
    if accepted:
        new_state, energy = HMCState(current.q, current.logp, current.dlogp), energy0 + energy_error
    else:
        new_state, energy = state, energy0
    info = HMCInfo(
        acceptance_rate, accepted, diverging, energy, energy_error, worst_error, taken
    )
    return new_state, info


class HMC(ArrayStepMethod):
    """Hamiltonian Monte Carlo with a fixed path length and a jittered step size.

    Parameters
    ----------
    logp_dlogp_fn
        Log-density and gradient of a flat float64 vector.
    dim
        Length of the position vector.
    path_length
        Integration time; a transition takes ``round(path_length / step_size)`` steps.
    step_size
        Initial step size; default ``step_scale / dim ** 0.25``.
    step_scale
        Sets the default step size.
    step_size_jitter
        Each transition uses ``step_size * U(1 - jitter, 1 + jitter)``.
    max_steps
        Upper bound on leapfrog steps per transition.
    target_accept
        Target of the dual-averaging step-size adaptation.
    max_energy_error
        Energy error beyond which a trajectory is divergent.
    dense_mass
        Use (and adapt) a dense inverse mass matrix.
    inv_mass
        Initial inverse mass (vector, or matrix when ``dense_mass``); identity by default.
    adapt_step_size, adapt_mass_matrix
        What to adapt during warm-up.

    Raises
    ------
    ParameterValueError
        If an option is out of range.

    Notes
    -----
    Every transition evaluates the log-density at ``q`` again instead of caching it, so the step
    stays correct inside a compound step whose other blocks change the conditional density: a
    draw costs ``n_steps + 1`` gradient evaluations.

    Examples
    --------
    >>> step = HMC(lambda q: (-0.5 * float(q @ q), -q), 2, path_length=1.0)
    >>> q, stats = step.step(np.zeros(2), np.random.default_rng(0))
    >>> sorted(stats) == sorted(HMC.stats_dtypes)
    True
    """

    stats_dtypes = declare_stats(
        lp=np.float64,
        acceptance_rate=np.float64,
        accepted=bool,
        step_size=np.float64,
        step_size_bar=np.float64,
        n_steps=np.int64,
        diverging=bool,
        energy=np.float64,
        energy_error=np.float64,
        max_energy_error=np.float64,
    )

    def __init__(
        self,
        logp_dlogp_fn: LogpDlogpFn,
        dim: int,
        *,
        path_length: float = 2.0,
        step_size: float | None = None,
        step_scale: float = 0.25,
        step_size_jitter: float = 0.15,
        max_steps: int = 1024,
        target_accept: float = 0.65,
        max_energy_error: float = 1000.0,
        dense_mass: bool = False,
        inv_mass: np.ndarray | None = None,
        adapt_step_size: bool = True,
        adapt_mass_matrix: bool = True,
    ) -> None:
        check_hamiltonian_options(
            "HMC", target_accept=target_accept, max_energy_error=max_energy_error
        )
        if not (path_length > 0.0 and 0.0 <= step_size_jitter < 1.0 and max_steps >= 1):
            raise ParameterValueError(
                f"HMC: path_length={path_length}, step_size_jitter={step_size_jitter}, "
                f"max_steps={max_steps}; expected path_length > 0, 0 <= step_size_jitter < 1 "
                "and max_steps >= 1."
            )
        self.logp_dlogp_fn = logp_dlogp_fn
        self.path_length = float(path_length)
        self.step_size_jitter = float(step_size_jitter)
        self.max_steps = int(max_steps)
        self.max_energy_error = float(max_energy_error)
        metric = make_metric(dim, dense=dense_mass, inv_mass=inv_mass)
        self.warmup = HamiltonianWarmup(
            metric,
            step_size=initial_step_size("HMC", step_size, step_scale, metric.dim),
            target_accept=target_accept,
            adapt_step_size=adapt_step_size,
            adapt_mass_matrix=adapt_mass_matrix,
        )

    @property
    def metric(self) -> Metric:
        """The (possibly adapted) metric."""
        return self.warmup.metric

    def step(self, q: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, dict[str, Any]]:
        """Make one HMC transition from ``q``.

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
            Values for every name in :attr:`stats_dtypes`.

        Raises
        ------
        ShapeError
            If ``q`` is not a vector of length ``dim``.
        SamplingError
            If the log-density is not finite at ``q``.
        """
        warmup = self.warmup
        q = np.asarray(q, dtype=np.float64)
        if q.shape != (warmup.metric.dim,):
            raise ShapeError(f"HMC: q has shape {q.shape}, expected ({warmup.metric.dim},).")
        state = init(q, self.logp_dlogp_fn)
        step_size = warmup.prepare(rng, state.q, state.logp, state.dlogp, self.logp_dlogp_fn)
        if self.step_size_jitter:
            step_size *= 1.0 + self.step_size_jitter * (2.0 * rng.random() - 1.0)
        n_steps = min(self.max_steps, max(1, round(self.path_length / step_size)))
        state, info = kernel(
            rng,
            state,
            logp_dlogp_fn=self.logp_dlogp_fn,
            metric=warmup.metric,
            step_size=step_size,
            n_steps=n_steps,
            max_energy_error=self.max_energy_error,
        )
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
        """Compatible with continuous variables that have a gradient.

        Parameters
        ----------
        traits
            Description of the variable.

        Returns
        -------
        Competence
            ``COMPATIBLE`` or ``INCOMPATIBLE``.
        """
        if traits.discrete or not traits.has_grad:
            return Competence.INCOMPATIBLE
        return Competence.COMPATIBLE
