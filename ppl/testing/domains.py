"""Value and parameter grids for distribution tests, with support edges and invalid values."""

from dataclasses import dataclass, field

import numpy as np

__all__ = [
    "Domain",
    "R",
    "Rfinite",
    "Rplus",
    "Rplusbig",
    "Rplus_nonzero",
    "Rminus",
    "Unit",
    "Unit_open",
    "Nat",
    "NatSmall",
    "PosNat",
    "Bool",
    "Integers",
]


@dataclass(frozen=True)
class Domain:
    """A grid of values inside a support, plus values outside it.

    Attributes
    ----------
    values
        Points inside the support, including the edges where the density is defined there.
    outside
        Points outside the support: logp must be -inf there (as values), or the parameter must be
        rejected (as parameters).
    dtype
        ``"float64"`` or ``"int64"``.
    """

    values: tuple
    outside: tuple = field(default=())
    dtype: str = "float64"

    def array(self) -> np.ndarray:
        return np.asarray(self.values, dtype=self.dtype)


R = Domain((-np.inf, -100.0, -2.1, -1.0, -0.01, 0.0, 0.01, 1.0, 2.1, 100.0, np.inf))
Rfinite = Domain((-100.0, -2.1, -1.0, -0.01, 0.0, 0.01, 1.0, 2.1, 100.0))
Rplus = Domain((0.0, 0.01, 0.1, 0.9, 0.99, 1.0, 1.5, 2.0, 100.0, np.inf), outside=(-1.0, -0.01))
Rplusbig = Domain((0.5, 0.9, 0.99, 1.0, 1.5, 2.0, 20.0), outside=(0.0, -1.0))
Rplus_nonzero = Domain((0.01, 0.1, 0.9, 0.99, 1.0, 1.5, 2.0, 20.0), outside=(0.0, -1.0))
Rminus = Domain((-np.inf, -100.0, -2.0, -1.0, -0.01, 0.0), outside=(0.01, 1.0))
Unit = Domain((0.0, 0.001, 0.1, 0.5, 0.75, 0.99, 1.0), outside=(-0.1, 1.1))
Unit_open = Domain((0.001, 0.1, 0.5, 0.75, 0.99, 0.999), outside=(0.0, 1.0, -0.1, 1.1))
Nat = Domain((0, 1, 2, 3, 4, 5, 10, 100), outside=(-1,), dtype="int64")
NatSmall = Domain((0, 1, 2, 3, 4, 5), outside=(-1,), dtype="int64")
PosNat = Domain((1, 2, 3, 5, 10), outside=(0, -1), dtype="int64")
Bool = Domain((0, 1), outside=(-1, 2), dtype="int64")
Integers = Domain((-10, -3, -1, 0, 1, 3, 10), dtype="int64")

# Discrete distributions (Poisson / NegativeBinomial parameters).
Rplus_finite = Domain(
    (0.0, 0.01, 0.1, 0.9, 0.99, 1.0, 1.5, 2.0, 20.0, 100.0), outside=(-1.0, -0.01)
)
Unit_left_open = Domain((0.001, 0.1, 0.5, 0.75, 0.99, 1.0), outside=(0.0, -0.1, 1.1))
__all__ += ["Rplus_finite", "Unit_left_open"]


def Simplex(n: int) -> Domain:  # noqa: N802  (a Domain constructor, named like the other grids)
    """Points of the probability simplex in ``n`` dimensions (rows), and rows just off it.

    Inside: the centre, points near each vertex and a few asymmetric points, all with entries
    > 0 (the Dirichlet density at an edge depends on the parameters). Outside: a row with a
    negative entry and rows summing to 0.9 and 1.1.
    """
    if n < 2:
        raise ValueError(f"Simplex: n is {n}, expected n >= 2.")
    rows = [np.full(n, 1.0 / n)]
    for i in range(n):
        near_vertex = np.full(n, 0.01 / (n - 1))
        near_vertex[i] = 0.99
        rows.append(near_vertex)
    ramp = np.arange(1.0, n + 1.0)
    rows += [ramp / ramp.sum(), ramp[::-1] ** 2 / (ramp**2).sum()]
    off = np.full(n, 1.0 / n)
    negative = off.copy()
    negative[0], negative[1] = -0.1, 1.0 / n + 0.1
    outside = (tuple(negative), tuple(off * 0.9), tuple(off * 1.1))
    return Domain(tuple(tuple(r) for r in rows), outside=outside)


__all__ += ["Simplex"]
