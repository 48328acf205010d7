"""GaussianRandomWalk: an initial value, then the cumulative sum of Normal innovations."""

import pytensor.tensor as pt

from ppl.distributions.continuous._base import check_positive
from ppl.distributions.continuous.normal import Normal
from ppl.distributions.distribution import as_float
from ppl.distributions.symbolic import (
    SymbolicDistribution,
    SymbolicRandomVariable,
    batch_shape_of,
    broadcast_shapes,
    build_symbolic_rv,
    component_logp,
    resized,
    size_arguments,
)
from ppl.distributions.timeseries._init_dist import init_distribution
from ppl.distributions.timeseries._time_axis import (
    check_fits_batch,
    static_int,
    time_series_shape,
)
from ppl.logprob.dispatch import draw_shape, support_point

__all__ = ["GaussianRandomWalk", "GaussianRandomWalkRV"]


class GaussianRandomWalkRV(SymbolicRandomVariable):
    """``x[..., 0] ~ init_dist``, then ``x[..., t] = x[..., t - 1] + Normal(mu, sigma)``.

    Node parameters: ``mu, sigma``, then the other inputs of the initial distribution. The
    components are the initial distribution (batch-shaped) and the innovations
    (``(*batch, steps)``).
    """

    def resize(self, node, size):
        mu, sigma, *rest = self.dist_params(node)
        init, innovations = self.components([mu, sigma, *rest])
        steps = static_int(draw_shape(innovations.owner)[-1])
        return GaussianRandomWalk.dist(mu, sigma, init_dist=init, steps=steps, size=size)


class GaussianRandomWalk(SymbolicDistribution):
    r"""Random walk with Normal innovations.

    .. math::
        x_0 \sim \text{init\_dist}, \qquad
        x_t = x_{t-1} + \epsilon_t, \quad \epsilon_t \sim \mathcal{N}(\mu, \sigma^2),
        \quad t = 1, \dots, \text{steps}

    ========  ============================================================
    Support   :math:`x \in \mathbb{R}^{\text{steps} + 1}`
    Mean      :math:`\mathrm{E}[x_0] + t\mu`
    Variance  :math:`\mathrm{Var}[x_0] + t\sigma^2`
    ========  ============================================================

    The time axis is the last one, with ``steps + 1`` entries; the leading axes are the batch
    shape (``size``), broadcast from ``mu``, ``sigma`` and ``init_dist`` when neither ``size`` nor
    ``shape`` is given. The log-density of a value is that of its first entry under ``init_dist``
    plus the Normal log-density of its increments, summed over time. There is no default
    transform.

    Parameters
    ----------
    mu
        Drift: the mean of each innovation. Broadcast against the batch shape.
    sigma
        Standard deviation of each innovation, > 0. Broadcast against the batch shape.
    init_dist
        Univariate distribution of the first value, created with ``.dist()`` (it is copied and
        resized to the batch shape). Defaults to ``ppl.Normal.dist(0, 100)``, with a warning.
    steps
        Number of innovations. Inferred from the last entry of ``shape`` (``steps + 1``) or
        from ``dims``/``observed`` when not given.

    Returns
    -------
    TensorVariable
        The random variable (registered in the model when created with a name).

    Raises
    ------
    ShapeError
        If the number of steps is neither given nor implied by the shape, or disagrees with it.
    ModelError
        If ``init_dist`` is a model variable or not univariate.
    ParameterValueError
        If a literal ``sigma`` is not positive.

    Examples
    --------
    >>> import numpy as np
    >>> import ppl
    >>> with ppl.Model(coords={"time": range(5)}):
    ...     drift = ppl.Normal("drift", 0.0, 1.0)
    ...     x = ppl.GaussianRandomWalk(
    ...         "x", mu=drift, sigma=0.5, init_dist=ppl.Normal.dist(0.0, 1.0), dims="time"
    ...     )
    >>> x.type.shape
    (5,)
    >>> walk = ppl.GaussianRandomWalk.dist(
    ...     mu=1.0, sigma=2.0, init_dist=ppl.Normal.dist(0.0, 1.0), steps=2
    ... )
    >>> round(float(ppl.logp(walk, np.array([0.0, 1.0, 3.0])).eval()), 6)
    -4.26811
    """

    rv_type = GaussianRandomWalkRV

    @classmethod
    def dist(cls, mu=0.0, sigma=1.0, *, init_dist=None, steps=None, **kwargs):
        shape, size = size_arguments(cls, kwargs)
        check_positive("sigma", sigma)
        mu, sigma = as_float(mu), as_float(sigma)
        batch, steps = time_series_shape(shape, size, steps, offset=1)
        init = init_distribution(init_dist)
        mu_batch, sigma_batch = batch_shape_of(mu), batch_shape_of(sigma)
        if batch is None:
            batch = broadcast_shapes(mu_batch, sigma_batch, batch_shape_of(init))
        batch = tuple(batch)
        check_fits_batch(
            batch, {"mu": mu_batch, "sigma": sigma_batch, "init_dist": batch_shape_of(init)}
        )
        init = resized(init, batch)
        innovations = Normal.dist(mu[..., None], sigma[..., None], size=(*batch, steps))
        start = pt.cast(init, "float64")[..., None]
        draw = pt.cumsum(pt.concatenate([start, innovations], axis=-1), axis=-1)
        return build_symbolic_rv(
            GaussianRandomWalkRV, draw, [mu, sigma], ndim_supp=1, components=[init, innovations]
        )

    @staticmethod
    def logp(op, value, mu, sigma, *params):
        init, innovations = op.components([mu, sigma, *params])
        init_logp = component_logp(init, value[..., 0], "init_dist")
        steps_logp = component_logp(innovations, pt.diff(value, axis=-1), "innovations")
        return init_logp + pt.sum(steps_logp, axis=-1)

    @staticmethod
    def support_point(op, rv, mu, sigma, *params):
        init, innovations = op.components([mu, sigma, *params])
        start = pt.cast(support_point(init), "float64")[..., None]
        increments = pt.cast(support_point(innovations), "float64")
        # both parts have the full batch shape (the components were resized to it)
        point = pt.cumsum(pt.concatenate([start, increments], axis=-1), axis=-1)
        return pt.cast(point, rv.dtype)
