"""Assign step methods to the model's free variables, and turn them into one array step."""

import numpy as np

from ppl.exceptions import ModelError
from ppl.sampling.steps import NUTS, STEP_METHODS, BlockStep, variable_traits
from ppl.step_methods.compound import Block, CompoundStep
from ppl.step_methods.step import ArrayStepMethod

__all__ = ["assign_step_methods", "build_array_step", "VarLayout"]


def assign_step_methods(
    model, step=None, nuts_kwargs: dict | None = None, *, mode=None
) -> list[BlockStep]:
    """User-given steps, plus the most competent method for every variable they leave out.

    All continuous variables left over go to ONE NUTS; each discrete variable gets its own
    Gibbs/Metropolis step.
    """
    given = _unpack([] if step is None else step)
    for s in given:
        if not isinstance(s, BlockStep):
            raise ModelError(f"step must be ppl step methods (e.g. ppl.NUTS()), got {s!r}.")
    covered = {v for s in given for v in s.value_vars}
    dup = [v.name for s in given for v in s.value_vars if sum(v in t.value_vars for t in given) > 1]
    if dup:
        raise ModelError(f"Variables {sorted(set(dup))} are assigned to more than one step method.")
    left = [v for v in model.value_vars if v not in covered]
    continuous = [v for v in left if v.dtype.startswith("float")]
    steps = list(given)
    if continuous:
        steps.append(NUTS(continuous, model=model, mode=mode, **(nuts_kwargs or {})))
    for v in left:
        if v.dtype.startswith("float"):
            continue
        traits = variable_traits(model, v)
        best = max(STEP_METHODS, key=lambda cls: cls.competence(traits))
        steps.append(best([v], model=model, mode=mode))
    return steps


def _unpack(step) -> list:
    """A flat list of steps from a step, a list of steps, or ``CompoundStep([...])`` (PyMC's way
    of combining them), nested in any way."""
    if isinstance(step, (list, tuple)):
        return [s for item in step for s in _unpack(item)]
    if isinstance(step, CompoundStep) and not step.blocks:
        return _unpack(step.methods)
    return [step]


class VarLayout:
    """Where each value variable sits in the full flat vector (model.value_vars order)."""

    def __init__(self, point: dict[str, np.ndarray], names: list[str]):
        self.names = names
        self.shapes = {n: np.shape(point[n]) for n in names}
        self.dtypes = {n: np.asarray(point[n]).dtype for n in names}
        self.slices = {}
        offset = 0
        for n in names:
            size = int(np.prod(self.shapes[n], dtype=int))
            self.slices[n] = slice(offset, offset + size)
            offset += size
        self.size = offset

    def to_flat(self, point: dict[str, np.ndarray]) -> np.ndarray:
        return np.concatenate([np.asarray(point[n], dtype=np.float64).ravel() for n in self.names]) if self.names else np.zeros(0)

    def to_point(self, flat: np.ndarray) -> dict[str, np.ndarray]:
        return {
            n: flat[self.slices[n]].reshape(self.shapes[n]).astype(self.dtypes[n], copy=False)
            for n in self.names
        }

    def indices(self, names: list[str]) -> np.ndarray:
        return np.concatenate([np.arange(self.slices[n].start, self.slices[n].stop) for n in names])


def build_array_step(steps: list[BlockStep], point: dict, layout: VarLayout) -> ArrayStepMethod:
    """Compile every block at ``point`` and combine them into one step on the full vector."""
    blocks = []
    for s in steps:
        array_step = s.build(point)
        names = [v.name for v in s.value_vars]
        extras = [n for n in layout.names if n not in names]
        blocks.append(Block(layout.indices(names), array_step, _conditioner(s, extras, layout)))
    only = blocks[0]
    if len(blocks) == 1 and np.array_equal(only.indices, np.arange(layout.size)):
        if hasattr(only.step, "density_is_fixed"):
            only.step.density_is_fixed = True  # no other block conditions it
        return only.step
    return CompoundStep(blocks)


def _conditioner(step: BlockStep, extras: list[str], layout: VarLayout):
    if not extras:
        return None
    fn = step.logp_fn

    def condition(q: np.ndarray) -> None:
        fn.set_extra_values({n: q[layout.slices[n]].reshape(layout.shapes[n]) for n in extras})

    return condition
