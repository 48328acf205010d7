"""Multivariate distributions (one module each)."""

from ppl.distributions.multivariate.dirichlet import Dirichlet
from ppl.distributions.multivariate.dirichlet_multinomial import DirichletMultinomial
from ppl.distributions.multivariate.lkj_cholesky_cov import LKJCholeskyCov
from ppl.distributions.multivariate.lkj_corr import LKJCorr
from ppl.distributions.multivariate.multinomial import Multinomial
from ppl.distributions.multivariate.mv_normal import MvNormal
from ppl.distributions.multivariate.mv_student_t import MvStudentT
from ppl.distributions.multivariate.zero_sum_normal import ZeroSumNormal

__all__: list[str] = [
    "Dirichlet",
    "Multinomial",
    "MvNormal",
    "MvStudentT",
    "DirichletMultinomial",
    "LKJCorr",
    "LKJCholeskyCov",
    "ZeroSumNormal",
]
