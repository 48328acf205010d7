"""ppl.blackbox: values, gradients, shapes, errors, backends and pickling of black-box ops."""

import pickle

import cloudpickle
import numpy as np
import pytensor
import pytensor.tensor as pt
import pytest
from pytensor.graph.traversal import ancestors

import ppl
from ppl.blackbox import BlackBoxGradOp, BlackBoxOp, NoGradientError
from ppl.blackbox.pickling import pack_function, unpack_function
from ppl.compiled.modes import QUICK_MODE, resolve_mode
from ppl.exceptions import ModelError, ShapeError

X = np.linspace(0.0, 1.0, 12)
Y = 0.5 + 1.5 * X + np.sin(7 * X) / 10


def line_loglike(m, c, log_sigma):
    r = (Y - m * X - c) * np.exp(-log_sigma)
    return -0.5 * np.sum(r**2) - X.size * log_sigma


def line_grad(m, c, log_sigma):
    s = np.exp(log_sigma)
    r = (Y - m * X - c) / s
    return np.sum(r * X) / s, np.sum(r) / s, np.sum(r**2) - X.size


def _counting(fn, counts, key):
    def wrapped(*args):
        counts[key] = counts.get(key, 0) + 1
        return fn(*args)

    return wrapped


POINTS = [(1.0, 0.2, -0.3), (2.0, -1.0, 0.4), (0.0, 0.0, 0.0)]


@pytest.mark.parametrize("mode", ["NUMBA", "C"])
def test_value_and_gradient_in_both_backends(mode):
    op = ppl.blackbox(line_loglike, line_grad)
    m, c, s = pt.dscalars("m", "c", "s")
    out = op(m, c, s)
    f = pytensor.function([m, c, s], [out, *pytensor.grad(out, [m, c, s])], mode=resolve_mode(mode))
    for point in POINTS:
        value, *grads = f(*point)
        np.testing.assert_allclose(value, line_loglike(*point), rtol=1e-12)
        np.testing.assert_allclose(grads, line_grad(*point), rtol=1e-12)


def test_value_and_grad_fn_is_called_once_per_evaluation():
    counts = {}
    op = ppl.blackbox(
        _counting(line_loglike, counts, "value"),
        value_and_grad_fn=_counting(
            lambda *a: (line_loglike(*a), line_grad(*a)), counts, "value_and_grad"
        ),
    )
    m, c, s = pt.dscalars("m", "c", "s")
    out = 2.0 * op(m, c, s) + m
    f = pytensor.function([m, c, s], [out, *pytensor.grad(out, [m, c, s])])
    value, *grads = f(*POINTS[0])
    assert counts == {"value_and_grad": 1}  # the value came from the gradient call
    np.testing.assert_allclose(value, 2 * line_loglike(*POINTS[0]) + POINTS[0][0])
    np.testing.assert_allclose(grads[1:], 2 * np.array(line_grad(*POINTS[0])[1:]))
    value_only = pytensor.function([m, c, s], out, mode=QUICK_MODE)
    value_only(*POINTS[0])
    assert counts == {"value_and_grad": 1, "value": 1}  # no gradient needed: value only


def test_array_output_with_vjp():
    op = ppl.blackbox(np.sin, vjp_fn=lambda ct, x: (ct * np.cos(x),), output_shape=(None,))
    x = pt.dvector("x")
    y = op(x)
    cost = y.sum() + (y**2).sum()  # the cotangent depends on the value: no fusion, no cycle
    f = pytensor.function([x], [cost, pytensor.grad(cost, x)], mode=QUICK_MODE)
    xv = np.array([0.1, 0.5, 2.0])
    value, grad = f(xv)
    np.testing.assert_allclose(value, np.sum(np.sin(xv) + np.sin(xv) ** 2))
    np.testing.assert_allclose(grad, np.cos(xv) * (1 + 2 * np.sin(xv)))
    assert y.type.shape == (None,)


def test_declared_shapes_and_input_count():
    op = ppl.blackbox(lambda a, v: a * np.sum(v), input_shapes=[(), (3,)], name="scaled_sum")
    v = op(2.0, pt.dvector("v"))
    assert v.owner.inputs[1].type.shape == (3,)  # declared shape enforced
    assert op(2, np.arange(3)).eval() == 6.0  # integers are cast to float64
    with pytest.raises(ShapeError, match=r"'scaled_sum'.*input 1 has shape \(4,\), expected \(3,\)"):
        op(2.0, np.ones(4))
    with pytest.raises(ShapeError, match=r"'scaled_sum'.*got 1 inputs, expected 2"):
        op(2.0)
    with pytest.raises(ShapeError, match="vjp_fn"):
        ppl.blackbox(np.sin, lambda x: (np.cos(x),), output_shape=(3,))


def test_infer_shape_without_calling_the_function():
    calls = []
    op = ppl.blackbox(lambda x: calls.append(1) or x * 2, output_shape=(4,))
    shape = pytensor.function([], op(np.ones(4)).shape, mode=QUICK_MODE)()
    assert tuple(shape) == (4,) and not calls


@pytest.fixture(scope="module")
def bad_ops():
    """One compiled function per misbehaving function (Python linker: nothing to JIT)."""
    x = pt.dvector("x")
    fns = {
        "wrong_shape": lambda x: np.ones(2),
        "wrong_dtype": lambda x: "oops",
        "raises": lambda x: 1.0 / 0.0,
        "nan": lambda x: np.nan,
        "writes_input": lambda x: x.__setitem__(0, 1.0) or 0.0,
    }
    compiled = {
        name: pytensor.function([x], ppl.blackbox(fn, name=name)(x), mode=QUICK_MODE)
        for name, fn in fns.items()
    }
    grads = {
        "grad_shape": lambda x: (np.ones(x.size + 1),),
        "grad_count": lambda x: (x, x),
        "grad_nan": lambda x: (np.where(x > 0, np.nan, x),),
    }
    for name, g in grads.items():
        out = ppl.blackbox(lambda x: float(np.sum(x)), g, name=name)(x)
        compiled[name] = pytensor.function([x], pytensor.grad(out, x), mode=QUICK_MODE)
    return compiled


@pytest.mark.parametrize(
    "name, error, match",
    [
        ("wrong_shape", ShapeError, r"'wrong_shape': the function returned shape \(2,\), expected a scalar"),
        ("wrong_dtype", ModelError, r"'wrong_dtype': the function returned str 'oops', expected real"),
        ("raises", ModelError, r"'raises': the function raised ZeroDivisionError: .* \(input shapes: \(3,\)\)"),
        ("writes_input", ModelError, r"'writes_input': the function raised ValueError: .*read-only"),
        ("grad_shape", ShapeError, r"'grad_shape': the gradient \(grad_fn\) returned shape \(4,\) for input 0, expected \(3,\)"),
        ("grad_count", ShapeError, r"'grad_count': the gradient \(grad_fn\) returned tuple of length 2, expected a tuple of 1"),
        ("grad_nan", ModelError, r"'grad_nan': the gradient \(grad_fn\) returned a non-finite value \(nan\) for input 0 at index \(0,\)"),
    ],
)
def test_misbehaving_functions_give_errors_naming_the_op(bad_ops, name, error, match):
    with pytest.raises(error, match=match):
        bad_ops[name](np.array([1.0, -2.0, 3.0]))


def test_raised_error_is_chained(bad_ops):
    with pytest.raises(ModelError) as info:
        bad_ops["raises"](np.zeros(3))
    assert isinstance(info.value.__cause__, ZeroDivisionError)


def test_nan_value_becomes_minus_inf(bad_ops):
    assert bad_ops["nan"](np.zeros(3)) == -np.inf
    keep = ppl.blackbox(lambda x: np.nan, nan_to_neginf=False)
    assert np.isnan(keep.eval_value(np.zeros(3)))
    array_op = ppl.blackbox(lambda x: np.log(x), output_shape=(3,))
    with np.errstate(invalid="ignore"):
        np.testing.assert_array_equal(array_op.eval_value(np.array([1.0, -1.0, np.inf])), [0.0, -np.inf, np.inf])


def test_raising_function_under_numba_names_the_op():
    op = ppl.blackbox(lambda a: 1.0 / 0.0, name="divide")
    a = pt.dscalar("a")
    f = pytensor.function([a], op(a) + a)  # default mode: Numba, object mode for the op
    with pytest.raises(ModelError, match=r"'divide': the function raised ZeroDivisionError"):
        f(1.0)


def test_unpicklable_function_runs_under_numba():
    import threading

    lock = threading.Lock()

    def locked_double(a):
        with lock:
            return 2.0 * a

    a = pt.dscalar("a")
    f = pytensor.function([a], ppl.blackbox(locked_double)(a) + 1.0)  # compiling pickles nothing
    assert f(3.0) == 7.0


def test_grad_without_gradient_explains_how_to_add_one():
    op = ppl.blackbox(line_loglike, name="no_grad")
    m = pt.dscalar("m")
    with pytest.raises(NoGradientError, match=r"'no_grad' has no gradient.*grad_fn.*vjp_fn.*from_jax"):
        pytensor.grad(op(m, 0.0, 0.0), m)
    with pytest.raises(NotImplementedError):  # what PyTensor code expects for ops without grads
        pytensor.grad(op(m, 0.0, 0.0), m)
    x = pt.dvector("x")
    with pytest.raises(NoGradientError, match="'sin' has no gradient.*vjp_fn"):
        pytensor.grad(ppl.blackbox(np.sin, output_shape=(None,))(x).sum(), x)


def test_second_derivatives_are_refused():
    op = ppl.blackbox(line_loglike, line_grad, name="line")
    m = pt.dscalar("m")
    g = pytensor.grad(op(m, 0.0, 0.0), m)
    with pytest.raises(NoGradientError, match="second derivatives"):
        pytensor.grad(g, m)


def test_eval_value_and_vjp_without_compiling():
    op = ppl.blackbox(line_loglike, line_grad)
    assert op.eval_value(*POINTS[1]) == pytest.approx(line_loglike(*POINTS[1]))
    np.testing.assert_allclose(op.eval_vjp(*POINTS[1]), line_grad(*POINTS[1]))
    vec = ppl.blackbox(np.sin, vjp_fn=lambda ct, x: (ct * np.cos(x),), output_shape=(None,))
    np.testing.assert_allclose(vec.eval_vjp(np.array([0.0, 1.0]))[0], np.cos([0.0, 1.0]))
    with pytest.raises(NoGradientError):
        ppl.blackbox(np.sum).eval_vjp(np.ones(2))


def test_ops_compare_by_their_functions():
    op = ppl.blackbox(line_loglike, line_grad)
    assert op == op and hash(op) == hash(op)
    assert op != ppl.blackbox(line_loglike, line_grad)
    assert str(op) == "BlackBox{line_loglike}"
    x = pt.dscalar("x")
    grad = pytensor.grad(ppl.blackbox(np.exp, np.exp)(x), x)
    ops = {str(v.owner.op) for v in ancestors([grad]) if v.owner and isinstance(v.owner.op, BlackBoxGradOp)}
    assert ops == {"BlackBoxGrad{exp}"}


def test_op_pickles_with_closures_by_value():
    scale = 3.0
    op = ppl.blackbox(lambda a: scale * a, lambda a: (np.full_like(a, scale),), name="scaled")
    for dumps in (pickle.dumps, cloudpickle.dumps):
        clone = pickle.loads(dumps(op))
        assert isinstance(clone, BlackBoxOp) and clone.name == "scaled"
        assert clone.eval_value(2.0) == 6.0 and clone.eval_vjp(2.0)[0] == 3.0


def test_unpicklable_function_error_names_it():
    import threading

    lock = threading.Lock()

    def locked(a):
        with lock:
            return a

    with pytest.raises(ModelError, match=r"'locked'.*test_op.*locked cannot be sent to worker.*Hint"):
        pickle.dumps(ppl.blackbox(locked))
    with pytest.raises(ModelError, match="cannot be rebuilt in this process.*Hint"):
        unpack_function(b"not a pickle", owner="blackbox op 'f'")
    assert unpack_function(pack_function(line_loglike, owner="x"), owner="x")(*POINTS[0]) == line_loglike(*POINTS[0])


def test_the_package_is_callable_like_the_function():
    import sys

    package = sys.modules["ppl.blackbox"]  # what import tools may bind ppl.blackbox to
    assert isinstance(package(np.sin, output_shape=(None,)), BlackBoxOp)
