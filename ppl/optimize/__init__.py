"""Optimisation: the posterior mode (``find_MAP``)."""

from ppl.optimize.find_map import OptimizationWarning, find_MAP

__all__ = ["find_MAP", "OptimizationWarning"]
