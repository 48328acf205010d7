"""``init="advi+adapt_diag"`` (and ``"advi"``): start NUTS from a short mean-field ADVI fit.

Each chain starts at its own draw from the approximation, and the initial diagonal inverse
mass matrix is the approximation's variance of each unconstrained coordinate. With
``"advi+adapt_diag"`` warm-up adapts it further; with ``"advi"`` it is kept.
"""

import numpy as np

__all__ = ["ADVI_INITS", "advi_init"]

ADVI_INITS = {"advi+adapt_diag", "advi"}


def advi_init(model, chains: int, *, init: str, n_init: int, random_seed, progressbar: bool):
    """``(start points, NUTS options)`` from a mean-field ADVI fit of ``n_init`` iterations.

    The fit stops early once its parameters move less than 1% between checks.
    """
    from ppl.variational import CheckParametersConvergence, fit

    seed = np.random.SeedSequence(random_seed).spawn(1)[0]
    approx = fit(
        n=n_init,
        model=model,
        random_seed=np.random.default_rng(seed),
        progressbar=progressbar,
        callbacks=[CheckParametersConvergence(tolerance=1e-2, diff="absolute")],
    )
    rng = np.random.default_rng(seed.spawn(1)[0])
    flat = approx.draw_flat(chains, rng)
    points = approx._points(flat)
    starts = [{name: values[c] for name, values in points.items()} for c in range(chains)]
    variances = approx._points((approx.std_unconstrained**2)[None])
    options = {"inv_mass": {name: v[0] for name, v in variances.items()}}
    if init == "advi":
        options["adapt_mass_matrix"] = False
    return starts, options
