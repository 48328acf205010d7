"""ppl: probabilistic programming on PyTensor, with PyMC 5's API.

Public names only; no logic lives here.
"""

from ppl import math, transforms
from ppl.blackbox import blackbox, check_gradient, from_jax, from_torch
from ppl.compiled import DictToArrayBijection, RaveledVars, ValueGradFunction
from ppl.distributions import *  # noqa: F403
from ppl.distributions import __all__ as _distributions_all
from ppl.exceptions import (
    IntegrationError,
    ModelError,
    ParameterValueError,
    PPLError,
    SamplingError,
    ShapeError,
    TransformError,
)
from ppl.forward import draw, sample_posterior_predictive, sample_prior_predictive
from ppl.logprob import icdf, logcdf, logp
from ppl.model.context import modelcontext
from ppl.math import floatX
from ppl.model.data import ConstantData, Data, MutableData, set_data
from ppl.model.minibatch import Minibatch
from ppl.model.deterministic import Deterministic
from ppl.model.interventions import do, observe
from ppl.model.model import Model
from ppl.model.potential import Potential
from ppl.model_graph import model_to_graphviz
from ppl.transforms.cholesky import expand_packed_triangular
from ppl.optimize import find_MAP
from ppl.variational import (
    ADVI,
    CheckELBOConvergence,
    CheckParametersConvergence,
    FullRankADVI,
    adagrad_window,
    adam,
    fit,
    sgd,
)
from ppl.sampling import (
    HMC,
    NUTS,
    BinaryGibbsMetropolis,
    CategoricalGibbsMetropolis,
    CompoundStep,
    Metropolis,
    Slice,
    assign_step_methods,
    Parameter,
    compute_log_likelihood,
    sample,
    sample_function,
)

__version__ = "0.1.0.dev0"

__all__ = [
    *_distributions_all,
    "Model",
    "modelcontext",
    "Data",
    "MutableData",
    "ConstantData",
    "floatX",
    "Minibatch",
    "do",
    "observe",
    "set_data",
    "Deterministic",
    "Potential",
    "model_to_graphviz",
    "logp",
    "logcdf",
    "icdf",
    "draw",
    "sample_prior_predictive",
    "sample_posterior_predictive",
    "sample",
    "find_MAP",
    "fit",
    "ADVI",
    "FullRankADVI",
    "CheckParametersConvergence",
    "CheckELBOConvergence",
    "adam",
    "adagrad_window",
    "sgd",
    "compute_log_likelihood",
    "expand_packed_triangular",
    "sample_function",
    "Parameter",
    "NUTS",
    "HMC",
    "Metropolis",
    "Slice",
    "BinaryGibbsMetropolis",
    "CategoricalGibbsMetropolis",
    "CompoundStep",
    "assign_step_methods",
    "DictToArrayBijection",
    "RaveledVars",
    "ValueGradFunction",
    "PPLError",
    "ModelError",
    "ShapeError",
    "ParameterValueError",
    "SamplingError",
    "IntegrationError",
    "TransformError",
    "math",
    "transforms",
    "blackbox",
    "from_jax",
    "from_torch",
    "check_gradient",
]
