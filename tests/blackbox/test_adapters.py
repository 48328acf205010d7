"""ppl.from_jax / ppl.from_torch: same values and gradients as NumPy, float64, shapes, pickling."""

import pickle

import numpy as np
import pytensor
import pytensor.tensor as pt
import pytest

import ppl
from ppl.compiled.modes import QUICK_MODE
from ppl.exceptions import ModelError, ShapeError

jax = pytest.importorskip("jax")
jnp = pytest.importorskip("jax.numpy")
torch = pytest.importorskip("torch")

X = np.linspace(0.0, 1.0, 25)
Y = 1.0 + 2.0 * X + np.sin(11 * X) / 7
X_T, Y_T = torch.tensor(X), torch.tensor(Y)
POINTS = [(1.9, 1.1, -1.5), (0.0, 0.0, 0.0), (3.0, -2.0, 1.2)]


def numpy_loglike(m, c, log_sigma):
    r = (Y - m * X - c) * np.exp(-log_sigma)
    return -0.5 * np.sum(r**2) - X.size * log_sigma


def numpy_grad(m, c, log_sigma):
    s = np.exp(log_sigma)
    r = (Y - m * X - c) / s
    return np.sum(r * X) / s, np.sum(r) / s, np.sum(r**2) - X.size


def jax_loglike(m, c, log_sigma):
    r = (Y - m * X - c) * jnp.exp(-log_sigma)
    return -0.5 * jnp.sum(r**2) - X.size * log_sigma


def torch_loglike(m, c, log_sigma):
    r = (Y_T - m * X_T - c) * torch.exp(-log_sigma)
    return -0.5 * torch.sum(r**2) - X.size * log_sigma


@pytest.fixture(scope="module")
def line_ops():
    return {
        "numpy": ppl.blackbox(numpy_loglike, numpy_grad),
        "jax": ppl.from_jax(jax_loglike),
        "torch": ppl.from_torch(torch_loglike),
    }


def test_adapters_match_numpy(line_ops):
    """One compiled function (Numba, default mode) evaluating all three ops and their gradients."""
    m, c, s = pt.dscalars("m", "c", "s")
    outs = [op(m, c, s) for op in line_ops.values()]
    grads = [g for out in outs for g in pytensor.grad(out, [m, c, s])]
    f = pytensor.function([m, c, s], outs + grads)
    for point in POINTS:
        values = f(*point)
        np.testing.assert_allclose(values[:3], numpy_loglike(*point), rtol=1e-13)
        expected = np.tile(numpy_grad(*point), 3)
        np.testing.assert_allclose(values[3:], expected, rtol=1e-12)
    for name in ("jax", "torch"):
        assert ppl.check_gradient(line_ops[name], POINTS[0]).ok


def test_jax_ops_are_reported_fork_unsafe(line_ops):
    from ppl.blackbox import fork_unsafe_ops

    m = pt.dscalar("m")
    graph = sum(op(m, 0.0, 0.0) for op in line_ops.values())
    assert fork_unsafe_ops([pytensor.grad(graph, m)]) == ["jax_loglike"]


def test_jax_runs_in_float64_without_changing_the_global_setting(line_ops):
    before = jax.config.jax_enable_x64
    tiny = ppl.from_jax(lambda a: a + 1e-12 - 1.0)
    assert tiny.eval_value(1.0) == pytest.approx(1e-12, rel=1e-6)  # lost in float32
    assert jax.config.jax_enable_x64 == before


def test_torch_module_and_float64():
    torch.manual_seed(0)
    layer = torch.nn.Linear(3, 1).double()
    op = ppl.from_torch(lambda w: layer(w).sum())
    w = np.array([0.5, -1.0, 2.0])
    with torch.no_grad():
        expected = float(layer(torch.tensor(w)).sum())
    assert op.eval_value(w) == pytest.approx(expected, rel=1e-14)
    np.testing.assert_allclose(op.eval_vjp(w)[0], layer.weight.detach().numpy()[0])
    assert ppl.from_torch(lambda a: a + 1e-12 - 1.0).eval_value(1.0) == pytest.approx(1e-12, rel=1e-6)


@pytest.mark.parametrize("adapter", ["jax", "torch"])
def test_output_shapes_are_inferred(adapter):
    make = ppl.from_jax if adapter == "jax" else ppl.from_torch
    lib = jnp if adapter == "jax" else torch
    elementwise = make(lambda a, b: lib.sin(a) * b)
    assert elementwise(pt.dvector("v", shape=(4,)), 2.0).type.shape == (4,)
    assert elementwise(pt.dvector("v"), 2.0).type.shape == (None,)  # follows an unknown length
    fixed = make(lambda v: v[:2] * 2.0)
    assert fixed(pt.dvector("v")).type.shape == (2,)  # does not depend on it
    assert make(lambda v: (v**2).sum())(pt.dvector("v")).type.shape == ()
    with pytest.raises(ShapeError, match="cannot infer the shape.*output_shape"):
        make(lambda v: v.reshape((5, 5)).sum())(pt.dvector("v", shape=(3,)))
    declared = make(lambda v: v.reshape((5, 5)).sum(), output_shape=())(pt.dvector("v"))
    assert declared.type.shape == ()


@pytest.mark.parametrize("adapter", ["jax", "torch"])
def test_array_values_get_vector_jacobian_products(adapter):
    make = ppl.from_jax if adapter == "jax" else ppl.from_torch
    lib = jnp if adapter == "jax" else torch
    op = make(lambda v, k: lib.exp(k * v))
    v = pt.dvector("v", shape=(3,))
    k = pt.dscalar("k")
    y = op(v, k)
    cost = (y * np.array([1.0, 2.0, 3.0])).sum()
    f = pytensor.function([v, k], [cost, *pytensor.grad(cost, [v, k])], mode=QUICK_MODE)
    vv, kv = np.array([0.1, -0.4, 0.3]), 0.7
    w = np.array([1.0, 2.0, 3.0])
    value, gv, gk = f(vv, kv)
    np.testing.assert_allclose(value, np.sum(w * np.exp(kv * vv)))
    np.testing.assert_allclose(gv, w * kv * np.exp(kv * vv))
    np.testing.assert_allclose(gk, np.sum(w * vv * np.exp(kv * vv)))
    assert ppl.check_gradient(op, (vv, kv)).ok


def test_adapter_errors_name_the_op():
    with pytest.raises(ModelError, match=r"'jax_fails': the function raised .*boom"):
        ppl.from_jax(_raise_boom, output_shape=(), name="jax_fails").eval_value(1.0)
    with pytest.raises(ModelError, match=r"'not_a_tensor'.*returned float, expected a torch tensor"):
        ppl.from_torch(lambda a: 1.0, output_shape=(), name="not_a_tensor").eval_value(1.0)
    with pytest.raises(ShapeError, match=r"'wrong_shape'.*returned shape \(1,\), expected \(\)"):
        ppl.from_torch(lambda a: a.reshape(1), output_shape=(), name="wrong_shape").eval_vjp(1.0)


def _raise_boom(a):
    raise ValueError("boom")


def test_adapter_ops_pickle_and_rebuild(line_ops):
    for name in ("jax", "torch"):
        op = line_ops[name]
        clone = pickle.loads(pickle.dumps(op))
        assert clone.spec is not op.spec
        np.testing.assert_allclose(clone.eval_vjp(*POINTS[0]), numpy_grad(*POINTS[0]), rtol=1e-12)
    jitted = ppl.from_jax(jax.jit(jax_loglike))
    assert pickle.loads(pickle.dumps(jitted)).eval_value(*POINTS[1]) == pytest.approx(
        numpy_loglike(*POINTS[1])
    )
