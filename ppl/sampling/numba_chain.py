"""Chains on the compiled NUTS kernel: ``ppl.sample(nuts_sampler="numba")``.

The kernel (:mod:`ppl.step_methods.numba_nuts`) runs a whole chain, warm-up included, in Numba,
calling the model's log-density through :func:`ppl.compiled.numba_fn.numba_logp_dlogp`. It
covers the common case: one NUTS step over every free variable, a diagonal mass matrix, the
log-density compiled with Numba. The wrapper is built once in the parent process (forked
workers inherit it); a worker that gets the chain by value builds its own.
"""

import logging
import sys
import time

import numpy as np
from numba.core.errors import NumbaError

from ppl.blackbox.op import blackbox_ops
from ppl.compiled.numba_fn import numba_logp_dlogp
from ppl.exceptions import ParameterValueError, SamplingError
from ppl.sampling.steps import NUTS
from ppl.step_methods.driver import ArraySampleResult
from ppl.step_methods.numba_nuts import sample_nuts_numba
from ppl.step_methods.numba_nuts.build import chunk_kernel, kernel_in_disk_cache
from ppl.step_methods.numba_nuts.driver import warmup_layout

__all__ = [
    "NUTS_SAMPLERS",
    "numba_nuts_options",
    "build_numba_logp",
    "check_kernel_kwargs",
    "run_numba_chain",
    "select_numba_kernel",
]

_log = logging.getLogger(__name__)

#: Accepted values of ``ppl.sample(nuts_sampler=...)``: "auto" (and "pymc", PyMC's name for the
#: library's own NUTS) take the compiled kernel when the model allows it, else the Python NUTS.
NUTS_SAMPLERS = {"auto", "pymc", "python", "numba"}

_SUPPORTED = {"target_accept", "max_treedepth", "max_energy_error", "step_size", "step_scale", "inv_mass"}


def numba_nuts_options(steps: list, model) -> dict:
    """The kernel's options for these step methods, or a ``SamplingError`` saying why it can't run.

    Raises
    ------
    SamplingError
        If the steps are not one NUTS over all free variables, or use an option the kernel lacks.
    """
    hint = "Hint: nuts_sampler='python' runs the Python NUTS, which supports every case."
    all_vars = {v.name for v in model.value_vars}
    if len(steps) != 1 or not isinstance(steps[0], NUTS) or {v.name for v in steps[0].value_vars} != all_vars:
        raise SamplingError(
            f"nuts_sampler='numba' runs one NUTS step over all free variables; this model is "
            f"sampled with {steps}. {hint}"
        )
    options = dict(steps[0].options)
    unsupported = {
        k: v for k, v in options.items()
        if k not in _SUPPORTED and not (k in ("adapt_step_size", "adapt_mass_matrix") and v)
        and not (k == "dense_mass" and not v)
    }
    if unsupported:
        raise SamplingError(f"nuts_sampler='numba' does not support the NUTS options {unsupported}. {hint}")
    return {k: v for k, v in options.items() if k in _SUPPORTED}


def check_kernel_kwargs(nuts_sampler_kwargs: dict | None) -> dict:
    """``sample(nuts_sampler_kwargs=...)`` checked: the kernel's own options, as a dict.

    Raises
    ------
    ValueError
        If a key is not an option of the kernel or ``adaptation`` names no adaptation.

    Examples
    --------
    >>> check_kernel_kwargs({"adaptation": "stan"})
    {'adaptation': 'stan'}
    """
    kwargs = dict(nuts_sampler_kwargs or {})
    unknown = sorted(set(kwargs) - {"adaptation"})
    if unknown:
        raise ValueError(
            f"sample: nuts_sampler_kwargs has {unknown}; the compiled kernel takes 'adaptation' "
            "(NUTS options such as target_accept go to sample() itself)."
        )
    if "adaptation" in kwargs:
        try:
            warmup_layout(kwargs["adaptation"], 0)
        except ParameterValueError as err:
            raise ParameterValueError(f"sample: nuts_sampler_kwargs {err}") from None
    return kwargs


def build_numba_logp(step):
    """The :class:`~ppl.compiled.numba_fn.NumbaLogp` of a built NUTS step's log-density.

    Building it costs a Numba compilation (or a load from Numba's cache), so it is kept on the
    compiled function (which the model caches); its data table is refreshed on every call, so
    after ``ppl.set_data`` it reads the new values.
    """
    fn = step.logp_fn
    numba_fn = fn.__dict__.get("_numba_logp")
    if numba_fn is not None:
        numba_fn.refresh()  # the current data (e.g. after ppl.set_data)
        return numba_fn
    try:
        numba_fn = fn.__dict__["_numba_logp"] = numba_logp_dlogp(fn)
        return numba_fn
    except TypeError as err:
        raise SamplingError(
            f"nuts_sampler='numba' needs the log-density compiled with Numba (mode=None or "
            f"'NUMBA'): {err}"
        ) from err


def run_numba_chain(spec, chain: int, report=None) -> ArraySampleResult:
    """One chain on the compiled kernel, as an ``ArraySampleResult`` in the layout's order."""
    step = spec.steps[0]
    fn = spec.numba_fn
    if fn is None:  # the chain came by value: compile here
        step.build(spec.start)
        fn = build_numba_logp(step)
    options = dict(spec.numba_options)
    names = [name for name, *_ in step.logp_fn.point_map_info]
    order = spec.layout.indices(names)  # the step's flat order within the layout
    dim = order.size
    inv_mass = options.pop("inv_mass", None)
    if isinstance(inv_mass, dict):  # per variable, e.g. from an ADVI init
        inv_mass = np.concatenate([np.ravel(inv_mass[name]) for name in names])
    step_scale = options.pop("step_scale", 0.25)
    if options.get("step_size") is None:
        options["step_size"] = step_scale / dim**0.25
    total = spec.tune + spec.draws

    def progress(done, _total, divergent):
        if report is not None:
            report(chain, done, divergent, done <= spec.tune)

    draw_callback = None
    if spec.draw_callback is not None:  # in the layout's order
        full = spec.layout.to_flat(spec.start)

        def draw_callback(i, q, stats, tuning):
            full[order] = q
            spec.draw_callback(i, full, stats, tuning)

    result = sample_nuts_numba(
        fn.function, spec.layout.to_flat(spec.start)[order], data=fn.address, draws=spec.draws, tune=spec.tune,
        rng=spec.rng, inv_mass=inv_mass, callback=progress, draw_callback=draw_callback, **options,
    )
    n_tune, n_draws = len(result.tune_draws), len(result.draws)
    draws = np.empty((n_tune + n_draws, spec.layout.size))
    draws[:, order] = np.concatenate([result.tune_draws, result.draws])
    stats = {k: np.concatenate([result.tune_stats[k], result.stats[k]]) for k in result.stats}
    stats["tune"] = np.arange(n_tune + n_draws) < n_tune
    if report is not None and not result.interrupted:
        report(chain, total, int(stats["diverging"][n_tune:].sum()), False)
    return ArraySampleResult(draws, stats, result.interrupted)


def select_numba_kernel(
    nuts_sampler: str, steps: list, model, *, announce: bool = False, logp_graph=None
) -> tuple[dict | None, object]:
    """The compiled kernel's options and log-density for ``sample()``, or ``(None, None)`` for
    the Python NUTS.

    ``"numba"`` insists (a ``SamplingError`` says why it can't run); ``"auto"``/``"pymc"`` take
    the kernel when the steps are one NUTS over all free variables with options it supports, the
    graph has no black-box (Python) ops and the log-density compiles with Numba, and fall back to
    the Python NUTS otherwise. The kernel itself is compiled (or loaded from Numba's cache) here,
    before any worker is forked; with ``announce``, a first compilation says so on stderr.
    ``logp_graph()`` gives the model's log-density graph (default ``model.logp()``).
    """
    if nuts_sampler == "python":
        return None, None
    if nuts_sampler == "numba":
        options, fn = numba_nuts_options(steps, model), build_numba_logp(steps[0])
    else:
        try:
            options = numba_nuts_options(steps, model)
        except SamplingError as err:
            _log.debug("Python NUTS: %s", err)
            return None, None
        python_ops = blackbox_ops([(logp_graph or model.logp)()])
        if python_ops:
            _log.debug("Python NUTS: the model has black-box ops %s.", python_ops)
            return None, None
        try:
            fn = build_numba_logp(steps[0])
        except (SamplingError, NumbaError) as err:
            _log.info("The log-density does not compile for the Numba NUTS kernel (%s): "
                      "sampling with the Python NUTS.", err)
            return None, None
    if chunk_kernel.cache_info().currsize == 0:
        if announce and not kernel_in_disk_cache():
            sys.stderr.write(
                "ppl: compiling the NUTS kernel with Numba (once per installation, about "
                "15-40 s; later runs load it from the cache)...\n"
            )
        start = time.perf_counter()
        chunk_kernel()
        _log.info("NUTS kernel ready in %.1f s (compiled once per installation, then cached).",
                  time.perf_counter() - start)
    return options, fn
