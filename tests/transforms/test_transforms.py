"""Transforms: round trip, log|det J| against the numerical Jacobian, extreme values, support.

Each case compiles ONE function (Python linker: cheap to build) that returns, for a single event
``y`` and a batch ``yb`` of unconstrained values, everything the tests check; the tests then
evaluate it at many points.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pytensor
import pytensor.tensor as pt
import pytest
from pytensor.compile.mode import Mode
from pytensor.gradient import jacobian

# Python linker, few rewrites: these graphs are tiny, and compiling them must stay cheap.
QUICK_MODE = Mode(linker="py", optimizer="fast_compile")
from ppl.exceptions import TransformError
from ppl.transforms import Chain, Interval, Transform, log, logodds, ordered, simplex

N = 4  # length of a single event on the unconstrained scale
BATCH = (2, 3)


@dataclass
class Case:
    transform: Transform
    sample_x: Callable  # (rng, batch_shape) -> constrained values, shape batch + event
    in_support: Callable  # x -> bool array, strict support check
    vector: bool = False  # vector transform (ndim_supp = 1)
    extremes: tuple = (-30.0, 30.0, -700.0, 700.0)
    closed: Callable | None = None  # closed support (at +-700 a bound is reached in float64)
    extreme_ys: tuple = ()  # more unconstrained points (instead of the mixed-sign defaults)
    inputs: list = field(default_factory=list)  # [(symbolic input, numeric value)]

    @property
    def x_len(self) -> int:  # constrained event length for an unconstrained event of length N
        return N + 1 if self.transform is simplex else N


def _unit(rng, shape):
    return rng.uniform(0.02, 0.98, size=shape)


def _sorted(rng, shape):
    return np.sort(rng.normal(size=shape + (N,)) * 3, axis=-1)


def _increasing(x):
    return np.all(np.diff(x, axis=-1) > 0, axis=-1)


lo_sym, hi_sym = pt.dscalar("lo"), pt.dscalar("hi")

CASES = {
    "log": Case(
        log, lambda r, s: np.exp(r.normal(size=s + (N,))), lambda x: x > 0, closed=lambda x: x >= 0
    ),
    "logodds": Case(
        logodds,
        lambda r, s: _unit(r, s + (N,)),
        lambda x: (x > 0) & (x < 1),
        closed=lambda x: (x >= 0) & (x <= 1),
    ),
    "interval": Case(
        Interval(-2.0, 3.0),
        lambda r, s: r.uniform(-1.9, 2.9, size=s + (N,)),
        lambda x: (x > -2) & (x < 3),
        closed=lambda x: (x >= -2) & (x <= 3),
    ),
    "lower": Case(
        Interval(lower=1.5),
        lambda r, s: 1.5 + np.exp(r.normal(size=s + (N,))),
        lambda x: x > 1.5,
        closed=lambda x: x >= 1.5,
    ),
    "upper": Case(
        Interval(upper=-0.5),
        lambda r, s: -0.5 - np.exp(r.normal(size=s + (N,))),
        lambda x: x < -0.5,
        closed=lambda x: x <= -0.5,
    ),
    "bounds_fn": Case(
        Interval(bounds_fn=lambda lo, hi: (lo, hi)),
        lambda r, s: r.uniform(-0.95, 6.95, size=s + (N,)),
        lambda x: (x > -1) & (x < 7),
        closed=lambda x: (x >= -1) & (x <= 7),
        inputs=[(lo_sym, -1.0), (hi_sym, 7.0)],
    ),
    "simplex": Case(
        simplex,
        lambda r, s: r.dirichlet(np.ones(N + 1), size=s),
        lambda x: np.all(x > 0, axis=-1) & np.isclose(x.sum(-1), 1.0),
        vector=True,
        closed=lambda x: np.all(x >= 0, axis=-1) & np.isclose(x.sum(-1), 1.0),
    ),
    "ordered": Case(
        ordered,
        _sorted,
        _increasing,
        vector=True,
        extremes=(-30.0, 30.0, -700.0, 700.0),
        closed=lambda x: np.all(np.diff(x, axis=-1) >= 0, axis=-1),
    ),
    "log_ordered": Case(
        Chain([log, ordered]),
        lambda r, s: np.exp(_sorted(r, s)),
        lambda x: np.all(x > 0, axis=-1) & _increasing(x),
        vector=True,
        extremes=(-30.0, -700.0, 3.0),
        extreme_ys=([-30.0, -30.0, 3.0, -700.0], [3.0, -700.0, -700.0, 3.0]),
        closed=lambda x: np.all(x >= 0, axis=-1) & np.all(np.diff(x, axis=-1) >= 0, axis=-1),
    ),
    "interval_ordered": Case(
        Chain([Interval(0.0, 1.0), ordered]),
        lambda r, s: np.sort(_unit(r, s + (N,)), axis=-1),
        lambda x: np.all((x > 0) & (x < 1), axis=-1) & _increasing(x),
        vector=True,
        extremes=(-30.0, 30.0, -700.0),
        closed=lambda x: np.all((x >= 0) & (x <= 1), axis=-1)
        & np.all(np.diff(x, axis=-1) >= 0, axis=-1),
    ),
}


@pytest.fixture(scope="module", params=list(CASES))
def case(request):
    """The case and its one compiled function."""
    c = CASES[request.param]
    t = c.transform
    args = [sym for sym, _ in c.inputs]
    y = pt.dvector("y")
    yb = pt.tensor("yb", dtype="float64", shape=(None,) * (len(BATCH) + 1))
    xb = pt.tensor("xb", dtype="float64", shape=(None,) * (len(BATCH) + 1))
    x = t.backward(y, *args)
    x_jac = x[:-1] if t is simplex else x  # y -> x is a bijection onto the first K-1 entries
    outs = [
        x,
        t.forward(x, *args),
        t.log_jac_det(y, *args),
        jacobian(x_jac, y, vectorize=True),
        t.backward(yb, *args),
        t.log_jac_det(yb, *args),
        t.forward(xb, *args),
        t.backward(t.forward(xb, *args), *args),
    ]
    fn = pytensor.function([y, yb, xb, *args], outs, mode=QUICK_MODE, on_unused_input="ignore")
    values = [v for _, v in c.inputs]
    return request.param, c, lambda y_, yb_, xb_: fn(y_, yb_, xb_, *values)


def _call(case_fn, c, rng, y=None):
    y = rng.normal(size=N) if y is None else y
    yb = rng.normal(size=BATCH + (N,))
    xb = c.sample_x(rng, BATCH)
    return case_fn(y, yb, xb)


def test_round_trip_unconstrained(case):
    name, c, fn = case
    rng = np.random.default_rng(1)
    for _ in range(5):
        y = rng.normal(size=N)
        x, y_back, *_ = _call(fn, c, rng, y)
        np.testing.assert_allclose(y_back, y, rtol=1e-8, atol=1e-9, err_msg=name)


def test_round_trip_constrained_batched(case):
    name, c, fn = case
    rng = np.random.default_rng(2)
    for _ in range(3):
        y = rng.normal(size=N)
        yb = rng.normal(size=BATCH + (N,))
        xb = c.sample_x(rng, BATCH)
        *_, xb_back_from_yb, ljd_b, yb_fwd, xb_back = fn(y, yb, xb)
        np.testing.assert_allclose(xb_back, xb, rtol=1e-8, atol=1e-12, err_msg=name)
        assert yb_fwd.shape == BATCH + (N,)
        expected_ljd_shape = BATCH if c.vector else BATCH + (N,)
        assert ljd_b.shape == expected_ljd_shape, name
        assert np.all(c.in_support(xb_back_from_yb)), name


def test_batched_ljd_equals_per_event_ljd(case):
    """Batching must not mix events: each batch entry's ljd equals the single-event ljd."""
    name, c, fn = case
    rng = np.random.default_rng(3)
    yb = rng.normal(size=BATCH + (N,))
    xb = c.sample_x(rng, BATCH)
    _, _, _, _, xb_out, ljd_b, _, _ = fn(yb[1, 2], yb, xb)
    x_single, _, ljd_single, *_ = fn(yb[1, 2], yb, xb)
    np.testing.assert_allclose(ljd_b[1, 2], ljd_single, rtol=1e-12)
    np.testing.assert_allclose(xb_out[1, 2], x_single, rtol=1e-12)


def test_log_jac_det_matches_numerical_jacobian(case):
    name, c, fn = case
    rng = np.random.default_rng(4)
    for _ in range(5):
        y = rng.normal(size=N) * 1.5
        _, _, ljd, jac, *_ = _call(fn, c, rng, y)
        assert jac.shape == (N, N)
        _, logdet = np.linalg.slogdet(jac)
        np.testing.assert_allclose(np.sum(ljd), logdet, rtol=1e-7, atol=1e-9, err_msg=name)


def test_log_jac_det_matches_finite_differences(case):
    """Independent of PyTensor's gradient: central differences of backward."""
    name, c, fn = case
    rng = np.random.default_rng(5)
    y = rng.normal(size=N)
    eps = 1e-6
    cols = []
    for j in range(N):
        step = np.zeros(N)
        step[j] = eps
        xp = _call(fn, c, rng, y + step)[0]
        xm = _call(fn, c, rng, y - step)[0]
        cols.append((xp - xm)[: N] / (2 * eps))
    _, logdet = np.linalg.slogdet(np.stack(cols, axis=1))
    ljd = _call(fn, c, rng, y)[2]
    np.testing.assert_allclose(np.sum(ljd), logdet, rtol=1e-5, atol=1e-6, err_msg=name)


def _extreme_points(c):
    if c.extreme_ys:
        return [np.full(N, e) for e in c.extremes] + [np.asarray(y) for y in c.extreme_ys]
    return [np.full(N, e) for e in c.extremes] + [np.array([e, -e, e, 0.0]) for e in c.extremes]


def test_extreme_unconstrained_values_are_finite_and_in_support(case):
    name, c, fn = case
    rng = np.random.default_rng(6)
    for y in _extreme_points(c):
        x, _, ljd, *_ = _call(fn, c, rng, y)
        assert np.all(np.isfinite(x)), (name, y, x)
        assert np.all(np.isfinite(ljd)), (name, y, ljd)
        assert np.all(c.closed(x)), (name, y, x)
        if np.abs(y).max() <= 30 and not c.vector:
            assert np.all(c.in_support(x)), (name, y, x)


def test_forward_is_finite_at_points_near_the_bounds(case):
    """Wherever backward lands strictly inside the support, forward must be finite."""
    name, c, fn = case
    rng = np.random.default_rng(7)
    checked = 0
    for y in (np.full(N, -20.0), np.full(N, 20.0), np.linspace(-25, 25, N), np.full(N, -700.0)):
        x, y_back, *_ = _call(fn, c, rng, y)
        if np.all(np.isfinite(x)) and np.all(c.in_support(x)):
            assert np.all(np.isfinite(y_back)), (name, y, y_back)
            checked += 1
    assert checked >= 1, name


def test_transform_names():
    assert log.name == "log"
    assert logodds.name == "logodds"
    assert Interval(0, 1).name == "interval"
    assert simplex.name == "simplex"
    assert ordered.name == "ordered"
    assert Chain([log, ordered]).name == "log_ordered"
    assert Chain([log, ordered]).ndim_supp == 1
    assert ordered.ndim_supp == 1 and simplex.ndim_supp == 1 and log.ndim_supp == 0


def test_interval_argument_errors():
    with pytest.raises(ValueError, match="at least one"):
        Interval()
    with pytest.raises(ValueError, match="not both"):
        Interval(0, 1, bounds_fn=lambda *a: (0, 1))
    with pytest.raises(ValueError, match="empty"):
        Chain([])


def test_interval_bounds_fn_receives_node_inputs():
    seen = []

    def bounds(*inputs):
        seen.append(inputs)
        return inputs[0], inputs[1]

    t = Interval(bounds_fn=bounds)
    lo, hi = pt.dscalar("lo"), pt.dscalar("hi")
    out = t.backward(pt.constant(0.0), lo, hi)
    assert seen and seen[0] == (lo, hi)
    np.testing.assert_allclose(out.eval({lo: 2.0, hi: 4.0}, mode=QUICK_MODE), 3.0)


def test_simplex_jacobian_against_closed_form():
    """log|det J| of y -> x[:-1] is sum(log x) over all K entries (docstring claim)."""
    y = np.array([0.3, -1.2, 2.0])
    z = np.append(y, 0.0)
    x = np.exp(z) / np.exp(z).sum()
    got = simplex.log_jac_det(pt.constant(y)).eval(mode=QUICK_MODE)
    np.testing.assert_allclose(got, np.log(x).sum(), rtol=1e-12)


def test_transform_is_abstract():
    with pytest.raises(TypeError):
        Transform()

    class Half(Transform):
        name = "half"

        def forward(self, value, *inputs):
            return value * 2

        def backward(self, value, *inputs):
            return value / 2

        def log_jac_det(self, value, *inputs):
            return pt.zeros_like(value) - np.log(2)

    assert repr(Half()) == "Half()"


def test_transform_errors_are_transform_errors():
    assert issubclass(TransformError, ValueError)
