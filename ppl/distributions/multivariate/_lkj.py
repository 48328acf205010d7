r"""Pieces of the LKJ distribution shared by distributions on correlation matrices.

The LKJ density of an ``n x n`` correlation matrix is :math:`\det(C)^{\eta - 1} / c_n(\eta)` with
respect to its off-diagonal entries. Under it the canonical partial correlations (CPCs, see
:mod:`ppl.transforms.correlation`) are independent: ``z_ij`` (``i > j``) is
``2 Beta(b_j, b_j) - 1`` with ``b_j = eta + (n - 2 - j) / 2``. Since
:math:`\det C = \prod_{i>j} (1 - z_{ij}^2)` and the Jacobian of ``z -> C`` is
:math:`\prod_{i>j} (1 - z_{ij}^2)^{(n - 2 - j)/2}`, integrating over the CPCs gives

.. math:: c_n(\eta) = \prod_{k=1}^{n-1} \left[2^{2\beta_k - 1} B(\beta_k, \beta_k)\right]^{n-k},
          \qquad \beta_k = \eta + (n - 1 - k) / 2,

(Lewandowski, Kurowicka and Joe 2009, eq. 16). The density of the Cholesky factor ``L`` (over
its strictly-lower entries) follows with the ``L -> C`` Jacobian
:math:`\prod_j L_{jj}^{n-1-j}`:
:math:`\log p(L) = -\log c_n(\eta) + \sum_j (n - 1 - j + 2\eta - 2) \log L_{jj}`.
"""

import numpy as np
import pytensor.tensor as pt
from pytensor.tensor.basic import get_underlying_scalar_constant_value
from pytensor.tensor.exceptions import NotScalarConstantError

from ppl.exceptions import ParameterValueError

__all__ = [
    "lkj_log_normaliser",
    "lkj_cholesky_logp",
    "cpc_beta_parameters",
    "corr_cholesky_from_cpcs",
    "draw_corr_cholesky",
    "corr_cholesky_core",
    "static_dimension",
]


def static_dimension(n, label: str) -> int:
    """The matrix dimension ``n`` as a Python int; it must be a constant integer >= 2."""
    try:
        value = get_underlying_scalar_constant_value(pt.as_tensor_variable(n))
    except NotScalarConstantError:
        value = None
    if value is None or np.ndim(value) != 0 or float(value) != int(value) or int(value) < 2:
        raise ParameterValueError(
            f"{label}: parameter n is {n!r}, expected a constant integer n >= 2 (the matrix "
            "dimension fixes the shape of the variable)."
        )
    return int(value)


def lkj_log_normaliser(n: int, eta):
    """``log c_n(eta)``, the log normalising constant of ``det(C)^(eta - 1)`` (batched in eta)."""
    k = np.arange(1, n, dtype="float64")
    beta = pt.shape_padright(eta) + (n - 1 - k) / 2.0
    log_integral = (
        (2.0 * beta - 1.0) * np.log(2.0) + 2.0 * pt.gammaln(beta) - pt.gammaln(2.0 * beta)
    )
    return pt.sum((n - k) * log_integral, axis=-1)


def lkj_cholesky_logp(log_diag, eta, n: int):
    """Log-density of the Cholesky factor of an LKJ(eta) correlation matrix.

    ``log_diag`` is ``log(diag(L))``, shape ``(..., n)``; the density is with respect to the
    strictly-lower entries of ``L``.
    """
    weights = np.arange(n - 1, -1, -1, dtype="float64")  # n - 1 - j
    exponents = weights + 2.0 * (pt.shape_padright(eta) - 1.0)
    return pt.sum(exponents * log_diag, axis=-1) - lkj_log_normaliser(n, eta)


def cpc_beta_parameters(n: int, eta):
    """Beta parameters ``b`` of the CPCs in packed upper-triangle order, shape ``eta.shape + (m,)``."""
    rows, _ = np.triu_indices(n, 1)  # packed entry (a, b), a < b, is the CPC z_ba of column a
    return np.asarray(eta)[..., None] + (n - 2 - rows) / 2.0


def corr_cholesky_from_cpcs(z: np.ndarray, n: int) -> np.ndarray:
    """NumPy: Cholesky factors ``(..., n, n)`` from CPCs ``(..., m)`` in packed order."""
    rows, cols = np.triu_indices(n, 1)
    z_mat = np.zeros(z.shape[:-1] + (n, n))
    z_mat[..., cols, rows] = z
    # remaining[..., i, j] = prod_{k<j} (1 - z_ik^2): the squared norm row i has left at column j
    remaining = np.cumprod(1.0 - z_mat**2, axis=-1)
    remaining = np.concatenate([np.ones(z.shape[:-1] + (n, 1)), remaining[..., :-1]], axis=-1)
    chol = np.tril(z_mat, -1) * np.sqrt(remaining)
    idx = np.arange(n)
    chol[..., idx, idx] = np.sqrt(remaining[..., idx, idx])
    return chol


def draw_corr_cholesky(rng: np.random.Generator, n: int, eta, size: tuple) -> np.ndarray:
    """NumPy: Cholesky factors of LKJ(eta) draws, shape ``size + (n, n)`` (``eta`` broadcasts)."""
    b = np.broadcast_to(cpc_beta_parameters(n, eta), tuple(size) + (n * (n - 1) // 2,))
    return corr_cholesky_from_cpcs(2.0 * rng.beta(b, b) - 1.0, n)


def corr_cholesky_core(rng, n, eta):
    """One Cholesky factor of an LKJ(eta) draw (plain loops, compilable by Numba)."""
    chol = np.zeros((n, n))
    chol[0, 0] = 1.0
    for i in range(1, n):
        remaining = 1.0
        for j in range(i):
            b = eta + (n - 2 - j) / 2.0
            z = 2.0 * rng.beta(b, b) - 1.0
            chol[i, j] = z * np.sqrt(remaining)
            remaining *= 1.0 - z * z
        chol[i, i] = np.sqrt(remaining)
    return chol
