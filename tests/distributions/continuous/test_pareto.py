import numpy as np
import pytest
import scipy.stats as st

import ppl
from ppl.exceptions import ParameterValueError
from ppl.forward.draw import draw
from ppl.logprob.dispatch import support_point
from ppl.testing import Rplus, Rplus_nonzero, check_draws, check_icdf, check_logcdf, check_logp

QUICK = {"mode": "FAST_COMPILE"}
PARAMS = {"alpha": Rplus_nonzero, "m": Rplus_nonzero}


def test_logp_matches_scipy():
    # values below m (inside Rplus) must give -inf as well
    check_logp(ppl.Pareto, Rplus, PARAMS,
               lambda value, alpha, m: st.pareto.logpdf(value, alpha, scale=m))


def test_logcdf_matches_scipy():
    check_logcdf(ppl.Pareto, Rplus, PARAMS,
                 lambda value, alpha, m: st.pareto.logcdf(value, alpha, scale=m))


def test_icdf_matches_scipy():
    check_icdf(ppl.Pareto, PARAMS, lambda q, alpha, m: st.pareto.ppf(q, alpha, scale=m))


@pytest.mark.parametrize(
    "kwargs, text",
    [
        ({"alpha": -1.0, "m": 1.0}, "parameter alpha is -1.0, expected alpha > 0"),
        ({"alpha": 1.0, "m": 0.0}, "parameter m is 0.0, expected m > 0"),
    ],
)
def test_invalid_literal_names_distribution_variable_and_value(kwargs, text):
    with ppl.Model():
        with pytest.raises(ParameterValueError, match=f"Pareto 'x': {text}"):
            ppl.Pareto("x", **kwargs)


def test_default_transform_is_a_lower_bound_at_m():
    with ppl.Model() as m:
        ppl.Pareto("x", alpha=2.0, m=np.array([0.5, 3.0]))
    assert [v.name for v in m.value_vars] == ["x_interval__"]
    rv = m.free_RVs[0]
    transform = m.rvs_to_transforms[rv]
    x = transform.backward(np.array([-30.0, 2.0]), *rv.owner.inputs).eval(**QUICK)
    assert np.all(x > [0.5, 3.0])
    np.testing.assert_allclose(support_point(rv).eval(**QUICK), np.array([0.5, 3.0]) * np.sqrt(2.0))


def test_draws_match_scipy():
    check_draws(ppl.Pareto, {"alpha": 3.0, "m": 2.0}, st.pareto(3.0, scale=2.0))


def test_draws_in_python_backend():
    samples = draw(ppl.Pareto.dist(0.8, 1.5, size=2000), random_seed=7, mode="FAST_COMPILE")
    assert st.kstest(samples, st.pareto(0.8, scale=1.5).cdf).pvalue > 0.001
