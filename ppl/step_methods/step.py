"""The array-level step-method contract: competence, callable aliases and one small base class.

A step method here sees a flat float64 vector ``q`` and a log-density callable, never a model.
The model-level wrappers (``NUTS([vars])``, ``CompoundStep``, ``assign_step_methods``) translate
variables into :class:`VariableTraits` and points into flat vectors, then call these classes.
"""

from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from enum import IntEnum
from types import MappingProxyType
from typing import Any, ClassVar, NamedTuple

import numpy as np

__all__ = [
    "ArrayStepMethod",
    "Competence",
    "LogpDlogpFn",
    "LogpFn",
    "StatsDtypes",
    "declare_stats",
    "VariableTraits",
]

LogpDlogpFn = Callable[[np.ndarray], tuple[float, np.ndarray]]
"""``logp_dlogp_fn(q) -> (logp, dlogp)``: log-density and its gradient at a flat float64 vector.

The gradient must be a new 1-D float64 array of the same length as ``q`` on every call (samplers
keep references to it), and the callable must not keep or modify ``q``.
"""

LogpFn = Callable[[np.ndarray], float]
"""``logp_fn(q) -> logp``: log-density of a flat float64 vector, for gradient-free samplers."""

StatsDtypes = Mapping[str, np.dtype]
"""Mapping from a per-draw statistic's name to the NumPy dtype it is stored with."""


def declare_stats(**dtypes: Any) -> StatsDtypes:
    """Build a read-only ``stats_dtypes`` mapping for a step-method class.

    Parameters
    ----------
    **dtypes
        Statistic names mapped to anything :class:`numpy.dtype` accepts.

    Returns
    -------
    StatsDtypes
        A read-only mapping from name to :class:`numpy.dtype`.

    Examples
    --------
    >>> spec = declare_stats(accept=np.float64, accepted=bool)
    >>> spec["accepted"]
    dtype('bool')
    """
    return MappingProxyType({name: np.dtype(dtype) for name, dtype in dtypes.items()})


class Competence(IntEnum):
    """How well a step method suits a variable; the assigner picks the highest.

    Examples
    --------
    >>> Competence.IDEAL > Competence.COMPATIBLE
    True
    """

    INCOMPATIBLE = 0
    COMPATIBLE = 1
    PREFERRED = 2
    IDEAL = 3


class VariableTraits(NamedTuple):
    """What a step method needs to know about a variable to judge its competence.

    Attributes
    ----------
    discrete
        Whether the variable takes integer values.
    has_grad
        Whether the log-density has a gradient with respect to the variable.
    n_categories
        Number of values a bounded discrete variable takes (2 for binary), ``None`` otherwise.

    Examples
    --------
    >>> VariableTraits(discrete=True, has_grad=False, n_categories=2).n_categories
    2
    """

    discrete: bool
    has_grad: bool
    n_categories: int | None = None


class ArrayStepMethod(ABC):
    """Base of every array-level step method: one transition ``q -> q_new`` plus tuning switches.

    Subclasses hold configuration and adaptation state, and call a pure kernel in :meth:`step`.
    Tuning is off until :meth:`start_tune` is called; :meth:`stop_tune` freezes what was
    learned, and :meth:`reset_tuning` goes back to the values given at construction.

    Attributes
    ----------
    stats_dtypes
        Class-level mapping of every statistic :meth:`step` returns to its dtype.

    Examples
    --------
    >>> class Stay(ArrayStepMethod):
    ...     stats_dtypes = declare_stats()
    ...     def step(self, q, rng):
    ...         return q, {}
    >>> Stay().tune
    False
    """

    stats_dtypes: ClassVar[StatsDtypes] = declare_stats()
    _tuning: bool = False

    @abstractmethod
    def step(self, q: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, dict[str, Any]]:
        """Make one transition from ``q``.

        Parameters
        ----------
        q
            Current flat float64 position; it is not modified.
        rng
            Source of all randomness of this transition.

        Returns
        -------
        q_new : numpy.ndarray
            New position (may be ``q`` itself when the chain stays put).
        stats : dict
            One scalar per name in :attr:`stats_dtypes`.
        """

    @property
    def tune(self) -> bool:
        """Whether the step method is currently adapting its parameters."""
        return self._tuning

    def start_tune(self, n_tune: int | None = None) -> None:
        """Switch tuning on, starting from the current parameter values.

        Parameters
        ----------
        n_tune
            Number of tuning iterations that will follow, if known; schedules such as the
            windowed mass-matrix adaptation need it.
        """
        self._tuning = True
        self._on_start_tune(n_tune)

    def stop_tune(self) -> None:
        """Switch tuning off and freeze the tuned parameters."""
        if self._tuning:
            self._tuning = False
            self._on_stop_tune()

    def reset_tuning(self) -> None:
        """Return tuned parameters to their values at construction and switch tuning off."""
        self._tuning = False

    def _on_start_tune(self, n_tune: int | None) -> None:
        """Hook for subclasses: prepare adaptation state."""

    def _on_stop_tune(self) -> None:
        """Hook for subclasses: freeze adapted parameters."""

    @classmethod
    def competence(cls, traits: VariableTraits) -> Competence:
        """Judge how well this step method suits a variable.

        Parameters
        ----------
        traits
            Description of the variable.

        Returns
        -------
        Competence
            ``INCOMPATIBLE`` unless a subclass says otherwise.
        """
        return Competence.INCOMPATIBLE
