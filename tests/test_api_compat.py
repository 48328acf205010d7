"""The PyMC 5 public names and argument names ppl promises (checked without importing PyMC)."""

import inspect

import pytest

import ppl

# name -> argument names of .dist(), in PyMC 5's order
DISTRIBUTIONS = {
    "Normal": ["mu", "sigma", "tau"],
    "HalfNormal": ["sigma", "tau"],
    "StudentT": ["nu", "mu", "sigma", "lam"],
    "Cauchy": ["alpha", "beta"],
    "HalfCauchy": ["beta"],
    "Uniform": ["lower", "upper"],
    "Flat": [],
    "HalfFlat": [],
    "Beta": ["alpha", "beta", "mu", "sigma", "nu"],
    "Gamma": ["alpha", "beta", "mu", "sigma"],
    "InverseGamma": ["alpha", "beta", "mu", "sigma"],
    "Exponential": ["lam", "scale"],
    "LogNormal": ["mu", "sigma", "tau"],
    "Laplace": ["mu", "b"],
    "TruncatedNormal": ["mu", "sigma", "tau", "lower", "upper"],
    "HalfStudentT": ["nu", "sigma", "lam"],
    "Kumaraswamy": ["a", "b"],
    "AsymmetricLaplace": ["kappa", "mu", "b", "q"],
    "Logistic": ["mu", "s"],
    "LogitNormal": ["mu", "sigma", "tau"],
    "Weibull": ["alpha", "beta"],
    "ChiSquared": ["nu"],
    "Pareto": ["alpha", "m"],
    "VonMises": ["mu", "kappa"],
    "SkewNormal": ["alpha", "mu", "sigma", "tau"],
    "Wald": ["mu", "lam", "phi", "alpha"],
    "Triangular": ["lower", "upper", "c"],
    "Gumbel": ["mu", "beta"],
    "ExGaussian": ["mu", "sigma", "nu"],
    "Rice": ["nu", "sigma", "b"],
    "Moyal": ["mu", "sigma"],
    "SkewStudentT": ["a", "b", "mu", "sigma", "lam"],
    "Interpolated": ["x_points", "pdf_points"],
    "HurdleGamma": ["psi", "alpha", "beta", "mu", "sigma"],
    "HurdleLogNormal": ["psi", "mu", "sigma", "tau"],
    "Bernoulli": ["p", "logit_p"],
    "Binomial": ["n", "p", "logit_p"],
    "Poisson": ["mu"],
    "NegativeBinomial": ["mu", "alpha", "p", "n"],
    "DiscreteUniform": ["lower", "upper"],
    "Categorical": ["p", "logit_p"],
    "BetaBinomial": ["alpha", "beta", "n"],
    "Geometric": ["p"],
    "HyperGeometric": ["N", "k", "n"],
    "DiscreteWeibull": ["q", "beta"],
    "ZeroInflatedPoisson": ["psi", "mu"],
    "ZeroInflatedBinomial": ["psi", "n", "p"],
    "ZeroInflatedNegativeBinomial": ["psi", "mu", "alpha", "p", "n"],
    "HurdlePoisson": ["psi", "mu"],
    "HurdleNegativeBinomial": ["psi", "mu", "alpha", "p", "n"],
    "OrderedLogistic": ["eta", "cutpoints"],
    "OrderedProbit": ["eta", "cutpoints", "sigma"],
    "MvNormal": ["mu", "cov", "tau", "chol", "lower", "method"],
    "Dirichlet": ["a"],
    "Multinomial": ["n", "p"],
    "Mixture": ["w", "comp_dists"],
    "NormalMixture": ["w", "mu", "sigma", "tau"],
    "Truncated": ["dist", "lower", "upper", "max_n_steps"],
    "Censored": ["dist", "lower", "upper"],
    "MvStudentT": ["nu", "Sigma", "mu", "scale", "tau", "chol", "lower"],
    "DirichletMultinomial": ["n", "a"],
    "LKJCorr": ["n", "eta", "return_matrix"],
    "ZeroSumNormal": ["sigma", "n_zerosum_axes", "support_shape"],
    "LKJCholeskyCov": ["eta", "n", "sd_dist"],
    "GaussianRandomWalk": ["mu", "sigma", "init_dist", "steps"],
    "AR": ["rho", "sigma", "tau", "constant", "init_dist", "ar_order", "steps"],
}

MODEL_API = [
    "free_RVs", "observed_RVs", "deterministics", "potentials", "named_vars", "value_vars",
    "rvs_to_values", "rvs_to_transforms", "values_to_rvs", "coords", "dim_lengths",
    "named_vars_to_dims", "initial_point", "compile_logp", "compile_dlogp", "compile_d2logp",
    "point_logps", "logp", "dlogp", "d2logp", "logp_dlogp_function", "add_coord", "add_coords",
    "basic_RVs", "unobserved_value_vars", "name_for", "register_rv", "compile_fn", "debug",
]

TOP_LEVEL = ["Model", "modelcontext", "Deterministic", "Potential", "logp", "logcdf", "icdf", "draw",
             "Minibatch", "observe", "do", "MutableData", "ConstantData", "floatX", "CompoundStep"]


@pytest.mark.parametrize("name", sorted(DISTRIBUTIONS))
def test_distribution_names_and_arguments(name):
    dist = getattr(ppl, name)
    params = [
        p.name
        for p in inspect.signature(dist.dist).parameters.values()
        if p.kind not in (p.VAR_KEYWORD, p.VAR_POSITIONAL)
    ]
    assert params == DISTRIBUTIONS[name]


@pytest.mark.parametrize("name", MODEL_API)
def test_model_api(name):
    assert hasattr(ppl.Model, name)


@pytest.mark.parametrize("name", TOP_LEVEL)
def test_top_level(name):
    assert hasattr(ppl, name)


def test_transforms_module_path():
    from ppl.distributions import transforms

    for name in ["log", "logodds", "Interval", "simplex", "ordered", "Chain", "ChainedTransform"]:
        assert hasattr(transforms, name)


# function -> PyMC 5 keyword arguments ppl accepts under the same names
FUNCTION_KEYWORDS = {
    "sample": ["draws", "tune", "chains", "cores", "random_seed", "progressbar", "step",
               "var_names", "initvals", "init", "jitter_max_retries", "target_accept",
               "discard_tuned_samples", "compute_convergence_checks", "return_inferencedata",
               "idata_kwargs", "model", "mp_ctx", "n_init", "blas_cores", "nuts_sampler",
               "nuts_sampler_kwargs", "compile_kwargs", "keep_warning_stat", "progressbar_theme",
               "callback"],
    "sample_prior_predictive": ["draws", "model", "var_names", "random_seed",
                                "return_inferencedata", "compile_kwargs"],
    "sample_posterior_predictive": ["trace", "model", "var_names", "random_seed", "progressbar",
                                    "return_inferencedata", "extend_inferencedata",
                                    "predictions", "compile_kwargs"],
    "compute_log_likelihood": ["idata", "var_names", "extend_inferencedata", "model",
                               "sample_dims", "progressbar"],
    "set_data": ["new_data", "model", "coords"],
    "Data": ["name", "value", "dims", "coords", "model"],
    "draw": ["vars", "draws", "random_seed"],
    "observe": ["model", "vars_to_observations"],
    "do": ["model", "vars_to_interventions", "prune_vars"],
    "fit": ["n", "method", "model", "random_seed", "start", "inf_kwargs", "progressbar",
            "obj_optimizer", "callbacks", "obj_n_mc"],
    "expand_packed_triangular": ["n", "packed", "lower", "diagonal_only"],
    "adam": ["loss_or_grads", "params", "learning_rate", "beta1", "beta2", "epsilon"],
    "adagrad_window": ["loss_or_grads", "params", "learning_rate", "epsilon", "n_win"],
    "find_MAP": ["start", "vars", "method", "return_raw", "include_transformed", "progressbar",
                 "maxeval", "model", "seed"],
}


@pytest.mark.parametrize("name", sorted(FUNCTION_KEYWORDS))
def test_function_keywords(name):
    params = inspect.signature(getattr(ppl, name)).parameters
    missing = [k for k in FUNCTION_KEYWORDS[name] if k not in params]
    assert not missing
    # The leading positional arguments are in PyMC's order.
    assert list(params)[:2] == FUNCTION_KEYWORDS[name][:2]


# PyMC 5's model_to_graphviz: (name, default) of each argument; all but `model` keyword-only.
GRAPHVIZ_ARGUMENTS = [
    ("var_names", None), ("formatting", "plain"), ("save", None), ("figsize", None),
    ("dpi", 300), ("node_formatters", None), ("include_dim_lengths", True),
]


def test_model_to_graphviz_signature():
    params = inspect.signature(ppl.model_to_graphviz).parameters
    assert list(params) == ["model"] + [name for name, _ in GRAPHVIZ_ARGUMENTS]
    assert params["model"].default is None
    for name, default in GRAPHVIZ_ARGUMENTS:
        assert params[name].kind is inspect.Parameter.KEYWORD_ONLY
        assert params[name].default == default
    method = inspect.signature(ppl.Model.to_graphviz).parameters
    assert [(n, p.default) for n, p in method.items() if n != "self"] == GRAPHVIZ_ARGUMENTS
