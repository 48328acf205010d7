"""Numerical Jacobians, for checking transforms' log-Jacobians and changes of variables."""

import numpy as np

__all__ = ["finite_difference_jacobian"]


def finite_difference_jacobian(f, y: np.ndarray, eps: float = 1e-4) -> np.ndarray:
    """Jacobian ``d f / d y`` of a vector function by five-point central differences.

    The error is O(eps^4); column ``j`` holds the derivatives with respect to ``y[j]``.

    Examples
    --------
    >>> import numpy as np
    >>> from ppl.testing import finite_difference_jacobian
    >>> finite_difference_jacobian(lambda v: np.array([v[0] * v[1], v[1] ** 2]), np.array([2.0, 3.0]))
    array([[3., 2.],
           [0., 6.]])
    """
    y = np.asarray(y, dtype="float64")
    cols = []
    for j in range(y.size):
        step = np.zeros(y.size)
        step[j] = eps
        cols.append((-f(y + 2 * step) + 8 * f(y + step) - 8 * f(y - step) + f(y - 2 * step)) / (12 * eps))
    return np.stack(cols, axis=1)
