import numpy as np
import pytensor
import pytensor.tensor as pt
import pytest
import scipy.stats as st

import ppl
from ppl.exceptions import ParameterValueError, ShapeError
from ppl.forward.draw import draw
from ppl.logprob.dispatch import support_point
from ppl.testing import Simplex


def compiled_logp(k):
    a, value = pt.dvector("a"), pt.dmatrix("value")
    return pytensor.function([value, a], ppl.logp(ppl.Dirichlet.dist(a), value))


@pytest.mark.parametrize("k", [2, 3, 5])
def test_logp_matches_scipy_and_is_minus_inf_off_the_simplex(k):
    f = compiled_logp(k)
    rng = np.random.default_rng(k)
    domain = Simplex(k)
    for a in [np.ones(k), np.full(k, 0.5), rng.uniform(0.1, 5.0, size=k), np.arange(1.0, k + 1) * 3]:
        expected = [st.dirichlet(a).logpdf(x) for x in domain.array()]
        np.testing.assert_allclose(f(domain.array(), a), expected, rtol=1e-7, err_msg=str(a))
        outside = f(np.asarray(domain.outside), a)
        assert np.all(outside == -np.inf), (a, outside)


def test_logp_batched_parameters_broadcast():
    a = np.array([[1.0, 2.0, 3.0], [0.5, 0.5, 4.0]])
    rv = ppl.Dirichlet.dist(a, size=(4, 2))
    assert rv.type.shape == (4, 2, 3)
    x = draw(rv, random_seed=3)
    expected = [[st.dirichlet(a[j]).logpdf(x[i, j]) for j in range(2)] for i in range(4)]
    np.testing.assert_allclose(ppl.logp(rv, x).eval(), expected, rtol=1e-7)


def test_sum_tolerance_accepts_rounded_values_and_rejects_larger_errors():
    rv = ppl.Dirichlet.dist([2.0, 2.0, 2.0])
    on = np.array([0.2, 0.3, 0.5 + 5e-7])
    off = np.array([0.2, 0.3, 0.5 + 5e-6])
    assert np.isfinite(ppl.logp(rv, on).eval())
    assert ppl.logp(rv, off).eval() == -np.inf


def test_invalid_literal_a_names_parameter_and_value():
    with ppl.Model():
        with pytest.raises(ParameterValueError, match=r"Dirichlet 'p': parameter a is \[-1.\] .*expected a > 0"):
            ppl.Dirichlet("p", a=[1.0, -1.0, 2.0])
        with pytest.raises(ParameterValueError, match=r"parameter a is \[0.\]"):
            ppl.Dirichlet("q", a=[0.0, 1.0])


def test_invalid_symbolic_a_raises_at_evaluation():
    f = compiled_logp(3)
    with pytest.raises(ParameterValueError, match="a > 0"):
        f(np.array([[0.2, 0.3, 0.5]]), np.array([1.0, 0.0, 1.0]))


def test_scalar_a_is_a_shape_error():
    with pytest.raises(ShapeError, match="parameter a has 0 dimension"):
        ppl.Dirichlet.dist(1.0)


def test_shape_size_and_dims():
    a = np.array([1.0, 2.0, 3.0])
    assert ppl.Dirichlet.dist(a, size=(4,)).type.shape == (4, 3)
    assert ppl.Dirichlet.dist(a, shape=(2, 5, 3)).type.shape == (2, 5, 3)
    with ppl.Model(coords={"group": range(4), "category": ["a", "b", "c"]}) as m:
        p = ppl.Dirichlet("p", a=a, dims=("group", "category"))
    assert p.type.shape == (4, 3)
    assert m.initial_point()["p_simplex__"].shape == (4, 2)
    with pytest.raises(ShapeError, match=r"shape \(4, 2\) ends in support shape \(2,\)"):
        ppl.Dirichlet.dist(a, shape=(4, 2))


def test_support_point_is_normalised_a_broadcast():
    a = np.array([[1.0, 2.0, 5.0], [3.0, 3.0, 2.0]])
    got = support_point(ppl.Dirichlet.dist(a, size=(4, 2))).eval()
    np.testing.assert_allclose(got, np.broadcast_to(a / a.sum(-1, keepdims=True), (4, 2, 3)), rtol=1e-12)


def test_model_uses_simplex_transform_with_jacobian_and_correct_gradient():
    a = np.array([1.5, 2.0, 3.0, 0.8])
    with ppl.Model() as m:
        ppl.Dirichlet("p", a=a)
    assert [v.name for v in m.value_vars] == ["p_simplex__"]
    start = ppl.DictToArrayBijection.map(m.initial_point()).data
    assert start.shape == (3,)
    f = m.logp_dlogp_function()
    y = start + np.array([0.3, -0.7, 1.1])  # away from the mode, where the gradient is 0
    logp, grad = f(y)
    # Reference: the Dirichlet density at x = softmax([y, 0]) plus log|det J| = sum(log x).
    x = np.exp(np.append(y, 0.0) - np.logaddexp.reduce(np.append(y, 0.0)))
    np.testing.assert_allclose(logp, st.dirichlet(a).logpdf(x) + np.log(x).sum(), rtol=1e-7)
    eps = 1e-6
    numeric = [(f(y + eps * e)[0] - f(y - eps * e)[0]) / (2 * eps) for e in np.eye(3)]
    # Central differences have error O(eps^2) plus rounding O(1e-16 / eps) ~ 1e-10.
    np.testing.assert_allclose(grad, numeric, rtol=1e-6, atol=1e-8)


def test_draws_on_the_simplex_with_means_within_mcse():
    a = np.array([0.5, 2.0, 4.0])
    n_draws = 20000
    samples = draw(ppl.Dirichlet.dist(a, size=n_draws), random_seed=20261122)
    assert samples.shape == (n_draws, 3)
    assert np.all(samples >= 0)
    np.testing.assert_allclose(samples.sum(-1), 1.0, atol=1e-12)
    a0 = a.sum()
    mean = a / a0
    sd = np.sqrt(a * (a0 - a) / (a0**2 * (a0 + 1)))
    assert np.all(np.abs(samples.mean(0) - mean) < 4.5 * sd / np.sqrt(n_draws))  # 4.5 MCSE


def test_default_mode_compiles_logp_and_gradient():
    # The rest of this module runs in FAST_COMPILE (see conftest.py); this covers PyTensor's
    # default backend (Numba in PyTensor 3) once.
    with pytensor.config.change_flags(mode="NUMBA"):
        with ppl.Model() as m:
            ppl.Dirichlet("p", a=np.array([1.0, 2.0, 3.0]))
        logp, grad = m.logp_dlogp_function()(np.array([0.1, -0.2]))
    assert np.isfinite(logp) and np.all(np.isfinite(grad))
