"""PyTensor ops around Python functions: the value op and its gradient (VJP) op.

:class:`BlackBoxOp` evaluates the user's function; PyTensor differentiates through it with
:meth:`BlackBoxOp.pullback`, which builds a :class:`BlackBoxGradOp` node on the same inputs:

- for a scalar value with a gradient function, the grad op returns ``d value / d input_i`` and the
  pullback multiplies by the (scalar) cotangent in the graph;
- otherwise the grad op takes the cotangent and returns the vector-Jacobian products.

When the functions give the value and gradient in one call (the JAX and PyTorch adapters, or
``value_and_grad_fn``), the grad op also returns the value, and a graph rewrite
(:mod:`ppl.blackbox.backends`) makes the compiled function use it instead of calling the value
op again: one call per log-density-and-gradient evaluation.

Every result is checked (shape, dtype, finite gradient) and every exception the function raises
is re-raised with the op's name and its input shapes.
"""

import math

import numpy as np
import pytensor.tensor as pt
from pytensor.graph.basic import Apply, Variable
from pytensor.graph.op import Op
from pytensor.graph.traversal import ancestors
from pytensor.tensor.exceptions import ShapeError as PyTensorShapeError

from ppl.blackbox.spec import BlackBoxFunctions, StaticShape
from ppl.exceptions import ModelError, PPLError, ShapeError

__all__ = ["BlackBoxOp", "BlackBoxGradOp", "NoGradientError", "blackbox_ops", "fork_unsafe_ops"]


class NoGradientError(ModelError, NotImplementedError):
    """PyTensor asked for the gradient of a black-box op that has none.

    Also a ``NotImplementedError``, which is what PyTensor raises for ops without gradients.
    """


def _as_float64(x) -> Variable:
    x = pt.as_tensor_variable(x)
    return x if x.dtype == "float64" else pt.cast(x, "float64")


def _shape_text(arrays) -> str:
    return ", ".join(str(np.shape(a)) for a in arrays)


def _fits(shape: tuple, static: StaticShape) -> bool:
    return len(shape) == len(static) and all(
        s is None or s == d for d, s in zip(shape, static, strict=True)
    )


class _BlackBoxBase(Op):
    """What both ops share: the functions, error wrapping and result checks."""

    spec: BlackBoxFunctions

    def _call(self, what: str, method, *args):
        """Call ``spec.<method>`` and re-raise anything but our own errors with context."""
        inputs = args[-1]
        try:
            return method(*args)
        except PPLError:
            raise
        except Exception as err:  # noqa: BLE001 - any user error gets the op's name added
            raise ModelError(
                f"{self.spec.owner}: {what} raised {type(err).__name__}: {err} "
                f"(input shapes: {_shape_text(inputs)})."
            ) from err

    def _inputs(self, inputs) -> list[np.ndarray]:
        if not self.spec.protect_inputs:
            return list(inputs)
        views = []
        for x in inputs:  # read-only views: a function writing into its inputs would corrupt
            view = x.view()  # PyTensor's storage
            view.flags.writeable = False
            views.append(view)
        return views

    def _checked_value(self, value, expected: StaticShape) -> np.ndarray:
        if isinstance(value, float) and expected == ():  # fast path: float or np.float64
            if value != value and self.spec.nan_to_neginf:
                value = -math.inf
            return np.array(value, dtype=np.float64)
        out = _real_array(value)
        if out is None:
            raise ModelError(
                f"{self.spec.owner}: the function returned {_describe(value)}, expected real "
                f"numbers (a float or a float64 array of shape {_shape_str(expected)})."
            )
        if not _fits(out.shape, expected):
            raise ShapeError(
                f"{self.spec.owner}: the function returned shape {out.shape}, expected "
                f"{_shape_str(expected)}."
            )
        if self.spec.nan_to_neginf and _has_nan(out):
            out = np.where(np.isnan(out), -np.inf, out)
        return _owned(out)

    def _checked_grads(self, grads, inputs: list[np.ndarray], what: str) -> list[np.ndarray]:
        if len(inputs) == 1 and not isinstance(grads, (tuple, list)):
            grads = (grads,)  # one input: a bare array or number is accepted
        if not isinstance(grads, (tuple, list)) or len(grads) != len(inputs):
            got = f"{type(grads).__name__} of length {len(grads)}" if isinstance(
                grads, (tuple, list)) else _describe(grads)
            raise ShapeError(
                f"{self.spec.owner}: {what} returned {got}, expected a tuple of {len(inputs)} "
                f"arrays (one per input, shapes {_shape_text(inputs)})."
            )
        out = []
        for i, (g, x) in enumerate(zip(grads, inputs, strict=True)):
            g_array = _real_array(g)
            if g_array is None:
                raise ModelError(
                    f"{self.spec.owner}: {what} returned {_describe(g)} for input {i}, expected "
                    f"a float64 array of shape {x.shape}."
                )
            g = g_array
            if g.shape != x.shape:
                raise ShapeError(
                    f"{self.spec.owner}: {what} returned shape {g.shape} for input {i}, "
                    f"expected {x.shape} (the input's shape)."
                )
            if not _all_finite(g):
                bad = np.unravel_index(np.flatnonzero(~np.isfinite(g))[0], g.shape) if g.ndim else ()
                raise ModelError(
                    f"{self.spec.owner}: {what} returned a non-finite value ({g[bad]}) for "
                    f"input {i} at index {tuple(int(j) for j in bad)} (input shapes: "
                    f"{_shape_text(inputs)}); expected finite gradients."
                )
            out.append(_owned(g))
        return out


# The checks below run on every call: fast paths first (a NumPy ufunc call costs microseconds).


def _owned(a: np.ndarray) -> np.ndarray:
    """``a``, or a copy if it is a view (e.g. of an input, or of a JAX/torch buffer) or read-only:
    PyTensor may write into an op's outputs."""
    return a if a.base is None and a.flags.writeable else a.copy()


def _has_nan(a: np.ndarray) -> bool:
    if a.ndim == 0:
        return math.isnan(a)
    total = np.add.reduce(a, axis=None)
    return total != total and bool(np.isnan(a).any())  # a NaN sum may also be inf - inf


def _all_finite(a: np.ndarray) -> bool:
    if a.ndim == 0:
        return math.isfinite(a)
    flat = a.reshape(-1)
    return math.isfinite(flat @ flat) or bool(np.isfinite(a).all())  # squares may overflow


def _real_array(value) -> np.ndarray | None:
    """``value`` as a float64 array if it holds real numbers (float or integer), else None."""
    if type(value) is np.ndarray and value.dtype == np.float64:
        return value
    try:
        array = np.asarray(value)
    except Exception:  # noqa: BLE001 - anything NumPy cannot take is "not numeric"
        return None
    if array.dtype.kind not in "fiu":
        return None
    return array if array.dtype == np.float64 else array.astype(np.float64)


def _describe(value) -> str:
    if isinstance(value, np.ndarray):
        return f"an array of dtype {value.dtype} and shape {value.shape}"
    return f"{type(value).__name__} {value!r:.60}"


def _shape_str(shape: StaticShape) -> str:
    return "a scalar ()" if shape == () else str(tuple("?" if d is None else d for d in shape))


class BlackBoxOp(_BlackBoxBase):
    """A PyTensor op whose value is a Python function of float64 arrays.

    Build it with :func:`ppl.blackbox`, :func:`ppl.from_jax` or :func:`ppl.from_torch`; call it
    on tensors (or numbers, arrays) to get a float64 tensor: ``op(m, b, log_sigma)``.

    Parameters
    ----------
    spec
        The functions (see :class:`ppl.blackbox.spec.BlackBoxFunctions`).

    Examples
    --------
    >>> import numpy as np, pytensor.tensor as pt
    >>> from ppl.blackbox.spec import BlackBoxFunctions
    >>> op = BlackBoxOp(BlackBoxFunctions(lambda x: -0.5 * x @ x, grad_fn=lambda x: (-x,),
    ...                                   name="normal"))
    >>> x = pt.dvector("x")
    >>> op(x).eval({x: np.array([1.0, 2.0])})
    array(-2.5)
    """

    __props__ = ("spec",)

    def __init__(self, spec: BlackBoxFunctions):
        self.spec = spec

    @property
    def name(self) -> str:
        return self.spec.name

    def make_node(self, *inputs) -> Apply:
        spec = self.spec
        if not inputs:
            raise ShapeError(f"{spec.owner}: got no inputs, expected at least one.")
        if spec.n_inputs is not None and len(inputs) != spec.n_inputs:
            raise ShapeError(
                f"{spec.owner}: got {len(inputs)} inputs, expected {spec.n_inputs}."
            )
        variables = [_as_float64(x) for x in inputs]
        if spec.input_shapes is not None:
            variables = [
                self._declared(i, v, shape)
                for i, (v, shape) in enumerate(zip(variables, spec.input_shapes, strict=True))
            ]
        out_shape = spec.output_shape_for([v.type.shape for v in variables])
        return Apply(self, variables, [pt.tensor(dtype="float64", shape=out_shape)])

    def _declared(self, i: int, var: Variable, shape: StaticShape) -> Variable:
        static = var.type.shape
        if len(static) != len(shape) or any(
            a is not None and b is not None and a != b for a, b in zip(static, shape, strict=True)
        ):
            raise ShapeError(
                f"{self.spec.owner}: input {i} has shape {_shape_str(static)}, expected "
                f"{_shape_str(shape)} (input_shapes)."
            )
        if all(b is None or a == b for a, b in zip(static, shape, strict=True)):
            return var
        return pt.specify_shape(var, shape)

    def perform(self, node, inputs, output_storage):
        args = self._inputs(inputs)
        value = self._call("the function", self.spec.value, args)
        output_storage[0][0] = self._checked_value(value, node.outputs[0].type.shape)

    def eval_value(self, *inputs) -> np.ndarray:
        """The value at NumPy inputs, checked as in a compiled function (nothing is compiled).

        Examples
        --------
        >>> import ppl
        >>> ppl.blackbox(lambda a, b: a * b).eval_value(2.0, 3.0)
        array(6.)
        """
        args = self._inputs([np.asarray(x, dtype=np.float64) for x in inputs])
        expected = self.spec.output_shape_for([x.shape for x in args])
        return self._checked_value(self._call("the function", self.spec.value, args), expected)

    def eval_vjp(self, *inputs, cotangent=None) -> list[np.ndarray]:
        """Gradient or vector-Jacobian product at NumPy inputs: one array per input.

        With ``cotangent=None`` it is the gradient of the value (of its sum, for an array value).

        Raises
        ------
        NoGradientError
            If the op has no gradient.

        Examples
        --------
        >>> import ppl
        >>> ppl.blackbox(lambda a, b: a * b, lambda a, b: (b, a)).eval_vjp(2.0, 3.0)
        [array(3.), array(2.)]
        """
        spec = self.spec
        if not spec.has_gradient:
            raise NoGradientError(f"{spec.owner} has no gradient. Hint: {spec.gradient_hint()}.")
        args = self._inputs([np.asarray(x, dtype=np.float64) for x in inputs])
        if cotangent is None and spec.has_grad:
            grads = self._call("grad_fn", spec.grad, args)
            return self._checked_grads(grads, args, "the gradient (grad_fn)")
        if not spec.has_vjp:
            raise NoGradientError(f"{spec.owner}: a cotangent needs vjp_fn, which it lacks.")
        if cotangent is None:  # the gradient of the sum of the value
            cotangent = np.ones_like(self.eval_value(*args))
        cotangent = np.asarray(cotangent, dtype=np.float64)
        grads = self._call("vjp_fn", spec.vjp, cotangent, args)
        return self._checked_grads(grads, args, "the gradient (vjp_fn)")

    def infer_shape(self, fgraph, node, input_shapes):
        shape = node.outputs[0].type.shape
        if any(d is None for d in shape):
            raise PyTensorShapeError("output shape of a black-box op is only known at run time")
        return [shape]

    def pullback(self, inputs, outputs, cotangents):
        spec = self.spec
        if not spec.has_gradient:
            raise NoGradientError(
                f"{spec.owner} has no gradient, but PyTensor needs one (for NUTS/HMC, find_MAP "
                f"or pytensor.grad). Hint: {spec.gradient_hint()}; or sample with a "
                "gradient-free step, e.g. ppl.sample(step=ppl.Slice()) or ppl.Metropolis()."
            )
        (cotangent,) = cotangents
        if outputs[0].type.ndim == 0 and spec.has_grad:
            grads = BlackBoxGradOp(spec, vjp=False, with_value=spec.fused_grad)(
                *inputs, return_list=True
            )
            grads = grads[1:] if spec.fused_grad else grads
            return [cotangent * g for g in grads]
        if not spec.has_vjp:
            raise NoGradientError(
                f"{spec.owner}: its value has shape {_shape_str(outputs[0].type.shape)}, so "
                "PyTensor needs a vector-Jacobian product. Hint: give "
                "vjp_fn(cotangent, *inputs) to ppl.blackbox."
            )
        grads = BlackBoxGradOp(spec, vjp=True, with_value=spec.fused_vjp)(
            cotangent, *inputs, return_list=True
        )
        return list(grads[1:] if spec.fused_vjp else grads)

    def __str__(self) -> str:
        return f"BlackBox{{{self.spec.name}}}"


class BlackBoxGradOp(_BlackBoxBase):
    """Gradient (or vector-Jacobian product) of a :class:`BlackBoxOp`; built by its pullback.

    Parameters
    ----------
    spec
        The functions of the value op.
    vjp
        If True the first input is the cotangent (the value's shape) and the outputs are the
        vector-Jacobian products; otherwise the outputs are the gradient of a scalar value.
    with_value
        Also return the value (first output), from the same call.

    Examples
    --------
    >>> import numpy as np, pytensor, pytensor.tensor as pt
    >>> from ppl.blackbox.spec import BlackBoxFunctions
    >>> op = BlackBoxOp(BlackBoxFunctions(lambda x: -0.5 * x @ x, grad_fn=lambda x: (-x,)))
    >>> x = pt.dvector("x")
    >>> pytensor.grad(op(x), x).eval({x: np.array([1.0, 2.0])})
    array([-1., -2.])
    """

    __props__ = ("spec", "vjp", "with_value")

    def __init__(self, spec: BlackBoxFunctions, *, vjp: bool, with_value: bool):
        self.spec = spec
        self.vjp = bool(vjp)
        self.with_value = bool(with_value)

    def make_node(self, *inputs) -> Apply:
        variables = [_as_float64(x) for x in inputs]
        args = variables[1:] if self.vjp else variables
        outputs = [v.type() for v in args]
        if self.with_value:
            shape = self.spec.output_shape_for([v.type.shape for v in args])
            outputs.insert(0, pt.tensor(dtype="float64", shape=shape))
        return Apply(self, variables, outputs)

    def perform(self, node, inputs, output_storage):
        spec = self.spec
        if self.vjp:
            cotangent, args = inputs[0], self._inputs(inputs[1:])
            what = "vjp_fn"
            if self.with_value:
                value, grads = self._call(what, spec.value_and_vjp, cotangent, args)
            else:
                value, grads = None, self._call(what, spec.vjp, cotangent, args)
        else:
            args = self._inputs(inputs)
            what = "grad_fn"
            if self.with_value:
                value, grads = self._call(what, spec.value_and_grad, args)
            else:
                value, grads = None, self._call(what, spec.grad, args)
        grads = self._checked_grads(grads, args, f"the gradient ({what})")
        if self.with_value:
            output_storage[0][0] = self._checked_value(value, node.outputs[0].type.shape)
        for storage, g in zip(output_storage[int(self.with_value) :], grads, strict=True):
            storage[0] = g

    def infer_shape(self, fgraph, node, input_shapes):
        shapes = list(input_shapes[1:] if self.vjp else input_shapes)
        if self.with_value:
            shape = node.outputs[0].type.shape
            if any(d is None for d in shape):
                raise PyTensorShapeError("output shape of a black-box op is only known at run time")
            shapes.insert(0, shape)
        return shapes

    def pullback(self, inputs, outputs, cotangents):
        raise NoGradientError(
            f"{self.spec.owner}: second derivatives of black-box ops are not available."
        )

    def __str__(self) -> str:
        kind = "VJP" if self.vjp else "Grad"
        return f"BlackBox{kind}{{{self.spec.name}}}"


def blackbox_ops(variables, *, fork_unsafe_only: bool = False) -> list[str]:
    """Names of the black-box ops in the graphs of ``variables`` (with ``fork_unsafe_only``,
    only those that cannot run in a forked worker).

    Examples
    --------
    >>> import ppl, pytensor.tensor as pt
    >>> x = pt.dscalar("x")
    >>> blackbox_ops([ppl.blackbox(abs, name="absolute")(x)])
    ['absolute']
    """
    names = []
    for var in ancestors(list(variables)):
        node = var.owner
        if node is not None and isinstance(node.op, (BlackBoxOp, BlackBoxGradOp)):
            spec = node.op.spec
            if not (fork_unsafe_only and spec.fork_safe) and spec.name not in names:
                names.append(spec.name)
    return names


def fork_unsafe_ops(variables) -> list[str]:
    """Names of the black-box ops in the graphs of ``variables`` that cannot run in a forked
    worker (JAX's): chains with them need ``mp_ctx="spawn"`` or ``"forkserver"``.

    Examples
    --------
    >>> import ppl, pytensor.tensor as pt
    >>> x = pt.dscalar("x")
    >>> fork_unsafe_ops([ppl.blackbox(abs, name="absolute")(x)])
    []
    """
    return blackbox_ops(variables, fork_unsafe_only=True)
