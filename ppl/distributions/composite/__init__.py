"""Composite distributions, built from other (unnamed) distributions: one module each."""

from ppl.distributions.composite.censored import Censored
from ppl.distributions.composite.custom import CustomDist
from ppl.distributions.composite.mixture import Mixture
from ppl.distributions.composite.normal_mixture import NormalMixture
from ppl.distributions.composite.truncated import Truncated

__all__ = [
    "Mixture",
    "NormalMixture",
    "Truncated",
    "Censored",
    "CustomDist",
]
