"""Prior and posterior predictive sampling: one compiled forward graph, vectorised over draws."""

import logging
from collections.abc import Sequence

import numpy as np
import pytensor
import pytensor.tensor as pt
from pytensor.compile.sharedvalue import SharedVariable
from pytensor.graph.basic import Variable
from pytensor.graph.replace import graph_replace
from pytensor.graph.traversal import ancestors
from pytensor.tensor.random.type import RandomGeneratorType

from ppl.compiled.modes import resolve_mode
from ppl.exceptions import ShapeError
from ppl.distributions.symbolic import inline_symbolic_rvs
from ppl.forward.batching import batch_graph
from ppl.forward.draw import seeded_rng_updates
from ppl.model.compile_cache import cached, mode_key
from ppl.model.context import modelcontext
from ppl.sampling.to_arviz import (
    extend_inference_data,
    predictive_to_inference_data,
    prior_to_inference_data,
)

__all__ = ["sample_prior_predictive", "sample_posterior_predictive"]

_log = logging.getLogger(__name__)

#: Errors PyTensor raises when an op has no vectorised form; we then draw in a loop.
_NOT_VECTORISABLE = (NotImplementedError, TypeError, ValueError)


def sample_prior_predictive(
    draws: int = 500,
    model=None,
    var_names: Sequence[str] | None = None,
    random_seed=None,
    return_inferencedata: bool = True,
    compile_kwargs: dict | None = None,
    *,
    mode=None,
):
    """Draw from the prior and the prior predictive distribution of a model.

    All requested variables come from one compiled function evaluated once: every random
    variable draws ``draws`` values at a time, and each draw of a variable uses the same draw
    of its parents.

    Parameters
    ----------
    draws
        Number of draws.
    model
        The model (default: the one on the context stack).
    var_names
        Names of the variables to draw (default: free variables, deterministics and observed
        variables).
    random_seed
        Seed (int, SeedSequence or Generator); the same seed gives the same draws.
    return_inferencedata
        Return an InferenceData (default) or a dict ``name -> array (draws, *shape)``.
    compile_kwargs
        Keyword arguments for ``pytensor.function`` (e.g. ``{"mode": "C"}``).
    mode
        PyTensor compile mode (default PyTensor's).

    Returns
    -------
    arviz.InferenceData or dict
        Groups ``prior`` (free variables in the constrained space and deterministics),
        ``prior_predictive`` (observed variables) and ``observed_data``, with ``chain`` of
        length 1 and ``draw`` of length ``draws``.

    Raises
    ------
    KeyError
        If a name in ``var_names`` is not a variable of the model.

    Examples
    --------
    >>> import ppl
    >>> with ppl.Model():
    ...     mu = ppl.Normal("mu", 2, 3)
    ...     x = ppl.Normal("x", mu, 1, observed=[1.0, 2.5])
    ...     idata = ppl.sample_prior_predictive(draws=100, random_seed=1)
    >>> idata.prior_predictive["x"].shape
    (1, 100, 2)
    """
    model = modelcontext(model)
    observed = model.observed_RVs
    if var_names is None:
        targets = model.free_RVs + model.deterministics + observed
    else:
        targets = [model[name] for name in var_names]
    values = _forward(
        targets, int(draws), {}, random_seed, _compile_kwargs(mode, compile_kwargs), model
    )
    if not return_inferencedata:
        return {v.name: x for v, x in zip(targets, values, strict=True)}
    prior = {v.name: x for v, x in zip(targets, values, strict=True) if v not in observed}
    prior_predictive = {v.name: x for v, x in zip(targets, values, strict=True) if v in observed}
    return prior_to_inference_data(model, prior, prior_predictive)


def sample_posterior_predictive(
    trace,
    model=None,
    var_names: Sequence[str] | None = None,
    random_seed=None,
    predictions: bool = False,
    extend_inferencedata: bool = False,
    progressbar: bool = True,
    return_inferencedata: bool = True,
    compile_kwargs: dict | None = None,
    *,
    mode=None,
):
    """Draw the observed variables (or ``var_names``) given each posterior draw.

    Free variables found in ``trace`` (and not in ``var_names``) take their posterior values;
    every other variable in the graph of the requested ones is drawn forward, so a free
    variable named in ``var_names`` or missing from ``trace`` is drawn from its prior given its
    parents. Requested deterministics are recomputed from the posterior values. All draws of
    all chains come from one compiled function evaluated once.

    Parameters
    ----------
    trace
        An InferenceData with a ``posterior`` group, or that group (an ``xarray.Dataset``).
    model
        The model (default: the one on the context stack).
    var_names
        Names of the variables to draw (default: the observed variables).
    random_seed
        Seed (int, SeedSequence or Generator); the same seed gives the same draws.
    predictions
        Store the draws in a ``predictions`` group (with the model's named shared data in
        ``predictions_constant_data``), for out-of-sample data set with ``set_data``.
    extend_inferencedata
        Add the new groups to ``trace`` (replacing groups of the same name) and return it.
    progressbar
        Accepted for PyMC compatibility; there is one vectorised call, so no bar is shown.
    return_inferencedata
        Return an InferenceData (default) or a dict ``name -> array (chain, draw, *shape)``.
    compile_kwargs
        Keyword arguments for ``pytensor.function`` (e.g. ``{"mode": "C"}``).
    mode
        PyTensor compile mode (default PyTensor's).

    Returns
    -------
    arviz.InferenceData
        With ``posterior_predictive`` and ``observed_data`` (or ``predictions`` and
        ``predictions_constant_data``) groups; dims ``(chain, draw, *variable dims)``.

    Raises
    ------
    KeyError
        If a name in ``var_names`` is not a variable of the model.
    ShapeError
        If a posterior variable's shape does not match the model's.
    TypeError
        If ``extend_inferencedata`` is set but ``trace`` is not an InferenceData.

    Examples
    --------
    >>> import numpy as np, ppl
    >>> with ppl.Model():
    ...     mu = ppl.Normal("mu", 0, 1)
    ...     y = ppl.Normal("y", mu, 1, observed=[0.1, -0.3, 0.5])
    ...     prior = ppl.sample_prior_predictive(draws=20, random_seed=1)
    ...     pp = ppl.sample_posterior_predictive(prior.prior, random_seed=2)
    >>> pp.posterior_predictive["y"].shape
    (1, 20, 3)
    """
    model = modelcontext(model)
    if extend_inferencedata and not hasattr(trace, "posterior"):
        raise TypeError(
            "sample_posterior_predictive: extend_inferencedata=True needs an InferenceData, got "
            f"{type(trace).__name__}."
        )
    posterior = trace.posterior if hasattr(trace, "posterior") else trace
    n_chains, n_draws = int(posterior.sizes["chain"]), int(posterior.sizes["draw"])
    if var_names is None:
        targets = model.observed_RVs
    else:
        targets = [model[name] for name in var_names]
    given = {}
    for rv in model.free_RVs:
        if rv.name in posterior and rv not in targets:
            given[rv] = _flat_draws(posterior, rv, n_chains * n_draws)
    missing = [rv.name for rv in model.free_RVs if rv.name not in posterior]
    if missing:
        _log.info("Free variables %s are not in the trace: drawn from their priors.", missing)
    values = _forward(
        targets, n_chains * n_draws, given, random_seed, _compile_kwargs(mode, compile_kwargs),
        model,
    )
    values = {
        v.name: x.reshape(n_chains, n_draws, *x.shape[1:])
        for v, x in zip(targets, values, strict=True)
    }
    if not return_inferencedata:
        return values
    constant_data = _named_shared_data(targets) if predictions else None
    idata = predictive_to_inference_data(
        model, values, predictions=predictions, constant_data=constant_data
    )
    if extend_inferencedata:
        return extend_inference_data(trace, idata)
    return idata


def _flat_draws(posterior, rv: Variable, n: int) -> np.ndarray:
    """Posterior draws of ``rv`` as an array of shape ``(chain * draw, *rv.shape)``."""
    array = posterior[rv.name].transpose("chain", "draw", ...).values
    shape = array.shape[2:]
    static = rv.type.shape
    if len(shape) != len(static) or any(s is not None and s != a for s, a in zip(static, shape)):
        raise ShapeError(
            f"sample_posterior_predictive: posterior draws of {rv.name!r} have shape {shape}, "
            f"but the variable has shape {static} in the model."
        )
    return np.ascontiguousarray(array.reshape(n, *shape), dtype=rv.dtype)


def _named_shared_data(outputs) -> dict:
    """Named shared data (not RNGs) the graphs of ``outputs`` read: ``name -> value``."""
    return {
        v.name: np.asarray(v.get_value())
        for v in ancestors(list(outputs))
        if isinstance(v, SharedVariable)
        and v.name
        and not isinstance(v.type, RandomGeneratorType)
    }


def _compile_kwargs(mode, compile_kwargs: dict | None) -> dict:
    kwargs = dict(compile_kwargs or {})
    if mode is not None:
        kwargs["mode"] = mode
    kwargs["mode"] = resolve_mode(kwargs.get("mode"))
    return kwargs


def _forward(outputs: list, n: int, given: dict, random_seed, compile_kwargs: dict, model=None):
    """Values of ``outputs`` for ``n`` draws, given batched values of some variables.

    Compiles one function, cached on ``model`` (so repeated calls, e.g. after ``set_data``,
    compile nothing). It is vectorised over draws when every op allows it, and called once;
    otherwise it computes one draw and is called in a Python loop.
    """
    if not outputs:
        return []
    key = (
        "forward",
        tuple(v.name for v in outputs),
        tuple(v.name for v in given),
        tuple(sorted((k, mode_key(v)) for k, v in compile_kwargs.items())),
    )
    if model is None or any(v.name is None for v in [*outputs, *given]):
        compiled = _build_forward(outputs, given, compile_kwargs)
    else:
        compiled = cached(model, key, lambda: _build_forward(outputs, given, compile_kwargs))
    if compiled is None:
        return _forward_loop(outputs, n, given, random_seed, compile_kwargs)
    fn, batched = compiled
    seeded_rng_updates(batched, random_seed)
    return [np.asarray(x) for x in fn(n, *given.values())]


def _build_forward(outputs: list, given: dict, compile_kwargs: dict):
    """``(function of (n, *batched given values), batched outputs)``, or None if not batchable."""
    given_vars = list(given)
    n_draws = pt.scalar("n_draws", dtype="int64")
    batched_inputs = [
        pt.tensor(dtype=v.dtype, shape=(None, *v.type.shape), name=v.name) for v in given_vars
    ]
    try:
        batched = batch_graph(outputs, n_draws, dict(zip(given_vars, batched_inputs, strict=True)))
        fn = _compile([n_draws, *batched_inputs], batched, None, compile_kwargs)
    except _NOT_VECTORISABLE as err:
        _log.debug(
            "The forward graph of %s cannot be vectorised over draws (%s: %s); drawing them in "
            "a Python loop.",
            [getattr(v, "name", v) for v in outputs],
            type(err).__name__,
            err,
        )
        return None
    return fn, batched


def _forward_loop(outputs: list, n: int, given: dict, random_seed, compile_kwargs: dict) -> list[np.ndarray]:
    """Fallback of :func:`_forward`: one compiled single-draw function, called ``n`` times."""
    given_vars = list(given)
    # Composite variables as their inner graphs, as in batch_graph: seeded_rng_updates only
    # knows RandomVariable nodes, and would leave a composite's generators un-updated.
    outputs = inline_symbolic_rvs(outputs, stop_at=given_vars)
    inputs = [pt.tensor(dtype=v.dtype, shape=v.type.shape, name=v.name) for v in given_vars]
    # A second graph replacement (besides logprob/joint.py): the given variables become inputs
    # of the single-draw function. Only used when the graph cannot be vectorised.
    graphs = graph_replace(outputs, dict(zip(given_vars, inputs, strict=True)), strict=False)
    fn = _compile(inputs, graphs, random_seed, compile_kwargs)
    per_draw = [fn(*(values[i] for values in given.values())) for i in range(n)]
    return [np.stack([np.asarray(d[j]) for d in per_draw]) for j in range(len(outputs))]


def _compile(inputs: list, outputs: list, random_seed, compile_kwargs: dict):
    updates = seeded_rng_updates(outputs, random_seed)
    return pytensor.function(
        inputs, outputs, updates=updates, on_unused_input="ignore", **compile_kwargs
    )
