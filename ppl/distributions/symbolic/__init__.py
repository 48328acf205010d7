"""Composite random variables: one op whose inner graph draws from other random variables.

A composite distribution (``Mixture``, ``Truncated``, ``Censored``, ``CustomDist(dist=...)``)
is built from unnamed ``.dist()`` variables and PyTensor operations. The model graph holds ONE
node for it, of a :class:`SymbolicRandomVariable` subclass (an ``OpFromGraph``, ``op.py``):

- outer inputs ``(*rngs, *params)``: one shared random generator per inner random variable, then
  the parameters (the explicit ones first, then every other non-constant root of the inner graph,
  such as shared data or a model variable the graph uses);
- outer outputs ``(*next_rngs, draw)``; the draw is the default output.

Log-densities dispatch on the op type like every other distribution: the registered ``logp``
rebuilds the components from the inner graph with the outer inputs substituted
(:meth:`SymbolicRandomVariable.components`) and combines their log-densities. The model replaces
the outer node by its value variable as for any registered variable, so a log-density graph never
contains a composite node (and an unregistered one used as a parameter is rejected as any
``.dist()`` variable is). ``ppl.logprob.dispatch.is_random_node`` recognises both kinds of
random variable for shape evaluation and those checks.

Forward sampling never runs the op: :func:`inline_symbolic_rvs` (``inline.py``) replaces every
composite node by a copy of its inner graph (``ppl.draw`` and the batching of predictive draws
call it first), so the forward machinery only sees ordinary ``RandomVariable`` nodes, each with its
own shared generator.

How to write a new composite distribution
-----------------------------------------
1. Subclass :class:`SymbolicRandomVariable` for the op. Override
   :meth:`~SymbolicRandomVariable.resize` (usually: call your ``dist`` again with the rebuilt
   components and the new ``size``) if it may be a component of another composite.
2. Subclass :class:`SymbolicDistribution` and set ``rv_type`` to the op class. In ``dist``
   (``build.py`` has the helpers): check each component with :func:`check_component`, get the batch
   shape from ``shape``/``size`` (:func:`batch_size`) or by broadcasting
   (:func:`batch_shape_of`, :func:`broadcast_shapes`), redraw each component with that batch shape
   and a fresh generator (:func:`resized`), write the forward draw as an ordinary PyTensor graph,
   and wrap it with :func:`build_symbolic_rv` (explicit parameters, ``ndim_supp``, components,
   and hashable ``props`` stored as attributes of the op).
3. Define static methods ``logp(op, value, *params)`` and optionally ``logcdf``, ``icdf`` (same
   signature), ``support_point(op, rv, *params)`` and ``default_transform`` (a Transform or
   ``rv -> Transform``). ``params`` are the node's inputs after the generators. Get the components
   with ``op.components(params)`` (any inner variable with ``op.rebuild(params, [...])``) and their
   log-densities with :func:`component_logp` (errors then name the composite variable). Without a
   ``support_point`` the inner draw is evaluated with every random variable at its own support
   point.

Random variables drawn inside a ``pytensor.scan`` cannot be wrapped (a Scan does not report the
next state of its generator): draw the innovations outside the scan, with the full size, and pass
them in as sequences.

Examples
--------
A folded distribution, ``|x|``, in a few lines:

>>> import numpy as np, pytensor.tensor as pt
>>> import ppl
>>> from ppl.distributions.symbolic import (
...     SymbolicDistribution, SymbolicRandomVariable, batch_shape_of, batch_size,
...     build_symbolic_rv, check_component, component_logp, resized)
>>> class FoldedRV(SymbolicRandomVariable):
...     "The absolute value of a univariate random variable."
>>> class Folded(SymbolicDistribution):
...     rv_type = FoldedRV
...
...     @classmethod
...     def dist(cls, dist, *, shape=None, size=None, rng=None):
...         base = check_component(dist, "dist")
...         batch = batch_size(shape, size, 0)
...         base = resized(base, batch_shape_of(base) if batch is None else batch)
...         return build_symbolic_rv(FoldedRV, pt.abs(base), [], ndim_supp=0, components=[base])
...
...     @staticmethod
...     def logp(op, value, *params):
...         (base,) = op.components(params)
...         both = pt.logaddexp(component_logp(base, value), component_logp(base, -value))
...         return pt.switch(value >= 0, both, -np.inf)
>>> x = Folded.dist(ppl.Normal.dist(1.0, 2.0), size=3)
>>> round(float(ppl.logp(x, 0.5).eval()[0]), 6)
-1.067396
>>> bool((ppl.draw(x, draws=5, random_seed=1) >= 0).all())
True
"""

from ppl.distributions.symbolic.build import (
    batch_shape_of,
    batch_size,
    broadcast_shapes,
    build_symbolic_rv,
    check_component,
    component_icdf,
    component_logcdf,
    component_logp,
    fresh_rng,
    has_registered,
    resized,
    size_arguments,
)
from ppl.distributions.symbolic.inline import inline_symbolic_rvs
from ppl.distributions.symbolic.op import SymbolicDistribution, SymbolicRandomVariable

__all__ = [
    "SymbolicRandomVariable",
    "SymbolicDistribution",
    "build_symbolic_rv",
    "inline_symbolic_rvs",
    "component_logp",
    "component_logcdf",
    "component_icdf",
    "has_registered",
    "resized",
    "batch_size",
    "size_arguments",
    "batch_shape_of",
    "broadcast_shapes",
    "check_component",
    "fresh_rng",
]
