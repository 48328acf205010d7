"""Re-fitting one model to new data (ppl.set_data + ppl.sample) compiles the logp+grad once."""

import numpy as np
import pytensor
import pytest

import ppl
from ppl.compiled import value_grad

RNG = np.random.default_rng(20)


def regression(n: int = 60):
    x0 = RNG.normal(size=n)
    with ppl.Model() as m:
        x = ppl.Data("x", x0, dims="obs")
        y = ppl.Data("y", 1.0 + 2.0 * x0 + RNG.normal(size=n), dims="obs")
        a = ppl.Normal("a", 0, 5)
        b = ppl.Normal("b", 0, 5)
        s = ppl.HalfNormal("s", 2)
        ppl.Normal("y_obs", a + b * x, s, observed=y, shape=x.shape)
    return m


@pytest.fixture
def compile_counts(monkeypatch):
    """Count ValueGradFunction constructions and every pytensor.function call."""
    counts = {"value_grad": 0, "function": 0}
    vgf_init = value_grad.ValueGradFunction.__init__
    function = pytensor.function

    def counting_init(self, *args, **kwargs):
        counts["value_grad"] += 1
        vgf_init(self, *args, **kwargs)

    def counting_function(*args, **kwargs):
        counts["function"] += 1
        return function(*args, **kwargs)

    monkeypatch.setattr(value_grad.ValueGradFunction, "__init__", counting_init)
    monkeypatch.setattr(pytensor, "function", counting_function)
    return counts


def _sample(model, seed=1):
    with model:
        return ppl.sample(draws=40, tune=40, chains=2, cores=1, progressbar=False,
                          compute_convergence_checks=False, random_seed=seed)


def test_logp_dlogp_compiled_once_across_refits(compile_counts):
    m = regression()
    first = _sample(m)
    assert compile_counts["value_grad"] == 1
    compiles_first = compile_counts["function"]
    for n in (60, 5):  # same length, then a new length
        x_new = RNG.normal(size=n)
        ppl.set_data({"x": x_new, "y": -1.0 + 0.5 * x_new}, model=m)
        idata = _sample(m, seed=2)
        assert idata.observed_data["y_obs"].shape == (n,)
    assert compile_counts["value_grad"] == 1
    # nothing else per sample() is compiled again either
    assert compile_counts["function"] == compiles_first
    # the refit used the new data: the slope moved from about 2 to about 0.5
    assert float(first.posterior["b"].mean()) > 1.5
    assert float(idata.posterior["b"].mean()) < 1.5


def test_cached_function_gets_extra_values_from_initial_point():
    with ppl.Model() as m:
        k = ppl.Poisson("k", 3.0)
        z = ppl.Normal("z", k, 1)
    p1 = {"k": np.array(1), "z": np.array(0.0)}
    p2 = {"k": np.array(4), "z": np.array(0.0)}
    f1 = m.logp_dlogp_function([z], initial_point=p1)
    f2 = m.logp_dlogp_function([z], initial_point=p2)
    assert f1 is f2  # cached
    assert f2.get_extra_values()["k"] == 4
    _, grad = f2(np.array([0.0]))
    np.testing.assert_allclose(grad, [4.0])


def test_recompiles_when_free_variable_shape_changes(compile_counts):
    with ppl.Model() as m:
        g = ppl.Data("g", np.arange(3.0), dims="group")
        theta = ppl.Normal("theta", 0, 1, dims="group")
        ppl.Normal("y", theta + g, 1, observed=g)
    _sample(m)
    assert compile_counts["value_grad"] == 1
    ppl.set_data({"g": np.arange(4.0)}, model=m)
    assert m.initial_point()["theta"].shape == (4,)
    idata = _sample(m)
    assert compile_counts["value_grad"] == 2
    assert idata.posterior["theta"].shape == (2, 40, 4)
    ppl.set_data({"g": np.arange(3.0)}, model=m)  # back to a shape compiled before
    _sample(m)
    assert compile_counts["value_grad"] == 2


def test_new_variable_invalidates_cache(compile_counts):
    m = regression()
    _sample(m)
    with m:
        ppl.Normal("c", 0, 1)
    idata = _sample(m)
    assert compile_counts["value_grad"] == 2
    assert "c" in idata.posterior


def test_model_pickles_without_compiled_functions():
    import pickle

    m = regression()
    _sample(m)
    assert m._compiled_cache
    clone = pickle.loads(pickle.dumps(m))
    assert not clone._compiled_cache
