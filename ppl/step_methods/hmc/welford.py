"""Streaming (Welford) estimates of the mean and (co)variance, with Stan's regularisation.

Used by the windowed mass-matrix adaptation in :mod:`ppl.step_methods.hmc.adaptation`.
"""

from typing import NamedTuple

import numpy as np

from ppl.exceptions import ParameterValueError

__all__ = ["WelfordState", "welford_covariance", "welford_init", "welford_update"]


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
