"""Deterministic: a named function of other variables, recorded in the posterior."""

import pytensor.tensor as pt

from ppl.model.context import modelcontext
from ppl.distributions.shape import convert_dims

__all__ = ["Deterministic"]


def Deterministic(name: str, var, model=None, dims=None):
    """Register ``var`` under ``name`` so that it is computed and stored with every draw.

    Parameters
    ----------
    name
        Name of the variable (prefixed inside nested models).
    var
        A PyTensor expression of model variables.
    dims
        Dim names for its coordinates in the InferenceData.

    Returns
    -------
    TensorVariable
        A named copy of ``var``.

    Examples
    --------
    >>> import ppl
    >>> with ppl.Model() as m:
    ...     x = ppl.Normal("x", 0, 1)
    ...     y = ppl.Deterministic("y", 2 * x)
    >>> [d.name for d in m.deterministics]
    ['y']
    """
    model = modelcontext(model)
    var = pt.as_tensor_variable(var).copy(model.name_for(name))
    model.add_named_variable(var, convert_dims(dims))
    model._reg.deterministics.append(var)
    return var
