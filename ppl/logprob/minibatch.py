"""The row indices of ``ppl.Minibatch``: a shared integer vector that fitting code redraws.

A minibatch is ``data[rows]`` with ``rows`` a shared variable. ADVI draws new ``rows`` with
NumPy before every step (:func:`minibatch_rows` finds them in its loss graph): cheaper than a
random variable inside the compiled step, whose generator PyTensor copies at every call. Other
compiled functions see the current batch. ``ppl.sample`` refuses models with minibatches (MCMC
needs a fixed log-density).
"""

from collections.abc import Sequence

import numpy as np
import pytensor
from pytensor.compile.sharedvalue import SharedVariable
from pytensor.graph.basic import Variable
from pytensor.graph.traversal import ancestors

from ppl.compiled.modes import QUICK_MODE

__all__ = ["MinibatchRows", "minibatch_rows", "uses_minibatch"]


class MinibatchRows:
    """Draws the row indices of one minibatch (kept on the shared vector's ``tag``).

    Parameters
    ----------
    rows
        The shared int64 vector of ``batch_size`` row indices.
    n
        The number of rows to draw from (symbolic: a data container may change length).
    random_seed
        Seed of the draws.
    """

    def __init__(self, rows: SharedVariable, n: Variable, random_seed=None):
        self.rows = rows
        self._n = pytensor.function([], n, mode=QUICK_MODE)
        self._rng = np.random.default_rng(random_seed)
        self.refresh()

    def refresh(self) -> None:
        """Read the current number of rows (after ``ppl.set_data``) and draw a batch."""
        self.n = int(self._n())
        if self.n < 1:
            raise ValueError("Minibatch: the data has no rows.")
        self.advance()

    def advance(self) -> None:
        """Draw a new batch (with replacement)."""
        batch = self._rng.integers(0, self.n, size=self.rows.get_value(borrow=True).shape[0])
        self.rows.set_value(batch, borrow=True)


def make_rows(n: Variable, batch_size: int, random_seed=None) -> SharedVariable:
    """A shared vector of ``batch_size`` row indices in ``[0, n)``, with its :class:`MinibatchRows`."""
    rows = pytensor.shared(np.zeros(int(batch_size), dtype=np.int64), name="minibatch_rows")
    rows.tag.ppl_minibatch = MinibatchRows(rows, n, random_seed)
    return rows


def minibatch_rows(graphs: Sequence[Variable]) -> list[MinibatchRows]:
    """The minibatches ``graphs`` depend on."""
    return [
        v.tag.ppl_minibatch
        for v in ancestors(list(graphs))
        if isinstance(v, SharedVariable) and getattr(v.tag, "ppl_minibatch", None) is not None
    ]


def uses_minibatch(graphs: Sequence[Variable]) -> bool:
    """Whether any of ``graphs`` depends on a minibatch."""
    return bool(minibatch_rows(graphs))
