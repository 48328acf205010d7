"""Warm-up adaptation for Hamiltonian samplers, as pure ``(init, update, final)`` functions.

* Dual averaging of the step size (Hoffman & Gelman 2014, algorithm 5).
* Welford estimation of the posterior (co)variance, regularised as Stan does (from
  :mod:`ppl.step_methods.hmc.welford`, re-exported here).
* Stan's warm-up schedule: a fast initial window, slow windows that double in length and each
  end with a new inverse mass matrix (and a restart of the step-size adaptation), and a fast
  terminal window.

References
----------
.. [1] M. D. Hoffman and A. Gelman, "The No-U-Turn Sampler", JMLR 15 (2014).
.. [2] Stan Reference Manual, "HMC algorithm parameters: automatic parameter tuning".
"""

import math
from typing import NamedTuple

import numpy as np

from ppl.exceptions import ParameterValueError
from ppl.step_methods.hmc.welford import (
    WelfordState,
    welford_covariance,
    welford_init,
    welford_update,
)

__all__ = [
    "DualAveragingState",
    "WarmupSchedule",
    "WelfordState",
    "WindowAdaptationState",
    "build_warmup_schedule",
    "dual_averaging_final",
    "dual_averaging_init",
    "dual_averaging_update",
    "welford_covariance",
    "welford_init",
    "welford_update",
    "window_adaptation_init",
    "window_adaptation_update",
]


# --------------------------------------------------------------------------- dual averaging


class DualAveragingState(NamedTuple):
    """State of the dual-averaging step-size adaptation.

    Attributes
    ----------
    log_step_size
        Log of the step size to use for the next transition.
    log_step_size_bar
        Log of the averaged step size, used once adaptation stops.
    mean_error
        Running weighted mean of ``target_accept - acceptance_rate`` (H-bar in the paper).
    iteration
        Number of updates so far.
    mu
        Log step size the iterates shrink towards, ``log(10 * initial step size)``.

    Examples
    --------
    >>> dual_averaging_init(0.1).iteration
    0
    """

    log_step_size: float
    log_step_size_bar: float
    mean_error: float
    iteration: int
    mu: float


def dual_averaging_init(step_size: float) -> DualAveragingState:
    """Start dual averaging at ``step_size`` with ``mu = log(10 * step_size)``.

    Parameters
    ----------
    step_size
        Initial positive step size.

    Returns
    -------
    DualAveragingState
        The initial state; its averaged step size is ``step_size`` until the first update.

    Raises
    ------
    ParameterValueError
        If ``step_size`` is not positive and finite.

    Examples
    --------
    >>> round(math.exp(dual_averaging_init(0.5).mu), 6)
    5.0
    """
    if not (math.isfinite(step_size) and step_size > 0):
        raise ParameterValueError(
            f"dual_averaging_init: step_size is {step_size}, expected a positive finite value."
        )
    log_step_size = math.log(step_size)
    return DualAveragingState(log_step_size, log_step_size, 0.0, 0, math.log(10.0) + log_step_size)


def dual_averaging_update(
    state: DualAveragingState,
    acceptance_rate: float,
    *,
    target_accept: float = 0.8,
    gamma: float = 0.05,
    t0: float = 10.0,
    kappa: float = 0.75,
) -> DualAveragingState:
    """Update the step size from the acceptance statistic of the last transition.

    Parameters
    ----------
    state
        Current state.
    acceptance_rate
        Acceptance statistic of the transition made with ``exp(state.log_step_size)``;
        ``nan`` counts as 0.
    target_accept
        Acceptance statistic to aim for.
    gamma, t0, kappa
        Shrinkage towards ``mu``, early-iteration damping and averaging decay.

    Returns
    -------
    DualAveragingState
        The new state.

    Examples
    --------
    >>> start = dual_averaging_init(1.0)
    >>> low = dual_averaging_update(start, 0.2, target_accept=0.8)
    >>> high = dual_averaging_update(start, 0.95, target_accept=0.8)
    >>> low.log_step_size < high.log_step_size  # low acceptance: smaller steps
    True
    """
    if not acceptance_rate >= 0.0:
        acceptance_rate = 0.0
    t = state.iteration + 1
    weight = 1.0 / (t + t0)
    mean_error = (1.0 - weight) * state.mean_error + weight * (target_accept - acceptance_rate)
    log_step_size = state.mu - math.sqrt(t) / gamma * mean_error
    decay = t**-kappa
    log_step_size_bar = decay * log_step_size + (1.0 - decay) * state.log_step_size_bar
    return DualAveragingState(log_step_size, log_step_size_bar, mean_error, t, state.mu)


def dual_averaging_final(state: DualAveragingState) -> float:
    """Return the averaged step size to use after warm-up.

    Parameters
    ----------
    state
        Final state.

    Returns
    -------
    float
        ``exp(state.log_step_size_bar)``.

    Examples
    --------
    >>> dual_averaging_final(dual_averaging_init(0.25))
    0.25
    """
    return math.exp(state.log_step_size_bar)


# --------------------------------------------------------------------------- schedule


class WarmupSchedule(NamedTuple):
    """When the mass matrix is estimated during warm-up.

    Iterations are counted from 0. Samples from iterations ``slow_start <= i < ends[-1]`` feed
    the estimator; after iteration ``e - 1`` for each ``e`` in ``slow_window_ends`` the inverse
    mass matrix is replaced and the accumulator restarted.

    Attributes
    ----------
    n_tune
        Number of warm-up iterations.
    slow_start
        First iteration of the first slow window (length of the initial fast window).
    slow_window_ends
        Exclusive end of each slow window, increasing; empty when there are none.

    Examples
    --------
    >>> build_warmup_schedule(1000).slow_window_ends
    (100, 150, 250, 450, 950)
    """

    n_tune: int
    slow_start: int
    slow_window_ends: tuple[int, ...]


def build_warmup_schedule(
    n_tune: int, *, init_buffer: int = 75, term_buffer: int = 50, base_window: int = 25
) -> WarmupSchedule:
    """Lay out Stan's windowed warm-up for ``n_tune`` iterations.

    With fewer than 20 iterations there are no slow windows (only the step size adapts). When
    ``init_buffer + base_window + term_buffer`` exceeds ``n_tune``, the buffers become 15% and
    10% of ``n_tune`` and a single slow window fills the rest. Slow windows double in length; a
    window that would leave too little room for the next doubled one is stretched to the start
    of the terminal window.

    Parameters
    ----------
    n_tune
        Number of warm-up iterations.
    init_buffer
        Length of the initial fast window.
    term_buffer
        Length of the terminal fast window.
    base_window
        Length of the first slow window.

    Returns
    -------
    WarmupSchedule
        The layout.

    Raises
    ------
    ParameterValueError
        If any length is negative or ``base_window`` is zero.

    Examples
    --------
    >>> build_warmup_schedule(100)
    WarmupSchedule(n_tune=100, slow_start=15, slow_window_ends=(90,))
    >>> build_warmup_schedule(10).slow_window_ends
    ()
    """
    if min(n_tune, init_buffer, term_buffer) < 0 or base_window < 1:
        raise ParameterValueError(
            f"build_warmup_schedule: got n_tune={n_tune}, init_buffer={init_buffer}, "
            f"term_buffer={term_buffer}, base_window={base_window}, expected non-negative "
            "lengths and base_window >= 1."
        )
    if n_tune < 20:
        return WarmupSchedule(n_tune, n_tune, ())
    if init_buffer + base_window + term_buffer > n_tune:
        init_buffer = int(0.15 * n_tune)
        term_buffer = int(0.1 * n_tune)
        base_window = n_tune - init_buffer - term_buffer
    slow_end = n_tune - term_buffer
    ends = []
    start, size = init_buffer, base_window
    while start < slow_end:
        end = start + size
        if end + 2 * size >= slow_end:
            end = slow_end
        ends.append(end)
        start, size = end, 2 * size
    return WarmupSchedule(n_tune, init_buffer, tuple(ends))


# --------------------------------------------------------------------------- windows


class WindowAdaptationState(NamedTuple):
    """State of the combined step-size and windowed mass-matrix adaptation.

    Attributes
    ----------
    iteration
        Number of warm-up iterations completed.
    dual_averaging
        Step-size adaptation state.
    welford
        Accumulator of the current slow window.

    Examples
    --------
    >>> window_adaptation_init(0.1, dim=2).iteration
    0
    """

    iteration: int
    dual_averaging: DualAveragingState
    welford: WelfordState


def window_adaptation_init(
    step_size: float, *, dim: int, dense: bool = False
) -> WindowAdaptationState:
    """Start warm-up adaptation.

    Parameters
    ----------
    step_size
        Initial step size.
    dim
        Length of the position vector.
    dense
        Estimate a dense inverse mass matrix.

    Returns
    -------
    WindowAdaptationState
        The initial state.

    Examples
    --------
    >>> window_adaptation_init(0.1, dim=2, dense=True).welford.m2.shape
    (2, 2)
    """
    return WindowAdaptationState(0, dual_averaging_init(step_size), welford_init(dim, dense=dense))


def window_adaptation_update(
    state: WindowAdaptationState,
    q: np.ndarray,
    acceptance_rate: float,
    *,
    schedule: WarmupSchedule,
    target_accept: float = 0.8,
    adapt_step_size: bool = True,
) -> tuple[WindowAdaptationState, np.ndarray | None]:
    """Account for one warm-up iteration that ended at ``q``.

    Parameters
    ----------
    state
        Current state.
    q
        Position after the transition.
    acceptance_rate
        Acceptance statistic of the transition.
    schedule
        Warm-up layout from :func:`build_warmup_schedule`.
    target_accept
        Target of the dual averaging.
    adapt_step_size
        Update the dual averaging; if false it is left untouched.

    Returns
    -------
    state : WindowAdaptationState
        The new state. At the end of a slow window the accumulator is emptied and the dual
        averaging restarted from the current step size.
    inv_mass : numpy.ndarray or None
        The new regularised inverse mass matrix at the end of a slow window, else ``None``.

    Examples
    --------
    >>> schedule = build_warmup_schedule(20)
    >>> state = window_adaptation_init(0.5, dim=1)
    >>> for _ in range(schedule.slow_window_ends[0]):
    ...     state, inv_mass = window_adaptation_update(state, np.ones(1), 0.8, schedule=schedule)
    >>> inv_mass.shape
    (1,)
    """
    i = state.iteration
    dual_averaging = state.dual_averaging
    if adapt_step_size:
        dual_averaging = dual_averaging_update(
            dual_averaging, acceptance_rate, target_accept=target_accept
        )
    welford = state.welford
    inv_mass = None
    ends = schedule.slow_window_ends
    if ends and schedule.slow_start <= i < ends[-1]:
        welford = welford_update(welford, q)
        if i + 1 in ends and welford.count >= 2:
            inv_mass = welford_covariance(welford)
            welford = welford_init(welford.mean.size, dense=welford.m2.ndim == 2)
            if adapt_step_size:
                dual_averaging = dual_averaging_init(math.exp(dual_averaging.log_step_size))
    return WindowAdaptationState(i + 1, dual_averaging, welford), inv_mass
