"""Binomial distribution."""

import numpy as np
import pytensor.tensor as pt
from pytensor.tensor.random.basic import binomial

from ppl.distributions.discrete._probability import (
    check_integer_parameter,
    complement,
    is_integer,
    log_cdf_from_tails,
    log_probabilities,
    resolve_p_logit_p,
    xlogy0,
)
from ppl.distributions.distribution import Discrete, batch_broadcast
from ppl.logprob.checks import check_parameters

__all__ = ["Binomial"]


def _check(res, n, p):
    res = check_parameters(res, (p >= 0) & (p <= 1), msg="0 <= p <= 1")
    return check_parameters(res, (n >= 0) & is_integer(n), msg="n >= 0, an integer")


class Binomial(Discrete):
    r"""Binomial distribution: the number of successes in ``n`` independent trials.

    .. math:: f(x \mid n, p) = \binom{n}{x} p^x (1 - p)^{n - x}

    ========  ===============================
    Support   :math:`x \in \{0, 1, \ldots, n\}`
    Mean      :math:`n p`
    Variance  :math:`n p (1 - p)`
    ========  ===============================

    Parameters
    ----------
    n
        Number of trials, an integer >= 0.
    p
        Probability of success in each trial, in [0, 1]. Mutually exclusive with ``logit_p``.
    logit_p
        Log-odds of success; the log-mass is then computed with softplus.

    Raises
    ------
    ParameterValueError
        If both or neither of ``p`` and ``logit_p`` are given, or a literal ``n`` or ``p`` is
        invalid.

    Examples
    --------
    >>> import ppl
    >>> with ppl.Model():
    ...     hits = ppl.Binomial("hits", n=10, p=0.3)
    >>> round(float(ppl.logp(ppl.Binomial.dist(2, 0.5), 1).eval()), 6)
    -0.693147
    """

    rv_op = binomial

    @classmethod
    def dist(cls, n, p=None, logit_p=None, **kwargs):
        n = check_integer_parameter("n", n, lower=0)
        return super().dist([n, resolve_p_logit_p(p, logit_p)], **kwargs)

    @staticmethod
    def support_point(rv, size, n, p):
        mode = pt.clip(pt.round(n * p), 0, n).astype("int64")
        return batch_broadcast(mode, rv, size, n, p)

    @staticmethod
    def logp(value, n, p):
        log_p, log1m_p = log_probabilities(p)
        res = (
            pt.gammaln(n + 1.0)
            - pt.gammaln(value + 1.0)
            - pt.gammaln(n - value + 1.0)
            + xlogy0(value, log_p)
            + xlogy0(n - value, log1m_p)
        )
        inside = (value >= 0) & (value <= n) & is_integer(value)
        return _check(pt.switch(inside, res, -np.inf), n, p)

    @staticmethod
    def logcdf(value, n, p):
        k = pt.floor(value)
        # Evaluate the incomplete beta only at valid arguments; the switch below handles the rest.
        k_safe = pt.clip(k, 0, pt.maximum(n - 1, 0))
        cdf = pt.betainc(n - k_safe, k_safe + 1.0, complement(p))
        sf = pt.betainc(k_safe + 1.0, n - k_safe, p)
        res = pt.switch(k < 0, -np.inf, pt.switch(k >= n, 0.0, log_cdf_from_tails(cdf, sf)))
        return _check(res, n, p)
