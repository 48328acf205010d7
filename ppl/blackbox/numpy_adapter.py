"""``ppl.blackbox``: a PyTensor op from a Python function on NumPy arrays (and its gradient)."""

from collections.abc import Callable, Sequence

from ppl.blackbox.op import BlackBoxOp
from ppl.blackbox.spec import BlackBoxFunctions

__all__ = ["blackbox"]


def blackbox(
    logp_fn: Callable,
    grad_fn: Callable | None = None,
    *,
    vjp_fn: Callable | None = None,
    value_and_grad_fn: Callable | None = None,
    n_inputs: int | None = None,
    input_shapes: Sequence | None = None,
    output_shape=(),
    name: str | None = None,
    nan_to_neginf: bool = True,
) -> BlackBoxOp:
    r"""Turn a Python function of float64 arrays into a PyTensor op usable anywhere in a model.

    The op takes any number of tensors (or numbers, arrays), casts them to float64, calls
    ``logp_fn`` on NumPy arrays and returns a float64 tensor. Use it in
    ``ppl.Potential("loglike", op(m, b, log_sigma))``, in the ``logp`` of a ``ppl.CustomDist``
    or in a ``ppl.Deterministic``. With a gradient, NUTS and ``pytensor.grad`` work through it.

    Parameters
    ----------
    logp_fn
        ``logp_fn(*inputs) -> value``: float64 arrays in (read-only), a float or a float64 array
        of shape ``output_shape`` out. Usually a log-likelihood, but any function works.
    grad_fn
        For a scalar value: ``grad_fn(*inputs) -> (d value / d input_0, d value / d input_1,
        ...)``, one array per input with that input's shape (a bare array is accepted for one
        input).
    vjp_fn
        For any value shape: ``vjp_fn(cotangent, *inputs) -> (cotangent · J_0, ...)``, the
        vector-Jacobian product of each input (``cotangent`` has the value's shape; ``J_i`` is the
        Jacobian of the value with respect to input ``i``).
    value_and_grad_fn
        Optional, scalar values: ``(*inputs) -> (value, grads)`` in one call. When given, a
        log-density-and-gradient evaluation (each NUTS step) makes one call instead of two.
    n_inputs
        Number of inputs (default: any; checked when the op is applied).
    input_shapes
        Static shape of each input, e.g. ``[(), (), (3,)]`` (None for a length not fixed):
        checked when the op is applied and enforced at run time. Default: whatever the inputs
        have.
    output_shape
        Shape of the value: ``()`` (default) for a scalar, e.g. ``(50,)`` or ``(None,)`` for a
        vector whose length is only known at run time.
    name
        Name in messages and graph printouts (default: ``logp_fn.__name__``).
    nan_to_neginf
        Turn NaN in the value into ``-inf`` (default True). A log-density that is NaN is
        undefined at that point, which samplers must treat as zero density: every sampler then
        rejects the point (NUTS records a divergence), and the start-point search retries
        instead of stopping on a NaN. ``+inf``/``-inf`` pass unchanged. Set False when the value
        is not a log-density.

    Returns
    -------
    BlackBoxOp
        Call it on tensors: ``op(m, b)``.

    Raises
    ------
    ShapeError
        When ``input_shapes``/``n_inputs`` disagree, or a gradient for scalars is given with a
        non-scalar ``output_shape``.

    Notes
    -----
    - Errors: when the function raises, the error is re-raised as a ``ModelError`` naming the op
      and the input shapes (the original is chained). A value of the wrong shape or dtype, a
      gradient of the wrong shape, or a non-finite gradient raise ``ShapeError``/``ModelError``
      naming the op. Inside NUTS a failing evaluation during a trajectory counts as a divergence.
    - Without ``grad_fn``/``vjp_fn``, ``pytensor.grad`` through the op raises
      :class:`~ppl.blackbox.op.NoGradientError` saying how to add one; ``ppl.sample`` (which
      assigns NUTS to continuous variables) raises it too, unless a gradient-free step is given
      (``step=ppl.Slice()`` or ``ppl.Metropolis()``).
    - Backends: the default Numba mode calls the function through Numba's object mode, the C
      mode (``mode="C"``) through its virtual machine. Measured on a busy 2-core machine
      (``benchmarks/bench_blackbox.py``), a value-and-gradient evaluation through the op cost
      20-65 µs more than calling the functions directly (C a little less than Numba); graphs
      with black-box ops are not stored in Numba's on-disk cache.
    - Parallel chains: the op, with its functions, is pickled for ``mp_ctx="spawn"`` /
      ``"forkserver"`` and executors. Closures and functions of ``__main__`` or of modules that
      cannot be imported by name are sent by value; if a function cannot be pickled at all, the
      error names it.

    Examples
    --------
    A straight-line fit whose Gaussian log-likelihood and gradient are written in NumPy:

    >>> import numpy as np, ppl
    >>> x = np.linspace(0, 1, 20)
    >>> y = 1.0 + 2.0 * x + np.random.default_rng(0).normal(0, 0.1, 20)
    >>> def loglike(m, c):
    ...     r = y - m * x - c
    ...     return -0.5 * np.sum(r**2) / 0.01
    >>> def grad(m, c):
    ...     r = y - m * x - c
    ...     return np.sum(r * x) / 0.01, np.sum(r) / 0.01
    >>> op = ppl.blackbox(loglike, grad)
    >>> with ppl.Model() as model:
    ...     m = ppl.Normal("m", 0, 10)
    ...     c = ppl.Normal("c", 0, 10)
    ...     ll = ppl.Potential("loglike", op(m, c))
    >>> logp, dlogp = model.logp_dlogp_function()(np.array([2.0, 1.0]))
    """
    spec = BlackBoxFunctions(
        logp_fn,
        grad_fn=grad_fn,
        vjp_fn=vjp_fn,
        value_and_grad_fn=value_and_grad_fn,
        name=name,
        n_inputs=n_inputs,
        input_shapes=input_shapes,
        output_shape=output_shape,
        nan_to_neginf=nan_to_neginf,
    )
    return BlackBoxOp(spec)
