"""The joint log-density refuses graphs that would silently use random draws."""

import numpy as np
import pytensor
import pytensor.tensor as pt
import pytest

import ppl


def test_scan_closure_over_model_variables_is_rejected():
    # A scan body that closes over a model variable instead of receiving it as a non_sequence
    # copies its random graph inside: the log-density would use a fresh draw at every call.
    y = np.linspace(-1.0, 1.0, 5)
    with ppl.Model() as model:
        mu = ppl.Normal("mu", 0.0, 1.0)
        s = pytensor.scan(
            lambda y_prev, s_prev: 0.5 * s_prev + (y_prev - mu) ** 2,
            sequences=[pt.as_tensor(y)],
            outputs_info=[pt.constant(1.0, dtype="float64")],
            return_updates=False,
        )
        ppl.Normal("obs", 0.0, s, observed=y)
    with pytest.raises(ppl.ModelError, match=r"random variables \['mu'\].*non_sequences"):
        model.compile_logp()


def test_scan_with_non_sequences_is_accepted():
    y = np.linspace(-1.0, 1.0, 5)
    with ppl.Model() as model:
        mu = ppl.Normal("mu", 0.0, 1.0)
        s = pytensor.scan(
            lambda y_prev, s_prev, m: 0.5 * s_prev + (y_prev - m) ** 2,
            sequences=[pt.as_tensor(y)],
            outputs_info=[pt.constant(1.0, dtype="float64")],
            non_sequences=[mu],
            return_updates=False,
        )
        ppl.Normal("obs", 0.0, s, observed=y)
    logp = model.compile_logp(mode="FAST_COMPILE")
    assert logp({"mu": np.array(0.3)}) == logp({"mu": np.array(0.3)})


def test_unregistered_distribution_as_parameter_is_rejected():
    with ppl.Model() as model:
        ppl.Normal("x", mu=ppl.Normal.dist(0, 1), sigma=1.0)
    with pytest.raises(ppl.ModelError, match="still contains random variables"):
        model.logp()
