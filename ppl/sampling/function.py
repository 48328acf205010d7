"""``ppl.sample_function``: sample a log-density given as a Python function — no model needed.

The function becomes a black-box op (``ppl.blackbox``) in a small model: one improper flat
variable per parameter (with an interval transform when it has bounds) and a ``Potential`` of
the op applied to them. ``ppl.sample`` then does the rest — NUTS with its warm-up, chains in
parallel, progress bars, InferenceData — exactly as for any model.
"""

import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from ppl.blackbox import BlackBoxOp, blackbox
from ppl.distributions.continuous import Flat
from ppl.exceptions import ModelError
from ppl.model.model import Model
from ppl.model.potential import Potential
from ppl.sampling.mcmc import sample
from ppl.sampling.to_arviz import SamplingWarning
from ppl.transforms.elementwise import Interval

__all__ = ["Parameter", "sample_function"]


@dataclass(frozen=True)
class Parameter:
    """A parameter of :func:`sample_function`: its shape, bounds and start value.

    Parameters
    ----------
    shape
        Shape of the parameter (``()`` for a scalar).
    lower, upper
        Bounds (None: unbounded on that side); sampled on an unconstrained scale with the
        Jacobian of an interval/log transform.
    initval
        Start value; default 0, or inside the bounds (their midpoint, or 1 away from the one
        bound).
    dims
        Dim names for the InferenceData (with ``coords=`` of :func:`sample_function`).

    Examples
    --------
    >>> Parameter(lower=0.0).start()
    array(1.)
    """

    shape: tuple | int = ()
    lower: float | None = None
    upper: float | None = None
    initval: Any = None
    dims: tuple | None = None

    def start(self) -> np.ndarray:
        """The start value (constrained), broadcast to the shape."""
        shape = (self.shape,) if isinstance(self.shape, int) else tuple(self.shape)
        if self.initval is not None:
            value = self.initval
        elif self.lower is not None and self.upper is not None:
            value = 0.5 * (np.asarray(self.lower, float) + np.asarray(self.upper, float))
        elif self.lower is not None:
            value = np.asarray(self.lower, float) + 1.0
        elif self.upper is not None:
            value = np.asarray(self.upper, float) - 1.0
        else:
            value = 0.0
        return np.broadcast_to(np.asarray(value, dtype="float64"), shape).copy()


def _as_parameter(name: str, spec) -> Parameter:
    if isinstance(spec, Parameter):
        return spec
    if isinstance(spec, Mapping):
        return Parameter(**spec)
    if isinstance(spec, (int, tuple, list)):
        return Parameter(shape=tuple(spec) if isinstance(spec, list) else spec)
    raise ModelError(
        f"sample_function: parameter {name!r} has spec {spec!r}; give a shape (e.g. () or (3,)), "
        "a dict such as {'shape': (), 'lower': 0}, or a ppl.Parameter."
    )


def sample_function(
    logp: Callable | BlackBoxOp,
    params: Mapping[str, Any],
    *,
    grad: Callable | None = None,
    coords: Mapping | None = None,
    fd_step: float = 1e-6,
    **sample_kwargs,
):
    """Sample the density ``exp(logp(**params))`` with ``ppl.sample``'s NUTS, tuning and chains.

    Parameters
    ----------
    logp
        ``logp(**params) -> float``: the log-density (up to a constant) as a function of named
        float64 arrays; or an op from :func:`ppl.blackbox`, :func:`ppl.from_jax` or
        :func:`ppl.from_torch`, called with the parameters in the order of ``params``.
    params
        ``name -> spec``, in the order the op takes them: a shape (``()``, ``3``, ``(2, 3)``), a
        dict of :class:`Parameter` fields (``{"shape": (), "lower": 0}``) or a ``Parameter``.
    grad
        ``grad(**params)`` returning the gradient as a dict ``name -> array`` (or a tuple in the
        order of ``params``). Not needed when ``logp`` is an op with a gradient. Without either,
        central finite differences are used (2 evaluations per coordinate per gradient; slow,
        and a warning says so).
    coords
        Coordinates for parameters with ``dims``.
    fd_step
        Step of the finite differences (relative to ``max(1, |x|)``).
    **sample_kwargs
        Passed to :func:`ppl.sample` (``draws``, ``tune``, ``chains``, ``cores``,
        ``random_seed``, ``progressbar``, ``target_accept``, ``mp_ctx``, ...).

    Returns
    -------
    arviz.InferenceData
        The parameters in the ``posterior`` group (constrained values), NUTS statistics in
        ``sample_stats``.

    Examples
    --------
    >>> import numpy as np, ppl
    >>> def logp(mu, sigma):
    ...     return -0.5 * np.sum(((np.array([1.0, 2.0, 3.0]) - mu) / sigma) ** 2) - 3 * np.log(sigma)
    >>> def grad(mu, sigma):
    ...     r = np.array([1.0, 2.0, 3.0]) - mu
    ...     return {"mu": np.sum(r) / sigma**2, "sigma": np.sum(r**2) / sigma**3 - 3 / sigma}
    >>> idata = ppl.sample_function(logp, {"mu": (), "sigma": {"lower": 0.0}}, grad=grad,
    ...                             draws=100, tune=100, chains=1, random_seed=1,
    ...                             progressbar=False, compute_convergence_checks=False)
    >>> idata.posterior["sigma"].shape
    (1, 100)
    """
    if not params:
        raise ModelError("sample_function: params is empty; name at least one parameter.")
    specs = {name: _as_parameter(name, spec) for name, spec in params.items()}
    op = logp if isinstance(logp, BlackBoxOp) else _op_from_function(logp, list(specs), grad, fd_step)
    with Model(coords=coords) as model:
        variables = []
        for name, spec in specs.items():
            transform = None if spec.lower is None and spec.upper is None else Interval(spec.lower, spec.upper)
            variables.append(
                Flat(name, shape=spec.start().shape, transform=transform, initval=spec.start(), dims=spec.dims)
            )
        Potential("logp", op(*variables))
    sample_kwargs.setdefault("init", "adapt_diag")  # jitter around an arbitrary start is no help
    return sample(model=model, **sample_kwargs)


def _op_from_function(logp: Callable, names: list[str], grad: Callable | None, fd_step: float) -> BlackBoxOp:
    label = getattr(logp, "__name__", type(logp).__name__)
    fn = _NamedCall(logp, names)
    if grad is not None:
        grad_fn = _NamedGradient(grad, names)
    else:
        warnings.warn(
            f"sample_function: no gradient for {label!r}; using central finite differences "
            "(2 log-density evaluations per coordinate per gradient: slow and less accurate). "
            "Pass grad=, or build the function with ppl.from_jax / ppl.from_torch.",
            SamplingWarning,
            stacklevel=3,
        )
        grad_fn = _FiniteDifferences(fn, fd_step)
    return blackbox(fn, grad_fn, n_inputs=len(names), name=label)


class _NamedCall:
    """``f(*arrays)`` calling ``logp(**dict(zip(names, arrays)))`` (picklable, unlike a lambda)."""

    def __init__(self, logp: Callable, names: list[str]):
        self.logp, self.names = logp, names
        self.__name__ = getattr(logp, "__name__", "logp")

    def __call__(self, *arrays):
        return self.logp(**dict(zip(self.names, arrays, strict=True)))


class _NamedGradient(_NamedCall):
    def __call__(self, *arrays):
        out = super().__call__(*arrays)
        if isinstance(out, Mapping):
            missing = [n for n in self.names if n not in out]
            if missing:
                raise ModelError(f"sample_function: grad returned no entries for {missing}.")
            return tuple(np.asarray(out[n], dtype="float64") for n in self.names)
        if len(self.names) == 1 and not isinstance(out, (tuple, list)):
            return (np.asarray(out, dtype="float64"),)
        return tuple(np.asarray(g, dtype="float64") for g in out)


class _FiniteDifferences:
    """Central differences of ``fn`` in every coordinate of every input."""

    def __init__(self, fn: Callable, step: float):
        self.fn, self.step = fn, step

    def __call__(self, *arrays):
        grads = []
        for i, x in enumerate(arrays):
            g = np.empty(np.shape(x))
            for j in np.ndindex(np.shape(x)):
                h = self.step * max(1.0, abs(float(x[j])))
                up, down = [np.array(a, dtype="float64") for a in arrays], [np.array(a, dtype="float64") for a in arrays]
                up[i][j] += h
                down[i][j] -= h
                g[j] = (float(self.fn(*up)) - float(self.fn(*down))) / (2 * h)
            grads.append(g)
        return tuple(grads)
