"""Bring your own log-likelihood: Python, JAX and PyTorch functions as PyTensor ops.

- :func:`blackbox`: an op from a NumPy function, with an optional gradient or VJP;
- :func:`from_jax` / :func:`from_torch`: ops whose gradients come from JAX / torch.autograd
  (JAX and PyTorch are imported only when these are called);
- :func:`check_gradient`: a hand-written gradient against central finite differences.
"""

import sys
import types

from ppl.blackbox import backends as _backends  # noqa: F401 - registers Numba code and a rewrite
from ppl.blackbox.gradcheck import GradientCheck, check_gradient
from ppl.blackbox.jax_adapter import from_jax
from ppl.blackbox.numpy_adapter import blackbox
from ppl.blackbox.op import (
    BlackBoxGradOp,
    BlackBoxOp,
    NoGradientError,
    blackbox_ops,
    fork_unsafe_ops,
)
from ppl.blackbox.spec import BlackBoxFunctions
from ppl.blackbox.torch_adapter import from_torch


class _CallablePackage(types.ModuleType):
    """``ppl.blackbox`` names both this package and the function :func:`blackbox`.

    ``ppl/__init__.py`` binds the name to the function, but import tools may rebind it to the
    package: pytest's ``importlib`` import mode does, when it collects a module of this package
    before ``ppl`` is imported (``pytest ppl/blackbox``). Calling the package calls the function,
    so ``ppl.blackbox(...)`` works either way.
    """

    def __call__(self, *args, **kwargs):
        return blackbox(*args, **kwargs)


sys.modules[__name__].__class__ = _CallablePackage

__all__ = [
    "blackbox",
    "from_jax",
    "from_torch",
    "check_gradient",
    "GradientCheck",
    "BlackBoxOp",
    "BlackBoxGradOp",
    "BlackBoxFunctions",
    "NoGradientError",
    "blackbox_ops",
    "fork_unsafe_ops",
]
