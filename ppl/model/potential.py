"""Potential: an arbitrary term added to the model's log-density."""

import pytensor.tensor as pt

from ppl.model.context import modelcontext
from ppl.distributions.shape import convert_dims

__all__ = ["Potential"]


def Potential(name: str, var, model=None, dims=None):
    """Add ``var`` (summed) to the model's log-density under ``name``.

    Parameters
    ----------
    name
        Name of the term.
    var
        A PyTensor expression of model variables; its sum is added to the log-density.

    Returns
    -------
    TensorVariable
        A named copy of ``var``.

    Examples
    --------
    >>> import ppl
    >>> with ppl.Model() as m:
    ...     x = ppl.Normal("x", 0, 1)
    ...     ppl.Potential("x_positive", ppl.math.log_sigmoid(10 * x))  # doctest: +ELLIPSIS
    x_positive
    """
    model = modelcontext(model)
    var = pt.as_tensor_variable(var)
    if not var.dtype.startswith("float"):
        var = pt.cast(var, "float64")
    var = var.copy(model.name_for(name))
    model.add_named_variable(var, convert_dims(dims))
    model._reg.potentials.append(var)
    return var
