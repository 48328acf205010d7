"""Discrete univariate distributions (one module each)."""

from ppl.distributions.discrete.bernoulli import Bernoulli
from ppl.distributions.discrete.beta_binomial import BetaBinomial
from ppl.distributions.discrete.binomial import Binomial
from ppl.distributions.discrete.categorical import Categorical
from ppl.distributions.discrete.discrete_uniform import DiscreteUniform
from ppl.distributions.discrete.discrete_weibull import DiscreteWeibull
from ppl.distributions.discrete.geometric import Geometric
from ppl.distributions.discrete.hurdle_negative_binomial import HurdleNegativeBinomial
from ppl.distributions.discrete.hurdle_poisson import HurdlePoisson
from ppl.distributions.discrete.hyper_geometric import HyperGeometric
from ppl.distributions.discrete.negative_binomial import NegativeBinomial
from ppl.distributions.discrete.ordered_logistic import OrderedLogistic
from ppl.distributions.discrete.ordered_probit import OrderedProbit
from ppl.distributions.discrete.poisson import Poisson
from ppl.distributions.discrete.zero_inflated_binomial import ZeroInflatedBinomial
from ppl.distributions.discrete.zero_inflated_negative_binomial import (
    ZeroInflatedNegativeBinomial,
)
from ppl.distributions.discrete.zero_inflated_poisson import ZeroInflatedPoisson

__all__ = [
    "Bernoulli",
    "Binomial",
    "Categorical",
    "DiscreteUniform",
    "NegativeBinomial",
    "Poisson",
    "BetaBinomial",
    "DiscreteWeibull",
    "Geometric",
    "HyperGeometric",
    "ZeroInflatedPoisson",
    "ZeroInflatedBinomial",
    "ZeroInflatedNegativeBinomial",
    "HurdlePoisson",
    "HurdleNegativeBinomial",
    "OrderedLogistic",
    "OrderedProbit",
]
