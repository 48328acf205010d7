"""The thread-local stack of active models (``with ppl.Model():``)."""

import threading

from ppl.exceptions import ModelError

__all__ = ["modelcontext", "push", "pop", "current"]

_local = threading.local()


def _stack() -> list:
    if not hasattr(_local, "stack"):
        _local.stack = []
    return _local.stack


def push(model) -> None:
    """Make ``model`` the innermost active model of this thread."""
    _stack().append(model)


def pop(model) -> None:
    """Leave ``model``'s context; it must be the innermost one."""
    stack = _stack()
    if not stack or stack[-1] is not model:
        raise ModelError("Model contexts were exited out of order.")
    stack.pop()


def current():
    """The innermost active model, or None."""
    stack = _stack()
    return stack[-1] if stack else None


def modelcontext(model=None):
    """Return ``model`` if given, else the innermost active model.

    Raises
    ------
    ModelError
        If no model is given and none is active.

    Examples
    --------
    >>> import ppl
    >>> with ppl.Model() as m:
    ...     assert ppl.modelcontext() is m
    """
    if model is not None:
        return model
    found = current()
    if found is None:
        raise ModelError(
            "No model on the context stack. Create variables inside `with ppl.Model():`, "
            "or pass `model=`."
        )
    return found
