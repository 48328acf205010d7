"""The array step-method contract, checked for every step method: stats, seeds, tuning, purity."""

import pickle

import numpy as np
import pytest

from ppl.exceptions import ShapeError
from ppl.step_methods.discrete import BinaryGibbsMetropolis, CategoricalGibbsMetropolis
from ppl.step_methods.driver import sample_array
from ppl.step_methods.hmc.hmc import HMC
from ppl.step_methods.hmc.nuts import NUTS
from ppl.step_methods.metropolis import Metropolis
from ppl.step_methods.slice import Slice
from ppl.step_methods.step import ArrayStepMethod, Competence, VariableTraits, declare_stats
from tests.step_methods.targets import Gaussian

GAUSSIAN = Gaussian(np.array([0.5, -0.5, 1.0]), np.diag([1.0, 2.0, 0.5]))
LOGITS = np.array([-1.0, 0.5, 2.0])


def bits_logp(q):
    return float(q @ LOGITS)


def categories_logp(q):
    return float(np.sum(q * LOGITS) - 0.3 * np.sum(q**2))


FACTORIES = {
    "NUTS": (lambda: NUTS(GAUSSIAN.logp_dlogp, 3), np.zeros(3)),
    "NUTS-dense": (lambda: NUTS(GAUSSIAN.logp_dlogp, 3, dense_mass=True), np.zeros(3)),
    "HMC": (lambda: HMC(GAUSSIAN.logp_dlogp, 3), np.zeros(3)),
    "Metropolis": (lambda: Metropolis(GAUSSIAN.logp, 3), np.zeros(3)),
    "Slice": (lambda: Slice(GAUSSIAN.logp, 3), np.zeros(3)),
    "BinaryGibbs": (lambda: BinaryGibbsMetropolis(bits_logp), np.zeros(3)),
    "CategoricalGibbs": (lambda: CategoricalGibbsMetropolis(categories_logp, 4), np.zeros(3)),
}


@pytest.fixture(params=sorted(FACTORIES))
def method(request):
    factory, q0 = FACTORIES[request.param]
    return factory, q0


def test_stats_have_declared_names_and_dtypes(method):
    factory, q0 = method
    step = factory()
    step.start_tune(50)
    q = q0
    for tuning in (True, False):
        q, stats = step.step(q, np.random.default_rng(0))
        assert set(stats) == set(step.stats_dtypes), tuning
        for name, value in stats.items():
            assert np.ndim(value) == 0, name
            assert np.asarray(value).dtype == step.stats_dtypes[name], name
        step.stop_tune()
    assert q.dtype == np.float64 and q.shape == q0.shape


def test_same_seed_gives_identical_draws(method):
    factory, q0 = method
    runs = [
        sample_array(factory(), q0, draws=30, tune=30, rng=np.random.default_rng(123))
        for _ in range(2)
    ]
    np.testing.assert_array_equal(runs[0].draws, runs[1].draws)
    for name in runs[0].stats:
        np.testing.assert_array_equal(runs[0].stats[name], runs[1].stats[name])
    other = sample_array(factory(), q0, draws=30, tune=30, rng=np.random.default_rng(124))
    assert not np.array_equal(runs[0].draws, other.draws)


def test_step_does_not_modify_its_input(method):
    factory, q0 = method
    q = q0.copy()
    factory().step(q, np.random.default_rng(0))
    np.testing.assert_array_equal(q, q0)


def test_tune_flag_switches(method):
    factory, _ = method
    step = factory()
    assert not step.tune
    step.start_tune(10)
    assert step.tune
    step.stop_tune()
    assert not step.tune
    step.start_tune(None)
    step.reset_tuning()
    assert not step.tune


def test_competence_ranks_methods_for_each_kind_of_variable():
    classes = [NUTS, HMC, Metropolis, Slice, BinaryGibbsMetropolis, CategoricalGibbsMetropolis]

    def best(traits):
        return max(classes, key=lambda cls: cls.competence(traits))

    assert best(VariableTraits(discrete=False, has_grad=True)) is NUTS
    assert best(VariableTraits(discrete=False, has_grad=False)) is Slice
    assert best(VariableTraits(discrete=True, has_grad=False, n_categories=2)) is (
        BinaryGibbsMetropolis
    )
    assert best(VariableTraits(discrete=True, has_grad=False, n_categories=4)) is (
        CategoricalGibbsMetropolis
    )
    assert best(VariableTraits(discrete=True, has_grad=False)) is Metropolis
    assert [int(c) for c in Competence] == [0, 1, 2, 3]


def test_base_class_defaults():
    class Stay(ArrayStepMethod):
        def step(self, q, rng):
            return q, {}

    step = Stay()
    assert dict(step.stats_dtypes) == {}
    assert step.competence(VariableTraits(False, True)) == Competence.INCOMPATIBLE
    with pytest.raises(TypeError):
        ArrayStepMethod()
    spec = declare_stats(a=float, b="int64")
    assert spec == {"a": np.dtype(np.float64), "b": np.dtype(np.int64)}
    with pytest.raises(TypeError):
        spec["c"] = bool


def test_pickled_step_continues_identically(method):
    # Chains run in worker processes receive pickled step methods.
    factory, q0 = method
    step = factory()
    step.start_tune(20)
    rng = np.random.default_rng(5)
    q = q0
    for _ in range(5):
        q, _ = step.step(q, rng)
    clone = pickle.loads(pickle.dumps(step))
    rng_clone = pickle.loads(pickle.dumps(rng))
    for _ in range(5):
        q_a, stats_a = step.step(q, rng)
        q_b, stats_b = clone.step(q, rng_clone)
        np.testing.assert_array_equal(q_a, q_b)
        assert stats_a == stats_b
        q = q_a


@pytest.mark.parametrize("name", ["NUTS", "NUTS-dense", "HMC", "Metropolis", "Slice"])
def test_wrong_length_is_a_shape_error(name):
    factory, _ = FACTORIES[name]
    with pytest.raises(ShapeError, match="expected"):
        factory().step(np.zeros(4), np.random.default_rng(0))
