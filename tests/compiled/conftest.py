"""Tests here switch ``ppl.compiled``'s Numba overrides off and on; each must leave them as it
found them, or every later test in the same worker compiles with other numerics (a test of
``docs/cluster.md`` once caught that as draws differing between a Dask worker and the process)."""

import pytest

from ppl.compiled import numba_layout, vecmath


@pytest.fixture(autouse=True)
def _overrides_restored():
    before = vecmath.is_installed(), numba_layout.is_installed()
    yield
    after = vecmath.is_installed(), numba_layout.is_installed()
    assert after == before, f"(vecmath, numba_layout) installed {before} before the test, {after} after"
