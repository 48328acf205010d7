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
    n, p, value = pt.lscalar("n"), pt.dvector("p"), pt.lmatrix("value")
    logp = ppl.logp(ppl.Multinomial.dist(n, p), value)
    # Module-scoped, so set up outside conftest's FAST_COMPILE fixture: give the mode here.
    return pytensor.function([value, n, p], logp, mode="FAST_COMPILE")


@pytest.mark.parametrize("k", [2, 3, 4])
def test_logp_matches_scipy_on_the_whole_support(compiled_logp, k):
    rng = np.random.default_rng(k)
    for n in [0, 1, 5, 9]:
        values = all_counts(n, k)
        for p in [np.full(k, 1.0 / k), rng.dirichlet(np.ones(k)), np.append(np.zeros(k - 1), 1.0)]:
            expected = st.multinomial(n, p).logpmf(values)
            np.testing.assert_allclose(compiled_logp(values, n, p), expected, rtol=1e-7, err_msg=f"n={n}, p={p}")
            # With the pmf exact, the probabilities of the whole support add up to 1.
            np.testing.assert_allclose(np.exp(compiled_logp(values, n, p)).sum(), 1.0, rtol=1e-12)


def test_logp_is_minus_inf_outside_the_support(compiled_logp):
    p = np.array([0.2, 0.3, 0.5])
    outside = np.array([[-1, 3, 3], [1, 1, 1], [2, 2, 2], [0, 0, 6]])
    np.testing.assert_array_equal(compiled_logp(outside, 5, p)[:3], -np.inf)
    assert np.isfinite(compiled_logp(outside, 6, p)[3])


def test_logp_batched_parameters_broadcast():
    n = np.array([3, 10])
    p = np.array([[0.1, 0.2, 0.7]])
    rv = ppl.Multinomial.dist(n=n, p=p, size=(4, 2))
    assert rv.type.shape == (4, 2, 3)
    x = draw(rv, random_seed=5)
    expected = [[st.multinomial(n[j], p[0]).logpmf(x[i, j]) for j in range(2)] for i in range(4)]
    np.testing.assert_allclose(ppl.logp(rv, x).eval(), expected, rtol=1e-7)


def test_literal_p_not_summing_to_one_is_rescaled_with_a_warning():
    # PyMC 5 behaviour: a constant p is normalised (UserWarning); a symbolic one is rejected.
    with pytest.warns(UserWarning, match=r"p sums to 2.0 along its last axis, not 1"):
        rv = ppl.Multinomial.dist(n=4, p=[0.5, 0.5, 1.0])
    np.testing.assert_allclose(ppl.logp(rv, [1, 1, 2]).eval(), st.multinomial(4, [0.25, 0.25, 0.5]).logpmf([1, 1, 2]), rtol=1e-7)


def test_symbolic_invalid_parameters_raise_at_evaluation(compiled_logp):
    x = np.array([[1, 1, 2]])
    with pytest.raises(ParameterValueError, match=r"sum\(p\) = 1"):
        compiled_logp(x, 4, np.array([0.5, 0.5, 1.0]))
    with pytest.raises(ParameterValueError, match="0 <= p <= 1"):
        compiled_logp(x, 4, np.array([-0.5, 0.5, 1.0]))
    with pytest.raises(ParameterValueError, match="n >= 0"):
        compiled_logp(x, -4, np.array([0.2, 0.3, 0.5]))


@pytest.mark.parametrize(
    ("n", "p", "match"),
    [
        (-1, [0.5, 0.5], r"parameter n is -1, expected n >= 0"),
        (2.5, [0.5, 0.5], r"expected integer values"),
        (3, [-0.5, 1.5], r"parameter p is \[-0.5,\s+1.5\] .*expected 0 <= p <= 1"),
        (3, [0.0, 0.0], r"parameter p sums to 0.0"),
    ],
)
def test_invalid_literal_parameters_raise_at_definition(n, p, match):
    with ppl.Model():
        with pytest.raises(ParameterValueError, match=r"Multinomial 'x': " + match):
            ppl.Multinomial("x", n=n, p=p)


def test_shape_size_and_dims():
    p = np.array([0.2, 0.3, 0.5])
    assert ppl.Multinomial.dist(5, p, size=(4,)).type.shape == (4, 3)
    assert ppl.Multinomial.dist(5, p, shape=(2, 4, 3)).type.shape == (2, 4, 3)
    assert ppl.Multinomial.dist([5, 6], p).type.shape == (2, 3)
    with ppl.Model(coords={"trial": range(4), "outcome": ["a", "b", "c"]}):
        x = ppl.Multinomial("x", n=5, p=p, dims=("trial", "outcome"), observed=np.tile([1, 1, 3], (4, 1)))
    assert x.type.shape == (4, 3)
    with pytest.raises(ShapeError, match=r"shape \(4, 2\) ends in support shape \(2,\)"):
        ppl.Multinomial.dist(5, p, shape=(4, 2))
    with pytest.raises(ShapeError, match="parameter p has 0 dimension"):
        ppl.Multinomial.dist(5, 0.5)


def test_support_point_is_a_valid_rounding_of_n_p():
    n = np.array([[0], [1], [7], [10], [101]])
    p = np.array([[0.2, 0.3, 0.5], [0.45, 0.45, 0.1], [1 / 3, 1 / 3, 1 / 3]])
    got = support_point(ppl.Multinomial.dist(n, p)).eval()
    assert got.shape == (5, 3, 3) and got.dtype.kind == "i"
    np.testing.assert_array_equal(got.sum(-1), np.broadcast_to(n, (5, 3)))
    assert np.all(np.abs(got - n[..., None] * p) < 1)  # within one of the mean, componentwise
    np.testing.assert_array_equal(got[2, 0], [1, 2, 4])  # 7 * p = [1.4, 2.1, 3.5]
    assert tuple(got[3, 1]) in {(5, 4, 1), (4, 5, 1)}  # 10 * p = [4.5, 4.5, 1]: a tie


def test_draws_sum_to_n_and_marginal_is_binomial():
    n, p, n_draws = 12, np.array([0.15, 0.35, 0.5]), 4000
    samples = draw(ppl.Multinomial.dist(n, p, size=n_draws), random_seed=20261122)
    assert samples.shape == (n_draws, 3)
    np.testing.assert_array_equal(samples.sum(-1), n)
    # Chi-square goodness of fit of the first count against Binomial(n, p_0), cells with an
    # expected count >= 5 plus one pooled cell; fixed seed, so the test is deterministic.
    values = np.arange(n + 1)
    expected = st.binom(n, p[0]).pmf(values) * n_draws
    observed = np.bincount(samples[:, 0], minlength=n + 1)
    keep = expected >= 5
    observed = np.append(observed[keep], observed[~keep].sum())
    expected = np.append(expected[keep], n_draws - expected[keep].sum())
    assert st.chisquare(observed, expected).pvalue > 1e-3


def test_default_mode_compiles_logp():
    # The rest of this module runs in FAST_COMPILE (see conftest.py); this covers PyTensor's
    # default backend (Numba in PyTensor 3) once.
    with pytensor.config.change_flags(mode="NUMBA"):
        with ppl.Model() as m:
            p = ppl.Dirichlet("p", a=np.ones(3))
            ppl.Multinomial("x", n=10, p=p, observed=[2, 3, 5])
        logp, grad = m.logp_dlogp_function()(np.array([0.1, -0.2]))
    assert np.isfinite(logp) and np.all(np.isfinite(grad))
