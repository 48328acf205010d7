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
    """``log(Phi(z))``, the log standard-normal CDF, accurate in the lower tail."""
    return pt.switch(
        z < -1.0,
        pt.log(pt.erfcx(-z / np.sqrt(2.0)) / 2.0) - z**2 / 2.0,
        pt.log1p(-pt.erfc(z / np.sqrt(2.0)) / 2.0),
    )
