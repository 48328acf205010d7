"""``ppl.sample``: run MCMC chains on a model and return an ``arviz.InferenceData``."""

import functools
import logging
import os
import time
import warnings

import numpy as np

from ppl.blackbox import fork_unsafe_ops
from ppl.exceptions import ParameterValueError, SamplingError
from ppl.logprob.minibatch import uses_minibatch
from ppl.model.compile_cache import cached
from ppl.model.context import modelcontext
from ppl.model.initial_point import make_initial_point_fn
from ppl.sampling.assign import VarLayout, assign_step_methods
from ppl.sampling.callback import ChainCallback
from ppl.sampling.init_advi import ADVI_INITS, advi_init
from ppl.sampling.numba_chain import NUTS_SAMPLERS, check_kernel_kwargs, select_numba_kernel
from ppl.sampling.parallel import ChainSpec, lost_chain_attrs, run_chains
from ppl.sampling.progress import chain_progress
from ppl.sampling.to_arviz import (
    SamplingWarning,
    convergence_warnings,
    sampling_attrs,
    to_inference_data,
)

__all__ = ["sample", "init_points"]

_log = logging.getLogger(__name__)

_NUTS_OPTIONS = {
    "target_accept", "max_treedepth", "max_energy_error", "step_size", "step_scale",
    "dense_mass", "adapt_step_size", "adapt_mass_matrix",
}
_INITS = {"jitter+adapt_diag", "adapt_diag", "jitter+adapt_full", "adapt_full", "auto", *ADVI_INITS}


def init_points(
    model, chains: int, rngs, *, init: str, initvals=None, max_retries: int = 10, mode=None,
    gradient: bool = False,
):
    """One start point per chain: the initial point, jittered by U(-1, 1) on continuous values.

    A jittered point whose log-density is not finite is drawn again (up to ``max_retries``).
    With ``gradient`` (one gradient-based step over every free variable), the log-density is
    evaluated with the model's cached ``logp_dlogp_function`` (compiled in ``mode``): the
    function that step then uses, so ``sample`` compiles the model once.

    Raises
    ------
    SamplingError
        If no valid start point is found; the message lists every variable's logp.
    """
    per_chain = initvals if isinstance(initvals, (list, tuple)) else [initvals] * chains
    if len(per_chain) != chains:
        raise SamplingError(f"initvals has {len(per_chain)} entries for {chains} chains.")
    # Cached on the model: a refit after ppl.set_data compiles neither of these again.
    default_point_fn = cached(model, ("initial_point_fn",), lambda: make_initial_point_fn(model))
    continuous = {v.name for v in model.continuous_value_vars}
    if gradient and len(continuous) == len(model.value_vars):
        value_grad = model.logp_dlogp_function(initial_point=default_point_fn(), mode=mode)
        names = [name for name, *_ in value_grad.point_map_info]

        def compiled_logp(point) -> float:
            return value_grad(np.concatenate([np.ravel(point[n]) for n in names]))[0]
    else:
        compiled_logp = cached(model, ("compile_logp",), model.compile_logp)

    def logp_fn(point) -> float:
        try:
            return float(compiled_logp(point))
        except ParameterValueError:
            return -np.inf

    jitter = init.startswith("jitter") or init == "auto"
    points = []
    for chain, rng in enumerate(rngs):
        initvals_c = per_chain[chain]
        base = (default_point_fn if initvals_c is None else make_initial_point_fn(model, initvals_c))()
        point = base
        for _ in range(max_retries + 1 if jitter else 1):
            point = {
                k: v + rng.uniform(-1, 1, size=np.shape(v)) if jitter and k in continuous else v
                for k, v in base.items()
            }
            if np.isfinite(logp_fn(point)):
                break
        else:
            model.check_start_vals(point)  # raises, listing each variable's logp
            raise SamplingError(f"No start point with a finite log-density; last tried: {point}.")
        points.append(point)
    return points


def _split_options(kwargs: dict, nuts: dict | None, target_accept, init: str) -> dict:
    unknown = set(kwargs) - _NUTS_OPTIONS
    if unknown:
        raise TypeError(f"sample() got unexpected argument(s) {sorted(unknown)}.")
    options = {**(nuts or {}), **kwargs}
    if target_accept is not None:
        options["target_accept"] = target_accept
    if init.endswith("adapt_full"):
        options.setdefault("dense_mass", True)
    return options


def sample(
    draws: int = 1000,
    *,
    tune: int = 1000,
    chains: int | None = None,
    cores: int | None = None,
    random_seed=None,
    progressbar: bool = True,
    step=None,
    var_names=None,
    initvals=None,
    init: str = "jitter+adapt_diag",
    jitter_max_retries: int = 10,
    n_init: int = 200_000,
    target_accept: float | None = None,
    discard_tuned_samples: bool = True,
    compute_convergence_checks: bool = True,
    return_inferencedata: bool = True,
    idata_kwargs: dict | None = None,
    nuts: dict | None = None,
    model=None,
    mode=None,
    executor=None,
    mp_ctx: str | None = None,
    blas_cores: int | str | None = "auto",
    nuts_sampler: str = "auto",
    nuts_sampler_kwargs: dict | None = None,
    compile_kwargs: dict | None = None,
    callback=None,
    keep_warning_stat: bool = False,
    progressbar_theme=None,
    **kwargs,
):
    """Draw samples from the posterior with NUTS and/or Metropolis/Gibbs steps.

    Parameters
    ----------
    draws
        Draws per chain kept after tuning.
    tune
        Tuning (warm-up) iterations per chain.
    chains
        Number of chains (default: 4, or ``cores`` if larger).
    cores
        Worker processes; with ``cores=1`` the chains run one after another in this process.
        Default: the number of CPUs, at most 4.
    random_seed
        Seed; the same seed gives bit-identical draws.
    progressbar
        Show one progress bar per chain.
    step
        Step method(s), e.g. ``[ppl.Metropolis([s]), ppl.NUTS([a, b])]``; variables not covered
        are assigned automatically (one NUTS for all continuous ones, Gibbs/Metropolis for the
        discrete ones).
    var_names
        Variables to store in the posterior (default: free variables and deterministics).
    initvals
        Start values (constrained space): a dict, or a list of dicts (one per chain).
    init
        ``"jitter+adapt_diag"`` (default), ``"adapt_diag"``, ``"jitter+adapt_full"``,
        ``"adapt_full"``, ``"auto"``, ``"advi+adapt_diag"`` (start points and initial diagonal
        mass matrix from a mean-field ADVI fit, then adapted) or ``"advi"`` (not adapted).
    n_init
        Maximum ADVI iterations for the ``"advi"`` inits (the fit stops once it converges).
    target_accept
        NUTS target acceptance (default 0.8).
    discard_tuned_samples
        Leave the tuning draws out; otherwise they go to the ``warmup_*`` groups.
    compute_convergence_checks
        Warn about divergences, tree-depth hits, R-hat and ESS.
    return_inferencedata
        If False, return a dict of posterior arrays of shape ``(chain, draw, *shape)`` instead
        of an InferenceData.
    idata_kwargs
        ``{"log_likelihood": True}`` adds the pointwise log-likelihood (for ``az.loo``).
    nuts
        NUTS options, e.g. ``{"max_treedepth": 12}``; also accepted as keyword arguments.
    mode
        PyTensor compile mode of the log-density.
    executor
        A ``concurrent.futures.Executor`` to run the chains on (e.g. a Dask client's executor);
        the model is sent to it by value. A chain whose task fails (e.g. its Dask worker died)
        is left out with a warning: the surviving chains are returned, numbered 0, 1, ... in
        order, and the lost chains' indices are in ``sample_stats.attrs["lost_chains"]``.
    mp_ctx
        Start method of worker processes: ``"fork"`` (default on Linux: workers inherit the
        compiled model), ``"spawn"`` or ``"forkserver"`` (the model is sent by value; scripts
        need an ``if __name__ == "__main__":`` guard). A model with black-box ops that cannot
        run in a forked process (JAX's) is sampled with ``"spawn"`` by default.
    blas_cores
        Total number of BLAS/OpenMP threads while sampling: ``"auto"`` (default) uses ``cores``
        (one per worker process; in this process, ``cores`` threads), an int sets the total
        (split between the workers, at least one each; on an ``executor``, between the chains,
        so ``"auto"`` gives each chain one thread), None leaves the libraries' defaults.
        Threaded BLAS on small matrices made sampling many times slower on busy machines.
    nuts_sampler
        ``"auto"`` (default; ``"pymc"`` is the same): the compiled kernel
        (:mod:`ppl.step_methods.numba_nuts`, each chain's warm-up and draws run in Numba with
        no Python per leapfrog step) when the model allows it -- one NUTS step over all free
        variables, a diagonal mass matrix, the log-density compiled with Numba and no black-box
        ops -- and the Python NUTS otherwise. ``"numba"`` insists on the kernel (an error says
        why it can't run); ``"python"`` forces the Python NUTS, which supports every model and
        option. The kernel is compiled once per installation (about 30 s) and then loaded from
        Numba's cache.
    nuts_sampler_kwargs
        Options of the compiled kernel only: ``{"adaptation": "hybrid" | "stan" |
        "gradient"}`` chooses how its warm-up adapts the metric (default ``"hybrid"``; see
        :func:`ppl.step_methods.numba_nuts.sample_nuts_numba`). Ignored, with a warning, when
        the Python NUTS runs.
    callback
        PyMC's ``callback(trace=..., draw=...)``, called after every iteration of every chain
        (warm-up included) in this process: ``draw`` has PyMC's fields ``chain``, ``is_last``,
        ``draw_idx``, ``tuning``, ``stats`` and ``point``, ``trace`` the chain's iterations so
        far (``len(trace)``, ``trace["name"]``). Raising ``KeyboardInterrupt`` in it stops the
        chain, which keeps its draws. The chains then run one after another here (``cores=1``),
        and the compiled kernel one iteration per call.
    compile_kwargs
        PyMC's options of the compiled functions; ``{"mode": ...}`` is the same as ``mode=``
        (other keys are a ``TypeError``).
    keep_warning_stat, progressbar_theme
        Accepted for PyMC compatibility, without effect: ppl's statistics hold no warning
        objects, and its progress bars have one look.

    Returns
    -------
    arviz.InferenceData
        Groups ``posterior``, ``sample_stats``, ``observed_data`` (and ``log_likelihood``,
        ``warmup_*`` when asked for).

    Raises
    ------
    SamplingError
        If the start point has a non-finite log-density (the message lists every variable).

    Examples
    --------
    >>> import ppl
    >>> with ppl.Model():
    ...     z = ppl.Normal("z", 0, 1)
    ...     idata = ppl.sample(50, tune=50, chains=1, progressbar=False,
    ...                        compute_convergence_checks=False, random_seed=1)
    >>> idata.posterior["z"].shape
    (1, 50)
    """
    model = modelcontext(model)
    if init not in _INITS:
        raise ValueError(f"sample: init={init!r} is not supported; use one of {sorted(_INITS)}.")
    options = _split_options(kwargs, nuts, target_accept, init)
    if compile_kwargs:
        if set(compile_kwargs) - {"mode"}:
            raise TypeError(f"sample: compile_kwargs {sorted(set(compile_kwargs) - {'mode'})} are "
                            "not supported; only 'mode'.")
        if mode is not None and compile_kwargs.get("mode", mode) != mode:
            raise ValueError("sample: mode= and compile_kwargs['mode'] disagree; give one.")
        mode = compile_kwargs.get("mode", mode)
    cores = min(4, os.cpu_count() or 1) if cores is None else int(cores)
    if nuts_sampler not in NUTS_SAMPLERS:
        raise ValueError(f"sample: nuts_sampler is {nuts_sampler!r}, expected one of {sorted(NUTS_SAMPLERS)}.")
    kernel_kwargs = check_kernel_kwargs(nuts_sampler_kwargs)
    if not (blas_cores is None or blas_cores == "auto" or (isinstance(blas_cores, int) and blas_cores >= 1)):
        raise ValueError(f"sample: blas_cores is {blas_cores!r}, expected 'auto', None or an int >= 1.")
    chains = max(4, cores) if chains is None else int(chains)
    if not model.value_vars:
        raise SamplingError("The model has no free variables to sample.")
    if uses_minibatch(model.basic_RVs + list(model.rvs_to_values.values()) + model.potentials):
        raise SamplingError("The model uses ppl.Minibatch: its log-density is that of a random "
                            "batch of the data, which MCMC cannot sample. Fit it with ppl.fit "
                            "(ADVI), or sample with the full data.")
    seeds = np.random.SeedSequence(random_seed).spawn(chains)
    rngs = [np.random.default_rng(s) for s in seeds]
    if init in ADVI_INITS:
        starts, advi_options = advi_init(
            model, chains, init=init, n_init=n_init, random_seed=random_seed, progressbar=progressbar
        )
        options = {**advi_options, **options}
        steps = assign_step_methods(model, step, nuts_kwargs=options, mode=mode)
    else:
        steps = assign_step_methods(model, step, nuts_kwargs=options, mode=mode)
        starts = init_points(
            model, chains, rngs, init=init, initvals=initvals, max_retries=jitter_max_retries,
            mode=mode, gradient=len(steps) == 1 and steps[0].needs_grad and steps[0].mode == mode,
        )
    layout = VarLayout(starts[0], [v.name for v in model.value_vars])
    _log.info("Sampling %d chains with %s", chains, steps)

    for s in steps:  # compile every block's log-density once, here (forked workers inherit it)
        s.build(starts[0])
    logp_graph = functools.cache(model.logp)  # looked at for black-box ops; built at most once
    numba_options, numba_fn = select_numba_kernel(
        nuts_sampler, steps, model, announce=progressbar, logp_graph=logp_graph
    )
    if kernel_kwargs:
        if numba_fn is None:
            warnings.warn(
                f"sample: nuts_sampler_kwargs {kernel_kwargs} are options of the compiled NUTS "
                "kernel, which does not run for this model: ignored.",
                UserWarning,
                stacklevel=2,
            )
        else:
            numba_options = {**numba_options, **kernel_kwargs}
    specs = [
        ChainSpec(steps, layout, starts[c], rngs[c], draws=draws, tune=tune,
                  numba_options=numba_options, numba_fn=numba_fn,
                  draw_callback=None if callback is None else ChainCallback(callback, c, layout, tune + draws))
        for c in range(chains)
    ]
    if callback is not None and (executor is not None or min(cores, chains) > 1):
        warnings.warn("sample: with a callback the chains run one after another in this process.",
                      UserWarning, stacklevel=2)
        cores, executor = 1, None
    if mp_ctx is None and executor is None and min(cores, chains) > 1:
        unsafe = fork_unsafe_ops([logp_graph()])
        if unsafe:  # e.g. JAX: a forked worker would fail, so workers are spawned instead
            mp_ctx = "spawn"
            _log.info("Black-box ops %s cannot run in forked workers: spawning them.", unsafe)
    start_time = time.perf_counter()
    with chain_progress(progressbar) as progress:
        results, failures, interrupted = run_chains(
            specs, cores=cores, progress=progress, executor=executor, mp_ctx=mp_ctx,
            blas_cores=(chains if executor is not None else cores) if blas_cores == "auto" else blas_cores,
        )
    results = [r for r in results if r is not None and len(r.draws)]
    if not results:
        raise SamplingError(
            "No chain produced any draw. "
            + "; ".join(f"chain {f.chain}: {f.error}" for f in failures)
        )
    for failure in failures:
        warnings.warn(
            f"Chain {failure.chain} failed and is left out: {failure.error}",
            SamplingWarning,
            stacklevel=2,
        )
    if interrupted:
        warnings.warn(
            f"Sampling was interrupted: returning the {sum(len(r.draws) for r in results)} "
            f"iterations completed in {len(results)} chain(s).",
            SamplingWarning,
            stacklevel=2,
        )
    chain_dicts = [_chain_dict(r, layout, discard_tuned_samples) for r in results]
    idata_kwargs = dict(idata_kwargs or {})
    idata = to_inference_data(
        model, chain_dicts, var_names=var_names, mode=mode,
        log_likelihood=bool(idata_kwargs.pop("log_likelihood", False)),
        attrs={
            **sampling_attrs(
                steps, seed=seeds[0].entropy, draws=draws, tune=tune, chains=chains,
                nuts_sampler="python" if numba_fn is None else "numba", sampling_time=time.perf_counter() - start_time,
            ),
            "interrupted": int(interrupted), **lost_chain_attrs(failures),
        },
    )
    if compute_convergence_checks and not interrupted and not failures:
        convergence_warnings(idata)
    if not return_inferencedata:
        return {name: values.values for name, values in idata.posterior.data_vars.items()}
    return idata


def _chain_dict(result, layout: VarLayout, discard_tuned_samples: bool) -> dict:
    tuning = np.asarray(result.stats["tune"], dtype=bool)

    def points(rows):
        flat = result.draws[rows]
        return {
            n: flat[:, layout.slices[n]].reshape((flat.shape[0], *layout.shapes[n])).astype(
                layout.dtypes[n], copy=False
            )
            for n in layout.names
        }

    keep = ~tuning
    out = {"points": points(keep), "stats": {k: v[keep] for k, v in result.stats.items()}}
    if not discard_tuned_samples and tuning.any():
        out["warmup_points"] = points(tuning)
        out["warmup_stats"] = {k: v[tuning] for k, v in result.stats.items()}
    return out
