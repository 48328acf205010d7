"""Warm-up adaptation for Hamiltonian samplers, as pure ``(init, update, final)`` functions.

* Dual averaging of the step size (Hoffman & Gelman 2014, algorithm 5).
* Welford estimation of the posterior (co)variance, regularised as Stan does.
* Stan's warm-up schedule: a fast initial window, slow windows that double in length and each
  end with a new inverse mass matrix (and a restart of the step-size adaptation), and a fast
  terminal window.
* An initial step-size heuristic (Hoffman & Gelman 2014, algorithm 4, with Stan's threshold).

References
----------
.. [1] M. D. Hoffman and A. Gelman, "The No-U-Turn Sampler", JMLR 15 (2014).
.. [2] Stan Reference Manual, "HMC algorithm parameters: automatic parameter tuning".
"""

import math
from typing import NamedTuple

import numpy as np

from ppl.exceptions import IntegrationError, ParameterValueError
from ppl.step_methods.hmc.integrators import leapfrog, new_integrator_state
from ppl.step_methods.hmc.metrics import Metric
from ppl.step_methods.step import LogpDlogpFn

__all__ = [
    "DualAveragingState",
    "WarmupSchedule",
    "WelfordState",
    "WindowAdaptationState",
    "build_warmup_schedule",
    "dual_averaging_final",
    "dual_averaging_init",
    "dual_averaging_update",
    "find_reasonable_step_size",
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
    >>> state = dual_averaging_update(dual_averaging_init(1.0), 0.2, target_accept=0.8)
    >>> state.log_step_size < 0.0  # acceptance too low: smaller steps
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


# --------------------------------------------------------------------------- Welford


class WelfordState(NamedTuple):
    """Streaming mean and (co)variance accumulator.

    Attributes
    ----------
    count
        Number of samples seen.
    mean
        Running mean, shape ``(dim,)``.
    m2
        Sum of squared deviations: shape ``(dim,)`` (diagonal) or ``(dim, dim)`` (dense).

    Examples
    --------
    >>> welford_init(3, dense=True).m2.shape
    (3, 3)
    """

    count: int
    mean: np.ndarray
    m2: np.ndarray


def welford_init(dim: int, *, dense: bool = False) -> WelfordState:
    """Start an empty accumulator.

    Parameters
    ----------
    dim
        Length of the samples.
    dense
        Accumulate the full covariance instead of the variances.

    Returns
    -------
    WelfordState
        An accumulator with no samples.

    Examples
    --------
    >>> welford_init(2).count
    0
    """
    return WelfordState(0, np.zeros(dim), np.zeros((dim, dim) if dense else dim))


def welford_update(state: WelfordState, x: np.ndarray) -> WelfordState:
    """Add one sample.

    Parameters
    ----------
    state
        Current accumulator.
    x
        Sample of shape ``(dim,)``.

    Returns
    -------
    WelfordState
        A new accumulator; ``state`` is unchanged.

    Examples
    --------
    >>> state = welford_update(welford_update(welford_init(1), np.array([1.0])), np.array([3.0]))
    >>> state.mean, state.m2
    (array([2.]), array([2.]))
    """
    count = state.count + 1
    delta = x - state.mean
    mean = state.mean + delta / count
    if state.m2.ndim == 2:
        m2 = state.m2 + np.outer(x - mean, delta)
    else:
        m2 = state.m2 + delta * (x - mean)
    return WelfordState(count, mean, m2)


def welford_covariance(state: WelfordState, *, regularize: bool = True) -> np.ndarray:
    """Return the sample (co)variance, shrunk towards ``1e-3`` times the identity as Stan does.

    With ``n`` samples the estimate is ``n / (n + 5) * cov + 1e-3 * 5 / (n + 5)`` (times the
    identity for a dense estimate).

    Parameters
    ----------
    state
        Accumulator with at least two samples.
    regularize
        Apply Stan's shrinkage; without it return the plain unbiased estimate.

    Returns
    -------
    numpy.ndarray
        Variances ``(dim,)`` or covariance ``(dim, dim)``.

    Raises
    ------
    ParameterValueError
        If fewer than two samples were seen.

    Examples
    --------
    >>> state = welford_update(welford_update(welford_init(1), np.array([1.0])), np.array([3.0]))
    >>> welford_covariance(state, regularize=False)
    array([2.])
    """
    n = state.count
    if n < 2:
        raise ParameterValueError(
            f"welford_covariance: count is {n}, expected at least 2 samples."
        )
    cov = state.m2 / (n - 1)
    if not regularize:
        return cov
    shrunk = (n / (n + 5.0)) * cov
    jitter = 1e-3 * 5.0 / (n + 5.0)
    if cov.ndim == 2:
        shrunk[np.diag_indices_from(shrunk)] += jitter
    else:
        shrunk += jitter
    return shrunk


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


# --------------------------------------------------------------------------- heuristic


def find_reasonable_step_size(
    rng: np.random.Generator,
    q: np.ndarray,
    logp: float,
    dlogp: np.ndarray,
    *,
    logp_dlogp_fn: LogpDlogpFn,
    metric: Metric,
    step_size: float,
    target_accept: float = 0.8,
    max_doublings: int = 50,
) -> float:
    """Double or halve ``step_size`` until one leapfrog step's acceptance crosses a threshold.

    A fresh momentum is drawn for every trial. A step whose log-density fails counts as
    acceptance 0.

    Parameters
    ----------
    rng
        Random generator for the momenta.
    q, logp, dlogp
        Position with its log-density and gradient.
    logp_dlogp_fn
        Log-density and gradient.
    metric
        Euclidean metric.
    step_size
        Starting guess.
    target_accept
        Threshold on ``exp(-energy change)``.
    max_doublings
        Give up after this many doublings or halvings and return the last step size.

    Returns
    -------
    float
        A step size whose one-step acceptance is near ``target_accept``.

    Examples
    --------
    >>> from ppl.step_methods.hmc.metrics import make_metric
    >>> def logp_dlogp(q):
    ...     return -0.5 * float(q @ q), -q
    >>> q = np.zeros(3)
    >>> eps = find_reasonable_step_size(np.random.default_rng(1), q, 0.0, -q,
    ...     logp_dlogp_fn=logp_dlogp, metric=make_metric(3), step_size=1e-3)
    >>> 0.01 < eps < 10
    True
    """
    threshold = math.log(target_accept)

    def log_accept(eps: float) -> float:
        start = new_integrator_state(q, metric.sample_momentum(rng), logp, dlogp, metric)
        try:
            end = leapfrog(start, eps, logp_dlogp_fn=logp_dlogp_fn, metric=metric)
        except IntegrationError:
            return -math.inf
        delta = (logp - end.logp) + metric.kinetic_energy(start.p, start.velocity)
        delta -= metric.kinetic_energy(end.p, end.velocity)
        return delta if math.isfinite(delta) else -math.inf

    with np.errstate(all="ignore"):
        direction = 1.0 if log_accept(step_size) > threshold else -1.0
        for _ in range(max_doublings):
            step_size *= 2.0**direction
            accept_above = log_accept(step_size) > threshold
            if accept_above != (direction > 0):
                break
    return step_size
