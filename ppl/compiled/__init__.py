"""Compiled functions: point dict <-> flat vector, and the (logp, dlogp) function."""

from ppl.compiled.bijection import DictToArrayBijection, RaveledVars
from ppl.compiled.value_grad import ValueGradFunction

__all__ = ["DictToArrayBijection", "RaveledVars", "ValueGradFunction"]
