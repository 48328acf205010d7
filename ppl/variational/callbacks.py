"""Callbacks for ``ppl.fit``: ``callback(approx, losses, i)``; raise ``StopIteration`` to stop."""

import numpy as np

__all__ = ["CheckParametersConvergence", "CheckELBOConvergence"]


class CheckParametersConvergence:
    """Stop when the approximation's parameters stop moving.

    Every ``every`` iterations the parameter vector is compared with its value at the previous
    check; the fit stops when the change (``ord``-norm of the difference, divided elementwise by
    the previous values when ``diff="relative"``) falls below ``tolerance``.

    Examples
    --------
    >>> import ppl
    >>> with ppl.Model():
    ...     x = ppl.Normal("x", 5, 1)
    ...     approx = ppl.fit(n=50_000, callbacks=[ppl.CheckParametersConvergence(tolerance=1e-2)],
    ...                      random_seed=1, progressbar=False)
    >>> len(approx.hist) < 50_000
    True
    """

    def __init__(self, every: int = 100, tolerance: float = 1e-3, diff: str = "relative", ord=np.inf):
        if diff not in ("relative", "absolute"):
            raise ValueError(f"CheckParametersConvergence: diff={diff!r}; use 'relative' or 'absolute'.")
        self.every, self.tolerance, self.diff, self.ord = int(every), float(tolerance), diff, ord
        self._previous = None

    def __call__(self, approx, losses, i) -> None:
        if i % self.every:
            return
        current = np.concatenate([np.ravel(p.get_value()) for p in approx.params])
        previous, self._previous = self._previous, current
        if previous is None:
            return
        delta = current - previous
        if self.diff == "relative":
            delta = delta / (np.abs(previous) + 1e-10)
        if np.linalg.norm(delta, self.ord) < self.tolerance:
            raise StopIteration


class CheckELBOConvergence:
    """Stop when the ELBO stops improving.

    Every ``every`` iterations the mean loss (negative ELBO estimate) of the last ``every``
    iterations is compared with the mean of the ``every`` before them. The fit stops when the
    improvement is below ``tolerance`` relative to the loss, or not larger than ``z`` standard
    errors of the difference of the two means (the Monte Carlo noise of the estimates): then
    more iterations of the same length would not detectably improve the fit.

    Parameters
    ----------
    every
        Window length in iterations.
    tolerance
        Relative improvement below which the fit stops.
    z
        Number of standard errors an improvement must exceed to count.

    Examples
    --------
    >>> import numpy as np, ppl
    >>> with ppl.Model():
    ...     mu = ppl.Normal("mu", 0, 10)
    ...     y = ppl.Normal("y", mu, 1, observed=np.array([0.8, 1.2, 1.0]))
    ...     approx = ppl.fit(n=100_000, callbacks=[ppl.CheckELBOConvergence(every=500)],
    ...                      random_seed=1, progressbar=False)
    >>> len(approx.hist) < 100_000
    True
    """

    def __init__(self, every: int = 1000, tolerance: float = 1e-5, z: float = 2.0):
        if int(every) < 2:
            raise ValueError(f"CheckELBOConvergence: every={every}; use at least 2 iterations.")
        self.every, self.tolerance, self.z = int(every), float(tolerance), float(z)

    def __call__(self, approx, losses, i) -> None:
        n = len(losses)
        if n < 2 * self.every or n % self.every:
            return
        last, before = losses[n - self.every :], losses[n - 2 * self.every : n - self.every]
        improvement = before.mean() - last.mean()
        stderr = np.sqrt((last.var() + before.var()) / self.every)
        if improvement <= max(self.tolerance * abs(last.mean()), self.z * stderr):
            raise StopIteration
