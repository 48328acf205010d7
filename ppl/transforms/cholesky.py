r"""Packed lower-triangular matrices, and the transform of packed covariance Cholesky factors.

As in PyMC, a triangular ``n x n`` matrix is packed into the ``m = n (n + 1) / 2`` entries of its
triangle in row-major order: ``np.tril_indices(n)`` for a lower triangle,
``[L00, L10, L11, L20, L21, L22, ...]``, so the diagonal entry of row ``i`` sits at position
``i (i + 3) / 2``; ``np.triu_indices(n)`` for an upper one.

A Cholesky factor of a covariance matrix is lower triangular with a positive diagonal.
:class:`CholeskyCovPacked` maps its packed form to :math:`\mathbb{R}^m` with ``log`` on the
diagonal entries and the identity elsewhere; the log-Jacobian of the way back is the sum of
the unconstrained diagonal entries.

Gathers and scatters are products with constant 0/1 matrices (as in
:mod:`ppl.transforms.correlation`): the graphs then hold only dot products and elementwise
operations, which compile fast under Numba and differentiate simply.
"""

import numpy as np
import pytensor.tensor as pt

from ppl.transforms.transform import Transform

__all__ = [
    "CholeskyCovPacked",
    "expand_packed_triangular",
    "pack_lower_triangular",
    "packed_diagonal_positions",
]


def _check_n(n, label: str, minimum: int = 1) -> int:
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)):
        raise TypeError(f"{label}: expected n to be a Python integer, got {n!r}.")
    if n < minimum:
        raise ValueError(f"{label}: n is {n}, expected an integer >= {minimum}.")
    return int(n)


def packed_diagonal_positions(n: int, lower: bool = True) -> np.ndarray:
    """Positions of the diagonal entries in a packed ``n x n`` triangular matrix.

    Parameters
    ----------
    n
        Matrix dimension.
    lower
        Lower (``np.tril_indices``) or upper (``np.triu_indices``) packing.

    Returns
    -------
    numpy.ndarray
        ``n`` integer positions into the packed vector.

    Examples
    --------
    >>> from ppl.transforms.cholesky import packed_diagonal_positions
    >>> packed_diagonal_positions(3), packed_diagonal_positions(3, lower=False)
    (array([0, 2, 5]), array([0, 3, 5]))
    """
    rows, cols = np.tril_indices(n) if lower else np.triu_indices(n)
    return np.flatnonzero(rows == cols)


def _scatter_matrix(n: int, lower: bool) -> np.ndarray:
    """``(m, n*n)`` 0/1 matrix: packed entry ``p`` -> its flat position in the matrix."""
    rows, cols = np.tril_indices(n) if lower else np.triu_indices(n)
    out = np.zeros((rows.size, n * n))
    out[np.arange(rows.size), rows * n + cols] = 1.0
    return out


def _batch_shape(x, core_ndim: int) -> tuple:
    return tuple(x.shape[i] for i in range(x.ndim - core_ndim))


def _as_packed(packed, n: int, label: str):
    packed = pt.as_tensor_variable(packed)
    if packed.ndim < 1:
        raise ValueError(f"{label}: packed must have at least one dimension, got a scalar.")
    m = n * (n + 1) // 2
    if packed.type.shape[-1] is not None and packed.type.shape[-1] != m:
        raise ValueError(
            f"{label}: packed has last dimension {packed.type.shape[-1]}, expected "
            f"n (n + 1) / 2 = {m} for n = {n}."
        )
    if not packed.dtype.startswith("float"):
        packed = pt.cast(packed, "float64")
    return packed


def expand_packed_triangular(n: int, packed, lower: bool = True, diagonal_only: bool = False):
    """The triangular matrix (or its diagonal) whose packed triangle is ``packed``.

    Parameters
    ----------
    n
        Matrix dimension, a Python integer.
    packed
        The ``n (n + 1) / 2`` entries of the triangle in row-major order, shape
        ``(..., n (n + 1) / 2)``; leading dimensions are batch dimensions.
    lower
        Whether ``packed`` holds a lower triangle (``np.tril_indices(n)``) or an upper one
        (``np.triu_indices(n)``).
    diagonal_only
        Return only the diagonal, shape ``(..., n)``.

    Returns
    -------
    TensorVariable
        The matrix, shape ``(..., n, n)``, zero outside the triangle; or its diagonal.

    Raises
    ------
    TypeError
        If ``n`` is not an integer.
    ValueError
        If ``n < 1``, ``packed`` is a scalar, or its static last dimension is not
        ``n (n + 1) / 2``.

    Examples
    --------
    >>> from ppl.transforms.cholesky import expand_packed_triangular
    >>> expand_packed_triangular(3, [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]).eval()
    array([[1., 0., 0.],
           [2., 3., 0.],
           [4., 5., 6.]])
    >>> expand_packed_triangular(3, [1.0, 2.0, 3.0, 4.0, 5.0, 6.0], lower=False).eval()
    array([[1., 2., 3.],
           [0., 4., 5.],
           [0., 0., 6.]])
    >>> expand_packed_triangular(3, [1.0, 2.0, 3.0, 4.0, 5.0, 6.0], diagonal_only=True).eval()
    array([1., 3., 6.])
    """
    label = "expand_packed_triangular"
    n = _check_n(n, label)
    packed = _as_packed(packed, n, label)
    if diagonal_only:
        gather = np.zeros((n * (n + 1) // 2, n))
        gather[packed_diagonal_positions(n, lower), np.arange(n)] = 1.0
        return pt.matmul(packed, pt.constant(gather))
    flat = pt.matmul(packed, pt.constant(_scatter_matrix(n, lower)))
    return flat.reshape((*_batch_shape(packed, 1), n, n))


def pack_lower_triangular(matrix, n: int):
    """The packed lower triangle (row-major, ``np.tril_indices(n)``) of ``(..., n, n)`` matrices.

    The inverse of :func:`expand_packed_triangular` on lower-triangular matrices; entries above
    the diagonal are ignored.

    Parameters
    ----------
    matrix
        Square matrices, shape ``(..., n, n)``.
    n
        Matrix dimension, a Python integer.

    Returns
    -------
    TensorVariable
        Shape ``(..., n (n + 1) / 2)``.

    Raises
    ------
    TypeError
        If ``n`` is not an integer.
    ValueError
        If ``n < 1``.

    Examples
    --------
    >>> import numpy as np
    >>> from ppl.transforms.cholesky import pack_lower_triangular
    >>> pack_lower_triangular(np.arange(9.0).reshape(3, 3), 3).eval()
    array([0., 3., 4., 6., 7., 8.])
    """
    n = _check_n(n, "pack_lower_triangular")
    matrix = pt.as_tensor_variable(matrix)
    flat = matrix.reshape((*_batch_shape(matrix, 2), n * n))
    return pt.matmul(flat, pt.constant(_scatter_matrix(n, True).T))


class CholeskyCovPacked(Transform):
    """Packed lower-triangular Cholesky factors (positive diagonal) <-> unconstrained vectors.

    ``log`` on the ``n`` diagonal entries, the identity on the others; ``log|det J|`` of the way
    back is the sum of the unconstrained diagonal entries.

    Parameters
    ----------
    n
        Matrix dimension (the packed vector has length ``n (n + 1) / 2``).

    Raises
    ------
    TypeError
        If ``n`` is not an integer.
    ValueError
        If ``n < 1``.

    Examples
    --------
    >>> import numpy as np
    >>> from ppl.transforms import CholeskyCovPacked
    >>> t = CholeskyCovPacked(2)
    >>> t.backward(np.array([0.0, -0.5, np.log(2.0)])).eval()
    array([ 1. , -0.5,  2. ])
    >>> round(float(t.log_jac_det(np.array([0.0, -0.5, np.log(2.0)])).eval()), 6)
    0.693147
    """

    name = "cholesky-cov-packed"
    ndim_supp = 1

    def __init__(self, n: int):
        self.n = _check_n(n, "CholeskyCovPacked")
        mask = np.zeros(n * (n + 1) // 2, dtype=bool)
        mask[packed_diagonal_positions(self.n)] = True
        self._diagonal = mask

    def forward(self, value, *inputs):
        value = pt.as_tensor_variable(value)
        # log only where it is used: the other branch of a switch still feeds the gradient
        return pt.switch(self._diagonal, pt.log(pt.switch(self._diagonal, value, 1.0)), value)

    def backward(self, value, *inputs):
        value = pt.as_tensor_variable(value)
        return pt.switch(self._diagonal, pt.exp(pt.switch(self._diagonal, value, 0.0)), value)

    def log_jac_det(self, value, *inputs):
        return pt.sum(pt.switch(self._diagonal, value, 0.0), axis=-1)

    def __repr__(self) -> str:
        return f"CholeskyCovPacked({self.n})"
