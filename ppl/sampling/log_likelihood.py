"""``ppl.compute_log_likelihood``: pointwise log-likelihood of the observed data per posterior draw.

The log-density of each observed variable, elementwise, is written as a graph of the *constrained*
values of the free variables (what the posterior group stores), vectorised over draws and
compiled once per model (cached, so it is reused after ``ppl.set_data``). It is evaluated on
chunks of draws, which bounds the memory of large posteriors.
"""

from collections.abc import Sequence

import numpy as np
import pytensor.tensor as pt
from pytensor.graph.replace import vectorize_graph

from ppl.compiled.graph_cache import compile_function
from ppl.compiled.modes import resolve_mode
from ppl.exceptions import ModelError
from ppl.logprob.joint import logp_terms
from ppl.model.compile_cache import cached, mode_key
from ppl.model.context import modelcontext
from ppl.sampling.to_arviz import extend_inference_data, log_likelihood_to_inference_data

__all__ = ["compute_log_likelihood"]

CHUNK_DRAWS = 1000


def compute_log_likelihood(
    idata,
    *,
    var_names: Sequence[str] | None = None,
    extend_inferencedata: bool = True,
    model=None,
    sample_dims: Sequence[str] = ("chain", "draw"),
    progressbar: bool = True,
    mode=None,
):
    """Pointwise log-likelihood of the observed variables at every posterior draw.

    Parameters
    ----------
    idata
        An InferenceData with a ``posterior`` group (as returned by ``ppl.sample``).
    var_names
        Observed variables to compute it for (default: all of them).
    extend_inferencedata
        Add the ``log_likelihood`` group to ``idata`` (replacing an existing one) and return
        ``idata``; otherwise return the group as an ``xarray.Dataset``.
    model
        The model (default: the one on the context stack).
    sample_dims
        The sample dimensions of the posterior (PyMC's default, ``("chain", "draw")``).
    progressbar
        Accepted for PyMC compatibility; the draws are evaluated in a few vectorised calls.
    mode
        PyTensor compile mode (default PyTensor's).

    Returns
    -------
    arviz.InferenceData or xarray.Dataset
        One variable per observed variable, with dims ``(*sample_dims, *its dims)``, ready for
        ``arviz.loo``, ``arviz.waic`` and ``arviz.compare``.

    Raises
    ------
    ModelError
        If a name is not an observed variable, or a free variable is missing from the posterior.

    Examples
    --------
    >>> import numpy as np, ppl
    >>> with ppl.Model() as m:
    ...     mu = ppl.Normal("mu", 0, 1)
    ...     y = ppl.Normal("y", mu, 1, observed=[0.1, -0.3, 0.5])
    ...     idata = ppl.sample_prior_predictive(draws=10, random_seed=1)
    >>> idata.add_groups(posterior=idata.prior)
    >>> ppl.compute_log_likelihood(idata, model=m).log_likelihood["y"].shape
    (1, 10, 3)
    """
    model = modelcontext(model)
    posterior = idata.posterior
    observed = _observed_variables(model, var_names)
    free = model.free_RVs
    absent = [rv.name for rv in free if rv.name not in posterior]
    if absent:
        raise ModelError(
            f"compute_log_likelihood: the posterior has no draws of the free variables {absent}."
        )
    dims = list(sample_dims)
    if dims != ["chain", "draw"]:
        raise NotImplementedError(
            f"compute_log_likelihood: sample_dims={tuple(dims)}; only ('chain', 'draw') is "
            "supported."
        )
    sizes = [int(posterior.sizes[d]) for d in dims]
    n = int(np.prod(sizes))
    draws = [
        np.ascontiguousarray(
            posterior[rv.name].transpose(*dims, ...).values.reshape(n, *posterior[rv.name].shape[len(dims):]),
            dtype=rv.dtype,
        )
        for rv in free
    ]
    fn = cached(
        model,
        ("log_likelihood_constrained", tuple(rv.name for rv in observed), mode_key(mode)),
        lambda: _compile(model, observed, mode),
    )
    chunks = [fn(*(d[i : i + CHUNK_DRAWS] for d in draws)) for i in range(0, n, CHUNK_DRAWS)]
    values = {
        rv.name: np.concatenate([c[j] for c in chunks]).reshape(*sizes, *chunks[0][j].shape[1:])
        for j, rv in enumerate(observed)
    }
    group = log_likelihood_to_inference_data(model, values)
    if extend_inferencedata:
        return extend_inference_data(idata, group)
    return group.log_likelihood


def _observed_variables(model, var_names) -> list:
    if var_names is None:
        return model.observed_RVs
    names = [var_names] if isinstance(var_names, str) else list(var_names)
    known = {rv.name: rv for rv in model.observed_RVs}
    unknown = [n for n in names if n not in known]
    if unknown:
        raise ModelError(
            f"compute_log_likelihood: {unknown} are not observed variables; the model's are "
            f"{list(known)}."
        )
    return [known[n] for n in names]


def _compile(model, observed: list, mode):
    """``constrained free values (batched over draws) -> elementwise logp of each observed``."""
    free = model.free_RVs
    constrained = {rv: rv.type(name=rv.name) for rv in free}
    values = {**model.rvs_to_values, **constrained}
    order = model._reg.topological(free + model.observed_RVs)
    terms, _ = logp_terms(observed, values, {}, order=order)
    batched = {v: pt.tensor(dtype=v.dtype, shape=(None, *v.type.shape), name=v.name) for v in constrained.values()}
    graphs = vectorize_graph(terms, batched)
    if batched:
        # A term that depends on no free variable is the same for every draw: repeat it.
        n = next(iter(batched.values())).shape[0]
        graphs = [
            g if g.type.ndim > t.type.ndim else pt.broadcast_to(g[None], (n, *g.shape))
            for g, t in zip(graphs, terms, strict=True)
        ]
    return compile_function(
        list(batched.values()), graphs, resolve_mode(mode), on_unused_input="ignore"
    )
