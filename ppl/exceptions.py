"""The one exception hierarchy of ppl.

Every error raised on purpose by ppl is a :class:`PPLError` and also the builtin it naturally is,
so ``except ValueError`` keeps working for users who do not know our classes.
"""

__all__ = [
    "PPLError",
    "ModelError",
    "ShapeError",
    "ParameterValueError",
    "SamplingError",
    "IntegrationError",
    "TransformError",
]


class PPLError(Exception):
    """Base class of every error ppl raises on purpose."""


class ModelError(PPLError, ValueError):
    """The model is ill-formed: duplicate names, no model on the stack, unknown dims, bad data."""


class ShapeError(PPLError, ValueError):
    """Shapes, sizes or dims disagree."""


class ParameterValueError(PPLError, ValueError):
    """A distribution parameter is outside its allowed range."""


class SamplingError(PPLError, RuntimeError):
    """Sampling could not start or could not go on (e.g. a non-finite initial log-density)."""


class IntegrationError(PPLError, RuntimeError):
    """A numerical integrator step failed; samplers record it as a divergence."""


class TransformError(PPLError, ValueError):
    """A transform was given a value it cannot map, or is incompatible with its variable."""
