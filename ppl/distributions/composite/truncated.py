"""Truncated distribution: a univariate distribution restricted to ``[lower, upper]``."""

import numpy as np
import pytensor.tensor as pt
from pytensor.tensor.random.basic import uniform
from pytensor.tensor.random.op import RandomVariable
from pytensor.tensor.random.type import random_generator_type

from ppl.distributions.composite._rejection import TruncatedRejectionRV
from ppl.distributions.composite._support import (
    as_bound,
    is_infinite,
    support_bounds,
    tighter_bounds,
)
from ppl.distributions.composite._tails import log_prob_between, log_sf
from ppl.distributions.symbolic import (
    SymbolicDistribution,
    SymbolicRandomVariable,
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
from ppl.exceptions import ModelError, ParameterValueError
from ppl.logprob.checks import _constant_value, check_parameters, current_label
from ppl.logprob.dispatch import _icdf, _logcdf, draw_shape, label_for, support_point
from ppl.transforms.elementwise import Interval

__all__ = ["Truncated", "TruncatedRV"]


class TruncatedRV(SymbolicRandomVariable):
    """Draws of ``base_op`` restricted to ``[lower, upper]``.

    Node parameters: ``lower, upper, *base_params``. Draws use the base's inverse CDF when it
    has one (``sampler="icdf"``), rejection sampling otherwise (``sampler="rejection"``).
    """

    def base(self, params):
        """The base random variable, rebuilt from the node parameters after ``lower, upper``."""
        n_params = len(self.base_op.ndims_params)
        node = self.base_op.make_node(random_generator_type(), None, *params[:n_params])
        return node.default_output()

    def resize(self, node, size):
        lower, upper, *params = self.dist_params(node)
        return Truncated.dist(self.base(params), lower, upper, self.max_n_steps, size=size)


class Truncated(SymbolicDistribution):
    r"""Truncated distribution: ``dist`` conditioned on ``lower <= x <= upper``.

    .. math::
        f(x \mid \theta) = \frac{f_{\text{dist}}(x \mid \theta)}
        {F_{\text{dist}}(\text{upper}) - F_{\text{dist}}(\text{lower})},
        \qquad \text{lower} \le x \le \text{upper}

    ========  =======================================================
    Support   :math:`x \in [\text{lower}, \text{upper}] \cap \textrm{support}(\text{dist})`
    ========  =======================================================

    For a discrete ``dist`` the normalising mass is ``F(upper) - F(lower - 1)``. The mass is
    computed from log-CDFs (``log(F(u) - F(l))`` as a difference of exponentials, ``log(1 -
    F(l))`` with ``log1mexp``), so a truncation far in a tail keeps its precision. Forward draws
    use the inverse CDF of ``dist`` when it has one, rejection sampling otherwise.

    Parameters
    ----------
    dist
        A univariate distribution created with ``.dist()`` that has a ``logcdf``. It is copied;
        the variable passed in is left unchanged.
    lower, upper
        Truncation points; None (or an infinite value) leaves that side untruncated.
    max_n_steps
        Maximum number of draws per element in rejection sampling.

    Returns
    -------
    TensorVariable
        The random variable (registered in the model when created with a name).

    Raises
    ------
    ModelError
        If ``dist`` is a model variable, not univariate, or has no ``logcdf``.
    ParameterValueError
        If literal bounds have ``lower > upper``, or ``max_n_steps < 1``.
    SamplingError
        When rejection sampling accepts no draw in ``max_n_steps`` attempts.

    Examples
    --------
    >>> import ppl
    >>> with ppl.Model():
    ...     x = ppl.Truncated("x", ppl.Normal.dist(mu=0.0, sigma=1.0), lower=-1.0, upper=2.0)
    >>> round(float(ppl.logp(ppl.Truncated.dist(ppl.Normal.dist(0, 1), lower=0.0), 0.0).eval()), 6)
    -0.225791
    """

    rv_type = TruncatedRV

    @classmethod
    def dist(cls, dist, lower=None, upper=None, max_n_steps=10_000, **kwargs):
        label = current_label.get() or cls.__name__
        shape, size = size_arguments(cls, kwargs)
        base = check_component(dist, "dist")
        op = base.owner.op
        if not isinstance(op, RandomVariable) or op.ndim_supp != 0:
            raise ModelError(
                f"{label}: dist must be a univariate distribution such as ppl.Normal.dist(...); "
                f"got {label_for(base)} with {op.ndim_supp} support dimension(s)."
            )
        if not has_registered(_logcdf, base):
            raise ModelError(
                f"{label}: {label_for(base)} has no logcdf, which the truncated log-density needs "
                "to normalise it."
            )
        if int(max_n_steps) < 1:
            raise ParameterValueError(f"{label}: max_n_steps is {max_n_steps}, expected >= 1.")
        lower, upper = as_bound(lower, -1), as_bound(upper, 1)
        _check_ordered(lower, upper, label)
        batch = batch_size(shape, size, 0)
        if batch is None:
            batch = broadcast_shapes(
                batch_shape_of(base), batch_shape_of(lower), batch_shape_of(upper)
            )
        batched = resized(base, batch)  # also checks that the parameters fit the batch shape
        params = op.dist_params(base.owner)
        if has_registered(_icdf, base):
            draw = _icdf_draw(batched, lower, upper, batch)
            sampler = "icdf"
        else:
            rejection = TruncatedRejectionRV(op, max_n_steps)
            _, draw = rejection(
                lower, upper, *params, size=batch, rng=fresh_rng(), return_next_rng=True
            )
            sampler = "rejection"
        props = {"base_op": op, "max_n_steps": int(max_n_steps), "sampler": sampler}
        return build_symbolic_rv(
            TruncatedRV, draw, [lower, upper, *params], ndim_supp=0, props=props
        )

    @staticmethod
    def logp(op, value, lower, upper, *params):
        base = op.base(params)
        res = component_logp(base, value, "dist") - _log_mass(base, lower, upper)
        res = pt.switch((value >= lower) & (value <= upper), res, -np.inf)
        return check_parameters(res, lower <= upper, msg="lower <= upper")

    @staticmethod
    def logcdf(op, value, lower, upper, *params):
        base = op.base(params)
        if is_infinite(lower, -1):
            log_cdf = component_logcdf(base, value, "dist")
        else:
            log_cdf = log_prob_between(base, _below(base, lower), value)
        res = log_cdf - _log_mass(base, lower, upper)
        res = pt.switch(value < lower, -np.inf, pt.switch(value >= upper, 0.0, res))
        return check_parameters(res, lower <= upper, msg="lower <= upper")

    @staticmethod
    def support_point(op, rv, lower, upper, *params):
        base = op.base(params)
        point = pt.broadcast_to(pt.cast(support_point(base), "float64"), draw_shape(rv.owner))
        lo, hi = tighter_bounds(lower, upper, support_bounds(base))
        if not rv.dtype.startswith("float"):
            point = pt.clip(point, lower, upper)
        elif lo is not None and hi is not None:
            point = pt.switch((point > lo) & (point < hi), point, (lo + hi) / 2.0)
        elif lo is not None:
            point = pt.switch(point > lo, point, lo + 1.0)
        elif hi is not None:
            point = pt.switch(point < hi, point, hi - 1.0)
        return pt.cast(point, rv.dtype)

    @staticmethod
    def default_transform(rv):
        """Interval transform onto the truncation interval (within the base's support)."""
        op = rv.owner.op
        if not rv.dtype.startswith("float"):
            return None

        def bounds(*inputs):
            lower, upper, *params = inputs[op.n_rngs :]
            return tighter_bounds(lower, upper, support_bounds(op.base(params)))

        lo, hi = bounds(*rv.owner.inputs)
        return None if lo is None and hi is None else Interval(bounds_fn=bounds)


def _check_ordered(lower, upper, label):
    lo, hi = _constant_value(lower), _constant_value(upper)
    if lo is not None and hi is not None and np.any(lo > hi):
        raise ParameterValueError(
            f"{label}: lower is {lo.tolist()} and upper is {hi.tolist()}, expected lower <= upper."
        )


def _below(base, lower):
    """The point whose CDF excludes ``lower``: ``lower - 1`` for a discrete base."""
    return lower if base.dtype.startswith("float") else lower - 1.0


def _log_mass(base, lower, upper):
    """``log P(lower <= X <= upper)`` under the base distribution (tail-accurate)."""
    no_lower, no_upper = is_infinite(lower, -1), is_infinite(upper, 1)
    if no_lower and no_upper:
        return pt.constant(0.0, dtype="float64")
    if no_lower:
        return component_logcdf(base, upper, "dist")
    if no_upper:
        return log_sf(base, _below(base, lower))
    return log_prob_between(base, _below(base, lower), upper)


def _icdf_draw(base, lower, upper, batch):
    """Inverse-CDF draw: ``icdf(F(l) + u (F(u) - F(l)))`` with ``u ~ Uniform(0, 1)``, clipped."""
    _, u = uniform(0.0, 1.0, size=batch, rng=fresh_rng(), return_next_rng=True)
    cdf_lower = pt.exp(component_logcdf(base, _below(base, lower), "dist"))
    cdf_upper = pt.exp(component_logcdf(base, upper, "dist"))
    x = component_icdf(base, cdf_lower + u * (cdf_upper - cdf_lower), "dist")
    return pt.cast(pt.clip(x, lower, upper), base.dtype)
