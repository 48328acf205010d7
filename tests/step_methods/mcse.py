"""Monte Carlo standard errors for the statistical tests of the step methods.

The effective sample size uses Geyer's initial monotone sequence estimator on the FFT
autocorrelation of one chain; tolerances in the tests are multiples of the MCSE it implies.
"""

import numpy as np

__all__ = [
    "assert_close_mcse",
    "assert_gaussian_moments",
    "assert_iid_mean",
    "ess",
    "mcse_mean",
]


def ess(x: np.ndarray) -> float:
    """Effective sample size of a 1-D chain (Geyer's initial monotone sequence).

    Capped at ``n * log10(n)`` (chains can be antithetic) and at least 1.
    """
    x = np.asarray(x, dtype=np.float64)
    n = x.size
    centred = x - x.mean()
    variance = centred.dot(centred) / n
    if n < 4 or variance == 0.0:
        return float(n)
    spectrum = np.fft.rfft(centred, 2 * n)
    autocov = np.fft.irfft(spectrum * np.conj(spectrum))[:n] / n
    rho = autocov / variance
    n_pairs = n // 2
    pair_sums = rho[: 2 * n_pairs : 2] + rho[1 : 2 * n_pairs : 2]
    # Initial positive sequence, then made monotone non-increasing.
    negative = np.flatnonzero(pair_sums <= 0.0)
    pair_sums = pair_sums[: negative[0] if negative.size else n_pairs]
    pair_sums = np.minimum.accumulate(pair_sums)
    tau = -1.0 + 2.0 * pair_sums.sum()
    return float(min(max(n / tau, 1.0), n * np.log10(n))) if tau > 0 else float(n * np.log10(n))


def mcse_mean(x: np.ndarray) -> float:
    """Monte Carlo standard error of the mean of a 1-D chain."""
    x = np.asarray(x, dtype=np.float64)
    return float(x.std() / np.sqrt(ess(x)))


def assert_close_mcse(
    samples: np.ndarray, expected: float, *, n_mcse: float = 4.0, label: str = ""
) -> None:
    """Assert ``mean(samples)`` is within ``n_mcse`` Monte Carlo standard errors of ``expected``.

    ``samples`` is a 1-D chain of any function of the draws (e.g. ``x``, ``(x - mu) ** 2``).
    """
    estimate = float(np.mean(samples))
    tolerance = n_mcse * mcse_mean(samples)
    assert abs(estimate - expected) <= tolerance, (
        f"{label}: estimate {estimate:.5g}, expected {expected:.5g} +- {tolerance:.3g} "
        f"({n_mcse} MCSE, ESS {ess(samples):.0f})"
    )


def assert_gaussian_moments(
    draws: np.ndarray, mean: np.ndarray, cov: np.ndarray, *, n_mcse: float = 4.0
) -> None:
    """Check every mean and variance of ``draws`` (shape ``(n, dim)``) within ``n_mcse`` MCSE."""
    for i in range(draws.shape[1]):
        x = draws[:, i]
        assert_close_mcse(x, mean[i], n_mcse=n_mcse, label=f"mean[{i}]")
        assert_close_mcse((x - mean[i]) ** 2, cov[i, i], n_mcse=n_mcse, label=f"var[{i}]")


def assert_iid_mean(values: np.ndarray, expected: float, label: str, *, n_se: float = 4.0) -> None:
    """Mean of *independent* values within ``n_se`` standard errors of ``expected``."""
    values = np.asarray(values, dtype=np.float64)
    tolerance = n_se * values.std() / np.sqrt(values.size)
    assert abs(values.mean() - expected) <= tolerance, (
        f"{label}: estimate {values.mean():.5g}, expected {expected:.5g} +- {tolerance:.3g}"
    )
