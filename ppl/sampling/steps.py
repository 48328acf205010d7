"""Model-level step methods: ``ppl.NUTS([a, b])`` etc., and automatic assignment by competence.

Each wraps an array-level step method from :mod:`ppl.step_methods` around the model's compiled
(conditional) log-density over the flat vector of its variables.
"""

from collections.abc import Sequence
from functools import singledispatch
from typing import Any, ClassVar

import numpy as np
from pytensor.graph.basic import Variable
from pytensor.tensor.random.basic import BernoulliRV, CategoricalRV

from ppl.compiled.value_grad import ValueGradFunction
from ppl.exceptions import ModelError
from ppl.model.context import modelcontext
from ppl.model.shapes import evaluate_shape
from ppl.step_methods import discrete as array_discrete
from ppl.step_methods import metropolis as array_metropolis
from ppl.step_methods import slice as array_slice
from ppl.step_methods.hmc import hmc as array_hmc
from ppl.step_methods.hmc import nuts as array_nuts
from ppl.step_methods.step import ArrayStepMethod, Competence, VariableTraits

__all__ = [
    "BlockStep",
    "NUTS",
    "HMC",
    "Metropolis",
    "Slice",
    "BinaryGibbsMetropolis",
    "CategoricalGibbsMetropolis",
    "STEP_METHODS",
    "variable_traits",
]


@singledispatch
def _n_categories(op, rv) -> int | None:
    """Number of values a discrete variable takes, when small and known (else None)."""
    return None


@_n_categories.register(BernoulliRV)
def _(op, rv):
    return 2


@_n_categories.register(CategoricalRV)
def _(op, rv):
    p = rv.owner.op.dist_params(rv.owner)[0]
    return evaluate_shape(p)[-1]


def variable_traits(model, value_var: Variable) -> VariableTraits:
    """What the step methods need to know about a value variable to judge competence."""
    rv = model.values_to_rvs[value_var]
    discrete = not value_var.dtype.startswith("float")
    return VariableTraits(
        discrete=discrete,
        has_grad=not discrete,
        n_categories=_n_categories(rv.owner.op, rv) if discrete else None,
    )


class BlockStep:
    """A step method for a block of model variables (base of ``ppl.NUTS``, ``ppl.Metropolis``...).

    Parameters
    ----------
    vars
        Variables (random variables, value variables or names) this step moves; default: every
        variable the method suits.
    model
        The model (default: the active one).
    mode
        PyTensor compile mode of its log-density.
    **options
        Options of the array-level step method (e.g. ``target_accept`` for NUTS).
    """

    array_cls: ClassVar[type[ArrayStepMethod]]
    needs_grad: ClassVar[bool] = False

    def __init__(self, vars=None, model=None, *, mode=None, **options: Any):
        self.model = modelcontext(model)
        self.mode = mode
        self.options = options
        self.value_vars = self._resolve(vars)
        if not self.value_vars:
            raise ModelError(f"{type(self).__name__}: no variables to sample.")
        self.logp_fn: ValueGradFunction | None = None

    def _default_vars(self) -> list:
        traits = {v: variable_traits(self.model, v) for v in self.model.value_vars}
        return [v for v, t in traits.items() if self.array_cls.competence(t) > Competence.INCOMPATIBLE]

    def _resolve(self, vars) -> list:
        if vars is None:
            return self._default_vars()
        if isinstance(vars, (str, Variable)):
            vars = [vars]
        out = []
        for v in vars:
            v = self.model[v] if isinstance(v, str) else v
            v = self.model.rvs_to_values.get(v, v)
            if v not in self.model.values_to_rvs:
                raise ModelError(f"{type(self).__name__}: {v} is not a free variable of the model.")
            traits = variable_traits(self.model, v)
            if self.array_cls.competence(traits) == Competence.INCOMPATIBLE:
                raise ModelError(
                    f"{type(self).__name__} cannot sample {v.name!r} "
                    f"({'discrete' if traits.discrete else 'continuous'})."
                )
            out.append(v)
        return out

    def build(self, point: dict[str, np.ndarray]) -> ArrayStepMethod:
        """A fresh array step method over the block (its log-density is compiled only once).

        The compiled function comes from the model's cache, so a step reused after
        ``ppl.set_data`` gets a function matching the current shapes, compiled once per shape.
        """
        self.logp_fn = self.model.logp_dlogp_function(
            self.value_vars, initial_point=point, compute_grads=self.needs_grad, mode=self.mode
        )
        return self._make(self.logp_fn, self.logp_fn.size)

    def _make(self, fn: ValueGradFunction, dim: int) -> ArrayStepMethod:
        return self.array_cls(fn, dim, **self.options)

    @classmethod
    def competence(cls, traits: VariableTraits) -> Competence:
        return cls.array_cls.competence(traits)

    def __getstate__(self):
        # A worker that gets this step by value compiles the log-density itself.
        state = dict(self.__dict__)
        state["logp_fn"] = None
        return state

    def __repr__(self) -> str:
        return f"{type(self).__name__}([{', '.join(v.name for v in self.value_vars)}])"


class _Hamiltonian(BlockStep):
    needs_grad = True

    def _make(self, fn, dim):
        options = dict(self.options)
        inv_mass = options.get("inv_mass")
        if isinstance(inv_mass, dict):
            # Per variable (e.g. from an ADVI init): flatten in this block's order.
            options["inv_mass"] = np.concatenate(
                [np.ravel(inv_mass[name]) for name, *_ in fn.point_map_info]
            )
        return self.array_cls(fn, dim, **options)


class NUTS(_Hamiltonian):
    """No-U-Turn Sampler on continuous variables (see :class:`ppl.step_methods.hmc.nuts.NUTS`)."""

    array_cls = array_nuts.NUTS


class HMC(_Hamiltonian):
    """Hamiltonian Monte Carlo with a fixed path length, on continuous variables."""

    array_cls = array_hmc.HMC


class Metropolis(BlockStep):
    """Random-walk Metropolis; discrete coordinates get rounded proposals."""

    array_cls = array_metropolis.Metropolis

    def _make(self, fn, dim):
        discrete = np.concatenate(
            [
                np.full(int(np.prod(shape, dtype=int)), not np.dtype(dtype).kind == "f")
                for _, shape, _, dtype in fn.point_map_info
            ]
        )
        return self.array_cls(fn, dim, discrete=discrete, **self.options)


class Slice(BlockStep):
    """Coordinate-wise slice sampling on continuous variables."""

    array_cls = array_slice.Slice


class BinaryGibbsMetropolis(BlockStep):
    """Gibbs-style flips of binary (0/1) variables."""

    array_cls = array_discrete.BinaryGibbsMetropolis

    def _make(self, fn, dim):
        return self.array_cls(fn, **self.options)


class CategoricalGibbsMetropolis(BlockStep):
    """Exact Gibbs updates of categorical variables, one coordinate at a time."""

    array_cls = array_discrete.CategoricalGibbsMetropolis

    def _make(self, fn, dim):
        n_categories = []
        for v, (_, _shape, size, _) in zip(self.value_vars, fn.point_map_info, strict=True):
            k = variable_traits(self.model, v).n_categories
            n_categories.extend([k] * size)
        return self.array_cls(fn, n_categories, **self.options)


#: Candidates for automatic assignment, in order of preference on ties.
STEP_METHODS: Sequence[type[BlockStep]] = (
    NUTS,
    BinaryGibbsMetropolis,
    CategoricalGibbsMetropolis,
    Metropolis,
    Slice,
    HMC,
)
