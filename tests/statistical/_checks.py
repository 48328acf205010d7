"""Monte Carlo error bounds shared by the statistical tests.

Every bound is a multiple of a Monte Carlo standard error computed by ArviZ from the run itself
(``az.mcse``, ``az.ess``), never a hand-tuned tolerance. A bound is only meaningful for a run
that converged, so :func:`assert_converged` (split R-hat and minimum ESS) comes first.
"""

import warnings

import arviz as az
import numpy as np

__all__ = [
    "N_MCSE",
    "RHAT_MAX",
    "ESS_MIN",
    "assert_converged",
    "assert_mean_sd",
    "assert_probabilities",
    "sample_quietly",
]

#: Allowed error in Monte Carlo standard errors (two-sided false-alarm rate ~6e-5 each).
N_MCSE = 4.0
RHAT_MAX = 1.05
ESS_MIN = 50.0


def _az(fn, *args, **kwargs):
    # ArviZ warns on tiny/constant arrays; the tests judge the numbers themselves.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn(*args, **kwargs)


def _scalar(value) -> float:
    return float(np.asarray(value, dtype=float).reshape(-1)[0])


def mcse_mean(x: np.ndarray) -> float:
    """ArviZ's MCSE of the mean of ``(chain, draw)`` samples."""
    return _scalar(_az(az.mcse, x, method="mean"))


def mcse_sd(x: np.ndarray) -> float:
    """MCSE of the sd of ``(chain, draw)`` samples by the delta method.

    ``az.mcse(method="sd")`` fails on NumPy arrays with ArviZ 0.23 / NumPy 2 (it calls
    ``float`` on a 1-element array), so this is the same estimator written out: the MCSE of the
    variance is sd(z) / sqrt(ESS(z)) for the centred squares z = (x - mean)^2, and
    d sd = d var / (2 sd).
    """
    z = (x - x.mean()) ** 2
    ess_z = _scalar(_az(az.ess, z, method="mean"))
    return float(z.std(ddof=1) / np.sqrt(ess_z) / (2 * x.std(ddof=1)))


def draws_of(idata, name: str) -> np.ndarray:
    """Posterior draws of ``name`` as ``(chain, draw, *shape)``."""
    return np.asarray(idata.posterior[name].values, dtype=np.float64)


def convergence(samples: np.ndarray) -> tuple[float, float]:
    """(max split R-hat, min bulk ESS) over the components of ``(chain, draw, ...)`` samples."""
    flat = samples.reshape(samples.shape[0], samples.shape[1], -1)
    rhat = [_scalar(_az(az.rhat, flat[..., i])) for i in range(flat.shape[-1])]
    ess = [_scalar(_az(az.ess, flat[..., i])) for i in range(flat.shape[-1])]
    return max(rhat), min(ess)


def assert_converged(idata, names, *, label: str = "") -> None:
    """Split R-hat <= 1.05 and bulk ESS >= 50 for every component of every variable."""
    for name in [names] if isinstance(names, str) else names:
        rhat, ess = convergence(draws_of(idata, name))
        assert rhat <= RHAT_MAX, f"{label} {name}: R-hat {rhat:.3f} > {RHAT_MAX} (not converged)"
        assert ess >= ESS_MIN, f"{label} {name}: min ESS {ess:.0f} < {ESS_MIN} (not converged)"


def assert_mean_sd(samples: np.ndarray, mean, sd=None, *, label: str = "") -> None:
    """Means (and sds) of ``(chain, draw, ...)`` samples within N_MCSE MCSEs of exact values.

    The MCSE of the mean is ArviZ's ``az.mcse``; that of the sd is :func:`mcse_sd`.
    """
    flat = samples.reshape(samples.shape[0], samples.shape[1], -1)
    mean = np.broadcast_to(np.asarray(mean, dtype=float), flat.shape[2:])
    sd = None if sd is None else np.broadcast_to(np.asarray(sd, dtype=float), flat.shape[2:])
    for i in range(flat.shape[-1]):
        x = flat[..., i]
        est, mcse = x.mean(), mcse_mean(x)
        assert abs(est - mean[i]) <= N_MCSE * mcse, (
            f"{label}[{i}]: mean {est:.5g}, exact {mean[i]:.5g}, |error| "
            f"{abs(est - mean[i]):.3g} > {N_MCSE} x MCSE {mcse:.3g}"
        )
        if sd is not None:
            est_sd, err_sd = x.std(ddof=1), mcse_sd(x)
            assert abs(est_sd - sd[i]) <= N_MCSE * err_sd, (
                f"{label}[{i}]: sd {est_sd:.5g}, exact {sd[i]:.5g}, |error| "
                f"{abs(est_sd - sd[i]):.3g} > {N_MCSE} x MCSE {err_sd:.3g}"
            )


def assert_probabilities(states: np.ndarray, probs: dict, *, label: str = "") -> None:
    """Frequencies of discrete states match exact probabilities within N_MCSE MCSEs.

    ``states`` holds one hashable state per draw, shaped ``(chain, draw)`` (tuples allowed as an
    object array); ``probs`` maps state -> exact probability. States whose probability is below
    0.02 are pooled into one "rest" bin so every bin has an indicator with a usable MCSE.
    """
    big = {s: p for s, p in probs.items() if p >= 0.02}
    bins = [(repr(s), p, np.vectorize(lambda v, s=s: v == s, otypes=[float])(states)) for s, p in big.items()]
    rest_p = 1.0 - sum(big.values())
    if rest_p > 1e-12:
        in_big = sum(ind for _, _, ind in bins)
        bins.append(("rest", rest_p, 1.0 - in_big))
    for name, p, indicator in bins:
        freq = indicator.mean()
        mcse = mcse_mean(indicator)
        # An indicator never (or always) seen has MCSE 0: fall back to the binomial sd of a
        # chain of iid draws, which a correlated chain can only exceed.
        mcse = max(mcse, np.sqrt(p * (1 - p) / indicator.size))
        assert abs(freq - p) <= N_MCSE * mcse, (
            f"{label} state {name}: frequency {freq:.4f}, exact {p:.4f}, |error| "
            f"{abs(freq - p):.3g} > {N_MCSE} x MCSE {mcse:.3g}"
        )


def sample_quietly(pm, **kwargs):
    """``pm.sample`` with the settings shared by the statistical tests (checks done by hand)."""
    kwargs.setdefault("chains", 2)
    kwargs.setdefault("cores", 1)
    kwargs.setdefault("progressbar", False)
    kwargs.setdefault("compute_convergence_checks", False)
    return pm.sample(**kwargs)
