r"""Correlation matrices <-> unconstrained vectors, through canonical partial correlations.

An ``n x n`` correlation matrix ``C = L L^T`` has a lower-triangular Cholesky factor ``L`` with
unit-norm rows and a positive diagonal. Its ``m = n (n - 1) / 2`` strictly-lower entries are
given by canonical partial correlations (CPCs) ``z_ij`` in ``(-1, 1)``, ``i > j``
(Lewandowski, Kurowicka and Joe 2009):

.. math:: L_{ij} = z_{ij} \prod_{k<j} \sqrt{1 - z_{ik}^2}, \qquad
          L_{ii} = \prod_{k<i} \sqrt{1 - z_{ik}^2},

and ``z = tanh(y)`` makes them unconstrained. With :math:`S_{ij} = \sum_{k<j} \log(1 - z_{ik}^2)`
the log-Jacobians are

- ``y -> z``: :math:`\sum \log(1 - z_{ij}^2)`;
- ``z -> L`` (strictly-lower entries; triangular within a row):
  :math:`\tfrac12 \sum_{i>j} S_{ij}`;
- ``L -> C`` (strictly-lower entries; block triangular by rows, the block of row ``i`` is
  ``L[:i, :i]``): :math:`\sum_j (n - 1 - j) \log L_{jj}` with :math:`\log L_{jj} = S_{jj}/2`.

Everything is computed from ``log(1 - tanh(y)^2) = 2 (log 2 - |y| - log1p(exp(-2|y|)))``, so
it stays finite for any finite ``y``.

The vector ``y`` lists the CPCs in the order of the packed upper triangle of ``C`` (row-major,
``np.triu_indices(n, 1)``): entry ``p`` belongs to the pair ``(a, b)``, ``a < b``, i.e. to
``z_ba``. :func:`cpc_to_corr_cholesky` and :func:`corr_cholesky_to_cpc` are the building blocks
(also for distributions on Cholesky factors); :class:`CPCTransform` is the transform of
:class:`~ppl.LKJCorr`'s packed correlations.
"""

import numpy as np
import pytensor.tensor as pt
from pytensor.tensor.linalg import cholesky

from ppl.transforms.transform import Transform

__all__ = [
    "CPCTransform",
    "cpc_to_corr_cholesky",
    "corr_cholesky_to_cpc",
    "pack_upper",
    "unpack_upper",
]


def _check_n(n) -> int:
    if not isinstance(n, (int, np.integer)) or n < 2:
        raise ValueError(f"Correlation transforms: n is {n!r}, expected an integer >= 2.")
    return int(n)


def _scatter_lower(n: int) -> np.ndarray:
    """``(m, n*n)`` 0/1 matrix: packed entry ``p`` of pair ``(a, b)`` -> flat position ``(b, a)``."""
    rows, cols = np.triu_indices(n, 1)
    out = np.zeros((rows.size, n * n))
    out[np.arange(rows.size), cols * n + rows] = 1.0
    return out


def _gather_matrix(n: int, positions: np.ndarray) -> np.ndarray:
    """``(n*n, len(positions))`` 0/1 matrix picking flat positions (a matmul, not a gather).

    Gathers and cumulative sums are written as products with constant matrices: the graph then
    has only dot products and elementwise operations, which compile much faster under Numba.
    """
    out = np.zeros((n * n, positions.size))
    out[positions, np.arange(positions.size)] = 1.0
    return out


def _exclusive_cumsum(x, n: int):
    """``sum_{k<j} x[..., i, k]`` along the last axis of ``(..., n, n)``."""
    return pt.matmul(x, pt.constant(np.triu(np.ones((n, n)), 1)))


def _batch_shape(x, core_ndim: int) -> tuple:
    return tuple(x.shape[i] for i in range(x.ndim - core_ndim))


def _to_lower_matrix(v, n: int):
    """Packed ``(..., m)`` -> ``(..., n, n)`` with the entries at the strictly-lower positions."""
    flat = pt.matmul(v, pt.constant(_scatter_lower(n)))
    return flat.reshape((*_batch_shape(v, 1), n, n))


def _log1m_tanh_sq(y):
    """``log(1 - tanh(y)^2)``, accurate and finite for every finite ``y``."""
    a = pt.abs(y)
    return 2.0 * (np.log(2.0) - a - pt.log1p(pt.exp(-2.0 * a)))


def _cpc_parts(y, n: int):
    """``(Z, S, log_diag, log(1 - z^2))`` with ``S`` the exclusive row-cumsum of ``log(1-z^2)``."""
    log1m_z2 = _log1m_tanh_sq(y)
    z_mat = _to_lower_matrix(pt.tanh(y), n)
    lz_mat = _to_lower_matrix(log1m_z2, n)
    exclusive = _exclusive_cumsum(lz_mat, n)
    log_diag = 0.5 * pt.sum(lz_mat, axis=-1)
    return z_mat, exclusive, log_diag, log1m_z2


def cpc_to_corr_cholesky(y, n: int):
    """Cholesky factor of a correlation matrix from unconstrained CPCs.

    Parameters
    ----------
    y
        Unconstrained values, shape ``(..., n (n - 1) / 2)`` (packed upper-triangle order).
    n
        Matrix dimension, a Python integer >= 2.

    Returns
    -------
    (L, log_jac, log_diag)
        ``L`` with shape ``(..., n, n)``; ``log|det dL/dy|`` over the strictly-lower entries of
        ``L``, shape ``(...)``; and ``log(diag(L))``, shape ``(..., n)``.

    Raises
    ------
    ValueError
        If ``n`` is not an integer >= 2.

    Examples
    --------
    >>> import numpy as np
    >>> from ppl.transforms.correlation import cpc_to_corr_cholesky
    >>> L, _, _ = cpc_to_corr_cholesky(np.array([0.5, -0.2, 1.0]), 3)
    >>> np.allclose((L @ L.T).eval().diagonal(), 1.0)
    True
    """
    n = _check_n(n)
    y = pt.as_tensor_variable(y)
    z_mat, exclusive, log_diag, log1m_z2 = _cpc_parts(y, n)
    strict_lower = np.tril(np.ones((n, n)), -1)
    chol = z_mat * pt.exp(0.5 * exclusive) + pt.exp(log_diag)[..., None] * np.eye(n)
    log_jac = pt.sum(log1m_z2, axis=-1) + 0.5 * pt.sum(exclusive * strict_lower, axis=(-2, -1))
    return chol, log_jac, log_diag


def corr_cholesky_to_cpc(chol, n: int):
    """Unconstrained CPCs ``y`` (packed upper-triangle order) of a correlation Cholesky factor.

    The inverse of :func:`cpc_to_corr_cholesky`.

    Parameters
    ----------
    chol
        Lower-triangular factors with unit-norm rows and a positive diagonal, shape
        ``(..., n, n)``.
    n
        Matrix dimension, a Python integer >= 2.

    Returns
    -------
    TensorVariable
        ``y`` with shape ``(..., n (n - 1) / 2)``.

    Raises
    ------
    ValueError
        If ``n`` is not an integer >= 2.

    Examples
    --------
    >>> import numpy as np
    >>> from ppl.transforms.correlation import corr_cholesky_to_cpc, cpc_to_corr_cholesky
    >>> L, _, _ = cpc_to_corr_cholesky(np.array([0.5, -0.2, 1.0]), 3)
    >>> np.round(corr_cholesky_to_cpc(L, 3).eval(), 6)
    array([ 0.5, -0.2,  1. ])
    """
    n = _check_n(n)
    chol = pt.as_tensor_variable(chol)
    remaining = 1.0 - _exclusive_cumsum(pt.square(chol), n)
    lower = np.tril(np.ones((n, n), dtype=bool), -1)
    # Above the diagonal the remaining norm is 0: keep those (unused) entries away from 0 / 0.
    z_mat = chol / pt.sqrt(pt.switch(lower, remaining, 1.0))
    rows, cols = np.triu_indices(n, 1)
    flat = z_mat.reshape((*_batch_shape(chol, 2), n * n))
    return pt.arctanh(pt.matmul(flat, pt.constant(_gather_matrix(n, cols * n + rows))))


def unpack_upper(packed, n: int):
    """Correlation matrix from its packed upper triangle (row-major, ``np.triu_indices(n, 1)``).

    Parameters
    ----------
    packed
        Correlations above the diagonal, shape ``(..., n (n - 1) / 2)``.
    n
        Matrix dimension, a Python integer >= 2.

    Returns
    -------
    TensorVariable
        The symmetric matrix with a unit diagonal, shape ``(..., n, n)``.

    Raises
    ------
    ValueError
        If ``n`` is not an integer >= 2.

    Examples
    --------
    >>> from ppl.transforms.correlation import unpack_upper
    >>> unpack_upper([0.1, 0.2, 0.3], 3).eval()
    array([[1. , 0.1, 0.2],
           [0.1, 1. , 0.3],
           [0.2, 0.3, 1. ]])
    """
    n = _check_n(n)
    packed = pt.as_tensor_variable(packed)
    lower = _to_lower_matrix(packed, n)
    return lower + pt.swapaxes(lower, -1, -2) + np.eye(n)


def pack_upper(matrix, n: int):
    """Packed upper triangle (row-major, ``np.triu_indices(n, 1)``) of matrices ``(..., n, n)``.

    Parameters
    ----------
    matrix
        Square matrices, shape ``(..., n, n)``.
    n
        Matrix dimension, a Python integer >= 2.

    Returns
    -------
    TensorVariable
        The entries above the diagonal, shape ``(..., n (n - 1) / 2)``.

    Raises
    ------
    ValueError
        If ``n`` is not an integer >= 2.

    Examples
    --------
    >>> import numpy as np
    >>> from ppl.transforms.correlation import pack_upper
    >>> pack_upper(np.arange(9.0).reshape(3, 3), 3).eval()
    array([1., 2., 5.])
    """
    n = _check_n(n)
    matrix = pt.as_tensor_variable(matrix)
    rows, cols = np.triu_indices(n, 1)
    flat = matrix.reshape((*_batch_shape(matrix, 2), n * n))
    return pt.matmul(flat, pt.constant(_gather_matrix(n, rows * n + cols)))


class CPCTransform(Transform):
    """Packed correlations (upper triangle of a correlation matrix) <-> unconstrained CPCs.

    Parameters
    ----------
    n
        Dimension of the correlation matrix (the packed vector has length ``n (n - 1) / 2``).

    Raises
    ------
    ValueError
        If ``n`` is not an integer >= 2.

    Examples
    --------
    >>> import numpy as np
    >>> from ppl.transforms import CPCTransform
    >>> t = CPCTransform(3)
    >>> corr = t.backward(np.array([0.5, -0.2, 1.0])).eval()
    >>> np.allclose(t.forward(corr).eval(), [0.5, -0.2, 1.0])
    True
    """

    name = "cpc"
    ndim_supp = 1

    def __init__(self, n: int):
        self.n = _check_n(n)

    def forward(self, value, *inputs):
        return corr_cholesky_to_cpc(cholesky(unpack_upper(value, self.n), lower=True), self.n)

    def backward(self, value, *inputs):
        chol, _, _ = cpc_to_corr_cholesky(value, self.n)
        return pack_upper(pt.matmul(chol, pt.swapaxes(chol, -1, -2)), self.n)

    def log_jac_det(self, value, *inputs):
        _, log_jac, log_diag = cpc_to_corr_cholesky(value, self.n)
        weights = np.arange(self.n - 1, -1, -1, dtype="float64")  # n - 1 - j
        return log_jac + pt.sum(weights * log_diag, axis=-1)

    def __repr__(self) -> str:
        return f"CPCTransform({self.n})"
