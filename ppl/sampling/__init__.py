"""Sampling driver, model-level step methods and conversion to InferenceData."""

from ppl.sampling.assign import assign_step_methods
from ppl.sampling.function import Parameter, sample_function
from ppl.sampling.log_likelihood import compute_log_likelihood
from ppl.sampling.mcmc import sample
from ppl.sampling.steps import (
    HMC,
    NUTS,
    BinaryGibbsMetropolis,
    CategoricalGibbsMetropolis,
    Metropolis,
    Slice,
)
from ppl.step_methods.compound import CompoundStep

__all__ = [
    "sample",
    "assign_step_methods",
    "compute_log_likelihood",
    "sample_function",
    "Parameter",
    "NUTS",
    "HMC",
    "Metropolis",
    "Slice",
    "BinaryGibbsMetropolis",
    "CategoricalGibbsMetropolis",
    "CompoundStep",
]
