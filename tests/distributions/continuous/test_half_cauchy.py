import numpy as np
import pytest
import scipy.stats as st

import ppl
from ppl.exceptions import ParameterValueError
from ppl.forward.draw import draw
from ppl.logprob.dispatch import support_point
from ppl.testing import Rplus, Rplus_nonzero, check_draws, check_icdf, check_logcdf, check_logp


def test_logp_matches_scipy():
    check_logp(ppl.HalfCauchy, Rplus, {"beta": Rplus_nonzero},
               lambda value, beta: st.halfcauchy.logpdf(value, scale=beta))


def test_logcdf_matches_scipy():
    check_logcdf(ppl.HalfCauchy, Rplus, {"beta": Rplus_nonzero},
                 lambda value, beta: st.halfcauchy.logcdf(value, scale=beta))


def test_icdf_matches_scipy():
    check_icdf(ppl.HalfCauchy, {"beta": Rplus_nonzero},
               lambda q, beta: st.halfcauchy.ppf(q, scale=beta))


def test_invalid_literal_names_distribution_variable_and_value():
    with ppl.Model():
        with pytest.raises(ParameterValueError, match="HalfCauchy 'x': parameter beta is 0.0, expected beta > 0"):
            ppl.HalfCauchy("x", beta=0.0)


def test_draws_match_scipy():
    check_draws(ppl.HalfCauchy, {"beta": 2.5}, st.halfcauchy(scale=2.5))


def test_default_transform_is_log():
    with ppl.Model() as m:
        ppl.HalfCauchy("x", beta=1.0)
    assert [v.name for v in m.value_vars] == ["x_log__"]


def test_support_point_shape_and_support():
    rv = ppl.HalfCauchy.dist(beta=np.array([1.0, 2.0]), shape=(3, 2))
    point = support_point(rv).eval()
    assert point.shape == (3, 2)
    assert np.all(np.isfinite(ppl.logp(rv, point).eval()))


def test_logcdf_upper_tail_is_accurate():
    # cdf = 1 - 6.4e-14: 2 arctan(z) / pi loses the digits that 1 - 2 arctan(1/z) / pi keeps
    expected = np.log1p(-st.halfcauchy.sf(1e13))
    np.testing.assert_allclose(ppl.logcdf(ppl.HalfCauchy.dist(1.0), 1e13).eval(), expected, rtol=1e-7)


@pytest.mark.parametrize("mode", ["FAST_COMPILE", None])
def test_draws_in_python_and_numba_backends(mode):
    samples = draw(ppl.HalfCauchy.dist(2.5, size=2000), random_seed=7, mode=mode)
    assert st.kstest(samples, st.halfcauchy(scale=2.5).cdf).pvalue > 0.001
    # broadcast parameters without size: each entry is its own draw
    pair = draw(ppl.HalfCauchy.dist(np.ones(2)), random_seed=7, mode=mode)
    assert pair[0] != pair[1]
