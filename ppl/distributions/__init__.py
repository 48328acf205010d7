"""Distributions: one module per distribution, grouped by family."""

from ppl.distributions import composite, continuous, discrete, multivariate, timeseries
from ppl.distributions.composite import *  # noqa: F403
from ppl.distributions.continuous import *  # noqa: F403
from ppl.distributions.discrete import *  # noqa: F403
from ppl.distributions.distribution import Continuous, Discrete, Distribution
from ppl.distributions.multivariate import *  # noqa: F403
from ppl.distributions.timeseries import *  # noqa: F403
from ppl import transforms  # noqa: E402  (ppl.distributions.transforms, as in PyMC)

__all__ = [
    "Distribution",
    "Continuous",
    "Discrete",
    *continuous.__all__,
    *discrete.__all__,
    *multivariate.__all__,
    *composite.__all__,
    *timeseries.__all__,
]
