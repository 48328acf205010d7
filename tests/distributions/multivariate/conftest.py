"""Unit tests here compile with FAST_COMPILE (Python linker): the Numba default of PyTensor 3
takes seconds per function. ``test_default_mode_compiles`` in each module covers the default."""

import pytensor
import pytest


@pytest.fixture(autouse=True)
def fast_compile():
    with pytensor.config.change_flags(mode="FAST_COMPILE"):
        yield
