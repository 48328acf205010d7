"""Multivariate distributions (one module each)."""

from ppl.distributions.multivariate.dirichlet import Dirichlet
from ppl.distributions.multivariate.multinomial import Multinomial
from ppl.distributions.multivariate.mv_normal import MvNormal

__all__: list[str] = ["Dirichlet", "Multinomial", "MvNormal"]
