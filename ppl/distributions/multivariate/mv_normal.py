"""Multivariate normal distribution, given by a covariance, a precision or a Cholesky factor."""

import numpy as np
import pytensor.tensor as pt
from pytensor.tensor.linalg import cholesky, inv, solve_triangular
from pytensor.tensor.random.basic import multivariate_normal

from ppl.distributions.distribution import Continuous, as_float, batch_broadcast
from ppl.distributions.multivariate._matrix_checks import (
    check_last_dims_agree,
    check_min_ndim,
    check_positive_definite,
    check_square,
    check_symmetric,
    check_triangular_positive_diagonal,
    constant_data,
)
from ppl.exceptions import ParameterValueError
from ppl.logprob.checks import CheckParameterValue, current_label
from ppl.math import LOG_2PI

__all__ = ["MvNormal"]


class MvNormal(Continuous):
    r"""Multivariate normal distribution.

    .. math:: f(x \mid \mu, \Sigma) = (2\pi)^{-n/2} |\Sigma|^{-1/2}
              \exp\left(-\tfrac{1}{2} (x-\mu)^\top \Sigma^{-1} (x-\mu)\right)

    ========  ==========================
    Support   :math:`x \in \mathbb{R}^n`
    Mean      :math:`\mu`
    Variance  :math:`\Sigma = T^{-1} = L L^\top`
    ========  ==========================

    The last axis is the support dimension: ``mu`` has shape ``(..., n)`` and ``cov``, ``tau``
    and ``chol`` have shape ``(..., n, n)``; leading (batch) dimensions broadcast. A scalar
    ``mu`` is broadcast to length ``n``.

    Parameters
    ----------
    mu
        Mean vector (default 0).
    cov
        Covariance matrix :math:`\Sigma`, symmetric positive definite.
    tau
        Precision matrix :math:`T = \Sigma^{-1}`, symmetric positive definite.
    chol
        Cholesky factor of the covariance: :math:`\Sigma = L L^\top`, with a positive diagonal.
    lower
        Whether ``chol`` is lower triangular (default) or upper triangular
        (:math:`\Sigma = U^\top U`).
    method
        How forward draws factor the covariance: ``"cholesky"`` (default), ``"svd"`` or
        ``"eigh"``. It does not change the log-density.

    Raises
    ------
    ParameterValueError
        If not exactly one of ``cov``, ``tau`` and ``chol`` is given, or a literal matrix is not
        square, symmetric and positive definite (``chol``: triangular with a positive diagonal).
        A symbolic covariance that is not positive definite raises when the log-density is
        evaluated.
    ShapeError
        If the last dimensions of ``mu`` and the matrix disagree.

    Examples
    --------
    >>> import numpy as np
    >>> import ppl
    >>> with ppl.Model():
    ...     x = ppl.MvNormal("x", mu=np.zeros(2), cov=np.array([[1.0, 0.5], [0.5, 2.0]]))
    >>> x.type.shape
    (2,)
    """

    rv_op = multivariate_normal

    @classmethod
    def dist(
        cls, mu=0.0, cov=None, *, tau=None, chol=None, lower=True, method="cholesky", **kwargs
    ):
        cov = _resolve_cov(cov, tau, chol, lower)
        mu = as_float(mu)
        check_last_dims_agree("mu", mu, "cov", cov)
        if mu.type.ndim == 0 or mu.type.shape[-1] != cov.type.shape[-1]:
            mu = pt.broadcast_arrays(mu, cov[..., -1])[0]
        if method not in ("cholesky", "svd", "eigh"):
            raise ParameterValueError(
                f"{current_label.get() or 'MvNormal'}: method is {method!r}, expected one of "
                "'cholesky', 'svd' or 'eigh'."
            )
        rv = super().dist([mu, cov], **kwargs)
        if method == rv.owner.op.method:
            return rv
        # Same op type (so the same logp), other sampling method: rebuild the node once.
        op = type(rv.owner.op)(**{**rv.owner.op._props_dict(), "method": method})
        return op.make_node(*rv.owner.inputs).outputs[1]

    @staticmethod
    def support_point(rv, size, mu, cov):
        return batch_broadcast(mu, rv, size, mu, cov)

    @staticmethod
    def logp(value, mu, cov):
        chol_cov = cholesky(cov, lower=True)
        ok = pt.all(pt.isfinite(chol_cov))
        # A failed factorisation is all nan; the identity keeps the solve below well defined
        # until the check raises.
        safe_chol = pt.switch(ok, chol_cov, pt.eye(cov.shape[-1]))
        delta = value - mu
        z = solve_triangular(safe_chol, delta, lower=True, b_ndim=1)
        n = pt.cast(value.shape[-1], "float64")
        log_det = pt.sum(pt.log(pt.diagonal(safe_chol, axis1=-2, axis2=-1)), axis=-1)
        res = -0.5 * n * LOG_2PI - log_det - 0.5 * pt.sum(pt.square(z), axis=-1)
        label = current_label.get() or "MvNormal"
        symmetric = pt.all(pt.isclose(cov, pt.swapaxes(cov, -1, -2)))
        res = CheckParameterValue(f"{label}: cov must be symmetric.")(res, symmetric)
        return CheckParameterValue(
            f"{label}: cov must be positive definite (its Cholesky factorisation failed)."
        )(res, ok)


def _resolve_cov(cov, tau, chol, lower):
    """The covariance from exactly one of ``cov``, ``tau`` and ``chol``, with eager checks."""
    given = [name for name, x in (("cov", cov), ("tau", tau), ("chol", chol)) if x is not None]
    if len(given) != 1:
        raise ParameterValueError(
            f"{current_label.get() or 'MvNormal'}: give exactly one of cov, tau or chol, got "
            f"{', '.join(given) if given else 'none'}."
        )
    name = given[0]
    matrix = as_float({"cov": cov, "tau": tau, "chol": chol}[name])
    check_min_ndim(name, matrix, 2)
    check_square(name, matrix)
    data = constant_data(matrix)
    if name == "chol":
        check_triangular_positive_diagonal(name, data, lower)
        if data is not None:
            factor = data if lower else np.swapaxes(data, -1, -2)
            return as_float(factor @ np.swapaxes(factor, -1, -2))
        factor = matrix if lower else pt.swapaxes(matrix, -1, -2)
        return factor @ pt.swapaxes(factor, -1, -2)
    check_symmetric(name, data)
    check_positive_definite(name, data)
    if name == "cov":
        return matrix
    if data is not None:
        inverse = np.linalg.inv(data)
        return as_float(0.5 * (inverse + np.swapaxes(inverse, -1, -2)))
    inverse = inv(matrix)
    return 0.5 * (inverse + pt.swapaxes(inverse, -1, -2))

