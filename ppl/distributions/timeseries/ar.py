"""AR: an autoregressive process of order ``ar_order``, with Normal innovations."""

import numpy as np
import pytensor
import pytensor.tensor as pt

from ppl.distributions.continuous._base import resolve_sigma_tau
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
from ppl.exceptions import ShapeError
from ppl.logprob.checks import current_label
from ppl.logprob.dispatch import draw_shape, label_for, support_point

__all__ = ["AR", "ARRV"]


class ARRV(SymbolicRandomVariable):
    """Autoregressive draws, computed by a ``scan`` over innovations drawn beforehand.

    Node parameters: ``rho, sigma``, then the other inputs of the initial distribution. Props:
    ``ar_order`` and ``constant``. The components are the initial distribution (the first
    ``ar_order`` values) and the innovations (``(*batch, steps)``).
    """

    def resize(self, node, size):
        rho, sigma, *rest = self.dist_params(node)
        init, innovations = self.components([rho, sigma, *rest])
        return AR.dist(
            rho,
            sigma,
            init_dist=init,
            steps=static_int(draw_shape(innovations.owner)[-1]),
            constant=self.constant,
            ar_order=self.ar_order,
            size=size,
        )


class AR(SymbolicDistribution):
    r"""Autoregressive process of order :math:`p` (``ar_order``), with Normal innovations.

    .. math::
        x_t = c + \sum_{k=1}^{p} \rho_k x_{t-k} + \epsilon_t,
        \quad \epsilon_t \sim \mathcal{N}(0, \sigma^2),
        \qquad (x_0, \dots, x_{p-1}) \sim \text{init\_dist}

    ========  ============================================================
    Support   :math:`x \in \mathbb{R}^{\text{steps} + p}`
    ========  ============================================================

    The time axis is the last one, with ``steps + ar_order`` entries; the leading axes are the
    batch shape (``size``), broadcast from ``rho`` (without its last axis), ``sigma`` and
    ``init_dist`` when neither ``size`` nor ``shape`` is given. The log-density of a value is
    that of its first ``ar_order`` entries under ``init_dist`` plus the Normal log-density of
    the innovations it implies, summed over time (the likelihood conditional on the first
    values, plus their own). Forward draws run a ``scan`` over innovations drawn beforehand.
    There is no default transform.

    Parameters
    ----------
    rho
        Coefficients, on the last axis: :math:`(\rho_1, \dots, \rho_p)`, or
        :math:`(c, \rho_1, \dots, \rho_p)` with ``constant=True``; :math:`\rho_k` multiplies
        :math:`x_{t-k}`. Leading axes broadcast against the batch shape.
    sigma
        Standard deviation of the innovations, > 0 (default 1). Mutually exclusive with ``tau``.
    tau
        Precision of the innovations, > 0.
    constant
        Whether the first entry of ``rho`` is the constant :math:`c`.
    init_dist
        Distribution of the first ``ar_order`` values, created with ``.dist()``: univariate
        (resized to ``(*batch, ar_order)``; its last axis, if any, runs over these values), or
        with one support dimension of length ``ar_order`` (resized to the batch shape).
        Defaults to ``ppl.Normal.dist(0, 100)``, with a warning.
    ar_order
        Order :math:`p`. Inferred from the length of the last axis of ``rho`` (minus one with
        ``constant=True``) when not given.
    steps
        Number of values after the initial ones. Inferred from the last entry of ``shape``
        (``steps + ar_order``) or from ``dims``/``observed`` when not given.

    Returns
    -------
    TensorVariable
        The random variable (registered in the model when created with a name).

    Raises
    ------
    ShapeError
        If ``ar_order`` cannot be inferred or disagrees with ``rho``, or the number of steps is
        neither given nor implied by the shape, or disagrees with it.
    ModelError
        If ``init_dist`` is a model variable or has more than one support dimension.
    ParameterValueError
        If a literal ``sigma`` or ``tau`` is not positive, or both are given.

    Examples
    --------
    >>> import numpy as np
    >>> import ppl
    >>> with ppl.Model():
    ...     rho = ppl.Normal("rho", 0.0, 0.5)
    ...     y = ppl.AR("y", rho=rho, sigma=1.0, init_dist=ppl.Normal.dist(0.0, 2.0),
    ...                observed=np.array([0.3, 0.1, -0.4, 0.2]))
    >>> ar2 = ppl.AR.dist([1.0, 0.5, -0.2], sigma=0.5, constant=True,
    ...                   init_dist=ppl.Normal.dist(0.0, 1.0), steps=10)
    >>> ppl.draw(ar2, random_seed=1).shape
    (12,)
    """

    rv_type = ARRV

    @classmethod
    def dist(
        cls,
        rho,
        sigma=None,
        tau=None,
        *,
        constant=False,
        init_dist=None,
        ar_order=None,
        steps=None,
        **kwargs,
    ):
        shape, size = size_arguments(cls, kwargs)
        sigma = as_float(resolve_sigma_tau(sigma, tau))
        rho = as_float(rho)
        if rho.type.ndim == 0:
            rho = rho[None]
        constant = bool(constant)
        ar_order = _ar_order(rho, constant, ar_order)
        batch, steps = time_series_shape(shape, size, steps, offset=ar_order)
        init = init_distribution(init_dist, max_ndim_supp=1)
        univariate = init.owner.op.ndim_supp == 0
        if univariate:
            init_batch = batch_shape_of(init)[:-1]  # its last axis runs over the initial values
        else:
            init_batch = batch_shape_of(init, 1)
            _check_init_length(init, ar_order)
        rho_batch, sigma_batch = batch_shape_of(rho, 1), batch_shape_of(sigma)
        if batch is None:
            batch = broadcast_shapes(rho_batch, sigma_batch, init_batch)
        batch = tuple(batch)
        check_fits_batch(batch, {"rho": rho_batch, "sigma": sigma_batch, "init_dist": init_batch})
        init = resized(init, (*batch, ar_order) if univariate else batch)
        innovations = Normal.dist(0.0, sigma[..., None], size=(*batch, steps))
        draw = _recursion(pt.cast(init, "float64"), innovations, rho, ar_order, constant)
        static = tuple(s if isinstance(s, int) else None for s in (*batch, steps))
        if isinstance(static[-1], int):
            draw = pt.specify_shape(draw, (*static[:-1], static[-1] + ar_order))
        return build_symbolic_rv(
            ARRV,
            draw,
            [rho, sigma],
            ndim_supp=1,
            components=[init, innovations],
            props={"ar_order": ar_order, "constant": constant},
        )

    @staticmethod
    def logp(op, value, rho, sigma, *params):
        init, innovations = op.components([rho, sigma, *params])
        order = op.ar_order
        init_logp = component_logp(init, value[..., :order], "init_dist")
        if init.owner.op.ndim_supp == 0:
            init_logp = pt.sum(init_logp, axis=-1)
        expected = _expectation(value, rho, order, op.constant)
        steps_logp = component_logp(innovations, value[..., order:] - expected, "innovations")
        return init_logp + pt.sum(steps_logp, axis=-1)

    @staticmethod
    def support_point(op, rv, rho, sigma, *params):
        """The initial distribution's support point, then its last value repeated."""
        init, _ = op.components([rho, sigma, *params])
        start = pt.cast(support_point(init), "float64")  # (*batch, ar_order)
        n_rest = draw_shape(rv.owner)[-1] - op.ar_order
        # repeat, not broadcast_to: PyTensor 3.0.7's local_merge_alloc rewrite turns an Alloc of
        # the Alloc of a support point into a failing shape assertion (an inner length of 1 that
        # is not yet a constant is asserted equal to the outer length).
        rest = pt.repeat(start[..., -1:], n_rest, axis=-1)
        return pt.cast(pt.concatenate([start, rest], axis=-1), rv.dtype)


def _ar_order(rho, constant: bool, ar_order) -> int:
    label = current_label.get() or "AR"
    n_coefs = static_int(rho.shape[-1]) if rho.type.shape[-1] is None else rho.type.shape[-1]
    if ar_order is None:
        if not isinstance(n_coefs, int):
            raise ShapeError(
                f"{label}: could not infer ar_order from the last axis of rho, whose length is "
                f"not known before evaluation (rho has type {rho.type}). Pass ar_order."
            )
        ar_order = n_coefs - int(constant)
    elif isinstance(ar_order, (int, np.integer)) and not isinstance(ar_order, bool):
        ar_order = int(ar_order)
    else:
        raise ShapeError(f"{label}: ar_order is {ar_order!r}, expected a positive int.")
    if ar_order < 1:
        inferred = (
            f" (rho has {n_coefs} coefficient(s) on its last axis"
            f"{', the first one the constant' if constant else ''})"
            if isinstance(n_coefs, int)
            else ""
        )
        raise ShapeError(f"{label}: ar_order is {ar_order}{inferred}, expected ar_order >= 1.")
    if isinstance(n_coefs, int) and n_coefs != ar_order + int(constant):
        raise ShapeError(
            f"{label}: rho has {n_coefs} coefficient(s) on its last axis, expected "
            f"ar_order + constant = {ar_order + int(constant)}."
        )
    return ar_order


def _check_init_length(init, ar_order: int) -> None:
    length = init.type.shape[-1]
    if length is not None and length != ar_order:
        raise ShapeError(
            f"{current_label.get() or 'AR'}: init_dist {label_for(init)} draws vectors of length "
            f"{length}, expected ar_order = {ar_order}."
        )


def _coefficients(rho, order: int, constant: bool):
    """The constant (or None) and the coefficients ``rho_1, ..., rho_p`` (``rho_k`` for lag k)."""
    offset = int(constant)
    return (rho[..., 0] if constant else None), [rho[..., offset + k] for k in range(order)]


def _expectation(value, rho, order: int, constant: bool):
    """``c + sum_k rho_k x[t - k]`` for every ``t >= order``, from the value."""
    const, coefs = _coefficients(rho, order, constant)
    n = value.shape[-1]
    terms = [coef[..., None] * value[..., order - k : n - k] for k, coef in enumerate(coefs, 1)]
    if const is not None:
        terms.append(const[..., None])
    return pt.add(*terms) if len(terms) > 1 else terms[0]


def _recursion(init, innovations, rho, order: int, constant: bool):
    """The draw: ``init`` (``(*batch, order)``) followed by the scan over ``innovations``."""

    def step(eps, *args):
        past, coefs_rho = args[:order], args[order]
        const, coefs = _coefficients(coefs_rho, order, constant)
        # past holds x[t - order], ..., x[t - 1]; rho_k multiplies x[t - k] = past[order - k]
        terms = [coef * past[order - k] for k, coef in enumerate(coefs, 1)]
        if const is not None:
            terms.append(const)
        return pt.cast(pt.add(*terms, eps), "float64")

    # With the single tap -1, scan takes the previous value itself, not a window of them
    initial = init[..., 0] if order == 1 else pt.moveaxis(init, -1, 0)
    values = pytensor.scan(
        step,
        sequences=[pt.moveaxis(innovations, -1, 0)],
        outputs_info=[{"initial": initial, "taps": list(range(-order, 0))}],
        # a copy: scan embeds a constant in its inner graph instead of taking it as an input,
        # and the composite's inner graph would then ignore its rho input
        non_sequences=[rho.copy()],
        return_updates=False,
    )
    return pt.concatenate([init, pt.moveaxis(values, 0, -1)], axis=-1)
