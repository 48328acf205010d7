"""Censored distribution: draws of a univariate distribution clipped to ``[lower, upper]``."""

import numpy as np
import pytensor.tensor as pt

from ppl.distributions.composite._support import as_bound, is_infinite
from ppl.distributions.composite._tails import log_sf
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
    has_registered,
    resized,
    size_arguments,
)
from ppl.exceptions import ModelError, ParameterValueError
from ppl.logprob.checks import _constant_value, check_parameters, current_label
from ppl.logprob.dispatch import _logcdf, draw_shape, label_for, support_point

__all__ = ["Censored", "CensoredRV"]


class CensoredRV(SymbolicRandomVariable):
    """``clip(dist, lower, upper)``; node parameters ``lower, upper`` and the base's inputs."""

    def resize(self, node, size):
        lower, upper, *params = self.dist_params(node)
        (base,) = self.components([lower, upper, *params])
        return Censored.dist(base, lower, upper, size=size)


class Censored(SymbolicDistribution):
    r"""Censored distribution: values beyond ``lower`` or ``upper`` are recorded at the bound.

    .. math::
        f(x \mid \theta) = \begin{cases}
        F_{\text{dist}}(\text{lower}) & x = \text{lower} \\
        f_{\text{dist}}(x \mid \theta) & \text{lower} < x < \text{upper} \\
        1 - F_{\text{dist}}(\text{upper}^-) & x = \text{upper}
        \end{cases}

    ========  ===========================================
    Support   :math:`x \in [\text{lower}, \text{upper}]`
    ========  ===========================================

    Forward draws are ``clip(draw of dist, lower, upper)``. A continuous censored distribution
    has point masses at the bounds, so use it for observed data: the samplers assume a density.

    Parameters
    ----------
    dist
        A univariate distribution created with ``.dist()`` that has a ``logcdf``. It is copied;
        the variable passed in is left unchanged.
    lower, upper
        Censoring points; None (or an infinite value) leaves that side uncensored.

    Returns
    -------
    TensorVariable
        The random variable (registered in the model when created with a name).

    Raises
    ------
    ModelError
        If ``dist`` is a model variable, not univariate, or has no ``logcdf``.
    ParameterValueError
        If literal bounds have ``lower > upper``.

    Examples
    --------
    >>> import numpy as np
    >>> import ppl
    >>> with ppl.Model():
    ...     mu = ppl.Normal("mu", 0.0, 5.0)
    ...     y = ppl.Censored("y", ppl.Normal.dist(mu, 1.0), lower=None, upper=2.0,
    ...                      observed=np.array([0.3, 1.1, 2.0, 2.0]))
    >>> round(float(ppl.logp(ppl.Censored.dist(ppl.Normal.dist(0, 1), -1.0, 1.0), 1.0).eval()), 6)
    -1.841022
    """

    rv_type = CensoredRV

    @classmethod
    def dist(cls, dist, lower=None, upper=None, **kwargs):
        label = current_label.get() or cls.__name__
        shape, size = size_arguments(cls, kwargs)
        base = check_component(dist, "dist")
        if base.owner.op.ndim_supp != 0:
            raise ModelError(
                f"{label}: dist must be a univariate distribution; got {label_for(base)} with "
                f"{base.owner.op.ndim_supp} support dimension(s)."
            )
        if not has_registered(_logcdf, base):
            raise ModelError(
                f"{label}: {label_for(base)} has no logcdf, which the censored log-density needs."
            )
        lower, upper = as_bound(lower, -1), as_bound(upper, 1)
        lo, hi = _constant_value(lower), _constant_value(upper)
        if lo is not None and hi is not None and np.any(lo > hi):
            raise ParameterValueError(
                f"{label}: lower is {lo.tolist()} and upper is {hi.tolist()}, expected lower <= upper."
            )
        batch = batch_size(shape, size, 0)
        if batch is None:
            batch = broadcast_shapes(
                batch_shape_of(base), batch_shape_of(lower), batch_shape_of(upper)
            )
        batched = resized(base, batch)
        draw = pt.cast(pt.clip(batched, lower, upper), base.dtype)
        return build_symbolic_rv(
            CensoredRV, draw, [lower, upper], ndim_supp=0, components=[batched]
        )

    @staticmethod
    def logp(op, value, lower, upper, *params):
        (base,) = op.components([lower, upper, *params])
        res = component_logp(base, value, "dist")
        if not is_infinite(upper, 1):
            # P(X >= upper): for a discrete base the mass at upper itself is included
            below = upper if base.dtype.startswith("float") else upper - 1.0
            res = pt.switch(pt.eq(value, upper), log_sf(base, below), res)
        if not is_infinite(lower, -1):
            res = pt.switch(pt.eq(value, lower), component_logcdf(base, lower, "dist"), res)
        res = pt.switch((value >= lower) & (value <= upper), res, -np.inf)
        return check_parameters(res, lower <= upper, msg="lower <= upper")

    @staticmethod
    def logcdf(op, value, lower, upper, *params):
        (base,) = op.components([lower, upper, *params])
        res = component_logcdf(base, value, "dist")
        res = pt.switch(value < lower, -np.inf, pt.switch(value >= upper, 0.0, res))
        return check_parameters(res, lower <= upper, msg="lower <= upper")

    @staticmethod
    def support_point(op, rv, lower, upper, *params):
        (base,) = op.components([lower, upper, *params])
        point = pt.clip(pt.cast(support_point(base), "float64"), lower, upper)
        return pt.cast(pt.broadcast_to(point, draw_shape(rv.owner)), rv.dtype)
