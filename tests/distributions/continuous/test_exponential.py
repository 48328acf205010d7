import numpy as np
import pytest
import scipy.stats as st

import ppl
from ppl.exceptions import ParameterValueError
from ppl.logprob.dispatch import support_point
from ppl.testing import Rplus, Rplus_nonzero, check_draws, check_icdf, check_logcdf, check_logp


@pytest.mark.usefixtures("numba_backend")
def test_logp_matches_scipy():
    check_logp(ppl.Exponential, Rplus, {"lam": Rplus_nonzero},
               lambda value, lam: st.expon.logpdf(value, scale=1 / lam))


def test_logcdf_matches_scipy():
    check_logcdf(ppl.Exponential, Rplus, {"lam": Rplus_nonzero},
                 lambda value, lam: st.expon.logcdf(value, scale=1 / lam))


def test_icdf_matches_scipy():
    check_icdf(ppl.Exponential, {"lam": Rplus_nonzero}, lambda q, lam: st.expon.ppf(q, scale=1 / lam))


def test_scale_parameterization_matches_scipy():
    check_logp(ppl.Exponential, Rplus, {"scale": Rplus_nonzero},
               lambda value, scale: st.expon.logpdf(value, scale=scale))
    check_logcdf(ppl.Exponential, Rplus, {"scale": Rplus_nonzero},
                 lambda value, scale: st.expon.logcdf(value, scale=scale))
    # scale = 4 is lam = 0.25
    got = ppl.logp(ppl.Exponential.dist(scale=4.0), 1.3).eval()
    np.testing.assert_allclose(got, np.log(0.25) - 0.25 * 1.3, rtol=1e-7)


def test_default_lam_is_one():
    np.testing.assert_allclose(ppl.logp(ppl.Exponential.dist(), 1.3).eval(), -1.3)


def test_lam_and_scale_together_is_an_error():
    with pytest.raises(ParameterValueError, match="Exponential: give lam or scale, not both"):
        ppl.Exponential.dist(lam=1.0, scale=2.0)


@pytest.mark.parametrize("kwargs, text", [
    ({"lam": -1.0}, "parameter lam is -1.0, expected lam > 0"),
    ({"scale": 0.0}, "parameter scale is 0.0, expected scale > 0"),
])
def test_invalid_literal_names_distribution_variable_and_value(kwargs, text):
    with ppl.Model():
        with pytest.raises(ParameterValueError, match=f"Exponential 'x': {text}"):
            ppl.Exponential("x", **kwargs)


def test_draws_match_scipy():
    check_draws(ppl.Exponential, {"lam": 0.5}, st.expon(scale=2.0))


def test_default_transform_is_log():
    with ppl.Model() as m:
        ppl.Exponential("x", lam=2.0)
    assert [v.name for v in m.value_vars] == ["x_log__"]


def test_support_point_is_mean_broadcast():
    rv = ppl.Exponential.dist(lam=np.array([1.0, 4.0]), shape=(3, 2))
    np.testing.assert_allclose(support_point(rv).eval(), np.tile([1.0, 0.25], (3, 1)))


def test_icdf_of_a_python_float_is_computed_in_double_precision():
    # 0.75 is exact in float32; a float32 computation would be off by ~1e-9 here
    got = ppl.icdf(ppl.Exponential.dist(lam=2.0), 0.75).eval()
    np.testing.assert_allclose(got, np.log(4.0) / 2.0, rtol=1e-15)


def test_logcdf_near_zero_is_accurate():
    # cdf = 1 - exp(-1e-12) ~ 1e-12: log(1 - exp(-x)) loses digits, log(-expm1(-x)) does not
    got = ppl.logcdf(ppl.Exponential.dist(lam=1.0), 1e-12).eval()
    np.testing.assert_allclose(got, st.expon.logcdf(1e-12), rtol=1e-7)
