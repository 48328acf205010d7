"""Interpolated distribution: a piecewise-linear density through given points."""

import numpy as np
import pytensor.tensor as pt
from pytensor.tensor.extra_ops import searchsorted
from pytensor.tensor.random.op import RandomVariable

from ppl.distributions.continuous._numba import register_numba_core
from ppl.distributions.distribution import Continuous, as_float, batch_broadcast
from ppl.exceptions import ParameterValueError
from ppl.logprob.checks import _constant_value, current_label
from ppl.transforms.elementwise import Interval

__all__ = ["Interpolated", "InterpolatedRV", "interpolated"]


class InterpolatedRV(RandomVariable):
    """Draws by inverse CDF from the piecewise-linear density through ``(x_points, pdf_points)``.

    ``pdf_points`` must be normalised and ``cdf_points`` its exact CDF at ``x_points``
    (:meth:`Interpolated.dist` computes both).
    """

    name = "interpolated"
    signature = "(n),(n),(n)->()"
    dtype = "floatX"
    _print_name = ("Interpolated", "\\operatorname{Interpolated}")

    @classmethod
    def rng_fn(cls, rng, x_points, pdf_points, cdf_points, size):
        batch = size if size is not None else np.broadcast_shapes(
            *(p.shape[:-1] for p in (x_points, pdf_points, cdf_points))
        )
        u = rng.random(size=batch)
        lattice = (_core(x_points), _core(pdf_points), _core(cdf_points))
        return np.asarray(_inverse_cdf_numpy(u, *lattice))


interpolated = InterpolatedRV()


def _core(points):
    """The one lattice of a parameter whose batch dimensions are broadcast copies.

    PyTensor adds length-1 batch dimensions to the parameters when ``size`` is given;
    :meth:`Interpolated.dist` builds a single lattice, so the first entry of each batch
    dimension is all of it.
    """
    return points[(0,) * (points.ndim - 1)] if points.ndim > 1 else points


def _inverse_cdf_numpy(u, x_points, pdf_points, cdf_points):
    r"""The point where the CDF reaches ``u``, by segment.

    On a segment the CDF is :math:`C_i + p_i t + k t^2 / 2` (:math:`k` the slope of the
    density); the root is written as :math:`t = 2r / (p_i + \sqrt{p_i^2 + 2kr})`,
    :math:`r = u - C_i`, which needs no division by :math:`k` (a flat segment is no special case)
    and does not cancel. The Numba kernel and :meth:`Interpolated.icdf` use the same formula.
    """
    n = x_points.shape[-1]
    i = np.clip(np.searchsorted(cdf_points, u, side="right") - 1, 0, n - 2)
    width = x_points[i + 1] - x_points[i]
    r = np.maximum(u - cdf_points[i], 0.0)
    slope = (pdf_points[i + 1] - pdf_points[i]) / width
    denom = pdf_points[i] + np.sqrt(np.maximum(pdf_points[i] ** 2 + 2.0 * slope * r, 0.0))
    t = np.where(denom > 0, 2.0 * r / np.where(denom > 0, denom, 1.0), 0.0)
    return x_points[i] + np.minimum(t, width)


@register_numba_core(InterpolatedRV)
def _interpolated_numba(rng, x_points, pdf_points, cdf_points):
    u = rng.random()
    n = x_points.shape[0]
    i = min(max(np.searchsorted(cdf_points, u, side="right") - 1, 0), n - 2)
    width = x_points[i + 1] - x_points[i]
    r = max(u - cdf_points[i], 0.0)
    slope = (pdf_points[i + 1] - pdf_points[i]) / width
    denom = pdf_points[i] + np.sqrt(max(pdf_points[i] ** 2 + 2.0 * slope * r, 0.0))
    t = 2.0 * r / denom if denom > 0 else 0.0
    return x_points[i] + min(t, width)


def _constant_points(name: str, value) -> np.ndarray:
    label = current_label.get() or "Interpolated"
    data = _constant_value(value)
    if data is None:
        raise ParameterValueError(
            f"{label}: {name} must be a constant array (NumPy array or list), got the symbolic "
            f"{value!r}."
        )
    if data.ndim != 1 or data.size < 2:
        raise ParameterValueError(
            f"{label}: {name} has shape {data.shape}, expected a 1-D array of at least 2 points."
        )
    if not np.all(np.isfinite(data)):
        raise ParameterValueError(f"{label}: {name} contains non-finite values, expected finite.")
    return data


def _normalised(x_points: np.ndarray, pdf_points: np.ndarray):
    label = current_label.get() or "Interpolated"
    if x_points.shape != pdf_points.shape:
        raise ParameterValueError(
            f"{label}: x_points has shape {x_points.shape} but pdf_points has shape "
            f"{pdf_points.shape}, expected the same shape."
        )
    if np.any(np.diff(x_points) <= 0):
        raise ParameterValueError(f"{label}: x_points is not strictly increasing.")
    if np.any(pdf_points < 0):
        raise ParameterValueError(
            f"{label}: pdf_points has negative values {pdf_points[pdf_points < 0]}, "
            "expected pdf_points >= 0."
        )
    areas = np.diff(x_points) * (pdf_points[1:] + pdf_points[:-1]) / 2.0
    total = areas.sum()
    if not total > 0:
        raise ParameterValueError(f"{label}: pdf_points are all 0, expected a positive area.")
    cdf_points = np.concatenate([[0.0], np.cumsum(areas / total)])
    return pdf_points / total, np.minimum(cdf_points, 1.0)


def _lattice(x_points, pdf_points, cdf_points):
    return _core(x_points), _core(pdf_points), _core(cdf_points)


def _segment_index(sorted_points, value):
    """Index ``i`` of the segment ``[p_i, p_{i+1}]`` holding each value (clipped to the ends)."""
    n = sorted_points.shape[-1]
    return pt.clip(searchsorted(sorted_points, value, side="right") - 1, 0, n - 2)


def _density(value, x_points, pdf_points, i):
    """The interpolated (normalised) density in segment ``i``, and the segment's width."""
    width = x_points[i + 1] - x_points[i]
    frac = pt.clip((value - x_points[i]) / width, 0.0, 1.0)
    return pdf_points[i] + (pdf_points[i + 1] - pdf_points[i]) * frac, width


class Interpolated(Continuous):
    r"""Distribution whose density interpolates linearly between given points.

    .. math:: f(x) \propto p_i + (p_{i+1} - p_i)\frac{x - x_i}{x_{i+1} - x_i},
              \qquad x_i \le x \le x_{i+1}

    normalised to integrate to 1. The lattice ``x_points`` may be uneven. The CDF is exact
    (piecewise quadratic), and draws invert it exactly.

    ========  ====================================================
    Support   :math:`x \in [x\_points[0], x\_points[-1]]`
    ========  ====================================================

    Parameters
    ----------
    x_points
        Strictly increasing lattice, a constant 1-D array (not a tensor).
    pdf_points
        Density at ``x_points``, >= 0, need not be normalised; a constant 1-D array.

    Returns
    -------
    TensorVariable
        The random variable (registered in the model when created with a name).

    Raises
    ------
    ParameterValueError
        If a parameter is symbolic, the shapes differ, ``x_points`` is not strictly increasing,
        or ``pdf_points`` has negative values or no area.

    Examples
    --------
    >>> import numpy as np
    >>> import ppl
    >>> x = np.linspace(-3, 3, 61)
    >>> with ppl.Model():
    ...     z = ppl.Interpolated("z", x_points=x, pdf_points=np.exp(-x**2 / 2))
    """

    rv_op = interpolated
    default_transform = Interval(bounds_fn=lambda rng, size, x, *_: (_core(x)[0], _core(x)[-1]))

    @classmethod
    def dist(cls, x_points, pdf_points, **kwargs):
        x_points = _constant_points("x_points", x_points)
        pdf_points, cdf_points = _normalised(x_points, _constant_points("pdf_points", pdf_points))
        params = [as_float(x_points), as_float(pdf_points), as_float(cdf_points)]
        return super().dist(params, **kwargs)

    @staticmethod
    def support_point(rv, size, x_points, pdf_points, cdf_points):
        # the median: F is strictly increasing there, so the density is positive
        median = Interpolated.icdf(pt.as_tensor_variable(0.5), x_points, pdf_points, cdf_points)
        return batch_broadcast(median, rv, size, x_points, pdf_points, cdf_points)

    @staticmethod
    def logp(value, x_points, pdf_points, cdf_points):
        x_points, pdf_points, _ = _lattice(x_points, pdf_points, cdf_points)
        density, _ = _density(value, x_points, pdf_points, _segment_index(x_points, value))
        inside = (value >= x_points[0]) & (value <= x_points[-1])
        return pt.switch(inside, pt.log(density), -np.inf)

    @staticmethod
    def logcdf(value, x_points, pdf_points, cdf_points):
        x_points, pdf_points, cdf_points = _lattice(x_points, pdf_points, cdf_points)
        i = _segment_index(x_points, value)
        density, width = _density(value, x_points, pdf_points, i)
        offset = pt.clip(value - x_points[i], 0.0, width)
        cdf = cdf_points[i] + offset * (pdf_points[i] + density) / 2.0
        # above the median use log1p(-(1 - F)), with 1 - F summed from the top: the mass above
        # the segment plus the trapezoid between the value and the segment's right end
        areas = (x_points[1:] - x_points[:-1]) * (pdf_points[1:] + pdf_points[:-1]) / 2.0
        above = pt.concatenate([pt.cumsum(areas[::-1])[::-1][1:], pt.zeros((1,), "float64")])
        sf = above[i] + (width - offset) * (density + pdf_points[i + 1]) / 2.0
        res = pt.switch(cdf < 0.5, pt.log(cdf), pt.log1p(-pt.clip(sf, 0.0, 1.0)))
        res = pt.switch(value < x_points[0], -np.inf, res)
        return pt.switch(value >= x_points[-1], 0.0, res)

    @staticmethod
    def icdf(value, x_points, pdf_points, cdf_points):
        # the formula of _inverse_cdf_numpy
        x_points, pdf_points, cdf_points = _lattice(x_points, pdf_points, cdf_points)
        i = _segment_index(cdf_points, value)
        width = x_points[i + 1] - x_points[i]
        r = pt.maximum(value - cdf_points[i], 0.0)
        slope = (pdf_points[i + 1] - pdf_points[i]) / width
        denom = pdf_points[i] + pt.sqrt(pt.maximum(pt.square(pdf_points[i]) + 2.0 * slope * r, 0.0))
        t = pt.switch(denom > 0, 2.0 * r / pt.switch(denom > 0, denom, 1.0), 0.0)
        res = pt.switch(pt.eq(value, 0), x_points[0], x_points[i] + pt.minimum(t, width))
        return pt.switch((value >= 0) & (value <= 1), res, np.nan)
