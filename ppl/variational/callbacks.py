"""Callbacks for ``ppl.fit``: ``callback(approx, losses, i)``; raise ``StopIteration`` to stop."""

import numpy as np

__all__ = ["CheckParametersConvergence"]


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
