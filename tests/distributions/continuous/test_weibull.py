import numpy as np
import pytest
import scipy.stats as st

import ppl
from ppl.exceptions import ParameterValueError
from ppl.forward.draw import draw
from ppl.logprob.dispatch import support_point
from ppl.testing import Rplus, Rplus_nonzero, check_draws, check_icdf, check_logcdf, check_logp

QUICK = {"mode": "FAST_COMPILE"}
PARAMS = {"alpha": Rplus_nonzero, "beta": Rplus_nonzero}


def _logpdf(value, alpha, beta):
    # scipy gives nan at x = inf for alpha > 1 (inf - inf); the density there is 0
    return np.where(value == np.inf, -np.inf, st.weibull_min.logpdf(value, alpha, scale=beta))


def test_logp_matches_scipy():
    check_logp(ppl.Weibull, Rplus, PARAMS, _logpdf)


def test_logcdf_matches_scipy():
    check_logcdf(ppl.Weibull, Rplus, PARAMS,
                 lambda value, alpha, beta: st.weibull_min.logcdf(value, alpha, scale=beta))


def test_icdf_matches_scipy():
    check_icdf(ppl.Weibull, PARAMS,
               lambda q, alpha, beta: st.weibull_min.ppf(q, alpha, scale=beta))


@pytest.mark.parametrize(
    "kwargs, text",
    [
        ({"alpha": 0.0, "beta": 1.0}, "parameter alpha is 0.0, expected alpha > 0"),
        ({"alpha": 1.0, "beta": -3.0}, "parameter beta is -3.0, expected beta > 0"),
    ],
)
def test_invalid_literal_names_distribution_variable_and_value(kwargs, text):
    with ppl.Model():
        with pytest.raises(ParameterValueError, match=f"Weibull 't': {text}"):
            ppl.Weibull("t", **kwargs)


def test_default_transform_is_log_and_support_point_is_the_median():
    alpha = np.array([0.5, 1.5, 4.0])
    with ppl.Model() as m:
        ppl.Weibull("t", alpha=alpha, beta=2.0)
    assert [v.name for v in m.value_vars] == ["t_log__"]
    np.testing.assert_allclose(support_point(m.free_RVs[0]).eval(**QUICK),
                               st.weibull_min.median(alpha, scale=2.0), rtol=1e-12)


def test_draws_match_scipy():
    # the scale matters: PyTensor's own weibull op has none
    check_draws(ppl.Weibull, {"alpha": 1.5, "beta": 3.0}, st.weibull_min(1.5, scale=3.0))


def test_draws_in_python_backend():
    samples = draw(ppl.Weibull.dist(0.7, 2.0, size=2000), random_seed=7, mode="FAST_COMPILE")
    assert st.kstest(samples, st.weibull_min(0.7, scale=2.0).cdf).pvalue > 0.001
