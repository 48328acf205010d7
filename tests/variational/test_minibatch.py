"""``ppl.Minibatch`` with ``total_size``: ADVI on random batches of the data (PyMC 5's API)."""

import numpy as np
import pytensor
import pytest

import ppl
from ppl.exceptions import SamplingError
from ppl.logprob.minibatch import minibatch_rows

RNG = np.random.default_rng(0)
N = 5000
X = RNG.normal(size=(N, 3))
BETA = np.array([1.0, -2.0, 0.5])
Y = X @ BETA + RNG.normal(size=N)


def test_batches_are_the_same_random_rows_of_every_input():
    xb, yb = ppl.Minibatch(X, Y, batch_size=50, random_seed=1)
    draw = pytensor.function([], [xb, yb])
    (batch,) = minibatch_rows([xb])
    first_x, first_y = draw()
    assert first_x.shape == (50, 3) and first_y.shape == (50,)
    np.testing.assert_array_equal(first_x, X[batch.rows.get_value()])
    np.testing.assert_array_equal(first_y, Y[batch.rows.get_value()])
    assert np.array_equal(draw()[0], first_x)  # one batch until it is advanced
    batch.advance()
    second_x, second_y = draw()
    assert not np.array_equal(second_x, first_x)
    np.testing.assert_allclose(second_x @ BETA, second_y - (Y - X @ BETA)[batch.rows.get_value()])


def test_batches_follow_data_containers_after_set_data():
    with ppl.Model() as m:
        data = ppl.Data("data", np.arange(100.0))
        batch = ppl.Minibatch(data, batch_size=30, random_seed=2)
    (rows,) = minibatch_rows([batch])
    assert rows.n == 100
    with m:
        ppl.set_data({"data": np.arange(7.0)})
    rows.refresh()
    assert rows.n == 7 and rows.rows.get_value().max() < 7


@pytest.mark.parametrize(
    ("args", "kwargs", "match"),
    [
        ((X,), {"batch_size": 0}, "batch_size is 0"),
        ((X,), {"batch_size": 2.5}, "batch_size is 2.5"),
        ((np.float64(3.0),), {"batch_size": 2}, "input 0 is a scalar"),
        ((X, Y[:10]), {"batch_size": 2}, r"different numbers of rows \[10, 5000\]"),
    ],
)
def test_invalid_minibatches(args, kwargs, match):
    with pytest.raises(ValueError, match=match):
        ppl.Minibatch(*args, **kwargs)


def _model(batch_size=100):
    xb, yb = ppl.Minibatch(X, Y, batch_size=batch_size, random_seed=1)
    with ppl.Model() as m:
        b = ppl.Normal("b", 0.0, 10.0, shape=3)
        ppl.Normal("y", xb @ b, 1.0, observed=yb, total_size=N)
    return m


def test_advi_on_minibatches_finds_the_full_data_posterior():
    precision = X.T @ X + np.eye(3) / 100.0
    mean = np.linalg.solve(precision, X.T @ Y)
    sd = np.sqrt(np.diag(np.linalg.inv(precision)))
    with _model():
        approx = ppl.fit(10000, progressbar=False, random_seed=3)
    fitted = approx.sample(1000, random_seed=4).posterior["b"]
    # Without total_size the likelihood would count 100 rows, not 5000: sd ~7x wider.
    np.testing.assert_array_less(np.abs(fitted.mean(("chain", "draw")).values - mean), 0.5 * sd)
    np.testing.assert_array_less(fitted.std(("chain", "draw")).values, 1.3 * sd)


def test_every_advi_step_sees_a_new_batch():
    seen = []
    with _model(batch_size=10) as m:
        advi = ppl.ADVI(random_seed=5)
        (rows,) = advi._minibatches
        advi.fit(5, progressbar=False, callbacks=[lambda *_: seen.append(rows.rows.get_value().copy())])
    assert len(seen) == 5 and len({tuple(s) for s in seen}) == 5
    with m, pytest.raises(SamplingError, match="uses ppl.Minibatch"):
        ppl.sample(draws=10, tune=10, chains=1, progressbar=False)
