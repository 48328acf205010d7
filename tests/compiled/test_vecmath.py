"""Tests of the vectorisable float64 math functions and their PyTensor registration."""

import re
import struct

import numba
import numpy as np
import pytensor
import pytensor.scalar as ps
import pytensor.tensor as pt
import pytest
from pytensor.link.numba.dispatch.basic import numba_funcify, numba_funcify_and_cache_key
from pytensor.scalar.basic import Exp, Expm1, Log, Log1p
from pytensor.scalar.math import Sigmoid, Softplus

from ppl.compiled import vecmath

LD = np.longdouble
TINY = 5e-324
MAX = np.finfo(np.float64).max
NAMES = ["exp", "log", "log1p", "expm1", "softplus", "sigmoid"]
OP_TYPES = {
    "exp": Exp,
    "log": Log,
    "log1p": Log1p,
    "expm1": Expm1,
    "softplus": Softplus,
    "sigmoid": Sigmoid,
}
#: Allowed error in ulp: against NumPy's float64 function where NumPy has one, else against the
#: long-double evaluation rounded to float64.
BOUNDS = {"exp": 1, "log": 1, "log1p": 2, "expm1": 2, "softplus": 2, "sigmoid": 2}


def _softplus_ld(x):
    x = x.astype(LD)
    return np.maximum(x, 0) + np.log1p(np.exp(-np.abs(x)))


def _sigmoid_ld(x):
    x = x.astype(LD)
    return 1 / (1 + np.exp(-x))


REFERENCES = {
    "exp": np.exp,
    "log": np.log,
    "log1p": np.log1p,
    "expm1": np.expm1,
    "softplus": lambda x: _softplus_ld(x).astype(np.float64),
    "sigmoid": lambda x: _sigmoid_ld(x).astype(np.float64),
}


def ulp_distance(a, b) -> np.ndarray:
    """Number of float64 values between ``a`` and ``b`` (0 for two NaNs, huge for one)."""
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)

    def ordered(v):  # bits as integers that increase with the value; -0.0 and +0.0 both 0
        i = v.view(np.int64)
        return np.where(i < 0, np.iinfo(np.int64).min - i, i).astype(LD)  # LD: int64 exact

    distance = np.abs(ordered(a) - ordered(b))
    distance = np.where(np.isnan(a) & np.isnan(b), 0, distance)
    return np.where(np.isnan(a) ^ np.isnan(b), np.inf, distance)


def _loop(function, fastmath=False):
    @numba.njit(error_model="numpy", fastmath=fastmath)
    def loop(x, out):
        for i in range(x.size):
            out[i] = function(x[i])

    return loop


@pytest.fixture(scope="module")
def loops():
    compiled = {}
    for name in NAMES:
        loop = _loop(getattr(vecmath, name))
        loop(np.zeros(1), np.empty(1))
        compiled[name] = loop
    return compiled


def evaluate(loops, name, x):
    out = np.empty_like(x)
    loops[name](np.ascontiguousarray(x, dtype=np.float64), out)
    return out


def _log_uniform(rng, low, high, n):
    return np.exp(rng.uniform(np.log(low), np.log(high), n))


def _points(name: str) -> np.ndarray:
    """Random points over the whole domain (log-uniform magnitudes) and dense grids around the
    points where the method changes or the result leaves the normal range."""
    rng = np.random.default_rng(sum(map(ord, name)))
    n = 1_000_000
    sign = rng.choice([-1.0, 1.0], n)
    both = sign * _log_uniform(rng, 1e-300, 1e300, n)
    near_0 = np.concatenate([s * _log_uniform(rng, TINY, 1.0, 50_000) for s in (-1, 1)])
    logistic = [
        both,
        rng.uniform(-750, 750, n),
        near_0,
        np.linspace(-40, 40, 100_001),
        np.linspace(-745.2, -708.3, 50_001),
    ]
    grids = {
        "exp": [
            rng.uniform(-746, 710, n),
            np.linspace(709.7, 709.8, 20_001),
            np.linspace(-745.2, -708.3, 50_001),
            rng.uniform(-0.4, 0.4, 50_000),
            near_0,
        ],
        "log": [
            _log_uniform(rng, TINY, MAX, n),
            _log_uniform(rng, TINY, 2.3e-308, 100_000),
            np.linspace(0.5, 2.0, 100_001),
            1 + np.linspace(-1e-6, 1e-6, 20_001),
            np.sqrt(2) * (1 + np.linspace(-1e-12, 1e-12, 2001)),
            np.sqrt(0.5) * (1 + np.linspace(-1e-12, 1e-12, 2001)),
        ],
        "log1p": [
            both,
            near_0,
            -1 + _log_uniform(rng, 1e-16, 1, 100_000),
            np.linspace(-0.999, 2.0, 100_001),
            np.sqrt(2) - 1 + np.linspace(-1e-9, 1e-9, 2001),
            np.sqrt(0.5) - 1 + np.linspace(-1e-9, 1e-9, 2001),
            _log_uniform(rng, 1, MAX, 100_000),
        ],
        "expm1": [
            rng.uniform(-50, 709.78, n),
            near_0,
            np.linspace(-1.5, 1.5, 100_001),
            np.linspace(709.7, 709.8, 20_001),
            np.linspace(37, 46, 20_001),
        ],
        "softplus": logistic,
        "sigmoid": logistic,
    }
    return np.concatenate(grids[name])


@pytest.mark.parametrize("name", NAMES)
def test_accuracy_against_numpy(loops, name):
    x = _points(name)
    y = evaluate(loops, name, x)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        expected = REFERENCES[name](x)
    distance = ulp_distance(y, expected)
    worst = int(np.argmax(distance))
    assert distance[worst] <= BOUNDS[name], (
        f"{name}({x[worst]!r}) = {y[worst]!r}, NumPy gives {expected[worst]!r}: "
        f"{distance[worst]} ulp apart, expected at most {BOUNDS[name]}"
    )


# (x, expected) pairs: exact values, NaN included; zeros are compared with their sign.
SPECIAL = {
    "exp": [
        (np.nan, np.nan),
        (np.inf, np.inf),
        (-np.inf, 0.0),
        (0.0, 1.0),
        (-0.0, 1.0),
        (709.78, np.exp(709.78)),
        (709.79, np.inf),
        (-745.0, np.exp(-745.0)),
        (-746.0, 0.0),
        (1e-300, 1.0),
        (TINY, 1.0),
        (-708.5, np.exp(-708.5)),
        (MAX, np.inf),
        (-MAX, 0.0),
    ],
    "log": [
        (np.nan, np.nan),
        (-1.0, np.nan),
        (-np.inf, np.nan),
        (0.0, -np.inf),
        (-0.0, -np.inf),
        (np.inf, np.inf),
        (1.0, 0.0),
        (TINY, np.log(TINY)),
        (2.2250738585072014e-308, np.log(2.2250738585072014e-308)),
        (MAX, np.log(MAX)),
        (-TINY, np.nan),
    ],
    "log1p": [
        (np.nan, np.nan),
        (-1.0, -np.inf),
        (-2.0, np.nan),
        (-np.inf, np.nan),
        (np.inf, np.inf),
        (0.0, 0.0),
        (-0.0, -0.0),
        (TINY, TINY),
        (-TINY, -TINY),
        (1e-300, 1e-300),
        (MAX, np.log1p(MAX)),
        (-1 + 2**-53, np.log1p(-1 + 2**-53)),
    ],
    "expm1": [
        (np.nan, np.nan),
        (np.inf, np.inf),
        (-np.inf, -1.0),
        (0.0, 0.0),
        (-0.0, -0.0),
        (TINY, TINY),
        (-TINY, -TINY),
        (1e-20, 1e-20),
        (709.78, np.expm1(709.78)),
        (709.79, np.inf),
        (-800.0, -1.0),
        (MAX, np.inf),
    ],
    "softplus": [
        (np.nan, np.nan),
        (np.inf, np.inf),
        (-np.inf, 0.0),
        (0.0, np.log(2.0)),
        (-0.0, np.log(2.0)),
        (1000.0, 1000.0),
        (-1000.0, 0.0),
        (-745.0, TINY),
        (MAX, MAX),
        (-MAX, 0.0),
        (40.0, 40.0),
    ],
    "sigmoid": [
        (np.nan, np.nan),
        (np.inf, 1.0),
        (-np.inf, 0.0),
        (0.0, 0.5),
        (-0.0, 0.5),
        (40.0, 1.0),
        (-745.0, TINY),
        (-800.0, 0.0),
        (MAX, 1.0),
        (-MAX, 0.0),
    ],
}


@pytest.mark.parametrize("name", NAMES)
def test_special_values(loops, name):
    x, expected = np.array(SPECIAL[name]).T
    # Repeated so that the vectorised loop body and its scalar remainder both see every value.
    expected = np.tile(expected, 17)
    for y in (
        np.array([getattr(vecmath, name)(v) for v in np.tile(x, 17)]),
        evaluate(loops, name, np.tile(x, 17)),
    ):
        np.testing.assert_array_equal(y, expected, err_msg=f"{name}({x})")
        np.testing.assert_array_equal(np.signbit(y[y == 0]), np.signbit(expected[y == 0]))


def vectorised(ir: str, name: str) -> bool:
    """Whether a function of ``ir`` other than ours calls a vector variant of ``name``, or holds
    its inlined code (its polynomial's last coefficient as a vector constant)."""
    coefficient = (vecmath._P if name in ("exp", "expm1", "sigmoid") else vecmath._Q)[-1]
    constant = "double 0x" + struct.pack(">d", coefficient).hex().upper()
    call = re.compile(rf"call <[248] x double> @\"?{vecmath._symbol(name)}_v[248]\b")
    for body in ir.split("\ndefine ")[1:]:
        if "ppl_vecmath" in body.split("(", 1)[0]:
            continue  # our own functions
        if call.search(body) or any(
            constant in line and re.search(r"<[248] x double>", line) for line in body.splitlines()
        ):
            return True
    return False


@pytest.mark.parametrize("name", NAMES)
def test_loop_is_vectorised(loops, name):
    ir = loops[name].inspect_llvm(loops[name].signatures[0])
    assert vectorised(ir, name), f"the loop over {name} is not vectorised"


@pytest.mark.parametrize("name", NAMES)
def test_generated_code_is_branch_free_exact_arithmetic(name):
    text = vecmath._module_text(name)
    assert not re.search(r"\b(fast|reassoc|nnan|ninf|nsz|arcp|contract|afn)\b", text)
    assert not re.search(r"\bbr\b|\bswitch\b|\bphi\b", text)  # no branches
    called = set(re.findall(r"call [^@]*@\"?([\w.]+)", text))
    assert all(name.startswith("llvm.") for name in called), called  # no libm


@pytest.mark.parametrize("name", NAMES)
def test_vector_and_scalar_paths_agree_bitwise(loops, name):
    x = np.random.default_rng(3).uniform(-30, 30, 37)
    x = np.concatenate([np.abs(x) if name == "log" else x, [1e-17, 3e-16, -3e-16, 0.4, 1.5]])
    scalar = np.array([getattr(vecmath, name)(v) for v in x])
    np.testing.assert_array_equal(evaluate(loops, name, x), scalar)
    # A fast-math caller (PyTensor's flags and more) changes nothing inside the functions.
    fast_loop, out = _loop(getattr(vecmath, name), fastmath=True), np.empty_like(x)
    fast_loop(x, out)
    np.testing.assert_array_equal(out, scalar)


# --- PyTensor ----------------------------------------------------------------------------------


@pytest.fixture
def installed(monkeypatch):
    monkeypatch.delenv("PPL_VECTOR_MATH", raising=False)
    was_installed = vecmath.is_installed()
    assert vecmath.install()
    yield
    if not was_installed:
        vecmath.uninstall()


@pytest.fixture
def not_installed(monkeypatch):
    monkeypatch.delenv("PPL_VECTOR_MATH", raising=False)
    was_installed = vecmath.is_installed()
    vecmath.uninstall()
    yield
    vecmath.uninstall()
    if was_installed:
        # A test may have set PPL_VECTOR_MATH=0, and monkeypatch only undoes that after this
        # fixture's teardown: clear it first, or install() declines.
        monkeypatch.delenv("PPL_VECTOR_MATH", raising=False)
        assert vecmath.install()


def _dispatch():
    return {
        op: (numba_funcify_and_cache_key.dispatch(op), numba_funcify.dispatch(op))
        for op in OP_TYPES.values()
    }


def _scalar_node(op_type, dtype):
    return getattr(ps, op_type.__name__.lower())(ps.ScalarType(dtype)("x")).owner


def test_install_uses_and_uninstall_restores(not_installed):
    before = _dispatch()
    assert vecmath.install() and vecmath.is_installed()
    registered = _dispatch()
    assert vecmath.install()  # again: nothing changes
    assert _dispatch() == registered
    for op_type, (keyed, legacy) in registered.items():
        assert keyed.__name__ == legacy.__name__ == f"numba_funcify_vecmath_{op_type.__name__}"
        node = _scalar_node(op_type, "float64")
        function, key = numba_funcify_and_cache_key(node.op, node=node)
        assert function is getattr(vecmath, op_type.__name__.lower())
        assert numba_funcify(node.op, node=node) is function
        assert key != before[op_type][0](node.op, node=node)[1]  # never PyTensor's cache key
    vecmath.uninstall()
    assert not vecmath.is_installed() and _dispatch() == before


def test_environment_variable_disables(not_installed, monkeypatch):
    before = _dispatch()
    monkeypatch.setenv("PPL_VECTOR_MATH", "0")
    assert vecmath.install() is False
    assert not vecmath.is_installed() and _dispatch() == before


def test_other_dtypes_are_delegated(installed):
    node = _scalar_node(Exp, "float32")
    function, key = numba_funcify_and_cache_key(node.op, node=node)
    assert function is not vecmath.exp
    x = pt.vector("x", dtype="float32")
    outputs = [pt.exp(x), pt.log(x), pt.log1p(x), pt.softplus(x), pt.sigmoid(x)]
    f = pytensor.function([x], outputs, mode="NUMBA")
    value = np.linspace(0.1, 5, 11, dtype=np.float32)
    for got, expected in zip(
        f(value),
        [
            np.exp(value),
            np.log(value),
            np.log1p(value),
            np.logaddexp(0, value),
            1 / (1 + np.exp(-value)),
        ],
        strict=True,
    ):
        assert got.dtype == np.float32
        np.testing.assert_allclose(got, expected, rtol=2e-6)


def test_pytensor_graph_matches_numpy_and_vectorises(installed):
    x = pt.vector("x")
    outputs = [pt.exp(x), pt.log(x), pt.log1p(x), pt.softplus(x), pt.sigmoid(x), pt.expm1(x)]
    with pytensor.config.change_flags(numba__cache=False):  # compiled here, to read its code
        f = pytensor.function([x], outputs, mode="NUMBA")
    rng = np.random.default_rng(5)
    value = np.concatenate([_log_uniform(rng, 1e-300, 700, 2000), [0.0, 1.0, 709.0, TINY]])
    names = ["exp", "log", "log1p", "softplus", "sigmoid", "expm1"]
    for name, got in zip(names, f(value), strict=True):
        with np.errstate(over="ignore", divide="ignore"):
            distance = ulp_distance(got, REFERENCES[name](value))
        assert distance.max() <= BOUNDS[name], name
    code = "".join(c.library.get_llvm_str() for c in f.vm.jit_fn.overloads.values())
    for name in names:  # ours, and vectorised through PyTensor's layers of functions
        assert vectorised(code, name), name


@pytest.mark.parametrize("name", ["exp", "log", "log1p", "softplus", "sigmoid", "expm1"])
def test_gradients_match_finite_differences(installed, name):
    x = pt.vector("x")
    weights = np.linspace(0.5, 1.5, 7)
    cost = (getattr(pt, name)(x) * weights).sum()
    f = pytensor.function([x], [cost, pytensor.grad(cost, x)], mode="NUMBA")
    value = np.linspace(0.2, 3.0, 7)
    numpy_function = {
        "exp": np.exp,
        "log": np.log,
        "log1p": np.log1p,
        "expm1": np.expm1,
        "softplus": lambda v: np.logaddexp(0, v),
        "sigmoid": lambda v: 1 / (1 + np.exp(-v)),
    }[name]
    h = 1e-6
    numeric = (numpy_function(value + h) - numpy_function(value - h)) / (2 * h) * weights
    cost_value, gradient = f(value)
    np.testing.assert_allclose(cost_value, (numpy_function(value) * weights).sum(), rtol=1e-14)
    np.testing.assert_allclose(gradient, numeric, rtol=1e-7)
