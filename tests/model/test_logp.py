"""Model log-density, gradient and Hessian against NumPy/SciPy and finite differences."""

import numpy as np
import pytest
import scipy.stats as st
from scipy.special import expit

import ppl
from ppl.compiled import DictToArrayBijection
from ppl.transforms import Interval, log, ordered


def _fd_grad(f, x, eps=1e-6):
    g = np.zeros_like(x)
    for i in range(x.size):
        step = np.zeros_like(x)
        step[i] = eps
        g[i] = (f(x + step) - f(x - step)) / (2 * eps)
    return g


def _flat_fn(fn, point):
    """``fn(point)`` as a function of the flat vector of ``point``."""
    info = DictToArrayBijection.map(point).point_map_info

    def flat(x):
        return fn(DictToArrayBijection.rmap(ppl.RaveledVars(x, info)))

    return flat


# -- z ~ N(0, 5), x ~ N(z, 1) observed at 5 ---------------------------------------------------
@pytest.fixture(scope="module")
def simple():
    with ppl.Model() as m:
        z = ppl.Normal("z", 0, 5)
        ppl.Normal("x", z, 1, observed=5.0)
    return m


def test_simple_logp_value_from_spec(simple):
    fn = simple.compile_logp()
    np.testing.assert_allclose(fn({"z": 2.5}), -6.6973152, atol=1e-6)
    for z in np.linspace(-10, 10, 7):
        expected = st.norm.logpdf(z, 0, 5) + st.norm.logpdf(5.0, z, 1)
        np.testing.assert_allclose(fn({"z": z}), expected, rtol=1e-12)


def test_simple_dlogp_and_d2logp(simple):
    dlogp = simple.compile_dlogp()
    d2logp = simple.compile_d2logp()
    for z in (-3.0, 0.0, 2.5, 7.0):
        np.testing.assert_allclose(dlogp({"z": z}), [-z / 25 + (5 - z)], rtol=1e-12)
        np.testing.assert_allclose(d2logp({"z": z}), [[-1 / 25 - 1]], rtol=1e-12)


def test_simple_point_logps_and_terms(simple):
    logps = simple.point_logps({"z": np.array(2.5)}, round_vals=6)
    assert logps == {
        "z": round(st.norm.logpdf(2.5, 0, 5), 6),
        "x": round(st.norm.logpdf(5.0, 2.5, 1), 6),
    }
    assert simple.point_logps() == {"z": -2.53, "x": -13.42}  # at the initial point z = 0
    terms = simple.compile_logp(sum=False)({"z": 2.5})
    np.testing.assert_allclose(terms, [st.norm.logpdf(2.5, 0, 5), st.norm.logpdf(5, 2.5, 1)])
    obs_only = simple.compile_logp(vars=simple.observed_RVs)({"z": 2.5})
    np.testing.assert_allclose(obs_only, st.norm.logpdf(5, 2.5, 1))


# -- hierarchical normal with dims ------------------------------------------------------------
IDX = np.array([0, 0, 1, 2, 2, 2])
Y = np.array([0.3, -0.2, 1.4, 2.2, 1.9, 2.6])


@pytest.fixture(scope="module")
def hierarchical():
    with ppl.Model(coords={"group": ["a", "b", "c"], "obs": range(6)}) as m:
        mu = ppl.Normal("mu", 0, 5)
        sigma = ppl.Normal("sigma", 1, 2, transform=log)
        theta = ppl.Normal("theta", mu, sigma, dims="group")
        ppl.Normal("y", theta[IDX], 0.5, observed=Y, dims="obs")
    # the Python VM compiles fast; the default (Numba) mode is exercised by the simple model
    fns = [f(mode="FAST_COMPILE") for f in (m.compile_logp, m.compile_dlogp, m.compile_d2logp)]
    return m, fns


def _hier_logp(mu, log_sigma, theta):
    sigma = np.exp(log_sigma)
    return (
        st.norm.logpdf(mu, 0, 5)
        + st.norm.logpdf(sigma, 1, 2)
        + log_sigma  # log|d sigma / d log_sigma|
        + st.norm.logpdf(theta, mu, sigma).sum()
        + st.norm.logpdf(Y, theta[IDX], 0.5).sum()
    )


def test_hierarchical_logp_matches_scipy(hierarchical):
    m, (logp, _, _) = hierarchical
    assert [v.name for v in m.value_vars] == ["mu", "sigma_log__", "theta"]
    rng = np.random.default_rng(0)
    for _ in range(10):
        mu, ls, theta = rng.normal(), rng.normal(scale=0.5), rng.normal(size=3)
        got = logp({"mu": mu, "sigma_log__": ls, "theta": theta})
        np.testing.assert_allclose(got, _hier_logp(mu, ls, theta), rtol=1e-12)


def test_hierarchical_dlogp_and_d2logp_match_finite_differences(hierarchical):
    m, (logp, dlogp, d2logp) = hierarchical
    rng = np.random.default_rng(1)
    for _ in range(3):
        point = {
            "mu": np.array(rng.normal()),
            "sigma_log__": np.array(rng.normal(scale=0.5)),
            "theta": rng.normal(size=3),
        }
        x = DictToArrayBijection.map(point).data
        grad = dlogp(point)
        assert grad.shape == (5,)
        np.testing.assert_allclose(grad, _fd_grad(_flat_fn(logp, point), x), rtol=1e-6, atol=1e-6)
        hess = d2logp(point)
        assert hess.shape == (5, 5)
        fd_hess = np.stack([_fd_grad(lambda v, i=i: _flat_fn(dlogp, point)(v)[i], x) for i in range(5)])
        np.testing.assert_allclose(hess, fd_hess, rtol=1e-5, atol=1e-5)
        np.testing.assert_allclose(hess, hess.T, atol=1e-10)


def test_hierarchical_logp_sum_false_and_point_logps(hierarchical):
    m, _ = hierarchical
    terms = m.logp(sum=False)
    assert [t.name for t in terms] == ["mu_logprob", "sigma_logprob", "theta_logprob", "y_logprob"]
    point = {"mu": np.array(0.2), "sigma_log__": np.array(0.1), "theta": np.array([0.0, 1.0, 2.0])}
    values = m.compile_logp(sum=False, mode="FAST_COMPILE")(point)
    assert [np.shape(v) for v in values] == [(), (), (3,), (6,)]
    np.testing.assert_allclose(values[3], st.norm.logpdf(Y, point["theta"][IDX], 0.5))
    logps = m.point_logps(point, round_vals=8)
    assert list(logps) == ["mu", "sigma", "theta", "y"]
    np.testing.assert_allclose(sum(logps.values()), _hier_logp(0.2, 0.1, point["theta"]), atol=1e-7)


def test_logp_jacobian_false_drops_the_log_jacobian(hierarchical):
    m, (logp, _, _) = hierarchical
    no_jac = m.compile_logp(jacobian=False, mode="FAST_COMPILE")
    point = {"mu": np.array(0.2), "sigma_log__": np.array(0.7), "theta": np.zeros(3)}
    np.testing.assert_allclose(logp(point) - no_jac(point), 0.7, rtol=1e-12)
    grad_no_jac = m.compile_dlogp(jacobian=False, mode="FAST_COMPILE")(point)
    grad = m.compile_dlogp(mode="FAST_COMPILE")(point)
    np.testing.assert_allclose(grad - grad_no_jac, [0, 1, 0, 0, 0], atol=1e-12)


# -- transforms inside a model: the Jacobian term, explicitly ---------------------------------
def test_interval_transformed_variable_jacobian():
    with ppl.Model() as m:
        ppl.Normal("x", 0.3, 2.0, transform=Interval(-1.0, 1.0), shape=2)
    with_jac = m.compile_logp(mode="FAST_COMPILE")
    without = m.compile_logp(jacobian=False, mode="FAST_COMPILE")
    for y in (np.array([0.0, 0.0]), np.array([-2.0, 3.5]), np.array([30.0, -30.0])):
        x = -1 + 2 * expit(y)
        jac = np.log(2.0) + np.log(expit(y)) + np.log(expit(-y))
        density = st.norm.logpdf(x, 0.3, 2).sum()
        np.testing.assert_allclose(without({"x_interval__": y}), density, rtol=1e-10)
        np.testing.assert_allclose(with_jac({"x_interval__": y}), density + jac.sum(), rtol=1e-10)


def test_vector_transform_jacobian_is_counted_once_per_event():
    """ordered adds ONE log|det J| per vector, not one per element (fixed bug)."""
    with ppl.Model() as m:
        ppl.Normal("x", [0.0, 0.5, 1.0, 1.5], 1.0, transform=ordered, size=(2, 4))
        ppl.Normal("p", 1.0, 1.0, default_transform=log, transform=ordered, shape=3)
    fn = m.compile_logp(mode="FAST_COMPILE")
    terms = m.compile_logp(sum=False, mode="FAST_COMPILE")
    y = np.array([[-0.3, 0.2, -1.0, 0.4], [1.0, -2.0, 0.0, 0.5]])
    yp = np.array([-0.5, 0.3, -0.2])
    x = np.cumsum(np.concatenate([y[:, :1], np.exp(y[:, 1:])], axis=1), axis=1)
    lx = np.cumsum(np.concatenate([yp[:1], np.exp(yp[1:])]))  # log p, increasing
    expected_x = st.norm.logpdf(x, [0.0, 0.5, 1.0, 1.5], 1).sum(axis=1) + y[:, 1:].sum(axis=1)
    expected_p = st.norm.logpdf(np.exp(lx), 1, 1).sum() + lx.sum() + yp[1:].sum()
    point = {"x_ordered__": y, "p_log_ordered__": yp}
    got = terms(point)
    assert np.shape(got[0]) == (2,)  # one term per event
    np.testing.assert_allclose(got[0], expected_x, rtol=1e-10)
    np.testing.assert_allclose(got[1], expected_p, rtol=1e-10)
    np.testing.assert_allclose(fn(point), expected_x.sum() + expected_p, rtol=1e-10)


def test_bounds_depending_on_another_variable():
    """Interval(bounds_fn=) reads the node inputs; here the upper bound is a free variable."""
    with ppl.Model() as m:
        u = ppl.Normal("u", 3.0, 1.0, transform=log)
        ppl.Normal("x", 0.0, u, transform=Interval(bounds_fn=lambda rng, size, mu, sigma: (mu, sigma)))
    fn = m.compile_logp(mode="FAST_COMPILE")
    lu, y = 0.4, -0.7
    uu = np.exp(lu)
    x = uu * expit(y)
    expected = (
        st.norm.logpdf(uu, 3, 1) + lu + st.norm.logpdf(x, 0, uu)
        + np.log(uu) + np.log(expit(y)) + np.log(expit(-y))
    )
    np.testing.assert_allclose(fn({"u_log__": lu, "x_interval__": y}), expected, rtol=1e-10)


# -- potentials and deterministics ------------------------------------------------------------
def test_potential_adds_to_the_logp():
    with ppl.Model() as m:
        x = ppl.Normal("x", 0, 1, shape=2)
        ppl.Deterministic("x_sum", x.sum())  # no effect on logp
        ppl.Potential("pen", -((x - 1.0) ** 2))
    fn = m.compile_logp(mode="FAST_COMPILE")
    grad = m.compile_dlogp(mode="FAST_COMPILE")
    v = np.array([0.3, -0.4])
    base = st.norm.logpdf(v).sum()
    np.testing.assert_allclose(fn({"x": v}), base - ((v - 1) ** 2).sum(), rtol=1e-12)
    np.testing.assert_allclose(grad({"x": v}), -v - 2 * (v - 1), rtol=1e-12)
    pot_only = m.compile_logp(vars=m.potentials, mode="FAST_COMPILE")
    np.testing.assert_allclose(pot_only({"x": v}), -((v - 1) ** 2).sum())
    assert m.point_logps({"x": v})["pen"] == round(-((v - 1) ** 2).sum(), 2)


def test_logp_does_not_modify_the_model_graphs():
    with ppl.Model() as m:
        a = ppl.Normal("a", 0, 1)
        s = ppl.Normal("s", 1, 1, transform=log)
        around_mu = Interval(bounds_fn=lambda rng, size, mu, sigma: (mu - 3, mu + 3))
        b = ppl.Normal("b", a, s, transform=around_mu)
        d = ppl.Deterministic("d", a + b)
        ppl.Potential("p", -(b**2))
    owners = {rv: (rv.owner, list(rv.owner.inputs)) for rv in m.basic_RVs}
    d_inputs = list(d.owner.inputs)
    g1 = m.logp()
    g2 = m.logp()
    m.replace_rvs_by_values([d])
    for rv, (owner, inputs) in owners.items():
        assert rv.owner is owner and list(rv.owner.inputs) == inputs
    assert list(d.owner.inputs) == d_inputs
    assert b.owner.inputs[2] is a  # b's mu is still the RV a, not its value
    point = {"a": 0.2, "s_log__": -0.1, "b_interval__": 0.4}
    f1 = m.compile_fn(g1, mode="FAST_COMPILE")
    f2 = m.compile_fn(g2, mode="FAST_COMPILE")
    assert f1(point) == f2(point)
    assert np.isfinite(f1(point))


def test_logp_of_a_deterministic_is_an_error():
    with ppl.Model() as m:
        x = ppl.Normal("x", 0, 1)
        ppl.Deterministic("d", 2 * x)
    with pytest.raises(ppl.ModelError, match="'d' is not a random variable or a potential"):
        m.logp(vars=["d"])
