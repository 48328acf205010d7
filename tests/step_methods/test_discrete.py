"""Binary and categorical Gibbs samplers against exact probabilities."""

import math

import numpy as np
import pytest
import scipy.stats

from ppl.exceptions import ParameterValueError, SamplingError, ShapeError
from ppl.step_methods.discrete import BinaryGibbsMetropolis, CategoricalGibbsMetropolis
from ppl.step_methods.driver import sample_array
from ppl.step_methods.step import Competence, VariableTraits
from tests.step_methods.mcse import assert_close_mcse

P_BINARY = np.array([0.1, 0.5, 0.8, 0.97])


def bernoulli_logp(q):
    return float(np.sum(q * np.log(P_BINARY) + (1 - q) * np.log1p(-P_BINARY)))


@pytest.mark.slow
def test_binary_gibbs_matches_independent_bernoullis():
    result = sample_array(BinaryGibbsMetropolis(bernoulli_logp), np.zeros(4), draws=5000,
                          tune=0, rng=np.random.default_rng(51))
    for i, p in enumerate(P_BINARY):
        assert_close_mcse(result.draws[:, i], p, label=f"P(q{i} = 1)")
    # Flip acceptance is min(1, odds) per coordinate, averaged over coordinates.
    accept = result.stats["accept"]
    assert np.all((0.0 <= accept) & (accept <= 1.0))


@pytest.mark.slow
def test_binary_gibbs_with_dependence():
    # Two coupled bits: p(a, b) proportional to exp(1.5 * a * b - a). Exact marginals by sum.
    def logp(q):
        return 1.5 * q[0] * q[1] - q[0]

    table = np.exp([[logp(np.array([a, b])) for b in (0.0, 1.0)] for a in (0.0, 1.0)])
    table /= table.sum()
    result = sample_array(BinaryGibbsMetropolis(logp, order=[1, 0]), np.zeros(2), draws=5000,
                          tune=0, rng=np.random.default_rng(52))
    a, b = result.draws[:, 0], result.draws[:, 1]
    assert_close_mcse(a, table[1].sum(), label="P(a = 1)")
    assert_close_mcse(b, table[:, 1].sum(), label="P(b = 1)")
    assert_close_mcse(a * b, table[1, 1], label="P(a = b = 1)")


@pytest.mark.slow
def test_categorical_gibbs_single_coordinate_chi_square():
    # One coordinate: each sweep is an exact independent draw, so counts are multinomial.
    probs = np.array([0.1, 0.2, 0.3, 0.4])
    log_probs = np.log(probs)
    step = CategoricalGibbsMetropolis(lambda q: float(log_probs[int(q[0])]), 4)
    result = sample_array(step, np.zeros(1), draws=4000, tune=0, rng=np.random.default_rng(53))
    counts = np.bincount(result.draws[:, 0].astype(int), minlength=4)
    statistic = np.sum((counts - 4000 * probs) ** 2 / (4000 * probs))
    assert statistic < scipy.stats.chi2.ppf(1 - 1e-4, df=3)  # stated significance 1e-4


@pytest.mark.slow
def test_categorical_gibbs_joint_with_different_sizes():
    # Coordinates with 3 and 4 categories and an interaction; exact joint table by enumeration.
    weights = np.array([[1.0, 2.0, 0.5, 3.0], [0.2, 1.0, 4.0, 1.0], [2.0, 0.1, 1.0, 1.0]])
    log_weights = np.log(weights)

    def logp(q):
        return float(log_weights[int(q[0]), int(q[1])])

    joint = weights / weights.sum()
    step = CategoricalGibbsMetropolis(logp, [3, 4])
    result = sample_array(step, np.zeros(2), draws=5000, tune=0, rng=np.random.default_rng(54))
    first, second = result.draws[:, 0], result.draws[:, 1]
    for k in range(3):
        assert_close_mcse(first == k, joint[k].sum(), label=f"P(first = {k})")
    for k in range(4):
        assert_close_mcse(second == k, joint[:, k].sum(), label=f"P(second = {k})")
    assert_close_mcse((first == 2) & (second == 0), joint[2, 0], label="P(2, 0)")


def test_categorical_never_visits_zero_probability_category():
    log_probs = np.array([0.0, -math.inf, 0.0])
    step = CategoricalGibbsMetropolis(lambda q: float(log_probs[int(q[0])]), 3)
    result = sample_array(step, np.zeros(1), draws=200, tune=0, rng=np.random.default_rng(55))
    assert not np.any(result.draws == 1.0)


def test_invalid_values_and_options():
    with pytest.raises(SamplingError, match=r"values \[0.5\] at indices \[1\]"):
        BinaryGibbsMetropolis(bernoulli_logp).step(np.array([0, 0.5, 1, 1.0]),
                                                   np.random.default_rng(0))
    with pytest.raises(SamplingError, match=r"values \[3.\]"):
        CategoricalGibbsMetropolis(lambda q: 0.0, 3).step(np.array([3.0]),
                                                         np.random.default_rng(0))
    with pytest.raises(ShapeError, match="length 1, expected 2"):
        CategoricalGibbsMetropolis(lambda q: 0.0, [3, 3]).step(np.zeros(1),
                                                              np.random.default_rng(0))
    with pytest.raises(ParameterValueError, match="n_categories is 1"):
        CategoricalGibbsMetropolis(lambda q: 0.0, 1)
    with pytest.raises(ParameterValueError, match="order is 'sorted'"):
        BinaryGibbsMetropolis(bernoulli_logp, order="sorted")
    with pytest.raises(ParameterValueError, match="permutation of range"):
        BinaryGibbsMetropolis(bernoulli_logp, order=[0, 0, 1, 2]).step(np.zeros(4),
                                                                 np.random.default_rng(0))


def test_competence():
    binary = VariableTraits(discrete=True, has_grad=False, n_categories=2)
    categorical = VariableTraits(discrete=True, has_grad=False, n_categories=5)
    continuous = VariableTraits(discrete=False, has_grad=True)
    assert BinaryGibbsMetropolis.competence(binary) == Competence.IDEAL
    assert BinaryGibbsMetropolis.competence(categorical) == Competence.INCOMPATIBLE
    assert CategoricalGibbsMetropolis.competence(categorical) == Competence.IDEAL
    assert CategoricalGibbsMetropolis.competence(binary) == Competence.COMPATIBLE
    assert CategoricalGibbsMetropolis.competence(continuous) == Competence.INCOMPATIBLE
