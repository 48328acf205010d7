"""``ppl.from_torch``: a black-box op from a PyTorch function, differentiated by torch.autograd.

Inputs become float64 CPU tensors sharing memory with the NumPy arrays (no copy); the value
alone is computed under ``torch.no_grad()``; the gradient with ``torch.autograd.grad``, which
returns the value from the same forward pass. ``torch.set_num_threads`` is left alone: for
the small tensors of a typical likelihood the thread pool is idle anyway, and worker processes
of parallel chains run with one thread each (:mod:`ppl.sampling.parallel`).
"""

from collections.abc import Callable, Sequence

import numpy as np

from ppl.blackbox.op import BlackBoxOp
from ppl.blackbox.spec import BlackBoxFunctions, StaticShape, infer_static_shape
from ppl.exceptions import ModelError, ShapeError

__all__ = ["from_torch", "TorchFunctions"]


def _torch():
    try:
        import torch
    except ImportError as err:  # pragma: no cover - exercised only without torch
        raise ImportError(
            "ppl.from_torch needs PyTorch: pip install 'ppl[torch]' (or pip install torch)."
        ) from err
    return torch


def _tensor(torch, x: np.ndarray):
    # from_numpy shares memory but warns on read-only arrays (e.g. constants): copy those.
    return torch.from_numpy(x) if x.flags.writeable else torch.tensor(x)


class TorchFunctions(BlackBoxFunctions):
    """Value, gradient and VJP of a PyTorch function (or ``torch.nn.Module``).

    Examples
    --------
    >>> import numpy as np, torch
    >>> spec = TorchFunctions(lambda x: (x**2).sum())
    >>> value, (grad,) = spec.value_and_grad([np.array([1.0, 2.0])])
    >>> float(value), grad
    (5.0, array([2., 4.]))
    """

    protect_inputs = False  # tensors are built from the arrays; autograd forbids in-place use
    _function_fields = ("fn",)

    def __init__(self, fn: Callable, *, output_shape=None, **kwargs):
        super().__init__(fn, output_shape=output_shape, **kwargs)
        self._shapes: dict[tuple, StaticShape] = {}

    has_grad = True
    has_vjp = True
    fused_grad = True
    fused_vjp = True

    def gradient_hint(self) -> str:  # pragma: no cover - torch ops always have one
        return "PyTorch ops are always differentiable"

    def _output(self, out):
        torch = _torch()
        if not isinstance(out, torch.Tensor):
            raise ModelError(
                f"{self.owner}: the function returned {type(out).__name__}, expected a torch "
                "tensor (float64)."
            )
        return out

    def value(self, inputs):
        torch = _torch()
        with torch.no_grad():
            out = self._output(self.fn(*[_tensor(torch, x) for x in inputs]))
        return out.detach().numpy()

    def value_and_vjp(self, cotangent, inputs):
        torch = _torch()
        xs = [_tensor(torch, x).requires_grad_() for x in inputs]
        with torch.enable_grad():
            out = self._output(self.fn(*xs))
            if tuple(out.shape) != np.shape(cotangent):
                raise ShapeError(
                    f"{self.owner}: the function returned shape {tuple(out.shape)}, expected "
                    f"{np.shape(cotangent)}."
                )
            if not out.requires_grad:  # a value that does not depend on the inputs
                grads = [None] * len(xs)
            else:
                grads = torch.autograd.grad(
                    out, xs, grad_outputs=_tensor(torch, np.asarray(cotangent)).to(out.dtype),
                    allow_unused=True,
                )
        value = out.detach().numpy()
        grads = [
            np.zeros_like(x) if g is None else g.numpy() for g, x in zip(grads, inputs, strict=True)
        ]
        return value, grads

    def vjp(self, cotangent, inputs):
        return self.value_and_vjp(cotangent, inputs)[1]

    def value_and_grad(self, inputs):
        return self.value_and_vjp(np.ones(()), inputs)

    def grad(self, inputs):
        return self.value_and_vjp(np.ones(()), inputs)[1]

    def output_shape_for(self, input_shapes: Sequence[StaticShape]) -> StaticShape:
        if self.output_shape is not None:
            return self.output_shape
        key = tuple(tuple(s) for s in input_shapes)
        if key not in self._shapes:
            self._shapes[key] = self._infer_output_shape(key)
        return self._shapes[key]

    def _infer_output_shape(self, input_shapes) -> StaticShape:
        torch = _torch()

        def evaluate(shapes):
            with torch.no_grad():
                out = self._output(self.fn(*[torch.zeros(s, dtype=torch.float64) for s in shapes]))
            return tuple(out.shape)

        return infer_static_shape(evaluate, input_shapes, owner=self.owner)


def from_torch(
    fn: Callable,
    *,
    n_inputs: int | None = None,
    input_shapes: Sequence | None = None,
    output_shape=None,
    name: str | None = None,
    nan_to_neginf: bool = True,
) -> BlackBoxOp:
    r"""A black-box op from a PyTorch function; torch.autograd gives its gradient (VJP).

    Parameters
    ----------
    fn
        ``fn(*tensors) -> tensor``: a function (or ``torch.nn.Module``) of float64 CPU tensors.
        Modules with parameters must be float64 too (``module.double()``).
    n_inputs, input_shapes, name, nan_to_neginf
        As in :func:`ppl.blackbox`.
    output_shape
        Shape of the value; default: found by calling ``fn`` once on zeros of the inputs'
        static shapes (dims of unknown length are tried with two stand-in lengths).

    Returns
    -------
    BlackBoxOp
        The op; ``pytensor.grad`` works through it, so NUTS can use it.

    Notes
    -----
    The value alone is computed under ``torch.no_grad()``; a log-density-and-gradient
    evaluation (each NUTS step) runs one forward and one backward pass. Parallel chains pickle
    ``fn`` (modules with their parameters) for ``mp_ctx="spawn"``/``"forkserver"``.

    Examples
    --------
    >>> import numpy as np, torch, ppl
    >>> x = torch.linspace(0, 1, 20, dtype=torch.float64)
    >>> y = 1.0 + 2.0 * x
    >>> def loglike(m, c):
    ...     return -0.5 * torch.sum((y - m * x - c) ** 2) / 0.01
    >>> op = ppl.from_torch(loglike)
    >>> with ppl.Model() as model:
    ...     m = ppl.Normal("m", 0, 10)
    ...     c = ppl.Normal("c", 0, 10)
    ...     ll = ppl.Potential("loglike", op(m, c))
    >>> logp, dlogp = model.logp_dlogp_function()(np.array([2.0, 1.0]))
    """
    return BlackBoxOp(
        TorchFunctions(
            fn,
            n_inputs=n_inputs,
            input_shapes=input_shapes,
            output_shape=output_shape,
            name=name,
            nan_to_neginf=nan_to_neginf,
        )
    )
