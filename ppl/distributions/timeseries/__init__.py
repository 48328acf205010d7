"""Time-series distributions: the last axis is time. One module each."""

from ppl.distributions.timeseries.ar import AR
from ppl.distributions.timeseries.gaussian_random_walk import GaussianRandomWalk

__all__ = [
    "GaussianRandomWalk",
    "AR",
]
