"""Poisson distribution."""

import numpy as np
import pytensor.tensor as pt
from pytensor.tensor.random.basic import poisson

from ppl.distributions.discrete._probability import is_integer, log_cdf_from_tails, xlogy0
from ppl.distributions.distribution import Discrete, as_float, batch_broadcast
from ppl.logprob.checks import check_constant_parameter, check_parameters

__all__ = ["Poisson"]


def poisson_logp(value, mu):
    """Poisson log-mass without parameter checks (also used by NegativeBinomial's limit)."""
    res = xlogy0(value, pt.log(mu)) - mu - pt.gammaln(value + 1.0)
    return pt.switch((value >= 0) & is_integer(value), res, -np.inf)


class Poisson(Discrete):
    r"""Poisson distribution: counts of events occurring at rate ``mu``.

    .. math:: f(x \mid \mu) = \frac{e^{-\mu} \mu^x}{x!}

    ========  ==========================
    Support   :math:`x \in \mathbb{N}_0`
    Mean      :math:`\mu`
    Variance  :math:`\mu`
    ========  ==========================

    Parameters
    ----------
    mu
        Expected number of events, >= 0 (``mu = 0`` puts all mass on 0).

    Raises
    ------
    ParameterValueError
        If a literal ``mu`` is negative.

    Examples
    --------
    >>> import ppl
    >>> with ppl.Model():
    ...     counts = ppl.Poisson("counts", mu=3.5)
    >>> round(float(ppl.logp(ppl.Poisson.dist(1.0), 0).eval()), 6)
    -1.0
    """

    rv_op = poisson

    @classmethod
    def dist(cls, mu, **kwargs):
        check_constant_parameter("mu", mu, lambda v: v >= 0, "mu >= 0")
        return super().dist([as_float(mu)], **kwargs)

    @staticmethod
    def support_point(rv, size, mu):
        return batch_broadcast(pt.floor(mu).astype("int64"), rv, size, mu)

    @staticmethod
    def logp(value, mu):
        return check_parameters(poisson_logp(value, mu), mu >= 0, msg="mu >= 0")

    @staticmethod
    def logcdf(value, mu):
        k = pt.floor(value)
        k_safe = pt.maximum(k, 0.0)
        cdf = pt.gammaincc(k_safe + 1.0, mu)
        sf = pt.gammainc(k_safe + 1.0, mu)
        res = pt.switch(k < 0, -np.inf, log_cdf_from_tails(cdf, sf))
        return check_parameters(res, mu >= 0, msg="mu >= 0")
