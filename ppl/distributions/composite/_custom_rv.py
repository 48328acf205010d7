"""The random-variable op of a ``CustomDist`` given by functions (``logp=``, ``random=``).

Each ``CustomDist`` gets its own op type (so its ``logp`` can be registered on it), made by
:func:`custom_rv_type`. Forward draws call the user's ``random(*dist_params, rng=, size=)``:
the Python backend calls it once with the full ``size``; under Numba the kernel calls it once
per element (``size=None``) in object mode, as a plain Python function cannot be compiled.
"""

from collections.abc import Callable
from typing import ClassVar

import numpy as np
from pytensor.tensor.random.op import RandomVariable

__all__ = ["CustomDistRV", "custom_rv_type"]


def _no_random_message(class_name: str, name: str | None) -> str:
    what = f"{class_name} {name!r}" if name else class_name
    return (
        f"{what}: cannot draw forward samples, as no random function was given. Hint: pass "
        f"random=fn with fn(*dist_params, rng=None, size=None) returning an array, or build the "
        "distribution from other distributions with dist=fn."
    )


class CustomDistRV(RandomVariable):
    """Base of the op types of ``CustomDist``: draws with the user's ``random`` function."""

    #: The user's ``random(*dist_params, rng=, size=)`` (None: no forward draws).
    random_fn: ClassVar[Callable | None] = None
    #: The user-facing distribution name (``class_name`` of ``CustomDist``).
    class_name: ClassVar[str] = "CustomDist"

    def rng_fn(self, rng, *args):
        *params, size = args
        if self.random_fn is None:
            raise NotImplementedError(_no_random_message(self.class_name, None))
        return self.random_fn(*params, rng=rng, size=size)

    def perform(self, node, inputs, outputs):
        if self.random_fn is None:
            raise NotImplementedError(_no_random_message(self.class_name, node.outputs[1].name))
        super().perform(node, inputs, outputs)

    def check_drawable(self, node) -> None:
        """Raise before compiling a forward graph if there is no random function."""
        if self.random_fn is None:
            raise NotImplementedError(_no_random_message(self.class_name, node.outputs[1].name))

    def _supp_shape_from_params(self, dist_params, param_shapes=None):
        try:
            return super()._supp_shape_from_params(dist_params, param_shapes=param_shapes)
        except NotImplementedError:
            pass
        # Default: the support shape of the first parameter with (at least) ndim_supp core axes
        for i, (param, core_ndim) in enumerate(zip(dist_params, self.ndims_params, strict=True)):
            if core_ndim >= self.ndim_supp:
                shape = param_shapes[i] if param_shapes is not None else param.shape
                return tuple(shape[param.type.ndim - self.ndim_supp :])
        raise NotImplementedError(
            f"{self.class_name}: cannot infer the support shape of this {self.ndim_supp}-d "
            "distribution from its parameters. Hint: pass signature=, e.g. '(n),(n,n)->(n)'."
        )


def custom_rv_type(class_name: str, random: Callable | None) -> type[CustomDistRV]:
    """A new op type for one ``CustomDist``."""
    return type(
        f"{class_name}RV",
        (CustomDistRV,),
        {
            "name": class_name,
            "random_fn": staticmethod(random) if random is not None else None,
            "class_name": class_name,
        },
    )


def _register_numba_kernel():
    try:
        import numba
        from pytensor.link.numba.dispatch import basic as numba_basic
        from pytensor.link.numba.dispatch.random import numba_core_rv_funcify
    except ImportError:  # no Numba: the Python rng_fn is used
        return

    @numba_core_rv_funcify.register(CustomDistRV)
    def _custom_kernel(op, node):
        random = op.random_fn
        if random is None:  # raise when drawing (raising here would make PyTensor fall back)
            message = _no_random_message(op.class_name, node.outputs[1].name)

            def random(*params, rng=None, size=None):
                raise NotImplementedError(message)

        dtype = np.dtype(node.outputs[1].type.dtype)
        ndim = op.ndim_supp
        if ndim:
            out_type = numba.types.Array(numba.from_dtype(dtype), ndim, "C")

            def call(rng, params):
                return np.ascontiguousarray(random(*params, rng=rng, size=None), dtype=dtype)

        else:
            out_type = numba.from_dtype(dtype)

            def call(rng, params):
                return np.asarray(random(*params, rng=rng, size=None), dtype=dtype).item()

        @numba_basic.numba_njit
        def kernel(rng, *params):
            with numba.objmode(out=out_type):
                out = call(rng, params)
            return out

        return kernel, None  # a Python function inside: never cached on disk


_register_numba_kernel()
