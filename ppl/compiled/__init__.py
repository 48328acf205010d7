"""Compiled functions: point dict <-> flat vector, and the (logp, dlogp) function.

Importing this package changes two things in PyTensor's Numba backend, so that elementwise
loops vectorise: contiguous arrays stay contiguous through ``DimShuffle``
(:mod:`ppl.compiled.numba_layout`; ``PPL_NUMBA_LAYOUT=0`` turns it off), and float64 ``exp``,
``log``, ``log1p``, ``expm1``, ``softplus`` and ``sigmoid`` have vectorisable implementations
(:mod:`ppl.compiled.vecmath`, within 1 ulp of NumPy's; ``PPL_VECTOR_MATH=0`` turns it off).
"""

from ppl.compiled import numba_layout, vecmath
from ppl.compiled.bijection import DictToArrayBijection, RaveledVars
from ppl.compiled.value_grad import ValueGradFunction

numba_layout.install()
vecmath.install()

__all__ = ["DictToArrayBijection", "RaveledVars", "ValueGradFunction"]
