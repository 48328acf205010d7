"""Leapfrog integration of Hamiltonian dynamics over an immutable :class:`IntegratorState`.

The potential energy is ``-logp(q)`` and the kinetic energy ``p' M^{-1} p / 2``. Any failure of
the log-density during a step (an exception, a non-finite value or gradient) is turned into
:class:`~ppl.exceptions.IntegrationError`, which samplers record as a divergence.
"""

import math
from typing import NamedTuple

import numpy as np

from ppl.exceptions import IntegrationError
from ppl.step_methods.hmc.metrics import Metric
from ppl.step_methods.step import LogpDlogpFn

__all__ = ["IntegratorState", "leapfrog", "new_integrator_state"]


class IntegratorState(NamedTuple):
    """A point in phase space with its cached log-density, gradient and velocity.

    The arrays are shared between states and must never be modified in place.

    Attributes
    ----------
    q
        Position (flat float64 vector).
    p
        Momentum.
    logp
        Log-density at ``q``.
    dlogp
        Gradient of the log-density at ``q``.
    velocity
        ``M^{-1} p``, the time derivative of ``q``.

    Examples
    --------
    >>> from ppl.step_methods.hmc.metrics import make_metric
    >>> s = new_integrator_state(np.zeros(2), np.ones(2), 0.0, np.zeros(2), make_metric(2))
    >>> s.velocity
    array([1., 1.])
    """

    q: np.ndarray
    p: np.ndarray
    logp: float
    dlogp: np.ndarray
    velocity: np.ndarray


def new_integrator_state(
    q: np.ndarray, p: np.ndarray, logp: float, dlogp: np.ndarray, metric: Metric
) -> IntegratorState:
    """Build an :class:`IntegratorState`, computing the velocity from the metric.

    Parameters
    ----------
    q
        Position.
    p
        Momentum.
    logp
        Log-density at ``q``.
    dlogp
        Gradient of the log-density at ``q``.
    metric
        Metric giving the velocity ``M^{-1} p``.

    Returns
    -------
    IntegratorState
        The state.

    Examples
    --------
    >>> from ppl.step_methods.hmc.metrics import make_metric
    >>> new_integrator_state(np.zeros(1), np.ones(1), 0.0, np.zeros(1), make_metric(1)).p
    array([1.])
    """
    return IntegratorState(q, p, logp, dlogp, metric.velocity(p))


def leapfrog(
    state: IntegratorState, step_size: float, *, logp_dlogp_fn: LogpDlogpFn, metric: Metric
) -> IntegratorState:
    """Take one leapfrog (velocity Verlet) step; a negative ``step_size`` integrates backwards.

    Parameters
    ----------
    state
        Current phase-space state.
    step_size
        Integration step; its sign sets the direction in time.
    logp_dlogp_fn
        Log-density and gradient of a flat vector.
    metric
        Euclidean metric giving ``M^{-1} p``.

    Returns
    -------
    IntegratorState
        The state after one step; ``state`` is left unchanged.

    Raises
    ------
    IntegrationError
        If ``logp_dlogp_fn`` raises an :class:`Exception`, or returns a non-finite log-density or
        gradient (a gradient whose squared norm overflows also counts as non-finite).
        ``KeyboardInterrupt`` and other non-``Exception`` errors propagate unchanged.

    Examples
    --------
    >>> from ppl.step_methods.hmc.metrics import make_metric
    >>> def logp_dlogp(q):
    ...     return -0.5 * float(q @ q), -q
    >>> metric = make_metric(1)
    >>> q, p = np.array([1.0]), np.array([0.0])
    >>> start = new_integrator_state(q, p, *logp_dlogp(q), metric)
    >>> leapfrog(start, 0.1, logp_dlogp_fn=logp_dlogp, metric=metric).q
    array([0.995])
    """
    half_step = 0.5 * step_size
    p = state.dlogp * half_step
    p += state.p
    q = metric.velocity(p)
    q *= step_size
    q += state.q
    try:
        logp, dlogp = logp_dlogp_fn(q)
        logp = float(logp)
        grad_norm2 = dlogp.dot(dlogp)
    except Exception as err:
        raise IntegrationError(
            f"leapfrog: logp_dlogp_fn raised {type(err).__name__}: {err}"
        ) from err
    if not (math.isfinite(logp) and math.isfinite(grad_norm2)):
        raise IntegrationError(
            f"leapfrog: logp is {logp} and squared gradient norm is {grad_norm2}, "
            "expected finite values."
        )
    p += dlogp * half_step
    return IntegratorState(q, p, logp, dlogp, metric.velocity(p))
