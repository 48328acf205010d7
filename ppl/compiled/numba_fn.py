"""A Numba-callable ``logp_dlogp(x, grad_out) -> logp`` from a compiled log-density graph.

A PyTensor function compiled in NUMBA mode holds its whole graph as one jitted function
(``function.vm.jit_fn``) taking every input of the rewritten graph: first the explicit inputs,
then the shared variables. We wrap it in a small ``numba.njit`` function with the signature the
compiled samplers call through (:data:`ppl.step_methods.numba_nuts.LOGP_DLOGP_SIGNATURE`), with
the current values of the shared variables bound as constants of that wrapper.
"""

import numpy as np
from numba import njit, types
from pytensor.link.numba.linker import NumbaLinker

__all__ = ["numba_logp_dlogp"]

#: ``logp_dlogp(x: float64[::1], grad_out: float64[::1]) -> float64`` (kept equal to the
#: kernel's signature; defined here too so this layer does not import the step methods).
_SIGNATURE = types.float64(types.float64[::1], types.float64[::1])


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
    """Return a ``numba.njit`` function ``logp_dlogp(x, grad_out) -> logp`` for a model density.

    Parameters
    ----------
    value_grad_function
        A :class:`ppl.compiled.value_grad.ValueGradFunction` compiled in NUMBA mode with
        ``ravel_inputs=True`` and ``compute_grads=True`` (e.g. ``model.logp_dlogp_function()``),
        or a NUMBA-mode ``pytensor.function`` with one float64 vector input and outputs
        ``(logp, flat gradient)``.

    Returns
    -------
    numba.core.registry.CPUDispatcher
        Compiled for ``(float64[::1], float64[::1]) -> float64``: evaluates the log-density at
        ``x``, writes the gradient into ``grad_out`` and returns the log-density. It can be called
        from Python or from other Numba functions (also as a first-class function argument).

    Raises
    ------
    TypeError
        If the function was not compiled with the Numba linker, or has the wrong inputs/outputs.

    Notes
    -----
    Shared variables of the graph (conditioned variables of a ``ValueGradFunction``, ``ppl.Data``
    containers) are read once, here, and frozen into the returned function: after
    ``set_extra_values`` or ``set_data``, call this again. The wrapper itself is not cached on
    disk (the graph function is, by PyTensor); building it costs one Numba compilation.

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
    # Values of the shared inputs, in the graph's input order (storage follows fgraph.inputs).
    shared_values = [np.asarray(cell.data) for cell in raw.input_storage[1:]]
    names = [f"shared_{i}" for i in range(len(shared_values))]
    args = ", ".join(["x", *names])
    source = (
        "def logp_dlogp(x, grad_out):\n"
        f"    out = jit_fn({args})\n"
        "    grad_out[:] = out[1]\n"
        "    return out[0].item()\n"
    )
    namespace = {"jit_fn": jit_fn, **dict(zip(names, shared_values, strict=True))}
    exec(compile(source, "<ppl.compiled.numba_fn>", "exec"), namespace)  # noqa: S102
    return njit(_SIGNATURE, error_model="numpy")(namespace["logp_dlogp"])
