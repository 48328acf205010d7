"""Step methods.

The array layer (``step``, ``driver``, ``metropolis``, ``slice``, ``discrete`` and ``hmc``) sees
only a flat float64 vector, a log-density callable and an explicit ``numpy.random.Generator``;
it imports nothing from ``ppl`` but :mod:`ppl.exceptions`. Model-level wrappers build on it.
"""
