import numpy as np
import pytest
import scipy.stats as st

import ppl
from ppl.exceptions import ParameterValueError
from ppl.forward.draw import draw
from ppl.logprob.dispatch import support_point
from ppl.testing import R, Rfinite, Rplus_nonzero, check_draws, check_icdf, check_logcdf, check_logp


def test_logp_matches_scipy():
    check_logp(ppl.Cauchy, R, {"alpha": Rfinite, "beta": Rplus_nonzero},
               lambda value, alpha, beta: st.cauchy.logpdf(value, alpha, beta))


def test_logcdf_matches_scipy():
    check_logcdf(ppl.Cauchy, R, {"alpha": Rfinite, "beta": Rplus_nonzero},
                 lambda value, alpha, beta: st.cauchy.logcdf(value, alpha, beta))


def test_logcdf_far_lower_tail_is_accurate():
    # 1/2 + arctan(z)/pi cancels for z << 0; the exact value is log(arctan(-1/z)/pi)
    z = -1e12
    expected = np.log(np.arctan(-1.0 / z) / np.pi)
    np.testing.assert_allclose(ppl.logcdf(ppl.Cauchy.dist(0.0, 1.0), z).eval(), expected, rtol=1e-7)


def test_icdf_matches_scipy():
    check_icdf(ppl.Cauchy, {"alpha": Rfinite, "beta": Rplus_nonzero},
               lambda q, alpha, beta: st.cauchy.ppf(q, alpha, beta))


def test_invalid_literal_names_distribution_variable_and_value():
    with ppl.Model():
        with pytest.raises(ParameterValueError, match="Cauchy 'x': parameter beta is -2.0, expected beta > 0"):
            ppl.Cauchy("x", alpha=0.0, beta=-2.0)


def test_draws_match_scipy():
    check_draws(ppl.Cauchy, {"alpha": 1.5, "beta": 2.0}, st.cauchy(1.5, 2.0))


def test_no_default_transform():
    with ppl.Model() as m:
        ppl.Cauchy("x", 0.0, 1.0)
    assert [v.name for v in m.value_vars] == ["x"]


def test_support_point_is_alpha_broadcast():
    rv = ppl.Cauchy.dist(alpha=np.array([1.0, -2.0]), beta=3.0, shape=(3, 2))
    point = support_point(rv).eval()
    np.testing.assert_array_equal(point, np.tile([1.0, -2.0], (3, 1)))


@pytest.mark.parametrize("mode", ["FAST_COMPILE", None])
def test_draws_in_python_and_numba_backends(mode):
    # PyTensor 3.0.7's own Numba Cauchy kernel draws (loc + c) / scale; ours must not
    samples = draw(ppl.Cauchy.dist(1.5, 2.0, size=2000), random_seed=7, mode=mode)
    assert st.kstest(samples, st.cauchy(1.5, 2.0).cdf).pvalue > 0.001
    # broadcast parameters without size: each entry is its own draw
    pair = draw(ppl.Cauchy.dist(np.zeros(2), 1.0), random_seed=7, mode=mode)
    assert pair[0] != pair[1]
