"""Continuous univariate distributions (one module each)."""

from ppl.distributions.continuous.asymmetric_laplace import AsymmetricLaplace
from ppl.distributions.continuous.beta import Beta
from ppl.distributions.continuous.cauchy import Cauchy
from ppl.distributions.continuous.chi_squared import ChiSquared
from ppl.distributions.continuous.ex_gaussian import ExGaussian
from ppl.distributions.continuous.exponential import Exponential
from ppl.distributions.continuous.flat import Flat
from ppl.distributions.continuous.gamma import Gamma
from ppl.distributions.continuous.gumbel import Gumbel
from ppl.distributions.continuous.half_cauchy import HalfCauchy
from ppl.distributions.continuous.half_flat import HalfFlat
from ppl.distributions.continuous.half_normal import HalfNormal
from ppl.distributions.continuous.half_student_t import HalfStudentT
from ppl.distributions.continuous.hurdle_gamma import HurdleGamma
from ppl.distributions.continuous.hurdle_log_normal import HurdleLogNormal
from ppl.distributions.continuous.interpolated import Interpolated
from ppl.distributions.continuous.inverse_gamma import InverseGamma
from ppl.distributions.continuous.kumaraswamy import Kumaraswamy
from ppl.distributions.continuous.laplace import Laplace
from ppl.distributions.continuous.log_normal import LogNormal
from ppl.distributions.continuous.logistic import Logistic
from ppl.distributions.continuous.logit_normal import LogitNormal
from ppl.distributions.continuous.moyal import Moyal
from ppl.distributions.continuous.normal import Normal
from ppl.distributions.continuous.pareto import Pareto
from ppl.distributions.continuous.rice import Rice
from ppl.distributions.continuous.skew_normal import SkewNormal
from ppl.distributions.continuous.skew_student_t import SkewStudentT
from ppl.distributions.continuous.student_t import StudentT
from ppl.distributions.continuous.triangular import Triangular
from ppl.distributions.continuous.truncated_normal import TruncatedNormal
from ppl.distributions.continuous.uniform import Uniform
from ppl.distributions.continuous.von_mises import VonMises
from ppl.distributions.continuous.wald import Wald
from ppl.distributions.continuous.weibull import Weibull

__all__ = [
    "AsymmetricLaplace",
    "Beta",
    "Cauchy",
    "ChiSquared",
    "ExGaussian",
    "Exponential",
    "Flat",
    "Gamma",
    "Gumbel",
    "HalfCauchy",
    "HalfFlat",
    "HalfNormal",
    "HalfStudentT",
    "HurdleGamma",
    "HurdleLogNormal",
    "Interpolated",
    "InverseGamma",
    "Kumaraswamy",
    "Laplace",
    "LogNormal",
    "Logistic",
    "LogitNormal",
    "Moyal",
    "Normal",
    "Pareto",
    "Rice",
    "SkewNormal",
    "SkewStudentT",
    "StudentT",
    "Triangular",
    "TruncatedNormal",
    "Uniform",
    "VonMises",
    "Wald",
    "Weibull",
]
