"""``Model.debug``: which variables are not finite at a point, and why (PyMC's ``model.debug``)."""

import io

import numpy as np
import pytest

import ppl
from ppl.model.debug import debug_model


def _model():
    with ppl.Model() as m:
        mu = ppl.Normal("mu", 0.0, 1.0, shape=3)
        s = ppl.Normal("s", 1.0, 1.0)
        ppl.Normal("y", mu[0], s, observed=[0.5])
        ppl.Poisson("k", ppl.math.exp(mu), observed=[1, 2, -1])
        ppl.Potential("pot", ppl.math.log(mu[1]))
    return m


def _report(m, **kw):
    out = io.StringIO()
    debug_model(m, file=out, **kw)
    return out.getvalue()


def test_logp_reports_each_failing_variable_with_its_parameters_and_values():
    m = _model()
    text = _report(m, point={"mu": np.array([0.0, -1.0, 2.0]), "s": -2.0})
    # sigma < 0: the parameter check raises; the report says which and shows the parameters.
    assert "The variable 'y' has the following parameters:" in text
    assert "  parameter 0 = array([0.])\n  parameter 1 = array([-2.])\n" in text  # mu[0], s
    assert "Its log-density raises ParameterValueError: Normal 'y': parameters must satisfy sigma > 0." in text
    # An impossible observation: -1 counts for a Poisson.
    assert "Some of the values of 'k' have a non-finite logp:" in text
    assert "value = np.int64(-1) -> logp = np.float64(-inf)" in text
    assert "value = np.int64(1)" not in text  # only the failing entries
    assert "The potential 'pot' is not finite: array(nan)" in text
    assert "'mu'" not in text.split("\n", 2)[2]  # mu itself is fine


def test_a_finite_model_has_no_problems_and_the_method_prints(capsys):
    m = _model()
    point = {"mu": np.array([0.0, 1.0, 2.0]), "s": 1.0}
    m.debug(point=point)  # the Model method, to standard output
    out = capsys.readouterr().out
    assert out.startswith("point=") and "Some of the values of 'k'" in out  # k = -1 still
    with ppl.Model() as fine:
        ppl.Normal("z", 0.0, 1.0)
    assert "No problems found: every logp is finite." in _report(fine)
    assert "No problems found: every dlogp is finite." in _report(fine, fn="dlogp")
    assert "No problems found: every random is finite." in _report(fine, fn="random")


def test_dlogp_and_random():
    with ppl.Model() as m:
        x = ppl.Normal("x", 0.0, 1.0, shape=2)
        ppl.Potential("p", ppl.math.sqrt(x).sum())  # d/dx sqrt(x) at 0 is inf
        ppl.Deterministic("d", ppl.math.log(-ppl.math.exp(x)))  # always nan
    text = _report(m, fn="dlogp", point={"x": np.array([0.0, 1.0])})
    assert "The gradient with respect to 'x' is not finite:" in text
    assert "value = np.float64(0.0) -> dlogp = np.float64(inf)" in text
    assert "value = np.float64(1.0)" not in text
    text = _report(m, fn="random")
    assert "A draw of 'd' is not finite: array([nan, nan])" in text
    assert "'x'" not in text.split("\n", 2)[2]
    with pytest.raises(ValueError, match="fn is 'grad', expected 'logp', 'dlogp' or 'random'"):
        _report(m, fn="grad")
