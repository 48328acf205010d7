"""CompoundStep: one step per block of coordinates, each block conditioned on the others."""

from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

import numpy as np

from ppl.step_methods.step import ArrayStepMethod

__all__ = ["Block", "CompoundStep"]


class Block(NamedTuple):
    """A block of coordinates moved by one step method.

    Attributes
    ----------
    indices
        Positions of the block's coordinates in the full flat vector.
    step
        The array step method that moves them.
    condition
        Called with the full vector before the block steps, so the block's log-density sees the
        other blocks' current values (None when the block has no other variables to see).

    Examples
    --------
    >>> from ppl.step_methods.metropolis import Metropolis
    >>> block = Block(np.array([0, 1]), Metropolis(lambda q: -0.5 * float(q @ q), 2))
    >>> block.indices.tolist(), block.condition is None
    ([0, 1], True)
    """

    indices: np.ndarray
    step: ArrayStepMethod
    condition: Callable[[np.ndarray], None] | None = None


class CompoundStep(ArrayStepMethod):
    """Run every block's step once per iteration, in order, on one flat vector.

    Statistics keep their names; a name that several blocks report is suffixed with the block's
    position (``accept_1``) from the second block on.

    Examples
    --------
    >>> from ppl.step_methods.metropolis import Metropolis
    >>> blocks = [Block(np.array([0]), Metropolis(lambda q: -0.5 * float(q @ q), 1)),
    ...           Block(np.array([1]), Metropolis(lambda q: -0.5 * float(q @ q), 1))]
    >>> step = CompoundStep(blocks)
    >>> sorted(step.stats_dtypes)
    ['accept', 'accept_1', 'accepted', 'accepted_1', 'scaling', 'scaling_1']
    """

    def __init__(self, blocks: Sequence[Block]):
        items = list(blocks)
        if not all(isinstance(b, Block) for b in items):
            # PyMC's ``pm.CompoundStep([pm.NUTS([a]), pm.Metropolis([k])])``: model-level step
            # methods, for ``ppl.sample(step=...)``, which unpacks them.
            self.methods, self.blocks, self._renames, self.stats_dtypes = items, [], [], {}
            return
        self.blocks = items
        self.methods = [b.step for b in items]  # PyMC's name
        merged: dict[str, np.dtype] = {}
        self._renames: list[dict[str, str]] = []
        for i, block in enumerate(self.blocks):
            renames = {}
            for name, dtype in block.step.stats_dtypes.items():
                stored = name if name not in merged else f"{name}_{i}"
                renames[name] = stored
                merged[stored] = dtype
            self._renames.append(renames)
        self.stats_dtypes = merged

    def step(self, q: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, dict[str, Any]]:
        if not self.blocks and self.methods:
            raise TypeError(
                "CompoundStep of model-level step methods: pass it to ppl.sample(step=...), "
                "which assigns each its variables."
            )
        q = q.copy()
        stats: dict[str, Any] = {}
        for block, renames in zip(self.blocks, self._renames, strict=True):
            if block.condition is not None:
                block.condition(q)
            new, block_stats = block.step.step(q[block.indices], rng)
            q[block.indices] = new
            for name, value in block_stats.items():
                stats[renames[name]] = value
        return q, stats

    def _on_start_tune(self, n_tune: int | None) -> None:
        for block in self.blocks:
            block.step.start_tune(n_tune)

    def _on_stop_tune(self) -> None:
        for block in self.blocks:
            block.step.stop_tune()

    def reset_tuning(self) -> None:
        super().reset_tuning()
        for block in self.blocks:
            block.step.reset_tuning()
