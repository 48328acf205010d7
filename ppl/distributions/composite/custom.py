"""CustomDist: a distribution given by user functions or built from other distributions."""

from collections.abc import Callable

import numpy as np
import pytensor.tensor as pt
from pytensor.graph.basic import Variable
from pytensor.tensor.utils import _parse_gufunc_signature, safe_signature

from ppl.distributions.composite._custom_rv import custom_rv_type
from ppl.distributions.composite._inversion import image_transform, transformed_logp
from ppl.distributions.distribution import Continuous, Discrete, Distribution, rv_shape
from ppl.distributions.symbolic import (
    SymbolicDistribution,
    SymbolicRandomVariable,
    batch_shape_of,
    batch_size,
    broadcast_shapes,
    build_symbolic_rv,
)
from ppl.exceptions import ModelError, ShapeError
from ppl.logprob.checks import current_label, labelled
from ppl.logprob.dispatch import draw_shape

__all__ = ["CustomDist", "CustomSymbolicDistRV"]

#: One distribution class per distinct set of user functions (so repeated calls share op types).
_CLASSES: dict[tuple, type] = {}


class CustomSymbolicDistRV(SymbolicRandomVariable):
    """Base of the op types of ``CustomDist(dist=...)``: the graph the user's function built."""

    #: ``(dist_params, size) -> draw``: rebuilds the variable with another batch shape.
    rebuild_dist: Callable | None = None

    def resize(self, node, size):
        params = self.dist_params(node)[: self.n_dist_params]
        return type(self).rebuild_dist(params, size)


class CustomDist(Distribution):
    r"""A distribution defined by user functions, or built from other distributions.

    Two ways to define it:

    - ``logp=`` (and optionally ``random=``, ``logcdf=``, ``support_point=``): a new random
      variable whose log-density is ``logp(value, *dist_params)``, a PyTensor graph;
    - ``dist=``: a function ``dist(*dist_params, size)`` returning a graph built from ``.dist()``
      variables and PyTensor operations. Forward draws evaluate that graph; the log-density is
      derived automatically when the graph is ONE random variable passed through shifts and
      scalings, negation, ``exp`` and ``log`` (otherwise give ``logp=`` too).

    Parameters
    ----------
    *dist_params
        Parameters of the distribution (numbers, arrays or tensors), passed to every function.
    dist
        ``dist(*dist_params, size) -> TensorVariable``; ``size`` is the batch shape.
    random
        ``random(*dist_params, rng=None, size=None) -> ndarray``, for forward draws.
    logp
        ``logp(value, *dist_params) -> TensorVariable``, elementwise over the batch shape.
    logcdf
        ``logcdf(value, *dist_params) -> TensorVariable``.
    support_point
        ``support_point(rv, size, *dist_params)``: a finite start value (default: zeros, or for
        ``dist=`` the graph evaluated at its components' support points).
    ndim_supp
        Number of support dimensions (default 0, or from ``signature``).
    ndims_params
        Number of core dimensions of each parameter (default 0 each, or from ``signature``).
    signature
        NumPy-style signature such as ``"(),()->()"`` (sets ``ndim_supp`` and ``ndims_params``).
    dtype
        Dtype of the draws (``"floatX"`` is float64); with ``dist=`` the graph's dtype is used.
    class_name
        Name of the distribution in messages and in the model's summary.

    Returns
    -------
    TensorVariable
        The random variable (registered in the model when created with a name).

    Raises
    ------
    ValueError
        If both ``dist`` and ``random`` are given.
    NotImplementedError
        When drawing without ``random``/``dist``, or evaluating the log-density of a ``dist=``
        graph that is not an invertible transformation (naming the variable and the op).

    Examples
    --------
    >>> import numpy as np, pytensor.tensor as pt
    >>> import ppl
    >>> def logp(value, mu):
    ...     return -0.5 * (value - mu) ** 2 - 0.5 * np.log(2 * np.pi)
    >>> def random(mu, rng=None, size=None):
    ...     return rng.normal(mu, 1.0, size=size)
    >>> with ppl.Model():
    ...     mu = ppl.Normal("mu", 0.0, 1.0)
    ...     y = ppl.CustomDist("y", mu, logp=logp, random=random, observed=[0.1, -0.4])
    ...     z = ppl.CustomDist("z", mu, dist=lambda mu, size: pt.exp(ppl.Normal.dist(mu, 1.0, size=size)))
    """

    @classmethod
    def dist(
        cls,
        *dist_params,
        dist: Callable | None = None,
        random: Callable | None = None,
        logp: Callable | None = None,
        logcdf: Callable | None = None,
        support_point: Callable | None = None,
        ndim_supp: int | None = None,
        ndims_params=None,
        signature: str | None = None,
        dtype: str = "floatX",
        class_name: str = "CustomDist",
        **kwargs,
    ) -> Variable:
        label = current_label.get() or class_name
        if dist is not None and random is not None:
            raise ValueError(f"{label}: give dist or random, not both (dist already draws).")
        params = [_as_param(p) for p in dist_params]
        ndim_supp, ndims_params, signature = _signature(
            params, ndim_supp, ndims_params, signature, label
        )
        with labelled(current_label.get() or class_name):
            if dist is not None:
                return _from_graph(
                    params,
                    dist,
                    logp,
                    logcdf,
                    support_point,
                    ndim_supp,
                    ndims_params,
                    class_name,
                    **kwargs,
                )
            key = ("rv", class_name, random, logp, logcdf, support_point, signature, dtype)
            dist_cls = _CLASSES.get(key)
            if dist_cls is None:
                dist_cls = _CLASSES[key] = _random_variable_class(
                    class_name, random, logp, logcdf, support_point, signature, dtype
                )
            return dist_cls.dist(params, **kwargs)


def _as_param(p) -> Variable:
    if isinstance(p, Variable):
        return p
    return pt.as_tensor_variable(np.asarray(p))


def _signature(params, ndim_supp, ndims_params, signature, label):
    if signature is not None:
        inputs, (output,) = _parse_gufunc_signature(signature)
        if len(inputs) != len(params):
            raise ShapeError(
                f"{label}: signature {signature!r} has {len(inputs)} inputs, got {len(params)} "
                "parameters."
            )
        return len(output), [len(s) for s in inputs], signature
    ndim_supp = 0 if ndim_supp is None else int(ndim_supp)
    ndims_params = [0] * len(params) if ndims_params is None else [int(n) for n in ndims_params]
    if len(ndims_params) != len(params):
        raise ShapeError(
            f"{label}: ndims_params has {len(ndims_params)} entries for {len(params)} parameters."
        )
    return ndim_supp, ndims_params, safe_signature(ndims_params, [ndim_supp])


def _missing_logp(what: str):
    def missing(value, *params):
        raise NotImplementedError(
            f"{current_label.get() or 'CustomDist'}: no {what} was given. Hint: pass {what}=fn "
            f"with fn(value, *dist_params), or dist= to derive it."
        )

    return missing


def _zeros_support_point(rv, size, *params):
    return pt.zeros(rv_shape(rv, size, *params), dtype=rv.dtype)


def _with_stand_in(fn):
    """``fn(rv, size, *params)`` given zeros of the variable's shape in place of the variable.

    A support point may use the variable for its shape (``pt.full_like(rv, mu)``) but must not
    depend on a draw of it.
    """

    def support_point(rv, size, *params):
        stand_in = pt.zeros(rv_shape(rv, size, *params), dtype=rv.dtype)
        return pt.as_tensor_variable(fn(stand_in, size, *params))

    return support_point


def _random_variable_class(class_name, random, logp, logcdf, support_point, signature, dtype):
    """A Distribution subclass with its own op type, so the user's functions register on it."""
    op_type = custom_rv_type(class_name, random)
    op = op_type(signature=signature, dtype=dtype)
    base = Continuous if op.dtype == "floatX" or op.dtype.startswith("float") else Discrete
    namespace = {
        "rv_op": op,
        "logp": staticmethod(logp or _missing_logp("logp")),
        "logcdf": staticmethod(logcdf or _missing_logp("logcdf")),
        "support_point": staticmethod(
            _with_stand_in(support_point) if support_point else _zeros_support_point
        ),
        "__module__": __name__,
    }
    return type(class_name, (base,), namespace)


def _from_graph(
    params,
    dist_fn,
    logp,
    logcdf,
    support_point,
    ndim_supp,
    ndims_params,
    class_name,
    *,
    shape=None,
    size=None,
    rng=None,
    **unknown,
):
    label = current_label.get()
    if unknown:
        raise TypeError(f"{label}: unexpected argument(s) {', '.join(map(repr, unknown))}.")
    key = ("graph", class_name, dist_fn, logp, logcdf, support_point, len(params), ndim_supp)
    dist_cls = _CLASSES.get(key)
    if dist_cls is None:
        dist_cls = _CLASSES[key] = _symbolic_class(
            class_name, dist_fn, logp, logcdf, support_point, len(params), ndim_supp
        )
    batch = batch_size(shape, size, ndim_supp)
    if batch is None:
        batch = broadcast_shapes(
            *[batch_shape_of(p, n) for p, n in zip(params, ndims_params, strict=True)]
        )
    return dist_cls.rv_type.rebuild_dist(params, batch)


def _symbolic_class(class_name, dist_fn, logp, logcdf, support_point, n_params, ndim_supp):
    op_type = type(f"{class_name}RV", (CustomSymbolicDistRV,), {})

    def rebuild_dist(params, batch):
        batch = tuple(batch) if not isinstance(batch, Variable) else batch
        size = batch if all(isinstance(s, int) for s in batch) else pt.stack(batch).astype("int64")
        draw = dist_fn(*params, size)
        if not isinstance(draw, Variable):
            raise ModelError(
                f"{current_label.get()}: dist must return a PyTensor variable, got {draw!r}."
            )
        _check_shape(draw, batch, ndim_supp)
        return build_symbolic_rv(
            op_type, draw, params, ndim_supp=ndim_supp, props={"n_dist_params": n_params}
        )

    op_type.rebuild_dist = staticmethod(rebuild_dist)
    namespace = {"rv_type": op_type, "__module__": __name__}
    namespace["logp"] = staticmethod(_user_fn(logp) if logp is not None else transformed_logp)
    if logcdf is not None:
        namespace["logcdf"] = staticmethod(_user_fn(logcdf))
    if support_point is not None:
        namespace["support_point"] = staticmethod(_user_support_point(support_point))
    namespace["default_transform"] = staticmethod(_graph_transform)
    return type(class_name, (SymbolicDistribution,), namespace)


def _check_shape(draw, batch, ndim_supp):
    static = draw.type.shape
    want = tuple(batch)
    got = static[: draw.type.ndim - ndim_supp] if draw.type.ndim >= ndim_supp else None
    if got is None or (all(isinstance(s, int) for s in want) and len(got) != len(want)):
        raise ShapeError(
            f"{current_label.get()}: dist returned shape {static}, expected batch shape {want}."
        )
    if any(isinstance(w, int) and g is not None and w != g for w, g in zip(want, got, strict=True)):
        raise ShapeError(
            f"{current_label.get()}: dist returned shape {static}, expected batch shape {want} "
            f"(plus {ndim_supp} support dimension(s)). Hint: pass size=size to the .dist() calls."
        )


def _user_fn(fn):
    def registered(op, value, *params):
        return pt.as_tensor_variable(fn(value, *params[: op.n_dist_params]))

    return registered


def _user_support_point(fn):
    def registered(op, rv, *params):
        shape = draw_shape(rv.owner)
        size = shape[: len(shape) - op.ndim_supp]
        stand_in = pt.zeros(shape, dtype=rv.dtype)  # for the shape only: no draw
        return pt.as_tensor_variable(fn(stand_in, size, *params[: op.n_dist_params]))

    return registered


def _graph_transform(rv):
    op = rv.owner.op
    params = op.dist_params(rv.owner)
    (draw,) = op.rebuild(params, [op.inner_outputs[-1]])
    return image_transform(draw, params)
