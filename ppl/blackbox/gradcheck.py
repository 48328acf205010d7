"""``ppl.check_gradient``: a hand-written gradient against central finite differences."""

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np

from ppl.blackbox.numpy_adapter import blackbox
from ppl.blackbox.op import BlackBoxOp
from ppl.exceptions import ModelError

__all__ = ["check_gradient", "GradientCheck"]

#: Step of central differences relative to max(1, |x|): balances truncation (h^2) and rounding
#: (machine eps / h) errors.
DEFAULT_EPS = float(np.finfo(np.float64).eps ** (1 / 3))
#: Rounding noise allowed in units of machine eps x |f| / h (each difference of two values).
_NOISE_FACTOR = 16.0


@dataclass(frozen=True)
class GradientCheck:
    """Result of :func:`check_gradient`.

    Attributes
    ----------
    ok
        Whether every component is within tolerance.
    name
        The function checked.
    n_components
        Number of gradient components compared.
    n_failed
        Number of components outside the tolerance.
    max_abs_error
        Largest ``|gradient - finite difference|``.
    max_rel_error
        Largest ``|gradient - finite difference| / max(|finite difference|, tiny)``.
    worst_input
        Input (position, or name for a dict point) of the worst component: the one with the
        largest error relative to its tolerance.
    worst_index
        Index of the worst component within that input.
    gradient
        The gradient there.
    finite_difference
        The central finite difference there.
    tolerance
        The tolerance there (``atol + rtol * |finite difference|`` + rounding noise).
    """

    ok: bool
    name: str
    n_components: int
    n_failed: int
    max_abs_error: float
    max_rel_error: float
    worst_input: int | str
    worst_index: tuple[int, ...]
    gradient: float
    finite_difference: float
    tolerance: float

    def __repr__(self) -> str:
        verdict = "ok" if self.ok else f"WRONG in {self.n_failed} of {self.n_components} components"
        where = f"input {self.worst_input!r}" + (f" index {self.worst_index}" if self.worst_index else "")
        return (
            f"GradientCheck({self.name}: {verdict}; worst at {where}: gradient "
            f"{self.gradient:.10g}, finite difference {self.finite_difference:.10g}, |error| "
            f"{abs(self.gradient - self.finite_difference):.3g} (tolerance {self.tolerance:.3g}); "
            f"max |error| {self.max_abs_error:.3g}, max relative error {self.max_rel_error:.3g})"
        )


def _as_op(fn_or_op, grad_fn, keys: list[str] | None) -> BlackBoxOp:
    op = fn_or_op if isinstance(fn_or_op, BlackBoxOp) else None
    if op is not None and grad_fn is None:
        return op
    if grad_fn is None:
        raise ModelError(
            "check_gradient: got a plain function and no grad_fn. Hint: pass grad_fn=..., or an "
            "op from ppl.blackbox(fn, grad_fn) / ppl.from_jax / ppl.from_torch."
        )
    value = op.eval_value if op is not None else fn_or_op
    name = op.name if op is not None else getattr(fn_or_op, "__name__", "function")
    if keys is None:
        return blackbox(value, grad_fn, name=name, output_shape=None)

    def by_name(*xs):
        return value(**dict(zip(keys, xs, strict=True)))

    def grad_by_name(*xs):
        grads = grad_fn(**dict(zip(keys, xs, strict=True)))
        return [grads[k] for k in keys] if isinstance(grads, Mapping) else grads

    return blackbox(by_name, grad_by_name, name=name, output_shape=None)


def check_gradient(
    fn_or_op: Callable | BlackBoxOp,
    point,
    *,
    grad_fn: Callable | None = None,
    eps: float = DEFAULT_EPS,
    rtol: float = 1e-5,
    atol: float = 1e-8,
    raise_error: bool = True,
    seed: int = 0,
) -> GradientCheck:
    r"""Compare a gradient with central finite differences of the value, component by component.

    Component ``j`` of input ``i`` passes when
    ``|g - fd| <= atol + rtol * |fd| + 16 * machine_eps * max(|f(x+h)|, |f(x-h)|) / h``, where
    ``fd = (f(x + h e_j) - f(x - h e_j)) / 2h`` with ``h = eps * max(1, |x_j|)``; the last term
    is the rounding noise of the difference, so large log-densities do not fail spuriously.
    The function is called ``2 * (number of components) + 1`` times.

    Parameters
    ----------
    fn_or_op
        An op from :func:`ppl.blackbox`, :func:`ppl.from_jax` or :func:`ppl.from_torch` (its own
        gradient is checked, or ``grad_fn`` against its value), or a plain function of NumPy
        arrays returning a scalar (then ``grad_fn`` is required).
    point
        Where to check: a tuple/list with one value per input, a single array or number for a
        function of one input, or a dict of named inputs (the functions are called with
        keywords; ``grad_fn`` may return a dict or a tuple in the dict's order).
    grad_fn
        The gradient to check, ``grad_fn(*inputs) -> one array per input``.
    eps
        Relative finite-difference step (default: machine eps ** (1/3), about 6e-6).
    rtol, atol
        Relative and absolute tolerances.
    raise_error
        If True (default), raise when a component is outside the tolerance; otherwise return
        the report with ``ok=False``.
    seed
        Seed of the random cotangent used for array-valued ops: the check compares the
        vector-Jacobian product with the finite differences of ``cotangent · value``.

    Returns
    -------
    GradientCheck
        The report: ``ok``, the largest absolute and relative errors, and the worst component
        with its gradient and finite difference.

    Raises
    ------
    ModelError
        If the gradient is wrong (with ``raise_error=True``; the message is the report, which is
        also the exception's ``report`` attribute), or the value is not finite at ``point``.

    Examples
    --------
    >>> import numpy as np, ppl
    >>> def f(x, s):
    ...     return -0.5 * np.sum(x**2) / s**2
    >>> def good(x, s):
    ...     return -x / s**2, np.sum(x**2) / s**3
    >>> ppl.check_gradient(f, (np.array([1.0, 2.0]), 1.5), grad_fn=good).ok
    True
    >>> def bad(x, s):
    ...     return -x / s, np.sum(x**2) / s**3
    >>> report = ppl.check_gradient(f, (np.array([1.0, 2.0]), 1.5), grad_fn=bad, raise_error=False)
    >>> report.ok, report.worst_input, report.worst_index
    (False, 0, (1,))
    """
    keys = list(point) if isinstance(point, Mapping) else None
    values = list(point.values()) if keys is not None else (
        list(point) if isinstance(point, (tuple, list)) else [point]
    )
    arrays = [np.array(v, dtype=np.float64) for v in values]
    op = _as_op(fn_or_op, grad_fn, keys)
    value = op.eval_value(*arrays)
    if not np.isfinite(value).all():
        raise ModelError(f"check_gradient: {op.name!r} is {value} at the point, expected finite.")
    cotangent = None
    if value.ndim:
        cotangent = np.random.default_rng(seed).normal(size=value.shape)
    grads = op.eval_vjp(*arrays, cotangent=cotangent)

    def scalar(xs) -> float:
        v = op.eval_value(*xs)
        return float(v) if cotangent is None else float(np.sum(cotangent * v))

    rows = []  # (input, index, gradient, fd, tolerance)
    for i, x in enumerate(arrays):
        for index in np.ndindex(x.shape):
            h = eps * max(1.0, abs(x[index]))
            shifted = [a.copy() for a in arrays]
            shifted[i][index] = x[index] + h
            f_plus = scalar(shifted)
            shifted[i][index] = x[index] - h
            f_minus = scalar(shifted)
            fd = (f_plus - f_minus) / (2 * h)
            noise = _NOISE_FACTOR * np.finfo(np.float64).eps * max(abs(f_plus), abs(f_minus)) / h
            tol = atol + rtol * abs(fd) + noise
            rows.append((keys[i] if keys else i, index, float(grads[i][index]), fd, tol))
    if not rows:
        raise ModelError("check_gradient: the point has no components to check.")
    errors = [abs(g - fd) for _, _, g, fd, _ in rows]
    bad = [not (err <= tol) for err, (*_, tol) in zip(errors, rows, strict=True)]  # NaN counts as bad
    worst = max(range(len(rows)), key=lambda k: math.inf if errors[k] != errors[k] else errors[k] / rows[k][4])
    worst_input, worst_index, g, fd, tol = rows[worst]
    report = GradientCheck(
        ok=not any(bad),
        name=op.name,
        n_components=len(rows),
        n_failed=sum(bad),
        max_abs_error=max(errors),
        max_rel_error=max(e / max(abs(r[3]), np.finfo(np.float64).tiny) for e, r in zip(errors, rows, strict=True)),
        worst_input=worst_input,
        worst_index=tuple(int(j) for j in worst_index),
        gradient=g,
        finite_difference=fd,
        tolerance=tol,
    )
    if raise_error and not report.ok:
        err = ModelError(f"check_gradient: the gradient is wrong. {report!r}")
        err.report = report
        raise err
    return report
