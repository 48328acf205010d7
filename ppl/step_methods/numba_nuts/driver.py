"""Python driver of the compiled NUTS kernel: checks, buffers, chunked calls, progress, Ctrl-C."""

import functools
import inspect
import math
from collections.abc import Callable
from typing import NamedTuple

import numpy as np
from numba import njit
from numba.core.registry import CPUDispatcher

from ppl.exceptions import ParameterValueError, SamplingError, ShapeError
from ppl.step_methods.hmc.adaptation import build_warmup_schedule
from ppl.step_methods.numba_nuts.build import chunk_kernel
from ppl.step_methods.numba_nuts.kernel import (
    ADAPT_GRADIENT,
    ADAPT_HYBRID,
    ADAPT_STAN,
    FLOAT_STATS,
    INT_STATS,
    LOGP_DLOGP_SIGNATURE,
    SCALAR_FIELDS,
    WELFORD_ROWS,
)

__all__ = ["NumbaNUTSResult", "sample_nuts_numba"]

_STAT_DTYPES = {"diverging": bool, "reached_max_treedepth": bool}


def _row_stats(floats: np.ndarray, ints: np.ndarray) -> dict:
    """One iteration's statistics as a dict of numbers."""
    stats = {name: float(floats[j]) for j, name in enumerate(FLOAT_STATS)}
    stats.update({name: _STAT_DTYPES.get(name, int)(ints[j]) for j, name in enumerate(INT_STATS)})
    return stats


class NumbaNUTSResult(NamedTuple):
    """Output of :func:`sample_nuts_numba`.

    Attributes
    ----------
    draws
        Posterior draws, shape ``(n, dim)`` with ``n <= draws`` (fewer if interrupted).
    stats
        Per-draw statistics (``acceptance_rate``, ``energy``, ``energy_error``,
        ``max_energy_error``, ``step_size``, ``step_size_bar``, ``lp``, ``tree_depth``,
        ``n_steps``, ``diverging``, ``reached_max_treedepth``), each of length ``n``.
    tune_draws
        Warm-up draws, shape ``(n_tune_done, dim)``.
    tune_stats
        Statistics of the warm-up draws.
    step_size
        Step size used after warm-up.
    inv_mass
        Diagonal inverse mass matrix used after warm-up.
    n_grad_evals
        Gradient evaluations in all (warm-up, step-size searches and draws).
    interrupted
        Whether a ``KeyboardInterrupt`` stopped the run early.

    Examples
    --------
    >>> "inv_mass" in NumbaNUTSResult._fields
    True
    """

    draws: np.ndarray
    stats: dict[str, np.ndarray]
    tune_draws: np.ndarray
    tune_stats: dict[str, np.ndarray]
    step_size: float
    inv_mass: np.ndarray
    n_grad_evals: int
    interrupted: bool


#: ``adaptation=`` names of the metric adaptations.
ADAPTATIONS = {
    "stan": ADAPT_STAN,
    "gradient": ADAPT_GRADIENT,
    "hybrid": ADAPT_HYBRID,
}
DEFAULT_ADAPTATION = "hybrid"
HYBRID_SWITCH = 10
HYBRID_MIN_WINDOW = 50


def running_schedule(
    n_tune: int,
    *,
    early_fraction: float = 0.3,
    final_fraction: float = 0.15,
    early_switch: int = 10,
    switch: int = 80,
) -> tuple[int, int, np.ndarray]:
    """Lay out the running-estimate warm-up: ``(slow_start, adapt_stop, switches)``.

    The metric adapts from the first iteration until ``adapt_stop``; the last
    ``final_fraction`` of the warm-up adapts the step size alone. The background estimate
    becomes the foreground every ``early_switch`` iterations during the first
    ``early_fraction`` of the warm-up, then every ``switch`` iterations.

    Examples
    --------
    >>> start, stop, switches = running_schedule(1000)
    >>> start, stop, switches[:3].tolist(), switches[-2:].tolist()
    (0, 850, [10, 20, 30], [700, 780])
    >>> running_schedule(10)[1]
    0
    """
    if n_tune < 20:
        return 0, 0, np.zeros(0, dtype=np.int64)
    adapt_stop = n_tune - int(final_fraction * n_tune)
    early_end = max(int(early_fraction * n_tune), early_switch)
    switches = list(range(early_switch, min(early_end, adapt_stop) + 1, early_switch))
    switches += list(range(switches[-1] + switch, adapt_stop, switch))
    return 0, adapt_stop, np.asarray(switches, dtype=np.int64)


def warmup_layout(adaptation: str | None, n_tune: int) -> tuple[int, int, int, np.ndarray]:
    """The kernel's warm-up arguments ``(adapt_mode, slow_start, adapt_stop, window_ends)``.

    ``window_ends`` holds Stan's window ends, preceded for ``"hybrid"`` by the switches of
    the running estimates in the first window, or for ``"gradient"`` only those switches.

    Raises
    ------
    ParameterValueError
        If ``adaptation`` is not a key of :data:`ADAPTATIONS` (or None: the default).

    Examples
    --------
    >>> mode, start, stop, ends = warmup_layout("hybrid", 1000)
    >>> mode == ADAPT_HYBRID, start, stop, ends.tolist()
    (True, 75, 950, [10, 20, 30, 40, 50, 60, 70, 100, 150, 250, 450, 950])
    >>> warmup_layout("hybrid", 100)[0] == ADAPT_STAN  # first window of 15: Stan's
    True
    """
    adaptation = DEFAULT_ADAPTATION if adaptation is None else adaptation
    if adaptation not in ADAPTATIONS:
        raise ParameterValueError(
            f"adaptation is {adaptation!r}, expected one of {sorted(ADAPTATIONS)}."
        )
    adapt_mode = ADAPTATIONS[adaptation]
    if adapt_mode == ADAPT_GRADIENT:
        return (adapt_mode, *running_schedule(n_tune))
    schedule = build_warmup_schedule(n_tune)
    window_ends = np.asarray(schedule.slow_window_ends, dtype=np.int64)
    adapt_stop = int(window_ends[-1]) if window_ends.size else 0
    if adapt_mode == ADAPT_HYBRID and schedule.slow_start < HYBRID_MIN_WINDOW:
        # A short warm-up has a short first window (15% of it): estimates from a handful of
        # draws far from the typical set trapped mixture chains in minor modes (4 of 60 chains
        # with 100 warm-up iterations, none with Stan's windows).
        adapt_mode = ADAPT_STAN
    if adapt_mode == ADAPT_HYBRID:
        early = np.arange(HYBRID_SWITCH, schedule.slow_start, HYBRID_SWITCH, dtype=np.int64)
        window_ends = np.concatenate([early, window_ends])
    return adapt_mode, schedule.slow_start, adapt_stop, window_ends


def _as_logp_function(logp_dlogp):
    """The three-argument ``logp_dlogp(x, grad_out, data)`` the kernel calls: the function
    itself, or for a two-argument ``logp_dlogp(x, grad_out)`` a compiled adapter."""
    if not isinstance(logp_dlogp, CPUDispatcher):
        raise TypeError(
            "sample_nuts_numba: expected logp_dlogp to be a numba.njit function "
            f"logp_dlogp(x, grad_out) -> logp, got {type(logp_dlogp).__name__}."
        )
    n_args = len(inspect.signature(logp_dlogp.py_func).parameters)
    if n_args == 2:
        return _with_data_argument(logp_dlogp)
    if n_args != 3:
        raise TypeError(
            "sample_nuts_numba: logp_dlogp must take (x, grad_out) or (x, grad_out, data), "
            f"not {n_args} arguments."
        )
    # Make sure the signature the kernel calls through exists (a no-op when already compiled).
    if LOGP_DLOGP_SIGNATURE.args not in [tuple(sig) for sig in logp_dlogp.signatures]:
        logp_dlogp.compile(LOGP_DLOGP_SIGNATURE.args)
    return logp_dlogp


@functools.lru_cache(maxsize=32)
def _with_data_argument(logp_dlogp):
    def adapted(x, grad_out, data):
        return logp_dlogp(x, grad_out)

    return njit(LOGP_DLOGP_SIGNATURE, error_model="numpy")(adapted)


def sample_nuts_numba(
    logp_dlogp,
    x0,
    *,
    draws: int = 1000,
    tune: int = 1000,
    rng: np.random.Generator,
    target_accept: float = 0.8,
    max_treedepth: int = 10,
    max_energy_error: float = 1000.0,
    step_size: float | None = None,
    inv_mass: np.ndarray | None = None,
    progress_every: int = 100,
    callback: Callable[[int, int, int], None] | None = None,
    draw_callback: Callable[[int, np.ndarray, dict, bool], None] | None = None,
    data: int = 0,
    adaptation: str | None = None,
) -> NumbaNUTSResult:
    """Run NUTS with its warm-up entirely in compiled code.

    Parameters
    ----------
    logp_dlogp
        A ``numba.njit`` function ``logp_dlogp(x, grad_out) -> logp`` on a flat float64 vector
        that writes the gradient into ``grad_out``, or ``logp_dlogp(x, grad_out, data)``
        called with the ``data`` argument (e.g. a
        :class:`ppl.compiled.numba_fn.NumbaLogp`'s ``function`` and ``address``).
    x0
        Starting point, 1-D.
    draws, tune
        Number of kept draws and of warm-up iterations.
    rng
        Random generator; its state advances.
    target_accept
        Target acceptance statistic of the step-size adaptation.
    max_treedepth
        Maximum number of trajectory doublings.
    max_energy_error
        Energy error beyond which a transition is divergent.
    step_size
        Initial step size (default ``0.25 / dim ** 0.25``).
    inv_mass
        Initial diagonal inverse mass matrix (default: ``1 / |grad(x0)|``, clipped to
        1e-4..1e4, when tuning; ones otherwise).
    progress_every
        Iterations per compiled call; ``callback`` runs between calls.
    callback
        ``callback(n_done, n_total, n_divergent)`` called after every chunk
        (``n_divergent``: divergent transitions after warm-up so far).
    draw_callback
        ``draw_callback(i, q, stats, tuning)`` after every iteration (``stats`` a dict of
        numbers); the kernel then runs one iteration per call. A ``KeyboardInterrupt`` it raises
        ends the run, keeping every finished iteration.
    data
        Integer handed unchanged to every call of a three-argument ``logp_dlogp``.
    adaptation
        How the warm-up adapts the diagonal metric (default ``"hybrid"``):

        - ``"stan"``: Stan's windows (75 iterations with the initial metric, slow windows of
          25, 50, 100... iterations whose draws' regularised variances become the metric,
          50 final iterations for the step size alone);
        - ``"hybrid"``: the same windows, but during the first 75 iterations the metric
          follows running estimates of ``sqrt(var(x) / var(grad))`` updated every iteration,
          so a badly scaled start does not cost 75 long trajectories (with fewer than 150
          warm-up iterations, whose first window is shorter than 50, it is ``"stan"``);
        - ``"gradient"``: those running estimates throughout (replaced by fresher ones every
          10 iterations in the first 30% of the warm-up, every 80 later), the last 15% for
          the step size alone: exact for independent Gaussian coordinates, but less
          efficient than the variances on some hierarchical posteriors.

    Returns
    -------
    NumbaNUTSResult
        Draws, statistics and the adapted parameters. A ``KeyboardInterrupt`` between or during
        chunks ends the run early and keeps every finished iteration (``interrupted=True``).

    Raises
    ------
    TypeError
        If ``logp_dlogp`` is not a Numba function.
    ShapeError
        If ``x0`` is not a non-empty 1-D vector or ``inv_mass`` has the wrong shape.
    ParameterValueError
        If an option is out of range.
    SamplingError
        If the log-density or its gradient is not finite at ``x0``.

    Examples
    --------
    >>> import numba
    >>> @numba.njit
    ... def logp_dlogp(x, grad_out):
    ...     grad_out[:] = -x
    ...     return -0.5 * (x @ x)
    >>> res = sample_nuts_numba(logp_dlogp, np.zeros(2), draws=50, tune=50,
    ...     rng=np.random.default_rng(0))  # doctest: +SKIP
    """
    if hasattr(logp_dlogp, "function") and hasattr(logp_dlogp, "address"):  # a NumbaLogp
        logp_dlogp.refresh()
        logp_dlogp, data = logp_dlogp.function, logp_dlogp.address
    fn = _as_logp_function(logp_dlogp)
    q = np.array(x0, dtype=np.float64, copy=True).ravel() if np.ndim(x0) == 0 else np.array(
        x0, dtype=np.float64, copy=True
    )
    if q.ndim != 1 or q.size == 0:
        raise ShapeError(f"sample_nuts_numba: x0 has shape {q.shape}, expected a non-empty 1-D vector.")
    dim = q.size
    draws, tune, max_treedepth = int(draws), int(tune), int(max_treedepth)
    if draws < 0 or tune < 0:
        raise ParameterValueError(
            f"sample_nuts_numba: draws={draws}, tune={tune}, expected non-negative integers."
        )
    if not 0.0 < target_accept < 1.0:
        raise ParameterValueError(
            f"sample_nuts_numba: target_accept is {target_accept}, expected 0 < target_accept < 1."
        )
    if max_treedepth < 1:
        raise ParameterValueError(
            f"sample_nuts_numba: max_treedepth is {max_treedepth}, expected a positive integer."
        )
    if not max_energy_error > 0.0:
        raise ParameterValueError(
            f"sample_nuts_numba: max_energy_error is {max_energy_error}, expected > 0."
        )
    if int(progress_every) < 1:
        raise ParameterValueError(
            f"sample_nuts_numba: progress_every is {progress_every}, expected a positive integer."
        )
    if step_size is None:
        step_size = 0.25 / dim**0.25
    if not (math.isfinite(step_size) and step_size > 0.0):
        raise ParameterValueError(
            f"sample_nuts_numba: step_size is {step_size}, expected a positive finite value."
        )
    inv = np.ones(dim) if inv_mass is None else np.array(inv_mass, dtype=np.float64, copy=True)
    if inv.shape != (dim,):
        raise ShapeError(f"sample_nuts_numba: inv_mass has shape {inv.shape}, expected ({dim},).")
    if not (np.isfinite(inv).all() and (inv > 0).all()):
        raise ParameterValueError("sample_nuts_numba: inv_mass must be positive and finite.")

    grad = np.empty(dim)
    data = int(data)
    logp = float(fn(q, grad, data))
    if not (math.isfinite(logp) and np.isfinite(grad).all()):
        raise SamplingError(
            f"sample_nuts_numba: logp is {logp} (gradient finite: {bool(np.isfinite(grad).all())}) "
            f"at x0 = {np.array2string(q, threshold=8)}, expected a finite log-density and gradient."
        )
    if inv_mass is None and tune > 0:
        # Start from the scales the gradient suggests, 1 / |grad| per coordinate (for a Gaussian
        # at distance ~1 sd from its mean: the variance), kept within 1e-4..1e4 of the unit
        # metric; the first adaptation window replaces it. A badly scaled posterior otherwise
        # spends its first window at the maximum tree depth.
        inv = np.clip(1.0 / np.maximum(np.abs(grad), 1e-300), 1e-4, 1e4)

    try:
        adapt_mode, slow_start, adapt_stop, window_ends = warmup_layout(adaptation, tune)
    except ParameterValueError as err:
        raise ParameterValueError(f"sample_nuts_numba: {err}") from None
    scal = np.zeros(len(SCALAR_FIELDS))
    index = {name: i for i, name in enumerate(SCALAR_FIELDS)}
    scal[index["logp"]] = logp
    log_eps = math.log(step_size)
    scal[index["log_step_size"]] = scal[index["log_step_size_bar"]] = log_eps
    scal[index["mu"]] = math.log(10.0) + log_eps
    scal[index["search_pending"]] = 1.0 if tune > 0 else 0.0
    scal[index["n_grad_evals"]] = 1.0

    total = tune + draws
    out = np.empty((total, dim))
    stats_f = np.empty((total, len(FLOAT_STATS)))
    stats_i = np.empty((total, len(INT_STATS)), dtype=np.int64)
    welford = np.zeros((WELFORD_ROWS, dim))
    kernel = chunk_kernel()
    chunk = 1 if draw_callback is not None else int(progress_every)
    interrupted = False
    start = 0
    try:
        while start < total:
            stop = min(start + chunk, total)
            kernel(
                fn, data, rng, start, stop, tune, adapt_mode, slow_start, adapt_stop, window_ends,
                float(target_accept), max_treedepth, float(max_energy_error), q, grad, inv,
                welford, scal, out, stats_f, stats_i,
            )
            if draw_callback is not None:
                draw_callback(start, out[start], _row_stats(stats_f[start], stats_i[start]), start < tune)
            start = stop
            if callback is not None:
                callback(stop, total, int(stats_i[tune:stop, 2].sum()) if stop > tune else 0)
    except KeyboardInterrupt:
        interrupted = True
    n_done = int(scal[index["n_done"]])

    def stats_of(lo, hi):
        stats = {name: stats_f[lo:hi, j].copy() for j, name in enumerate(FLOAT_STATS)}
        for j, name in enumerate(INT_STATS):
            stats[name] = stats_i[lo:hi, j].astype(_STAT_DTYPES.get(name, np.int64))
        return stats

    n_tune_done = min(n_done, tune)
    return NumbaNUTSResult(
        draws=out[tune:n_done].copy() if n_done > tune else np.empty((0, dim)),
        stats=stats_of(tune, max(n_done, tune)),
        tune_draws=out[:n_tune_done].copy(),
        tune_stats=stats_of(0, n_tune_done),
        step_size=math.exp(scal[index["log_step_size_bar"]]),
        inv_mass=inv,
        n_grad_evals=int(scal[index["n_grad_evals"]]),
        interrupted=interrupted,
    )
