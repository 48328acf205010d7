"""The Numba NUTS on a ppl model agrees with the Python NUTS of ``ppl.sample``."""

import numpy as np
import pytest

import ppl
from ppl.compiled.numba_fn import numba_logp_dlogp
from ppl.step_methods.numba_nuts import sample_nuts_numba
from tests.step_methods.mcse import mcse_mean

EIGHT_Y = np.array([28.0, 8.0, -3.0, 7.0, -1.0, 1.0, 18.0, 12.0])
EIGHT_SIGMA = np.array([15.0, 10.0, 16.0, 11.0, 9.0, 11.0, 10.0, 18.0])


def eight_schools_noncentered():
    with ppl.Model() as model:
        mu = ppl.Normal("mu", 0.0, 5.0)
        tau = ppl.HalfCauchy("tau", 5.0)
        theta_tilde = ppl.Normal("theta_tilde", 0.0, 1.0, shape=8)
        ppl.Deterministic("theta", mu + tau * theta_tilde)
        ppl.Normal("y", mu + tau * theta_tilde, EIGHT_SIGMA, observed=EIGHT_Y)
    return model


@pytest.mark.slow
def test_eight_schools_matches_python_nuts():
    model = eight_schools_noncentered()
    vgf = model.logp_dlogp_function()
    logp_dlogp = numba_logp_dlogp(vgf)
    x0 = np.zeros(vgf.size)
    res = sample_nuts_numba(logp_dlogp, x0, draws=2000, tune=1000, rng=np.random.default_rng(3))
    offsets = np.cumsum([0] + [info[2] for info in vgf.point_map_info])
    columns = {info[0]: slice(offsets[i], offsets[i + 1]) for i, info in enumerate(vgf.point_map_info)}
    numba_draws = {
        "mu": res.draws[:, columns["mu"]][:, 0],
        "tau": np.exp(res.draws[:, columns["tau_log__"]][:, 0]),
        "theta_tilde": res.draws[:, columns["theta_tilde"]][:, 0],
    }
    idata = ppl.sample(
        1000, tune=1000, chains=1, cores=1, random_seed=4, progressbar=False, model=model,
        compute_convergence_checks=False,
    )
    python_draws = {
        "mu": idata.posterior["mu"].values.ravel(),
        "tau": idata.posterior["tau"].values.ravel(),
        "theta_tilde": idata.posterior["theta_tilde"].values[..., 0].ravel(),
    }
    for name, a in numba_draws.items():
        b = python_draws[name]
        tolerance = 5.0 * np.hypot(mcse_mean(a), mcse_mean(b))
        assert abs(a.mean() - b.mean()) < tolerance, (name, a.mean(), b.mean(), tolerance)
    assert res.stats["diverging"].mean() < 0.02
