"""Type aliases shared across ppl (for readers; not enforced by a strict checker)."""

from collections.abc import Sequence
from typing import Any, TypeAlias

import numpy as np

PointType: TypeAlias = dict[str, np.ndarray]
ShapeLike: TypeAlias = int | Sequence[Any] | None
SeedLike: TypeAlias = int | np.random.SeedSequence | np.random.Generator | None
StatsSpec: TypeAlias = dict[str, type | np.dtype]
