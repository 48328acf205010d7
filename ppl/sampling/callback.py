"""``ppl.sample(callback=...)``: PyMC's per-draw callback, ``callback(trace=..., draw=...)``."""

from collections import namedtuple
from collections.abc import Callable

import numpy as np

__all__ = ["Draw", "CallbackTrace", "ChainCallback"]

#: What the callback gets as ``draw``, with PyMC's fields: ``draw_idx`` counts the warm-up too,
#: ``stats`` is a list with one dict of sampler statistics, ``point`` maps the value variables'
#: names (``sigma_log__``) to their values.
Draw = namedtuple("Draw", ["chain", "is_last", "draw_idx", "tuning", "stats", "point"])


class CallbackTrace:
    """The iterations of one chain so far (warm-up included), as the callback's ``trace``.

    ``len(trace)`` counts them; ``trace["name"]`` stacks a value variable's values, shape
    ``(len(trace), *shape)``.

    Examples
    --------
    >>> from ppl.sampling.assign import VarLayout
    >>> trace = CallbackTrace(0, VarLayout({"a": 0.0, "b": np.zeros(2)}, ["a", "b"]), total=5)
    >>> trace.append(np.array([1.0, 2.0, 3.0]))
    >>> len(trace), trace["b"].tolist(), trace.varnames
    (1, [[2.0, 3.0]], ['a', 'b'])
    """

    def __init__(self, chain: int, layout, total: int):
        self.chain = chain
        self._layout = layout
        self._rows = np.empty((total, layout.size))  # every iteration's q, filled in order
        self._n = 0

    @property
    def varnames(self) -> list[str]:
        return list(self._layout.names)

    def append(self, q: np.ndarray) -> None:
        self._rows[self._n] = q
        self._n += 1

    def __len__(self) -> int:
        return self._n

    def __getitem__(self, name: str) -> np.ndarray:
        if name not in self._layout.slices:
            raise KeyError(f"callback trace: no variable {name!r}; it has {self.varnames}.")
        rows = self._rows[: self._n, self._layout.slices[name]]
        return rows.reshape(self._n, *self._layout.shapes[name]).astype(self._layout.dtypes[name])


class ChainCallback:
    """Turns a chain's ``(iteration, q, stats, tuning)`` into the user's
    ``callback(trace=..., draw=...)``; a ``KeyboardInterrupt`` it raises stops the chain, which
    keeps its draws."""

    def __init__(self, callback: Callable, chain: int, layout, total: int):
        self.callback = callback
        self.chain = chain
        self.layout = layout
        self.total = total
        self.trace = CallbackTrace(chain, layout, total)

    def __call__(self, i: int, q: np.ndarray, stats: dict, tuning: bool) -> None:
        self.trace.append(q)
        point = self.layout.to_point(np.asarray(q, dtype=np.float64))
        draw = Draw(self.chain, i == self.total - 1, i, bool(tuning), [dict(stats)], point)
        self.callback(trace=self.trace, draw=draw)
