r"""LKJCholeskyCov: the Cholesky factor of a covariance with LKJ correlations and given scales.

The variable is the packed lower triangle (``np.tril_indices(n)``, row-major, as PyMC) of
``L = diag(s) C``: ``s`` are the standard deviations, drawn from ``sd_dist``, and ``C`` is the
Cholesky factor of an LKJ(eta) correlation matrix (unit-norm rows, positive diagonal). So ``s``
are the row norms of ``L`` and ``C = diag(s)^{-1} L``, and ``L L^T`` has correlation matrix
``C C^T`` and standard deviations ``s``.

Density. Row ``i`` of ``L`` (``i + 1`` entries) is a function of ``s_i`` and the ``i``
strictly-lower entries ``c`` of row ``i`` of ``C``: ``L_ij = s_i c_j`` (``j < i``) and
``L_ii = s_i C_ii`` with ``C_ii = sqrt(1 - |c|^2)``. Ordering the columns ``(c, s_i)``, the
Jacobian is ``[[s_i I, c], [-s_i c^T / C_ii, C_ii]]``, whose determinant is (Schur complement)
``s_i^i (C_ii + |c|^2 / C_ii) = s_i^i / C_ii``. With the LKJ density of ``C`` over its
strictly-lower entries (:func:`~ppl.distributions.multivariate._lkj.lkj_cholesky_logp`),

.. math:: \log p(L) = \log p_{sd}(s) + \log p_{LKJ}(C \mid \eta)
          + \sum_i \left(\log C_{ii} - i \log s_i\right).
"""

import numpy as np
import pytensor.tensor as pt
from pytensor.tensor.random.basic import beta

from ppl.distributions.distribution import as_float
from ppl.distributions.multivariate._lkj import lkj_cholesky_logp, static_dimension
from ppl.distributions.shape import to_tuple
from ppl.distributions.symbolic import (
    SymbolicDistribution,
    SymbolicRandomVariable,
    batch_shape_of,
    batch_size,
    broadcast_shapes,
    build_symbolic_rv,
    check_component,
    component_logp,
    fresh_rng,
    resized,
    size_arguments,
)
from ppl.exceptions import ModelError, ShapeError
from ppl.logprob.checks import check_constant_parameter, check_parameters, current_label
from ppl.logprob.dispatch import draw_shape, label_for, support_point
from ppl.transforms.cholesky import (
    CholeskyCovPacked,
    expand_packed_triangular,
    pack_lower_triangular,
    packed_diagonal_positions,
)

__all__ = ["LKJCholeskyCov", "LKJCholeskyCovRV"]


class LKJCholeskyCovRV(SymbolicRandomVariable):
    """Packed ``diag(s) C``; node parameters ``eta`` and the inputs of ``sd_dist``.

    The op's ``n`` is the matrix dimension; its one component is ``sd_dist`` with batch shape
    ``batch + (n,)`` (univariate) or ``batch`` (support shape ``(n,)``).
    """

    def resize(self, node, size):
        params = self.dist_params(node)
        (sd_dist,) = self.components(params)
        return LKJCholeskyCov.dist(params[0], self.n, sd_dist, size=size)


def _sd_batch_shape(sd_dist, n: int, label: str) -> tuple:
    """Batch shape of ``sd_dist`` without its axis of ``n`` standard deviations."""
    ndim_supp = int(sd_dist.owner.op.ndim_supp)
    if ndim_supp > 1:
        raise ModelError(
            f"{label}: sd_dist must be univariate or have one support dimension; got "
            f"{label_for(sd_dist)} with {ndim_supp} support dimensions."
        )
    if ndim_supp == 0 and sd_dist.type.ndim == 0:
        return ()
    last = sd_dist.type.shape[-1]
    if last is not None and last != n:
        raise ShapeError(
            f"{label}: sd_dist has shape {sd_dist.type.shape}, expected a scalar distribution "
            f"or one whose last dimension is n = {n} (one standard deviation per row)."
        )
    return batch_shape_of(sd_dist, 1)


def _draw_corr_cholesky(eta, n: int, batch: tuple):
    """Cholesky factors of LKJ(eta) correlation matrices, shape ``batch + (n, n)``.

    The canonical partial correlation ``z_ij`` (``i > j``) is ``2 Beta(b_j, b_j) - 1`` with
    ``b_j = eta + (n - 2 - j) / 2``; then ``C_ij = z_ij sqrt(prod_{k<j} (1 - z_ik^2))`` and
    ``C_ii = sqrt(prod_{k<i} (1 - z_ik^2))`` (see :mod:`ppl.distributions.multivariate._lkj`).
    """
    rows, cols = np.tril_indices(n, -1)
    b = pt.shape_padright(eta) + (n - 2 - cols) / 2.0
    _, u = beta(b, b, size=(*batch, rows.size), rng=fresh_rng(), return_next_rng=True)
    z = 2.0 * u - 1.0
    scatter = np.zeros((rows.size, n * n))
    scatter[np.arange(rows.size), rows * n + cols] = 1.0
    z_mat = pt.matmul(z, pt.constant(scatter)).reshape((*batch, n, n))
    shrink = pt.cumprod(1.0 - pt.square(z_mat[..., :, :-1]), axis=-1)
    remaining = pt.concatenate([pt.ones_like(z_mat[..., :, :1]), shrink], axis=-1)
    return (z_mat + np.eye(n)) * pt.sqrt(remaining)


def _stds_and_log_diag(value, n: int):
    """``(s, log s, log C_ii, valid)`` of packed factors: ``s`` the row norms of ``L`` and
    ``C_ii = L_ii / s_i``.

    ``valid`` is False where a diagonal entry is not positive; those rows get harmless values
    (no nan reaches the gradient through the unused branch of a switch).
    """
    chol = expand_packed_triangular(n, value)
    diag = expand_packed_triangular(n, value, diagonal_only=True)
    positive = diag > 0
    stds = pt.sqrt(pt.switch(positive, pt.sum(pt.square(chol), axis=-1), 1.0))
    log_stds = pt.log(stds)
    log_diag = pt.log(pt.switch(positive, diag, 1.0)) - log_stds
    return stds, log_stds, log_diag, pt.all(positive, axis=-1)


def _unpack(packed, n: int):
    """``(chol, corr, stds)`` from the packed factor."""
    chol = expand_packed_triangular(n, packed)
    stds = pt.sqrt(pt.sum(pt.square(chol), axis=-1))
    corr_chol = chol / pt.shape_padright(stds)
    corr = pt.matmul(corr_chol, pt.swapaxes(corr_chol, -1, -2))
    return chol, corr, stds


def _default_transform(rv):
    return CholeskyCovPacked(rv.owner.op.n)


_default_transform.name = "cholesky-cov-packed"  # for the docs catalogue (it depends on n)


class LKJCholeskyCov(SymbolicDistribution):
    r"""Cholesky factor of a covariance matrix with LKJ correlations and independent scales.

    .. math:: \Sigma = L L^\top, \qquad L = \operatorname{diag}(s)\, C, \qquad
              s \sim \text{sd\_dist}, \quad C C^\top \sim \operatorname{LKJ}(\eta)

    .. math:: f(L \mid \eta) = f_{sd}(s)\, f_{LKJ}(C \mid \eta) \prod_{i=0}^{n-1}
              \frac{C_{ii}}{s_i^{\,i}}

    ========  ==============================================================================
    Support   :math:`n \times n` lower-triangular matrices with a positive diagonal (packed)
    ========  ==============================================================================

    ``s`` (the standard deviations, the row norms of ``L``) and the correlation Cholesky factor
    ``C`` are independent; ``L L^T`` has standard deviations ``s`` and correlation matrix
    ``C C^T``, each of whose correlations is marginally
    ``2 Beta(eta - 1 + n / 2, eta - 1 + n / 2) - 1``.

    As in PyMC, the model variable ``name`` holds the packed lower triangle of ``L``, the
    ``n (n + 1) / 2`` entries of ``np.tril_indices(n)`` in row-major order (see
    :func:`~ppl.transforms.cholesky.expand_packed_triangular`), sampled through the
    ``cholesky-cov-packed`` transform (``log`` of the diagonal). Calling the class returns
    ``(chol, corr, stds)``: the ``n x n`` factor, the correlation matrix and the standard
    deviations; ``store_in_trace`` also records the last two as the Deterministics
    ``<name>_corr`` and ``<name>_stds``. With ``compute_corr=False`` it returns the packed
    vector, as ``dist`` does.

    Parameters
    ----------
    name
        Name of the packed variable.
    eta
        LKJ shape parameter, > 0 (1 is uniform over correlation matrices, larger values favour
        weaker correlations); it may have batch dimensions.
    n
        Dimension of the covariance matrix, a constant integer >= 2.
    sd_dist
        Distribution of the standard deviations, created with ``.dist()``: a positive
        univariate distribution that is scalar (used for every row) or whose last dimension is
        ``n`` (``ppl.Exponential.dist(1.0, shape=3)``), or one with support shape ``(n,)``. It
        is copied with the batch shape of the variable; the variable passed in is unchanged.
    compute_corr
        Return ``(chol, corr, stds)`` instead of the packed vector.
    store_in_trace
        With ``compute_corr``, register ``corr`` and ``stds`` as Deterministics.

    Returns
    -------
    tuple of TensorVariable or TensorVariable
        ``(chol, corr, stds)``, or the packed factor when ``compute_corr`` is False.

    Raises
    ------
    ParameterValueError
        If ``n`` is not a constant integer >= 2, or a literal ``eta`` is not positive.
    ModelError
        If ``sd_dist`` is a model variable or not a distribution created with ``.dist()``, or
        has more than one support dimension.
    ShapeError
        If the last dimension of ``sd_dist`` is not ``n``, or shapes do not broadcast.

    Examples
    --------
    >>> import numpy as np
    >>> import ppl
    >>> with ppl.Model() as model:
    ...     sd_dist = ppl.Exponential.dist(1.0, shape=3)
    ...     chol, corr, stds = ppl.LKJCholeskyCov("chol", eta=2.0, n=3, sd_dist=sd_dist)
    ...     y = ppl.MvNormal("y", mu=np.zeros(3), chol=chol, observed=np.ones((5, 3)))
    >>> [v.name for v in model.value_vars]
    ['chol_cholesky-cov-packed__']
    >>> [d.name for d in model.deterministics]
    ['chol_corr', 'chol_stds']
    >>> packed = ppl.LKJCholeskyCov.dist(eta=2.0, n=3, sd_dist=ppl.HalfNormal.dist(2.5))
    >>> packed.type.shape
    (6,)
    >>> round(float(ppl.logp(packed, [1.0, 0.0, 1.0, 0.0, 0.0, 1.0]).eval()), 6)
    -4.28173
    """

    rv_type = LKJCholeskyCovRV
    default_transform = _default_transform

    def __new__(cls, name, eta, n, sd_dist, *, compute_corr=True, store_in_trace=True, **kwargs):
        packed = super().__new__(cls, name, eta, n, sd_dist, **kwargs)
        if not compute_corr:
            return packed
        chol, corr, stds = _unpack(packed, packed.owner.op.n)
        if store_in_trace:
            # Deterministic belongs to the model layer, which imports the distributions: the
            # import is deferred to the call (a model is active by then), as in _ordered.py.
            from ppl.model.deterministic import Deterministic

            corr = Deterministic(f"{name}_corr", corr)
            stds = Deterministic(f"{name}_stds", stds)
        return chol, corr, stds

    @classmethod
    def dist(cls, eta, n, sd_dist, **kwargs):
        label = current_label.get() or cls.__name__
        shape, size = size_arguments(cls, kwargs)
        n = static_dimension(n, label)
        eta = as_float(eta)
        check_constant_parameter("eta", eta, lambda v: v > 0, "eta > 0")
        sd_dist = check_component(sd_dist, "sd_dist")
        sd_batch = _sd_batch_shape(sd_dist, n, label)
        m = n * (n + 1) // 2
        full_shape = to_tuple(shape) if shape is not None else None
        if isinstance(full_shape, tuple) and full_shape:
            last = full_shape[-1]
            if isinstance(last, int) and last != m:
                raise ShapeError(
                    f"{label}: shape {full_shape} ends in {last}, expected n (n + 1) / 2 = {m} "
                    f"(the packed factor of an {n} x {n} matrix)."
                )
        batch = batch_size(shape, size, 1)
        if batch is None:
            batch = broadcast_shapes(batch_shape_of(eta), sd_batch)
        batch = tuple(batch)
        univariate = sd_dist.owner.op.ndim_supp == 0
        stds_rv = resized(sd_dist, (*batch, n) if univariate else batch)
        stds = pt.cast(stds_rv, "float64")
        chol = pt.shape_padright(stds) * _draw_corr_cholesky(eta, n, batch)
        draw = pack_lower_triangular(chol, n)
        return build_symbolic_rv(
            LKJCholeskyCovRV, draw, [eta], ndim_supp=1, components=[stds_rv], props={"n": n}
        )

    @staticmethod
    def logp(op, value, eta, *params):
        n = op.n
        (sd_dist,) = op.components([eta, *params])
        stds, log_stds, log_diag, valid = _stds_and_log_diag(value, n)
        sd_logp = component_logp(sd_dist, stds, "sd_dist")
        if sd_dist.owner.op.ndim_supp == 0:
            sd_logp = pt.sum(sd_logp, axis=-1)
        log_jac = pt.sum(log_diag - np.arange(n) * log_stds, axis=-1)
        res = sd_logp + lkj_cholesky_logp(log_diag, eta, n) + log_jac
        res = pt.switch(valid, res, -np.inf)
        return check_parameters(res, eta > 0, msg="eta > 0")

    @staticmethod
    def support_point(op, rv, eta, *params):
        """``diag(s)`` with ``s`` at the support point of ``sd_dist``."""
        n = op.n
        (sd_dist,) = op.components([eta, *params])
        stds = pt.cast(support_point(sd_dist), "float64")
        scatter = np.zeros((n, n * (n + 1) // 2))
        scatter[np.arange(n), packed_diagonal_positions(n)] = 1.0
        packed = pt.matmul(stds, pt.constant(scatter))
        return pt.cast(pt.broadcast_to(packed, draw_shape(rv.owner)), rv.dtype)
