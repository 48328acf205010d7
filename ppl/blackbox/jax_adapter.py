"""``ppl.from_jax``: a black-box op from a JAX function, differentiated by JAX.

Float64 without touching the user's JAX configuration: every trace and call runs inside
``jax.enable_x64(True)`` (a thread-local context manager; ``jax.experimental.enable_x64`` on older
JAX), so the function sees float64 arrays and the user's global ``jax_enable_x64`` setting stays
as it was. The context costs a few microseconds per call; JAX caches the x64 traces separately
from any float32 ones.
"""

import os
from collections.abc import Callable, Sequence

import numpy as np

from ppl.blackbox.op import BlackBoxOp
from ppl.blackbox.spec import BlackBoxFunctions, StaticShape, infer_static_shape
from ppl.exceptions import ModelError

__all__ = ["from_jax", "JaxFunctions"]


def _jax():
    try:
        import jax
    except ImportError as err:  # pragma: no cover - exercised only without JAX
        raise ImportError(
            "ppl.from_jax needs JAX: pip install 'ppl[jax]' (or pip install jax)."
        ) from err
    return jax


#: Set in a child forked from a process that has run JAX (see ``_guard_fork``).
_FORKED_AFTER_JAX = False
_FORK_HOOK_REGISTERED = False


def _mark_forked() -> None:
    global _FORKED_AFTER_JAX
    _FORKED_AFTER_JAX = True


def _guard_fork() -> None:
    """Once JAX runs here, a forked child must not call it: JAX's threads do not survive
    ``os.fork`` and the child deadlocks. Such a child gets a clear error instead."""
    global _FORK_HOOK_REGISTERED
    if not _FORK_HOOK_REGISTERED:
        os.register_at_fork(after_in_child=_mark_forked)
        _FORK_HOOK_REGISTERED = True


def _x64(jax):
    """A context manager turning on float64 in JAX for this thread only."""
    enable = getattr(jax, "enable_x64", None)
    if enable is not None:
        return enable(True)
    from jax.experimental import enable_x64  # JAX < 0.6

    return enable_x64(True)


class JaxFunctions(BlackBoxFunctions):
    """Value, gradient and VJP of a JAX function, jit-compiled on first use.

    The compiled functions are not pickled: a worker process compiles them again from ``fn``.

    Examples
    --------
    >>> import jax.numpy as jnp, numpy as np
    >>> spec = JaxFunctions(lambda x: jnp.sum(x**2), jit=False)
    >>> value, (grad,) = spec.value_and_grad([np.array([1.0, 2.0])])
    >>> float(value), grad
    (5.0, array([2., 4.]))
    """

    protect_inputs = False  # JAX copies its inputs
    fork_safe = False
    _function_fields = ("fn",)

    def __init__(self, fn: Callable, *, jit: bool = True, output_shape=None, **kwargs):
        inner = getattr(fn, "__wrapped__", None)
        if inner is not None and hasattr(fn, "lower"):
            # A jax.jit-wrapped function: keep the Python function (jitted objects do not survive
            # pickling) and jit it again ourselves.
            kwargs.setdefault("name", getattr(inner, "__name__", None))
            fn, jit = inner, True
        super().__init__(fn, output_shape=output_shape, **kwargs)
        self.jit = bool(jit)
        self._compiled: dict[str, Callable] = {}
        self._shapes: dict[tuple, StaticShape] = {}

    has_grad = True
    has_vjp = True
    fused_grad = True
    fused_vjp = True

    def gradient_hint(self) -> str:  # pragma: no cover - JAX ops always have one
        return "JAX ops are always differentiable"

    def _compiled_fn(self, kind: str) -> Callable:
        fn = self._compiled.get(kind)
        if fn is None:
            jax = _jax()
            user_fn = self.fn
            if kind == "value":
                fn = user_fn
            elif kind == "value_and_grad":

                def fn(*xs):
                    return jax.value_and_grad(user_fn, argnums=tuple(range(len(xs))))(*xs)

            else:  # value_and_vjp

                def fn(cotangent, *xs):
                    value, pullback = jax.vjp(user_fn, *xs)
                    return value, pullback(cotangent.astype(value.dtype))

            fn = jax.jit(fn) if self.jit else fn
            self._compiled[kind] = fn
        return fn

    def _run(self, kind: str, *args):
        if _FORKED_AFTER_JAX:
            raise ModelError(
                f"{self.owner}: JAX cannot run in a process forked from one that already used "
                "JAX (it would deadlock). Hint: sample with mp_ctx='spawn' or 'forkserver' "
                "(or cores=1)."
            )
        _guard_fork()
        jax = _jax()
        with _x64(jax):
            result = self._compiled_fn(kind)(*args)
            return jax.device_get(result)

    def value(self, inputs):
        return self._run("value", *inputs)

    def grad(self, inputs):
        return self._run("value_and_grad", *inputs)[1]

    def value_and_grad(self, inputs):
        return self._run("value_and_grad", *inputs)

    def vjp(self, cotangent, inputs):
        return self._run("value_and_vjp", cotangent, *inputs)[1]

    def value_and_vjp(self, cotangent, inputs):
        return self._run("value_and_vjp", cotangent, *inputs)

    def output_shape_for(self, input_shapes: Sequence[StaticShape]) -> StaticShape:
        if self.output_shape is not None:
            return self.output_shape
        key = tuple(tuple(s) for s in input_shapes)
        if key not in self._shapes:
            self._shapes[key] = self._infer_output_shape(key)
        return self._shapes[key]

    def _infer_output_shape(self, input_shapes) -> StaticShape:
        _guard_fork()
        jax = _jax()

        def evaluate(shapes):
            with _x64(jax):
                structs = [jax.ShapeDtypeStruct(s, np.float64) for s in shapes]
                return jax.eval_shape(self.fn, *structs).shape

        return infer_static_shape(evaluate, input_shapes, owner=self.owner)

    def __getstate__(self):
        state = super().__getstate__()
        state["_compiled"] = {}
        return state


def from_jax(
    fn: Callable,
    *,
    jit: bool = True,
    n_inputs: int | None = None,
    input_shapes: Sequence | None = None,
    output_shape=None,
    name: str | None = None,
    nan_to_neginf: bool = True,
) -> BlackBoxOp:
    r"""A black-box op from a JAX function; JAX gives its gradient (VJP).

    Parameters
    ----------
    fn
        ``fn(*arrays) -> jax array``: a function of JAX arrays, e.g. a log-likelihood written
        with ``jax.numpy``. It gets float64 arrays (see Notes).
    jit
        Compile the value and the value-and-VJP functions with ``jax.jit`` (default). A
        function already wrapped in ``jax.jit`` is unwrapped and jitted again (jitted objects do
        not survive pickling for worker processes).
    n_inputs, input_shapes, name, nan_to_neginf
        As in :func:`ppl.blackbox`.
    output_shape
        Shape of the value; default: found by tracing ``fn`` with ``jax.eval_shape`` for the
        inputs' static shapes (dims of unknown length come out unknown when the value's
        length depends on them).

    Returns
    -------
    BlackBoxOp
        The op; ``pytensor.grad`` works through it, so NUTS can use it.

    Notes
    -----
    - Float64: every trace and call runs inside ``jax.enable_x64(True)``, a thread-local
      context, so the user's global JAX setting is left as it is (costs a few microseconds per
      call).
    - One call per NUTS step: the compiled log-density-and-gradient function calls the jitted
      ``jax.vjp`` (``jax.value_and_grad`` for scalar values), which returns the value too.
    - Parallel chains: the op is pickled with ``fn`` only and re-jits in the worker. JAX is
      multithreaded and does not support ``os.fork``: sample with ``mp_ctx="spawn"`` (or
      ``"forkserver"``) when ``cores > 1``.

    Examples
    --------
    >>> import jax.numpy as jnp, numpy as np, ppl
    >>> x = np.linspace(0, 1, 20)
    >>> y = 1.0 + 2.0 * x
    >>> def loglike(m, c, log_sigma):
    ...     r = (y - m * x - c) / jnp.exp(log_sigma)
    ...     return -0.5 * jnp.sum(r**2) - x.size * log_sigma
    >>> op = ppl.from_jax(loglike)
    >>> with ppl.Model() as model:
    ...     m = ppl.Normal("m", 0, 10)
    ...     c = ppl.Normal("c", 0, 10)
    ...     log_sigma = ppl.Normal("log_sigma", 0, 1)
    ...     ll = ppl.Potential("loglike", op(m, c, log_sigma))
    >>> logp, dlogp = model.logp_dlogp_function()(np.array([2.0, 1.0, 0.0]))
    """
    return BlackBoxOp(
        JaxFunctions(
            fn,
            jit=jit,
            n_inputs=n_inputs,
            input_shapes=input_shapes,
            output_shape=output_shape,
            name=name,
            nan_to_neginf=nan_to_neginf,
        )
    )
