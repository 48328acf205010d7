"""Conversion of draws to ``arviz.InferenceData``, and post-sampling convergence checks.

This is the only module of ppl that imports ArviZ.
"""

import datetime
import importlib.metadata
import inspect
import json
import warnings

import arviz as az
import numpy as np
import pytensor
import pytensor.tensor as pt
from pytensor.graph.replace import vectorize_graph
from pytensor.graph.traversal import ancestors

from ppl.compiled.graph_cache import compile_function
from ppl.compiled.modes import resolve_mode
from ppl.model.compile_cache import cached, mode_key

__all__ = [
    "to_inference_data",
    "convergence_warnings",
    "SamplingWarning",
    "inference_attrs",
    "sampling_attrs",
    "netcdf_attrs",
]


class SamplingWarning(UserWarning):
    """Something about a finished run the user should look at (divergences, R-hat, ESS)."""


def _batched_fn(model, graphs, mode=None, key=None):
    """Compile ``value vars -> graphs`` (graphs of value variables) vectorised over draws.

    With a ``key``, the function is cached on the model (reused after ``ppl.set_data``).
    """
    if key is not None:
        return cached(model, (*key, mode_key(mode)), lambda: _batched_fn(model, graphs, mode))
    value_vars = model.value_vars
    batched_inputs = [pt.tensor(dtype=v.dtype, shape=(None, *v.type.shape), name=v.name) for v in value_vars]
    batched = vectorize_graph(graphs, dict(zip(value_vars, batched_inputs, strict=True)))
    return compile_function(batched_inputs, batched, resolve_mode(mode), on_unused_input="ignore")


def _dims_and_coords(model, names):
    dims = {n: list(model.named_vars_to_dims[n]) for n in names if n in model.named_vars_to_dims}
    coords = {}
    for d in {d for ds in dims.values() for d in ds}:
        values = model.coords.get(d)
        coords[d] = list(values) if values is not None else np.arange(model.root._coord_store.current_length(d))
    return dims, coords


def _constant_data(model) -> dict:
    """Values of the data containers that are not observed data (those go to observed_data)."""
    observed_values = [model.rvs_to_values[rv] for rv in model.observed_RVs]
    observed = set(ancestors(observed_values)) if observed_values else set()
    return {v.name: np.array(v.get_value()) for v in model.data_vars if v not in observed}


def _by_chain(values_per_chain: list[np.ndarray]) -> np.ndarray:
    n = min(v.shape[0] for v in values_per_chain)
    return np.stack([v[:n] for v in values_per_chain])


def to_inference_data(
    model,
    chains: list[dict],
    *,
    var_names=None,
    log_likelihood: bool = False,
    mode=None,
    attrs: dict | None = None,
) -> az.InferenceData:
    """Build an InferenceData from per-chain dicts.

    Each chain dict holds ``"points"`` (value-variable name -> array with a leading draw axis),
    ``"stats"`` (name -> array) and optionally ``"warmup_points"`` and ``"warmup_stats"``.
    """
    free = model.free_RVs
    dets = model.deterministics
    outputs = free + dets
    names = [v.name for v in outputs]
    if var_names is not None:
        keep = set(var_names)
        unknown = keep - set(names)
        if unknown:
            raise KeyError(f"var_names {sorted(unknown)} are not free variables or deterministics.")
        outputs = [v for v in outputs if v.name in keep]
        names = [v.name for v in outputs]
    posterior_fn = _batched_fn(
        model, model.replace_rvs_by_values(outputs), mode, key=("posterior", tuple(names))
    )
    obs = model.observed_RVs
    loglik_fn = None
    if log_likelihood and obs:
        loglik_fn = _batched_fn(model, model.logp(obs, sum=False), mode, key=("log_likelihood",))

    def evaluate(fn, points):
        args = [points[v.name] for v in model.value_vars]
        if args and args[0].shape[0] == 0:
            return None
        return fn(*args)

    groups = {}
    for prefix in ("", "warmup_"):
        key = f"{prefix}points"
        if not any(key in c for c in chains):
            continue
        per_chain = [evaluate(posterior_fn, c[key]) for c in chains if key in c]
        if any(v is None for v in per_chain):
            continue
        groups[f"{prefix}posterior"] = {
            n: _by_chain([pc[i] for pc in per_chain]) for i, n in enumerate(names)
        }
        groups[f"{prefix}sample_stats"] = {
            s: _by_chain([c[f"{prefix}stats"][s] for c in chains]) for s in chains[0][f"{prefix}stats"]
        }
        if loglik_fn is not None:
            ll = [evaluate(loglik_fn, c[key]) for c in chains]
            groups[f"{prefix}log_likelihood"] = {
                rv.name: _by_chain([chain_ll[i] for chain_ll in ll]) for i, rv in enumerate(obs)
            }
    observed = {rv.name: np.asarray(model.rvs_to_values[rv].eval()) for rv in obs}
    groups["constant_data"] = _constant_data(model)
    all_names = names + [rv.name for rv in obs] + list(groups["constant_data"])
    dims, coords = _dims_and_coords(model, all_names)
    with warnings.catch_warnings():
        # ArviZ guesses that arrays with more chains than draws are mis-shaped; ours are not.
        warnings.filterwarnings("ignore", message="More chains", category=UserWarning)
        idata = _from_dict(groups, observed, coords, dims, attrs)
    return idata


def _library_version() -> str:
    try:
        return importlib.metadata.version("ppl")
    except importlib.metadata.PackageNotFoundError:  # run from a source tree
        import ppl  # loaded by now; imported here because ppl imports this module

        return ppl.__version__


def _netcdf_value(value):
    """``value`` as a type netCDF stores and reads back unchanged (None: leave it out)."""
    if value is None:
        return None
    if isinstance(value, bool | np.bool_):
        return int(value)
    if isinstance(value, int | np.integer):
        value = int(value)
        return value if -(2**63) <= value < 2**63 else str(value)
    if isinstance(value, float | np.floating):
        return float(value)
    if isinstance(value, str):
        return value
    if isinstance(value, list | tuple | np.ndarray):
        arr = np.asarray(value)
        if arr.ndim == 1 and arr.size and arr.dtype.kind in "iuf":
            return arr.tolist()
    try:
        return json.dumps(value, default=str)
    except (TypeError, ValueError):
        return str(value)


def netcdf_attrs(attrs: dict) -> dict:
    """``attrs`` in types a netCDF file can hold: None values dropped, bools as 0/1, NumPy
    scalars as Python numbers, ints beyond int64 as strings, other objects (dicts, lists of
    strings) as JSON strings.

    Examples
    --------
    >>> netcdf_attrs({"a": True, "b": None, "c": np.float32(0.5), "d": {"x": 1}, "e": 2**70})
    {'a': 1, 'c': 0.5, 'd': '{"x": 1}', 'e': '1180591620717411303424'}
    """
    converted = {str(k): _netcdf_value(v) for k, v in attrs.items()}
    return {k: v for k, v in converted.items() if v is not None}


def inference_attrs(attrs: dict | None = None) -> dict:
    """Attributes of every group ppl writes: creation time, library and versions, plus ``attrs``.

    Examples
    --------
    >>> a = inference_attrs({"draws": 10})
    >>> a["inference_library"], a["draws"], sorted(a)[:3]
    ('ppl', 10, ['arviz_version', 'created_at', 'draws'])
    """
    return netcdf_attrs(
        {
            "created_at": datetime.datetime.now(datetime.UTC).isoformat(),
            "arviz_version": az.__version__,
            "inference_library": "ppl",
            "inference_library_version": _library_version(),
            "pytensor_version": pytensor.__version__,
            **(attrs or {}),
        }
    )


def _target_accept(step):
    """A step's target acceptance rate: its option, else its sampler's default (None if none)."""
    if "target_accept" in getattr(step, "options", {}):
        return step.options["target_accept"]
    array_cls = getattr(step, "array_cls", None)
    if array_cls is None:
        return None
    param = inspect.signature(array_cls).parameters.get("target_accept")
    return None if param is None or param.default is inspect.Parameter.empty else param.default


def sampling_attrs(
    steps: list, *, seed, draws: int, tune: int, chains: int, nuts_sampler: str,
    sampling_time: float,
) -> dict:
    """Attributes recording how ``ppl.sample`` ran, in types netCDF can store.

    Parameters
    ----------
    steps
        The step methods (one per block of variables).
    seed
        The seed used: the user's ``random_seed``, or the entropy drawn when it was None
        (``SeedSequence.entropy``). An int beyond int64 is stored as a string (``int()`` turns
        it back into a seed giving the same draws), a sequence of ints as a JSON string.
    draws, tune, chains, nuts_sampler
        The arguments of ``sample``.
    sampling_time
        Wall time of the chains, in seconds.

    Returns
    -------
    dict
        ``random_seed``, ``draws``, ``tune``, ``tuning_steps``, ``chains``, ``step_method``
        (``"NUTS"``, ``"CompoundStep(NUTS, Metropolis)"``), ``target_accept`` (of the first
        step that has one), ``nuts_sampler`` and ``sampling_time``.

    Examples
    --------
    >>> class Metropolis:
    ...     options = {}
    >>> sampling_attrs([Metropolis()], seed=2**100, draws=10, tune=5, chains=2,
    ...                nuts_sampler="pymc", sampling_time=0.5)["random_seed"]
    '1267650600228229401496703205376'
    """
    names = [type(step).__name__ for step in steps]
    accepts = [a for a in (_target_accept(step) for step in steps) if a is not None]
    return netcdf_attrs(
        {
            "random_seed": (
                seed if isinstance(seed, int | np.integer) else json.dumps(np.asarray(seed).tolist())
            ),
            "draws": draws,
            "tune": tune,
            "tuning_steps": tune,
            "chains": chains,
            "step_method": names[0] if len(names) == 1 else f"CompoundStep({', '.join(names)})",
            "target_accept": accepts[0] if accepts else None,
            "nuts_sampler": nuts_sampler,
            "sampling_time": sampling_time,
        }
    )


def _set_attrs(idata: az.InferenceData, attrs: dict) -> az.InferenceData:
    """Give ``idata`` and each of its groups the same ``attrs`` (saved to netCDF with them)."""
    for group in idata.groups():
        idata[group].attrs = dict(attrs)
    idata.attrs = dict(attrs)
    return idata


def _from_dict(groups, observed, coords, dims, attrs):
    idata = az.from_dict(
        posterior=groups.get("posterior"),
        sample_stats=groups.get("sample_stats"),
        log_likelihood=groups.get("log_likelihood"),
        warmup_posterior=groups.get("warmup_posterior"),
        warmup_sample_stats=groups.get("warmup_sample_stats"),
        warmup_log_likelihood=groups.get("warmup_log_likelihood"),
        save_warmup="warmup_posterior" in groups,
        observed_data=observed or None,
        constant_data=groups.get("constant_data") or None,
        coords=coords,
        dims=dims,
    )
    return _set_attrs(idata, inference_attrs(attrs))


def convergence_warnings(idata: az.InferenceData, *, max_treedepth: int | None = None) -> list[str]:
    """Warn (SamplingWarning) about divergences, tree-depth hits, R-hat > 1.01 and low ESS."""
    messages = []
    stats = idata.get("sample_stats")
    if stats is not None:
        if "diverging" in stats:
            n_div = int(stats["diverging"].sum())
            if n_div:
                messages.append(
                    f"There were {n_div} divergences after tuning. Increase `target_accept` or "
                    "reparameterize."
                )
        if "reached_max_treedepth" in stats:
            n_max = int(stats["reached_max_treedepth"].sum())
            if n_max:
                messages.append(
                    f"{n_max} draws reached the maximum tree depth. Increase `max_treedepth`, "
                    "increase `target_accept` or reparameterize."
                )
    posterior = idata.get("posterior")
    if posterior is not None and posterior.sizes.get("chain", 1) > 1 and posterior.sizes.get("draw", 0) >= 4:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            rhat = az.rhat(posterior)
            ess = az.ess(posterior)
        worst_rhat = max((float(rhat[v].max()) for v in rhat.data_vars), default=1.0)
        if worst_rhat > 1.01:
            messages.append(
                f"The largest R-hat is {worst_rhat:.3f} (> 1.01): the chains have not mixed; "
                "run longer or reparameterize."
            )
        n_chains = posterior.sizes["chain"]
        worst_ess = min((float(ess[v].min()) for v in ess.data_vars), default=np.inf)
        if worst_ess < 100 * n_chains:
            messages.append(
                f"The smallest effective sample size is {worst_ess:.0f} (< {100 * n_chains}, "
                "100 per chain): estimates may be unreliable."
            )
    for m in messages:
        warnings.warn(m, SamplingWarning, stacklevel=3)
    return messages


# -- forward sampling (prior and posterior predictive) -------------------------------------------


def _observed_values(model) -> dict:
    """Observed data of the model, by variable name."""
    values = {}
    for rv in model.observed_RVs:
        data = model.rvs_to_values[rv]
        if hasattr(data, "get_value"):
            values[rv.name] = np.asarray(data.get_value())
        elif hasattr(data, "data"):
            values[rv.name] = np.asarray(data.data)
        else:
            values[rv.name] = np.asarray(data.eval())
    return values


def _quiet_from_dict(**kwargs) -> az.InferenceData:
    with warnings.catch_warnings():
        # ArviZ guesses that arrays with more chains than draws are mis-shaped; ours are not.
        warnings.filterwarnings("ignore", message="More chains", category=UserWarning)
        idata = az.from_dict(**kwargs)
    return _set_attrs(idata, inference_attrs())


def prior_to_inference_data(model, prior: dict, prior_predictive: dict) -> az.InferenceData:
    """InferenceData with ``prior``, ``prior_predictive`` and ``observed_data`` groups.

    Parameters
    ----------
    model
        The model, for dims, coords and observed data.
    prior, prior_predictive
        Variable name -> array with a leading draw axis; a chain axis of length 1 is added.

    Returns
    -------
    arviz.InferenceData

    Examples
    --------
    >>> import numpy as np, ppl
    >>> with ppl.Model() as m:
    ...     mu = ppl.Normal("mu", 0, 1)
    >>> prior_to_inference_data(m, {"mu": np.zeros(3)}, {}).prior["mu"].shape
    (1, 3)
    """
    observed = _observed_values(model)
    dims, coords = _dims_and_coords(model, [*prior, *prior_predictive, *observed])
    return _quiet_from_dict(
        prior={k: v[None] for k, v in prior.items()} or None,
        prior_predictive={k: v[None] for k, v in prior_predictive.items()} or None,
        observed_data=observed or None,
        coords=coords,
        dims=dims,
    )


def predictive_to_inference_data(
    model, values: dict, *, predictions: bool = False, constant_data: dict | None = None
) -> az.InferenceData:
    """InferenceData with a ``posterior_predictive`` (or ``predictions``) group.

    Parameters
    ----------
    model
        The model, for dims, coords and observed data.
    values
        Variable name -> array of shape ``(chain, draw, *shape)``.
    predictions
        Store the draws in ``predictions`` (and ``constant_data`` in
        ``predictions_constant_data``) instead of ``posterior_predictive`` + ``observed_data``.
    constant_data
        Data containers (name -> array) used to make the predictions.

    Returns
    -------
    arviz.InferenceData

    Examples
    --------
    >>> import numpy as np, ppl
    >>> with ppl.Model() as m:
    ...     y = ppl.Normal("y", 0, 1, observed=[0.5, 1.0])
    >>> idata = predictive_to_inference_data(m, {"y": np.zeros((2, 3, 2))})
    >>> idata.posterior_predictive["y"].shape
    (2, 3, 2)
    """
    if predictions:
        dims, coords = _dims_and_coords(model, [*values, *(constant_data or {})])
        return _quiet_from_dict(
            predictions=values,
            predictions_constant_data=constant_data or None,
            pred_dims=dims,
            pred_coords=coords,
            )
    observed = _observed_values(model)
    dims, coords = _dims_and_coords(model, [*values, *observed])
    return _quiet_from_dict(
        posterior_predictive=values,
        observed_data=observed or None,
        coords=coords,
        dims=dims,
    )


def log_likelihood_to_inference_data(model, values: dict) -> az.InferenceData:
    """InferenceData with a ``log_likelihood`` group: name -> array ``(chain, draw, *shape)``.

    Examples
    --------
    >>> import numpy as np, ppl
    >>> with ppl.Model() as m:
    ...     y = ppl.Normal("y", 0, 1, observed=[0.5, 1.0])
    >>> log_likelihood_to_inference_data(m, {"y": np.zeros((2, 3, 2))}).log_likelihood["y"].dims
    ('chain', 'draw', 'y_dim_0')
    """
    dims, coords = _dims_and_coords(model, list(values))
    return _quiet_from_dict(
        log_likelihood=values, coords=coords, dims=dims
    )


def extend_inference_data(idata: az.InferenceData, other: az.InferenceData) -> az.InferenceData:
    """Add ``other``'s groups to ``idata`` in place (replacing groups of the same name)."""
    idata.extend(other, join="right")
    return idata
