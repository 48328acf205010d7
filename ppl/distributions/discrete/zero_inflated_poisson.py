"""Zero-inflated Poisson distribution."""

import numpy as np
import pytensor.tensor as pt
from pytensor.tensor.random.op import RandomVariable

from ppl.distributions.continuous._numba import register_numba_core
from ppl.distributions.discrete._zero_mass import (
    base_params,
    check_psi,
    resolve_psi,
    zero_inflated_logcdf,
    zero_inflated_logp,
)
from ppl.distributions.discrete.poisson import Poisson
from ppl.distributions.distribution import Discrete, batch_broadcast
from ppl.logprob.dispatch import _logcdf, _logprob

__all__ = ["ZeroInflatedPoisson", "ZeroInflatedPoissonRV", "zero_inflated_poisson"]


class ZeroInflatedPoissonRV(RandomVariable):
    """``Poisson(mu)`` with probability ``psi``, else 0."""

    name = "zero_inflated_poisson"
    signature = "(),()->()"
    dtype = "int64"
    _print_name = ("ZeroInflatedPoisson", "\\operatorname{ZeroInflatedPoisson}")

    @classmethod
    def rng_fn(cls, rng, psi, mu, size):
        if size is None:
            size = np.broadcast_shapes(np.shape(psi), np.shape(mu))
        counts = rng.poisson(mu, size=size)
        return np.asarray(np.where(rng.random(size=size) < psi, counts, 0), dtype="int64")


zero_inflated_poisson = ZeroInflatedPoissonRV()


@register_numba_core(ZeroInflatedPoissonRV)
def _zero_inflated_poisson_numba(rng, psi, mu):
    if rng.random() < psi:
        return rng.poisson(mu)
    return 0


class ZeroInflatedPoisson(Discrete):
    r"""Zero-inflated Poisson distribution: Poisson counts with extra zeros.

    .. math:: f(x \mid \psi, \mu) = \begin{cases}
              (1 - \psi) + \psi e^{-\mu} & x = 0 \\
              \psi \dfrac{e^{-\mu} \mu^x}{x!} & x = 1, 2, \ldots
              \end{cases}

    ========  ==================================
    Support   :math:`x \in \mathbb{N}_0`
    Mean      :math:`\psi \mu`
    Variance  :math:`\psi \mu (1 + (1 - \psi) \mu)`
    ========  ==================================

    Parameters
    ----------
    psi
        Probability of the Poisson component (the expected proportion of Poisson draws), in [0, 1].
    mu
        Expected number of events of the Poisson component, >= 0.

    Returns
    -------
    TensorVariable
        The random variable (registered in the model when created with a name).

    Raises
    ------
    ParameterValueError
        If a literal ``psi`` is not in [0, 1] or ``mu`` is negative.

    Examples
    --------
    >>> import ppl
    >>> with ppl.Model():
    ...     counts = ppl.ZeroInflatedPoisson("counts", psi=0.7, mu=3.0)
    >>> round(float(ppl.logp(ppl.ZeroInflatedPoisson.dist(0.5, 1.0), 1).eval()), 6)
    -1.693147
    """

    rv_op = zero_inflated_poisson

    @classmethod
    def dist(cls, psi, mu, **kwargs):
        psi = resolve_psi(psi)
        return super().dist([psi, *base_params(Poisson, mu)], **kwargs)

    @staticmethod
    def support_point(rv, size, psi, mu):
        return batch_broadcast(pt.round(psi * mu).astype("int64"), rv, size, psi, mu)

    @staticmethod
    def logp(value, psi, mu):
        res = zero_inflated_logp(value, psi, _logprob(Poisson.rv_op, value, mu))
        return check_psi(res, psi)

    @staticmethod
    def logcdf(value, psi, mu):
        res = zero_inflated_logcdf(value, psi, _logcdf(Poisson.rv_op, value, mu))
        return check_psi(res, psi)
