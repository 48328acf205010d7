"""``ppl.observe`` and ``ppl.do``: new models; the original stays as it was."""

import numpy as np
import pytest
import scipy.stats as st

import ppl
from ppl.exceptions import ModelError, ShapeError


def _chain():
    with ppl.Model(coords={"k": ["a", "b"]}) as m:
        x = ppl.Normal("x", 0.0, 1.0)
        s = ppl.HalfNormal("s", 1.0)
        d = ppl.Deterministic("d", x + 1.0)
        y = ppl.Normal("y", 2.0 * d, s, dims="k")
        ppl.Normal("z", y.sum(), 1.0, observed=0.5)
    return m


def test_observe_moves_a_free_variable_to_the_observed_ones():
    m = _chain()
    c = ppl.observe(m, {"y": [1.0, 2.0]})
    assert [v.name for v in c.free_RVs] == ["x", "s"]
    assert [v.name for v in c.observed_RVs] == ["z", "y"]
    point = {"x": 0.3, "s_log__": np.log(0.8)}
    want = (st.norm.logpdf(0.3) + st.halfnorm.logpdf(0.8) + np.log(0.8)
            + st.norm(2 * 1.3, 0.8).logpdf([1.0, 2.0]).sum() + st.norm(3.0, 1.0).logpdf(0.5))
    np.testing.assert_allclose(c.compile_logp()(point), want, rtol=1e-12)
    assert [v.name for v in m.free_RVs] == ["x", "s", "y"]  # unchanged
    idata = ppl.sample(draws=50, tune=50, chains=1, model=c, progressbar=False, random_seed=1,
                       compute_convergence_checks=False)
    np.testing.assert_array_equal(idata.observed_data["y"], [1.0, 2.0])
    assert "y" not in idata.posterior


def test_do_fixes_a_variable_and_what_depends_on_it_follows():
    m = _chain()
    i = ppl.do(m, {"x": 3.0})
    assert [v.name for v in i.free_RVs] == ["s", "y"]
    assert "d" in [v.name for v in i.deterministics]
    point = {"s_log__": np.log(0.8), "y": np.array([7.0, 9.0])}
    want = (st.halfnorm.logpdf(0.8) + np.log(0.8) + st.norm(8.0, 0.8).logpdf([7.0, 9.0]).sum()
            + st.norm(16.0, 1.0).logpdf(0.5))
    np.testing.assert_allclose(i.compile_logp()(point), want, rtol=1e-12)
    prior = ppl.sample_prior_predictive(draws=2000, model=i, random_seed=2)
    np.testing.assert_allclose(prior.prior["d"], 4.0)
    assert abs(float(prior.prior["y"].mean()) - 8.0) < 0.1
    # The value is a data container: another intervention without a new model.
    with i:
        ppl.set_data({"x": 0.0})
    y_terms = st.norm(2.0, 0.8).logpdf([7.0, 9.0]).sum() - st.norm(8.0, 0.8).logpdf([7.0, 9.0]).sum()
    np.testing.assert_allclose(i.compile_logp()(point), want + y_terms, rtol=1e-12)
    assert [v.name for v in m.free_RVs] == ["x", "s", "y"]  # unchanged
    assert float(m.compile_logp()({"x": 0.3, "s_log__": 0.0, "y": np.zeros(2)})) < 0


def test_do_on_a_deterministic_and_on_a_vector():
    m = _chain()
    i = ppl.do(m, {"d": 10.0, "y": 5.0})  # a scalar broadcast to y's shape
    assert [v.name for v in i.free_RVs] == ["x", "s"]
    np.testing.assert_array_equal(i["y"].get_value(), [5.0, 5.0])
    point = {"x": 0.0, "s_log__": 0.0}
    want = st.norm.logpdf(0.0) + st.halfnorm.logpdf(1.0) + st.norm(10.0, 1.0).logpdf(0.5)
    np.testing.assert_allclose(i.compile_logp()(point), want, rtol=1e-12)


def test_invalid_interventions_and_observations():
    m = _chain()
    with pytest.raises(ModelError, match="no variable 'w'"):
        ppl.do(m, {"w": 1.0})
    with pytest.raises(ModelError, match="'z' is not a free random variable"):
        ppl.observe(m, {"z": 1.0})
    with pytest.raises(ShapeError, match=r"'y': observed data has shape \(3,\), but the variable has shape \(2,\)"):
        ppl.observe(m, {"y": [1.0, 2.0, 3.0]})
    with pytest.raises(ShapeError, match=r"'y' has shape \(2,\), the value \(3,\)"):
        ppl.do(m, {"y": [1.0, 2.0, 3.0]})
