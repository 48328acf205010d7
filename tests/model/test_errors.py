"""Errors raised at model definition: they name the variable and show the offending value."""

import numpy as np
import pytensor.tensor as pt
import pytest

import ppl
from ppl.exceptions import ModelError, ParameterValueError, SamplingError, TransformError


def test_infinite_observed_data_is_an_error_nan_marks_missing():
    with ppl.Model():
        with pytest.raises(ModelError, match=r"Observed 'z'.*2 infinite.*inf at index \(0, 0\).*masked_invalid"):
            ppl.Normal("z", 0, 1, observed=[[np.inf, 1.0], [2.0, -np.inf]])
        with pytest.raises(ModelError, match=r"Observed 's'.*all 1 values are missing"):
            ppl.Normal("s", 0, 1, observed=np.nan)


def test_non_numeric_observed_data():
    with ppl.Model():
        with pytest.raises(ModelError, match=r"Observed 'y'.*numeric.*dtype"):
            ppl.Normal("y", 0, 1, observed=np.array(["a", "b"]))


def test_unknown_keyword_arguments_are_listed():
    with ppl.Model():
        with pytest.raises(TypeError, match=r"Normal 'x'.*unexpected argument.*'sd'.*sigma"):
            ppl.Normal("x", 0, sd=1)
    with pytest.raises(TypeError, match=r"Normal.*unexpected argument.*'foo'"):
        ppl.Normal.dist(0, 1, foo=2)


def test_invalid_literal_sigma_names_variable_and_value():
    with ppl.Model() as m:
        with pytest.raises(ParameterValueError, match=r"Normal 'x'.*sigma.*-1.*sigma > 0"):
            ppl.Normal("x", 0, -1)
        with pytest.raises(ParameterValueError, match=r"Normal 'y'.*sigma > 0"):
            ppl.Normal("y", 0, np.array([1.0, -2.0]))
    assert m.free_RVs == []  # nothing half-registered


def test_invalid_symbolic_sigma_raises_when_evaluated():
    with ppl.Model() as m:
        s = ppl.Normal("s", 0, 1)
        ppl.Normal("x", 0, s)
    fn = m.compile_logp(mode="FAST_COMPILE")
    assert np.isfinite(fn({"s": 1.0, "x": 0.0}))
    with pytest.raises(ParameterValueError, match="sigma > 0"):
        fn({"s": -1.0, "x": 0.0})


def test_transform_must_be_a_transform():
    with ppl.Model():
        with pytest.raises(TransformError, match=r"'x'.*transform.*Transform.*'log'"):
            ppl.Normal("x", 0, 1, transform="log")
        with pytest.raises(TransformError, match=r"'y'.*default_transform"):
            ppl.Normal("y", 0, 1, default_transform=np.log)


def test_bad_initval():
    with ppl.Model() as m:
        ppl.Normal("x", 0, 1, transform=ppl.transforms.log, initval=-1.0)
    with pytest.raises(ModelError, match=r"'x_log__' is not finite.*initval"):
        m.initial_point()
    with ppl.Model() as m2:
        ppl.Normal("x", 0, 1, initval="abc")
    with pytest.raises(ModelError, match=r"initval of 'x' must be numeric"):
        m2.initial_point()


def test_check_start_vals_lists_logp_per_variable():
    with ppl.Model() as m:
        x = ppl.Normal("x", 0, 1)
        ppl.Potential("never", pt.switch(x > 100, 0.0, -np.inf))
    with pytest.raises(SamplingError, match=r"logp is not finite.*'x': -0.92.*'never': -inf"):
        m.check_start_vals({"x": np.array(0.0)})
    with pytest.raises(SamplingError, match="missing variable 'x'"):
        m.check_start_vals({})
    with pytest.raises(SamplingError, match="'x' is not finite"):
        m.check_start_vals({"x": np.array(np.nan)})


def test_dlogp_with_respect_to_a_name_that_does_not_exist():
    with ppl.Model() as m:
        ppl.Normal("x", 0, 1)
    with pytest.raises(KeyError, match="Did you mean 'x'"):
        m.dlogp(["xx"])
