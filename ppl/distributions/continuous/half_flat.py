"""HalfFlat: the improper uniform prior on the positive half-line."""

import numpy as np
import pytensor.tensor as pt
from pytensor.tensor.random.op import RandomVariable

from ppl.distributions.continuous._base import PositiveContinuous
from ppl.distributions.distribution import batch_broadcast
from ppl.exceptions import SamplingError

__all__ = ["HalfFlat", "HalfFlatRV", "halfflat"]


class HalfFlatRV(RandomVariable):
    """Random-variable op of the improper half-flat prior; drawing from it is an error."""

    name = "half_flat"
    signature = "->()"
    dtype = "floatX"
    _print_name = ("HalfFlat", "\\operatorname{HalfFlat}")

    @classmethod
    def rng_fn(cls, rng, size):
        raise SamplingError(
            "HalfFlat: cannot draw samples from an improper prior (its density does not "
            "integrate to 1). Hint: give the variable a proper prior such as HalfNormal, or use "
            "it only in sample(), where draws come from the posterior."
        )


halfflat = HalfFlatRV()


class HalfFlat(PositiveContinuous):
    r"""Improper uniform prior over the positive half-line.

    .. math:: f(x) \propto 1, \qquad x \ge 0

    ========  ============================
    Support   :math:`x \in [0, \infty)`
    Mean      undefined
    Variance  undefined
    ========  ============================

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
    ...     s = ppl.HalfFlat("s")
    """

    rv_op = halfflat

    @classmethod
    def dist(cls, **kwargs):
        return super().dist([], **kwargs)

    @staticmethod
    def support_point(rv, size):
        return batch_broadcast(pt.ones(()), rv, size)

    @staticmethod
    def logp(value):
        return pt.switch(value >= 0, pt.zeros_like(value), -np.inf)

    @staticmethod
    def logcdf(value):
        # the improper CDF is 0 everywhere except at +inf
        return pt.switch(pt.eq(value, np.inf), 0.0, -np.inf)
