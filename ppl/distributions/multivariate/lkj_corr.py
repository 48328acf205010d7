"""LKJCorr: the LKJ distribution of correlation matrices, as packed upper-triangular correlations."""

import numpy as np
import pytensor.tensor as pt
from pytensor.tensor.linalg import cholesky
from pytensor.tensor.random.op import RandomVariable

from ppl.distributions.distribution import Continuous, as_float, as_int, rv_shape
from ppl.distributions.multivariate._lkj import (
    corr_cholesky_core,
    draw_corr_cholesky,
    lkj_log_normaliser,
    static_dimension,
)
from ppl.distributions.multivariate._numba import register_numba_kernel
from ppl.logprob.checks import check_constant_parameter, check_parameters, current_label
from ppl.transforms.correlation import CPCTransform, unpack_upper

__all__ = ["LKJCorr", "LKJCorrRV", "lkjcorr"]


class LKJCorrRV(RandomVariable):
    """Draws of LKJ(eta) correlation matrices of dimension ``n``, packed (upper triangle).

    The canonical partial correlations are drawn as independent scaled Beta variates and mapped
    to the Cholesky factor (see :mod:`ppl.distributions.multivariate._lkj`).
    """

    name = "lkjcorr"
    signature = "(),()->(m)"
    dtype = "floatX"
    _print_name = ("LKJCorr", "\\operatorname{LKJCorr}")

    def _supp_shape_from_params(self, dist_params, param_shapes=None):
        n = pt.flatten(dist_params[0])[0]
        return [(n * (n - 1)) // 2]

    @classmethod
    def rng_fn(cls, rng, n, eta, size):
        n, eta = int(np.ravel(n)[0]), np.asarray(eta)
        size = tuple(size) if size is not None else eta.shape
        chol = draw_corr_cholesky(rng, n, eta, size)
        corr = chol @ np.swapaxes(chol, -1, -2)
        rows, cols = np.triu_indices(n, 1)
        return corr[..., rows, cols]


lkjcorr = LKJCorrRV()


@register_numba_kernel(LKJCorrRV, corr_cholesky_core)
def _lkjcorr_numba(op, jit):
    draw_cholesky = jit(corr_cholesky_core)

    def kernel(rng, n, eta):
        chol = draw_cholesky(rng, n, eta)
        out = np.empty(n * (n - 1) // 2)
        p = 0
        for a in range(n):
            for b in range(a + 1, n):
                total = 0.0
                for k in range(a + 1):
                    total += chol[a, k] * chol[b, k]
                out[p] = total
                p += 1
        return out

    return kernel


def _default_transform(rv):
    return CPCTransform(static_dimension(rv.owner.op.dist_params(rv.owner)[0], "LKJCorr"))


_default_transform.name = "cpc"  # for the docs catalogue (the transform depends on n)


class LKJCorr(Continuous):
    r"""LKJ (Lewandowski, Kurowicka and Joe) distribution of correlation matrices.

    .. math:: f(C \mid \eta) = \frac{\det(C)^{\eta - 1}}{c_n(\eta)}, \qquad
              c_n(\eta) = \prod_{k=1}^{n-1}
              \left[2^{2\beta_k - 1} B(\beta_k, \beta_k)\right]^{n-k},
              \quad \beta_k = \eta + \frac{n - 1 - k}{2}

    ========  ==============================================================
    Support   :math:`n \times n` correlation matrices (positive definite)
    Mean      the identity matrix
    ========  ==============================================================

    ``eta = 1`` is the uniform distribution over correlation matrices; larger ``eta`` put more
    mass near the identity, smaller ones near singular matrices. Each correlation is marginally
    ``2 Beta(eta + (n - 2) / 2, eta + (n - 2) / 2) - 1``.

    As in PyMC, the variable holds the ``n (n - 1) / 2`` correlations above the diagonal, in
    row-major order (``np.triu_indices(n, 1)``); with ``return_matrix=True`` the call returns the
    full ``n x n`` matrix built from them (the model variable stays the packed vector). In a model
    the variable is sampled through the ``cpc`` transform (canonical partial correlations), so
    every unconstrained point is a valid correlation matrix. Packed values that are not a
    positive-definite correlation matrix have density ``-inf``.

    Parameters
    ----------
    n
        Dimension of the correlation matrix, a constant integer >= 2.
    eta
        Shape parameter, > 0; it may have batch dimensions.
    return_matrix
        Return the full correlation matrix instead of the packed correlations.

    Raises
    ------
    ParameterValueError
        If ``n`` is not a constant integer >= 2, or a literal ``eta`` is not positive.

    Examples
    --------
    >>> import ppl
    >>> with ppl.Model():
    ...     corr = ppl.LKJCorr("corr", n=3, eta=2.0)
    ...     matrix = ppl.LKJCorr("matrix", n=3, eta=2.0, return_matrix=True)
    >>> corr.type.shape, matrix.type.shape
    ((3,), (3, 3))
    """

    rv_op = lkjcorr
    default_transform = _default_transform

    def __new__(cls, name, *args, return_matrix=False, **kwargs):
        rv = super().__new__(cls, name, *args, **kwargs)
        return _as_matrix(rv) if return_matrix else rv

    @classmethod
    def dist(cls, n, eta, *, return_matrix=False, **kwargs):
        label = current_label.get() or "LKJCorr"
        n = as_int(static_dimension(n, label))
        eta = as_float(eta)
        check_constant_parameter("eta", eta, lambda v: v > 0, "eta > 0")
        rv = super().dist([n, eta], **kwargs)
        return _as_matrix(rv) if return_matrix else rv

    @staticmethod
    def support_point(rv, size, n, eta):
        return pt.zeros(rv_shape(rv, size, n, eta), dtype=rv.dtype)

    @staticmethod
    def logp(value, n, eta):
        dim = static_dimension(n, current_label.get() or "LKJCorr")
        chol = cholesky(unpack_upper(value, dim), lower=True)
        # A matrix that is not positive definite factors to nan: outside the support.
        ok = pt.all(pt.isfinite(chol), axis=(-2, -1))
        safe_chol = pt.switch(pt.shape_padright(ok, 2), chol, np.eye(dim))
        log_det = 2.0 * pt.sum(pt.log(pt.diagonal(safe_chol, axis1=-2, axis2=-1)), axis=-1)
        res = (eta - 1.0) * log_det - lkj_log_normaliser(dim, eta)
        res = pt.switch(ok, res, -np.inf)
        return check_parameters(res, eta > 0, msg="eta > 0")


def _as_matrix(rv):
    n = static_dimension(rv.owner.op.dist_params(rv.owner)[0], "LKJCorr")
    return unpack_upper(rv, n)
