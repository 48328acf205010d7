"""Data of the benchmark models, simulated from fixed seeds; numpy only.

Kept apart from ``models.py`` (which needs ppl) so that the runners in ``compare/`` can use the
same numbers in an environment where ppl cannot be imported (PyMC pins its own PyTensor).
"""

import numpy as np

EIGHT_Y = np.array([28.0, 8.0, -3.0, 7.0, -1.0, 1.0, 18.0, 12.0])
EIGHT_SIGMA = np.array([15.0, 10.0, 16.0, 11.0, 9.0, 11.0, 10.0, 18.0])


def linear_regression_data(n=1000, k=10, seed=1):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, k))
    beta = rng.normal(size=k)
    y = 0.5 + X @ beta + rng.normal(scale=0.7, size=n)
    return X, y


def logistic_regression_data(n=5000, k=25, seed=2):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, k))
    beta = rng.normal(scale=0.5, size=k)
    p = 1.0 / (1.0 + np.exp(-(X @ beta - 0.3)))
    y = rng.binomial(1, p)
    return X, y


def hierarchical_data(groups=85, n=900, seed=3):
    rng = np.random.default_rng(seed)
    group = np.concatenate([np.arange(groups), rng.integers(0, groups, size=n - groups)])
    x = rng.normal(size=n)
    a = 1.0 + 0.5 * rng.normal(size=groups)
    y = a[group] - 0.7 * x + rng.normal(scale=0.8, size=n)
    return group, x, y
