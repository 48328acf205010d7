"""Run one array step method for warm-up and draws, keeping every completed draw."""

import logging
from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np

from ppl.exceptions import ParameterValueError, ShapeError
from ppl.step_methods.step import ArrayStepMethod

__all__ = ["ArraySampleResult", "sample_array"]

_log = logging.getLogger(__name__)

DrawCallback = Callable[[int, np.ndarray, dict[str, Any], bool], None]


class ArraySampleResult(NamedTuple):
    """Draws and per-draw statistics of one chain.

    Attributes
    ----------
    draws
        Positions, shape ``(n, dim)``, in the order they were drawn.
    stats
        One array per name in the step method's ``stats_dtypes``, plus ``tune`` (bool: whether
        the row is a warm-up draw), each of length ``n``.
    interrupted
        Whether sampling stopped early on ``KeyboardInterrupt``.

    Examples
    --------
    >>> ArraySampleResult._fields
    ('draws', 'stats', 'interrupted')
    """

    draws: np.ndarray
    stats: dict[str, np.ndarray]
    interrupted: bool


def sample_array(
    step: ArrayStepMethod,
    q0: np.ndarray,
    *,
    draws: int,
    tune: int,
    rng: np.random.Generator,
    discard_tuned_samples: bool = True,
    callback: DrawCallback | None = None,
) -> ArraySampleResult:
    """Run ``tune`` warm-up iterations, then ``draws`` iterations, of ``step`` from ``q0``.

    Tuning is switched on before the first warm-up iteration (only when ``tune > 0``) and off
    at the switch to drawing. On ``KeyboardInterrupt`` every iteration completed so far is
    returned and ``interrupted`` is set; if that happens during warm-up the warm-up draws are
    returned even when ``discard_tuned_samples`` is set, since nothing else was drawn.

    Parameters
    ----------
    step
        The step method.
    q0
        Starting position, 1-D.
    draws
        Number of iterations after warm-up.
    tune
        Number of warm-up iterations.
    rng
        Random generator, passed to every step.
    discard_tuned_samples
        Leave the warm-up iterations out of the result.
    callback
        Called after every iteration as ``callback(iteration, q, stats, tuning)``.

    Returns
    -------
    ArraySampleResult
        Draws, statistics and the interrupted flag.

    Raises
    ------
    ShapeError
        If ``q0`` is not a 1-D vector.
    ParameterValueError
        If ``draws`` or ``tune`` is negative.

    Examples
    --------
    >>> from ppl.step_methods.metropolis import Metropolis
    >>> step = Metropolis(lambda q: -0.5 * float(q @ q), 2)
    >>> result = sample_array(step, np.zeros(2), draws=50, tune=20, rng=np.random.default_rng(0))
    >>> result.draws.shape, result.stats["accept"].shape, result.interrupted
    ((50, 2), (50,), False)
    """
    q = np.array(q0, dtype=np.float64)
    if q.ndim != 1:
        raise ShapeError(f"sample_array: q0 has shape {q.shape}, expected a 1-D vector.")
    if min(draws, tune) < 0:
        raise ParameterValueError(
            f"sample_array: draws is {draws} and tune is {tune}, expected non-negative counts."
        )
    total = draws + tune
    trace = np.empty((total, q.size))
    stats = {name: np.empty(total, dtype=dtype) for name, dtype in step.stats_dtypes.items()}
    stats["tune"] = np.arange(total) < tune
    completed = 0
    interrupted = False
    try:
        if tune > 0:
            step.start_tune(tune)
        for i in range(total):
            if i == tune:
                step.stop_tune()
            q, step_stats = step.step(q, rng)
            trace[i] = q
            for name, column in stats.items():
                if name != "tune":
                    column[i] = step_stats[name]
            completed = i + 1
            if callback is not None:
                callback(i, q, step_stats, i < tune)
        step.stop_tune()
    except KeyboardInterrupt:
        interrupted = True
        _log.warning("sample_array: interrupted after %d of %d iterations.", completed, total)
    keep_tune = not discard_tuned_samples or (interrupted and completed <= tune)
    start = 0 if keep_tune else tune
    stats = {name: column[start:completed] for name, column in stats.items()}
    return ArraySampleResult(trace[start:completed], stats, interrupted)
