"""Initial points in the unconstrained space: support points, overridden by user initvals."""

import numpy as np
import pytensor
import pytensor.tensor as pt

from ppl.compiled.modes import QUICK_MODE
from ppl.exceptions import ModelError, ParameterValueError, SamplingError
from ppl.logprob.dispatch import support_point
from ppl.logprob.joint import replace_rvs

__all__ = ["make_initial_point_fn", "check_start_vals", "point_logps_or_errors"]


def _initval_expr(rv, initval):
    value = np.asarray(initval)
    if value.dtype.kind not in "biuf":
        raise ModelError(f"initval of {rv.name!r} must be numeric, got {initval!r}.")
    return pt.as_tensor_variable(value.astype(rv.dtype))


def make_initial_point_fn(model, initvals: dict | None = None):
    """Compile ``() -> {value_var_name: array}`` for the model's free variables.

    Each variable starts at its ``initval`` (constrained space) if one is set, else at its
    distribution's support point; dependent variables see their parents' start values.
    """
    reg = model._reg
    initvals = dict(initvals or {})
    overrides = dict(reg.rvs_to_initial_values)
    for key, val in initvals.items():
        rv = model[key] if isinstance(key, str) else key
        rv = model.values_to_rvs.get(rv, rv)
        overrides[rv] = val
    order = reg.topological(reg.free_RVs + reg.observed_RVs)
    points = {}
    for rv in order:
        if rv in reg.observed_RVs:
            points[rv] = reg.rvs_to_values[rv]
        elif rv in overrides and overrides[rv] is not None:
            points[rv] = _initval_expr(rv, overrides[rv])
        else:
            points[rv] = support_point(rv)
    outputs = []
    for rv in reg.free_RVs:
        transform = reg.rvs_to_transforms[rv]
        out = transform.forward(rv, *rv.owner.inputs) if transform is not None else rv
        outputs.append(pt.cast(out, reg.rvs_to_values[rv].dtype))
    if not outputs:
        return dict
    replaced = replace_rvs(outputs, points, order)
    fn = pytensor.function([], replaced, mode=QUICK_MODE, on_unused_input="ignore")
    names = [reg.rvs_to_values[rv].name for rv in reg.free_RVs]

    def initial_point() -> dict[str, np.ndarray]:
        values = fn()
        point = {}
        for name, value in zip(names, values, strict=True):
            value = np.asarray(value)
            if value.dtype.kind == "f" and not np.all(np.isfinite(value)):
                raise ModelError(
                    f"Initial value of {name!r} is not finite ({value}). Hint: set a valid "
                    "initval, e.g. ppl.Normal('x', ..., initval=0.5), or check its bounds."
                )
            point[name] = value
        return point

    return initial_point


def point_logps_or_errors(model, point) -> dict[str, object]:
    """Like :meth:`point_logps`, but one variable at a time, reporting errors as text."""
    out: dict[str, object] = {}
    for var in model.basic_RVs + model.potentials:
        fn = model.compile_fn(pt.sum(model.logp([var])), mode="FAST_COMPILE")
        try:
            out[var.name] = float(np.round(fn(point), 2))
        except ParameterValueError as err:
            out[var.name] = f"error: {str(err).splitlines()[0]}"
    return out


def check_start_vals(model, start: dict) -> None:
    """Raise SamplingError, listing each variable's logp, if ``start`` is not a valid start."""
    for var in model.value_vars:
        if var.name not in start:
            raise SamplingError(f"Start point is missing variable {var.name!r}.")
        if not np.all(np.isfinite(start[var.name])):
            raise SamplingError(
                f"Start point of {var.name!r} is not finite: {start[var.name]}."
            )
    logps = point_logps_or_errors(model, start)
    bad = [k for k, v in logps.items() if isinstance(v, str) or not np.isfinite(v)]
    if bad:
        raise SamplingError(
            f"Initial evaluation of the model at the start point failed: the logp is not "
            f"finite. Logp per variable: {logps}. Non-finite: {bad}. Start point: "
            f"{ {k: np.round(v, 3).tolist() for k, v in start.items()} }. Hint: set initvals, "
            "or check the parameters and the support of the variables listed."
        )
