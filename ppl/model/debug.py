"""``Model.point_logps`` and ``Model.debug``: where a model's log-density stops being finite."""

import sys

import numpy as np
import pytensor
import pytensor.tensor as pt

from ppl.logprob.dispatch import dist_params

__all__ = ["point_logps", "debug_model"]

_SHOWN = 10  # non-finite entries listed per variable


def point_logps(model, point=None, round_vals: int = 2) -> dict[str, float]:
    """Log-density of each variable (summed) at ``point`` (default: the initial point)."""
    point = model.initial_point() if point is None else point
    rvs = model.basic_RVs + model.potentials
    terms = model.logp(rvs, sum=False)
    fn = model.compile_fn([pt.sum(t) for t in terms], mode="FAST_COMPILE")
    return {rv.name: float(np.round(v, round_vals)) for rv, v in zip(rvs, fn(point), strict=True)}


def _listing(values: np.ndarray, results: np.ndarray, what: str) -> list[str]:
    values, results = np.broadcast_arrays(np.asarray(values), np.asarray(results))
    bad = np.flatnonzero(~np.isfinite(results))
    lines = [f"  value = {values.flat[i]!r} -> {what} = {results.flat[i]!r}" for i in bad[:_SHOWN]]
    if bad.size > _SHOWN:
        lines.append(f"  ... and {bad.size - _SHOWN} more")
    return lines


def _debug_logp(model, point, verbose: bool) -> list[str]:
    rvs = model.basic_RVs + model.potentials
    terms = model.logp(rvs, sum=False)
    lines = []
    for rv, term in zip(rvs, terms, strict=True):
        try:  # one variable at a time: an invalid parameter raises (ParameterValueError)
            logp, error = model.compile_fn([term], mode="FAST_COMPILE")(point)[0], None
        except Exception as err:  # noqa: BLE001 - reported, with the parameters
            logp, error = None, f"{type(err).__name__}: {str(err).splitlines()[0]}"
        if error is None and np.all(np.isfinite(logp)):
            continue
        if rv in model.potentials:
            lines.append(f"The potential {rv.name!r} is not finite: {error or np.asarray(logp)!r}")
            continue
        params = dist_params(rv)
        evaluated = model.compile_fn(model.replace_rvs_by_values(params), mode="FAST_COMPILE")(point)
        lines.append(f"The variable {rv.name!r} has the following parameters:")
        for i, (param, value) in enumerate(zip(params, evaluated, strict=True)):
            label = f" ({param.name})" if param.name else ""
            lines.append(f"  parameter {i}{label} = {np.asarray(value)!r}")
            if verbose:
                lines.append(pytensor.printing.debugprint(param, file="str"))
        if error is not None:
            lines.append(f"Its log-density raises {error}")
            continue
        value_var = model.rvs_to_values[rv]
        name = value_var.name if value_var.name in point else None
        shown = point[name] if name is not None else model.compile_fn([value_var], mode="FAST_COMPILE")(point)[0]
        lines.append(f"Some of the values of {rv.name!r} have a non-finite logp:")
        lines += _listing(shown, logp, "logp")
    return lines


def _debug_dlogp(model, point) -> list[str]:
    wrt = model.continuous_value_vars
    grads = pytensor.grad(model.logp(), wrt) if wrt else []
    values = model.compile_fn(grads, mode="FAST_COMPILE")(point) if grads else []
    lines = []
    for var, grad in zip(wrt, values, strict=True):
        if not np.all(np.isfinite(grad)):
            lines.append(f"The gradient with respect to {var.name!r} is not finite:")
            lines += _listing(point[var.name], grad, "dlogp")
    return lines


def _debug_random(model) -> list[str]:
    from ppl.forward import draw  # a layer above the model

    names = [v.name for v in model.basic_RVs + model.deterministics]
    values = draw([model[n] for n in names], random_seed=0)
    return [
        f"A draw of {name!r} is not finite: {np.asarray(value)!r}"
        for name, value in zip(names, values, strict=True)
        if np.issubdtype(np.asarray(value).dtype, np.floating) and not np.all(np.isfinite(value))
    ]


def debug_model(model, point=None, fn: str = "logp", verbose: bool = False, file=None) -> None:
    """Write which variables are not finite at ``point``: their log-density (``fn="logp"``), the
    gradient (``"dlogp"``) or a forward draw (``"random"``), as PyMC's ``model.debug``.

    For a log-density that is not finite it lists the distribution's parameters at ``point``
    and the values whose log-density is not finite; ``verbose`` adds each parameter's graph.

    Examples
    --------
    >>> import ppl
    >>> with ppl.Model() as m:
    ...     s = ppl.Normal("s", 0.0, 1.0)
    ...     y = ppl.Normal("y", 0.0, s, observed=[1.0, 2.0])
    >>> m.debug(point={"s": -1.0})
    point={'s': -1.0}
    <BLANKLINE>
    The variable 'y' has the following parameters:
      parameter 0 = array([0.])
      parameter 1 = array([-1.])
    Its log-density raises ParameterValueError: Normal 'y': parameters must satisfy sigma > 0.
    """
    if fn not in ("logp", "dlogp", "random"):
        raise ValueError(f"Model.debug: fn is {fn!r}, expected 'logp', 'dlogp' or 'random'.")
    point = model.initial_point() if point is None else point
    if fn == "logp":
        lines = _debug_logp(model, point, verbose)
    elif fn == "dlogp":
        lines = _debug_dlogp(model, point)
    else:
        lines = _debug_random(model)
    lines = [f"point={point}", "", *(lines or [f"No problems found: every {fn} is finite."])]
    (file or sys.stdout).write("\n".join(lines) + "\n")
