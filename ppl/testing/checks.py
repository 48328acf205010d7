"""Checks of a distribution against a reference (usually ``scipy.stats``).

Each check compiles ONE function with symbolic parameters and evaluates it on many points.
"""

import itertools
from collections.abc import Callable

import numpy as np
import pytensor
import pytensor.tensor as pt
from scipy import stats

from ppl.exceptions import ParameterValueError
from ppl.forward.draw import draw
from ppl.logprob.dispatch import icdf, logcdf, logp
from ppl.testing.domains import Domain

__all__ = ["check_logp", "check_logcdf", "check_icdf", "check_draws", "param_grid"]


def param_grid(paramdomains: dict[str, Domain], n_samples: int, seed: int = 0) -> list[dict]:
    """All combinations of the parameter grids, subsampled to ``n_samples`` (fixed seed)."""
    names = list(paramdomains)
    combos = list(itertools.product(*[paramdomains[n].values for n in names]))
    if len(combos) > n_samples:
        idx = np.random.default_rng(seed).choice(len(combos), n_samples, replace=False)
        combos = [combos[i] for i in sorted(idx)]
    return [dict(zip(names, c, strict=True)) for c in combos]


def _symbolic_params(paramdomains: dict[str, Domain], extra: dict | None):
    sym = {name: pt.scalar(name, dtype=dom.dtype) for name, dom in paramdomains.items()}
    return sym, {**sym, **(extra or {})}


def _compile(dist, paramdomains, domain, fn, extra_args):
    sym, kwargs = _symbolic_params(paramdomains, extra_args)
    value = pt.vector("value", dtype=domain.dtype)
    rv = dist.dist(**kwargs)
    out = fn(rv, value)
    return pytensor.function([value, *sym.values()], out, on_unused_input="ignore")


def _compare(ours, ref, context: str, rtol: float, atol: float) -> None:
    ours = np.asarray(ours, dtype=float)
    ref = np.broadcast_to(np.asarray(ref, dtype=float), ours.shape)
    both_inf = np.isinf(ours) & np.isinf(ref) & (np.sign(ours) == np.sign(ref))
    close = np.isclose(ours, ref, rtol=rtol, atol=atol) | both_inf
    if not close.all():
        i = int(np.argmin(close))
        raise AssertionError(
            f"{context}: mismatch at {int((~close).sum())} of {close.size} points; e.g. index {i}: "
            f"ours={ours.ravel()[i]!r}, reference={ref.ravel()[i]!r}"
        )


def _check_function(
    what, fn, dist, domain, paramdomains, reference, *, n_samples, rtol, atol, extra_args,
    outside_value, check_invalid,
):
    f = _compile(dist, paramdomains, domain, fn, extra_args)
    inside = domain.array()
    for point in param_grid(paramdomains, n_samples):
        args = [np.asarray(point[n], dtype=paramdomains[n].dtype) for n in paramdomains]
        ctx = f"{dist.__name__} {what} at {point}"
        with np.errstate(all="ignore"):
            expected = reference(inside, **point)
        _compare(f(inside, *args), expected, ctx, rtol, atol)
        if domain.outside:
            outside = np.asarray(domain.outside, dtype=domain.dtype)
            for x in outside:
                got = f(np.asarray([x], dtype=domain.dtype), *args)[0]
                want = outside_value(x, inside)
                if not (got == want or (np.isinf(got) and got == want)):
                    raise AssertionError(f"{ctx}: value {x} outside the support gave {got}, expected {want}")
    if check_invalid:
        _check_invalid_params(f, dist, domain, paramdomains, what)


def _check_invalid_params(f, dist, domain, paramdomains, what):
    valid = {n: d.values[len(d.values) // 2] for n, d in paramdomains.items()}
    inside = domain.array()[len(domain.values) // 2 : len(domain.values) // 2 + 1]
    for name, dom in paramdomains.items():
        for bad in dom.outside:
            point = {**valid, name: bad}
            args = [np.asarray(point[n], dtype=paramdomains[n].dtype) for n in paramdomains]
            try:
                result = f(inside, *args)
            except ParameterValueError as err:
                if name not in str(err):
                    raise AssertionError(
                        f"{dist.__name__} {what}: invalid {name}={bad} raised without naming it: {err}"
                    ) from err
                continue
            raise AssertionError(
                f"{dist.__name__} {what}: invalid {name}={bad} did not raise ParameterValueError "
                f"(got {result})"
            )


def check_logp(
    dist,
    domain: Domain,
    paramdomains: dict[str, Domain],
    scipy_logp: Callable,
    *,
    n_samples: int = 100,
    rtol: float = 1e-7,
    atol: float = 1e-10,
    extra_args: dict | None = None,
    check_invalid: bool = True,
) -> None:
    """Compare ``logp(dist.dist(**params), value)`` with ``scipy_logp(value, **params)``.

    Also checks that values in ``domain.outside`` give ``-inf`` and that every parameter value in
    a parameter domain's ``outside`` raises :class:`ParameterValueError` naming the parameter.
    """
    _check_function(
        "logp", logp, dist, domain, paramdomains, scipy_logp, n_samples=n_samples, rtol=rtol,
        atol=atol, extra_args=extra_args, outside_value=lambda x, inside: -np.inf,
        check_invalid=check_invalid,
    )


def check_logcdf(
    dist,
    domain: Domain,
    paramdomains: dict[str, Domain],
    scipy_logcdf: Callable,
    *,
    n_samples: int = 100,
    rtol: float = 1e-7,
    atol: float = 1e-10,
    extra_args: dict | None = None,
    check_invalid: bool = True,
) -> None:
    """Like :func:`check_logp` for ``logcdf``: ``-inf`` below the support, ``0`` above it."""

    def outside_value(x, inside):
        return -np.inf if x < np.min(inside) else 0.0

    _check_function(
        "logcdf", logcdf, dist, domain, paramdomains, scipy_logcdf, n_samples=n_samples,
        rtol=rtol, atol=atol, extra_args=extra_args, outside_value=outside_value,
        check_invalid=check_invalid,
    )


def check_icdf(
    dist,
    paramdomains: dict[str, Domain],
    scipy_ppf: Callable,
    *,
    n_samples: int = 100,
    rtol: float = 1e-7,
    atol: float = 1e-10,
    extra_args: dict | None = None,
) -> None:
    """Compare ``icdf`` with ``scipy_ppf(q, **params)`` on a grid of probabilities in [0, 1]."""
    q = Domain((0.0, 0.001, 0.1, 0.5, 0.9, 0.999, 1.0))
    f = _compile(dist, paramdomains, q, icdf, extra_args)
    for point in param_grid(paramdomains, n_samples):
        args = [np.asarray(point[n], dtype=paramdomains[n].dtype) for n in paramdomains]
        with np.errstate(all="ignore"):
            expected = scipy_ppf(q.array(), **point)
        _compare(f(q.array(), *args), expected, f"{dist.__name__} icdf at {point}", rtol, atol)


def check_draws(
    dist,
    params: dict,
    scipy_dist,
    *,
    draws: int = 2000,
    seed: int = 20261122,
    alpha: float = 0.001,
) -> None:
    """Goodness of fit of forward draws: Kolmogorov-Smirnov (continuous) or chi-square (discrete).

    ``scipy_dist`` is a frozen ``scipy.stats`` distribution with the same parameters. The seed is
    fixed, so the test is deterministic; ``alpha`` is the rejection level of the test.
    """
    samples = np.asarray(draw(dist.dist(**params, size=draws), random_seed=seed))
    if samples.dtype.kind == "f":
        p = stats.kstest(samples, scipy_dist.cdf).pvalue
    else:
        values, counts = np.unique(samples, return_counts=True)
        expected = scipy_dist.pmf(values) * draws
        keep = expected >= 5
        observed = np.append(counts[keep], counts[~keep].sum())
        expected = np.append(expected[keep], draws - expected[keep].sum())
        if observed[-1] == 0 and expected[-1] < 5:
            observed, expected = observed[:-1], expected[:-1]
            expected = expected * observed.sum() / expected.sum()
        p = stats.chisquare(observed, expected).pvalue
    if p < alpha:
        raise AssertionError(f"{dist.__name__} draws with {params} do not match the reference: p={p:.2e}")
