"""coords, dims, shape and size: lengths, broadcasting and the errors that name the shapes."""

import numpy as np
import pytest

import ppl
from ppl.exceptions import ModelError, ShapeError
from ppl.model.shapes import evaluate_shape


def test_coords_and_add_coord():
    with ppl.Model(coords={"city": ["a", "b", "c"]}) as m:
        m.add_coord("year", [2020, 2021])
        m.add_coord("draw_idx", length=4)
        m.add_coord("year", [2020, 2021])  # same values again: fine
        x = ppl.Normal("x", 0, 1, dims=("city", "year"))
        z = ppl.Normal("z", 0, 1, dims="draw_idx")
    assert m.coords["city"] == ("a", "b", "c")
    assert m.coords["year"] == (2020, 2021)
    assert m.coords["draw_idx"] is None
    assert m.dim_lengths == {"city": 3, "year": 2, "draw_idx": 4}
    assert evaluate_shape(x) == (3, 2) and evaluate_shape(z) == (4,)
    assert m.named_vars_to_dims == {"x": ("city", "year"), "z": ("draw_idx",)}
    assert m.shape_from_dims(("year", "city")) == (2, 3)


def test_add_coord_errors():
    m = ppl.Model(coords={"a": [1, 2]})
    with pytest.raises(ModelError, match="already defined"):
        m.add_coord("a", [1, 2, 3])
    with pytest.raises(ModelError, match="unique"):
        m.add_coord("b", [1, 1])
    with pytest.raises(ModelError, match="give values or length"):
        m.add_coord("c")
    with pytest.raises(ShapeError, match="2 values but length=3"):
        m.add_coord("d", [1, 2], length=3)
    with pytest.raises(ModelError, match="sequence"):
        m.add_coord("e", "abc")
    m.add_coord("f", np.arange(3))
    assert m.coords["f"] == (0, 1, 2)


def test_mutable_coord_length_is_shared():
    m = ppl.Model()
    m.add_coord("obs", length=5, mutable=True)
    with m:
        x = ppl.Normal("x", 0, 1, dims="obs")
    assert m.root._coord_store.current_length("obs") == 5
    assert evaluate_shape(x) == (5,)


def test_unknown_dims_are_a_model_error_listing_known_dims():
    with ppl.Model(coords={"a": [1, 2]}):
        with pytest.raises(ModelError, match=r"Normal 'x'.*unknown dims 'b'.*Known dims: 'a'"):
            ppl.Normal("x", 0, 1, dims=("a", "b"))


def test_dims_length_mismatch_names_shapes():
    with ppl.Model(coords={"a": range(5)}):
        with pytest.raises(ShapeError, match=r"Normal 'x'.*\(4,\).*\(5,\)"):
            ppl.Normal("x", 0, 1, shape=(4,), dims="a")
        with pytest.raises(ShapeError, match=r"Normal 'y'.*\(4,\).*\(5,\)"):
            ppl.Normal("y", np.zeros(4), 1, dims="a")
        with pytest.raises(ShapeError, match=r"Normal 'w'.*\(5,\).*names 2"):
            ppl.Normal("w", 0, 1, shape=(5,), dims=("a", "a"))


def test_dims_of_deterministic_are_checked():
    with ppl.Model(coords={"a": range(3)}) as m:
        x = ppl.Normal("x", 0, 1, dims="a")
        d = ppl.Deterministic("d", 2 * x, dims="a")
        with pytest.raises(ShapeError, match=r"'e'.*\(3,\).*\(4,\)|'e'.*4.*3"):
            m.add_coord("b", range(4))
            ppl.Deterministic("e", 2 * x, dims="b")
    assert m.named_vars_to_dims["d"] == ("a",)


def test_dims_must_be_strings():
    with ppl.Model(coords={"a": range(3)}):
        with pytest.raises(ShapeError, match="dims must be strings"):
            ppl.Normal("x", 0, 1, dims=("a", 1))


@pytest.mark.parametrize(
    "kwargs, expected",
    [
        ({}, (5, 10)),
        ({"size": (5, 10)}, (5, 10)),
        ({"size": (2, 5, 10)}, (2, 5, 10)),
        ({"shape": (3, 5, 10)}, (3, 5, 10)),
        ({"shape": (5, 10)}, (5, 10)),
    ],
)
def test_parameters_broadcast_to_the_batch_shape(kwargs, expected):
    with ppl.Model() as m:
        x = ppl.Normal("x", np.zeros((5, 1)), np.ones((1, 10)), **kwargs)
    assert x.type.shape == expected
    assert m.initial_point()["x"].shape == expected


def test_shape_and_size_scalars_and_ints():
    with ppl.Model():
        assert ppl.Normal("a", 0, 1).type.shape == ()
        assert ppl.Normal("b", 0, 1, shape=3).type.shape == (3,)
        assert ppl.Normal("c", 0, 1, size=3).type.shape == (3,)
        assert ppl.Normal("d", 0, 1, shape=()).type.shape == ()
        assert ppl.Normal("e", np.zeros(3), 1, size=(2, 3)).type.shape == (2, 3)


def test_incompatible_parameter_and_size_name_the_shapes():
    with ppl.Model():
        with pytest.raises(ShapeError, match=r"Normal 'x'.*\(1, 10\).*\(2, 5, 9\)"):
            ppl.Normal("x", np.zeros((5, 1)), np.ones((1, 10)), size=(2, 5, 9))
        with pytest.raises(ShapeError, match=r"Normal 'y'.*\(3,\).*\(4,\)"):
            ppl.Normal("y", np.zeros(3), 1, shape=4)
        with pytest.raises(ShapeError, match=r"Normal 'z'.*shape or size, not both"):
            ppl.Normal("z", 0, 1, shape=3, size=3)


def test_incompatible_parameters_are_a_shape_error():
    with ppl.Model():
        with pytest.raises(ShapeError, match="Normal 'x'"):
            ppl.Normal("x", np.zeros(3), np.ones(4))


def test_observed_sets_the_shape():
    data = np.arange(6.0).reshape(2, 3)
    with ppl.Model(coords={"r": range(2), "c": range(3)}) as m:
        a = ppl.Normal("a", 0, 1, observed=data)
        b = ppl.Normal("b", 0, 1, observed=data, dims=("r", "c"))
        c = ppl.Normal("c", np.zeros(3), 1, observed=data)
    assert evaluate_shape(a) == evaluate_shape(b) == evaluate_shape(c) == (2, 3)
    assert m.observed_RVs == [a, b, c]


def test_observed_shape_mismatch_names_both_shapes():
    with ppl.Model(coords={"r": range(2), "c": range(4)}):
        with pytest.raises(ShapeError, match=r"Normal 'x'.*observed.*\(3,\).*\(4,\)"):
            ppl.Normal("x", 0, 1, observed=np.zeros(3), shape=4)
        with pytest.raises(ShapeError, match=r"Normal 'y'.*\(2, 3\).*\(2, 4\)"):
            ppl.Normal("y", 0, 1, observed=np.zeros((2, 3)), dims=("r", "c"))
        with pytest.raises(ShapeError, match=r"Normal 'z'.*\(3,\).*\(2,\)"):
            ppl.Normal("z", np.zeros(3), 1, observed=np.zeros(2))


def test_observed_integer_and_list_data_become_float():
    with ppl.Model() as m:
        x = ppl.Normal("x", 0, 1, observed=[1, 2, 3])
    data = m.rvs_to_values[x]
    assert data.dtype == "float64"
    assert evaluate_shape(x) == (3,)
