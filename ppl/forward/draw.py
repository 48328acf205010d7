"""``ppl.draw``: forward draws of any PyTensor variables built from random variables."""

from collections.abc import Sequence

import numpy as np
import pytensor
from pytensor.graph.basic import Variable
from pytensor.graph.traversal import ancestors, applys_between
from pytensor.tensor.random.type import RandomGeneratorType

from ppl.compiled.modes import resolve_mode
from ppl.distributions.symbolic import inline_symbolic_rvs

__all__ = ["draw", "seeded_rng_updates"]


def seeded_rng_updates(outputs: Sequence[Variable], random_seed=None) -> dict:
    """Seed every shared RNG in the graphs of ``outputs`` and return their update pairs.

    Each RNG gets its own stream spawned from one ``SeedSequence(random_seed)``, so the same
    seed gives the same draws.
    """
    rngs = [
        v
        for v in ancestors(list(outputs))
        if isinstance(v.type, RandomGeneratorType) and v.owner is None and hasattr(v, "get_value")
    ]
    seeds = _seed_sequence(random_seed).spawn(len(rngs))
    for rng, seed in zip(rngs, seeds, strict=True):
        rng.set_value(np.random.default_rng(seed), borrow=True)
    # One pass over the graph: the first node consuming a shared RNG gives its next state.
    shared = set(rngs)
    updates = {}
    for node in applys_between(rngs, list(outputs)):
        rng = node.inputs[0] if node.inputs else None
        if rng in shared and rng not in updates:
            updates[rng] = node.outputs[0]
    return updates


def _seed_sequence(random_seed) -> np.random.SeedSequence:
    """``random_seed`` (None, int, sequence of ints, SeedSequence or Generator) as a SeedSequence."""
    if isinstance(random_seed, np.random.SeedSequence):
        return random_seed
    if isinstance(random_seed, np.random.Generator):
        # Draw the entropy from the user's generator, so that it advances as with any draw.
        return np.random.SeedSequence(random_seed.integers(2**63, size=4).tolist())
    return np.random.SeedSequence(random_seed)


def draw(vars, draws: int = 1, random_seed=None, *, mode=None):
    """Draw samples of one variable or a list of variables, outside any inference.

    Parameters
    ----------
    vars
        A variable (e.g. ``ppl.Normal.dist(0, 1, size=3)``) or a list of variables.
    draws
        Number of draws; with ``draws > 1`` a leading axis of that length is added.
    random_seed
        Seed for reproducible draws.

    Returns
    -------
    ndarray or list of ndarray

    Examples
    --------
    >>> import ppl
    >>> ppl.draw(ppl.Normal.dist(0, 1, size=3), draws=10, random_seed=1).shape
    (10, 3)
    """
    single = isinstance(vars, Variable)
    outputs = inline_symbolic_rvs([vars] if single else list(vars))
    updates = seeded_rng_updates(outputs, random_seed)
    fn = pytensor.function([], outputs, updates=updates, mode=resolve_mode(mode))
    if draws == 1:
        values = fn()
    else:
        samples = [fn() for _ in range(draws)]
        values = [np.stack([s[i] for s in samples]) for i in range(len(outputs))]
    return values[0] if single else values
