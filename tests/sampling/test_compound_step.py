"""``ppl.CompoundStep`` of model-level step methods, as PyMC scripts write it."""

import numpy as np
import pytest

import ppl


def _model():
    with ppl.Model() as m:
        p = ppl.Beta("p", 2.0, 2.0)
        ppl.Binomial("k", 10, p)
        mu = ppl.Normal("mu", 0.0, 1.0)
        ppl.Normal("y", mu, 1.0, observed=np.array([0.1, 0.2]))
    return m


def _sample(m, step):
    with m:
        return ppl.sample(draws=30, tune=30, chains=1, step=step, random_seed=3,
                          progressbar=False, compute_convergence_checks=False)


@pytest.mark.parametrize("nested", [False, True])
def test_compound_step_of_model_steps_is_the_same_as_a_list(nested):
    m = _model()
    with m:
        steps = [ppl.NUTS([m["p"], m["mu"]]), ppl.Metropolis([m["k"]])]
        compound = ppl.CompoundStep([ppl.CompoundStep(steps[:1]), steps[1]] if nested else steps)
    if nested:
        assert compound.methods[0].methods == steps[:1] and compound.methods[1] is steps[1]
    else:
        assert compound.methods == steps  # PyMC's attribute
    as_list = _sample(m, steps)
    as_compound = _sample(m, compound)
    assert as_compound.posterior.attrs["step_method"] == "CompoundStep(NUTS, Metropolis)"
    for name in ("p", "k", "mu"):
        np.testing.assert_array_equal(as_compound.posterior[name], as_list.posterior[name])


def test_compound_step_leaves_the_rest_to_automatic_assignment():
    m = _model()
    with m:
        idata = _sample(m, ppl.CompoundStep([ppl.Metropolis([m["k"]])]))
    assert idata.posterior.attrs["step_method"] == "CompoundStep(Metropolis, NUTS)"


def test_a_model_level_compound_step_cannot_step_arrays():
    m = _model()
    with m:
        compound = ppl.CompoundStep([ppl.Metropolis([m["k"]])])
    with pytest.raises(TypeError, match=r"pass it to ppl.sample\(step=...\)"):
        compound.step(np.zeros(1), np.random.default_rng(0))
