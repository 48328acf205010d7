"""The user's functions behind a black-box op, and how the op calls them.

:class:`BlackBoxFunctions` is the contract between the ops of :mod:`ppl.blackbox.op` and the
code that evaluates the function: plain NumPy functions here, JAX and PyTorch in their adapters
(which subclass it). Every method takes and returns NumPy float64 arrays; checking the results
and naming the op in errors is the op's job.
"""

from collections.abc import Callable, Sequence

import numpy as np

from ppl.blackbox.pickling import function_label, pack_function, unpack_function
from ppl.exceptions import ShapeError

__all__ = ["BlackBoxFunctions", "StaticShape", "normalise_shape", "infer_static_shape"]

#: A static shape: a tuple of ints, with None for a length only known at run time.
StaticShape = tuple[int | None, ...]


def normalise_shape(shape, *, what: str) -> StaticShape:
    """``3`` -> ``(3,)``; a sequence of ints/None -> a tuple; anything else raises ShapeError."""
    if shape is None:
        raise ShapeError(f"{what}: got None, expected a shape such as () or (3,).")
    if isinstance(shape, (int, np.integer)):
        shape = (shape,)
    try:
        out = tuple(None if d is None else int(d) for d in shape)
    except (TypeError, ValueError) as err:
        raise ShapeError(f"{what}: got {shape!r}, expected a tuple of ints (None: any).") from err
    if any(d is not None and d < 0 for d in out):
        raise ShapeError(f"{what}: got {shape!r}, expected non-negative lengths.")
    return out


#: Stand-in lengths for dims not known statically when tracing a function for its output shape.
_TRACE_LENGTHS = (7, 11)


def infer_static_shape(
    evaluate: Callable[[list[tuple[int, ...]]], tuple[int, ...]],
    input_shapes: Sequence[StaticShape],
    *,
    owner: str,
) -> StaticShape:
    """Output shape of a function, from ``evaluate(concrete input shapes) -> output shape``.

    Dims of unknown length are tried with two stand-in lengths; an output dim that changes with
    them is reported as unknown (None).

    Raises
    ------
    ShapeError
        If ``evaluate`` fails (the function cannot be traced at those shapes).
    """
    results = []
    lengths = _TRACE_LENGTHS if any(d is None for s in input_shapes for d in s) else _TRACE_LENGTHS[:1]
    for length in lengths:
        concrete = [tuple(length if d is None else d for d in s) for s in input_shapes]
        try:
            results.append(tuple(int(d) for d in evaluate(concrete)))
        except Exception as err:  # noqa: BLE001 - any failure means "declare it"
            raise ShapeError(
                f"{owner}: cannot infer the shape of its value by tracing the function with "
                f"input shapes {concrete} ({type(err).__name__}: {err}). Hint: pass "
                "output_shape=..., e.g. output_shape=() for a scalar."
            ) from err
    first = results[0]
    if any(len(r) != len(first) for r in results):
        raise ShapeError(
            f"{owner}: the number of dimensions of its value depends on the input shapes "
            f"({results}). Hint: pass output_shape=..."
        )
    return tuple(d if all(r[i] == d for r in results) else None for i, d in enumerate(first))


class BlackBoxFunctions:
    """The functions of a black-box op: its value and, optionally, its gradient.

    Parameters
    ----------
    fn
        ``fn(*inputs) -> value``: float64 arrays in, a float or array out.
    grad_fn
        ``grad_fn(*inputs) -> (d value / d input_0, ...)``, one array per input, each of its
        input's shape; only for scalar values.
    vjp_fn
        ``vjp_fn(cotangent, *inputs) -> (cotangent · d value / d input_0, ...)``: the
        vector-Jacobian product, for any value shape (``cotangent`` has the value's shape).
    value_and_grad_fn
        ``value_and_grad_fn(*inputs) -> (value, grads)``: both in one call (scalar values only);
        used instead of ``fn`` when the gradient is needed too.
    name
        Name of the op in messages (default: the function's name).
    n_inputs
        Number of inputs the op takes (default: any).
    input_shapes
        Static shape of each input (None for a length not fixed); checked when the op is
        applied and at run time.
    output_shape
        Static shape of the value: ``()`` (the default) for a scalar such as a log-likelihood.
    nan_to_neginf
        Turn NaN in the value into ``-inf``.

    Examples
    --------
    >>> spec = BlackBoxFunctions(lambda x: -0.5 * float(x @ x), grad_fn=lambda x: (-x,))
    >>> spec.has_gradient, spec.output_shape_for([(3,)])
    (True, ())
    """

    #: Pass read-only views to the functions (user code); adapters that never write clear it.
    protect_inputs: bool = True
    #: Whether a process forked after the functions ran can still call them (not JAX).
    fork_safe: bool = True
    #: Attributes holding callables: packed by value for worker processes.
    _function_fields: tuple[str, ...] = ("fn", "grad_fn", "vjp_fn", "value_and_grad_fn")

    def __init__(
        self,
        fn: Callable,
        *,
        grad_fn: Callable | None = None,
        vjp_fn: Callable | None = None,
        value_and_grad_fn: Callable | None = None,
        name: str | None = None,
        n_inputs: int | None = None,
        input_shapes: Sequence | None = None,
        output_shape=(),
        nan_to_neginf: bool = True,
    ):
        for label, f in (("fn", fn), ("grad_fn", grad_fn), ("vjp_fn", vjp_fn),
                         ("value_and_grad_fn", value_and_grad_fn)):
            if f is not None and not callable(f):
                raise TypeError(f"blackbox: {label} must be callable, got {f!r}.")
        self.fn = fn
        self.grad_fn = grad_fn
        self.vjp_fn = vjp_fn
        self.value_and_grad_fn = value_and_grad_fn
        self.name = name or getattr(fn, "__name__", None) or type(fn).__name__
        if input_shapes is not None:
            input_shapes = tuple(
                normalise_shape(s, what=f"blackbox {self.name!r}: input_shapes[{i}]")
                for i, s in enumerate(input_shapes)
            )
            if n_inputs is not None and n_inputs != len(input_shapes):
                raise ShapeError(
                    f"blackbox {self.name!r}: n_inputs is {n_inputs}, but input_shapes has "
                    f"{len(input_shapes)} entries."
                )
            n_inputs = len(input_shapes)
        self.n_inputs = n_inputs
        self.input_shapes = input_shapes
        self.output_shape = (
            None if output_shape is None
            else normalise_shape(output_shape, what=f"blackbox {self.name!r}: output_shape")
        )
        self.nan_to_neginf = bool(nan_to_neginf)
        scalar_only = [k for k in ("grad_fn", "value_and_grad_fn") if getattr(self, k) is not None]
        if scalar_only and self.output_shape not in (None, ()):
            raise ShapeError(
                f"blackbox {self.name!r}: {scalar_only[0]} is for scalar values, but output_shape "
                f"is {self.output_shape}. Hint: give vjp_fn(cotangent, *inputs) instead."
            )

    # -- what the ops ask ------------------------------------------------------------------

    @property
    def owner(self) -> str:
        """How messages name the op."""
        return f"blackbox op {self.name!r}"

    @property
    def has_grad(self) -> bool:
        """A gradient of a scalar value (``grad_fn`` or ``value_and_grad_fn``)."""
        return self.grad_fn is not None or self.value_and_grad_fn is not None

    @property
    def has_vjp(self) -> bool:
        """A vector-Jacobian product (any value shape)."""
        return self.vjp_fn is not None

    @property
    def has_gradient(self) -> bool:
        """Whether PyTensor can differentiate through the op."""
        return self.has_grad or self.has_vjp

    @property
    def fused_grad(self) -> bool:
        """Whether value and gradient come from one call (so the op shares it)."""
        return self.value_and_grad_fn is not None

    @property
    def fused_vjp(self) -> bool:
        """Whether value and VJP come from one call."""
        return False

    def output_shape_for(self, input_shapes: Sequence[StaticShape]) -> StaticShape:
        """Static shape of the value for inputs of these static shapes.

        Raises
        ------
        ShapeError
            If it cannot be known (subclasses that infer it may fail).
        """
        return () if self.output_shape is None else self.output_shape

    def gradient_hint(self) -> str:
        """How to give this op a gradient (for the error when there is none)."""
        return (
            "give grad_fn(*inputs) -> one array per input (scalar value) or "
            "vjp_fn(cotangent, *inputs) to ppl.blackbox, or build the op with ppl.from_jax / "
            "ppl.from_torch, which differentiate automatically"
        )

    # -- evaluation (NumPy float64 in and out; checks are the op's job) -----------------------

    def value(self, inputs: list[np.ndarray]):
        return self.fn(*inputs)

    def grad(self, inputs: list[np.ndarray]):
        if self.grad_fn is None:
            _, grads = self.value_and_grad_fn(*inputs)
            return grads
        return self.grad_fn(*inputs)

    def value_and_grad(self, inputs: list[np.ndarray]):
        if self.value_and_grad_fn is None:
            return self.fn(*inputs), self.grad_fn(*inputs)
        return self.value_and_grad_fn(*inputs)

    def vjp(self, cotangent: np.ndarray, inputs: list[np.ndarray]):
        return self.vjp_fn(cotangent, *inputs)

    def value_and_vjp(self, cotangent: np.ndarray, inputs: list[np.ndarray]):
        return self.fn(*inputs), self.vjp_fn(cotangent, *inputs)

    # -- pickling: functions by value when their module is not importable in the worker -------

    def __getstate__(self):
        state = dict(self.__dict__)
        for key in self._function_fields:
            state[key] = pack_function(state.get(key), owner=self.owner)
        return state

    def __setstate__(self, state):
        owner = f"blackbox op {state.get('name')!r}"
        for key in self._function_fields:
            state[key] = unpack_function(state.get(key), owner=owner)
        self.__dict__.update(state)

    def __repr__(self) -> str:
        parts = [function_label(self.fn)]
        parts += [f"{k}={function_label(getattr(self, k))}" for k in self._function_fields[1:]
                  if getattr(self, k, None) is not None]
        return f"{type(self).__name__}({', '.join(parts)})"
