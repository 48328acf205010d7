"""Mixture distribution: a weighted mixture of component distributions."""

import numpy as np
import pytensor.tensor as pt
from pytensor.scalar import upcast
from pytensor.tensor.random.basic import categorical

from ppl.distributions.distribution import as_float
from ppl.distributions.symbolic import (
    SymbolicDistribution,
    SymbolicRandomVariable,
    batch_shape_of,
    batch_size,
    broadcast_shapes,
    build_symbolic_rv,
    check_component,
    component_logcdf,
    component_logp,
    fresh_rng,
    resized,
    size_arguments,
)
from ppl.exceptions import ModelError, ParameterValueError, ShapeError
from ppl.logprob.checks import (
    _constant_value,
    check_constant_parameter,
    check_parameters,
    current_label,
)
from ppl.logprob.dispatch import draw_shape, support_point
from ppl.math import logsumexp
from ppl.transforms.defaults import default_transform
from ppl.transforms.elementwise import Interval

__all__ = ["Mixture", "MixtureRV"]


class MixtureRV(SymbolicRandomVariable):
    """Draws a component index ``k ~ Categorical(w)``, then the draw of component ``k``.

    Parameters of the node: ``w`` first, then the inputs of the components. ``single`` records
    whether the components were given as ONE distribution with a last axis of components.
    """

    def resize(self, node, size):
        params = self.dist_params(node)
        components = self.components(params)
        return Mixture.dist(params[0], components[0] if self.single else components, size=size)


def _ndim_supp(rv) -> int:
    return int(rv.owner.op.ndim_supp)


def _check_weights(w) -> None:
    check_constant_parameter("w", w, lambda v: (v >= 0) & (v <= 1), "0 <= w <= 1")
    data = _constant_value(w)
    if data is not None and data.ndim >= 1:
        sums = data.sum(axis=-1)
        if not np.allclose(sums, 1.0):
            raise ParameterValueError(
                f"{current_label.get() or 'Mixture'}: parameter w sums to {np.round(sums, 6)} along "
                "its last axis, expected the weights of each mixture to sum to 1."
            )


class Mixture(SymbolicDistribution):
    r"""Mixture of component distributions.

    .. math:: f(x \mid w, \theta) = \sum_{i=1}^{K} w_i f_i(x \mid \theta_i)

    ========  ============================================
    Support   :math:`\cup_{i=1}^{K} \textrm{support}(f_i)`
    Mean      :math:`\sum_{i=1}^{K} w_i \mu_i`
    ========  ============================================

    The log-density is marginalised over the component with a log-sum-exp, so the mixture can
    be sampled by NUTS (or, for discrete components, by Metropolis). Forward draws pick a
    component per draw.

    Parameters
    ----------
    w
        Mixture weights, ``0 <= w <= 1``, summing to 1 along the last axis (of length ``K``);
        leading axes broadcast with the batch shape.
    comp_dists
        The ``K`` components: a list of unnamed distributions (``ppl.Normal.dist(...)``), all
        univariate or all with the same support dimensions, or ONE distribution whose last batch
        axis indexes the components (``ppl.Poisson.dist(mu=[1.0, 5.0])``). Their batch shapes
        broadcast with that of ``w``; each is resized to the mixture's batch shape.

    Returns
    -------
    TensorVariable
        The random variable (registered in the model when created with a name).

    Raises
    ------
    ModelError
        If a component is a model variable instead of a ``.dist()`` variable.
    ParameterValueError
        If literal weights are outside [0, 1] or do not sum to 1.
    ShapeError
        If the number of weights and of components disagree, or shapes do not broadcast.

    Examples
    --------
    >>> import ppl
    >>> with ppl.Model():
    ...     w = ppl.Dirichlet("w", a=[1.0, 1.0])
    ...     comps = [ppl.Normal.dist(-1.0, 1.0), ppl.StudentT.dist(nu=3, mu=2.0, sigma=1.0)]
    ...     y = ppl.Mixture("y", w=w, comp_dists=comps, observed=[-1.2, 0.3, 2.5])
    >>> round(float(ppl.logp(ppl.Mixture.dist([0.5, 0.5], [ppl.Normal.dist(0, 1)] * 2), 0.0).eval()), 6)
    -0.918939
    """

    rv_type = MixtureRV

    @classmethod
    def dist(cls, w, comp_dists, **kwargs):
        label = current_label.get() or cls.__name__
        shape, size = size_arguments(cls, kwargs)
        w = as_float(w)
        _check_weights(w)
        single = not isinstance(comp_dists, (list, tuple))
        comps = [comp_dists] if single else list(comp_dists)
        if not comps:
            raise ModelError(f"{label}: comp_dists is empty; give at least one component.")
        for i, comp in enumerate(comps):
            check_component(comp, "comp_dists" if single else f"component {i}")
        ndim_supp = _ndim_supp(comps[0])
        if any(_ndim_supp(c) != ndim_supp for c in comps):
            raise ShapeError(
                f"{label}: components have support dimensions "
                f"{[_ndim_supp(c) for c in comps]}; they must all be equal."
            )
        if w.type.ndim < 1:
            raise ShapeError(
                f"{label}: w must have a last axis of component weights, got a scalar."
            )
        n_components = _n_components(comps, single, ndim_supp, label)
        n_weights = w.type.shape[-1]
        if n_weights is not None and isinstance(n_components, int) and n_weights != n_components:
            raise ShapeError(
                f"{label}: w has {n_weights} weights along its last axis but there are "
                f"{n_components} components."
            )
        batch = batch_size(shape, size, ndim_supp)
        if batch is None:
            shapes = [batch_shape_of(w, 1)]
            for comp in comps:
                comp_batch = batch_shape_of(comp, ndim_supp)
                shapes.append(comp_batch[:-1] if single else comp_batch)
            batch = broadcast_shapes(*shapes)
        batch = tuple(batch)
        dtype = upcast(*[c.dtype for c in comps])
        if single:
            resized_comps = [resized(comps[0], (*batch, n_components))]
            stacked = pt.cast(resized_comps[0], dtype)
        else:
            resized_comps = [resized(c, batch) for c in comps]
            stacked = pt.stack([pt.cast(c, dtype) for c in resized_comps], axis=-1 - ndim_supp)
        axis = len(batch)
        weights = pt.broadcast_to(w, (*batch, n_components))
        _, index = categorical(weights, rng=fresh_rng(), return_next_rng=True)
        index = pt.expand_dims(index, tuple(range(axis, axis + 1 + ndim_supp)))
        draw = pt.take_along_axis(stacked, index, axis=axis).squeeze(axis)
        static = stacked.type.shape[:axis] + stacked.type.shape[axis + 1 :]
        if any(s is not None for s in static) and draw.type.shape != static:
            draw = pt.specify_shape(draw, static)  # take_along_axis forgets the support length
        return build_symbolic_rv(
            MixtureRV,
            draw,
            [w],
            ndim_supp=ndim_supp,
            components=resized_comps,
            props={"single": single, "dtype": dtype},
        )

    @staticmethod
    def logp(op, value, w, *params):
        comp_logps = _per_component(op, value, (w, *params), component_logp)
        res = logsumexp(pt.log(w) + comp_logps, axis=-1, keepdims=False)
        return _check_w(res, w)

    @staticmethod
    def logcdf(op, value, w, *params):
        if op.ndim_supp:
            raise NotImplementedError(
                f"{current_label.get()}: logcdf is defined for mixtures of univariate components "
                f"only (these have {op.ndim_supp} support dimension(s))."
            )
        comp_logcdfs = _per_component(op, value, (w, *params), component_logcdf)
        return _check_w(logsumexp(pt.log(w) + comp_logcdfs, axis=-1, keepdims=False), w)

    @staticmethod
    def support_point(op, rv, w, *params):
        comps = op.components((w, *params))
        points = [pt.cast(support_point(c), "float64") for c in comps]
        axis = -1 - op.ndim_supp
        stacked = points[0] if op.single else pt.stack(points, axis=axis)
        weights = pt.expand_dims(w, tuple(range(w.type.ndim, w.type.ndim + op.ndim_supp)))
        mean = pt.sum(weights * stacked, axis=axis)
        if not rv.dtype.startswith("float"):
            mean = pt.round(mean)
        return pt.cast(pt.broadcast_to(mean, draw_shape(rv.owner)), rv.dtype)

    @staticmethod
    def default_transform(rv):
        """The components' default transform when they share one that needs no parameters."""
        op = rv.owner.op
        if not rv.dtype.startswith("float"):
            return None
        transforms = [default_transform(c) for c in op.components(op.dist_params(rv.owner))]
        first = transforms[0]
        if first is None or any(t is not first for t in transforms):
            return None
        if isinstance(first, Interval) and first.bounds_fn is not None:
            return None  # bounds read from a component's parameters, not the mixture's
        return first


def _n_components(comps, single, ndim_supp, label):
    if not single:
        return len(comps)
    batch = batch_shape_of(comps[0], ndim_supp)
    if not batch:
        raise ShapeError(
            f"{label}: a single component distribution needs a last batch axis indexing the "
            f"components (e.g. ppl.Normal.dist(mu=[0.0, 5.0])); got shape {comps[0].type.shape}."
        )
    return batch[-1]


def _per_component(op, value, params, fn):
    """``fn(component, value)`` stacked on a last axis of components."""
    comps = op.components(params)
    if op.single:
        expanded = pt.expand_dims(value, value.type.ndim - op.ndim_supp)
        return fn(comps[0], expanded, "comp_dists")
    return pt.stack([fn(c, value, f"component {i}") for i, c in enumerate(comps)], axis=-1)


def _check_w(res, w):
    return check_parameters(
        res,
        w >= 0,
        w <= 1,
        pt.isclose(pt.sum(w, axis=-1), 1.0),
        msg="0 <= w <= 1 and sum(w) = 1 along the last axis",
    )
