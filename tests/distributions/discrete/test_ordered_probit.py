import numpy as np
import pytensor
import pytensor.tensor as pt
import pytest
import scipy.stats as st

import ppl
from ppl.exceptions import ParameterValueError
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


ETAS = (-8.0, -2.0, -0.5, 0.0, 0.7, 3.0, 8.0)
SIGMAS = (0.5, 1.0, 3.0)
CUTPOINTS = ([-1.5], [-2.0, 0.0, 1.5], [0.0, 0.0, 2.0])  # the last with an empty class


def _probs(eta, cutpoints, sigma):
    """Phi(z_k) - Phi(z_{k-1}), z = (c - eta) / sigma, each from the tail where it is small."""
    edges = (np.concatenate([[-np.inf], cutpoints, [np.inf]]) - eta) / sigma
    a, b = edges[:-1], edges[1:]
    with np.errstate(invalid="ignore"):
        upper = (a + b) / 2 > 0
    return np.where(upper, st.norm.sf(a) - st.norm.sf(b), st.norm.cdf(b) - st.norm.cdf(a))


class _Reference:
    """Frozen ordered probit with a pmf, for check_draws."""

    def __init__(self, eta, cutpoints, sigma):
        self.p = _probs(eta, np.asarray(cutpoints), sigma)

    def pmf(self, value):
        return self.p[np.asarray(value)]


@pytest.fixture(scope="module")
def compiled():
    value, eta, sigma = pt.lvector("value"), pt.dscalar("eta"), pt.dscalar("sigma")
    cutpoints = pt.dvector("cutpoints")
    rv = ppl.OrderedProbit.dist(eta=eta, cutpoints=cutpoints, sigma=sigma)
    with pytensor.config.change_flags(mode="FAST_COMPILE"):
        return pytensor.function([value, eta, cutpoints, sigma],
                                 [ppl.logp(rv, value), ppl.logcdf(rv, value)])


def test_logp_and_logcdf_match_the_normal_latent(compiled):
    for cutpoints in CUTPOINTS:
        values = np.arange(-1, len(cutpoints) + 2)
        for eta in ETAS:
            for sigma in SIGMAS:
                p = _probs(eta, np.asarray(cutpoints), sigma)
                with np.errstate(divide="ignore"):
                    expected = np.log(np.concatenate([[0.0], p, [0.0]]))
                    expected_cdf = np.log(np.concatenate([[0.0], np.cumsum(p)[:-1], [1.0, 1.0]]))
                logp, logcdf = compiled(values, eta, np.asarray(cutpoints), sigma)
                # atol: near log(1) = 0 the reference's log(p) carries p's absolute rounding error
                np.testing.assert_allclose(logp, expected, rtol=1e-9, atol=1e-15,
                                           err_msg=f"eta={eta}, c={cutpoints}, sigma={sigma}")
                np.testing.assert_allclose(logcdf, expected_cdf, rtol=1e-9, atol=1e-15)


def test_far_tails_stay_finite_and_exact(compiled):
    logp, _ = compiled(np.array([0, 1, 3]), 40.0, np.array([-1.0, 0.0, 1.0]), 1.0)
    np.testing.assert_allclose(logp[0], st.norm.logcdf(-41.0), rtol=1e-12)
    lo, hi = st.norm.logcdf(-41.0), st.norm.logcdf(-40.0)
    np.testing.assert_allclose(logp[1], hi + np.log1p(-np.exp(lo - hi)), rtol=1e-12)
    np.testing.assert_allclose(logp[2], st.norm.logcdf(39.0), atol=1e-300)


def test_sigma_changes_the_answer():
    values = np.arange(3)
    one = ppl.logp(ppl.OrderedProbit.dist(0.3, [-0.5, 0.5]), values).eval()
    two = ppl.logp(ppl.OrderedProbit.dist(0.3, [-0.5, 0.5], sigma=2.0), values).eval()
    np.testing.assert_allclose(two, np.log(_probs(0.3, np.array([-0.5, 0.5]), 2.0)))
    assert not np.allclose(one, two)


def test_gradient_matches_finite_differences():
    eta, cutpoints, sigma = pt.dscalar("eta"), pt.dvector("cutpoints"), pt.dscalar("sigma")
    rv = ppl.OrderedProbit.dist(eta=eta, cutpoints=cutpoints, sigma=sigma)
    logp_sum = ppl.logp(rv, np.array([0, 1, 2, 3, 3])).sum()
    for point in [(0.3, np.array([-1.0, 0.2, 1.1]), 1.3), (9.0, np.array([-1.0, 0.2, 1.1]), 0.7)]:
        _assert_gradient_matches_finite_differences([eta, cutpoints, sigma], logp_sum, point)


@pytest.mark.parametrize("kwargs, match", [
    ({"cutpoints": [1.0, 0.0]}, r"parameter cutpoints is \[1.0, 0.0\], expected cutpoints in increasing"),
    ({"cutpoints": [0.0, 1.0], "sigma": -1.0}, r"parameter sigma is -1.0, expected sigma > 0"),
])
def test_invalid_literal_names_distribution_variable_and_value(kwargs, match):
    with ppl.Model():
        with pytest.raises(ParameterValueError, match="OrderedProbit 'y': " + match):
            ppl.OrderedProbit("y", eta=0.0, **kwargs)


def test_symbolic_invalid_sigma_raises_when_evaluated():
    sigma = pt.dscalar("sigma")
    f = pytensor.function([sigma], ppl.logp(ppl.OrderedProbit.dist(0.0, [0.0], sigma=sigma), 1))
    with pytest.raises(ParameterValueError, match=r"OrderedProbit: .*sigma > 0"):
        f(0.0)


def test_probs_deterministic_and_compute_p():
    with ppl.Model() as m:
        ppl.OrderedProbit("y", eta=[0.0, 1.0], cutpoints=[-0.5, 0.5], sigma=2.0, observed=[0, 2])
        ppl.OrderedProbit("z", eta=0.0, cutpoints=[-0.5, 0.5], compute_p=False)
    assert [d.name for d in m.deterministics] == ["y_probs"]
    np.testing.assert_allclose(m["y_probs"].eval(),
                               [_probs(e, np.array([-0.5, 0.5]), 2.0) for e in (0.0, 1.0)])


def test_free_variable_gets_categorical_gibbs():
    with ppl.Model() as m:
        ppl.OrderedProbit("y", eta=0.0, cutpoints=[-1.0, 0.0, 1.0])
    assert [type(s).__name__ for s in ppl.assign_step_methods(m)] == ["CategoricalGibbsMetropolis"]


def test_draws_match_the_class_probabilities():
    check_draws(ppl.OrderedProbit, {"eta": 0.4, "cutpoints": np.array([-1.0, 0.5, 2.0]), "sigma": 1.5},
                _Reference(0.4, [-1.0, 0.5, 2.0], 1.5))


def test_default_mode_draws_match_the_class_probabilities():
    with pytensor.config.change_flags(mode="NUMBA"):
        check_draws(ppl.OrderedProbit, {"eta": -0.3, "cutpoints": np.array([-1.0, 1.0])},
                    _Reference(-0.3, [-1.0, 1.0], 1.0))
