"""Distribution tests evaluate their graphs with PyTensor's Python linker by default.

The checks here compare log-densities with SciPy at many points, and draws with reference
distributions: what matters is the graph after PyTensor's rewrites (kept: ``fast_run``), not the
backend. On a cold cache each Numba compilation costs seconds (tens for some graphs), which made
these tests most of the suite's time. Tests of Numba kernels and of the default backend pass
``mode="NUMBA"`` (or change the flag) explicitly; the model and sampling tests use Numba.
"""

import pytensor
import pytest
from pytensor.compile.mode import Mode

PYTHON_LINKER = Mode(linker="py", optimizer="fast_run")


@pytest.fixture(autouse=True)
def _python_linker():
    with pytensor.config.change_flags(mode=PYTHON_LINKER):
        yield


@pytest.fixture
def numba_backend(_python_linker):
    """For tests whose reference precision the Python linker does not reach: PyTensor 3.0.7's
    Python implementation of some fused Composites loses float64 precision (e.g. Exponential's
    ``-log(lam)`` is off by 5e-8), which its Numba and C backends do not."""
    with pytensor.config.change_flags(mode="NUMBA"):
        yield
