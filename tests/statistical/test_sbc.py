"""Simulation-based calibration (Talts et al. 2018) of NUTS on two small models.

For each replication: draw parameters from the prior, simulate data, run NUTS on the posterior,
keep L = 99 thinned draws and record the rank of the true value among them (0..L). If the
sampler draws from the right posterior, every rank is equally likely, so the ranks of all
replications, binned, pass a chi-square uniformity test (alpha = 0.01 per parameter, fixed
seeds).

Cost: building and compiling a model takes about a second, and ``ppl.sample`` compiles an
initial-point and a conversion function on every call (ppl.Data does not exist yet). So each
model is built ONCE with its observed data in a PyTensor shared variable, which a replication
overwrites, and each replication runs one chain with ``run_chain`` -- the function ``ppl.sample``
itself runs per chain -- from a fresh NUTS (fresh step-size and mass-matrix adaptation) over the
log-density compiled once. Ranks are taken in the unconstrained space of the sampler (log sigma
for a HalfNormal), which leaves them unchanged because the transform is increasing.
"""

import numpy as np
import pytensor
import pytest
import scipy.stats as st

import ppl
from ppl.sampling.assign import VarLayout
from ppl.sampling.numba_chain import build_numba_logp, numba_nuts_options
from ppl.sampling.parallel import ChainSpec, run_chain

pytestmark = pytest.mark.slow

N_REPLICATIONS = 100
N_KEPT = 99  # ranks 0..99: 100 values, 10 bins of 10 ranks, 10 replications per bin expected
THIN = 2
TUNE = 150
N_BINS = 10
ALPHA = 0.01


def sbc_ranks(model, simulate, to_unconstrained, seed: int, kernel: str) -> dict[str, np.ndarray]:
    """Rank of every true (unconstrained) parameter among N_KEPT thinned NUTS draws.

    ``kernel="numba"`` runs each chain on the compiled kernel, whose log-density wrapper holds
    the data as constants: a new one is built for every replication's data.
    """
    rng = np.random.default_rng(seed)
    with model:
        names = [v.name for v in model.value_vars]
        point0 = model.initial_point()
        layout = VarLayout(point0, names)
        nuts = ppl.NUTS()
        nuts.build(point0)
        options = numba_nuts_options([nuts], model) if kernel == "numba" else None
        ranks = {n: np.empty(N_REPLICATIONS, dtype=int) for n in names}
        for r in range(N_REPLICATIONS):
            truth = to_unconstrained(simulate(rng))
            start = {n: point0[n] + rng.uniform(-1, 1, size=np.shape(point0[n])) for n in names}
            fn = build_numba_logp(nuts) if kernel == "numba" else None
            spec = ChainSpec([nuts], layout, start, rng, draws=N_KEPT * THIN, tune=TUNE,
                             numba_options=options, numba_fn=fn)
            result = run_chain(spec, chain=0)
            kept = result.draws[TUNE:][THIN - 1 :: THIN]
            assert kept.shape[0] == N_KEPT
            for n in names:
                column = kept[:, layout.slices[n]][:, 0]
                ranks[n][r] = int(np.sum(column < truth[n]))
    return ranks


def assert_uniform_ranks(ranks: dict[str, np.ndarray], label: str) -> None:
    for name, r in ranks.items():
        counts = np.bincount(r * N_BINS // (N_KEPT + 1), minlength=N_BINS)
        p_value = st.chisquare(counts).pvalue
        assert p_value > ALPHA, (
            f"{label} {name}: SBC rank histogram {counts.tolist()} is not uniform "
            f"(chi-square p = {p_value:.2g} < {ALPHA})"
        )


@pytest.mark.parametrize("kernel", ["python", "numba"])
def test_sbc_normal_unknown_mean_and_scale(kernel):
    n = 10
    y_data = pytensor.shared(np.zeros(n), name="y_data")
    with ppl.Model() as model:
        mu = ppl.Normal("mu", 0.0, 1.0)
        sigma = ppl.HalfNormal("sigma", 1.0)
        ppl.Normal("y", mu, sigma, observed=y_data)
    assert [v.name for v in model.value_vars] == ["mu", "sigma_log__"]

    def simulate(rng):
        mu, sigma = rng.normal(0, 1), abs(rng.normal(0, 1))
        y_data.set_value(rng.normal(mu, sigma, size=n))
        return {"mu": mu, "sigma": sigma}

    def to_unconstrained(truth):
        return {"mu": truth["mu"], "sigma_log__": np.log(truth["sigma"])}

    ranks = sbc_ranks(model, simulate, to_unconstrained, seed=11, kernel=kernel)
    assert_uniform_ranks(ranks, "normal")


@pytest.mark.parametrize("kernel", ["python", "numba"])
def test_sbc_logistic_regression(kernel):
    x = np.linspace(-2, 2, 10)
    y_data = pytensor.shared(np.zeros(x.size, dtype="int64"), name="y_data")
    with ppl.Model() as model:
        a = ppl.Normal("a", 0.0, 1.0)
        b = ppl.Normal("b", 0.0, 1.0)
        ppl.Bernoulli("y", logit_p=a + b * x, observed=y_data)
    assert [v.name for v in model.value_vars] == ["a", "b"]

    def simulate(rng):
        a, b = rng.normal(0, 1), rng.normal(0, 1)
        y_data.set_value(rng.binomial(1, 1 / (1 + np.exp(-(a + b * x)))).astype("int64"))
        return {"a": a, "b": b}

    ranks = sbc_ranks(model, simulate, lambda truth: truth, seed=12, kernel=kernel)
    assert_uniform_ranks(ranks, "logistic")
