"""Static-path HMC: a pure kernel over :class:`HMCState`, and the :class:`HMC` step method."""

import math
from typing import Any, NamedTuple

import numpy as np

from ppl.exceptions import IntegrationError, ParameterValueError
from ppl.step_methods.hmc.base import HamiltonianStep, HMCState, init
from ppl.step_methods.hmc.integrators import IntegratorState, leapfrog
from ppl.step_methods.hmc.metrics import Metric
from ppl.step_methods.step import LogpDlogpFn, declare_stats

__all__ = ["HMC", "HMCInfo", "HMCState", "init", "kernel"]


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


class HMC(HamiltonianStep):
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
        if not (path_length > 0.0 and 0.0 <= step_size_jitter < 1.0 and max_steps >= 1):
            raise ParameterValueError(
                f"HMC: path_length={path_length}, step_size_jitter={step_size_jitter}, "
                f"max_steps={max_steps}; expected path_length > 0, 0 <= step_size_jitter < 1 "
                "and max_steps >= 1."
            )
        super().__init__(
            logp_dlogp_fn, dim, target_accept=target_accept, max_energy_error=max_energy_error,
            step_size=step_size, step_scale=step_scale, dense_mass=dense_mass, inv_mass=inv_mass,
            adapt_step_size=adapt_step_size, adapt_mass_matrix=adapt_mass_matrix,
        )
        self.path_length = float(path_length)
        self.step_size_jitter = float(step_size_jitter)
        self.max_steps = int(max_steps)

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
        state, step_size = self._begin(q, rng)
        if self.step_size_jitter:
            step_size *= 1.0 + self.step_size_jitter * (2.0 * rng.random() - 1.0)
        n_steps = min(self.max_steps, max(1, round(self.path_length / step_size)))
        state, info = kernel(
            rng,
            state,
            logp_dlogp_fn=self.logp_dlogp_fn,
            metric=self.warmup.metric,
            step_size=step_size,
            n_steps=n_steps,
            max_energy_error=self.max_energy_error,
        )
        return self._end(state, info, step_size)
