"""Distributions: one module per distribution, grouped by family."""

from ppl.distributions.continuous.normal import Normal
from ppl.distributions.distribution import Continuous, Discrete, Distribution

__all__ = ["Distribution", "Continuous", "Discrete", "Normal"]
