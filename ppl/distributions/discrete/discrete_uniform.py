"""Discrete uniform distribution on the integers ``lower, ..., upper`` (both inclusive)."""

import functools
import importlib.util

import numpy as np
import pytensor.tensor as pt
from pytensor.graph.basic import Constant
from pytensor.tensor.random.op import RandomVariable

from ppl.distributions.discrete._probability import is_integer
from ppl.distributions.distribution import Discrete, batch_broadcast
from ppl.logprob.checks import check_constant_parameter, check_parameters

__all__ = ["DiscreteUniform", "DiscreteUniformRV", "discrete_uniform"]


class DiscreteUniformRV(RandomVariable):
    """Uniform integers in ``[lower, upper]``, upper inclusive (PyTensor's ``integers`` is not)."""

    name = "discrete_uniform"
    signature = "(),()->()"
    dtype = "int64"
    _print_name = ("DiscreteUniform", "\\operatorname{DiscreteUniform}")

    @classmethod
    def rng_fn(cls, rng, lower, upper, size):
        return rng.integers(lower, upper, size=size, endpoint=True)

    def make_node(self, rng, size, *dist_params):
        _register_numba_sampler()
        return super().make_node(rng, size, *dist_params)


@functools.cache
def _register_numba_sampler() -> None:
    """Give the Numba backend (PyTensor's default) a compiled sampler for this op.

    Without it Numba falls back to object mode, with a warning. Registered on first use, so that
    importing ppl does not import Numba.
    """
    if importlib.util.find_spec("numba") is None:
        return
    from pytensor.link.numba.dispatch.basic import numba_njit
    from pytensor.link.numba.dispatch.random import numba_core_rv_funcify

    @numba_core_rv_funcify.register(DiscreteUniformRV)
    def _numba_discrete_uniform(op, node):
        @numba_njit
        def random(rng, lower, upper):
            return rng.integers(lower, upper + 1)

        return random


discrete_uniform = DiscreteUniformRV()


def _floor_int(x):
    """PyMC floors the bounds; we do the same and keep them int64."""
    if isinstance(x, pt.Variable):
        return x if x.dtype.startswith(("int", "uint")) else pt.floor(x).astype("int64")
    return pt.as_tensor_variable(np.floor(np.asarray(x, dtype="float64")).astype("int64"))


class DiscreteUniform(Discrete):
    r"""Discrete uniform distribution on the integers from ``lower`` to ``upper`` inclusive.

    .. math:: f(x \mid lower, upper) = \frac{1}{upper - lower + 1}

    ========  ===============================================
    Support   :math:`x \in \{lower, lower + 1, \ldots, upper\}`
    Mean      :math:`(lower + upper) / 2`
    Variance  :math:`((upper - lower + 1)^2 - 1) / 12`
    ========  ===============================================

    Parameters
    ----------
    lower
        Lower bound, included. Non-integer bounds are floored, as in PyMC.
    upper
        Upper bound, included; ``upper >= lower``.

    Raises
    ------
    ParameterValueError
        If literal bounds have ``lower > upper``.

    Examples
    --------
    >>> import ppl
    >>> with ppl.Model():
    ...     die = ppl.DiscreteUniform("die", lower=1, upper=6)
    >>> round(float(ppl.logp(ppl.DiscreteUniform.dist(1, 4), 4).eval()), 6)
    -1.386294
    """

    rv_op = discrete_uniform

    @classmethod
    def dist(cls, lower, upper, **kwargs):
        lower, upper = _floor_int(lower), _floor_int(upper)
        if isinstance(lower, Constant) and isinstance(upper, Constant):
            lo, hi = np.asarray(lower.data), np.asarray(upper.data)
            lo_b, hi_b = np.broadcast_arrays(lo, hi)
            check_constant_parameter(
                "upper", hi_b, lambda v: v >= lo_b, f"lower <= upper (lower is {lo.tolist()})"
            )
        return super().dist([lower, upper], **kwargs)

    @staticmethod
    def support_point(rv, size, lower, upper):
        mode = pt.floor((lower + upper) / 2.0).astype("int64")
        return batch_broadcast(mode, rv, size, lower, upper)

    @staticmethod
    def logp(value, lower, upper):
        inside = (value >= lower) & (value <= upper) & is_integer(value)
        res = pt.switch(inside, -pt.log(upper - lower + 1.0), -np.inf)
        return check_parameters(res, lower <= upper, msg="lower <= upper")

    @staticmethod
    def logcdf(value, lower, upper):
        k = pt.floor(value)
        res = pt.switch(
            k < lower,
            -np.inf,
            pt.switch(k >= upper, 0.0, pt.log((k - lower + 1.0) / (upper - lower + 1.0))),
        )
        return check_parameters(res, lower <= upper, msg="lower <= upper")
