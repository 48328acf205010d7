"""ppl.check_gradient: right gradients pass, wrong ones are caught and located."""

import numpy as np
import pytest

import ppl
from ppl.blackbox import GradientCheck
from ppl.exceptions import ModelError

X = np.linspace(-1.0, 2.0, 15)
Y = 0.3 - 0.7 * X + np.cos(3 * X) / 5


def loglike(m, c, log_sigma):
    r = (Y - m * X - c) * np.exp(-log_sigma)
    return -0.5 * np.sum(r**2) - X.size * log_sigma


def grad(m, c, log_sigma):
    s = np.exp(log_sigma)
    r = (Y - m * X - c) / s
    return np.sum(r * X) / s, np.sum(r) / s, np.sum(r**2) - X.size


def grad_with_a_bug(m, c, log_sigma):  # forgets the 1/sigma of the intercept
    g = list(grad(m, c, log_sigma))
    g[1] = g[1] * np.exp(log_sigma)
    return tuple(g)


POINT = (-0.5, 0.4, -0.8)


def test_right_gradient_passes():
    report = ppl.check_gradient(loglike, POINT, grad_fn=grad)
    assert isinstance(report, GradientCheck)
    assert report.ok and report.n_failed == 0 and report.n_components == 3
    assert report.max_rel_error < 1e-7
    assert "ok" in repr(report)


def test_wrong_gradient_is_caught_and_located():
    with pytest.raises(ModelError, match=r"gradient is wrong.*WRONG in 1 of 3.*input 1") as info:
        ppl.check_gradient(loglike, POINT, grad_fn=grad_with_a_bug)
    report = info.value.report
    assert not report.ok and report.worst_input == 1 and report.worst_index == ()
    assert report.gradient == pytest.approx(grad_with_a_bug(*POINT)[1])
    assert report.finite_difference == pytest.approx(grad(*POINT)[1], rel=1e-6)
    quiet = ppl.check_gradient(loglike, POINT, grad_fn=grad_with_a_bug, raise_error=False)
    assert quiet == report


def test_op_gradient_and_vector_inputs():
    def vector_loglike(beta):
        return -0.5 * np.sum((Y - beta[0] - beta[1] * X) ** 2)

    def vector_grad(beta):
        r = Y - beta[0] - beta[1] * X
        return np.array([np.sum(r), np.sum(r * X)])

    op = ppl.blackbox(vector_loglike, vector_grad)
    assert ppl.check_gradient(op, np.array([0.1, -0.2])).ok
    wrong = ppl.blackbox(vector_loglike, lambda b: vector_grad(b) * [1.0, 1.01])
    report = ppl.check_gradient(wrong, [np.array([0.1, -0.2])], raise_error=False)
    assert not report.ok and (report.worst_input, report.worst_index) == (0, (1,))
    # grad_fn checked against an op's value
    assert ppl.check_gradient(op, np.array([0.3, 0.3]), grad_fn=vector_grad).ok


def test_dict_point_and_named_gradients():
    def f(mu, sigma):
        return -0.5 * np.sum((Y - mu) ** 2) / sigma**2

    def g(mu, sigma):
        return {"sigma": np.sum((Y - mu) ** 2) / sigma**3, "mu": np.sum(Y - mu) / sigma**2}

    assert ppl.check_gradient(f, {"mu": 0.2, "sigma": 1.3}, grad_fn=g).ok
    bad = ppl.check_gradient(f, {"mu": 0.2, "sigma": 1.3}, grad_fn=lambda mu, sigma: (0.0, 0.0), raise_error=False)
    assert not bad.ok and bad.worst_input in ("mu", "sigma")


def test_array_valued_op_checks_its_vjp():
    good = ppl.blackbox(np.sin, vjp_fn=lambda ct, x: (ct * np.cos(x),), output_shape=(None,))
    assert ppl.check_gradient(good, np.array([0.1, 1.0, 2.5])).ok
    bad = ppl.blackbox(np.sin, vjp_fn=lambda ct, x: (ct * np.cos(x) * 1.1,), output_shape=(None,))
    assert not ppl.check_gradient(bad, np.array([0.1, 1.0, 2.5]), raise_error=False).ok


def test_large_log_densities_do_not_fail_on_rounding():
    big = 1e9

    def f(x):
        return -big - 0.5 * x @ x

    assert ppl.check_gradient(f, np.zeros(3) + 1e-3, grad_fn=lambda x: -x).ok


def test_plain_function_needs_a_gradient_and_a_finite_value():
    with pytest.raises(ModelError, match="grad_fn"):
        ppl.check_gradient(loglike, POINT)
    with pytest.raises(ModelError, match="expected finite"):
        ppl.check_gradient(lambda x: -np.inf, 1.0, grad_fn=lambda x: 0.0)
