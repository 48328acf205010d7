"""Definition-time checks of literal vector and matrix parameters (square, symmetric, PD).

Symbolic parameters are skipped here; the log-densities check them at evaluation time.
"""

import numpy as np
import pytensor.tensor as pt
from pytensor.graph.basic import Constant, Variable

from ppl.exceptions import ParameterValueError, ShapeError
from ppl.logprob.checks import current_label

__all__ = [
    "constant_data",
    "check_min_ndim",
    "check_square",
    "check_symmetric",
    "check_positive_definite",
    "check_triangular_positive_diagonal",
    "check_last_dims_agree",
    "xlogy",
]


def _label() -> str:
    return current_label.get() or "distribution"


def _show(arr: np.ndarray) -> str:
    if arr.size <= 9:
        return np.array2string(arr, separator=", ").replace("\n", "")
    return f"an array of shape {arr.shape}"


def constant_data(x) -> np.ndarray | None:
    """NumPy value of a literal or constant tensor, None for a symbolic one."""
    if isinstance(x, Constant):
        return np.asarray(x.data)
    if isinstance(x, Variable):
        return None
    return np.asarray(x)


def check_min_ndim(name: str, x: Variable, ndim: int) -> None:
    """ShapeError unless ``x`` has at least ``ndim`` dimensions."""
    if x.type.ndim < ndim:
        raise ShapeError(
            f"{_label()}: parameter {name} has {x.type.ndim} dimension(s) (shape "
            f"{x.type.shape}), expected at least {ndim}."
        )


def check_square(name: str, x: Variable) -> None:
    """ParameterValueError if the last two static dimensions of ``x`` differ."""
    rows, cols = x.type.shape[-2:]
    if rows is not None and cols is not None and rows != cols:
        raise ParameterValueError(
            f"{_label()}: parameter {name} has shape {x.type.shape}, expected a square matrix "
            "in its last two dimensions."
        )


def check_symmetric(name: str, data: np.ndarray | None) -> None:
    """ParameterValueError if a literal matrix (batch) is not symmetric."""
    if data is None:
        return
    if not np.allclose(data, np.swapaxes(data, -1, -2)):
        raise ParameterValueError(
            f"{_label()}: parameter {name} is {_show(data)}, expected a symmetric matrix."
        )


def check_positive_definite(name: str, data: np.ndarray | None) -> None:
    """ParameterValueError if a literal symmetric matrix (batch) is not positive definite."""
    if data is None:
        return
    if not np.all(np.isfinite(data)):
        raise ParameterValueError(
            f"{_label()}: parameter {name} is {_show(data)}, expected finite values."
        )
    eigenvalues = np.linalg.eigvalsh(data)
    if np.any(eigenvalues <= 0):
        raise ParameterValueError(
            f"{_label()}: parameter {name} is {_show(data)} with smallest eigenvalue "
            f"{float(eigenvalues.min())!r}, expected {name} positive definite."
        )


def check_triangular_positive_diagonal(name: str, data: np.ndarray | None, lower: bool) -> None:
    """ParameterValueError if a literal Cholesky factor is not triangular with diagonal > 0."""
    if data is None:
        return
    which = "lower" if lower else "upper"
    other = np.triu(data, 1) if lower else np.tril(data, -1)
    if np.any(other != 0):
        raise ParameterValueError(
            f"{_label()}: parameter {name} is {_show(data)}, expected a {which}-triangular "
            f"matrix (lower={lower})."
        )
    diagonal = np.diagonal(data, axis1=-2, axis2=-1)
    if not np.all(diagonal > 0):
        raise ParameterValueError(
            f"{_label()}: parameter {name} has diagonal {_show(diagonal)}, expected a diagonal "
            "> 0."
        )


def check_last_dims_agree(name_a: str, a: Variable, name_b: str, b: Variable) -> None:
    """ShapeError if the static last-axis lengths of ``a`` and ``b`` differ (1 broadcasts)."""
    if a.type.ndim == 0 or b.type.ndim == 0:
        return
    n_a, n_b = a.type.shape[-1], b.type.shape[-1]
    if n_a is not None and n_b is not None and n_a != n_b and n_a != 1:
        raise ShapeError(
            f"{_label()}: {name_a} has shape {a.type.shape} and {name_b} has shape "
            f"{b.type.shape}; their last dimensions must agree."
        )


def xlogy(x, y):
    """``x * log(y)`` with ``0 * log(0) = 0``, and finite gradients wherever it is finite."""
    positive = y > 0
    safe_log_y = pt.log(pt.switch(positive, y, 1.0))
    at_zero = pt.switch(pt.eq(x, 0), 0.0, -np.inf * pt.sign(x))
    return pt.switch(positive, x * safe_log_y, at_zero)
