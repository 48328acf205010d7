"""Discrete univariate distributions (one module each)."""

from ppl.distributions.discrete.bernoulli import Bernoulli
from ppl.distributions.discrete.binomial import Binomial
from ppl.distributions.discrete.categorical import Categorical
from ppl.distributions.discrete.discrete_uniform import DiscreteUniform
from ppl.distributions.discrete.negative_binomial import NegativeBinomial
from ppl.distributions.discrete.poisson import Poisson

__all__ = [
    "Bernoulli",
    "Binomial",
    "Categorical",
    "DiscreteUniform",
    "NegativeBinomial",
    "Poisson",
]
