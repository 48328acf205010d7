import numpy as np
import pytensor
import pytensor.tensor as pt
import pytest
import scipy.special as sp
import scipy.stats as st

import ppl
from ppl.exceptions import ModelError, ParameterValueError
from ppl.testing import Domain, check_draws, check_logp

VALUES = Domain((0, 1, 2, 3), outside=(-1, 4), dtype="int64")
P_GRID = [
    np.array([0.1, 0.2, 0.3, 0.4]),
    np.array([0.25, 0.25, 0.25, 0.25]),
    np.array([0.0, 0.5, 0.0, 0.5]),  # zero-probability categories have logp -inf
    np.array([1.0, 0.0, 0.0, 0.0]),
]


@pytest.mark.parametrize("p", P_GRID)
def test_logp_matches_scipy(p):
    categories = st.rv_discrete(values=(np.arange(4), p))
    check_logp(ppl.Categorical, VALUES, {}, lambda value: categories.logpmf(value),
               extra_args={"p": p})


@pytest.mark.parametrize("logit_p", [np.array([0.5, -1.0, 2.0, 0.0]),
                                     np.array([0.0, 1000.0, 0.0, -1000.0])])
def test_logit_p_is_log_softmax(logit_p):
    # The second row is exact only through log_softmax: softmax rounds p to (0, 1, 0, 0).
    check_logp(ppl.Categorical, VALUES, {}, lambda value: sp.log_softmax(logit_p)[value],
               extra_args={"logit_p": logit_p})


def test_batched_p_broadcasts_against_value():
    p = np.array([[0.1, 0.2, 0.7], [0.5, 0.25, 0.25]])
    dist = ppl.Categorical.dist(p=p)
    np.testing.assert_allclose(ppl.logp(dist, [2, 0]).eval(), np.log([0.7, 0.5]))
    values = np.array([[0, 1], [2, 2], [1, 0]])
    np.testing.assert_allclose(ppl.logp(dist, values).eval(), np.log(p[[0, 1], values]))


def test_non_integer_value_has_no_mass():
    assert ppl.logp(ppl.Categorical.dist(p=[0.5, 0.5]), 0.5).eval() == -np.inf


def test_literal_p_not_summing_to_one_is_rescaled_with_a_warning():
    # As in PyMC 5: a literal p is rescaled along its last axis (UserWarning).
    with pytest.warns(UserWarning, match="rescaled"):
        dist = ppl.Categorical.dist(p=[1.0, 1.0, 2.0])
    np.testing.assert_allclose(ppl.logp(dist, [0, 2]).eval(), np.log([0.25, 0.5]))


def test_symbolic_p_must_sum_to_one():
    p = pt.vector("p")
    f = pytensor.function([p], ppl.logp(ppl.Categorical.dist(p=p), 1))
    np.testing.assert_allclose(f([0.3, 0.7]), np.log(0.7))
    with pytest.raises(ParameterValueError, match=r"Categorical: parameters must satisfy .*sum\(p\) = 1"):
        f([0.3, 0.8])
    with pytest.raises(ParameterValueError, match=r"0 <= p <= 1"):
        f([-0.3, 1.3])


def test_negative_literal_p_names_parameter_and_value():
    with ppl.Model():
        with pytest.raises(ParameterValueError,
                           match=r"Categorical 'x': parameter p is \[-0.1\] \(at 1 of 3 entries\), "
                           r"expected p >= 0"):
            ppl.Categorical("x", p=[-0.1, 0.6, 0.5])


@pytest.mark.parametrize("kwargs, match", [({"p": 0.5}, "category axis"),
                                           ({}, "one of p or logit_p"),
                                           ({"p": [0.5, 0.5], "logit_p": [0.0, 0.0]}, "not both")])
def test_invalid_parameterisation(kwargs, match):
    with pytest.raises(ParameterValueError, match=match):
        ppl.Categorical.dist(**kwargs)


def test_draws_match_scipy():
    p = np.array([0.1, 0.0, 0.6, 0.3])
    check_draws(ppl.Categorical, {"p": p}, st.rv_discrete(values=(np.arange(4), p)))


def test_logit_p_draws_match_scipy():
    logit_p = np.array([0.3, -1.0, 1.2])
    p = sp.softmax(logit_p)
    check_draws(ppl.Categorical, {"logit_p": logit_p}, st.rv_discrete(values=(np.arange(3), p)))


def test_value_var_is_int64_without_transform_and_support_point_inside():
    with ppl.Model() as m:
        x = ppl.Categorical("x", p=np.array([[0.1, 0.2, 0.7], [0.5, 0.25, 0.25]]), shape=(3, 2))
    assert m.rvs_to_values[x].dtype == "int64"
    assert m.rvs_to_transforms[x] is None
    point = m.initial_point()["x"]
    assert point.dtype == np.int64
    np.testing.assert_array_equal(point, np.tile([2, 0], (3, 1)))


def test_observed_non_integer_data_is_an_error():
    with ppl.Model():
        with pytest.raises(ModelError, match=r"must be integers.*1.5"):
            ppl.Categorical("y", p=[0.5, 0.5], observed=[1.5])
