import numpy as np
import pytensor
import pytensor.tensor as pt
import pytest
import scipy.stats as st

import ppl
from ppl.compiled.modes import QUICK_MODE
from ppl.exceptions import ParameterValueError
from ppl.forward.draw import draw
from ppl.logprob.dispatch import support_point
from ppl.testing import Domain, check_draws, check_logcdf, check_logp

# Moderate grids, where scipy's exponnorm (which takes logs of densities and CDFs) is accurate;
# the far tails are checked against mpmath below.
VALUES = Domain((-np.inf, -3.0, -1.0, 0.0, 0.5, 1.0, 3.0, 20.0, np.inf))
PARAMS = {
    "mu": Domain((-2.0, 0.0, 1.5)),
    "sigma": Domain((0.5, 1.0, 3.0), outside=(0.0, -1.0)),
    "nu": Domain((0.05, 0.5, 1.0, 4.0), outside=(0.0, -1.0)),
}


def _scipy_logpdf(value, mu, sigma, nu):
    # exponnorm(K = nu / sigma, loc = mu, scale = sigma); scipy gives nan at +-inf (density 0)
    return np.where(np.isinf(value), -np.inf, st.exponnorm.logpdf(value, nu / sigma, mu, sigma))


def test_logp_matches_scipy():
    check_logp(ppl.ExGaussian, VALUES, PARAMS, _scipy_logpdf)


def test_logcdf_matches_scipy():
    check_logcdf(ppl.ExGaussian, VALUES, PARAMS,
                 lambda value, mu, sigma, nu: st.exponnorm.logcdf(value, nu / sigma, mu, sigma))


def test_far_tails_match_mpmath():
    mp = pytest.importorskip("mpmath")
    mp.mp.dps = 50

    def exact(x, mu, sigma, nu):
        x, mu, sigma, nu = (mp.mpf(v) for v in (x, mu, sigma, nu))
        tail = mp.exp((mu - x) / nu + sigma**2 / (2 * nu**2)) * mp.ncdf((x - mu) / sigma - sigma / nu)
        return float(mp.log(tail / nu)), float(mp.log(mp.ncdf((x - mu) / sigma) - tail))

    points = [(-100.0, 1.0, 0.01, 20.0), (-100.0, 100.0, 0.9, 0.01), (-2.1, 100.0, 20.0, 1.5),
              (100.0, -100.0, 2.0, 0.1), (-50.0, 0.0, 1.0, 1.0), (-1.0, 0.0, 1.0, 1e-3)]
    value, mu, sigma, nu = pt.dscalars("value", "mu", "sigma", "nu")
    rv = ppl.ExGaussian.dist(mu, sigma, nu)
    f = pytensor.function([value, mu, sigma, nu], [ppl.logp(rv, value), ppl.logcdf(rv, value)])
    for point in points:
        np.testing.assert_allclose(f(*point), exact(*point), rtol=1e-8, err_msg=str(point))


@pytest.mark.parametrize("kwargs, text", [
    ({"mu": 0.0, "sigma": -1.0, "nu": 1.0}, "parameter sigma is -1.0, expected sigma > 0"),
    ({"mu": 0.0, "sigma": 1.0, "nu": 0.0}, "parameter nu is 0.0, expected nu > 0"),
    ({"mu": 0.0, "nu": 1.0}, "missing required parameter\\(s\\) sigma"),
])
def test_invalid_literal_names_distribution_variable_and_value(kwargs, text):
    with ppl.Model():
        with pytest.raises(ParameterValueError, match=f"ExGaussian 'rt': {text}"):
            ppl.ExGaussian("rt", **kwargs)


def test_draws_match_scipy():
    check_draws(ppl.ExGaussian, {"mu": 0.4, "sigma": 0.1, "nu": 0.3}, st.exponnorm(3.0, 0.4, 0.1))


def test_draws_in_python_backend():
    samples = draw(ppl.ExGaussian.dist(0.4, 0.1, 0.3, size=2000), random_seed=7, mode="FAST_COMPILE")
    assert st.kstest(samples, st.exponnorm(3.0, 0.4, 0.1).cdf).pvalue > 0.001


def test_support_point_is_mean_broadcast():
    rv = ppl.ExGaussian.dist(mu=np.array([1.0, -2.0]), sigma=1.0, nu=0.5, shape=(3, 2))
    np.testing.assert_allclose(support_point(rv).eval(mode=QUICK_MODE), np.tile([1.5, -1.5], (3, 1)))
