"""Stochastic optimisers as PyTensor updates: ``optimizer(loss_or_grads, params) -> updates``.

Called without ``loss_or_grads`` and ``params`` each returns a function of those two, with its
hyper-parameters fixed (``ppl.adam(learning_rate=0.01)``), as in PyMC. The optimiser state lives
in shared variables created with the updates, so one compiled step function advances both the
parameters and the state.
"""

import functools
from collections import OrderedDict

import numpy as np
import pytensor
import pytensor.tensor as pt

__all__ = ["sgd", "adam", "adagrad_window"]


def _grads_and_params(loss_or_grads, params):
    params = list(params)
    if isinstance(loss_or_grads, (list, tuple)):
        grads = list(loss_or_grads)
        if len(grads) != len(params):
            raise ValueError(f"Got {len(grads)} gradients for {len(params)} parameters.")
        return grads, params
    return pytensor.grad(loss_or_grads, params), params


def _state_like(param, name: str, fill: float = 0.0):
    value = param.get_value(borrow=True)
    return pytensor.shared(np.full_like(value, fill), name=f"{param.name}_{name}")


def _partial(optimizer, loss_or_grads, params, kwargs):
    if loss_or_grads is None and params is None:
        return functools.partial(optimizer, **kwargs)
    if loss_or_grads is None or params is None:
        raise ValueError(f"{optimizer.__name__}: give both loss_or_grads and params, or neither.")
    return None


def sgd(loss_or_grads=None, params=None, learning_rate: float = 1e-3):
    """Plain stochastic gradient descent: ``param -= learning_rate * grad``.

    Examples
    --------
    >>> import numpy as np, pytensor
    >>> w = pytensor.shared(np.array([1.0]), name="w")
    >>> updates = sgd((w ** 2).sum(), [w], learning_rate=0.1)
    >>> step = pytensor.function([], [], updates=updates)
    >>> _ = step()
    >>> w.get_value()
    array([0.8])
    """
    partial = _partial(sgd, loss_or_grads, params, {"learning_rate": learning_rate})
    if partial is not None:
        return partial
    grads, params = _grads_and_params(loss_or_grads, params)
    return OrderedDict((p, p - learning_rate * g) for p, g in zip(params, grads, strict=True))


def adam(
    loss_or_grads=None,
    params=None,
    learning_rate: float = 1e-3,
    beta1: float = 0.9,
    beta2: float = 0.999,
    epsilon: float = 1e-8,
):
    """Adam (Kingma & Ba 2015) with bias-corrected moment estimates.

    Examples
    --------
    >>> import ppl
    >>> optimizer = ppl.adam(learning_rate=0.05)  # hyper-parameters fixed, for ppl.fit
    """
    partial = _partial(
        adam, loss_or_grads, params,
        {"learning_rate": learning_rate, "beta1": beta1, "beta2": beta2, "epsilon": epsilon},
    )
    if partial is not None:
        return partial
    grads, params = _grads_and_params(loss_or_grads, params)
    t_prev = pytensor.shared(np.asarray(0.0), name="adam_t")
    t = t_prev + 1.0
    step = learning_rate * pt.sqrt(1 - beta2**t) / (1 - beta1**t)
    updates = OrderedDict()
    for p, g in zip(params, grads, strict=True):
        m_prev, v_prev = _state_like(p, "adam_m"), _state_like(p, "adam_v")
        m = beta1 * m_prev + (1 - beta1) * g
        v = beta2 * v_prev + (1 - beta2) * g**2
        updates[m_prev], updates[v_prev] = m, v
        updates[p] = p - step * m / (pt.sqrt(v) + epsilon)
    updates[t_prev] = t
    return updates


def adagrad_window(
    loss_or_grads=None,
    params=None,
    learning_rate: float = 1e-3,
    epsilon: float = 0.1,
    n_win: int = 10,
):
    """Adagrad over a moving window: each step is scaled by the root of the summed squared
    gradients of the last ``n_win`` iterations.

    Examples
    --------
    >>> import ppl
    >>> optimizer = ppl.adagrad_window(learning_rate=0.01, n_win=20)
    """
    partial = _partial(
        adagrad_window, loss_or_grads, params,
        {"learning_rate": learning_rate, "epsilon": epsilon, "n_win": n_win},
    )
    if partial is not None:
        return partial
    grads, params = _grads_and_params(loss_or_grads, params)
    i_prev = pytensor.shared(np.asarray(0, dtype="int64"), name="adagrad_window_i")
    slot = i_prev % n_win
    updates = OrderedDict()
    for p, g in zip(params, grads, strict=True):
        value = p.get_value(borrow=True)
        window = pytensor.shared(
            np.zeros((n_win, *value.shape), dtype=value.dtype), name=f"{p.name}_window"
        )
        window_new = pt.set_subtensor(window[slot], g**2)
        updates[window] = window_new
        updates[p] = p - learning_rate * g / pt.sqrt(window_new.sum(axis=0) + epsilon)
    updates[i_prev] = i_prev + 1
    return updates
