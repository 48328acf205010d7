"""Ordered logistic distribution (ordinal regression with a logistic latent variable)."""

import pytensor.tensor as pt
from pytensor.tensor.random.basic import CategoricalRV

from ppl.distributions.discrete._ordered import (
    as_cutpoints,
    ordered_logcdf,
    ordered_logp,
    ordered_support_point,
    probabilities_from_log,
    register_probabilities,
)
from ppl.distributions.distribution import Discrete, as_float, batch_broadcast
from ppl.logprob.checks import labelled
from ppl.math import log1mexp

__all__ = ["OrderedLogistic", "OrderedLogisticRV", "ordered_logistic"]


class OrderedLogisticRV(CategoricalRV):
    """Categorical draws over the ordered classes (the op's parameter is the class probabilities)."""

    name = "ordered_logistic"
    _print_name = ("OrderedLogistic", "\\operatorname{OrderedLogistic}")


ordered_logistic = OrderedLogisticRV()


def log_probabilities(eta, cutpoints):
    r"""Log class probabilities, ``log(sigmoid(eta - c_{k-1}) - sigmoid(eta - c_k))``.

    With :math:`a = \eta - c_{k-1} > b = \eta - c_k` the difference of sigmoids is
    :math:`(1 - e^{b - a}) \sigma(a) \sigma(-b)`, so its log is
    ``log1mexp(c_{k-1} - c_k) - softplus(-a) - softplus(b)``: exact in every tail.
    """
    e = pt.shape_padright(eta)
    c = cutpoints
    first = -pt.softplus(e - c[..., :1])
    middle = log1mexp(c[..., :-1] - c[..., 1:]) - pt.softplus(c[..., :-1] - e) - pt.softplus(e - c[..., 1:])
    last = -pt.softplus(c[..., -1:] - e)
    return pt.concatenate([first, middle, last], axis=-1)


def _probabilities(eta, cutpoints):
    eta, cutpoints = as_float(eta), as_cutpoints(cutpoints)
    return probabilities_from_log(log_probabilities(eta, cutpoints), cutpoints)


class OrderedLogistic(Discrete):
    r"""Ordered logistic distribution: ordinal classes ``0, ..., K - 1`` from a logistic latent.

    The class is the interval between consecutive ``cutpoints`` into which ``eta + noise`` falls,
    with standard logistic noise (:math:`\sigma` the logistic sigmoid, :math:`c_{-1} = -\infty`,
    :math:`c_{K-1} = \infty`):

    .. math:: f(k \mid \eta, c) = \sigma(\eta - c_{k-1}) - \sigma(\eta - c_k),
              \qquad k = 0, \ldots, K - 1

    ========  =======================================
    Support   :math:`k \in \{0, 1, \ldots, K - 1\}`
    ========  =======================================

    As in PyMC it is a categorical variable over ``K = len(cutpoints) + 1`` classes. Created in a
    model with ``compute_p=True`` (the default) it also registers the class probabilities as the
    Deterministic ``<name>_probs``. The log-masses are computed in log space from ``eta`` and the
    cutpoints (not as ``log(p)``), so they stay finite and exact far in the tails.

    Parameters
    ----------
    eta
        The predictor (location of the latent variable); its shape is the batch shape.
    cutpoints
        The ``K - 1`` cutpoints in increasing order, on the last axis. Do not add the infinite
        end points. A prior with ``transform=ppl.transforms.ordered`` keeps them ordered.
    compute_p
        Whether to register the Deterministic ``<name>_probs`` (only when created in a model).

    Returns
    -------
    TensorVariable
        The random variable (registered in the model when created with a name).

    Raises
    ------
    ParameterValueError
        If literal cutpoints are not in increasing order, or are a scalar.

    Examples
    --------
    >>> import numpy as np
    >>> import ppl
    >>> with ppl.Model() as m:
    ...     c = ppl.Normal("c", mu=[-1.0, 1.0], sigma=5.0, transform=ppl.transforms.ordered)
    ...     y = ppl.OrderedLogistic("y", eta=0.5, cutpoints=c, observed=[0, 2, 1])
    >>> [d.name for d in m.deterministics]
    ['y_probs']
    >>> p = ppl.draw(ppl.OrderedLogistic.dist(eta=0.0, cutpoints=[-1.0, 1.0]).owner.inputs[-1])
    >>> np.round(p, 4)
    array([0.2689, 0.4621, 0.2689])
    """

    rv_op = ordered_logistic

    def __new__(cls, name, eta, cutpoints, compute_p=True, **kwargs):
        rv = super().__new__(cls, name, eta, cutpoints, **kwargs)
        if compute_p:
            with labelled(f"{cls.__name__} {rv.name!r}"):
                register_probabilities(name, _probabilities(eta, cutpoints))
        return rv

    @classmethod
    def dist(cls, eta, cutpoints, **kwargs):
        return super().dist([_probabilities(eta, cutpoints)], **kwargs)

    @staticmethod
    def support_point(rv, size, p):
        return batch_broadcast(ordered_support_point(p), rv, size, p)

    logp = staticmethod(ordered_logp)
    logcdf = staticmethod(ordered_logcdf)
