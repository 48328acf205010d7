"""``ppl.find_MAP``: the posterior mode by SciPy optimisation over the flat unconstrained vector.

The objective is the model's log-density WITHOUT the Jacobians of the transforms (as in PyMC),
so the result is the mode of the density of the constrained variables; the optimiser still
works on the unconstrained scale, where bounds need no special care. The compiled value and
gradient come from ``model.logp_dlogp_function`` (cached on the model).
"""

import warnings
from collections.abc import Sequence

import numpy as np
from scipy import optimize

from ppl.compiled.graph_cache import compile_function
from ppl.compiled.modes import resolve_mode
from ppl.exceptions import SamplingError
from ppl.model.compile_cache import cached, mode_key
from ppl.model.context import modelcontext
from ppl.model.initial_point import make_initial_point_fn
from ppl.sampling.progress import iteration_progress

__all__ = ["find_MAP", "OptimizationWarning"]

#: SciPy methods that use no gradient.
GRADIENT_FREE = {"nelder-mead", "powell", "cobyla", "cobyqa"}


class OptimizationWarning(UserWarning):
    """The optimiser stopped without reporting success, or discrete variables were held fixed."""


class _Budget(Exception):
    """Raised inside the objective when ``maxeval`` evaluations are used up."""


def find_MAP(
    start=None,
    vars: Sequence | None = None,
    method: str = "L-BFGS-B",
    return_raw: bool = False,
    include_transformed: bool = True,
    progressbar: bool = True,
    maxeval: int = 50000,
    model=None,
    *,
    seed=None,
    mode=None,
    **kwargs,
):
    """Find the maximum a posteriori point of a model.

    Parameters
    ----------
    start
        Starting values (constrained space), ``{name: value}``, overriding the model's initial
        point; variables not given start at their initval or support point.
    vars
        Variables (or names) to optimise; the others stay at their start values. Default: every
        continuous free variable.
    method
        A ``scipy.optimize.minimize`` method. Gradient-based ones (``"L-BFGS-B"``, ``"BFGS"``,
        ``"CG"``, ``"Newton-CG"``, ``"TNC"``, ``"SLSQP"``, ``"trust-constr"``) get the compiled
        gradient; ``"Powell"`` and ``"Nelder-Mead"`` use values only.
    return_raw
        Also return SciPy's ``OptimizeResult``.
    include_transformed
        Also return the unconstrained values (``sigma_log__``, ...).
    progressbar
        Show the number of evaluations and the current log-density.
    maxeval
        Maximum number of log-density evaluations.
    model
        The model (default: the one on the context stack).
    seed
        Seed for random initial values (``initval`` set by the user is unaffected).
    mode
        PyTensor compile mode.
    **kwargs
        Passed to ``scipy.optimize.minimize`` (e.g. ``tol=1e-10``, ``options={...}``).

    Returns
    -------
    dict or (dict, scipy.optimize.OptimizeResult)
        Name -> value for every free variable (constrained), every deterministic and, with
        ``include_transformed``, the unconstrained values.

    Warns
    -----
    OptimizationWarning
        When the optimiser stops without success (with its message), or when discrete
        variables are held at their start values.

    Raises
    ------
    SamplingError
        If the log-density is not finite at the start, or no finite point was found.

    Examples
    --------
    >>> import numpy as np, ppl
    >>> with ppl.Model():
    ...     mu = ppl.Normal("mu", 0, 10)
    ...     y = ppl.Normal("y", mu, 1, observed=[1.0, 2.0, 3.0])
    ...     point = ppl.find_MAP(progressbar=False)
    >>> round(float(point["mu"]), 4)
    1.9934
    """
    model = modelcontext(model)
    if start is None:
        point = model.initial_point(random_seed=seed)
    else:
        point = make_initial_point_fn(model, initvals=start)()
    opt_vars = _optimised_vars(model, vars)
    fn = model.logp_dlogp_function(
        grad_vars=opt_vars, jacobian=False, initial_point=point, mode=mode
    )
    fn.set_extra_values({k: v for k, v in point.items() if k not in {v.name for v in opt_vars}})
    sizes = [int(np.prod(point[v.name].shape)) for v in opt_vars]
    x0 = np.concatenate([np.ravel(point[v.name]) for v in opt_vars]).astype("float64")
    gradient_free = method.lower() in GRADIENT_FREE
    objective = _Objective(fn, maxeval, gradient_free)
    logp0 = objective.logp_at(x0)
    if not np.isfinite(logp0):
        raise SamplingError(
            f"find_MAP: the log-density at the start is {logp0}. Point log-densities: "
            f"{model.point_logps(point)}. Hint: pass start= with valid values."
        )
    with iteration_progress(
        progressbar, "find_MAP", maxeval, "logp = {task.fields[logp]:,.6g}"
    ) as bar:
        objective.bar = bar
        try:
            result = optimize.minimize(
                objective.value, x0, method=method, jac=None if gradient_free else True, **kwargs
            )
        except _Budget:
            result = optimize.OptimizeResult(
                x=objective.best_x, fun=-objective.best_logp, success=False, nfev=objective.n,
                message=f"Stopped after maxeval={maxeval} log-density evaluations.",
            )
        bar.update(objective.n, logp=objective.best_logp)
    x = objective.best_x  # the best point evaluated (the optimiser's last one, or better)
    if not result.success:
        warnings.warn(
            f"find_MAP: {method} stopped without converging ({result.message}) after "
            f"{objective.n} evaluations; best logp {objective.best_logp:.6g}. Hint: raise "
            "maxeval, try another method (e.g. method='Powell') or another start.",
            OptimizationWarning,
            stacklevel=2,
        )
    values = dict(point)
    offset = 0
    for var, size in zip(opt_vars, sizes, strict=True):
        values[var.name] = x[offset : offset + size].reshape(point[var.name].shape)
        offset += size
    out = _constrained(model, values, include_transformed, mode)
    return (out, result) if return_raw else out


class _Objective:
    """``x -> (-logp, -grad)`` (or ``-logp``), counting evaluations and keeping the best point."""

    def __init__(self, fn, maxeval: int, gradient_free: bool):
        self.fn, self.maxeval, self.gradient_free = fn, maxeval, gradient_free
        self.n = 0
        self.best_logp, self.best_x = -np.inf, None
        self.bar = None

    def logp_at(self, x) -> float:
        logp, _ = self.fn(x)
        self.best_logp, self.best_x = float(logp), np.array(x)
        return float(logp)

    def value(self, x):
        if self.n >= self.maxeval:
            raise _Budget
        self.n += 1
        logp, grad = self.fn(x)
        logp = float(logp)
        if logp > self.best_logp:
            self.best_logp, self.best_x = logp, np.array(x)
        if self.bar is not None and self.n % 50 == 0:
            self.bar.update(self.n, logp=self.best_logp)
        if not np.isfinite(logp) or not np.all(np.isfinite(grad)):
            # Outside the support: an infinitely bad value makes line searches back off.
            return np.inf if self.gradient_free else (np.inf, np.zeros_like(grad))
        return -logp if self.gradient_free else (-logp, -np.asarray(grad))


def _optimised_vars(model, vars) -> list:
    continuous = model.continuous_value_vars
    discrete = model.discrete_value_vars
    if vars is None:
        chosen = list(continuous)
    else:
        chosen = []
        for v in vars:
            v = model[v] if isinstance(v, str) else v
            chosen.append(model.rvs_to_values.get(v, v))
    held = [v.name for v in discrete if vars is None or v in chosen]
    if held:
        warnings.warn(
            f"find_MAP: discrete variables {held} are held at their start values (only "
            "continuous variables are optimised).",
            OptimizationWarning,
            stacklevel=3,
        )
    chosen = [v for v in chosen if v not in discrete]
    if not chosen:
        raise SamplingError("find_MAP: no continuous variables to optimise.")
    return chosen


def _constrained(model, values: dict, include_transformed: bool, mode) -> dict:
    outputs = model.free_RVs + model.deterministics

    def build():
        graphs = model.replace_rvs_by_values(outputs)
        return compile_function(
            model.value_vars, graphs, resolve_mode(mode), on_unused_input="ignore"
        )

    fn = cached(model, ("constrained_point", mode_key(mode)), build)
    results = fn(*[values[v.name] for v in model.value_vars])
    out = {}
    if include_transformed:
        out.update({k: np.asarray(v) for k, v in values.items() if k not in {o.name for o in outputs}})
    out.update({o.name: np.asarray(r) for o, r in zip(outputs, results, strict=True)})
    return out
