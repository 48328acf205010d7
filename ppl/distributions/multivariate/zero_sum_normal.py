"""ZeroSumNormal: a normal distribution constrained to sum to zero along its last axes."""

import functools
import operator
import warnings

import numpy as np
import pytensor.tensor as pt
from pytensor.graph.basic import Variable
from pytensor.tensor.random.op import RandomVariable

from ppl.distributions.distribution import Continuous, as_float, as_int, rv_shape
from ppl.distributions.multivariate._matrix_checks import constant_data
from ppl.distributions.multivariate._numba import register_numba_kernel
from ppl.exceptions import ParameterValueError, ShapeError
from ppl.logprob.checks import check_constant_parameter, check_parameters, current_label
from ppl.math import LOG_2PI
from ppl.transforms.zerosum import ZeroSumTransform

__all__ = ["ZeroSumNormal", "ZeroSumNormalRV", "zerosumnormal"]

#: A value is on the zero-sum subspace when each axis mean is within this (relative) tolerance.
ZEROSUM_RTOL = 1e-9


def _signature(n_zerosum_axes: int) -> str:
    support = ",".join(f"s{i}" for i in range(n_zerosum_axes))
    return f"(),(k)->({support})"


class ZeroSumNormalRV(RandomVariable):
    """Draws of ``Normal(0, sigma)`` with the mean along each zero-sum axis subtracted.

    Parameters are ``sigma`` (a scalar per batch entry) and ``support_shape`` (the lengths of the
    zero-sum axes, an integer vector). The op's signature has one output axis per zero-sum axis:
    ``ZeroSumNormalRV(signature=...)`` instances for different numbers of axes share this type.
    """

    name = "zerosumnormal"
    signature = _signature(1)
    dtype = "floatX"
    _print_name = ("ZeroSumNormal", "\\operatorname{ZeroSumNormal}")

    def _supp_shape_from_params(self, dist_params, param_shapes=None):
        support_shape = pt.flatten(dist_params[1])
        return [support_shape[i] for i in range(self.ndim_supp)]

    def rng_fn(self, rng, sigma, support_shape, size):
        n_axes = self.ndim_supp
        support = tuple(int(s) for s in np.ravel(support_shape)[-n_axes:])
        sigma = np.asarray(sigma)
        batch = tuple(size) if size is not None else sigma.shape
        draws = rng.normal(size=batch + support) * sigma.reshape(sigma.shape + (1,) * n_axes)
        for axis in range(-n_axes, 0):
            draws = draws - draws.mean(axis=axis, keepdims=True)
        return draws


_ops: dict[int, ZeroSumNormalRV] = {1: ZeroSumNormalRV()}


def _op_for(n_zerosum_axes: int) -> ZeroSumNormalRV:
    if n_zerosum_axes not in _ops:
        _ops[n_zerosum_axes] = ZeroSumNormalRV(signature=_signature(n_zerosum_axes))
    return _ops[n_zerosum_axes]


zerosumnormal = _ops[1]


def _center(block, outer, length, inner):
    """Subtract the mean along the middle axis of ``block`` (shape ``(outer, length, inner)``)."""
    for a in range(outer):
        for c in range(inner):
            total = 0.0
            for b in range(length):
                total += block[a, b, c]
            mean = total / length
            for b in range(length):
                block[a, b, c] -= mean


@register_numba_kernel(ZeroSumNormalRV, _center)
def _zerosumnormal_numba(op, jit):
    from numba.np.unsafe.ndarray import to_fixed_tuple

    n_axes = op.ndim_supp
    center = jit(_center)

    def kernel(rng, sigma, support_shape):
        total = 1
        for i in range(n_axes):
            total *= support_shape[i]
        flat = np.empty(total)
        for i in range(total):
            flat[i] = sigma * rng.standard_normal()
        outer, inner = 1, total
        for i in range(n_axes):
            length = support_shape[i]
            inner //= length
            center(flat.reshape((outer, length, inner)), outer, length, inner)
            outer *= length
        return flat.reshape(to_fixed_tuple(support_shape, n_axes))

    return kernel


def _default_transform(rv):
    return ZeroSumTransform(list(range(-rv.owner.op.ndim_supp, 0)))


_default_transform.name = "zerosum"  # for the docs catalogue (the transform depends on the op)


class ZeroSumNormal(Continuous):
    r"""Normal distribution constrained to sum to zero along its last ``n_zerosum_axes`` axes.

    It is the distribution of ``Normal(0, sigma)`` draws with the mean along each zero-sum axis
    subtracted. For one zero-sum axis of length ``K`` it is
    :math:`N\big(0, \sigma^2 (I_K - \tfrac{1}{K} J_K)\big)` (:math:`J_K` the matrix of ones):
    degenerate in :math:`\mathbb{R}^K`, so the density is taken on the ``D``-dimensional zero-sum
    subspace (:math:`D = \prod_i (K_i - 1)` over the zero-sum axes), where it is isotropic:

    .. math:: \log f(x \mid \sigma) = -\tfrac{D}{2} \log(2\pi) - D \log\sigma
              - \frac{\sum x^2}{2\sigma^2}

    ========  ========================================================================
    Support   :math:`x` with zero sum along each zero-sum axis
    Mean      :math:`0`
    Variance  :math:`\sigma^2 \prod_i (K_i - 1) / K_i` for each entry
    ========  ========================================================================

    The support shape comes from ``shape``, ``dims``, ``observed`` or ``support_shape``. In a model
    the variable is sampled through the ``zerosum`` transform: each zero-sum axis of length ``K``
    has ``K - 1`` unconstrained coordinates (an orthonormal basis, so no Jacobian term). Values
    whose axis means are not zero (within a relative tolerance of ``1e-9``) have density ``-inf``.

    Parameters
    ----------
    sigma
        Standard deviation of the underlying unconstrained normal, > 0 (default 1). It cannot vary
        along the zero-sum axes: those axes of ``sigma``, if present, must have length 1.
    n_zerosum_axes
        Number of trailing axes constrained to sum to zero (default 1).
    support_shape
        Lengths of the zero-sum axes, when ``shape``, ``dims`` and ``observed`` are not given.

    Raises
    ------
    ParameterValueError
        If a literal ``sigma`` is not positive, or ``n_zerosum_axes`` is not an integer >= 1.
    ShapeError
        If no support shape can be determined, it disagrees with ``shape``, or ``sigma`` has a
        length other than 1 along a zero-sum axis.

    Examples
    --------
    >>> import ppl
    >>> with ppl.Model(coords={"group": ["a", "b", "c"]}):
    ...     effect = ppl.ZeroSumNormal("effect", sigma=2.0, dims="group")
    >>> effect.type.shape
    (3,)
    """

    rv_op = zerosumnormal
    default_transform = _default_transform

    @classmethod
    def dist(cls, sigma=1.0, n_zerosum_axes=None, support_shape=None, **kwargs):
        label = current_label.get() or "ZeroSumNormal"
        zerosum_axes = kwargs.pop("zerosum_axes", None)
        if zerosum_axes is not None:
            warnings.warn(
                f"{label}: zerosum_axes is deprecated (as in PyMC); use n_zerosum_axes.",
                FutureWarning,
                stacklevel=3,
            )
            n_zerosum_axes = zerosum_axes if n_zerosum_axes is None else n_zerosum_axes
        n_axes = 1 if n_zerosum_axes is None else n_zerosum_axes
        if not isinstance(n_axes, (int, np.integer)) or isinstance(n_axes, bool) or n_axes < 1:
            raise ParameterValueError(
                f"{label}: n_zerosum_axes is {n_zerosum_axes!r}, expected an integer >= 1. "
                "Hint: for no zero-sum axis use ppl.Normal."
            )
        n_axes = int(n_axes)
        sigma = as_float(sigma)
        check_constant_parameter("sigma", sigma, lambda v: v > 0, "sigma > 0")
        sigma = _scalar_along_zerosum_axes(sigma, n_axes, label)
        shape, size = kwargs.pop("shape", None), kwargs.pop("size", None)
        support = _support_shape(support_shape, shape, n_axes, label)
        return super().dist([sigma, support], rv_op=_op_for(n_axes), shape=shape, size=size, **kwargs)

    @staticmethod
    def support_point(rv, size, sigma, support_shape):
        return pt.zeros(rv_shape(rv, size, sigma, support_shape), dtype=rv.dtype)

    @staticmethod
    def logp(value, sigma, support_shape):
        n_axes = support_shape.type.shape[-1]
        axes = tuple(range(-n_axes, 0))
        sigma_full = pt.shape_padright(sigma, n_axes)
        dof = functools.reduce(
            operator.mul, [pt.cast(value.shape[a], "float64") - 1.0 for a in axes]
        )
        res = -0.5 * pt.sum(pt.square(value / sigma_full), axis=axes)
        res = res - dof * (0.5 * LOG_2PI + pt.log(sigma))
        tolerance = ZEROSUM_RTOL * (1.0 + pt.max(pt.abs(value), axis=axes, keepdims=True))
        on_subspace = functools.reduce(
            operator.and_,
            [
                pt.all(pt.abs(pt.mean(value, axis=a, keepdims=True)) <= tolerance, axis=axes)
                for a in axes
            ],
        )
        res = pt.switch(on_subspace, res, -np.inf)
        return check_parameters(res, sigma > 0, msg="sigma > 0")


def _scalar_along_zerosum_axes(sigma: Variable, n_axes: int, label: str) -> Variable:
    """``sigma`` without its zero-sum axes, which must have length 1."""
    trailing = min(n_axes, sigma.type.ndim)
    if trailing == 0:
        return sigma
    if not all(sigma.type.broadcastable[-trailing:]):
        raise ShapeError(
            f"{label}: sigma has shape {sigma.type.shape}, expected length 1 along the "
            f"{n_axes} zero-sum axes (sigma cannot vary along them)."
        )
    data = constant_data(sigma)
    if data is not None:
        return as_float(data[(Ellipsis, *([0] * trailing))])
    return sigma[(Ellipsis, *([0] * trailing))]


def _support_shape(support_shape, shape, n_axes: int, label: str):
    """The lengths of the zero-sum axes, from ``support_shape`` or the last axes of ``shape``."""
    from_shape = None
    if shape is not None:
        if isinstance(shape, Variable):
            from_shape = shape[-n_axes:]
        else:
            shape = (shape,) if isinstance(shape, (int, np.integer)) else tuple(shape)
            if len(shape) < n_axes:
                raise ShapeError(
                    f"{label}: shape is {shape}, expected at least {n_axes} dimension(s) (the "
                    "zero-sum axes)."
                )
            from_shape = shape[len(shape) - n_axes :]
    if support_shape is None:
        if from_shape is None:
            raise ShapeError(
                f"{label}: the lengths of the zero-sum axes are unknown. Hint: give shape, dims, "
                "observed or support_shape."
            )
        return _static_length(_int_vector(from_shape), n_axes)
    support = _int_vector(support_shape)
    if support.type.ndim != 1 or support.type.shape[0] not in (None, n_axes):
        raise ShapeError(
            f"{label}: support_shape is {support_shape!r}, expected {n_axes} length(s) (one per "
            "zero-sum axis)."
        )
    data, expected = constant_data(support), _constant_tuple(from_shape)
    if data is not None and expected is not None and tuple(data.tolist()) != expected:
        raise ShapeError(
            f"{label}: support_shape is {tuple(data.tolist())}, but shape ends in {expected}."
        )
    return _static_length(support, n_axes)


def _static_length(vector: Variable, length: int) -> Variable:
    """``vector`` with a static length (the log-density reads the number of axes from it)."""
    if vector.type.shape[0] == length:
        return vector
    return pt.specify_shape(vector, (length,))


def _int_vector(values) -> Variable:
    """An int64 vector tensor from an int, a sequence (of ints or scalar tensors) or a tensor."""
    if isinstance(values, Variable):
        return values if values.dtype == "int64" else pt.cast(values, "int64")
    values = (values,) if isinstance(values, (int, np.integer)) else tuple(values)
    if all(isinstance(v, (int, np.integer)) for v in values):
        return as_int(np.asarray(values, dtype="int64"))
    return pt.cast(pt.stack([pt.as_tensor_variable(v) for v in values]), "int64")


def _constant_tuple(values) -> tuple | None:
    if values is None or isinstance(values, Variable):
        return None
    if all(isinstance(v, (int, np.integer)) for v in values):
        return tuple(int(v) for v in values)
    return None
