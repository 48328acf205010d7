"""Rejection sampling of a truncated distribution whose base has no inverse CDF.

``TruncatedRejectionRV(base_op)`` is an ordinary ``RandomVariable`` with parameters
``(lower, upper, *base_params)``: each element is redrawn from the base until it falls in
``[lower, upper]``, at most ``max_n_steps`` times. Being a plain random variable, it is batched
over draws and seeded like any other; under Numba its kernel calls the base distribution's own
Numba kernel in a loop.
"""

import hashlib
import inspect

import numpy as np
from pytensor.tensor.random.op import RandomVariable
from pytensor.tensor.random.type import random_generator_type
from pytensor.tensor.type import TensorType

from ppl.exceptions import SamplingError

__all__ = ["TruncatedRejectionRV"]


def _failure(base_name: str, max_n_steps: int) -> str:
    return (
        f"Truncated: rejection sampling of the truncated {base_name} distribution accepted no "
        f"draw in max_n_steps={max_n_steps} attempts: the truncation interval has a very small "
        "probability. Hint: increase max_n_steps."
    )


class TruncatedRejectionRV(RandomVariable):
    """Draws of ``base_op`` restricted to ``[lower, upper]`` by rejection.

    Parameters
    ----------
    base_op
        The (univariate) random variable op of the base distribution.
    max_n_steps
        Maximum number of draws per element before giving up.
    """

    __props__ = ("name", "signature", "dtype", "inplace", "base_op", "max_n_steps")

    def __init__(
        self, base_op, max_n_steps: int, *, name=None, signature=None, dtype=None, inplace=False
    ):
        self.base_op = base_op
        self.max_n_steps = int(max_n_steps)
        n_params = len(base_op.ndims_params)
        super().__init__(
            name=name or f"truncated_{base_op.name}",
            signature=signature or ",".join(["()"] * (2 + n_params)) + "->()",
            dtype=dtype or base_op.dtype,
            inplace=inplace,
        )

    def rng_fn(self, rng, lower, upper, *params_and_size):
        *params, size = params_and_size
        base = self.base_op
        shape = (
            size
            if size is not None
            else np.broadcast_shapes(
                np.shape(lower), np.shape(upper), *[np.shape(p) for p in params]
            )
        )
        lower = np.broadcast_to(lower, shape)
        upper = np.broadcast_to(upper, shape)
        out = np.asarray(base.rng_fn(rng, *params, shape)).copy()
        rejected = (out < lower) | (out > upper)
        for _ in range(self.max_n_steps - 1):
            if not rejected.any():
                break
            new = np.broadcast_to(base.rng_fn(rng, *params, shape), shape)
            out[rejected] = new[rejected]
            rejected = (out < lower) | (out > upper)
        if rejected.any():
            raise SamplingError(_failure(base.name, self.max_n_steps))
        return out


def _register_numba_kernel():
    """Numba kernel: the base distribution's own kernel, called until a draw is accepted."""
    try:
        from pytensor.link.numba.dispatch import basic as numba_basic
        from pytensor.link.numba.dispatch.random import numba_core_rv_funcify
    except ImportError:  # no Numba: the Python rng_fn is used
        return

    @numba_core_rv_funcify.register(TruncatedRejectionRV)
    def _truncated_rejection_kernel(op, node):
        base = op.base_op
        n_params = len(base.ndims_params)
        scalar_params = [TensorType(p.dtype, shape=())() for p in node.inputs[4 : 4 + n_params]]
        base_node = base.make_node(random_generator_type(), None, *scalar_params)
        result = numba_core_rv_funcify(base, base_node)
        base_kernel, base_key = result if isinstance(result, tuple) else (result, "__None__")
        max_n_steps = op.max_n_steps
        message = _failure(base.name, max_n_steps)

        @numba_basic.numba_njit
        def kernel(rng, lower, upper, *params):
            for _ in range(max_n_steps):
                x = base_kernel(rng, *params)
                if x >= lower and x <= upper:
                    return x
            raise SamplingError(message)

        if base_key is None:
            return kernel, None
        source = (
            f"{inspect.getsource(_register_numba_kernel)}|{base_key}|{base._props_dict()}|"
            f"{max_n_steps}|{[p.dtype for p in scalar_params]}"
        )
        return kernel, int(hashlib.sha256(source.encode()).hexdigest()[:15], 16)


_register_numba_kernel()
