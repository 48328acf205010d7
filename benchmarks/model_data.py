"""Data of the benchmark models, simulated from fixed seeds; numpy only.

Kept apart from ``models.py`` (which needs ppl) so that the runners in ``compare/`` can use the
same numbers in an environment where ppl cannot be imported (PyMC pins its own PyTensor).
"""

import json
import os
import pathlib

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


def gaussian_scales(dim=100):
    """Standard deviations of the independent Gaussian: log-spaced from 0.01 to 100."""
    return np.logspace(-2.0, 2.0, dim)


# posteriordb's reference posteriors, in the shared folder beside the repository (../shared from
# the project root); PPL_POSTERIORDB overrides the location.
POSTERIORDB = pathlib.Path(
    os.environ.get(
        "PPL_POSTERIORDB",
        pathlib.Path(__file__).resolve().parents[1].parent / "shared" / "posteriordb",
    )
)


def posteriordb(name: str) -> dict:
    """The posteriordb JSON (description, data, reference moments) of posterior ``name``."""
    path = POSTERIORDB / f"{name}.json"
    if not path.is_file():
        raise FileNotFoundError(
            f"posteriordb posterior {name!r} not found at {path}; set PPL_POSTERIORDB to the "
            "folder holding <posterior>.json"
        )
    return json.loads(path.read_text())


def eight_schools_centered_data():
    """(y, sigma) of posteriordb's eight_schools-eight_schools_centered."""
    data = posteriordb("eight_schools-eight_schools_centered")["data"]
    return np.asarray(data["y"], dtype=float), np.asarray(data["sigma"], dtype=float)


def kidiq_interaction_data():
    """(kid_score, mom_hs, mom_iq) of posteriordb's kidiq-kidscore_interaction (N = 434)."""
    data = posteriordb("kidiq-kidscore_interaction")["data"]
    return tuple(np.asarray(data[k], dtype=float) for k in ("kid_score", "mom_hs", "mom_iq"))


def ark_data():
    """(lags, target) of posteriordb's arK-arK: ``target[i] = y[K + i]`` and
    ``lags[i, k - 1] = y[K + i - k]`` for k = 1..K, so the AR(K) likelihood is
    ``target ~ Normal(alpha + lags @ beta, sigma)``."""
    data = posteriordb("arK-arK")["data"]
    y, k = np.asarray(data["y"], dtype=float), int(data["K"])
    lags = np.column_stack([y[k - j : len(y) - j] for j in range(1, k + 1)])
    return lags, y[k:]


# Reference posteriors (posteriordb name) of the benchmark models that have one.
REFERENCE = {
    "eight_schools_centered": "eight_schools-eight_schools_centered",
    "kidiq_interaction": "kidiq-kidscore_interaction",
    "arK": "arK-arK",
}
