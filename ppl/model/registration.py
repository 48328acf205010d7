"""Bookkeeping of a model's variables, and the choice of transform for a free variable."""

from dataclasses import dataclass, field

import numpy as np
import pytensor.tensor as pt

from pytensor.graph.basic import Variable
from pytensor.graph.traversal import io_toposort

from ppl.distributions.distribution import UNSET
from ppl.exceptions import ModelError, TransformError
from ppl.transforms.chain import Chain
from ppl.transforms.defaults import default_transform as registered_default
from ppl.transforms.transform import Transform

__all__ = ["ModelRegistry", "choose_transform", "dist_name", "integer_data"]


@dataclass
class ModelRegistry:
    """The variables of a root model (nested models share their root's registry)."""

    free_RVs: list = field(default_factory=list)
    observed_RVs: list = field(default_factory=list)
    deterministics: list = field(default_factory=list)
    potentials: list = field(default_factory=list)
    named_vars: dict = field(default_factory=dict)
    rvs_to_values: dict = field(default_factory=dict)
    rvs_to_transforms: dict = field(default_factory=dict)
    rvs_to_initial_values: dict = field(default_factory=dict)
    named_vars_to_dims: dict = field(default_factory=dict)

    def add_free(self, rv: Variable, transform: Transform | None) -> Variable:
        if transform is None:
            value = rv.type()
            value.name = rv.name
        else:
            forward = transform.forward(rv, *rv.owner.inputs)
            value = forward.type()
            value.name = f"{rv.name}_{transform.name}__"
        self.free_RVs.append(rv)
        self.rvs_to_values[rv] = value
        self.rvs_to_transforms[rv] = transform
        return value

    def add_observed(self, rv: Variable, data: Variable) -> None:
        self.observed_RVs.append(rv)
        self.rvs_to_values[rv] = data
        self.rvs_to_transforms[rv] = None

    def topological(self, rvs: list) -> list:
        """``rvs`` ordered parents-first (registration order is, unless built out of order)."""
        wanted = {rv.owner: rv for rv in rvs}
        return [wanted[node] for node in io_toposort([], list(rvs)) if node in wanted]


def choose_transform(rv: Variable, transform, default_transform) -> Transform | None:
    """The transform of a free variable, following PyMC's rules.

    ``transform=None`` switches every transform off; ``default_transform=None`` switches the
    default off; a user ``transform`` is chained after the default (``Chain([default, t])``).
    """
    label = rv.name
    if transform is None:
        return None
    default = registered_default(rv) if default_transform is UNSET else default_transform
    for t, what in ((default, "default_transform"), (transform, "transform")):
        if t is not None and t is not UNSET and not isinstance(t, Transform):
            raise TransformError(
                f"{label!r}: {what} must be a ppl.transforms.Transform, got {t!r}."
            )
    if transform is UNSET:
        chosen = default
    elif default is None:
        chosen = transform
    else:
        chosen = Chain([default, transform])
    if chosen is not None and not rv.dtype.startswith("float"):
        raise TransformError(
            f"{label!r}: discrete variables cannot be transformed (got {chosen!r})."
        )
    return chosen


def dist_name(rv) -> str:
    """The distribution's display name (``Normal``) of a variable, for messages."""
    from ppl.logprob.dispatch import _names

    op = rv.owner.op if rv.owner is not None else None
    return _names.get(type(op), getattr(op, "name", "Variable"))


def integer_data(observed: Variable, label: str) -> Variable:
    """Observed data for a discrete variable as int64; non-integer values are an error."""
    if observed.dtype.startswith(("int", "uint", "bool")):
        return pt.cast(observed, "int64")
    data = getattr(observed, "data", None)
    if data is not None:
        arr = np.asarray(data)
        if np.any(arr != np.round(arr)):
            bad = arr[arr != np.round(arr)].ravel()[:3]
            raise ModelError(
                f"{label}: observed data must be integers for a discrete distribution, got "
                f"non-integer values such as {bad.tolist()}."
            )
    return pt.cast(observed, "int64")
