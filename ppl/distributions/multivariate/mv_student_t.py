"""Multivariate Student-t distribution, given by a scale matrix, a precision or a Cholesky factor."""

import warnings

import numpy as np
import pytensor.tensor as pt
from pytensor.tensor.linalg import cholesky, inv, solve_triangular
from pytensor.tensor.random.op import RandomVariable

from ppl.distributions.continuous._numba import register_numba_core
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
from ppl.logprob.checks import (
    CheckParameterValue,
    check_constant_parameter,
    check_parameters,
    current_label,
)
from ppl.math import LOG_PI

__all__ = ["MvStudentT", "MvStudentTRV", "mvstudentt"]


class MvStudentTRV(RandomVariable):
    """Draws ``mu + L z / sqrt(w / nu)``: ``z`` standard normal, ``w ~ chi2(nu)``, ``L L^T = scale``.

    PyTensor (3.0.7) has no multivariate Student-t op.
    """

    name = "mvstudentt"
    signature = "(),(n),(n,n)->(n)"
    dtype = "floatX"
    _print_name = ("MvStudentT", "\\operatorname{MvStudentT}")

    @classmethod
    def rng_fn(cls, rng, nu, mu, scale, size):
        nu, mu, scale = np.asarray(nu), np.asarray(mu), np.asarray(scale)
        if size is None:
            size = np.broadcast_shapes(nu.shape, mu.shape[:-1], scale.shape[:-2])
        size = tuple(size)
        factor = np.linalg.cholesky(scale)
        z = rng.standard_normal(size=size + mu.shape[-1:])
        w = rng.chisquare(np.broadcast_to(nu, size)) / nu
        return mu + np.einsum("...ij,...j->...i", factor, z) / np.sqrt(w)[..., None]


mvstudentt = MvStudentTRV()


@register_numba_core(MvStudentTRV)
def _mvstudentt_numba(rng, nu, mu, scale):
    factor = np.linalg.cholesky(scale)
    n = mu.shape[0]
    z = np.empty(n)
    for i in range(n):
        z[i] = rng.standard_normal()
    root_w = np.sqrt(rng.chisquare(nu) / nu)
    out = np.empty(n)
    for i in range(n):
        total = 0.0
        for j in range(i + 1):
            total += factor[i, j] * z[j]
        out[i] = mu[i] + total / root_w
    return out


class MvStudentT(Continuous):
    r"""Multivariate Student-t distribution.

    .. math:: f(x \mid \nu, \mu, \Sigma) =
              \frac{\Gamma\left[(\nu + p)/2\right]}{\Gamma(\nu/2)\,\nu^{p/2}\pi^{p/2}
              |\Sigma|^{1/2}}
              \left[1 + \frac{1}{\nu} (x - \mu)^\top \Sigma^{-1} (x - \mu)\right]^{-(\nu + p)/2}

    ========  ==========================================
    Support   :math:`x \in \mathbb{R}^p`
    Mean      :math:`\mu` if :math:`\nu > 1`, else undefined
    Variance  :math:`\frac{\nu}{\nu - 2}\Sigma` if :math:`\nu > 2`, else undefined
    ========  ==========================================

    The last axis is the support dimension: ``mu`` has shape ``(..., p)`` and the matrices
    ``(..., p, p)``; leading (batch) dimensions broadcast, also with those of ``nu``. A scalar
    ``mu`` is broadcast to length ``p``.

    Parameters
    ----------
    nu
        Degrees of freedom, > 0.
    Sigma
        Scale matrix (PyMC's older name of ``scale``).
    mu
        Location vector (default 0).
    scale
        Scale matrix :math:`\Sigma`, symmetric positive definite.
    tau
        Precision matrix :math:`\Sigma^{-1}`, symmetric positive definite.
    chol
        Cholesky factor of the scale matrix, :math:`\Sigma = L L^\top`, with a positive diagonal.
    lower
        Whether ``chol`` is lower triangular (default) or upper triangular
        (:math:`\Sigma = U^\top U`).

    Raises
    ------
    ParameterValueError
        If not exactly one of ``Sigma``/``scale``, ``tau`` and ``chol`` is given, a literal
        ``nu`` is not positive, or a literal matrix is not square, symmetric and positive
        definite (``chol``: triangular with a positive diagonal). Symbolic parameters are
        checked when the log-density is evaluated.
    ShapeError
        If the last dimensions of ``mu`` and the matrix disagree.

    Examples
    --------
    >>> import numpy as np
    >>> import ppl
    >>> with ppl.Model():
    ...     x = ppl.MvStudentT("x", nu=4.0, mu=np.zeros(2), scale=np.array([[1.0, 0.3], [0.3, 2.0]]))
    >>> x.type.shape
    (2,)
    """

    rv_op = mvstudentt

    @classmethod
    def dist(cls, nu, *, Sigma=None, mu=0.0, scale=None, tau=None, chol=None, lower=True, **kwargs):
        label = current_label.get() or "MvStudentT"
        cov = kwargs.pop("cov", None)
        if cov is not None:
            warnings.warn(
                f"{label}: the cov argument is deprecated (as in PyMC); use scale.",
                FutureWarning,
                stacklevel=3,
            )
            scale = cov if scale is None else scale
        if Sigma is not None:
            if scale is not None:
                raise ParameterValueError(f"{label}: give only one of scale and Sigma.")
            scale = Sigma
        scale_name = "scale"
        if Sigma is not None:
            scale_name = "Sigma"
        scale = _resolve_scale(scale, tau, chol, lower, label, scale_name)
        nu = as_float(nu)
        check_constant_parameter("nu", nu, lambda v: v > 0, "nu > 0")
        mu = as_float(mu)
        check_last_dims_agree("mu", mu, "scale", scale)
        if mu.type.ndim == 0 or mu.type.shape[-1] != scale.type.shape[-1]:
            mu = pt.broadcast_arrays(mu, scale[..., -1])[0]
        return super().dist([nu, mu, scale], **kwargs)

    @staticmethod
    def support_point(rv, size, nu, mu, scale):
        return batch_broadcast(mu, rv, size, nu, mu, scale)

    @staticmethod
    def logp(value, nu, mu, scale):
        factor = cholesky(scale, lower=True)
        ok = pt.all(pt.isfinite(factor))
        # A failed factorisation is all nan; the identity keeps the solve below well defined
        # until the check raises.
        safe_factor = pt.switch(ok, factor, pt.eye(scale.shape[-1]))
        z = solve_triangular(safe_factor, value - mu, lower=True, b_ndim=1)
        p = pt.cast(value.shape[-1], "float64")
        log_det = pt.sum(pt.log(pt.diagonal(safe_factor, axis1=-2, axis2=-1)), axis=-1)
        quad = pt.sum(pt.square(z), axis=-1)
        res = (
            pt.gammaln(0.5 * (nu + p))
            - pt.gammaln(0.5 * nu)
            - 0.5 * p * (pt.log(nu) + LOG_PI)
            - log_det
            - 0.5 * (nu + p) * pt.log1p(quad / nu)
        )
        label = current_label.get() or "MvStudentT"
        symmetric = pt.all(pt.isclose(scale, pt.swapaxes(scale, -1, -2)))
        res = CheckParameterValue(f"{label}: scale must be symmetric.")(res, symmetric)
        res = CheckParameterValue(
            f"{label}: scale must be positive definite (its Cholesky factorisation failed)."
        )(res, ok)
        return check_parameters(res, nu > 0, msg="nu > 0")


def _resolve_scale(scale, tau, chol, lower, label, scale_name):
    """The scale matrix from exactly one of ``scale``, ``tau`` and ``chol``, with eager checks."""
    given = [
        name for name, x in ((scale_name, scale), ("tau", tau), ("chol", chol)) if x is not None
    ]
    if len(given) != 1:
        raise ParameterValueError(
            f"{label}: give exactly one of scale (or Sigma), tau or chol, got "
            f"{', '.join(given) if given else 'none'}."
        )
    name = given[0]
    matrix = as_float({scale_name: scale, "tau": tau, "chol": chol}[name])
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
    if name == scale_name:
        return matrix
    if data is not None:
        inverse = np.linalg.inv(data)
        return as_float(0.5 * (inverse + np.swapaxes(inverse, -1, -2)))
    inverse = inv(matrix)
    return 0.5 * (inverse + pt.swapaxes(inverse, -1, -2))
