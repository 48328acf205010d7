"""Continuous univariate distributions (one module each)."""

from ppl.distributions.continuous.beta import Beta
from ppl.distributions.continuous.cauchy import Cauchy
from ppl.distributions.continuous.exponential import Exponential
from ppl.distributions.continuous.flat import Flat
from ppl.distributions.continuous.gamma import Gamma
from ppl.distributions.continuous.half_cauchy import HalfCauchy
from ppl.distributions.continuous.half_flat import HalfFlat
from ppl.distributions.continuous.half_normal import HalfNormal
from ppl.distributions.continuous.inverse_gamma import InverseGamma
from ppl.distributions.continuous.laplace import Laplace
from ppl.distributions.continuous.log_normal import LogNormal
from ppl.distributions.continuous.normal import Normal
from ppl.distributions.continuous.student_t import StudentT
from ppl.distributions.continuous.uniform import Uniform

__all__ = [
    "Normal",
    "HalfNormal",
    "StudentT",
    "Cauchy",
    "HalfCauchy",
    "Uniform",
    "Flat",
    "HalfFlat",
    "Beta",
    "Gamma",
    "InverseGamma",
    "Exponential",
    "LogNormal",
    "Laplace",
]
