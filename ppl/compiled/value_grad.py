"""ValueGradFunction: one compiled function from a flat vector to (logp, dlogp)."""

from collections.abc import Sequence

import numpy as np
import pytensor
import pytensor.tensor as pt
from pytensor.graph.basic import Variable
from pytensor.graph.replace import clone_replace

from ppl.compiled.bijection import DictToArrayBijection, RaveledVars
from ppl.compiled.graph_cache import compile_function
from ppl.compiled.modes import resolve_mode
from ppl.logprob.joint import fit_type

__all__ = ["ValueGradFunction"]


class ValueGradFunction:
    """Log-density and its gradient over the flat vector of ``grad_vars``.

    The value variables in ``grad_vars`` are replaced by slices of ONE float64 input vector (a
    single ``clone_replace``); all other value variables become shared variables, set with
    :meth:`set_extra_values`, so the function is the conditional log-density given them.

    Parameters
    ----------
    costs
        Log-density terms (summed after reducing each to a scalar).
    grad_vars
        Value variables to differentiate with respect to (continuous).
    extra_vars_and_values
        The other value variables, with their current values.
    initial_point
        A point giving the shapes and dtypes of ``grad_vars``.
    compute_grads
        If False, compile the log-density only (for gradient-free samplers).
    ravel_inputs
        If True the function takes one flat vector; if False, one array per grad var.
    mode
        PyTensor compile mode (None: PyTensor's default, Numba in PyTensor 3; or "C", "NUMBA").

    Examples
    --------
    >>> import ppl
    >>> with ppl.Model() as m:
    ...     z = ppl.Normal("z", 0, 5)
    >>> f = m.logp_dlogp_function()
    >>> logp, dlogp = f([2.5])
    """

    def __init__(
        self,
        costs: Sequence[Variable],
        grad_vars: Sequence[Variable],
        extra_vars_and_values: dict[Variable, np.ndarray] | None = None,
        *,
        initial_point: dict[str, np.ndarray],
        compute_grads: bool = True,
        ravel_inputs: bool = True,
        mode=None,
    ):
        self.grad_vars = list(grad_vars)
        extra_vars_and_values = extra_vars_and_values or {}
        self.ravel_inputs = ravel_inputs
        self.compute_grads = compute_grads
        cost = pt.sum([pt.sum(c) for c in costs]) if costs else pt.constant(0.0)
        cost = pt.cast(cost, "float64")

        self._extra_vars_shared = {}
        replace: dict[Variable, Variable] = {}
        for var, value in extra_vars_and_values.items():
            shared = pytensor.shared(np.asarray(value, dtype=var.dtype), name=var.name)
            self._extra_vars_shared[var.name] = shared
            replace[var] = fit_type(shared, var)

        point = {v.name: np.asarray(initial_point[v.name]) for v in self.grad_vars}
        self.point_map_info = DictToArrayBijection.map(point).point_map_info
        self.size = int(sum(info[2] for info in self.point_map_info))

        outputs = [cost]
        if compute_grads:
            grads = pytensor.grad(cost, self.grad_vars) if self.grad_vars else []
            flat_grad = (
                pt.concatenate([pt.cast(g, "float64").ravel() for g in grads])
                if grads
                else pt.zeros(0)
            )
            outputs.append(flat_grad)

        if ravel_inputs:
            flat = pt.dvector("__flat_point")
            offset = 0
            for var, (_, shape, size, _dtype) in zip(self.grad_vars, self.point_map_info, strict=True):
                piece = flat[offset : offset + size].reshape(shape)
                replace[var] = fit_type(piece, var)
                offset += size
            inputs = [flat]
        else:
            inputs = list(self.grad_vars)

        outputs = clone_replace(outputs, replace=replace) if replace else outputs
        self._pytensor_function = compile_function(
            inputs, outputs, resolve_mode(mode), on_unused_input="ignore"
        )
        self._pytensor_function.trust_input = True

    def set_extra_values(self, extra_vars: dict[str, np.ndarray]) -> None:
        """Set the values of the conditioned (non-gradient) variables by name."""
        for name, shared in self._extra_vars_shared.items():
            if name in extra_vars:
                # Copied: with borrow the shared variable aliased the caller's array, so a
                # sampler updating that array in place silently changed the conditioned values.
                value = np.array(extra_vars[name], dtype=shared.dtype)
                expected = shared.get_value(borrow=True).shape
                if value.shape != expected:
                    raise ValueError(
                        f"ValueGradFunction.set_extra_values: {name!r} has shape {value.shape}, "
                        f"expected {expected}."
                    )
                shared.set_value(value, borrow=True)

    def get_extra_values(self) -> dict[str, np.ndarray]:
        """Current values of the conditioned variables."""
        return {name: s.get_value() for name, s in self._extra_vars_shared.items()}

    def __call__(self, grad_vars, grad_out=None):
        """Evaluate at a flat vector (or RaveledVars, or one array per var if not raveled).

        Returns ``(logp, dlogp)`` as (float ndarray, flat float64 ndarray), or just ``logp``
        when compiled with ``compute_grads=False``.
        """
        if self.ravel_inputs:
            if isinstance(grad_vars, RaveledVars):
                grad_vars = grad_vars.data
            x = np.ascontiguousarray(grad_vars, dtype="float64")
            if x.shape != (self.size,):
                raise ValueError(
                    f"ValueGradFunction: expected a flat vector of length {self.size}, "
                    f"got shape {x.shape}."
                )
            out = self._pytensor_function(x)
        else:
            out = self._pytensor_function(*self._checked_arrays(grad_vars))
        if not self.compute_grads:
            return out[0]
        return out[0], out[1]

    def _checked_arrays(self, arrays) -> list[np.ndarray]:
        # The compiled function trusts its inputs: a wrong shape would give a silently wrong
        # value (or crash in Numba), so check them here.
        arrays = list(arrays)
        if len(arrays) != len(self.grad_vars):
            raise ValueError(
                f"ValueGradFunction: expected {len(self.grad_vars)} arrays "
                f"({[v.name for v in self.grad_vars]}), got {len(arrays)}."
            )
        out = []
        for value, (name, shape, _, _), var in zip(
            arrays, self.point_map_info, self.grad_vars, strict=True
        ):
            value = np.asarray(value, dtype=var.dtype)
            if value.shape != tuple(shape):
                raise ValueError(
                    f"ValueGradFunction: {name!r} has shape {value.shape}, expected {tuple(shape)}."
                )
            out.append(value)
        return out

    @property
    def raw_function(self):
        """The compiled PyTensor function (inputs: the flat vector), without Python checks."""
        return self._pytensor_function
