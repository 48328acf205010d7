"""Variational inference: ``ppl.fit`` (mean-field and full-rank ADVI) and its optimisers."""

from ppl.variational.approximations import Approximation, FullRank, MeanField
from ppl.variational.callbacks import CheckELBOConvergence, CheckParametersConvergence
from ppl.variational.inference import ADVI, FullRankADVI, fit
from ppl.variational.optimizers import adagrad_window, adam, sgd

__all__ = [
    "fit",
    "ADVI",
    "FullRankADVI",
    "Approximation",
    "MeanField",
    "FullRank",
    "CheckParametersConvergence",
    "CheckELBOConvergence",
    "adam",
    "adagrad_window",
    "sgd",
]
