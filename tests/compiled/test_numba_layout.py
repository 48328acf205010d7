"""The layout-keeping ``DimShuffle`` of :mod:`ppl.compiled.numba_layout`."""

import numba
import numpy as np
import pytensor
import pytensor.tensor as pt
import pytest
from pytensor.link.numba.dispatch.basic import numba_funcify_and_cache_key

from ppl.compiled import numba_layout

SHUFFLES = [
    # (input shape, a function of a symbolic input with that shape)
    ((5, 1), lambda x: x.squeeze(1)),
    ((5,), lambda x: x[:, None]),
    ((5,), lambda x: x[None, :, None]),
    ((1, 4, 1, 3), lambda x: x.squeeze((0, 2))),
    ((1,), lambda x: x.squeeze(0)),
    ((), lambda x: x[None, None]),
    ((4, 3), lambda x: x.T),
    ((2, 3, 4), lambda x: x.transpose(2, 1, 0)),
    ((2, 3, 4), lambda x: x.transpose(1, 0, 2)),  # a partial transposition: PyTensor's
    ((4, 1, 3), lambda x: x.squeeze(1).T[:, None, :]),
]


@pytest.fixture
def installed():
    was = numba_layout.is_installed()
    numba_layout.install()
    yield
    if not was:
        numba_layout.uninstall()


def _symbolic(shape):
    return pt.tensor("x", dtype="float64", shape=tuple(1 if s == 1 else None for s in shape))


@pytest.mark.parametrize(("shape", "shuffle"), SHUFFLES)
@pytest.mark.parametrize("contiguous", [True, False])
def test_same_values_as_numpy(installed, shape, shuffle, contiguous):
    x = _symbolic(shape)
    fn = pytensor.function([x], shuffle(x) * 2.0 + 1.0, mode="NUMBA")
    value = np.arange(1.0, 1.0 + np.prod(shape, dtype=int)).reshape(shape)
    if not contiguous and value.ndim:
        # The same values through a strided view (every other element of a larger array).
        base = np.zeros(value.shape[:-1] + (2 * value.shape[-1],))
        base[..., ::2] = value
        value = base[..., ::2]
        assert not value.flags.c_contiguous or value.size <= 1
    expected = shuffle(value) * 2.0 + 1.0 if shuffle(x).ndim else value * 2.0 + 1.0
    np.testing.assert_array_equal(fn(value), expected)


def test_squeezing_a_non_unit_axis_still_fails(installed):
    x = pt.tensor("x", dtype="float64", shape=(None, None))
    fn = pytensor.function([x], x.dimshuffle(0), mode="NUMBA", on_unused_input="ignore")
    with pytest.raises(ValueError, match="squeeze"):
        fn(np.ones((3, 2)))


def _layout_of_result(out, value):
    dimshuffle, _ = numba_funcify_and_cache_key(out.owner.op, node=out.owner)

    @numba.njit
    def call(x):
        return dimshuffle(x)

    call(value)
    return call.nopython_signatures[-1].return_type.layout


def test_contiguous_input_gives_contiguous_result(installed):
    # The point of the module: Numba knows the view is C-contiguous, so elementwise loops over it
    # can assume unit strides (and LLVM vectorises them).
    squeeze = pt.matrix("x", shape=(None, 1)).squeeze(1)
    expand = pt.vector("x")[:, None]
    assert _layout_of_result(squeeze, np.ones((6, 1))) == "C"
    assert _layout_of_result(expand, np.ones(6)) == "C"
    assert _layout_of_result(expand, np.ones(12)[::2]) == "A"  # a strided input stays strided
    # The transpose of a data matrix is F-contiguous: np.dot hands it to BLAS without a copy.
    transpose = pt.matrix("x").T
    assert _layout_of_result(transpose, np.ones((4, 3))) == "F"
    assert _layout_of_result(transpose, np.asfortranarray(np.ones((4, 3)))) == "C"
    numba_layout.uninstall()
    try:
        assert _layout_of_result(squeeze, np.ones((6, 1))) == "A"  # PyTensor's as_strided
    finally:
        numba_layout.install()


def test_install_uninstall_and_cache_keys(installed, monkeypatch):
    node = pt.matrix("x", shape=(None, 1)).squeeze(1).owner
    _, ours = numba_funcify_and_cache_key(node.op, node=node)
    assert numba_layout.install() is True  # idempotent
    numba_layout.uninstall()
    assert not numba_layout.is_installed()
    _, pytensors = numba_funcify_and_cache_key(node.op, node=node)
    assert ours != pytensors  # PyTensor's disk cache never mixes the two
    monkeypatch.setenv("PPL_NUMBA_LAYOUT", "0")
    assert numba_layout.install() is False
    assert not numba_layout.is_installed()
    monkeypatch.delenv("PPL_NUMBA_LAYOUT")
    assert numba_layout.install() is True


def test_installed_when_ppl_is_imported():
    import ppl  # noqa: F401

    assert numba_layout.is_installed()
