"""Bookkeeping of a model's variables, and the choice of transform for a free variable."""

from dataclasses import dataclass, field

import numpy as np
import pytensor.tensor as pt
from pytensor.graph.basic import Variable
from pytensor.graph.traversal import io_toposort

from ppl.distributions.distribution import UNSET
from ppl.exceptions import ModelError, ShapeError, TransformError
from ppl.model.shapes import evaluate_shape
from ppl.transforms.chain import Chain
from ppl.transforms.defaults import default_transform as registered_default
from ppl.transforms.transform import Transform

__all__ = ["ModelRegistry", "choose_transform", "dist_name", "integer_data", "prepare_observed",
           "check_total_size", "scale_to_total_size"]


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
    rvs_to_total_sizes: dict = field(default_factory=dict)

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

    def set_total_size(self, rv: Variable, total_size, label: str) -> None:
        """Record ``total_size`` (checked) for ``rv``; None records nothing."""
        if total_size is not None:
            self.rvs_to_total_sizes[rv] = check_total_size(total_size, rv, label)

    def scale_to_total_sizes(self, terms: list, rvs: list) -> list:
        """Each variable's log-density term, scaled up to its ``total_size`` if it has one."""
        sizes = self.rvs_to_total_sizes
        return [scale_to_total_size(t, self.rvs_to_values[rv], sizes[rv]) if rv in sizes else t
                for t, rv in zip(terms, rvs, strict=True)]

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


def prepare_observed(rv: Variable, data: Variable, label: str) -> Variable:
    """Observed ``data`` checked against ``rv``'s shape and converted to its dtype (integer
    data for a discrete variable must hold integers)."""
    data_shape, rv_shape = evaluate_shape(data), evaluate_shape(rv)
    if data_shape != rv_shape:
        raise ShapeError(
            f"{label}: observed data has shape {data_shape}, but the variable has shape "
            f"{rv_shape} (from shape/size/dims or its parameters)."
        )
    if not rv.dtype.startswith("float"):
        return integer_data(data, label)
    return data if data.dtype == rv.dtype else pt.cast(data, rv.dtype)


def check_total_size(total_size, rv: Variable, label: str):
    """``total_size`` of a minibatched variable, checked against the variable's dimensions.

    An int is the full length of the first axis; a list or tuple gives the full lengths of the
    leading axes (``None`` for an axis that is not subsampled), and after an ``Ellipsis`` those
    of the trailing axes, as in PyMC.

    >>> import ppl
    >>> with ppl.Model():
    ...     x = ppl.Normal("x", 0.0, 1.0, shape=(10, 3))
    >>> check_total_size([1000, ..., None], x, "x")
    (1000, Ellipsis, None)
    """
    def fail(why):
        raise ModelError(f"{label}: total_size={total_size!r} {why}.")

    if isinstance(total_size, bool) or not isinstance(total_size, int | np.integer | list | tuple):
        fail("is not an int or a list/tuple of ints, None and one Ellipsis")
    sizes = (int(total_size),) if not isinstance(total_size, list | tuple) else tuple(total_size)
    if sum(s is Ellipsis for s in sizes) > 1:
        fail("has more than one Ellipsis")
    for s in sizes:
        if s is None or s is Ellipsis:
            continue
        if isinstance(s, bool) or not isinstance(s, int | np.integer) or s < 1:
            fail(f"has the entry {s!r}; expected positive ints, None or one Ellipsis")
    n_axes = sum(s is not Ellipsis for s in sizes)
    if n_axes > max(rv.type.ndim, 1 if isinstance(total_size, int | np.integer) else 0):
        fail(f"gives {n_axes} axes, but the variable has {rv.type.ndim}")
    return total_size if isinstance(total_size, int | np.integer) else sizes


def scale_to_total_size(term: Variable, value: Variable, total_size) -> Variable:
    """``term`` (a log-density) times the ratio of the full sizes to the batch's: the estimate
    of the whole data set's log-density from a minibatch."""
    if isinstance(total_size, int | np.integer):  # the first axis; a scalar counts as one
        if value.type.ndim == 0:
            return _named(term * float(total_size), term)
        total_size = (total_size,)
    split = total_size.index(Ellipsis) if Ellipsis in total_size else len(total_size)
    leading, trailing = total_size[:split], total_size[split + 1 :]
    axes = [*enumerate(leading), *zip(range(-len(trailing), 0), trailing, strict=True)]
    coef = 1.0
    for axis, size in axes:
        if size is not None:
            coef = coef * (float(size) / pt.cast(value.shape[axis], "float64"))
    return _named(term * coef, term)


def _named(scaled: Variable, term: Variable) -> Variable:
    scaled.name = term.name
    return scaled
