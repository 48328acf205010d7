import numpy as np
import pytensor
import pytest
import scipy.stats as st

import ppl
from ppl.exceptions import ParameterValueError
from ppl.forward.draw import draw
from ppl.logprob.dispatch import support_point
from ppl.testing import (
    Domain,
    R,
    Rfinite,
    Rplus_nonzero,
    check_icdf,
    check_logcdf,
    check_logp,
)

# Every lower bound is below every upper bound; the `outside` values break lower < upper
# against the middle value of the other bound.
LOWER = Domain((-2.0, -0.5, 0.5), outside=(20.0,))
UPPER = Domain((1.0, 2.5, 10.0), outside=(-5.0,))
QUICK = {"mode": "FAST_COMPILE"}  # tiny graphs: the Python linker compiles them instantly


def _truncnorm(method, value, mu, sigma, lower=-np.inf, upper=np.inf):
    a, b = (lower - mu) / sigma, (upper - mu) / sigma
    return getattr(st.truncnorm, method)(value, a, b, loc=mu, scale=sigma)


BOTH = {"lower": LOWER, "upper": UPPER}
# With a single bound the graph takes another (static) path. Those variants are checked with the
# Python linker: the same rewritten graph, without a second Numba compilation of this big graph.
ONE_SIDED = [{"lower": Domain(LOWER.values)}, {"upper": Domain(UPPER.values)}]  # any value works
python_linker = pytensor.config.change_flags(linker="py")


def test_logp_matches_scipy():
    check_logp(ppl.TruncatedNormal, R, {"mu": Rfinite, "sigma": Rplus_nonzero, **BOTH},
               lambda value, **p: _truncnorm("logpdf", value, **p))


def test_logcdf_matches_scipy():
    check_logcdf(ppl.TruncatedNormal, R, {"mu": Rfinite, "sigma": Rplus_nonzero, **BOTH},
                 lambda value, **p: _truncnorm("logcdf", value, **p))


@pytest.mark.parametrize("bound", ONE_SIDED, ids=["lower", "upper"])
def test_one_sided_logp_and_logcdf_match_scipy(bound):
    params = {"mu": Rfinite, "sigma": Rplus_nonzero, **bound}
    with python_linker:
        check_logp(ppl.TruncatedNormal, R, params,
                   lambda value, **p: _truncnorm("logpdf", value, **p), n_samples=40)
        check_logcdf(ppl.TruncatedNormal, R, params,
                     lambda value, **p: _truncnorm("logcdf", value, **p), n_samples=40)


def test_icdf_matches_scipy():
    with python_linker:
        check_icdf(ppl.TruncatedNormal,
                   {"mu": Domain((-3.0, 0.0, 1.0, 4.0)), "sigma": Domain((0.5, 1.0, 3.0)), **BOTH},
                   lambda q, **p: _truncnorm("ppf", q, **p))


def test_without_bounds_it_is_the_normal():
    rv = ppl.TruncatedNormal.dist(mu=1.0, sigma=2.0)
    x = np.array([-np.inf, -3.0, 0.5, 40.0])
    np.testing.assert_allclose(ppl.logp(rv, x).eval(**QUICK), st.norm.logpdf(x, 1.0, 2.0))
    with ppl.Model() as m:
        ppl.TruncatedNormal("x", mu=0.0, sigma=1.0)
    assert [v.name for v in m.value_vars] == ["x"]


def test_tau_parameterization():
    # tau = 4 -> sigma = 0.5
    rv = ppl.TruncatedNormal.dist(mu=0.3, tau=4.0, lower=-0.2, upper=1.0)
    np.testing.assert_allclose(ppl.logp(rv, 0.6).eval(**QUICK),
                               _truncnorm("logpdf", 0.6, 0.3, 0.5, -0.2, 1.0), rtol=1e-10)


def test_far_tail_truncation_is_finite_and_accurate():
    # mass above 40 standard deviations is 3.7e-350: it underflows unless kept in log space
    rv = ppl.TruncatedNormal.dist(mu=0.0, sigma=1.0, lower=40.0, upper=41.0)
    got_logp, got_logcdf = ppl.logp(rv, 40.5).eval(**QUICK), ppl.logcdf(rv, 40.01).eval(**QUICK)
    np.testing.assert_allclose(got_logp, st.truncnorm.logpdf(40.5, 40.0, 41.0), rtol=1e-10)
    np.testing.assert_allclose(got_logcdf, st.truncnorm.logcdf(40.01, 40.0, 41.0), rtol=1e-8)


@pytest.mark.parametrize(
    "kwargs, text",
    [
        ({"sigma": -1.0}, "parameter sigma is -1.0, expected sigma > 0"),
        ({"tau": 0.0}, "parameter tau is 0.0, expected tau > 0"),
        ({"lower": 2.0, "upper": 1.0}, "parameter upper is 1.0, expected upper > lower = 2.0"),
    ],
)
def test_invalid_literal_names_distribution_variable_and_value(kwargs, text):
    with ppl.Model():
        with pytest.raises(ParameterValueError, match=f"TruncatedNormal 'x': {text}"):
            ppl.TruncatedNormal("x", **kwargs)


def test_default_transform_follows_the_given_bounds():
    with ppl.Model() as m:
        ppl.TruncatedNormal("both", lower=-1.0, upper=1.0)
        ppl.TruncatedNormal("low", lower=0.0)
        ppl.TruncatedNormal("up", upper=0.0)
    transforms = [m.rvs_to_transforms[rv] for rv in m.free_RVs]
    assert all(isinstance(t, ppl.transforms.Interval) for t in transforms)
    inputs = [rv.owner.inputs for rv in m.free_RVs]
    bounds = [t.bounds(*i) for t, i in zip(transforms, inputs, strict=True)]
    assert [(lo is None, up is None) for lo, up in bounds] == [(False, False), (False, True),
                                                              (True, False)]


def test_support_point_is_inside_the_bounds():
    rv = ppl.TruncatedNormal.dist(mu=np.array([0.0, 5.0, -5.0]), sigma=1.0, lower=-1.0,
                                  upper=2.0, shape=(2, 3))
    lower_only = ppl.TruncatedNormal.dist(mu=np.array([0.0, -5.0]), sigma=2.0, lower=-1.0)
    upper_only = ppl.TruncatedNormal.dist(mu=np.array([0.0, 5.0]), sigma=2.0, upper=1.0)
    points = [support_point(r).eval(**QUICK) for r in (rv, lower_only, upper_only)]
    np.testing.assert_allclose(points[0], np.tile([0.0, 0.5, 0.5], (2, 1)))
    np.testing.assert_allclose(points[1], [0.0, 1.0])
    np.testing.assert_allclose(points[2], [0.0, -1.0])


# Each column exercises one branch of the Numba sampler: wide interval around mu (normal
# proposal), narrow one (uniform), short upper-tail interval (uniform), long upper-tail interval
# (exponential), a lower-tail interval (mirrored), a half-line and the untruncated normal.
_CASES = np.array([
    # mu, sigma, lower, upper
    [0.0, 1.0, -1.0, 3.0],
    [1.0, 2.0, 0.5, 2.0],
    [0.0, 1.0, 3.0, 3.1],
    [0.0, 1.0, 2.0, 6.0],
    [2.0, 0.5, -np.inf, 0.0],
    [-1.0, 3.0, 0.0, np.inf],
    [0.5, 2.0, -np.inf, np.inf],
])


@pytest.mark.parametrize("mode", ["FAST_COMPILE", None])
def test_draws_match_scipy_in_every_regime(mode):
    mu, sigma, lower, upper = _CASES.T
    rv = ppl.TruncatedNormal.dist(mu=mu, sigma=sigma, lower=lower, upper=upper,
                                  size=(2000, len(_CASES)))
    samples = draw(rv, random_seed=20261122, mode=mode)
    for j, (m, s, lo, up) in enumerate(_CASES):
        ref = st.truncnorm((lo - m) / s, (up - m) / s, loc=m, scale=s)
        assert np.all((samples[:, j] >= lo) & (samples[:, j] <= up))
        assert st.kstest(samples[:, j], ref.cdf).pvalue > 0.001, (j, _CASES[j])
