"""ValueGradFunction, DictToArrayBijection and replace_rvs."""

import numpy as np
import pytensor
import pytensor.tensor as pt
from pytensor.graph.traversal import ancestors
import pytest
import scipy.stats as st

import ppl
from ppl.compiled import DictToArrayBijection, RaveledVars, ValueGradFunction
from ppl.logprob.joint import replace_rvs
from ppl.transforms import log

IDX = np.array([0, 1, 1, 2])
Y = np.array([0.5, 1.5, 0.9, -0.4])


def _fd_grad(f, x, eps=1e-6):
    out = np.zeros_like(x)
    for i in range(x.size):
        step = np.zeros_like(x)
        step[i] = eps
        out[i] = (f(x + step) - f(x - step)) / (2 * eps)
    return out


def reference_logp(mu, log_sigma, theta):
    sigma = np.exp(log_sigma)
    return (
        st.norm.logpdf(mu, 0, 3)
        + st.norm.logpdf(sigma, 1, 1)
        + log_sigma
        + st.norm.logpdf(theta, mu, sigma).sum()
        + st.norm.logpdf(Y, theta[IDX], 1.0).sum()
    )


@pytest.fixture(scope="module")
def model():
    with ppl.Model(coords={"g": ["a", "b", "c"]}) as m:
        mu = ppl.Normal("mu", 0, 3)
        sigma = ppl.Normal("sigma", 1, 1, transform=log)
        theta = ppl.Normal("theta", mu, sigma, dims="g")
        ppl.Normal("y", theta[IDX], 1.0, observed=Y)
    return m


@pytest.fixture(scope="module")
def full_fn(model):
    return model.logp_dlogp_function(mode="NUMBA")


def _split(x):
    return x[0], x[1], x[2:]


def test_one_flat_vector_input(model, full_fn):
    assert full_fn.size == 5
    assert [info[0] for info in full_fn.point_map_info] == ["mu", "sigma_log__", "theta"]
    assert len(full_fn.raw_function.maker.fgraph.inputs) == 1
    rng = np.random.default_rng(0)
    for _ in range(10):
        x = rng.normal(size=5) * 0.7
        logp, dlogp = full_fn(x)
        assert np.ndim(logp) == 0 and dlogp.shape == (5,) and dlogp.dtype == np.float64
        np.testing.assert_allclose(logp, reference_logp(*_split(x)), rtol=1e-12)
        fd = _fd_grad(lambda v: reference_logp(*_split(v)), x)
        np.testing.assert_allclose(dlogp, fd, rtol=1e-6, atol=1e-6)


def test_accepts_raveled_vars_and_matches_the_initial_point(model, full_fn):
    ip = model.initial_point()
    raveled = DictToArrayBijection.map(ip)
    logp, _ = full_fn(raveled)
    np.testing.assert_allclose(logp, reference_logp(0.0, 0.0, np.zeros(3)), rtol=1e-12)


def test_wrong_length_input_is_a_clear_error(full_fn):
    with pytest.raises(ValueError, match=r"flat vector of length 5, got shape \(4,\)"):
        full_fn(np.zeros(4))
    with pytest.raises(ValueError, match=r"length 5, got shape \(5, 1\)"):
        full_fn(np.zeros((5, 1)))


def test_conditional_logp_given_the_other_variables(model):
    f = model.logp_dlogp_function(grad_vars=[model["theta"]])
    assert f.size == 3
    assert set(f.get_extra_values()) == {"mu", "sigma_log__"}
    rng = np.random.default_rng(1)
    # extra values start at the initial point
    theta = rng.normal(size=3)
    np.testing.assert_allclose(f(theta)[0], reference_logp(0.0, 0.0, theta), rtol=1e-12)
    for _ in range(5):
        mu, ls, theta = rng.normal(), rng.normal(scale=0.5), rng.normal(size=3)
        f.set_extra_values({"mu": mu, "sigma_log__": ls})
        logp, dlogp = f(theta)
        np.testing.assert_allclose(logp, reference_logp(mu, ls, theta), rtol=1e-12)
        fd = _fd_grad(lambda t: reference_logp(mu, ls, t), theta)
        np.testing.assert_allclose(dlogp, fd, rtol=1e-6, atol=1e-6)
        got = f.get_extra_values()
        np.testing.assert_allclose(got["mu"], mu)
        np.testing.assert_allclose(got["sigma_log__"], ls)
    # a partial update keeps the other value
    f.set_extra_values({"mu": 0.25})
    np.testing.assert_allclose(f(theta)[0], reference_logp(0.25, ls, theta), rtol=1e-12)


def test_conditional_with_names_and_ravel_inputs_false(model):
    f = model.logp_dlogp_function(grad_vars=["mu", "theta"], ravel_inputs=False, mode="FAST_COMPILE")
    f.set_extra_values({"sigma_log__": 0.3})
    mu, theta = np.array(0.4), np.array([0.1, -0.2, 0.3])
    logp, dlogp = f([mu, theta])
    np.testing.assert_allclose(logp, reference_logp(0.4, 0.3, theta), rtol=1e-12)
    x = np.concatenate([[0.4], theta])
    fd = _fd_grad(lambda v: reference_logp(v[0], 0.3, v[1:]), x)
    np.testing.assert_allclose(dlogp, fd, rtol=1e-6, atol=1e-6)
    # the compiled function trusts its inputs, so shapes are checked before the call
    with pytest.raises(ValueError, match=r"'theta' has shape \(2,\), expected \(3,\)"):
        f([mu, theta[:2]])
    with pytest.raises(ValueError, match=r"expected 2 arrays \(\['mu', 'theta'\]\), got 1"):
        f([mu])


def test_set_extra_values_copies_and_checks_shapes(model):
    f = model.logp_dlogp_function(grad_vars=["theta"], mode="FAST_COMPILE")
    mu = np.array(0.5)
    f.set_extra_values({"mu": mu, "sigma_log__": np.array(0.0), "theta": np.ones(3)})
    theta = np.array([0.1, 0.2, 0.3])
    before = f(theta)[0]
    mu[...] = 7.0  # a sampler updating its own point array in place
    np.testing.assert_allclose(f(theta)[0], before)
    np.testing.assert_allclose(before, reference_logp(0.5, 0.0, theta), rtol=1e-12)
    with pytest.raises(ValueError, match=r"'mu' has shape \(2,\), expected \(\)"):
        f.set_extra_values({"mu": np.zeros(2)})


def test_compute_grads_false_returns_logp_only(model):
    f = model.logp_dlogp_function(compute_grads=False, mode="FAST_COMPILE")
    x = np.array([0.1, -0.2, 0.3, 0.0, 1.0])
    out = f(x)
    assert np.ndim(out) == 0
    np.testing.assert_allclose(out, reference_logp(*_split(x)), rtol=1e-12)


def test_initial_point_argument_sets_the_extra_values(model):
    point = {"mu": np.array(1.0), "sigma_log__": np.array(-0.2), "theta": np.zeros(3)}
    f = model.logp_dlogp_function(grad_vars=["theta"], initial_point=point, mode="FAST_COMPILE")
    theta = np.array([0.3, 0.2, 0.1])
    np.testing.assert_allclose(f(theta)[0], reference_logp(1.0, -0.2, theta), rtol=1e-12)


def test_jacobian_false(model):
    f = model.logp_dlogp_function(jacobian=False, mode="FAST_COMPILE")
    x = np.array([0.1, 0.7, 0.3, 0.0, 1.0])
    np.testing.assert_allclose(f(x)[0], reference_logp(*_split(x)) - 0.7, rtol=1e-12)


@pytest.mark.skipif(not pytensor.config.cxx, reason="no C++ compiler configured")
def test_numba_and_c_modes_agree(model, full_fn):
    c_fn = model.logp_dlogp_function(mode="C")
    rng = np.random.default_rng(2)
    for _ in range(5):
        x = rng.normal(size=5)
        lp_n, g_n = full_fn(x)
        lp_c, g_c = c_fn(x)
        np.testing.assert_allclose(lp_c, lp_n, rtol=1e-12)
        np.testing.assert_allclose(g_c, g_n, rtol=1e-10, atol=1e-12)


def test_value_grad_function_directly():
    """The class itself, on a hand-built graph: value vars replaced by slices of one vector."""
    a = pt.dscalar("a")
    b = pt.dvector("b")
    c = pt.dmatrix("c")
    cost = -(a**2) - pt.sum((b - a) ** 2) + pt.sum(c)
    point = {"a": np.array(0.0), "b": np.zeros(3)}
    f = ValueGradFunction(
        [cost], [a, b], {c: np.ones((2, 2))}, initial_point=point, mode="FAST_COMPILE"
    )
    x = np.array([0.5, 1.0, 2.0, 3.0])
    logp, grad = f(x)
    np.testing.assert_allclose(logp, -0.25 - (0.25 + 2.25 + 6.25) + 4.0)
    np.testing.assert_allclose(grad, [-1.0 + 2 * (0.5 + 1.5 + 2.5), -1.0, -3.0, -5.0])
    f.set_extra_values({"c": np.zeros((2, 2))})
    np.testing.assert_allclose(f(x)[0], -0.25 - 8.75)
    with pytest.raises(ValueError, match="length 4"):
        f(np.zeros(3))


# -- DictToArrayBijection ---------------------------------------------------------------------
def test_bijection_round_trip_with_mixed_shapes_and_dtypes():
    point = {
        "scalar": np.array(2.5),
        "vec": np.arange(3, dtype="int64"),
        "mat": np.arange(6, dtype="float32").reshape(2, 3) / 7,
        "empty": np.zeros((0, 2)),
        "cube": np.random.default_rng(3).normal(size=(2, 1, 2)),
    }
    raveled = DictToArrayBijection.map(point)
    assert isinstance(raveled, RaveledVars)
    assert raveled.data.ndim == 1 and raveled.data.size == 1 + 3 + 6 + 0 + 4
    assert [i[0] for i in raveled.point_map_info] == list(point)
    back = DictToArrayBijection.rmap(raveled)
    assert list(back) == list(point)
    for name, value in point.items():
        assert back[name].shape == value.shape, name
        assert back[name].dtype == value.dtype, name
        np.testing.assert_array_equal(back[name], value)
    # the flat vector can be re-cut after a sampler moved it
    moved = RaveledVars(raveled.data + 1.0, raveled.point_map_info)
    np.testing.assert_allclose(DictToArrayBijection.rmap(moved)["cube"], point["cube"] + 1)


def test_bijection_rmap_keeps_the_start_point_and_checks_length():
    raveled = DictToArrayBijection.map({"a": np.ones(2)})
    out = DictToArrayBijection.rmap(raveled, start_point={"a": np.zeros(2), "other": 5})
    assert out["other"] == 5
    np.testing.assert_array_equal(out["a"], [1.0, 1.0])
    with pytest.raises(ValueError, match="3 entries.*describes 2"):
        DictToArrayBijection.rmap(RaveledVars(np.zeros(3), raveled.point_map_info))
    assert DictToArrayBijection.map({}).data.shape == (0,)


# -- replace_rvs ------------------------------------------------------------------------------
def test_replace_rvs_does_not_modify_the_input_graphs():
    x = ppl.Normal.dist(0.0, 1.0)
    y = ppl.Normal.dist(x, 2.0)
    out = pt.exp(y) + x
    x_val, y_val = pt.dscalar("x_val"), pt.dscalar("y_val")
    y_inputs = list(y.owner.inputs)
    (replaced,) = replace_rvs([out], {x: x_val, y: y_val * 2}, [x, y])
    assert list(y.owner.inputs) == y_inputs and y.owner.inputs[2] is x
    assert out.owner.inputs[1] is x
    fn = pytensor.function([x_val, y_val], replaced, mode="FAST_COMPILE")
    np.testing.assert_allclose(fn(0.5, 0.25), np.exp(0.5) + 0.5)
    # a replacement that refers to another replaced RV is replaced too
    (chained,) = replace_rvs([y], {x: x_val, y: x + y_val}, [x, y])
    fn2 = pytensor.function([x_val, y_val], chained, mode="FAST_COMPILE")
    np.testing.assert_allclose(fn2(1.0, 2.0), 3.0)


def test_logp_twice_gives_identical_results(model):
    g1, g2 = model.logp(), model.logp()
    fn = pytensor.function(model.value_vars, [g1, g2], mode="FAST_COMPILE")
    a, b = fn(0.3, -0.2, np.array([0.1, 0.2, 0.3]))
    assert a == b
    np.testing.assert_allclose(a, reference_logp(0.3, -0.2, np.array([0.1, 0.2, 0.3])), rtol=1e-12)
    # the model's own graph still holds the RV mu, and no value variable
    theta_graph = set(ancestors([model["theta"]]))
    assert model["mu"] in theta_graph
    assert not theta_graph & set(model.value_vars)
