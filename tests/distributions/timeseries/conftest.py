"""Moment checks of forward draws of time series, with tolerances from the Monte Carlo error.

A draw with ``size=N`` holds ``N`` independent series, so at each time point the standard error
of the sample mean is ``sd / sqrt(N)``, that of the sample variance ``sqrt((m4 - var^2) / N)``
(``m4`` the fourth central moment) and that of a sample covariance ``sd(z) / sqrt(N)`` with
``z`` the product of the centred values. Every estimate must lie within ``N_SE`` standard errors
of the exact value: with a fixed seed the check is deterministic, and a wrong mean, variance or
correlation at any time point fails it.
"""

import numpy as np
import pytest

N_SE = 4.5


def _assert_within(estimate, exact, se, label: str) -> None:
    estimate, exact, se = (np.atleast_1d(np.asarray(a, dtype=float)) for a in (estimate, exact, se))
    exact = np.broadcast_to(exact, estimate.shape)
    bad = np.abs(estimate - exact) > N_SE * se
    if bad.any():
        i = int(np.argmax(bad))
        raise AssertionError(
            f"{label}: {int(bad.sum())} of {bad.size} time points off by more than {N_SE} "
            f"standard errors; e.g. t={i}: estimate {estimate[i]:.5g}, exact {exact[i]:.5g}, "
            f"standard error {se[i]:.3g}"
        )


def _series_moments(x, mean=None, var=None, lag1_cov=None, label: str = "") -> None:
    """Check, at every time point of ``x`` (``(N, T)`` independent series), the given moments."""
    n = x.shape[0]
    centred = x - x.mean(axis=0)
    if mean is not None:
        _assert_within(x.mean(axis=0), mean, x.std(axis=0, ddof=1) / np.sqrt(n), f"{label} mean")
    if var is not None:
        squares = centred**2
        _assert_within(
            x.var(axis=0, ddof=1), var, squares.std(axis=0, ddof=1) / np.sqrt(n), f"{label} var"
        )
    if lag1_cov is not None:
        products = centred[:, 1:] * centred[:, :-1]
        _assert_within(
            products.mean(axis=0) * n / (n - 1),
            lag1_cov,
            products.std(axis=0, ddof=1) / np.sqrt(n),
            f"{label} lag-1 covariance",
        )


@pytest.fixture
def series_moments():
    """``check(x, mean=..., var=..., lag1_cov=..., label=...)`` on ``(N, T)`` draws."""
    return _series_moments
