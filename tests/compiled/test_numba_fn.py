"""Tests of the Numba-callable log-density built from a ValueGradFunction."""

import numba
import numpy as np
import pytest

import ppl
from ppl.compiled.modes import QUICK_MODE
from ppl.compiled.numba_fn import numba_logp_dlogp
from ppl.compiled.value_grad import ValueGradFunction


@pytest.fixture(scope="module")
def model():
    with ppl.Model() as m:
        data = ppl.Data("data", np.array([0.5, 1.5, -0.3, 2.0]))
        mu = ppl.Normal("mu", 0.0, 5.0)
        sigma = ppl.HalfNormal("sigma", 2.0)
        z = ppl.Normal("z", mu, sigma, shape=3)
        ppl.Normal("y", mu + z.sum(), sigma, observed=data)
    return m


@pytest.fixture(scope="module")
def functions(model):
    vgf = model.logp_dlogp_function()
    return vgf, numba_logp_dlogp(vgf)


def test_matches_value_grad_function(functions):
    vgf, f = functions
    rng = np.random.default_rng(0)
    for _ in range(3):
        x = rng.normal(size=vgf.size)
        grad = np.empty(vgf.size)
        logp = f(x, grad)
        expected_logp, expected_grad = vgf(x)
        np.testing.assert_allclose(logp, expected_logp, rtol=1e-12)
        np.testing.assert_allclose(grad, expected_grad, rtol=1e-12, atol=1e-12)


def test_callable_from_numba_as_first_class_function(functions):
    vgf, f = functions
    from ppl.step_methods.numba_nuts import LOGP_DLOGP_TYPE

    @numba.njit(numba.float64(LOGP_DLOGP_TYPE, numba.int64, numba.float64[:, ::1]))
    def total(fn, data, xs):
        grad = np.empty(xs.shape[1])
        s = 0.0
        for i in range(xs.shape[0]):
            s += fn(xs[i].copy(), grad, data)
        return s

    xs = np.random.default_rng(1).normal(size=(4, vgf.size))
    assert total(f.function, f.address, xs) == pytest.approx(sum(float(vgf(x)[0]) for x in xs), rel=1e-12)


def test_new_data_are_read_without_recompiling(model):
    vgf = model.logp_dlogp_function()
    x = np.zeros(vgf.size)
    f = numba_logp_dlogp(vgf)
    before = f(x, np.empty(vgf.size))
    n_signatures = len(f.function.signatures)
    for data in ([10.0, 10.0, 10.0, 10.0], [1.0, 2.0], [0.1] * 7):  # other values and lengths
        ppl.set_data({"data": np.array(data)}, model=model)
        try:
            assert f(x, np.empty(vgf.size)) == pytest.approx(float(vgf(x)[0]), rel=1e-12)
            assert f(x, np.empty(vgf.size)) != pytest.approx(before)
        finally:
            ppl.set_data({"data": np.array([0.5, 1.5, -0.3, 2.0])}, model=model)
    assert len(f.function.signatures) == n_signatures
    assert f(x, np.empty(vgf.size)) == pytest.approx(before, rel=1e-12)


def test_a_failing_graph_is_minus_infinity_not_an_exception():
    with ppl.Model() as m:
        s = ppl.Normal("s", 1.0, 1.0)
        ppl.Normal("y", 0.0, s, observed=[0.5])  # sigma = s <= 0 fails the parameter check
    vgf = m.logp_dlogp_function()
    f = numba_logp_dlogp(vgf)
    grad = np.empty(1)
    assert np.isfinite(f(np.array([1.0]), grad))
    assert f(np.array([-1.0]), grad) == -np.inf
    assert np.isnan(grad).all()


def test_rejects_non_numba_and_unraveled_functions(model):
    point = model.initial_point()
    value_vars = model.value_vars
    costs = [model.logp()]
    python_mode = ValueGradFunction(costs, value_vars, initial_point=point, mode=QUICK_MODE)
    with pytest.raises(TypeError, match="Numba linker"):
        numba_logp_dlogp(python_mode)
    unraveled = ValueGradFunction(costs, value_vars, initial_point=point, ravel_inputs=False)
    with pytest.raises(TypeError, match="ravel_inputs"):
        numba_logp_dlogp(unraveled)
    with pytest.raises(TypeError, match="ValueGradFunction"):
        numba_logp_dlogp(lambda x: x)


def test_uncacheable_graph_builds_without_a_warning():
    # A non-contiguous constant makes PyTensor's graph function (and so the wrapper) uncacheable;
    # Numba's "cannot cache" warning must not escape (pytest turns warnings into errors).
    rng = np.random.default_rng(0)
    X = rng.normal(size=(250, 2))
    y = (rng.uniform(size=250) < 0.5).astype(int)
    with ppl.Model() as m:
        beta = ppl.Normal("beta", 0, 2.5, shape=1)
        ppl.Bernoulli("y", logit_p=X[:, :1] @ beta, observed=y)
    vgf = m.logp_dlogp_function()
    f = numba_logp_dlogp(vgf)
    x = np.array([0.3])
    assert f(x, np.empty(1)) == pytest.approx(float(vgf(x)[0]), rel=1e-12)
