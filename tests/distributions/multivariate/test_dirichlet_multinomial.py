import itertools

import numpy as np
import pytensor
import pytensor.tensor as pt
import pytest
import scipy.stats as st

import ppl
from ppl.exceptions import ParameterValueError, ShapeError
from ppl.forward.draw import draw
from ppl.logprob.dispatch import support_point


def all_counts(n, k):
    """Every vector of k non-negative counts summing to n."""
    return np.array([c for c in itertools.product(range(n + 1), repeat=k) if sum(c) == n])


@pytest.fixture(scope="module")
def compiled_logp():
    n, a, value = pt.lscalar("n"), pt.dvector("a"), pt.lmatrix("value")
    logp = ppl.logp(ppl.DirichletMultinomial.dist(n, a), value)
    # Module-scoped, so set up outside conftest's FAST_COMPILE fixture: give the mode here.
    return pytensor.function([value, n, a], logp, mode="FAST_COMPILE")


@pytest.mark.parametrize("k", [2, 3, 4])
def test_logp_matches_scipy_on_the_whole_support(compiled_logp, k):
    rng = np.random.default_rng(k)
    for n in [1, 5, 9]:
        values = all_counts(n, k)
        for a in [np.ones(k), np.full(k, 0.1), rng.uniform(0.2, 20.0, size=k)]:
            expected = st.dirichlet_multinomial(a, n).logpmf(values)
            got = compiled_logp(values, n, a)
            np.testing.assert_allclose(got, expected, rtol=1e-8, err_msg=f"n={n}, a={a}")
            # With the pmf exact, the probabilities of the whole support add up to 1.
            np.testing.assert_allclose(np.exp(got).sum(), 1.0, rtol=1e-10)


def test_two_categories_is_the_beta_binomial(compiled_logp):
    values = all_counts(7, 2)
    expected = st.betabinom(7, 0.8, 2.5).logpmf(values[:, 0])
    np.testing.assert_allclose(compiled_logp(values, 7, np.array([0.8, 2.5])), expected, rtol=1e-10)


def test_zero_trials_is_a_point_mass(compiled_logp):
    got = compiled_logp(np.array([[0, 0, 0], [1, 0, -1]]), 0, np.array([1.0, 2.0, 3.0]))
    np.testing.assert_array_equal(got, [0.0, -np.inf])


def test_logp_is_minus_inf_outside_the_support(compiled_logp):
    a = np.array([0.5, 1.0, 2.0])
    outside = np.array([[-1, 3, 3], [1, 1, 1], [2, 2, 2], [0, 0, 6]])
    np.testing.assert_array_equal(compiled_logp(outside, 5, a)[:3], -np.inf)
    assert np.isfinite(compiled_logp(outside, 6, a)[3])


def test_symbolic_invalid_parameters_raise_at_evaluation(compiled_logp):
    x = np.array([[1, 1, 2]])
    with pytest.raises(ParameterValueError, match="a > 0"):
        compiled_logp(x, 4, np.array([0.5, 0.0, 1.0]))
    with pytest.raises(ParameterValueError, match="n >= 0"):
        compiled_logp(x, -4, np.array([0.2, 0.3, 0.5]))


def test_logp_batched_parameters_broadcast():
    n = np.array([3, 10])
    a = np.array([[0.5, 2.0, 1.0]])
    rv = ppl.DirichletMultinomial.dist(n=n, a=a, size=(4, 2))
    assert rv.type.shape == (4, 2, 3)
    x = draw(rv, random_seed=5)
    expected = [[st.dirichlet_multinomial(a[0], n[j]).logpmf(x[i, j]) for j in range(2)] for i in range(4)]
    np.testing.assert_allclose(ppl.logp(rv, x).eval(), expected, rtol=1e-8)


@pytest.mark.parametrize(
    ("n", "a", "match"),
    [
        (-1, [0.5, 0.5], r"parameter n is -1, expected n >= 0"),
        (2.5, [0.5, 0.5], r"expected integer values"),
        (3, [-0.5, 1.5], r"parameter a is \[-0.5\] .*expected a > 0"),
        (3, [0.0, 1.0], r"parameter a is \[0.\] .*expected a > 0"),
    ],
)
def test_invalid_literal_parameters_raise_at_definition(n, a, match):
    with ppl.Model():
        with pytest.raises(ParameterValueError, match=r"DirichletMultinomial 'x': " + match):
            ppl.DirichletMultinomial("x", n=n, a=a)


def test_shape_size_dims_and_support_point():
    a = np.array([1.0, 2.0, 3.0])
    assert ppl.DirichletMultinomial.dist(5, a, size=(4,)).type.shape == (4, 3)
    assert ppl.DirichletMultinomial.dist([5, 6], a).type.shape == (2, 3)
    with pytest.raises(ShapeError, match="parameter a has 0 dimension"):
        ppl.DirichletMultinomial.dist(5, 0.5)
    with ppl.Model(coords={"trial": range(4), "outcome": ["a", "b", "c"]}) as m:
        x = ppl.DirichletMultinomial("x", n=6, a=a, dims=("trial", "outcome"))
    assert x.type.shape == (4, 3) and x.dtype == "int64"
    np.testing.assert_array_equal(m.initial_point()["x"], np.tile([1, 2, 3], (4, 1)))
    got = support_point(ppl.DirichletMultinomial.dist(np.array([[0], [7], [10]]), np.array([[2.0, 3.0, 5.0], [1.0, 1.0, 1.0]]))).eval()
    assert got.shape == (3, 2, 3) and got.dtype.kind == "i"
    np.testing.assert_array_equal(got.sum(-1), np.broadcast_to([[0], [7], [10]], (3, 2)))
    np.testing.assert_array_equal(got[1, 0], [1, 2, 4])  # 7 * a / sum(a) = [1.4, 2.1, 3.5]


@pytest.mark.parametrize("mode", ["FAST_COMPILE", "NUMBA"])
def test_draws_sum_to_n_and_marginal_is_beta_binomial(mode):
    n, a, n_draws = 12, np.array([0.7, 2.0, 3.5]), 4000
    samples = draw(ppl.DirichletMultinomial.dist(np.array([n, 0]), a, size=(n_draws, 2)), random_seed=20261122, mode=mode)
    assert samples.shape == (n_draws, 2, 3) and samples.dtype == np.int64
    np.testing.assert_array_equal(samples[:, 0].sum(-1), n)
    np.testing.assert_array_equal(samples[:, 1], 0)
    # Chi-square goodness of fit of the first count against BetaBinomial(n, a_0, sum(a) - a_0),
    # cells with an expected count >= 5 plus one pooled cell; the seed is fixed.
    values = np.arange(n + 1)
    expected = st.betabinom(n, a[0], a.sum() - a[0]).pmf(values) * n_draws
    observed = np.bincount(samples[:, 0, 0], minlength=n + 1)
    keep = expected >= 5
    observed = np.append(observed[keep], observed[~keep].sum())
    expected = np.append(expected[keep], n_draws - expected[keep].sum())
    assert st.chisquare(observed, expected).pvalue > 1e-3
    # overdispersion: the variance of a count exceeds the multinomial's n p (1 - p)
    p = a / a.sum()
    var = n * p * (1 - p) * (n + a.sum()) / (1 + a.sum())
    np.testing.assert_allclose(samples[:, 0].var(0), var, rtol=0.1)


def test_default_mode_compiles_logp():
    # The rest of this module runs in FAST_COMPILE (see conftest.py); this covers PyTensor's
    # default backend (Numba in PyTensor 3) once.
    with pytensor.config.change_flags(mode="NUMBA"):
        with ppl.Model() as m:
            a = ppl.HalfNormal("a", 2.0, shape=3)
            ppl.DirichletMultinomial("x", n=10, a=a, observed=[2, 3, 5])
        logp, grad = m.logp_dlogp_function()(np.array([0.1, -0.2, 0.3]))
    assert np.isfinite(logp) and np.all(np.isfinite(grad))
