import numpy as np
import pytest
import scipy.special as sp
import scipy.stats as st

import ppl
from ppl.exceptions import ModelError, ParameterValueError
from ppl.testing import Domain, Nat, Rfinite, Unit, check_draws, check_logcdf, check_logp

MODERATE_LOGITS = Domain((-5.0, -1.0, -0.3, 0.0, 0.7, 2.0, 5.0))


def test_logp_matches_scipy():
    check_logp(ppl.Binomial, Nat, {"n": Nat, "p": Unit},
               lambda value, n, p: st.binom.logpmf(value, n, p))


def test_logcdf_matches_scipy():
    check_logcdf(ppl.Binomial, Nat, {"n": Nat, "p": Unit},
                 lambda value, n, p: st.binom.logcdf(value, n, p))


def test_logit_p_matches_scipy():
    check_logp(ppl.Binomial, Nat, {"n": Nat, "logit_p": MODERATE_LOGITS},
               lambda value, n, logit_p: st.binom.logpmf(value, n, sp.expit(logit_p)))
    check_logcdf(ppl.Binomial, Nat, {"n": Nat, "logit_p": MODERATE_LOGITS},
                 lambda value, n, logit_p: st.binom.logcdf(value, n, sp.expit(logit_p)))


def test_logit_p_is_stable_where_p_rounds_to_0_or_1():
    def reference(value, n, logit_p):
        # Exact log-mass in the logit scale; values above n have no mass.
        with np.errstate(invalid="ignore"):
            res = (sp.gammaln(n + 1.0) - sp.gammaln(value + 1.0) - sp.gammaln(n - value + 1.0)
                   + value * sp.log_expit(logit_p) + (n - value) * sp.log_expit(-logit_p))
        return np.where(value <= n, res, -np.inf)

    check_logp(ppl.Binomial, Nat, {"n": Nat, "logit_p": Rfinite}, reference)
    np.testing.assert_allclose(ppl.logp(ppl.Binomial.dist(3, logit_p=100.0), 1).eval(),
                               np.log(3.0) - 200.0)


def test_non_integer_value_has_no_mass():
    assert ppl.logp(ppl.Binomial.dist(5, 0.3), 1.5).eval() == -np.inf


def test_logcdf_floors_non_integer_values():
    np.testing.assert_allclose(ppl.logcdf(ppl.Binomial.dist(5, 0.3), 2.5).eval(),
                               st.binom.logcdf(2, 5, 0.3))


@pytest.mark.parametrize("n, shown", [(2.5, "2.5"), (-1, r"-1(\.0)?")])
def test_invalid_literal_n_names_parameter_and_value(n, shown):
    with ppl.Model():
        with pytest.raises(ParameterValueError,
                           match=rf"Binomial 'x': parameter n is {shown}, expected n an integer >= 0"):
            ppl.Binomial("x", n=n, p=0.5)


def test_invalid_literal_p_names_parameter_and_value():
    with pytest.raises(ParameterValueError, match=r"parameter p is -0.2, expected 0 <= p <= 1"):
        ppl.Binomial.dist(3, p=-0.2)


@pytest.mark.parametrize("kwargs, match", [({}, "one of p or logit_p"),
                                           ({"p": 0.5, "logit_p": 0.0}, "not both")])
def test_p_and_logit_p_exactly_one(kwargs, match):
    with pytest.raises(ParameterValueError, match=match):
        ppl.Binomial.dist(4, **kwargs)


@pytest.mark.parametrize("params, p", [({"n": 10, "p": 0.3}, 0.3),
                                       ({"n": 7, "logit_p": 1.2}, sp.expit(1.2))])
def test_draws_match_scipy(params, p):
    check_draws(ppl.Binomial, params, st.binom(params["n"], p))


def test_value_var_is_int64_without_transform_and_support_point_inside():
    with ppl.Model() as m:
        x = ppl.Binomial("x", n=np.array([0, 4, 10]), p=0.77, size=(2, 3))
    assert m.rvs_to_values[x].dtype == "int64"
    assert m.rvs_to_transforms[x] is None
    point = m.initial_point()["x"]
    assert point.dtype == np.int64
    np.testing.assert_array_equal(point, np.tile([0, 3, 8], (2, 1)))


def test_observed_non_integer_data_is_an_error():
    with ppl.Model():
        with pytest.raises(ModelError, match=r"must be integers.*2.5"):
            ppl.Binomial("y", 5, 0.5, observed=[1.0, 2.5])
