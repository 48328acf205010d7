import numpy as np
import pytensor
import pytensor.tensor as pt
import pytest
import scipy.stats as st

import ppl
from ppl.exceptions import ParameterValueError
from ppl.logprob.dispatch import support_point
from ppl.testing import check_draws


@pytest.fixture(autouse=True)
def fast_compile():
    # grids compile with the Python linker; test_default_mode_* covers PyTensor's Numba default
    with pytensor.config.change_flags(mode="FAST_COMPILE"):
        yield


def _assert_gradient_matches_finite_differences(inputs, output, point, rtol=1e-6):
    """Symbolic gradient of ``output`` vs central differences, from one unoptimised function."""
    mode = pytensor.compile.mode.Mode(linker="py", optimizer=None)  # compiles in a blink
    f = pytensor.function(inputs, [output, *pytensor.grad(output, inputs)], mode=mode)
    _, *grads = f(*point)
    for i, (x, g) in enumerate(zip(point, grads, strict=True)):
        x = np.asarray(x, dtype=float)
        for j in np.ndindex(x.shape):
            h = 1e-6 * max(1.0, abs(x[j]))
            up, down = x.copy(), x.copy()
            up[j] += h
            down[j] -= h
            numeric = (f(*point[:i], up, *point[i + 1:])[0] - f(*point[:i], down, *point[i + 1:])[0]) / (2 * h)
            np.testing.assert_allclose(np.asarray(g)[j], numeric, rtol=rtol, atol=1e-8)


ETAS = (-30.0, -3.0, -0.5, 0.0, 0.7, 3.0, 30.0)
CUTPOINTS = ([-1.5], [-2.0, 0.0, 1.5], [0.0, 0.0, 2.0])  # the last with an empty class


def _probs(eta, cutpoints):
    """Class probabilities F(c_k - eta) - F(c_{k-1} - eta), each from the tail where it is small."""
    edges = np.concatenate([[-np.inf], cutpoints, [np.inf]])
    a, b = edges[:-1] - eta, edges[1:] - eta
    with np.errstate(invalid="ignore"):
        upper = (a + b) / 2 > 0
    return np.where(upper, st.logistic.sf(a) - st.logistic.sf(b), st.logistic.cdf(b) - st.logistic.cdf(a))


class _Reference:
    """Frozen ordered logistic with a pmf, for check_draws."""

    def __init__(self, eta, cutpoints):
        self.p = _probs(eta, np.asarray(cutpoints))

    def pmf(self, value):
        return self.p[np.asarray(value)]


@pytest.fixture(scope="module")
def compiled():
    value, eta, cutpoints = pt.lvector("value"), pt.dscalar("eta"), pt.dvector("cutpoints")
    rv = ppl.OrderedLogistic.dist(eta=eta, cutpoints=cutpoints)
    with pytensor.config.change_flags(mode="FAST_COMPILE"):
        return pytensor.function([value, eta, cutpoints], [ppl.logp(rv, value), ppl.logcdf(rv, value)])


def test_logp_and_logcdf_match_the_logistic_latent(compiled):
    for cutpoints in CUTPOINTS:
        k = len(cutpoints) + 1
        values = np.arange(-1, k + 1)
        for eta in ETAS:
            p = _probs(eta, np.asarray(cutpoints))
            with np.errstate(divide="ignore"):
                expected = np.log(np.concatenate([[0.0], p, [0.0]]))
                expected_cdf = np.log(np.concatenate([[0.0], np.cumsum(p)[:-1], [1.0, 1.0]]))
            logp, logcdf = compiled(values, eta, np.asarray(cutpoints))
            # atol: near log(1) = 0 the reference's log(p) carries p's absolute rounding error
            np.testing.assert_allclose(logp, expected, rtol=1e-9, atol=1e-15,
                                       err_msg=f"eta={eta}, c={cutpoints}")
            np.testing.assert_allclose(logcdf, expected_cdf, rtol=1e-9, atol=1e-15)


def test_far_tails_stay_finite_and_exact(compiled):
    # eta = 800: p_0 = 1 - sigmoid(801.5) and p_1 underflow in double; their logs do not
    logp, _ = compiled(np.array([0, 1, 3]), 800.0, np.array([-1.5, 0.0, 1.5]))
    np.testing.assert_allclose(logp[0], -801.5, rtol=1e-12)
    np.testing.assert_allclose(logp[1], np.log1p(-np.exp(-1.5)) - 800.0, rtol=1e-12)
    np.testing.assert_allclose(logp[2], -np.log1p(np.exp(-798.5)), atol=1e-300)


def test_gradient_matches_finite_differences():
    eta, cutpoints = pt.dscalar("eta"), pt.dvector("cutpoints")
    logp_sum = ppl.logp(ppl.OrderedLogistic.dist(eta=eta, cutpoints=cutpoints),
                        np.array([0, 1, 2, 3, 3])).sum()
    for point in [(0.3, np.array([-1.0, 0.2, 1.1])), (25.0, np.array([-1.0, 0.2, 1.1]))]:
        _assert_gradient_matches_finite_differences([eta, cutpoints], logp_sum, point)


def test_unordered_cutpoints_are_rejected():
    with ppl.Model():
        with pytest.raises(ParameterValueError,
                           match=r"OrderedLogistic 'y': parameter cutpoints is \[0.0, -1.0\], expected "
                                 r"cutpoints in increasing order"):
            ppl.OrderedLogistic("y", eta=0.0, cutpoints=[0.0, -1.0])
    c = pt.dvector("c")
    f = pytensor.function([c], ppl.logp(ppl.OrderedLogistic.dist(eta=0.0, cutpoints=c), 1))
    with pytest.raises(ParameterValueError, match="cutpoints in increasing order"):
        f(np.array([1.0, 0.0]))


@pytest.mark.parametrize("cutpoints, match", [(1.0, "cutpoints must be a vector"),
                                               (np.zeros(0), "at least one cutpoint")])
def test_cutpoints_must_be_a_non_empty_vector(cutpoints, match):
    with pytest.raises(ParameterValueError, match=match):
        ppl.OrderedLogistic.dist(eta=0.0, cutpoints=cutpoints)


def test_probs_deterministic_and_compute_p():
    with ppl.Model() as m:
        eta = np.array([-1.0, 0.0, 2.0])
        y = ppl.OrderedLogistic("y", eta=eta, cutpoints=[-0.5, 0.5], observed=[0, 1, 2])
        ppl.OrderedLogistic("z", eta=0.0, cutpoints=[-0.5, 0.5], compute_p=False)
    assert [d.name for d in m.deterministics] == ["y_probs"]
    probs = m["y_probs"].eval()
    assert probs.shape == (3, 3)
    np.testing.assert_allclose(probs, [_probs(e, np.array([-0.5, 0.5])) for e in eta])
    np.testing.assert_allclose(probs, ppl.draw(y.owner.inputs[-1]))


def test_batched_cutpoints_and_support_point():
    rv = ppl.OrderedLogistic.dist(eta=np.array([-3.0, 0.0, 3.0]),
                                  cutpoints=np.array([[-1.0, 1.0], [-1.0, 1.0], [-4.0, -2.0]]))
    np.testing.assert_array_equal(support_point(rv).eval(), [0, 1, 2])
    assert ppl.logp(rv, np.array([0, 1, 2])).eval().shape == (3,)


def test_free_variable_gets_categorical_gibbs():
    with ppl.Model() as m:
        ppl.OrderedLogistic("y", eta=0.0, cutpoints=[-1.0, 0.0, 1.0])
    assert m.value_vars[0].dtype == "int64"
    assert [type(s).__name__ for s in ppl.assign_step_methods(m)] == ["CategoricalGibbsMetropolis"]


def test_draws_match_the_class_probabilities():
    check_draws(ppl.OrderedLogistic, {"eta": 0.4, "cutpoints": np.array([-1.0, 0.5, 2.0])},
                _Reference(0.4, [-1.0, 0.5, 2.0]))


def test_default_mode_draws_match_the_class_probabilities():
    with pytensor.config.change_flags(mode="NUMBA"):
        check_draws(ppl.OrderedLogistic, {"eta": -0.8, "cutpoints": np.array([-1.0, 1.0])},
                    _Reference(-0.8, [-1.0, 1.0]))
