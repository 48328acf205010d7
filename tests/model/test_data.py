"""ppl.Data containers and ppl.set_data: registration, dims, dtypes, new lengths, errors."""

import numpy as np
import pytest
from pytensor.compile.sharedvalue import SharedVariable

import ppl
from ppl.exceptions import ModelError, ShapeError

X = np.linspace(-1.0, 1.0, 60)
Y = 1.0 + 2.0 * X


def regression(observed_as_data: bool = True, use_dims: bool = False):
    """y ~ Normal(a + b x, s) with x (and y) as data containers."""
    with ppl.Model() as m:
        x = ppl.Data("x", X, dims="obs" if use_dims else None)
        y = ppl.Data("y", Y, dims="obs" if use_dims else None) if observed_as_data else Y
        a = ppl.Normal("a", 0, 5)
        b = ppl.Normal("b", 0, 5)
        s = ppl.HalfNormal("s", 2)
        if use_dims:
            ppl.Normal("y_obs", a + b * x, s, observed=y, dims="obs")
        else:
            ppl.Normal("y_obs", a + b * x, s, observed=y, shape=x.shape)
    return m


def test_data_is_a_registered_shared_variable():
    with ppl.Model() as m:
        x = ppl.Data("x", [1.0, 2.0, 3.0])
    assert isinstance(x, SharedVariable)
    assert m["x"] is x
    assert m.data_vars == [x]
    assert x.name == "x"
    np.testing.assert_array_equal(x.get_value(), [1.0, 2.0, 3.0])


@pytest.mark.parametrize(
    ("value", "dtype"),
    [([1.0, 2.5], "float64"), (np.array([1, 2], dtype="int32"), "int64"),
     (np.array([1.0, 2.0], dtype="float32"), "float64"), ([True, False], "int64")],
)
def test_data_dtype(value, dtype):
    with ppl.Model():
        x = ppl.Data("x", value)
    assert x.dtype == dtype


def test_data_rejects_non_numeric_and_duplicate_names():
    with ppl.Model():
        with pytest.raises(ModelError, match=r"Data 'x'.*numeric"):
            ppl.Data("x", ["a", "b"])
        ppl.Data("x", [1.0])
        with pytest.raises(ModelError, match="'x' already exists"):
            ppl.Data("x", [2.0])


def test_data_in_nested_model_is_prefixed():
    with ppl.Model() as outer:
        with ppl.Model("inner") as inner:
            x = ppl.Data("x", [1.0])
    assert x.name == "inner::x"
    assert inner.data_vars == [x]
    assert outer["inner::x"] is x
    ppl.set_data({"x": [2.0, 3.0]}, model=inner)
    np.testing.assert_array_equal(x.get_value(), [2.0, 3.0])


def test_new_dim_becomes_mutable_with_data_length():
    with ppl.Model() as m:
        ppl.Data("x", np.zeros((4, 2)), dims=("obs", "feature"))
    assert m.named_vars_to_dims["x"] == ("obs", "feature")
    assert m.dim_lengths["obs"].get_value() == 4
    assert m.dim_lengths["feature"].get_value() == 2


def test_data_with_coords_argument():
    with ppl.Model() as m:
        ppl.Data("x", [1.0, 2.0, 3.0], dims="city", coords={"city": ["a", "b", "c"]})
    assert m.coords["city"] == ("a", "b", "c")
    assert m.dim_lengths["city"].get_value() == 3


def test_data_checks_known_dim_length():
    with ppl.Model(coords={"obs": range(3)}):
        with pytest.raises(ShapeError, match=r"Data 'x'.*shape \(4,\).*'obs'.*length 3"):
            ppl.Data("x", np.zeros(4), dims="obs")
        with pytest.raises(ShapeError, match=r"Data 'z'.*2 dims.*names 1"):
            ppl.Data("z", np.zeros((3, 2)), dims="obs")


def test_model_coords_dim_can_be_resized_with_new_coords():
    with ppl.Model(coords={"obs": ["a", "b", "c"]}) as m:
        x = ppl.Data("x", [1.0, 2.0, 3.0], dims="obs")
        z = ppl.Normal("z", 0, 1)
        y = ppl.Data("y", [0.0, 1.0, 2.0], dims="obs")
        ppl.Normal("y_obs", z * x, 1, observed=y, dims="obs")
    with pytest.raises(ShapeError, match=r"'obs'.*3 coordinate values.*coords="):
        ppl.set_data({"x": [1.0, 2.0], "y": [0.0, 0.0]}, model=m)
    ppl.set_data({"x": [1.0, 2.0], "y": [0.0, 0.0]}, model=m, coords={"obs": ["d", "e"]})
    assert m.coords["obs"] == ("d", "e")
    assert m.dim_lengths["obs"].get_value() == 2


def test_set_data_observed_array_on_resized_dim():
    with ppl.Model() as m:
        x = ppl.Data("x", [1.0, 2.0, 3.0], dims="obs")
        ppl.Normal("y", x, 1, observed=[0.0, 1.0, 2.0], dims="obs")
    with pytest.raises(ShapeError, match=r"observed 'y'.*fixed data of shape \(3,\).*ppl.Data"):
        ppl.set_data({"x": [1.0, 2.0]}, model=m)


def test_set_data_new_length_logp_follows():
    m = regression(observed_as_data=True)
    point = m.initial_point()
    logp_60 = m.compile_logp()(point)
    new_x = np.array([0.1, 0.2, 0.3, 0.4, 0.5])
    ppl.set_data({"x": new_x, "y": 1.0 + 2.0 * new_x}, model=m)
    logp_5 = m.compile_logp()(point)
    assert np.isfinite(logp_5) and logp_5 != logp_60
    terms = m.compile_logp(m.observed_RVs, sum=False)(point)
    assert terms[0].shape == (5,)
    # the same value with the data as fixed arrays
    with ppl.Model() as ref:
        a, b, s = ppl.Normal("a", 0, 5), ppl.Normal("b", 0, 5), ppl.HalfNormal("s", 2)
        ppl.Normal("y_obs", a + b * new_x, s, observed=1.0 + 2.0 * new_x)
    np.testing.assert_allclose(logp_5, ref.compile_logp()(point))


def test_observed_shape_follows_dims_of_data():
    m = regression(observed_as_data=True, use_dims=True)
    ppl.set_data({"x": np.zeros(7), "y": np.ones(7)}, model=m)
    terms = m.compile_logp(m.observed_RVs, sum=False)(m.initial_point())
    assert terms[0].shape == (7,)
    assert m.dim_lengths["obs"].get_value() == 7


def test_draws_follow_new_length():
    m = regression(observed_as_data=False)
    with m:
        ppl.set_data({"x": np.zeros(5)})
    assert ppl.draw(m["y_obs"], random_seed=1).shape == (5,)


def test_set_data_unknown_container():
    m = regression()
    with pytest.raises(ModelError, match=r"'w' is not a data container.*'x', 'y'"):
        ppl.set_data({"w": [1.0]}, model=m)
    with pytest.raises(ModelError, match=r"'a' is not a data container"):
        ppl.set_data({"a": [1.0]}, model=m)


def test_set_data_wrong_dtype_and_ndim():
    with ppl.Model() as m:
        ppl.Data("k", np.array([1, 2, 3]))
        ppl.Data("x", np.zeros(3))
    with pytest.raises(ModelError, match=r"set_data 'k'.*integers \(int64\).*float"):
        ppl.set_data({"k": [1.5, 2.0]}, model=m)
    with pytest.raises(ModelError, match=r"set_data 'x'.*numeric"):
        ppl.set_data({"x": ["a"]}, model=m)
    with pytest.raises(ShapeError, match=r"set_data 'x'.*shape \(2, 2\).*container has 1 dims"):
        ppl.set_data({"x": np.zeros((2, 2))}, model=m)
    ppl.set_data({"x": [1, 2]}, model=m)  # ints into a float container are fine
    assert m["x"].get_value().dtype == "float64"


def test_set_data_contradicting_lengths():
    m = regression(use_dims=True)
    with pytest.raises(ShapeError, match=r"'x'.*length 5.*'y' \(shape \(60,\)\) shares"):
        ppl.set_data({"x": np.zeros(5)}, model=m)
    with pytest.raises(ShapeError, match=r"set_data 'y'.*\(4,\).*length 4.*'x' \(new shape \(5,\)\)"):
        ppl.set_data({"x": np.zeros(5), "y": np.zeros(4)}, model=m)
    # nothing changed
    assert m["x"].get_value().shape == (60,)
    assert m.dim_lengths["obs"].get_value() == 60


def test_set_data_fixed_dim_cannot_change():
    with ppl.Model(coords={"obs": range(3)}) as m:
        ppl.Normal("z", 0, 1, dims="obs")  # fixes the length of 'obs'
        ppl.Data("x", np.zeros(3), dims="obs")
    with pytest.raises(ShapeError, match=r"'obs' has the fixed length 3"):
        ppl.set_data({"x": np.zeros(4)}, model=m, coords={"obs": range(4)})


def _sample(model, **kw):
    kw = {"draws": 30, "tune": 30, "chains": 1, "cores": 1, "progressbar": False,
          "compute_convergence_checks": False, "random_seed": 3, **kw}
    with model:
        return ppl.sample(**kw)


def test_constant_and_observed_data_groups():
    m = regression(observed_as_data=True, use_dims=True)
    with m:
        ppl.Data("unused", np.arange(2))
    idata = _sample(m)
    assert set(idata.constant_data.data_vars) == {"x", "unused"}
    assert idata.constant_data["x"].dims == ("obs",)
    np.testing.assert_array_equal(idata.constant_data["x"], X)
    assert set(idata.observed_data.data_vars) == {"y_obs"}
    np.testing.assert_array_equal(idata.observed_data["y_obs"], Y)


def test_sample_after_set_data_with_new_length():
    m = regression(observed_as_data=True, use_dims=True)
    _sample(m)
    new_x = np.linspace(0, 1, 5)
    ppl.set_data({"x": new_x, "y": 3.0 - new_x}, model=m)
    idata = _sample(m)
    assert idata.constant_data["x"].shape == (5,)
    assert idata.observed_data["y_obs"].shape == (5,)
    assert idata.posterior.sizes["draw"] == 30


@pytest.mark.parametrize("name", ["MutableData", "ConstantData"])
def test_pymc_deprecated_data_containers_are_data_with_a_warning(name):
    with ppl.Model() as m:
        with pytest.warns(FutureWarning, match=f"{name} is deprecated, as in PyMC: use ppl.Data"):
            x = getattr(ppl, name)("x", np.arange(3.0), dims="obs")
    assert m["x"] is x and m.named_vars_to_dims["x"] == ("obs",)
    with m:
        ppl.set_data({"x": np.arange(5.0)})
    np.testing.assert_array_equal(x.get_value(), np.arange(5.0))
