"""Shared bases and parameter helpers for continuous distributions."""

import numpy as np
import pytensor.tensor as pt

from ppl.distributions.distribution import Continuous
from ppl.exceptions import ParameterValueError
from ppl.logprob.checks import check_constant_parameter, check_parameters, current_label
from ppl.transforms.elementwise import Interval, log, logodds

__all__ = [
    "PositiveContinuous",
    "UnitContinuous",
    "BoundedContinuous",
    "resolve_sigma_tau",
    "check_positive",
    "resolve_alternatives",
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


def resolve_sigma_tau(sigma=None, tau=None, *, default_sigma=1.0, tau_name="tau"):
    """Return ``sigma`` from exactly one of ``sigma``/``tau`` (``sigma = tau**-0.5``).

    ``tau_name`` is the user-facing name of the precision (``"lam"`` for ``StudentT``).
    """
    if sigma is not None and tau is not None:
        raise ParameterValueError(
            f"{current_label.get() or 'distribution'}: give sigma or {tau_name}, not both."
        )
    if tau is not None:
        check_positive(tau_name, tau)
        if isinstance(tau, pt.Variable):
            # a symbolic tau of 0 would give sigma = inf and pass the sigma > 0 check
            return check_parameters(tau**-0.5, tau > 0, msg=f"{tau_name} > 0")
        return np.asarray(tau, dtype="float64") ** -0.5
    if sigma is None:
        return default_sigma
    check_positive("sigma", sigma)
    return sigma


def resolve_alternatives(given: dict, groups: list[tuple[str, ...]]) -> tuple[str, ...]:
    """The one group of parameter names in ``groups`` that matches the parameters given.

    Parameters
    ----------
    given
        Parameter name -> value as passed by the user (None for "not given").
    groups
        The accepted parameterisations, e.g. ``[("alpha", "beta"), ("mu", "sigma")]``.

    Returns
    -------
    tuple of str
        The matching group.

    Raises
    ------
    ParameterValueError
        Naming the parameters given and the accepted combinations, if none matches exactly.
    """
    names = {k for k, v in given.items() if v is not None}
    for group in groups:
        if names == set(group):
            return group
    got = ", ".join(k for k in given if k in names) or "none"
    options = " or ".join(" and ".join(g) for g in groups)
    raise ParameterValueError(
        f"{current_label.get() or 'distribution'}: incompatible parameterization; got {got}. "
        f"Give exactly one of: {options}."
    )
