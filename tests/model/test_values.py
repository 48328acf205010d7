"""Value variables: transform choice and names, initval and initial points (unconstrained)."""

import numpy as np
import pytest
from scipy.special import logit

import ppl
from ppl.distributions.distribution import UNSET
from ppl.exceptions import TransformError
from ppl.model.registration import choose_transform
from ppl.transforms import Chain, Interval, log, ordered


def test_choose_transform_rules():
    rv = ppl.Normal.dist(0, 1)
    rv.name = "x"
    iv = Interval(0, 1)
    assert choose_transform(rv, UNSET, UNSET) is None  # Normal has no default
    assert choose_transform(rv, None, UNSET) is None
    assert choose_transform(rv, None, iv) is None  # transform=None switches all off
    assert choose_transform(rv, log, UNSET) is log
    assert choose_transform(rv, UNSET, iv) is iv
    assert choose_transform(rv, log, None) is log
    assert choose_transform(rv, UNSET, None) is None
    chained = choose_transform(rv, ordered, iv)
    assert isinstance(chained, Chain) and chained.transform_list == [iv, ordered]


def test_discrete_variables_cannot_be_transformed():
    rv = ppl.Normal.dist(0, 1).astype("int64")
    rv.name = "k"
    with pytest.raises(TransformError, match="'k': discrete"):
        choose_transform(rv, log, UNSET)


def test_value_variable_names_and_transforms():
    with ppl.Model() as m:
        a = ppl.Normal("a", 0.5, 1, transform=Interval(0, 1))
        b = ppl.Normal("b", 1, 1, transform=log)
        c = ppl.Normal(
            "c", [0.0, 0.1, 0.2], 1, default_transform=Interval(-1, 1), transform=ordered
        )
        d = ppl.Normal("d", 0, 1, transform=None)
        e = ppl.Normal("e", 0, 1, default_transform=None)
        f = ppl.Normal("f", 0, 1, default_transform=Interval(-2, 2), transform=None)
    names = [v.name for v in m.value_vars]
    assert names == ["a_interval__", "b_log__", "c_interval_ordered__", "d", "e", "f"]
    assert isinstance(m.rvs_to_transforms[c], Chain)
    assert m.rvs_to_transforms[f] is None
    for rv in (a, b, c, d, e, f):
        value = m.rvs_to_values[rv]
        assert value.type.shape == rv.type.shape and value.dtype == rv.dtype
        assert m.values_to_rvs[value] is rv


def test_initial_point_is_in_the_unconstrained_space():
    with ppl.Model() as m:
        ppl.Normal("a", 0.25, 1, transform=Interval(0, 1))
        ppl.Normal("b", 2.0, 1, transform=log)
        ppl.Normal("c", [-0.5, 0.0, 0.5], 1, default_transform=Interval(-1, 1), transform=ordered)
        ppl.Normal("d", [1.0, 2.0], 1)
    ip = m.initial_point()
    assert list(ip) == ["a_interval__", "b_log__", "c_interval_ordered__", "d"]
    np.testing.assert_allclose(ip["a_interval__"], logit(0.25))
    np.testing.assert_allclose(ip["b_log__"], np.log(2.0))
    u = np.log(np.array([0.5, 1.0, 1.5]) / np.array([1.5, 1.0, 0.5]))  # interval(-1, 1) forward
    np.testing.assert_allclose(ip["c_interval_ordered__"], [u[0], *np.log(np.diff(u))])
    np.testing.assert_allclose(ip["d"], [1.0, 2.0])
    assert all(isinstance(v, np.ndarray) for v in ip.values())


def test_initval_overrides_support_point_and_is_transformed():
    with ppl.Model() as m:
        x = ppl.Normal("x", 0, 1, transform=log, initval=3.0)
        y = ppl.Normal("y", 0, 1, initval=[1.0, -1.0], shape=2)
        z = ppl.Normal("z", 0, 1, transform=Interval(-1, 2), initval=0.5)
        w = ppl.Normal("w", x, 1, transform=log)  # support point = parent's start value
    ip = m.initial_point()
    np.testing.assert_allclose(ip["x_log__"], np.log(3.0))
    np.testing.assert_allclose(ip["y"], [1.0, -1.0])
    np.testing.assert_allclose(ip["z_interval__"], np.log(1.5 / 1.5))
    np.testing.assert_allclose(ip["w_log__"], np.log(3.0))
    assert m.rvs_to_initial_values[x] == 3.0
    m.set_initval(y, [0.0, 2.0])
    np.testing.assert_allclose(m.initial_point()["y"], [0.0, 2.0])
    assert w in m.free_RVs and z in m.free_RVs


def test_initial_point_of_a_nested_model():
    with ppl.Model() as outer:
        with ppl.Model("sub"):
            ppl.Normal("x", 1.5, 1, transform=log)
    assert list(outer.initial_point()) == ["sub::x_log__"]
    np.testing.assert_allclose(outer.initial_point()["sub::x_log__"], np.log(1.5))


def test_initial_point_of_an_empty_model():
    assert ppl.Model().initial_point() == {}
