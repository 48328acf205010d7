"""The model context: thread-local stack, nesting, name lookup and the model's collections."""

import threading

import numpy as np
import pytest

import ppl
from ppl.compiled.modes import QUICK_MODE
from ppl.exceptions import ModelError, PPLError
from ppl.transforms import log


def test_modelcontext_without_model_is_a_model_error():
    with pytest.raises(ModelError, match="No model on the context stack"):
        ppl.modelcontext()
    assert ppl.Model.get_context(error_if_none=False) is None
    assert issubclass(ModelError, PPLError) and issubclass(ModelError, ValueError)


def test_context_stack_nests_and_unwinds():
    with ppl.Model() as outer:
        assert ppl.modelcontext() is outer
        with ppl.Model() as inner:
            assert ppl.modelcontext() is inner
            assert ppl.modelcontext(outer) is outer
        assert ppl.modelcontext() is outer
    assert ppl.Model.get_context(error_if_none=False) is None


def test_context_is_unwound_after_an_exception():
    with pytest.raises(RuntimeError, match="boom"):
        with ppl.Model():
            raise RuntimeError("boom")
    assert ppl.Model.get_context(error_if_none=False) is None


def test_context_stack_is_thread_local():
    seen = {}
    entered = threading.Event()
    release = threading.Event()

    def other_thread():
        seen["before"] = ppl.Model.get_context(error_if_none=False)
        with ppl.Model() as theirs:
            seen["theirs"] = theirs
            entered.set()
            release.wait(5)
            seen["inside"] = ppl.modelcontext()

    with ppl.Model() as ours:
        t = threading.Thread(target=other_thread)
        t.start()
        assert entered.wait(5)
        # the other thread's model is active over there, but not here
        assert ppl.modelcontext() is ours
        release.set()
        t.join(5)
    assert seen["before"] is None
    assert seen["inside"] is seen["theirs"] is not ours


def test_named_variable_outside_a_model():
    with pytest.raises(ModelError, match=r"Normal 'x'.*with ppl.Model\(\)"):
        ppl.Normal("x", 0, 1)
    rv = ppl.Normal.dist(0, 1)  # no model needed
    assert rv.name is None


def test_name_must_be_a_string():
    with ppl.Model():
        with pytest.raises(TypeError, match="first argument must be the variable name"):
            ppl.Normal(0.0, 1.0)


def test_nested_models_prefix_names_and_share_storage():
    with ppl.Model() as outer:
        a = ppl.Normal("a", 0, 1)
        with ppl.Model("inner") as inner:
            x = ppl.Normal("x", a, 1)
            with ppl.Model("deep") as deep:
                y = ppl.Normal("y", x, 1)
            d = ppl.Deterministic("d", 2 * x)
    assert x.name == "inner::x"
    assert y.name == "inner::deep::y"
    assert d.name == "inner::d"
    assert inner["x"] is x and outer["inner::x"] is x
    assert deep["y"] is y and inner["deep::y"] is y and outer["inner::deep::y"] is y
    assert "x" in inner and "inner::x" in outer and "x" not in outer
    assert [rv.name for rv in outer.free_RVs] == ["a", "inner::x", "inner::deep::y"]
    assert [rv.name for rv in inner.free_RVs] == ["inner::x", "inner::deep::y"]
    assert [rv.name for rv in deep.free_RVs] == ["inner::deep::y"]
    assert set(inner.named_vars) == {"inner::x", "inner::deep::y", "inner::d"}
    assert [v.name for v in inner.deterministics] == ["inner::d"]
    assert inner.root is outer and deep.parent is inner
    # the joint density lives in the root model
    assert len(outer.value_vars) == 3


def test_nested_lookup_prefers_the_inner_variable():
    with ppl.Model() as outer:
        x = ppl.Normal("x", 0, 1)
        with ppl.Model("inner") as inner:
            x_inner = ppl.Normal("x", 0, 1)
    assert inner["x"] is x_inner and outer["x"] is x
    assert inner["inner::x"] is x_inner


def test_unnamed_nested_model_adds_no_prefix():
    with ppl.Model() as outer:
        with ppl.Model():
            x = ppl.Normal("x", 0, 1)
    assert x.name == "x" and outer["x"] is x


def test_getitem_keyerror_suggests_close_names():
    with ppl.Model() as m:
        ppl.Normal("alpha", 0, 1)
        ppl.Normal("beta", 0, 1)
    with pytest.raises(KeyError, match=r"'alpah'.*Did you mean 'alpha'"):
        m["alpah"]
    with pytest.raises(KeyError, match="no variable 'zzz'") as err:
        m["zzz"]
    assert "Did you mean" not in str(err.value)


def test_duplicate_names_are_rejected():
    with ppl.Model() as m:
        ppl.Normal("x", 0, 1)
        with pytest.raises(ModelError, match="'x' already exists"):
            ppl.Normal("x", 0, 1)
        with pytest.raises(ModelError, match="'x' already exists"):
            ppl.Deterministic("x", m["x"] * 2)
        with pytest.raises(ModelError, match="'x' already exists"):
            ppl.Potential("x", m["x"] * 2)
        with pytest.raises(ModelError, match="'y' already exists"):
            ppl.Normal("y", 0, 1, observed=1.0)
            ppl.Normal("y", 0, 1)
    assert len(m.free_RVs) == 1 and len(m.observed_RVs) == 1


def test_model_collections():
    with ppl.Model() as m:
        mu = ppl.Normal("mu", 0, 1)
        sigma = ppl.Normal("sigma", 1, 1, transform=log)
        obs = ppl.Normal("obs", mu, sigma, observed=np.array([0.1, -0.3]))
        det = ppl.Deterministic("two_mu", 2 * mu)
        pot = ppl.Potential("pen", -(mu**2))
    assert m.free_RVs == [mu, sigma]
    assert m.observed_RVs == [obs]
    assert m.basic_RVs == [mu, sigma, obs]
    assert m.deterministics == [det] and m.potentials == [pot]
    assert set(m.named_vars) == {"mu", "sigma", "obs", "two_mu", "pen"}
    assert [v.name for v in m.value_vars] == ["mu", "sigma_log__"]
    assert m.rvs_to_values[mu] is m.value_vars[0]
    assert m.rvs_to_values[sigma] is m.value_vars[1]
    np.testing.assert_array_equal(m.rvs_to_values[obs].data, [0.1, -0.3])
    assert m.rvs_to_transforms[mu] is None
    assert m.rvs_to_transforms[sigma] is log
    assert m.rvs_to_transforms[obs] is None
    assert m.values_to_rvs[m.value_vars[1]] is sigma
    assert m.continuous_value_vars == m.value_vars and m.discrete_value_vars == []
    assert m.unobserved_value_vars == [*m.value_vars, det]
    assert m["two_mu"] is det and m["pen"] is pot
    assert "mu ~ Normal (free)" in repr(m) and "obs ~ Normal (observed)" in repr(m)


def test_deterministic_is_a_named_copy_and_evaluates():
    with ppl.Model() as m:
        x = ppl.Normal("x", 0, 1)
        d = ppl.Deterministic("d", 3 * x + 1)
    assert d.name == "d" and d is not x
    fn = m.compile_fn(m.replace_rvs_by_values([d]), mode=QUICK_MODE)
    np.testing.assert_allclose(fn({"x": 2.0})[0], 7.0)


def test_potential_casts_to_float_and_registers():
    with ppl.Model() as m:
        x = ppl.Normal("x", 0, 1)
        p = ppl.Potential("p", (x > 0).astype("int8"))
    assert p.dtype.startswith("float")
    assert m.potentials == [p]


def test_potential_and_deterministic_need_a_model():
    x = ppl.Normal.dist(0, 1)
    with pytest.raises(ModelError, match="No model"):
        ppl.Deterministic("d", x)
    with pytest.raises(ModelError, match="No model"):
        ppl.Potential("p", x)


def test_contexts_exited_out_of_order_are_an_error():
    a = ppl.Model()
    b = ppl.Model()
    a.__enter__()
    b.__enter__()
    try:
        with pytest.raises(ModelError, match="out of order"):
            a.__exit__(None, None, None)
    finally:
        b.__exit__(None, None, None)
        a.__exit__(None, None, None)
    assert ppl.Model.get_context(error_if_none=False) is None
