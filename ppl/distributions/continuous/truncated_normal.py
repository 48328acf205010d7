"""TruncatedNormal distribution: a normal restricted to ``[lower, upper]``."""

import math

import numpy as np
import pytensor.tensor as pt
from pytensor.tensor.elemwise import DimShuffle
from pytensor.tensor.random.op import RandomVariable
from scipy import stats

from ppl.distributions.continuous._base import resolve_sigma_tau
from ppl.distributions.continuous._numba import register_numba_core
from ppl.distributions.distribution import Continuous, as_float, batch_broadcast
from ppl.logprob.checks import _constant_value, check_constant_parameter, check_parameters
from ppl.math import LOG_2PI, log1mexp, log_ndtr
from ppl.transforms.elementwise import Interval

__all__ = ["TruncatedNormal", "TruncatedNormalRV", "truncated_normal"]

_SQRT_2PI = math.sqrt(2.0 * math.pi)


class TruncatedNormalRV(RandomVariable):
    """Draws of ``Normal(mu, sigma)`` conditioned on ``lower <= x <= upper``.

    Python backend: ``scipy.stats.truncnorm``. Numba backend: exact rejection sampling
    (Robert, 1995) with a normal, uniform or shifted-exponential proposal chosen so that the
    acceptance rate stays above ~0.4 for any bounds, including intervals far in a tail.
    """

    name = "truncated_normal"
    signature = "(),(),(),()->()"
    dtype = "floatX"
    _print_name = ("TruncatedNormal", "\\operatorname{TruncatedNormal}")

    @classmethod
    def rng_fn(cls, rng, mu, sigma, lower, upper, size):
        a = (np.asarray(lower) - mu) / sigma
        b = (np.asarray(upper) - mu) / sigma
        draws = stats.truncnorm.rvs(a, b, loc=mu, scale=sigma, size=size, random_state=rng)
        return np.asarray(draws, dtype="float64")


truncated_normal = TruncatedNormalRV()


@register_numba_core(TruncatedNormalRV)
def _truncated_normal_numba(rng, mu, sigma, lower, upper):
    a = (lower - mu) / sigma
    b = (upper - mu) / sigma
    if not (sigma > 0.0 and a < b):  # invalid (or nan) parameters: no draw, and no endless loop
        return np.nan
    flip = b <= 0.0  # an interval below 0 is sampled as its mirror image above 0
    if flip:
        a, b = -b, -a
    if a < 0.0:  # the interval straddles 0
        if b - a < _SQRT_2PI:  # narrow: uniform proposal, accept with exp(-z^2/2)
            while True:
                z = a + (b - a) * rng.random()
                if rng.random() <= np.exp(-0.5 * z * z):
                    break
        else:  # wide: holds at least half of the mass, plain normal rejection
            while True:
                z = rng.standard_normal()
                if a <= z <= b:
                    break
    elif (b - a) * (b + a) < 1.0:  # short interval in the upper tail: uniform proposal
        while True:
            z = a + (b - a) * rng.random()
            if rng.random() <= np.exp(-0.5 * (z - a) * (z + a)):
                break
    else:  # long interval in the upper tail: exponential proposal shifted to a
        lam = 0.5 * (a + np.hypot(a, 2.0))
        while True:
            z = a + rng.standard_exponential() / lam
            if z <= b and rng.random() <= np.exp(-0.5 * (z - lam) * (z - lam)):
                break
    if flip:
        z = -z
    return mu + sigma * z


def _is_unbounded(bound, sign: float) -> bool:
    """True if ``bound`` is a constant equal to ``sign * inf`` everywhere (no bound on that side).

    The op broadcasts its parameters to a common number of dimensions, so a constant bound may
    reach us wrapped in ``DimShuffle``s.
    """
    while bound.owner is not None and isinstance(bound.owner.op, DimShuffle):
        bound = bound.owner.inputs[0]
    data = _constant_value(bound)
    return data is not None and bool(np.all(data == sign * np.inf))


def _frame(a, b, no_lower: bool, no_upper: bool, *points):
    """Log-CDFs of the standardised bounds and points, in the frame where the lower bound <= 0.

    Where ``a > 0`` (the whole interval above the mean) the problem is mirrored, ``x -> -x``:
    then every probability below is a difference of CDF values that are <= 1/2 or accurately
    close to 1, and nothing cancels. Statically missing bounds contribute exact constants.

    Returns ``flip, log Phi(lo*), log Phi(hi*), [log Phi(p*) for p in points]``; ``flip`` is
    None where the frame is never mirrored (no lower bound).
    """
    if no_lower:  # a = -inf: never mirrored
        logs = [log_ndtr(p) for p in ([] if no_upper else [b]) + list(points)]
        log_hi = 0.0 if no_upper else logs.pop(0)
        return None, -np.inf, log_hi, logs
    flip = a > 0
    mirrored = [pt.switch(flip, -p, p) for p in points]
    if no_upper:
        # lower-only: log Phi(a) unmirrored or log Phi(-a) mirrored, both at -|a|
        log_c, *logs = [log_ndtr(p) for p in [-pt.abs(a), *mirrored]]
        return flip, pt.switch(flip, -np.inf, log_c), pt.switch(flip, log_c, 0.0), logs
    log_lo, log_hi, *logs = [
        log_ndtr(p) for p in [pt.switch(flip, -b, a), pt.switch(flip, -a, b), *mirrored]
    ]
    return flip, log_lo, log_hi, logs


def _logdiffexp(x, y):
    """``log(exp(x) - exp(y))`` for ``x >= y``: ``-inf``, with a zero gradient, where x == y.

    Near the upper bound both CDF values round to 1 (log 0); the plain form would give
    ``log1mexp(0) = -inf`` an infinite derivative, and the chain rule a nan gradient.
    """
    diff = y - x
    apart = diff < 0
    return pt.switch(apart, x + log1mexp(pt.switch(apart, diff, -1.0)), -np.inf)


def _pick(flip, mirrored, direct):
    """``mirrored`` where the frame of :func:`_frame` is mirrored, else ``direct``."""
    return direct if flip is None else pt.switch(flip, mirrored, direct)


def _unbounded(lower, upper) -> tuple[bool, bool]:
    return _is_unbounded(lower, -1.0), _is_unbounded(upper, 1.0)


def _ndtri(q):
    """Standard normal quantile ``Phi^{-1}(q)``."""
    return -np.sqrt(2.0) * pt.erfcinv(2.0 * q)


def _check(res, sigma, lower, upper):
    res = check_parameters(res, lower < upper, msg="lower < upper")
    return check_parameters(res, sigma > 0, msg="sigma > 0")


def _default_transform(rv):
    """Interval on the bounds that were given; no transform without bounds."""
    *_, lower, upper = rv.owner.inputs
    no_lower, no_upper = _unbounded(lower, upper)
    if no_lower and no_upper:
        return None
    return Interval(
        bounds_fn=lambda rng, size, mu, sigma, lower, upper: (
            None if no_lower else lower,
            None if no_upper else upper,
        )
    )


class TruncatedNormal(Continuous):
    r"""Normal distribution truncated to ``[lower, upper]``.

    .. math:: f(x \mid \mu, \sigma, a, b) =
              \frac{\phi\left(\frac{x-\mu}{\sigma}\right)}
              {\sigma\left[\Phi\left(\frac{b-\mu}{\sigma}\right)
              - \Phi\left(\frac{a-\mu}{\sigma}\right)\right]}

    ========  ====================================================================
    Support   :math:`x \in [a, b]`
    Mean      :math:`\mu + \sigma\frac{\phi(\alpha) - \phi(\beta)}{Z}`
    Variance  :math:`\sigma^2\left[1 + \frac{\alpha\phi(\alpha) - \beta\phi(\beta)}{Z}
              - \left(\frac{\phi(\alpha) - \phi(\beta)}{Z}\right)^2\right]`
    ========  ====================================================================

    with :math:`\alpha = (a - \mu)/\sigma`, :math:`\beta = (b - \mu)/\sigma` and
    :math:`Z = \Phi(\beta) - \Phi(\alpha)`. The default transform is an interval on the bounds
    that are given (a lower or upper bound alone gives a half-line; none gives no transform).

    Parameters
    ----------
    mu
        Mean of the untruncated normal (default 0).
    sigma
        Standard deviation of the untruncated normal, > 0 (default 1). Mutually exclusive with
        ``tau``.
    tau
        Precision, > 0 (``sigma = tau**-0.5``).
    lower
        Lower bound; None for no lower bound.
    upper
        Upper bound, > ``lower``; None for no upper bound.

    Returns
    -------
    TensorVariable
        The random variable (registered in the model when created with a name).

    Raises
    ------
    ParameterValueError
        If a literal ``sigma`` or ``tau`` is not positive, both are given, or literal bounds
        have ``upper <= lower``.

    Examples
    --------
    >>> import ppl
    >>> with ppl.Model() as m:
    ...     x = ppl.TruncatedNormal("x", mu=0.0, sigma=10.0, lower=0.0)
    ...     y = ppl.TruncatedNormal("y", mu=1.0, sigma=2.0, lower=-1.0, upper=1.5)
    >>> [v.name for v in m.value_vars]
    ['x_interval__', 'y_interval__']
    """

    rv_op = truncated_normal
    default_transform = staticmethod(_default_transform)

    @classmethod
    def dist(cls, mu=0.0, sigma=None, tau=None, lower=None, upper=None, **kwargs):
        sigma = resolve_sigma_tau(sigma, tau)
        lo = _constant_value(lower) if lower is not None else None
        if lo is not None and upper is not None:
            shown = repr(float(lo)) if lo.ndim == 0 else np.array2string(lo, separator=", ")
            check_constant_parameter("upper", upper, lambda u: u > lo, f"upper > lower = {shown}")
        lower = as_float(-np.inf if lower is None else lower)
        upper = as_float(np.inf if upper is None else upper)
        return super().dist([as_float(mu), as_float(sigma), lower, upper], **kwargs)

    @staticmethod
    def support_point(rv, size, mu, sigma, lower, upper):
        no_lower, no_upper = _unbounded(lower, upper)
        if no_lower and no_upper:
            point = mu
        elif no_lower:
            point = pt.switch(mu < upper, mu, upper - sigma)
        elif no_upper:
            point = pt.switch(mu > lower, mu, lower + sigma)
        else:
            point = pt.switch((mu > lower) & (mu < upper), mu, (lower + upper) / 2.0)
        return batch_broadcast(point, rv, size, mu, sigma, lower, upper)

    @staticmethod
    def logp(value, mu, sigma, lower, upper):
        no_lower, no_upper = _unbounded(lower, upper)
        a, b = (lower - mu) / sigma, (upper - mu) / sigma
        if no_lower and no_upper:
            log_mass = 0.0
        elif no_lower or no_upper:  # Phi(b), or 1 - Phi(a) = Phi(-a): one accurate log each
            log_mass = log_ndtr(b if no_lower else -a)
        else:
            _, log_lo, log_hi, _ = _frame(a, b, False, False)
            log_mass = _logdiffexp(log_hi, log_lo)
        z = (value - mu) / sigma
        res = -0.5 * pt.square(z) - 0.5 * LOG_2PI - pt.log(sigma) - log_mass
        res = pt.switch((value >= lower) & (value <= upper), res, -np.inf)
        return _check(res, sigma, lower, upper)

    @staticmethod
    def logcdf(value, mu, sigma, lower, upper):
        no_lower, no_upper = _unbounded(lower, upper)
        a, b = (lower - mu) / sigma, (upper - mu) / sigma
        z = (value - mu) / sigma
        if no_lower and no_upper:
            res = log_ndtr(z)
        else:
            flip, log_lo, log_hi, (log_z,) = _frame(a, b, no_lower, no_upper, z)
            log_mass = _logdiffexp(log_hi, log_lo)
            log_below = _logdiffexp(log_z, log_lo) - log_mass  # P(X* <= z*) in the frame
            log_above = _logdiffexp(log_hi, log_z) - log_mass  # P(X* >= z*)
            wanted = _pick(flip, log_above, log_below)
            other = _pick(flip, log_below, log_above)
            # log(1 - P(other side)) where the CDF is above 1/2 keeps the digits it would lose
            res = pt.switch(wanted < np.log(0.5), wanted, log1mexp(pt.minimum(other, 0.0)))
        res = pt.switch(value <= lower, -np.inf, pt.switch(value >= upper, 0.0, res))
        return _check(res, sigma, lower, upper)

    @staticmethod
    def icdf(value, mu, sigma, lower, upper):
        no_lower, no_upper = _unbounded(lower, upper)
        a, b = (lower - mu) / sigma, (upper - mu) / sigma
        if no_lower and no_upper:
            z = _ndtri(value)
        else:
            flip, log_lo, log_hi, _ = _frame(a, b, no_lower, no_upper)
            q = _pick(flip, 1.0 - value, value)
            # weights (1 - q, q), not a difference: q = 0 and 1 land exactly on the bounds
            z = _ndtri((1.0 - q) * pt.exp(log_lo) + q * pt.exp(log_hi))
            z = pt.clip(_pick(flip, -z, z), a, b)
        res = pt.switch((value >= 0) & (value <= 1), mu + sigma * z, np.nan)
        return _check(res, sigma, lower, upper)
