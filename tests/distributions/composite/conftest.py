"""Run the composite tests on PyTensor's Python backend unless a test asks for Numba.

Composite log-densities are large graphs (both tails of both bounds, one log-density per
component), and some hold ``erfcx``, whose Numba code PyTensor cannot cache: compiling one costs
10-60 s in a fresh process, while the checks here evaluate each graph a few hundred times on tiny
arrays, which the Python linker does in milliseconds with nothing to compile. The same holds for
the short sampling tests (including the start-point checks ``ppl.sample`` compiles). Tests of the
Numba kernels of the composites pass ``mode="NUMBA"`` explicitly.
"""

import pytensor
import pytest
from pytensor.compile.mode import Mode

PYTHON_MODE = Mode(linker="py", optimizer="fast_compile")


@pytest.fixture(autouse=True)
def _python_backend():
    with pytensor.config.change_flags(mode=PYTHON_MODE):
        yield
