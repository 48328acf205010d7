import numpy as np
import pytensor
import pytest
import scipy.stats as st

import ppl
from ppl.exceptions import ParameterValueError
from ppl.logprob.dispatch import support_point
from ppl.testing import Domain, Nat, check_draws, check_logcdf, check_logp


@pytest.fixture(autouse=True)
def fast_compile():
    # grids compile with the Python linker; test_default_mode_* covers PyTensor's Numba default
    with pytensor.config.change_flags(mode="FAST_COMPILE"):
        yield


# Every combination is valid (k, n <= N), with the edges k = 0, k = N, n = 0 and n = N.
PARAMS = {
    "N": Domain((20, 25, 40), outside=(-1,), dtype="int64"),
    "k": Domain((0, 1, 5, 12, 20), outside=(-1,), dtype="int64"),
    "n": Domain((0, 1, 7, 20), outside=(-1,), dtype="int64"),
}


def test_logp_matches_scipy():
    check_logp(ppl.HyperGeometric, Nat, PARAMS,
               lambda value, N, k, n: st.hypergeom.logpmf(value, N, k, n))


def test_logcdf_matches_scipy():
    check_logcdf(ppl.HyperGeometric, Nat, PARAMS,
                 lambda value, N, k, n: st.hypergeom.logcdf(value, N, k, n))


def test_support_lower_edge_and_upper_tail():
    # N = 10, k = 7, n = 6: the support is 3..6
    rv = ppl.HyperGeometric.dist(N=10, k=7, n=6)
    values = np.arange(-1, 8)
    np.testing.assert_allclose(ppl.logp(rv, values).eval(), st.hypergeom.logpmf(values, 10, 7, 6))
    np.testing.assert_allclose(ppl.logcdf(rv, values).eval(), st.hypergeom.logcdf(values, 10, 7, 6))
    big = ppl.HyperGeometric.dist(N=500, k=250, n=250)
    np.testing.assert_allclose(ppl.logcdf(big, 200).eval(), np.log1p(-st.hypergeom.sf(200, 500, 250, 250)),
                               rtol=1e-9)


@pytest.mark.parametrize("kwargs, match", [
    ({"N": -2, "k": 0, "n": 0}, r"parameter N is -2(\.0)?, expected N an integer >= 0"),
    ({"N": 10, "k": 11, "n": 3}, r"parameter k is 11(\.0)?, expected k <= N \(N = 10\)"),
    ({"N": 10, "k": 3, "n": 12}, r"parameter n is 12(\.0)?, expected n <= N"),
    ({"N": 10, "k": 2.5, "n": 3}, r"parameter k is 2.5, expected k an integer >= 0"),
])
def test_invalid_literal_names_distribution_variable_and_value(kwargs, match):
    with ppl.Model():
        with pytest.raises(ParameterValueError, match="HyperGeometric 'h': " + match):
            ppl.HyperGeometric("h", **kwargs)


def test_symbolic_k_above_N_raises_when_evaluated():
    k = pytensor.tensor.lscalar("k")
    f = pytensor.function([k], ppl.logp(ppl.HyperGeometric.dist(N=10, k=k, n=3), 1))
    with pytest.raises(ParameterValueError, match=r"HyperGeometric: .*0 <= k <= N"):
        f(11)


def test_support_point_is_the_mode():
    rv = ppl.HyperGeometric.dist(N=np.array([50, 10]), k=np.array([10, 7]), n=np.array([20, 6]))
    np.testing.assert_array_equal(support_point(rv).eval(), [4, 4])


def test_value_var_is_int64_and_sampled_by_metropolis():
    with ppl.Model() as m:
        ppl.HyperGeometric("h", N=20, k=5, n=8)
    assert m.value_vars[0].dtype == "int64"
    assert [type(s).__name__ for s in ppl.assign_step_methods(m)] == ["Metropolis"]


def test_draws_match_scipy():
    check_draws(ppl.HyperGeometric, {"N": 40, "k": 15, "n": 12}, st.hypergeom(40, 15, 12))


def test_default_mode_draws_match_scipy():
    # n = 12 draws the sample item by item, n = 33 its complement: one compiled function
    n = np.array([12, 33])
    with pytensor.config.change_flags(mode="NUMBA"):
        samples = ppl.draw(ppl.HyperGeometric.dist(N=40, k=15, n=n, size=(2000, 2)), random_seed=4)
    for column, n_i in zip(samples.T, n, strict=True):
        support = np.arange(16)
        expected = st.hypergeom.pmf(support, 40, 15, n_i) * column.size
        observed = np.bincount(column, minlength=16)
        keep = expected >= 5
        observed = np.append(observed[keep], observed[~keep].sum())
        expected = np.append(expected[keep], column.size - expected[keep].sum())
        assert st.chisquare(observed, expected).pvalue > 1e-3
