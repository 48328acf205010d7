"""The No-U-Turn Sampler: a pure multinomial NUTS kernel, and the :class:`NUTS` step method.

The trajectory doubles in a random direction until the generalized U-turn criterion fires (on
the whole trajectory, or on any subtree built on the way), a divergence occurs, or the maximum
depth is reached. Within a new subtree the proposal is drawn by multinomial sampling; between
the old trajectory and a completed new subtree by biased progressive sampling, which favours
the new subtree (Betancourt 2017, appendix A). The U-turn criterion uses the sum of momenta and,
as Stan has since 2.26, also checks the two sub-trajectories that straddle the merge point.

References
----------
.. [1] M. D. Hoffman and A. Gelman, "The No-U-Turn Sampler", JMLR 15 (2014).
.. [2] M. Betancourt, "A Conceptual Introduction to Hamiltonian Monte Carlo", arXiv:1701.02434.
"""

import math
from typing import Any, NamedTuple

import numpy as np

from ppl.exceptions import IntegrationError, ParameterValueError
from ppl.step_methods.hmc.base import HamiltonianStep, HMCState
from ppl.step_methods.hmc.integrators import IntegratorState, leapfrog
from ppl.step_methods.hmc.metrics import Metric
from ppl.step_methods.step import Competence, LogpDlogpFn, declare_stats

__all__ = ["NUTS", "NUTSInfo", "kernel"]


class NUTSInfo(NamedTuple):
    """Statistics of one NUTS transition (ArviZ names).

    Attributes
    ----------
    acceptance_rate
        Mean over all leapfrog steps of ``min(1, exp(-energy error))`` (Stan's accept_stat).
    diverging
        Whether a leapfrog step failed or exceeded the energy-error limit.
    energy
        Hamiltonian of the selected point of the trajectory.
    energy_error
        Its energy minus the initial energy.
    max_energy_error
        Energy error of largest magnitude over the trajectory (``inf`` if a step failed).
    n_steps
        Number of leapfrog steps (gradient evaluations) taken.
    tree_depth
        Number of completed doublings.
    reached_max_treedepth
        Whether the trajectory stopped because ``tree_depth`` hit the maximum.

    Examples
    --------
    >>> "tree_depth" in NUTSInfo._fields
    True
    """

    acceptance_rate: float
    diverging: bool
    energy: float
    energy_error: float
    max_energy_error: float
    n_steps: int
    tree_depth: int
    reached_max_treedepth: bool


class _Subtree(NamedTuple):
    """A valid (non-divergent, non-turning) run of ``2**depth`` consecutive leapfrog states."""

    start: IntegratorState  # first state integrated, next to the trajectory it extends
    end: IntegratorState  # last state integrated, the new end of the trajectory
    proposal: IntegratorState
    proposal_energy: float
    p_sum: np.ndarray
    log_weight: float  # log of the sum of exp(energy0 - energy) over the states


class _Trajectory:
    """Constants and running totals of one kernel call (not kept between calls)."""

    __slots__ = (
        "logp_dlogp_fn",
        "metric",
        "kinetic_energy",
        "rng",
        "energy0",
        "max_energy_error",
        "n_steps",
        "sum_accept",
        "diverging",
        "worst_error",
    )

    def __init__(self, rng, logp_dlogp_fn, metric, energy0, max_energy_error):
        self.rng = rng
        self.logp_dlogp_fn = logp_dlogp_fn
        self.metric = metric
        self.kinetic_energy = metric.kinetic_energy
        self.energy0 = energy0
        self.max_energy_error = max_energy_error
        self.n_steps = 0
        self.sum_accept = 0.0
        self.diverging = False
        self.worst_error = 0.0


def _log_add_exp(a: float, b: float) -> float:
    """``log(exp(a) + exp(b))`` for finite ``a`` and ``b``."""
    if a > b:
        return a + math.log1p(math.exp(b - a))
    return b + math.log1p(math.exp(a - b))


def _turning(v_minus: np.ndarray, v_plus: np.ndarray, p_sum: np.ndarray) -> bool:
    """Generalized U-turn criterion between two end velocities and the momentum sum."""
    return v_plus.dot(p_sum) <= 0.0 or v_minus.dot(p_sum) <= 0.0


def _build_subtree(
    traj: _Trajectory, start: IntegratorState, depth: int, step_size: float
) -> _Subtree | None:
    """Integrate ``2**depth`` steps from ``start``; ``None`` if the subtree is invalid."""
    if depth == 0:
        traj.n_steps += 1
        try:
            state = leapfrog(start, step_size, logp_dlogp_fn=traj.logp_dlogp_fn, metric=traj.metric)
        except IntegrationError:
            traj.diverging = True
            traj.worst_error = math.inf
            return None
        energy = traj.kinetic_energy(state.p, state.velocity) - state.logp
        error = energy - traj.energy0
        if error != error:  # nan
            error = math.inf
        if abs(error) > abs(traj.worst_error):
            traj.worst_error = error
        if error > traj.max_energy_error:
            traj.diverging = True
            return None
        traj.sum_accept += 1.0 if error <= 0.0 else math.exp(-error)
        return _Subtree(state, state, state, energy, state.p, -error)

    first = _build_subtree(traj, start, depth - 1, step_size)
    if first is None:
        return None
    second = _build_subtree(traj, first.end, depth - 1, step_size)
    if second is None:
        return None
    p_sum = first.p_sum + second.p_sum
    if _turning(first.start.velocity, second.end.velocity, p_sum):
        return None
    # With single-state halves the two extra checks repeat the one above.
    if depth > 1 and (
        _turning(first.start.velocity, second.start.velocity, first.p_sum + second.start.p)
        or _turning(first.end.velocity, second.end.velocity, second.p_sum + first.end.p)
    ):
        return None
    log_weight = _log_add_exp(first.log_weight, second.log_weight)
    chosen = second if traj.rng.random() < math.exp(second.log_weight - log_weight) else first
    return _Subtree(
        first.start, second.end, chosen.proposal, chosen.proposal_energy, p_sum, log_weight
    )


def kernel(
    rng: np.random.Generator,
    state: HMCState,
    *,
    logp_dlogp_fn: LogpDlogpFn,
    metric: Metric,
    step_size: float,
    max_treedepth: int = 10,
    max_energy_error: float = 1000.0,
) -> tuple[HMCState, NUTSInfo]:
    """Make one multinomial NUTS transition.

    Parameters
    ----------
    rng
        Random generator (momentum, directions and multinomial choices).
    state
        Current state, e.g. from :func:`ppl.step_methods.hmc.hmc.init`.
    logp_dlogp_fn
        Log-density and gradient.
    metric
        Euclidean metric.
    step_size
        Leapfrog step size.
    max_treedepth
        Maximum number of doublings.
    max_energy_error
        Energy error beyond which a leapfrog step is divergent.

    Returns
    -------
    state : HMCState
        New state.
    info : NUTSInfo
        Transition statistics.

    Examples
    --------
    >>> from ppl.step_methods.hmc.hmc import init
    >>> from ppl.step_methods.hmc.metrics import make_metric
    >>> fn = lambda q: (-0.5 * float(q @ q), -q)
    >>> new, info = kernel(np.random.default_rng(0), init(np.zeros(3), fn),
    ...     logp_dlogp_fn=fn, metric=make_metric(3), step_size=0.5)
    >>> info.n_steps >= 1 and not info.diverging
    True
    """
    p = metric.sample_momentum(rng)
    initial = IntegratorState(state.q, p, state.logp, state.dlogp, metric.velocity(p))
    energy0 = metric.kinetic_energy(p, initial.velocity) - state.logp
    traj = _Trajectory(rng, logp_dlogp_fn, metric, energy0, max_energy_error)
    left = right = proposal = initial
    proposal_energy = energy0
    p_sum = p
    log_weight = 0.0
    depth = 0
    with np.errstate(all="ignore"):
        while depth < max_treedepth:
            forward = rng.random() < 0.5
            outer, far = (right, left) if forward else (left, right)
            sub = _build_subtree(traj, outer, depth, step_size if forward else -step_size)
            if sub is None:
                break
            # Biased progressive sampling: move to the new subtree with prob min(1, w_new/w_old).
            if sub.log_weight > log_weight or rng.random() < math.exp(sub.log_weight - log_weight):
                proposal, proposal_energy = sub.proposal, sub.proposal_energy
            log_weight = _log_add_exp(log_weight, sub.log_weight)
            merged_p_sum = p_sum + sub.p_sum
            turning = _turning(far.velocity, sub.end.velocity, merged_p_sum)
            if depth > 0 and not turning:
                turning = _turning(
                    far.velocity, sub.start.velocity, p_sum + sub.start.p
                ) or _turning(outer.velocity, sub.end.velocity, sub.p_sum + outer.p)
            depth += 1
            if forward:
                right = sub.end
            else:
                left = sub.end
            p_sum = merged_p_sum
            if turning:
                break
    n_steps = traj.n_steps
    info = NUTSInfo(
        traj.sum_accept / n_steps,
        traj.diverging,
        proposal_energy,
        proposal_energy - energy0,
        traj.worst_error,
        n_steps,
        depth,
        depth >= max_treedepth,
    )
    if proposal is initial:
        return state, info
    return HMCState(proposal.q, proposal.logp, proposal.dlogp), info


class NUTS(HamiltonianStep):
    """The No-U-Turn Sampler with Stan-style warm-up, on a flat vector.

    Parameters
    ----------
    logp_dlogp_fn
        Log-density and gradient of a flat float64 vector.
    dim
        Length of the position vector.
    target_accept
        Target acceptance statistic of the dual-averaging step-size adaptation.
    max_treedepth
        Maximum number of trajectory doublings (at most ``2**max_treedepth - 1`` steps).
    max_energy_error
        Energy error beyond which a leapfrog step is divergent.
    step_size
        Initial step size; default ``step_scale / dim ** 0.25``.
    step_scale
        Sets the default step size.
    dense_mass
        Use (and adapt) a dense inverse mass matrix instead of a diagonal one.
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
    >>> step = NUTS(lambda q: (-0.5 * float(q @ q), -q), 3)
    >>> q, stats = step.step(np.zeros(3), np.random.default_rng(0))
    >>> q.shape, stats["diverging"]
    ((3,), False)
    """

    stats_dtypes = declare_stats(
        lp=np.float64,
        acceptance_rate=np.float64,
        step_size=np.float64,
        step_size_bar=np.float64,
        tree_depth=np.int64,
        n_steps=np.int64,
        diverging=bool,
        energy=np.float64,
        energy_error=np.float64,
        max_energy_error=np.float64,
        reached_max_treedepth=bool,
    )
    continuous_competence = Competence.IDEAL

    def __init__(
        self,
        logp_dlogp_fn: LogpDlogpFn,
        dim: int,
        *,
        target_accept: float = 0.8,
        max_treedepth: int = 10,
        max_energy_error: float = 1000.0,
        step_size: float | None = None,
        step_scale: float = 0.25,
        dense_mass: bool = False,
        inv_mass: np.ndarray | None = None,
        adapt_step_size: bool = True,
        adapt_mass_matrix: bool = True,
    ) -> None:
        if int(max_treedepth) != max_treedepth or max_treedepth < 1:
            raise ParameterValueError(
                f"NUTS: max_treedepth is {max_treedepth}, expected a positive integer."
            )
        super().__init__(
            logp_dlogp_fn, dim, target_accept=target_accept, max_energy_error=max_energy_error,
            step_size=step_size, step_scale=step_scale, dense_mass=dense_mass, inv_mass=inv_mass,
            adapt_step_size=adapt_step_size, adapt_mass_matrix=adapt_mass_matrix,
        )
        self.max_treedepth = int(max_treedepth)

    def step(self, q: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, dict[str, Any]]:
        """Make one NUTS transition from ``q``.

        Parameters
        ----------
        q
            Current position.
        rng
            Random generator.

        Returns
        -------
        q_new : numpy.ndarray
            New position (``q`` itself if the trajectory kept its starting point).
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
        state, info = kernel(
            rng,
            state,
            logp_dlogp_fn=self.logp_dlogp_fn,
            metric=self.warmup.metric,
            step_size=step_size,
            max_treedepth=self.max_treedepth,
            max_energy_error=self.max_energy_error,
        )
        return self._end(state, info, step_size)
