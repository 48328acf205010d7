"""The warm-up controller shared by :class:`HMC` and :class:`NUTS` (held by composition).

It owns the metric's adaptation and the step size, and drives the pure functions of
:mod:`ppl.step_methods.hmc.adaptation`. The step classes ask it for the step size before a
transition and report the transition's acceptance statistic after it. The initial step-size
heuristic (Hoffman & Gelman 2014, algorithm 4, with Stan's threshold of 0.8) lives here too, as
it needs the log-density and a random generator.
"""

import math

import numpy as np

from ppl.exceptions import IntegrationError, ParameterValueError
from ppl.step_methods.hmc.adaptation import (
    WarmupSchedule,
    WindowAdaptationState,
    build_warmup_schedule,
    dual_averaging_final,
    dual_averaging_init,
    window_adaptation_init,
    window_adaptation_update,
)
from ppl.step_methods.hmc.integrators import leapfrog, new_integrator_state
from ppl.step_methods.hmc.metrics import Metric
from ppl.step_methods.step import LogpDlogpFn

__all__ = [
    "HamiltonianWarmup",
    "check_hamiltonian_options",
    "find_reasonable_step_size",
    "initial_step_size",
]


def check_hamiltonian_options(name: str, *, target_accept: float, max_energy_error: float) -> None:
    """Validate the options HMC and NUTS share.

    Parameters
    ----------
    name
        Step method name used in the message.
    target_accept
        Must lie strictly between 0 and 1.
    max_energy_error
        Must be positive.

    Raises
    ------
    ParameterValueError
        If an option is out of range.

    Examples
    --------
    >>> check_hamiltonian_options("NUTS", target_accept=0.8, max_energy_error=1000.0)
    """
    if not 0.0 < target_accept < 1.0:
        raise ParameterValueError(
            f"{name}: target_accept is {target_accept}, expected 0 < target_accept < 1."
        )
    if not max_energy_error > 0.0:
        raise ParameterValueError(
            f"{name}: max_energy_error is {max_energy_error}, expected a positive value."
        )


def initial_step_size(name: str, step_size: float | None, step_scale: float, dim: int) -> float:
    """Return ``step_size``, or by default ``step_scale / dim ** 0.25``, checked to be positive.

    Parameters
    ----------
    name
        Step method name used in the message.
    step_size
        Step size given by the user, or ``None``.
    step_scale
        Scale of the default.
    dim
        Length of the position vector.

    Returns
    -------
    float
        The initial step size.

    Raises
    ------
    ParameterValueError
        If the result is not positive and finite.

    Examples
    --------
    >>> initial_step_size("NUTS", None, 0.25, 16)
    0.125
    """
    if step_size is None:
        step_size = step_scale / dim**0.25
    if not (math.isfinite(step_size) and step_size > 0.0):
        raise ParameterValueError(
            f"{name}: step_size is {step_size}, expected a positive finite value."
        )
    return float(step_size)


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
        # Log acceptance = initial energy - final energy = -logp0 + K0 - (-logp1 + K1).
        delta = end.logp - logp + metric.kinetic_energy(start.p, start.velocity)
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


class HamiltonianWarmup:
    """Step size and inverse mass matrix of a Hamiltonian sampler, with their adaptation.

    Parameters
    ----------
    metric
        The metric to adapt in place (its initial inverse mass is remembered for resets).
    step_size
        Initial step size.
    target_accept
        Target acceptance statistic of the dual averaging.
    adapt_step_size
        Adapt the step size during warm-up.
    adapt_mass_matrix
        Adapt the inverse mass matrix during warm-up (dense if the metric is dense).

    Attributes
    ----------
    metric
        The metric being adapted.
    step_size
        Step size for the next transition.
    step_size_bar
        Averaged step size (equal to ``step_size`` outside warm-up).
    adaptation
        Current adaptation state, ``None`` outside warm-up.

    Examples
    --------
    >>> from ppl.step_methods.hmc.metrics import make_metric
    >>> warmup = HamiltonianWarmup(make_metric(2), step_size=0.5, target_accept=0.8)
    >>> warmup.start(100)
    >>> warmup.update(np.zeros(2), 0.1)
    >>> warmup.step_size < 0.5 * 10
    True
    """

    def __init__(
        self,
        metric: Metric,
        *,
        step_size: float,
        target_accept: float,
        adapt_step_size: bool = True,
        adapt_mass_matrix: bool = True,
    ) -> None:
        self.metric = metric
        self.target_accept = target_accept
        self.adapt_step_size = adapt_step_size
        self.adapt_mass_matrix = adapt_mass_matrix
        self._initial_step_size = step_size
        self._initial_inv_mass = metric.inv_mass.copy()
        self.step_size = step_size
        self.step_size_bar = step_size
        self.adaptation: WindowAdaptationState | None = None
        self._schedule = build_warmup_schedule(0)
        self._search_pending = False

    def start(self, n_tune: int | None) -> None:
        """Begin warm-up from the current step size and metric.

        Parameters
        ----------
        n_tune
            Number of warm-up iterations; ``None`` or a number below 20 adapts the step size
            only.
        """
        adapt_mass = self.adapt_mass_matrix and n_tune is not None
        self._schedule = build_warmup_schedule(n_tune if adapt_mass else 0)
        dense = np.ndim(self.metric.inv_mass) == 2
        self.adaptation = window_adaptation_init(self.step_size, dim=self.metric.dim, dense=dense)
        self._search_pending = self.adapt_step_size

    @property
    def schedule(self) -> WarmupSchedule:
        """Layout of the current (or last) warm-up."""
        return self._schedule

    def prepare(
        self,
        rng: np.random.Generator,
        q: np.ndarray,
        logp: float,
        dlogp: np.ndarray,
        logp_dlogp_fn: LogpDlogpFn,
    ) -> float:
        """Return the step size for a transition from ``q``, searching for one if due.

        A search (:func:`find_reasonable_step_size`) runs at the first warm-up iteration and
        after every change of the metric, and restarts the dual averaging from its result.

        Parameters
        ----------
        rng
            Random generator for the search.
        q, logp, dlogp
            Current position with its log-density and gradient.
        logp_dlogp_fn
            Log-density and gradient.

        Returns
        -------
        float
            Step size to use.
        """
        if self._search_pending and self.adaptation is not None:
            self._search_pending = False
            step_size = find_reasonable_step_size(
                rng,
                q,
                logp,
                dlogp,
                logp_dlogp_fn=logp_dlogp_fn,
                metric=self.metric,
                step_size=self.step_size,
            )
            dual_averaging = dual_averaging_init(step_size)
            self.adaptation = self.adaptation._replace(dual_averaging=dual_averaging)
            self.step_size = self.step_size_bar = step_size
        return self.step_size

    def update(self, q: np.ndarray, acceptance_rate: float) -> None:
        """Report a warm-up transition that ended at ``q``.

        Parameters
        ----------
        q
            Position after the transition.
        acceptance_rate
            Its acceptance statistic.
        """
        if self.adaptation is None:
            return
        self.adaptation, inv_mass = window_adaptation_update(
            self.adaptation,
            q,
            acceptance_rate,
            schedule=self._schedule,
            target_accept=self.target_accept,
            adapt_step_size=self.adapt_step_size,
        )
        dual_averaging = self.adaptation.dual_averaging
        self.step_size = math.exp(dual_averaging.log_step_size)
        self.step_size_bar = math.exp(dual_averaging.log_step_size_bar)
        if inv_mass is not None:
            self.metric.update(inv_mass)
            self._search_pending = self.adapt_step_size

    def stop(self) -> None:
        """End warm-up: fix the step size at its averaged value."""
        if self.adaptation is not None and self.adapt_step_size:
            self.step_size = self.step_size_bar = dual_averaging_final(
                self.adaptation.dual_averaging
            )
        self.adaptation = None
        self._search_pending = False

    def reset(self) -> None:
        """Return to the step size and inverse mass matrix given at construction."""
        self.metric.update(self._initial_inv_mass)
        self.step_size = self.step_size_bar = self._initial_step_size
        self.adaptation = None
        self._search_pending = False
