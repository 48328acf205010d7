"""A Numba-callable log-density ``logp_dlogp(x, grad_out, data) -> logp`` from a compiled graph.

A PyTensor function compiled in NUMBA mode holds its whole graph as one jitted function
(``function.vm.jit_fn``) taking every input of the rewritten graph: first the explicit inputs,
then the shared variables. We wrap it in a small ``numba.njit`` function with the signature the
compiled samplers call through (:data:`ppl.step_methods.numba_nuts.LOGP_DLOGP_SIGNATURE`). The
shared variables' arrays (data containers, conditioned values) are not compiled in: ``data`` is
the address of a table of their addresses and shapes, which :meth:`NumbaLogp.refresh` rewrites.
So the wrapper depends only on the graph, is cached on disk by Numba, and new data (after
``ppl.set_data``) cost no compilation.
"""

import hashlib
import warnings

import numba
import numpy as np
import pytensor
from numba import njit, types
from numba.core.errors import NumbaWarning
from numba.extending import intrinsic
from pytensor.link.numba.cache import CACHED_SRC_FUNCTIONS, compile_numba_function_src
from pytensor.link.numba.linker import NumbaLinker

__all__ = ["NumbaLogp", "numba_logp_dlogp"]

#: ``logp_dlogp(x: float64[::1], grad_out: float64[::1], data: int64) -> float64`` (kept equal
#: to the kernel's signature; defined here too so this layer does not import the step methods).
_SIGNATURE = types.float64(types.float64[::1], types.float64[::1], types.int64)


@intrinsic
def _as_pointer(typingctx, address, dtype):
    """``address`` (an integer) as a pointer to ``dtype`` values, for ``numba.carray``."""
    pointer = types.CPointer(dtype.dtype)

    def codegen(context, builder, signature, args):
        return builder.inttoptr(args[0], context.get_value_type(pointer))

    return pointer(address, dtype), codegen


class NumbaLogp:
    """A compiled ``function(x, grad_out, data) -> logp`` and the table of data arrays it reads.

    Attributes
    ----------
    function
        The ``numba.njit`` function (``data`` is :attr:`address`).
    address
        Address of the table: pass it as ``data``; valid while this object lives.

    Calling the object, ``f(x, grad_out)``, refreshes the table and evaluates at ``x``.
    """

    def __init__(self, function, storage, layout: list[tuple[np.dtype, int]]):
        self.function = function
        self._storage = storage
        self._layout = layout
        self._table = np.zeros(max(1, sum(1 + ndim for _, ndim in layout)), dtype=np.int64)
        self._arrays: list[np.ndarray] = []
        self.refresh()

    @property
    def address(self) -> int:
        return int(self._table.ctypes.data)

    def refresh(self) -> None:
        """Point the table at the shared variables' current values (e.g. after ``set_data``)."""
        arrays, row = [], 0
        for cell, (dtype, ndim) in zip(self._storage, self._layout, strict=True):
            value = np.asarray(cell.data)
            if value.dtype != dtype or value.ndim != ndim:
                raise TypeError(
                    f"numba_logp_dlogp: a shared input is now {value.dtype} with {value.ndim} "
                    f"dimension(s); the function was built for {dtype} with {ndim}."
                )
            if not value.flags.c_contiguous:
                value = value.copy(order="C")
            arrays.append(value)  # kept: the table points into these arrays
            self._table[row] = value.ctypes.data
            self._table[row + 1 : row + 1 + ndim] = value.shape
            row += 1 + ndim
        self._arrays = arrays

    def __call__(self, x, grad_out) -> float:
        self.refresh()
        return self.function(x, grad_out, self.address)


def _raw_function(fn):
    raw = getattr(fn, "raw_function", fn)
    maker = getattr(raw, "maker", None)
    if maker is None:
        raise TypeError(
            "numba_logp_dlogp: expected a ValueGradFunction or a compiled pytensor function, "
            f"got {type(fn).__name__}."
        )
    if not isinstance(maker.linker, NumbaLinker):
        raise TypeError(
            "numba_logp_dlogp: the function was compiled with the "
            f"{type(maker.linker).__name__}, expected the Numba linker; compile it with "
            'mode="NUMBA" (PyTensor\'s default).'
        )
    return raw


def numba_logp_dlogp(value_grad_function):
    """Return the Numba log-density and gradient of a compiled model density.

    Parameters
    ----------
    value_grad_function
        A :class:`ppl.compiled.value_grad.ValueGradFunction` compiled in NUMBA mode with
        ``ravel_inputs=True`` and ``compute_grads=True`` (e.g. ``model.logp_dlogp_function()``),
        or a NUMBA-mode ``pytensor.function`` with one float64 vector input and outputs
        ``(logp, flat gradient)``.

    Returns
    -------
    NumbaLogp
        ``.function`` is compiled for ``(float64[::1], float64[::1], int64) -> float64``: it
        evaluates the log-density at ``x``, writes the gradient into ``grad_out`` and returns
        the log-density, reading the graph's shared variables through the table at ``data``
        (``.address``). It can be called from Python or from other Numba functions (also as a
        first-class function argument). An error inside the graph gives ``-inf`` (and a NaN
        gradient), which a sampler treats as a divergence.

    Raises
    ------
    TypeError
        If the function was not compiled with the Numba linker, or has the wrong inputs/outputs.

    Notes
    -----
    Shared variables of the graph (conditioned variables of a ``ValueGradFunction``, ``ppl.Data``
    containers) are read when the table is refreshed: :meth:`NumbaLogp.refresh` after
    ``set_extra_values`` or ``set_data`` (calling the object from Python does it). The wrapper
    is cached on disk, in PyTensor's Numba cache, keyed by PyTensor's key of the graph function:
    a model seen before (in any process, with any data) loads in milliseconds; a new one costs
    one Numba compilation.

    Examples
    --------
    >>> import ppl
    >>> with ppl.Model() as m:
    ...     z = ppl.Normal("z", 0.0, 1.0, shape=2)
    >>> f = numba_logp_dlogp(m.logp_dlogp_function())  # doctest: +SKIP
    >>> grad = np.empty(2)
    >>> f(np.ones(2), grad), grad  # doctest: +SKIP
    (-2.8378770664093453, array([-1., -1.]))
    """
    if getattr(value_grad_function, "ravel_inputs", True) is False:
        raise TypeError("numba_logp_dlogp: expected a ValueGradFunction with ravel_inputs=True.")
    if getattr(value_grad_function, "compute_grads", True) is False:
        raise TypeError("numba_logp_dlogp: expected a ValueGradFunction with compute_grads=True.")
    raw = _raw_function(value_grad_function)
    fgraph = raw.maker.fgraph
    n_explicit = sum(1 for inp in raw.maker.inputs if not inp.shared)
    inputs = fgraph.inputs
    if n_explicit != 1 or inputs[0].type.ndim != 1 or inputs[0].type.dtype != "float64":
        raise TypeError(
            "numba_logp_dlogp: expected one float64 vector input, got "
            f"{[str(v.type) for v in inputs[:n_explicit]]}."
        )
    outputs = fgraph.outputs
    if len(outputs) != 2 or outputs[0].type.ndim != 0 or outputs[1].type.ndim != 1:
        raise TypeError(
            "numba_logp_dlogp: expected outputs (scalar logp, vector gradient), got "
            f"{[str(v.type) for v in outputs]}."
        )
    jit_fn = raw.vm.jit_fn
    storage = raw.input_storage[1:]  # the shared inputs, in the graph's input order
    layout = [(np.asarray(cell.data).dtype, np.asarray(cell.data).ndim) for cell in storage]
    lines, names, row = [], [], 0
    namespace = {"__name__": __name__, "np": np, "carray": numba.carray,
                 "as_pointer": _as_pointer, "jit_fn": jit_fn}
    for i, (dtype, ndim) in enumerate(layout):
        shape = ", ".join(f"table[{row + 1 + d}]" for d in range(ndim))
        shape = f"({shape},)" if ndim == 1 else f"({shape})"
        lines.append(f"    shared_{i} = carray(as_pointer(table[{row}], dtype_{i}), {shape})\n")
        namespace[f"dtype_{i}"] = dtype.type
        names.append(f"shared_{i}")
        row += 1 + ndim
    table = f"    table = carray(as_pointer(data, np.int64), ({row},))\n" if layout else ""
    # An error inside the graph (e.g. a parameter check failing far out in a trajectory) is a
    # log-density of -inf, so the sampler records a divergence, as the Python NUTS does.
    source = (
        "def logp_dlogp(x, grad_out, data):\n"
        + table
        + "".join(lines)
        + "    try:\n"
        + f"        out = jit_fn({', '.join(['x', *names])})\n"
        + "    except Exception:\n"
        + "        grad_out[:] = np.nan\n"
        + "        return -np.inf\n"
        + "    grad_out[:] = out[1]\n"
        + "    return out[0].item()\n"
    )
    key = _cache_key(jit_fn, layout, source)
    function = compile_numba_function_src(
        source, "logp_dlogp", global_env=namespace, cache_key=key
    )
    with warnings.catch_warnings():
        # A graph function PyTensor could not cache (e.g. one holding a non-contiguous constant)
        # makes the wrapper uncacheable too: Numba says so, and compiles it anyway.
        warnings.filterwarnings("ignore", message=".*Cannot cache compiled function",
                                category=NumbaWarning)
        compiled = njit(_SIGNATURE, error_model="numpy", cache=key is not None)(function)
    return NumbaLogp(compiled, storage, layout)


def _cache_key(jit_fn, layout, source: str) -> str | None:
    """A key for Numba's on-disk cache: PyTensor's key of the graph function, the wrapper's
    source and the shared inputs' dtypes. None when PyTensor does not cache the graph."""
    graph_key = CACHED_SRC_FUNCTIONS.get(getattr(jit_fn, "py_func", None))
    if graph_key is None or not pytensor.config.numba__cache:
        return None
    dtypes = ",".join(dtype.str for dtype, _ in layout)
    text = f"ppl.numba_logp_dlogp:{graph_key}:{dtypes}:{source}"
    return hashlib.sha256(text.encode()).hexdigest()
