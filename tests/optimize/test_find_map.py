"""find_MAP against closed-form posterior modes; failures and discrete variables are reported."""

import numpy as np
import pytensor.tensor as pt
import pytest
from scipy import optimize

import ppl
from ppl.exceptions import SamplingError
from ppl.optimize import OptimizationWarning

RNG = np.random.default_rng(42)
X = RNG.normal(size=(50, 3))
BETA = np.array([1.0, -2.0, 0.5])
Y = X @ BETA + 0.3 + RNG.normal(scale=0.7, size=50)
PRIOR_SD, NOISE_SD = 3.0, 0.7


def gaussian_linear_model():
    with ppl.Model() as m:
        intercept = ppl.Normal("intercept", 0, PRIOR_SD)
        beta = ppl.Normal("beta", 0, PRIOR_SD, shape=3)
        mu = ppl.Deterministic("mu", intercept + X @ beta)
        ppl.Normal("y", mu, NOISE_SD, observed=Y)
    return m


def exact_mode():
    # Gaussian prior and likelihood: the mode is the ridge solution.
    design = np.column_stack([np.ones(len(Y)), X])
    precision = design.T @ design / NOISE_SD**2 + np.eye(4) / PRIOR_SD**2
    return np.linalg.solve(precision, design.T @ Y / NOISE_SD**2)


@pytest.mark.parametrize("method", ["L-BFGS-B", "BFGS", "Powell"])
def test_gaussian_linear_model_mode_to_1e6(method):
    kwargs = {"options": {"xtol": 1e-12, "ftol": 1e-14, "maxfev": 100000}} if method == "Powell" else {"tol": 1e-12}
    point = ppl.find_MAP(model=gaussian_linear_model(), method=method, progressbar=False, **kwargs)
    expected = exact_mode()
    np.testing.assert_allclose(point["intercept"], expected[0], atol=1e-6)
    np.testing.assert_allclose(point["beta"], expected[1:], atol=1e-6)
    np.testing.assert_allclose(point["mu"], expected[0] + X @ expected[1:], atol=1e-5)


def test_bounded_variable_mode_is_without_jacobian_and_transformed_value_is_returned():
    y = np.array([0.5, -1.2, 2.0, 0.3])
    with ppl.Model() as m:
        sigma = ppl.HalfFlat("sigma")
        ppl.Normal("y", 0, sigma, observed=y)
    point = ppl.find_MAP(model=m, progressbar=False, tol=1e-12)
    # The mode of prod N(y | 0, sigma) in sigma is the root mean square.
    np.testing.assert_allclose(point["sigma"], np.sqrt(np.mean(y**2)), rtol=1e-6)
    np.testing.assert_allclose(point["sigma_log__"], np.log(point["sigma"]))
    assert "sigma_log__" not in ppl.find_MAP(model=m, progressbar=False, include_transformed=False)


def test_vars_subset_keeps_the_others_at_start():
    m = gaussian_linear_model()
    point = ppl.find_MAP(model=m, vars=["beta"], start={"intercept": 5.0}, progressbar=False, tol=1e-12)
    assert point["intercept"] == 5.0
    precision = X.T @ X / NOISE_SD**2 + np.eye(3) / PRIOR_SD**2
    expected = np.linalg.solve(precision, X.T @ (Y - 5.0) / NOISE_SD**2)
    np.testing.assert_allclose(point["beta"], expected, atol=1e-6)


def test_discrete_variables_are_held_with_a_warning():
    with ppl.Model() as m:
        k = ppl.Poisson("k", 3.0)
        x = ppl.Normal("x", k, 1.0)
        ppl.Normal("y", x, 1.0, observed=[2.0])
    with pytest.warns(OptimizationWarning, match=r"discrete variables \['k'\] are held"):
        point = ppl.find_MAP(model=m, start={"k": 2}, progressbar=False)
    assert point["k"] == 2
    np.testing.assert_allclose(point["x"], 2.0, atol=1e-6)


def test_optimiser_failure_is_reported_with_the_best_point():
    with ppl.Model() as m:
        ppl.Flat("x")
        ppl.Potential("unbounded", 2.0 * m["x"])  # increases without bound
    with pytest.warns(OptimizationWarning, match=r"find_MAP: L-BFGS-B stopped without converging.*maxeval=20"):
        point, raw = ppl.find_MAP(model=m, maxeval=20, return_raw=True, progressbar=False)
    assert isinstance(raw, optimize.OptimizeResult) and not raw.success
    assert point["x"] > 0


def test_start_outside_support_is_a_clear_error():
    with ppl.Model() as m2:
        s = ppl.HalfNormal("s", 1.0)
        ppl.Potential("bad", -np.inf * s)
    with pytest.raises(SamplingError, match=r"find_MAP: the log-density at the start is -inf"):
        ppl.find_MAP(model=m2, progressbar=False)


def test_progressbar_runs():
    point = ppl.find_MAP(model=gaussian_linear_model(), progressbar=True)
    np.testing.assert_allclose(point["intercept"], exact_mode()[0], atol=1e-4)
