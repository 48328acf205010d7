"""Numerically stable PyTensor helpers used by the log-densities and transforms."""

import numpy as np
import pytensor.tensor as pt

__all__ = [
    "LOG_2PI",
    "LOG_PI",
    "invlogit",
    "logit",
    "log1mexp",
    "log1pexp",
    "logdiffexp",
    "logsumexp",
    "log_sigmoid",
    "log_ndtr",
    "floatX",
]

LOG_2PI = float(np.log(2 * np.pi))
LOG_PI = float(np.log(np.pi))


def floatX(x):
    """Cast a number or array to float64 (ppl computes in double precision)."""
    return np.asarray(x, dtype="float64")


def invlogit(x):
    """Logistic sigmoid ``1 / (1 + exp(-x))``."""
    return pt.sigmoid(x)


def logit(p):
    """Log-odds ``log(p / (1 - p))``."""
    return pt.log(p) - pt.log1p(-p)


def log1pexp(x):
    """``log(1 + exp(x))`` without overflow (softplus)."""
    return pt.softplus(x)


def log_sigmoid(x):
    """``log(sigmoid(x))`` = ``-softplus(-x)``, stable in both tails."""
    return -pt.softplus(-x)


def log1mexp(x):
    """``log(1 - exp(x))`` for ``x <= 0``, stable near 0 and for large negative x."""
    return pt.switch(x < -0.6931471805599453, pt.log1p(-pt.exp(x)), pt.log(-pt.expm1(x)))


def logdiffexp(a, b):
    """``log(exp(a) - exp(b))`` for ``a >= b``."""
    return a + log1mexp(b - a)


def logsumexp(x, axis=None, keepdims=False):
    """``log(sum(exp(x)))`` along ``axis``, shifted by the max for stability."""
    x_max = pt.max(x, axis=axis, keepdims=True)
    x_max = pt.switch(pt.isinf(x_max), 0.0, x_max)
    res = pt.log(pt.sum(pt.exp(x - x_max), axis=axis, keepdims=True)) + x_max
    return res if keepdims else pt.squeeze(res, axis=axis) if axis is not None else res.squeeze()


def log_ndtr(z):
    """``log(Phi(z))`` to full precision for every ``z``, from ``erfc`` and an asymptotic series.

    Built on ``erfc`` rather than ``erfcx``: PyTensor 3.0.7 rewrites ``log(erfcx(t) / 2.0)`` into
    ``log(erfcx(t)) + log(0.5)`` with ``log(0.5)`` computed in float32 (an absolute error of
    2e-9), and ``erfcx`` reaches Numba as a SciPy Cython function pointer, which Numba cannot
    cache (it is compiled again in every process, for every graph that uses it). ``erfc`` has
    neither problem; below z = -37,
    where it would underflow, the asymptotic series of Mills' ratio is exact to double precision.
    Each branch gets inputs clipped to its own range, so that no branch makes a nan gradient.
    """
    t_mid = pt.clip(z, -37.0, -1.0) / np.sqrt(2.0)
    middle = pt.log(pt.erfc(-t_mid)) - np.log(2.0)  # Phi = erfc(-z / sqrt 2) / 2
    upper = pt.log1p(-pt.erfc(pt.maximum(z, -1.0) / np.sqrt(2.0)) / 2.0)
    z_far = pt.minimum(z, -37.0)
    w = 1.0 / pt.square(z_far)
    series = 10395.0  # sum_k (-1)^k (2k - 1)!! w^k in Horner form; next term < 2e-17
    for coef in (-945.0, 105.0, -15.0, 3.0, -1.0, 1.0):
        series = coef + w * series
    far = -0.5 * pt.square(z_far) - 0.5 * LOG_2PI - pt.log(-z_far) + pt.log(series)
    return pt.switch(z < -37.0, far, pt.switch(z < -1.0, middle, upper))