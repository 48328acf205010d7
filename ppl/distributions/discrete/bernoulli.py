"""Bernoulli distribution."""

import numpy as np
import pytensor.tensor as pt
from pytensor.tensor.random.basic import bernoulli

from ppl.distributions.discrete._probability import (
    log_probabilities,
    logit_of,
    resolve_p_logit_p,
)
from ppl.distributions.distribution import Discrete, batch_broadcast
from ppl.logprob.checks import check_parameters

__all__ = ["Bernoulli"]


class Bernoulli(Discrete):
    r"""Bernoulli distribution: one trial that succeeds (1) with probability ``p``.

    .. math:: f(x \mid p) = p^x (1 - p)^{1 - x}, \qquad x \in \{0, 1\}

    ========  ======================
    Support   :math:`x \in \{0, 1\}`
    Mean      :math:`p`
    Variance  :math:`p (1 - p)`
    ========  ======================

    Parameters
    ----------
    p
        Probability of success, in [0, 1]. Mutually exclusive with ``logit_p``.
    logit_p
        Log-odds of success, ``log(p / (1 - p))``. The log-mass is then computed with softplus,
        exact even where ``p`` would round to 0 or 1.

    Raises
    ------
    ParameterValueError
        If both or neither of ``p`` and ``logit_p`` are given, or a literal ``p`` is outside
        [0, 1].

    Examples
    --------
    >>> import ppl
    >>> with ppl.Model():
    ...     coin = ppl.Bernoulli("coin", p=0.3)
    >>> round(float(ppl.logp(ppl.Bernoulli.dist(logit_p=0.0), 1).eval()), 6)
    -0.693147
    """

    rv_op = bernoulli

    @classmethod
    def dist(cls, p=None, logit_p=None, **kwargs):
        return super().dist([resolve_p_logit_p(p, logit_p)], **kwargs)

    @staticmethod
    def support_point(rv, size, p):
        return batch_broadcast(pt.switch(p < 0.5, 0, 1).astype("int64"), rv, size, p)

    @staticmethod
    def logp(value, p):
        logit = logit_of(p)
        in_support = pt.eq(value, 0) | pt.eq(value, 1)
        if logit is not None:
            # -softplus(-logit) for 1 and -softplus(logit) for 0, as ONE softplus of a switched
            # argument (and one sigmoid in the gradient); sigmoid(logit) is always a
            # probability, so there is nothing to check.
            res = -pt.softplus(pt.switch(pt.eq(value, 1), -logit, logit))
            return pt.switch(in_support, res, -np.inf)
        log_p, log1m_p = log_probabilities(p)
        res = pt.switch(pt.eq(value, 1), log_p, log1m_p)
        # Only exactly 0 and 1 have mass (a float value like 0.5 gets -inf).
        res = pt.switch(in_support, res, -np.inf)
        return check_parameters(res, (p >= 0) & (p <= 1), msg="0 <= p <= 1")

    @staticmethod
    def logcdf(value, p):
        _, log1m_p = log_probabilities(p)
        res = pt.switch(value < 0, -np.inf, pt.switch(value < 1, log1m_p, 0.0))
        return check_parameters(res, (p >= 0) & (p <= 1), msg="0 <= p <= 1")
