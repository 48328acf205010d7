"""Ordered probit distribution (ordinal regression with a normal latent variable)."""

import pytensor.tensor as pt
from pytensor.tensor.random.basic import CategoricalRV

from ppl.distributions.continuous._base import check_positive
from ppl.distributions.discrete._ordered import (
    as_cutpoints,
    ordered_logcdf,
    ordered_logp,
    ordered_support_point,
    probabilities_from_log,
    register_probabilities,
)
from ppl.distributions.distribution import Discrete, as_float, batch_broadcast
from ppl.logprob.checks import check_parameters, labelled
from ppl.math import log_ndtr, logdiffexp

__all__ = ["OrderedProbit", "OrderedProbitRV", "ordered_probit"]


class OrderedProbitRV(CategoricalRV):
    """Categorical draws over the ordered classes (the op's parameter is the class probabilities)."""

    name = "ordered_probit"
    _print_name = ("OrderedProbit", "\\operatorname{OrderedProbit}")


ordered_probit = OrderedProbitRV()


def log_diff_ndtr(a, b):
    r"""``log(Phi(b) - Phi(a))`` for ``a <= b``, taken in the tail where both terms are small.

    Above zero it uses :math:`\Phi(b) - \Phi(a) = \Phi(-a) - \Phi(-b)`, so the difference is always
    of two lower-tail values computed accurately by ``log_ndtr``.
    """
    upper = a > 0
    hi = pt.switch(upper, -a, b)
    lo = pt.switch(upper, -b, a)
    return logdiffexp(log_ndtr(hi), log_ndtr(lo))


def log_probabilities(eta, cutpoints, sigma):
    """Log class probabilities ``log(Phi((c_k - eta) / sigma) - Phi((c_{k-1} - eta) / sigma))``."""
    z = (cutpoints - pt.shape_padright(eta)) / pt.shape_padright(sigma)
    first = log_ndtr(z[..., :1])
    middle = log_diff_ndtr(z[..., :-1], z[..., 1:])
    last = log_ndtr(-z[..., -1:])
    return pt.concatenate([first, middle, last], axis=-1)


def _probabilities(eta, cutpoints, sigma):
    check_positive("sigma", sigma)
    eta, cutpoints, sigma = as_float(eta), as_cutpoints(cutpoints), as_float(sigma)
    log_p = check_parameters(log_probabilities(eta, cutpoints, sigma), sigma > 0, msg="sigma > 0")
    return probabilities_from_log(log_p, cutpoints)


class OrderedProbit(Discrete):
    r"""Ordered probit distribution: ordinal classes ``0, ..., K - 1`` from a normal latent.

    The class is the interval between consecutive ``cutpoints`` into which ``eta + sigma * noise``
    falls, with standard normal noise (:math:`\Phi` the normal CDF, :math:`c_{-1} = -\infty`,
    :math:`c_{K-1} = \infty`):

    .. math:: f(k \mid \eta, c, \sigma) = \Phi\left(\frac{c_k - \eta}{\sigma}\right)
              - \Phi\left(\frac{c_{k-1} - \eta}{\sigma}\right), \qquad k = 0, \ldots, K - 1

    ========  =======================================
    Support   :math:`k \in \{0, 1, \ldots, K - 1\}`
    ========  =======================================

    As in PyMC it is a categorical variable over ``K = len(cutpoints) + 1`` classes. Created in a
    model with ``compute_p=True`` (the default) it also registers the class probabilities as the
    Deterministic ``<name>_probs``. The log-masses are differences of normal CDFs taken in the
    tail where both are small, in log space, so they stay finite and exact far in the tails.

    Parameters
    ----------
    eta
        The predictor (mean of the latent variable); its shape is the batch shape.
    cutpoints
        The ``K - 1`` cutpoints in increasing order, on the last axis. Do not add the infinite
        end points.
    sigma
        Standard deviation of the latent variable, > 0 (default 1).
    compute_p
        Whether to register the Deterministic ``<name>_probs`` (only when created in a model).

    Returns
    -------
    TensorVariable
        The random variable (registered in the model when created with a name).

    Raises
    ------
    ParameterValueError
        If literal cutpoints are not in increasing order or are a scalar, or ``sigma`` is not
        positive.

    Examples
    --------
    >>> import ppl
    >>> with ppl.Model() as m:
    ...     y = ppl.OrderedProbit("y", eta=[0.2, -0.4], cutpoints=[-1.0, 0.0, 1.0], observed=[1, 3])
    >>> [d.name for d in m.deterministics]
    ['y_probs']
    >>> round(float(ppl.logp(ppl.OrderedProbit.dist(eta=0.0, cutpoints=[0.0]), 1).eval()), 6)
    -0.693147
    """

    rv_op = ordered_probit

    def __new__(cls, name, eta, cutpoints, sigma=1.0, compute_p=True, **kwargs):
        rv = super().__new__(cls, name, eta, cutpoints, sigma, **kwargs)
        if compute_p:
            with labelled(f"{cls.__name__} {rv.name!r}"):
                register_probabilities(name, _probabilities(eta, cutpoints, sigma))
        return rv

    @classmethod
    def dist(cls, eta, cutpoints, sigma=1.0, **kwargs):
        return super().dist([_probabilities(eta, cutpoints, sigma)], **kwargs)

    @staticmethod
    def support_point(rv, size, p):
        return batch_broadcast(ordered_support_point(p), rv, size, p)

    logp = staticmethod(ordered_logp)
    logcdf = staticmethod(ordered_logcdf)
