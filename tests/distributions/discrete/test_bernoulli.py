import numpy as np
import pytest
import scipy.special as sp
import scipy.stats as st

import ppl
from ppl.exceptions import ModelError, ParameterValueError
from ppl.testing import Bool, Domain, Rfinite, Unit, check_draws, check_logcdf, check_logp


def _logit_logpmf(value, logit_p):
    # Exact reference in the logit scale: log(sigmoid(+-l)), finite even where expit rounds.
    return np.where(value == 1, sp.log_expit(logit_p), sp.log_expit(-logit_p))


def _logit_logcdf(value, logit_p):
    return np.where(value < 0, -np.inf, np.where(value < 1, sp.log_expit(-logit_p), 0.0))


def test_logp_matches_scipy():
    check_logp(ppl.Bernoulli, Bool, {"p": Unit}, lambda value, p: st.bernoulli.logpmf(value, p))


def test_logcdf_matches_scipy():
    check_logcdf(ppl.Bernoulli, Bool, {"p": Unit}, lambda value, p: st.bernoulli.logcdf(value, p))


def test_logit_p_logp_matches_scipy():
    moderate = Domain((-5.0, -1.0, -0.3, 0.0, 0.7, 2.0, 5.0))
    check_logp(ppl.Bernoulli, Bool, {"logit_p": moderate},
               lambda value, logit_p: st.bernoulli.logpmf(value, sp.expit(logit_p)))


def test_logit_p_is_stable_where_p_rounds_to_0_or_1():
    # Rfinite holds logit_p = +-100, where expit gives exactly 1.0 / 3.7e-44.
    check_logp(ppl.Bernoulli, Bool, {"logit_p": Rfinite}, _logit_logpmf)
    check_logcdf(ppl.Bernoulli, Bool, {"logit_p": Rfinite}, _logit_logcdf)
    np.testing.assert_allclose(ppl.logp(ppl.Bernoulli.dist(logit_p=100.0), 0).eval(), -100.0)


def test_logit_p_changes_the_answer():
    # logit_p = 0.7 -> p = 0.668..., not 0.7
    got = ppl.logp(ppl.Bernoulli.dist(logit_p=0.7), 1).eval()
    np.testing.assert_allclose(got, np.log(sp.expit(0.7)))
    assert not np.isclose(got, np.log(0.7))


def test_non_integer_value_has_no_mass():
    assert ppl.logp(ppl.Bernoulli.dist(0.3), 0.5).eval() == -np.inf


@pytest.mark.parametrize("kwargs, match", [({}, "one of p or logit_p"),
                                           ({"p": 0.5, "logit_p": 0.0}, "not both")])
def test_p_and_logit_p_exactly_one(kwargs, match):
    with pytest.raises(ParameterValueError, match=match):
        ppl.Bernoulli.dist(**kwargs)


def test_invalid_literal_p_names_parameter_and_value():
    with ppl.Model():
        with pytest.raises(ParameterValueError,
                           match=r"Bernoulli 'x': parameter p is 1.5, expected 0 <= p <= 1"):
            ppl.Bernoulli("x", p=1.5)


@pytest.mark.parametrize("params, p", [({"p": 0.3}, 0.3), ({"logit_p": -0.4}, sp.expit(-0.4))])
def test_draws_match_scipy(params, p):
    check_draws(ppl.Bernoulli, params, st.bernoulli(p))


def test_value_var_is_int64_without_transform_and_support_point_inside():
    with ppl.Model() as m:
        x = ppl.Bernoulli("x", p=np.array([0.2, 0.7]), shape=(3, 2))
    assert m.rvs_to_values[x].dtype == "int64"
    assert m.rvs_to_transforms[x] is None
    point = m.initial_point()["x"]
    assert point.dtype == np.int64
    np.testing.assert_array_equal(point, np.tile([0, 1], (3, 1)))


def test_observed_non_integer_data_is_an_error():
    with ppl.Model():
        with pytest.raises(ModelError, match=r"must be integers.*0.5"):
            ppl.Bernoulli("y", 0.5, observed=[0.0, 0.5])
