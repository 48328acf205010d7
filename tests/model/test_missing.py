"""Missing observed values become an imputed free variable plus a full Deterministic."""

import numpy as np
import pytest
import scipy.stats as st

import ppl
from ppl.exceptions import ModelError, ShapeError
from ppl.sampling.assign import assign_step_methods

DATA = np.array([1.0, np.nan, 2.0, np.nan, 0.5])
MISSING = np.isnan(DATA)


def _normal_model(observed, **kwargs):
    with ppl.Model(**kwargs) as m:
        mu = ppl.Normal("mu", 0, 2)
        ppl.Normal("y", mu, 1, observed=observed, **({"dims": "obs"} if "coords" in kwargs else {}))
    return m


@pytest.mark.parametrize(
    "observed",
    [DATA, np.ma.masked_invalid(DATA), np.ma.masked_array(np.where(MISSING, 99.0, DATA), MISSING)],
    ids=["nan", "masked_invalid", "masked_values_ignored"],
)
def test_nan_and_masked_arrays_split_into_observed_unobserved_and_full(observed):
    m = _normal_model(observed)
    assert [v.name for v in m.free_RVs] == ["mu", "y_unobserved"]
    assert [v.name for v in m.observed_RVs] == ["y_observed"]
    assert [v.name for v in m.deterministics] == ["y"]
    np.testing.assert_array_equal(m.rvs_to_values[m["y_observed"]].eval(), DATA[~MISSING])
    assert m.initial_point()["y_unobserved"].shape == (2,)
    # The full variable: data where observed, the imputed values elsewhere.
    full = m.compile_fn(m.replace_rvs_by_values([m["y"]])[0])({"mu": 0.3, "y_unobserved": np.array([-7.0, 8.0])})
    np.testing.assert_array_equal(full, [1.0, -7.0, 2.0, 8.0, 0.5])


def test_joint_logp_is_observed_part_plus_imputed_part():
    m = _normal_model(DATA)
    point = {"mu": 0.3, "y_unobserved": np.array([-0.7, 1.1])}
    expected = (
        st.norm.logpdf(0.3, 0, 2)
        + st.norm.logpdf(DATA[~MISSING], 0.3, 1).sum()
        + st.norm.logpdf([-0.7, 1.1], 0.3, 1).sum()
    )
    np.testing.assert_allclose(m.compile_logp()(point), expected, rtol=1e-12)


def test_dims_go_to_the_full_variable():
    m = _normal_model(DATA, coords={"obs": list("abcde")})
    assert m.named_vars_to_dims["y"] == ("obs",)


def test_parameters_are_indexed_per_entry():
    mu = np.arange(5.0)
    with ppl.Model() as m:
        ppl.Normal("y", mu, np.array([1.0, 2.0, 3.0, 4.0, 5.0]), observed=DATA)
    point = {"y_unobserved": np.array([0.0, 0.0])}
    expected = st.norm.logpdf(DATA[~MISSING], mu[~MISSING], [1, 3, 5]).sum() + st.norm.logpdf(
        [0.0, 0.0], [1.0, 3.0], [2.0, 4.0]
    ).sum()
    np.testing.assert_allclose(m.compile_logp()(point), expected, rtol=1e-12)


def test_two_dimensional_data_with_broadcast_parameters():
    data = np.array([[1.0, np.nan, 3.0], [np.nan, 5.0, 6.0]])
    mu = np.array([[10.0], [20.0]])  # broadcasts along the columns
    with ppl.Model() as m:
        ppl.Normal("y", mu, 1.0, observed=data)
    point = {"y_unobserved": np.array([11.0, 19.0])}
    expected = st.norm.logpdf([1.0, 3.0, 5.0, 6.0], [10, 10, 20, 20], 1).sum() + st.norm.logpdf(
        [11.0, 19.0], [10.0, 20.0], 1
    ).sum()
    np.testing.assert_allclose(m.compile_logp()(point), expected, rtol=1e-12)
    assert m.compile_fn(m.replace_rvs_by_values([m["y"]])[0])(point).shape == (2, 3)


def test_bounded_distribution_imputes_on_the_transformed_scale():
    with ppl.Model() as m:
        ppl.Exponential("y", 1.0, observed=np.array([0.5, np.nan, 2.0]))
    assert [v.name for v in m.value_vars] == ["y_unobserved_log__"]


def test_discrete_missing_counts_get_a_discrete_step_method():
    with ppl.Model() as m:
        rate = ppl.Gamma("rate", 2.0, 1.0)
        ppl.Poisson("y", rate, observed=np.array([3.0, np.nan, 1.0, 4.0]))
    assert m["y_observed"].dtype == "int64"
    assert m["y_unobserved"].dtype == "int64"
    steps = assign_step_methods(m)
    names = {type(s).__name__: [v.name for v in s.value_vars] for s in steps}
    assert names["NUTS"] == ["rate_log__"]
    assert [n for k, v in names.items() if k != "NUTS" for n in v] == ["y_unobserved"]


def test_masked_integer_data_for_a_discrete_distribution():
    counts = np.ma.masked_array([3, 0, 1, 4], mask=[False, True, False, False])
    with ppl.Model() as m:
        ppl.Poisson("y", 2.0, observed=counts)
    np.testing.assert_array_equal(m.rvs_to_values[m["y_observed"]].eval(), [3, 1, 4])


def test_multivariate_whole_missing_events_are_imputed():
    data = np.array([[1.0, 2.0], [np.nan, np.nan], [0.0, 1.0]])
    with ppl.Model() as m:
        ppl.MvNormal("y", mu=np.zeros(2), cov=np.eye(2), observed=data)
    assert m.initial_point()["y_unobserved"].shape == (1, 2)
    point = {"y_unobserved": np.array([[0.5, -0.5]])}
    expected = st.multivariate_normal(np.zeros(2), np.eye(2)).logpdf(
        np.array([[1.0, 2.0], [0.5, -0.5], [0.0, 1.0]])
    ).sum()
    np.testing.assert_allclose(m.compile_logp()(point), expected, rtol=1e-12)


def test_partly_missing_multivariate_event_is_a_clear_error():
    data = np.array([[1.0, np.nan], [0.0, 1.0]])
    with ppl.Model():
        with pytest.raises(ModelError, match=r"Observed 'y'.*batch index \(0,\).*partly missing"):
            ppl.MvNormal("y", mu=np.zeros(2), cov=np.eye(2), observed=data)


def test_infinite_values_are_an_error_naming_the_index():
    with ppl.Model():
        with pytest.raises(ModelError, match=r"Observed 'y'.*1 infinite.*inf at index \(2,\).*NaN"):
            ppl.Normal("y", 0, 1, observed=np.array([1.0, np.nan, np.inf]))


def test_all_missing_is_an_error():
    with ppl.Model():
        with pytest.raises(ModelError, match=r"Observed 'y'.*all 2 values are missing"):
            ppl.Normal("y", 0, 1, observed=np.array([np.nan, np.nan]))


def test_data_container_with_nan_is_an_error():
    with ppl.Model():
        x = ppl.Data("x", np.array([1.0, np.nan]))
        with pytest.raises(ModelError, match=r"Observed 'y'.*container 'x'.*missing"):
            ppl.Normal("y", 0, 1, observed=x)


def test_shape_mismatch_is_reported():
    with ppl.Model():
        with pytest.raises(ShapeError, match=r"Observed 'y'.*shape \(3,\).*\(4,\)"):
            ppl.Normal("y", 0, 1, shape=4, observed=np.array([1.0, np.nan, 2.0]))


def test_initval_of_the_full_variable_sets_the_missing_entries():
    with ppl.Model() as m:
        ppl.Normal("y", 0, 1, observed=DATA, initval=np.array([0.0, 7.0, 0.0, 8.0, 0.0]))
    np.testing.assert_array_equal(m.initial_point()["y_unobserved"], [7.0, 8.0])


def test_forward_sampling_draws_observed_part_and_full_variable():
    m = _normal_model(DATA)
    with m:
        prior = ppl.sample_prior_predictive(draws=50, random_seed=3)
    assert prior.prior["y"].shape == (1, 50, 5)
    assert prior.prior["y_unobserved"].shape == (1, 50, 2)
    assert prior.prior_predictive["y_observed"].shape == (1, 50, 3)
    np.testing.assert_array_equal(prior.observed_data["y_observed"], DATA[~MISSING])
    full = prior.prior["y"].values[0]
    np.testing.assert_array_equal(full[:, MISSING], prior.prior["y_unobserved"].values[0])
