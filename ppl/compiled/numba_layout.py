"""Keep contiguous arrays contiguous through PyTensor's ``DimShuffle`` in Numba mode.

PyTensor 3 writes a matrix-vector product as ``Squeeze(Dot(X, ExpandDims(b)))`` and compiles
every ``DimShuffle`` with ``as_strided``, whose result Numba types as an array of any layout
(``"A"``). An elementwise loop over such an array cannot assume unit strides, so LLVM does not
vectorise it: on the 5000-row logistic regression, ``softplus(X @ b)`` cost 74 µs after the
product against 2 µs for the same values passed in as a contiguous array.

:func:`install` registers a Numba implementation of ``DimShuffle`` that, for the shuffles that
only add or drop broadcastable dimensions (no transposition), reshapes a C-contiguous input
(a view, typed C-contiguous) and falls back to ``as_strided`` for other layouts, which keeps
PyTensor's behaviour. A full transposition of a C- or F-contiguous array is Numba's ``x.T``
(typed F- or C-contiguous), so a product with the transpose of a data matrix (the gradient of
``X @ b`` is ``X.T @ r``) calls BLAS on it directly: with ``as_strided``, Numba's ``np.dot``
copied the 5000 x 25 matrix on every call (79 µs against 23 µs). Other transpositions keep
PyTensor's implementation. The cache key differs from
PyTensor's, so its on-disk cache never mixes the two. ``PPL_NUMBA_LAYOUT=0`` in the environment
makes :func:`install` a no-op.
"""

import hashlib
from functools import partial

from numba import types
from numba.extending import overload
from numpy.lib.stride_tricks import as_strided
from pytensor.link.numba.dispatch import basic as numba_basic
from pytensor.tensor.elemwise import DimShuffle

from ppl.compiled.numba_override import NumbaOverride

__all__ = ["install", "is_installed", "uninstall"]

_VERSION = 1


def _reshape_view(x, shape, strides):
    """``x`` with ``shape`` (the same elements): a reshaped view (Numba implementation below)."""
    return as_strided(x, shape=shape, strides=strides)


@overload(_reshape_view, jit_options={"cache": True})
def _reshape_view_impl(x, shape, strides):
    if isinstance(x, types.Array) and x.layout == "C":
        return lambda x, shape, strides: x.reshape(shape)
    return lambda x, shape, strides: as_strided(x, shape=shape, strides=strides)


def _transpose_view(x, shape, strides):
    """``x.T`` (Numba implementation below)."""
    return as_strided(x, shape=shape, strides=strides)


@overload(_transpose_view, jit_options={"cache": True})
def _transpose_view_impl(x, shape, strides):
    if isinstance(x, types.Array) and x.layout in ("C", "F"):
        return lambda x, shape, strides: x.T
    return lambda x, shape, strides: as_strided(x, shape=shape, strides=strides)


def _is_transpose(op: DimShuffle) -> bool:
    return op.input_ndim >= 2 and tuple(op.new_order) == tuple(range(op.input_ndim))[::-1]


def _only_adds_or_drops_dims(op: DimShuffle) -> bool:
    kept = [o for o in op.new_order if o != "x"]
    return kept == sorted(kept) and op.input_ndim > 0 and len(op.new_order) > 0


def _funcify_dimshuffle(previous, op, node=None, **kwargs):
    transpose = _is_transpose(op)
    if not (transpose or _only_adds_or_drops_dims(op)):
        return previous(op, node=node, **kwargs)
    view = _transpose_view if transpose else _reshape_view
    new_order = tuple(-1 if o == "x" else o for o in op.new_order)
    drop = tuple(op.drop)
    template = (1,) * len(new_order)
    zeros = (0,) * len(new_order)

    @numba_basic.numba_njit
    def dimshuffle(x):
        old_shape = x.shape
        old_strides = x.strides
        shape = template
        strides = zeros
        for i, o in enumerate(new_order):
            if o != -1:
                shape = numba_basic.tuple_setitem(shape, i, old_shape[o])
                strides = numba_basic.tuple_setitem(strides, i, old_strides[o])
        if drop:
            for dropped in drop:
                if old_shape[dropped] != 1:
                    raise ValueError(
                        "DimShuffle: Attempting to squeeze axes with size not equal to one"
                    )
        return view(x, shape, strides)

    text = f"ppl.numba_layout.DimShuffle:v{_VERSION}:{op.input_ndim}:{new_order}:{drop}:{transpose}"
    return dimshuffle, hashlib.sha256(text.encode()).hexdigest()


_OVERRIDE = NumbaOverride(
    "PPL_NUMBA_LAYOUT", lambda: {DimShuffle: lambda previous: partial(_funcify_dimshuffle, previous)}
)


def install() -> bool:
    """Register the layout-keeping ``DimShuffle`` (idempotent). False, registering nothing,
    when ``PPL_NUMBA_LAYOUT`` is ``0``, ``false``, ``no`` or ``off``.

    Examples
    --------
    >>> install() in (True, False)
    True
    """
    return _OVERRIDE.install()


def uninstall() -> None:
    """Restore the implementations registered before :func:`install`."""
    _OVERRIDE.uninstall()


def is_installed() -> bool:
    """Whether :func:`install` is in effect."""
    return _OVERRIDE.installed
