"""Circular transform: angles in [-pi, pi] <-> the real line, wrapped modulo 2 pi."""

import pytensor.tensor as pt

from ppl.transforms.transform import Transform

__all__ = ["CircularTransform", "circular"]


def _wrap(value):
    """The angle equivalent to ``value`` in ``[-pi, pi]`` (``arctan2(sin, cos)``)."""
    return pt.arctan2(pt.sin(value), pt.cos(value))


class CircularTransform(Transform):
    r"""Angles on the circle, sampled on the real line.

    ``backward`` wraps any real ``y`` to the equivalent angle in :math:`[-\pi, \pi]`, so the
    sampler moves freely on the line while the variable stays in its support; ``forward`` maps
    an angle to itself (wrapped). The map is 1 to 1 on :math:`(-\pi, \pi)` and a local isometry
    everywhere else, so the log-Jacobian is 0. The density seen by the sampler is periodic: it
    integrates to one over each period, which is what a density on the circle means.

    Examples
    --------
    >>> import ppl
    >>> with ppl.Model() as m:
    ...     theta = ppl.VonMises("theta", mu=0.5, kappa=2.0)
    >>> [v.name for v in m.value_vars]
    ['theta_circular__']
    """

    name = "circular"

    def forward(self, value, *inputs):
        return _wrap(value)

    def backward(self, value, *inputs):
        return _wrap(value)

    def log_jac_det(self, value, *inputs):
        return pt.zeros_like(pt.as_tensor_variable(value))


circular = CircularTransform()
