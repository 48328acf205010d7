"""Numerically stable PyTensor helpers, and a drop-in for PyMC 5's ``pymc.math``.

``import ppl as pm; pm.math.<name>(...)`` works for the names PyMC's module offers: the PyTensor
functions it re-exports (``exp``, ``switch``, ``logaddexp``, ...), which are re-exported here as
the same objects, and its own helpers (``invlogit``, ``probit``, ``expand_packed_triangular``,
...), written for ppl. ``logsumexp``, ``log1pexp`` and ``log1mexp`` are ppl's own versions (stable
in every tail), not PyTensor's. ``lgamma`` is left out: PyTensor 3 has only ``gammaln``.
"""

import functools

import numpy as np
import pytensor.tensor as pt

# The names PyMC re-exports from PyTensor, packed to keep the module under its line limit.
# isort: off
from pytensor.tensor import (
    abs, and_, arccos, arccosh, arcsin, arcsinh, arctan, arctanh, broadcast_to, ceil, clip,
    concatenate, constant, cos, cosh, cumprod, cumsum, dot, eq, erf, erfc, erfcinv, erfinv,
    exp, flatten, floor, full, full_like, gammaln, ge, gt, le, log, logaddexp, lt, matmul, max,
    maximum, mean, min, minimum, neq, ones, ones_like, or_, prod, round, sigmoid, sin, sinh,
    sqr, sqrt, stack, std, sum, switch, tan, tanh, var, where, zeros, zeros_like,
)
from pytensor.tensor.linalg import det, matrix_inverse
from pytensor.tensor.special import log_softmax, softmax
# isort: on

# PyTensor's ``sgn`` is deprecated (it warns, then calls ``sign``): PyMC's name, no warning.
sgn = pt.sign

__all__ = [
    # ppl's own helpers
    "LOG_2PI", "LOG_PI", "floatX", "invlogit", "logit", "log1mexp", "log1pexp", "logdiffexp",
    "logsumexp", "log_sigmoid", "log_ndtr", "probit", "invprobit", "matrix_dot", "kronecker",
    "flat_outer", "expand_packed_triangular", "batched_diag", "block_diagonal", "cartesian",
    # re-exported from PyTensor, as in ``pymc.math``
    "abs", "and_", "arccos", "arccosh", "arcsin", "arcsinh", "arctan", "arctanh", "broadcast_to",
    "ceil", "clip", "concatenate", "constant", "cos", "cosh", "cumprod", "cumsum", "det", "dot",
    "eq", "erf", "erfc", "erfcinv", "erfinv", "exp", "flatten", "floor", "full", "full_like",
    "gammaln", "ge", "gt", "le", "log", "log_softmax", "logaddexp", "lt", "matmul",
    "matrix_inverse", "max", "maximum", "mean", "min", "minimum", "neq", "ones", "ones_like",
    "or_", "prod", "round", "sgn", "sigmoid", "sin", "sinh", "softmax", "sqr", "sqrt", "stack",
    "std", "sum", "switch", "tan", "tanh", "var", "where", "zeros", "zeros_like",
]  # fmt: skip

#: :math:`\log(2\pi)`.
LOG_2PI = float(np.log(2 * np.pi))
#: :math:`\log(\pi)`.
LOG_PI = float(np.log(np.pi))


def floatX(x):
    """Cast a number or array to float64 (ppl computes in double precision)."""
    return np.asarray(x, dtype="float64")


def invlogit(x):
    """Logistic sigmoid ``1 / (1 + exp(-x))``, the inverse of :func:`logit`.

    Parameters
    ----------
    x
        Log-odds, any real values.

    Returns
    -------
    TensorVariable
        Probabilities in ``[0, 1]``, elementwise.

    Examples
    --------
    >>> float(invlogit(0.0).eval())
    0.5
    """
    return pt.sigmoid(x)


def logit(p):
    """Log-odds ``log(p / (1 - p))``, the inverse of :func:`invlogit`.

    Parameters
    ----------
    p
        Probabilities in ``[0, 1]``; 0 and 1 give ``-inf`` and ``inf``.

    Returns
    -------
    TensorVariable
        Log-odds, elementwise.

    Examples
    --------
    >>> float(logit(0.5).eval())
    0.0
    """
    p = pt.as_tensor_variable(p)
    return pt.log(p) - pt.log1p(-p)


def log1pexp(x):
    """``log(1 + exp(x))`` without overflow (softplus)."""
    return pt.softplus(x)


def log_sigmoid(x):
    """``log(sigmoid(x))`` = ``-softplus(-x)``, stable in both tails."""
    return -pt.softplus(-x)


def log1mexp(x):
    """``log(1 - exp(x))`` for ``x <= 0``, stable near 0 and for large negative ``x``.

    Parameters
    ----------
    x
        Values ``<= 0`` (``x = 0`` gives ``-inf``; ``x > 0`` gives nan).

    Returns
    -------
    TensorVariable
        ``log(1 - exp(x))``, elementwise: ``log(-expm1(x))`` above ``-log 2``,
        ``log1p(-exp(x))`` below.

    Examples
    --------
    >>> f"{float(log1mexp(-1e-20).eval()):.4f}"  # log(1e-20)
    '-46.0517'
    """
    x = pt.as_tensor_variable(x)
    return pt.switch(x < -0.6931471805599453, pt.log1p(-pt.exp(x)), pt.log(-pt.expm1(x)))


def logdiffexp(a, b):
    """``log(exp(a) - exp(b))`` for ``a >= b``, without leaving log space.

    Parameters
    ----------
    a, b
        Log-values with ``a >= b`` (``a == b`` gives ``-inf``).

    Returns
    -------
    TensorVariable
        ``a + log1mexp(b - a)``, elementwise.

    Examples
    --------
    >>> f"{float(logdiffexp(0.0, -1.0).eval()):.6f}"  # log(1 - exp(-1))
    '-0.458675'
    """
    a, b = pt.as_tensor_variable(a), pt.as_tensor_variable(b)
    return a + log1mexp(b - a)


def logsumexp(x, axis=None, keepdims=True):
    """``log(sum(exp(x)))`` along ``axis``, shifted by the max for stability.

    As in PyMC, the reduced axes are kept (length 1) unless ``keepdims=False``.
    """
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
    z = pt.as_tensor_variable(z)
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


def probit(p):
    """Standard normal quantile ``-sqrt(2) erfcinv(2 p)``, the inverse of :func:`invprobit`.

    Written with ``erfcinv`` rather than ``erfinv(2 p - 1)``, so that small ``p`` keep their
    relative precision.

    Parameters
    ----------
    p
        Probabilities in ``[0, 1]``; 0 and 1 give ``-inf`` and ``inf``.

    Returns
    -------
    TensorVariable
        Quantiles of the standard normal distribution, elementwise.

    Examples
    --------
    >>> f"{float(probit(0.975).eval()):.6f}"
    '1.959964'
    """
    return -np.sqrt(2.0) * pt.erfcinv(2.0 * pt.as_tensor_variable(p))


def invprobit(x):
    """Standard normal cdf ``Phi(x) = erfc(-x / sqrt(2)) / 2``, the inverse of :func:`probit`.

    Parameters
    ----------
    x
        Any real values.

    Returns
    -------
    TensorVariable
        Probabilities in ``[0, 1]``, elementwise, to full relative precision in the lower tail.

    Examples
    --------
    >>> f"{float(invprobit(1.959964).eval()):.6f}"
    '0.975000'
    """
    return 0.5 * pt.erfc(-pt.as_tensor_variable(x) / np.sqrt(2.0))


def matrix_dot(*args):
    """The matrix product ``args[0] @ args[1] @ ...``, in sequence from the left.

    Parameters
    ----------
    *args
        Matrices (or vectors) with matching inner dimensions.

    Returns
    -------
    TensorVariable
        ``dot(dot(args[0], args[1]), args[2]) ...``.

    Raises
    ------
    ValueError
        If no matrix is given.

    Examples
    --------
    >>> import numpy as np
    >>> matrix_dot(np.eye(2), [[1.0, 2.0], [3.0, 4.0]], [1.0, 1.0]).eval()
    array([3., 7.])
    """
    if not args:
        raise ValueError("matrix_dot: got no matrices, expected at least one.")
    return functools.reduce(pt.dot, [pt.as_tensor_variable(a) for a in args])


def kronecker(*Ks):
    """The Kronecker product ``K1 ⊗ K2 ⊗ ...`` of several matrices (``np.kron`` in sequence).

    Parameters
    ----------
    *Ks
        Matrices.

    Returns
    -------
    TensorVariable
        A matrix whose shape is the elementwise product of the shapes of ``Ks``.

    Raises
    ------
    ValueError
        If no matrix is given.

    Examples
    --------
    >>> import numpy as np
    >>> kronecker(np.eye(2), [[1.0, 2.0]]).eval()
    array([[1., 2., 0., 0.],
           [0., 0., 1., 2.]])
    """
    if not Ks:
        raise ValueError("kronecker: got no matrices, expected at least one.")
    return functools.reduce(pt.linalg.kron, [pt.as_tensor_variable(K) for K in Ks])


def flat_outer(a, b):
    """The outer product of ``a`` and ``b``, each flattened to a vector first.

    Parameters
    ----------
    a, b
        Tensors of any shape.

    Returns
    -------
    TensorVariable
        Matrix of shape ``(a.size, b.size)``.

    Examples
    --------
    >>> flat_outer([[1.0], [2.0]], [1.0, 10.0]).eval()
    array([[ 1., 10.],
           [ 2., 20.]])
    """
    return pt.outer(pt.flatten(a), pt.flatten(b))


def batched_diag(C):
    """Diagonal matrices from rows of diagonals, or the diagonals of a batch of matrices.

    Parameters
    ----------
    C
        Shape ``(b, n)``: ``b`` diagonals; or shape ``(b, n, n)``: ``b`` square matrices.

    Returns
    -------
    TensorVariable
        Shape ``(b, n, n)``, the diagonal matrices; or shape ``(b, n)``, the diagonals.

    Raises
    ------
    ValueError
        If ``C`` does not have 2 or 3 dimensions.

    Examples
    --------
    >>> batched_diag([[1.0, 2.0]]).eval()
    array([[[1., 0.],
            [0., 2.]]])
    """
    C = pt.as_tensor_variable(C)
    if C.ndim == 2:
        return C[:, :, None] * pt.eye(C.shape[-1], dtype=C.dtype)
    if C.ndim == 3:
        return pt.diagonal(C, axis1=1, axis2=2)
    raise ValueError(
        f"batched_diag: C has {C.ndim} dimensions, expected 2 (rows of diagonals) "
        "or 3 (a batch of square matrices)."
    )


def block_diagonal(matrices, sparse: bool = False, format: str = "csr"):
    """The block-diagonal matrix with ``matrices`` along its diagonal, zero elsewhere.

    Parameters
    ----------
    matrices
        A sequence of matrices (``(..., r, c)`` tensors; leading dimensions broadcast).
    sparse
        PyMC's option for a sparse result; ppl builds dense matrices only.
    format
        Sparse format (``"csr"`` or ``"csc"``), used only with ``sparse=True``.

    Returns
    -------
    TensorVariable
        Shape ``(..., sum of rows, sum of columns)``.

    Raises
    ------
    NotImplementedError
        If ``sparse=True``.
    ValueError
        If ``matrices`` is empty.

    Examples
    --------
    >>> block_diagonal([[[1.0]], [[2.0, 3.0]]]).eval()
    array([[1., 0., 0.],
           [0., 2., 3.]])
    """
    if sparse:
        raise NotImplementedError(
            f"block_diagonal: sparse=True (format={format!r}) is not supported, ppl has no sparse "
            "block matrices. Use sparse=False for a dense matrix."
        )
    matrices = [pt.as_tensor_variable(matrix) for matrix in matrices]
    if not matrices:
        raise ValueError("block_diagonal: got no matrices, expected at least one.")
    return matrices[0] if len(matrices) == 1 else pt.linalg.block_diag(*matrices)


def cartesian(*arrays):
    """The Cartesian product of NumPy arrays: one row per combination, the first varying slowest.

    Parameters
    ----------
    *arrays
        1-D arrays (each entry is one choice), or 2-D arrays (each row is one choice).

    Returns
    -------
    numpy.ndarray
        Shape ``(len(arrays[0]) * len(arrays[1]) * ..., k)``, where ``k`` is the number of 1-D
        arrays plus the number of columns of the 2-D ones.

    Raises
    ------
    ValueError
        If no array is given, or one is not 1-D or 2-D.

    Examples
    --------
    >>> cartesian([1, 2], [3, 4, 5])
    array([[1, 3],
           [1, 4],
           [1, 5],
           [2, 3],
           [2, 4],
           [2, 5]])
    """
    if not arrays:
        raise ValueError("cartesian: got no arrays, expected at least one.")
    blocks = [np.asarray(array) for array in arrays]
    for i, block in enumerate(blocks):
        if block.ndim not in (1, 2):
            raise ValueError(f"cartesian: array {i} has shape {block.shape}, expected 1-D or 2-D.")
    blocks = [block[:, None] if block.ndim == 1 else block for block in blocks]
    choices = np.indices([len(block) for block in blocks]).reshape(len(blocks), -1)
    picked = [block[rows] for block, rows in zip(blocks, choices, strict=True)]
    return np.concatenate(picked, axis=1)


# At the end: ppl.transforms imports this module (a cycle if imported above). The same function
# as ``ppl.expand_packed_triangular`` (the LKJ transforms use it).
from ppl.transforms.cholesky import expand_packed_triangular  # noqa: E402
