"""``ppl.Minibatch``: random batches of rows of data, a new one at every ADVI step (PyMC 5's)."""

import numpy as np
import pytensor.tensor as pt

from ppl.logprob.minibatch import make_rows

__all__ = ["Minibatch"]


def Minibatch(variable, *variables, batch_size: int, random_seed=None):
    """Random rows of ``variable`` (and the same rows of ``variables``), ``batch_size`` of them.

    An ADVI fit (``ppl.fit``) draws a new batch (with replacement) at every step; other compiled
    functions see the current batch. Give the observed variables
    ``total_size=`` (the full number of rows) so that the log-likelihood is scaled to the whole
    data set. MCMC needs a fixed log-density: ``ppl.sample`` refuses models with minibatches.

    Parameters
    ----------
    variable, variables
        Arrays or tensors (e.g. ``ppl.Data``) with the same number of rows (first axis).
    batch_size
        Rows per batch.
    random_seed
        Seed of the batches' random number generator.

    Returns
    -------
    TensorVariable or tuple of TensorVariable
        One batch per input, each of ``batch_size`` rows.

    Raises
    ------
    ValueError
        If ``batch_size`` is not a positive integer, an input has no axis, or the inputs' known
        numbers of rows differ.

    Examples
    --------
    >>> import numpy as np, pytensor
    >>> x_batch, y_batch = Minibatch(np.arange(10.0), np.arange(10.0) * 2, batch_size=4)
    >>> x, y = pytensor.function([], [x_batch, y_batch])()
    >>> x.shape, bool(np.all(y == 2 * x))
    ((4,), True)
    """
    if isinstance(batch_size, bool) or not isinstance(batch_size, int | np.integer) or batch_size < 1:
        raise ValueError(f"Minibatch: batch_size is {batch_size!r}, expected a positive integer.")
    tensors = [pt.as_tensor_variable(v) for v in (variable, *variables)]
    for i, t in enumerate(tensors):
        if t.type.ndim == 0:
            raise ValueError(f"Minibatch: input {i} is a scalar; batches are rows of the first axis.")
    lengths = {t.type.shape[0] for t in tensors} - {None}
    if len(lengths) > 1:
        raise ValueError(f"Minibatch: the inputs have different numbers of rows {sorted(lengths)}.")
    rows = make_rows(tensors[0].shape[0], batch_size, random_seed)
    batches = tuple(t[rows] for t in tensors)
    return batches[0] if len(batches) == 1 else batches
