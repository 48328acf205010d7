"""NormalMixture: a mixture of normal distributions."""

from ppl.distributions.composite.mixture import Mixture
from ppl.distributions.continuous._base import resolve_sigma_tau
from ppl.distributions.continuous.normal import Normal
from ppl.distributions.distribution import as_float

__all__ = ["NormalMixture"]


class NormalMixture(Mixture):
    r"""Mixture of normal distributions.

    .. math:: f(x \mid w, \mu, \sigma) = \sum_{i=1}^{K} w_i \, N(x \mid \mu_i, \sigma_i^2)

    ========  ==========================================
    Support   :math:`x \in \mathbb{R}`
    Mean      :math:`\sum_{i=1}^{K} w_i \mu_i`
    Variance  :math:`\sum_{i=1}^{K} w_i (\sigma_i^2 + \mu_i^2) - \left(\sum_i w_i \mu_i\right)^2`
    ========  ==========================================

    ``Mixture(w, Normal.dist(mu, sigma))``: the last axis of ``w``, ``mu`` and ``sigma`` indexes
    the ``K`` components.

    Parameters
    ----------
    w
        Mixture weights, ``0 <= w <= 1``, summing to 1 along the last axis.
    mu
        Component means.
    sigma
        Component standard deviations, > 0 (default 1). Mutually exclusive with ``tau``.
    tau
        Component precisions, > 0.

    Returns
    -------
    TensorVariable
        The random variable (registered in the model when created with a name).

    Raises
    ------
    ParameterValueError
        If literal weights are outside [0, 1] or do not sum to 1, or ``sigma``/``tau`` is not
        positive.

    Examples
    --------
    >>> import ppl
    >>> with ppl.Model():
    ...     mu = ppl.Normal("mu", mu=[-1.0, 1.0], sigma=2.0)
    ...     y = ppl.NormalMixture("y", w=[0.4, 0.6], mu=mu, sigma=[0.5, 1.0], observed=[0.2, -1.3])
    """

    @classmethod
    def dist(cls, w, mu, sigma=None, tau=None, **kwargs):
        sigma = resolve_sigma_tau(sigma, tau)
        return Mixture.dist(w, Normal.dist(as_float(mu), as_float(sigma)), **kwargs)
