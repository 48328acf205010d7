"""Shared bases and parameter helpers for continuous distributions."""

import numpy as np
import pytensor.tensor as pt

from ppl.distributions.distribution import Continuous
from ppl.exceptions import ParameterValueError
from ppl.logprob.checks import check_constant_parameter, current_label
from ppl.transforms.elementwise import Interval, log, logodds

__all__ = [
    "PositiveContinuous",
    "UnitContinuous",
    "BoundedContinuous",
    "resolve_sigma_tau",
    "check_positive",
]


class PositiveContinuous(Continuous):
    """Continuous on (0, inf): sampled on the log scale."""

    default_transform = log


class UnitContinuous(Continuous):
    """Continuous on (0, 1): sampled on the log-odds scale."""

    default_transform = logodds


class BoundedContinuous(Continuous):
    """Continuous on (lower, upper) given by two parameters: sampled through ``Interval``.

    Subclasses set ``bound_param_indices = (i_lower, i_upper)``: positions of the bounds among
    the distribution parameters (after rng and size).
    """

    bound_param_indices: tuple[int, int] = (0, 1)

    def __init_subclass__(cls, **kwargs):
        lo, hi = cls.bound_param_indices
        if "default_transform" not in cls.__dict__:
            cls.default_transform = Interval(
                bounds_fn=lambda rng, size, *params, _lo=lo, _hi=hi: (params[_lo], params[_hi])
            )
        super().__init_subclass__(**kwargs)


def check_positive(name: str, value) -> None:
    """Eager check that a literal parameter is > 0 (symbolic values are checked at run time)."""
    check_constant_parameter(name, value, lambda v: v > 0, f"{name} > 0")


def resolve_sigma_tau(sigma=None, tau=None, *, default_sigma=1.0):
    """Return ``sigma`` from exactly one of ``sigma``/``tau`` (``sigma = tau**-0.5``)."""
    if sigma is not None and tau is not None:
        raise ParameterValueError(
            f"{current_label.get() or 'distribution'}: give sigma or tau, not both."
        )
    if tau is not None:
        check_positive("tau", tau)
        tau = tau if isinstance(tau, pt.Variable) else np.asarray(tau, dtype="float64")
        return tau**-0.5
    if sigma is None:
        return default_sigma
    check_positive("sigma", sigma)
    return sigma
