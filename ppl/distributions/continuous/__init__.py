"""Continuous univariate distributions (one module each)."""

from ppl.distributions.continuous.normal import Normal

__all__ = ["Normal"]
