import numpy as np
import pytest
import scipy.special as sp
import scipy.stats as st

import ppl
from ppl.exceptions import ParameterValueError
from ppl.forward.draw import draw
from ppl.logprob.dispatch import support_point
from ppl.testing import Rplus_nonzero, Unit, check_draws, check_icdf, check_logcdf, check_logp

QUICK = {"mode": "FAST_COMPILE"}

# scipy has no Kumaraswamy distribution: these are its closed forms, written independently (in
# NumPy, with xlogy / xlog1py for the 0 * log(0) = 0 convention at the edges).


def _logpdf(value, a, b):
    with np.errstate(divide="ignore", invalid="ignore"):
        inside = np.log(a) + np.log(b) + sp.xlogy(a - 1.0, value) + sp.xlog1py(b - 1.0, -value**a)
    return np.where((value >= 0) & (value <= 1), inside, -np.inf)


def _cdf(value, a, b):
    x = np.clip(value, 0.0, 1.0)
    return -np.expm1(b * np.log1p(-(x**a)))  # 1 - (1 - x^a)^b


def _logcdf(value, a, b):
    with np.errstate(divide="ignore"):
        return np.log(_cdf(value, a, b))


def _ppf(q, a, b):
    return (-np.expm1(np.log1p(-q) / b)) ** (1.0 / a)


class _Kumaraswamy:
    """Frozen reference with the ``cdf`` that ``check_draws`` needs."""

    def __init__(self, a, b):
        self.a, self.b = a, b

    def cdf(self, x):
        return _cdf(np.asarray(x), self.a, self.b)


def test_logp_matches_closed_form():
    check_logp(ppl.Kumaraswamy, Unit, {"a": Rplus_nonzero, "b": Rplus_nonzero}, _logpdf)


def test_logcdf_matches_closed_form():
    check_logcdf(ppl.Kumaraswamy, Unit, {"a": Rplus_nonzero, "b": Rplus_nonzero}, _logcdf)


def test_icdf_matches_closed_form():
    check_icdf(ppl.Kumaraswamy, {"a": Rplus_nonzero, "b": Rplus_nonzero}, _ppf)


def test_reference_is_the_beta_at_a_equal_1():
    # Kumaraswamy(1, b) = Beta(1, b): ties the hand-written reference to scipy
    x = np.array([0.0, 0.2, 0.7, 1.0])
    np.testing.assert_allclose(_logpdf(x, 1.0, 3.5), st.beta.logpdf(x, 1.0, 3.5), rtol=1e-12)
    np.testing.assert_allclose(_logcdf(x, 1.0, 3.5), st.beta.logcdf(x, 1.0, 3.5), rtol=1e-12)


@pytest.mark.parametrize(
    "kwargs, text",
    [
        ({"a": -1.0, "b": 2.0}, "parameter a is -1.0, expected a > 0"),
        ({"a": 1.0, "b": 0.0}, "parameter b is 0.0, expected b > 0"),
    ],
)
def test_invalid_literal_names_distribution_variable_and_value(kwargs, text):
    with ppl.Model():
        with pytest.raises(ParameterValueError, match=f"Kumaraswamy 'p': {text}"):
            ppl.Kumaraswamy("p", **kwargs)


def test_default_transform_is_logodds_and_support_point_is_the_mean():
    with ppl.Model() as m:
        ppl.Kumaraswamy("p", a=np.array([2.0, 0.5]), b=3.0)
    assert [v.name for v in m.value_vars] == ["p_logodds__"]
    a = np.array([2.0, 0.5])
    mean = 3.0 * sp.beta(1.0 + 1.0 / a, 3.0)
    np.testing.assert_allclose(support_point(m.free_RVs[0]).eval(**QUICK), mean, rtol=1e-12)


def test_draws_match_closed_form():
    check_draws(ppl.Kumaraswamy, {"a": 2.0, "b": 5.0}, _Kumaraswamy(2.0, 5.0))


def test_draws_in_python_backend():
    samples = draw(ppl.Kumaraswamy.dist(0.5, 0.8, size=2000), random_seed=7, mode="FAST_COMPILE")
    assert st.kstest(samples, _Kumaraswamy(0.5, 0.8).cdf).pvalue > 0.001
