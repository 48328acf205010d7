"""The Transform interface: a bijection from a variable's support to an unconstrained space.

``forward`` maps a constrained value to the unconstrained space the samplers move in,
``backward`` maps it back, and ``log_jac_det`` is ``log|det d backward(y) / dy|`` evaluated at the
unconstrained value ``y``. Each method also receives the inputs of the random variable's node
(``rng, size, *dist_params``) so bounds may depend on the parameters (e.g. ``Uniform(a, b)``).
"""

from abc import ABC, abstractmethod

__all__ = ["Transform"]


class Transform(ABC):
    """Abstract bijection; subclasses set ``name`` and ``ndim_supp``.

    Attributes
    ----------
    name
        Suffix of the value variable's name: ``sigma`` becomes ``sigma_log__``.
    ndim_supp
        Number of trailing axes that ``log_jac_det`` reduces (0 for elementwise transforms,
        1 for vector transforms such as simplex and ordered).
    """

    name: str = ""
    ndim_supp: int = 0

    @abstractmethod
    def forward(self, value, *inputs):
        """Map a constrained value to the unconstrained space."""

    @abstractmethod
    def backward(self, value, *inputs):
        """Map an unconstrained value back to the support."""

    @abstractmethod
    def log_jac_det(self, value, *inputs):
        """``log|det J|`` of ``backward`` at the unconstrained ``value``."""

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"
