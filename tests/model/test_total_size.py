"""``total_size``: a minibatch's log-density scaled up to the full data set's, as in PyMC."""

import numpy as np
import pytest
import scipy.stats as st

import ppl
from ppl.exceptions import ModelError

Y = np.random.default_rng(5).normal(1.0, 2.0, size=(10, 4))


def _logp(model, point):
    return float(model.compile_logp()(point))


def _model(total_size, data=Y):
    with ppl.Model() as m:
        mu = ppl.Normal("mu", 0.0, 3.0)
        ppl.Normal("y", mu, 2.0, observed=data, total_size=total_size)
    return m


def _expected(scale, data=Y, mu=0.7):
    return st.norm(0.0, 3.0).logpdf(mu) + scale * st.norm(mu, 2.0).logpdf(data).sum()


@pytest.mark.parametrize(
    ("total_size", "scale"),
    [
        (1000, 100.0),  # an int is the first axis
        ([1000], 100.0),
        ([1000, None], 100.0),  # None: the axis is not subsampled
        ([None, 8], 2.0),
        ([1000, ..., 8], 200.0),  # after the Ellipsis: trailing axes
        ([..., 8], 2.0),
        ([10, 4], 1.0),  # the full data: nothing changes
    ],
)
def test_observed_log_likelihood_is_scaled(total_size, scale):
    m = _model(total_size)
    np.testing.assert_allclose(_logp(m, {"mu": 0.7}), _expected(scale), rtol=1e-12)
    # The gradient is scaled the same way.
    dlogp = m.compile_dlogp()({"mu": 0.7})
    want = -0.7 / 9.0 + scale * ((Y - 0.7) / 4.0).sum()
    np.testing.assert_allclose(dlogp, [want], rtol=1e-12)


def test_scaling_follows_the_batch_length_of_data_containers():
    with ppl.Model() as m:
        batch = ppl.Data("batch", Y[:, 0])
        mu = ppl.Normal("mu", 0.0, 3.0)
        ppl.Normal("y", mu, 2.0, observed=batch, total_size=100)
    logp = m.compile_logp()
    np.testing.assert_allclose(logp({"mu": 0.7}), _expected(10.0, Y[:, 0]), rtol=1e-12)
    with m:
        ppl.set_data({"batch": Y[:4, 1]})
    np.testing.assert_allclose(logp({"mu": 0.7}), _expected(25.0, Y[:4, 1]), rtol=1e-12)


def test_free_and_scalar_variables():
    with ppl.Model() as m:
        ppl.Normal("local", 0.0, 1.0, shape=5, total_size=50)  # minibatch-local latents
        ppl.Normal("one", 0.0, 1.0, total_size=7)  # a scalar stands for 7 of its kind
    point = {"local": np.linspace(-1, 1, 5), "one": 0.3}
    want = 10.0 * st.norm.logpdf(point["local"]).sum() + 7.0 * st.norm.logpdf(0.3)
    np.testing.assert_allclose(_logp(m, point), want, rtol=1e-12)


def test_sampling_uses_the_scaled_density():
    # Normal-normal with known sigma: 10 observations standing for 1000 give the posterior of
    # 1000 observations with the same mean.
    y = np.random.default_rng(0).normal(1.0, 1.0, size=10)
    with ppl.Model():
        mu = ppl.Normal("mu", 0.0, 10.0)
        ppl.Normal("y", mu, 1.0, observed=y, total_size=1000)
        idata = ppl.sample(draws=500, tune=300, chains=2, random_seed=2, progressbar=False,
                           compute_convergence_checks=False)
    precision = 1 / 100 + 1000.0
    sd = 1 / np.sqrt(precision)
    mean = 1000.0 * y.mean() / precision
    draws = idata.posterior["mu"].values.ravel()
    assert abs(draws.mean() - mean) < 5 * sd / np.sqrt(200)  # ESS well above 200
    assert 0.8 < draws.std() / sd < 1.2


@pytest.mark.parametrize(
    ("total_size", "match"),
    [
        (0, "has the entry 0"),
        (-5, "has the entry -5"),
        ("100", "is not an int or a list"),
        (2.5, "is not an int or a list"),
        (True, "is not an int or a list"),
        ([100, ..., 4, ...], "more than one Ellipsis"),
        ([100, 4, 2], "gives 3 axes, but the variable has 2"),
        ([100, 1.5], "has the entry 1.5"),
    ],
)
def test_invalid_total_size_is_an_error_at_definition(total_size, match):
    with pytest.raises(ModelError, match=rf"Normal 'y': total_size=.*{match}"):
        _model(total_size)


def test_missing_data_with_total_size_is_refused():
    data = Y[:, 0].copy()
    data[3] = np.nan
    with pytest.raises(ModelError, match="total_size with missing data"):
        _model(100, data)
