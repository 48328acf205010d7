"""Flat: the improper uniform prior on the real line."""

import numpy as np
import pytensor.tensor as pt
from pytensor.tensor.random.op import RandomVariable

from ppl.distributions.distribution import Continuous, batch_broadcast
from ppl.exceptions import SamplingError

__all__ = ["Flat", "FlatRV", "flat"]


class FlatRV(RandomVariable):
    """Random-variable op of the improper flat prior; drawing from it is an error."""

    name = "flat"
    signature = "->()"
    dtype = "floatX"
    _print_name = ("Flat", "\\operatorname{Flat}")

    @classmethod
    def rng_fn(cls, rng, size):
        raise SamplingError(
            "Flat: cannot draw samples from an improper prior (its density does not integrate "
            "to 1). Hint: give the variable a proper prior, or use it only in sample(), where "
            "draws come from the posterior."
        )


flat = FlatRV()


class Flat(Continuous):
    r"""Improper uniform prior over the whole real line.

    .. math:: f(x) \propto 1

    ========  ==========================
    Support   :math:`x \in \mathbb{R}`
    Mean      undefined
    Variance  undefined
    ========  ==========================

    It has no parameters; forward sampling raises :class:`~ppl.exceptions.SamplingError`.

    Returns
    -------
    TensorVariable
        The random variable (registered in the model when created with a name).

    Raises
    ------
    SamplingError
        When drawn from (prior predictive sampling).

    Examples
    --------
    >>> import ppl
    >>> with ppl.Model():
    ...     x = ppl.Flat("x")
    """

    rv_op = flat

    @classmethod
    def dist(cls, **kwargs):
        return super().dist([], **kwargs)

    @staticmethod
    def support_point(rv, size):
        return batch_broadcast(pt.zeros(()), rv, size)

    @staticmethod
    def logp(value):
        return pt.zeros_like(value)

    @staticmethod
    def logcdf(value):
        return pt.switch(
            pt.eq(value, -np.inf), -np.inf, pt.switch(pt.eq(value, np.inf), 0.0, np.log(0.5))
        )
