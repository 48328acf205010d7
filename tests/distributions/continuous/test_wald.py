import numpy as np
import pytensor.tensor as pt
import pytest
import scipy.stats as st

import ppl
from ppl.compiled.modes import QUICK_MODE
from ppl.exceptions import ParameterValueError
from ppl.forward.draw import draw
from ppl.logprob.dispatch import support_point
from ppl.testing import Domain, Rplus, Rplus_nonzero, check_draws, check_logcdf, check_logp

ALPHA = Domain((0.0, 0.5, 1.0), outside=(-1.0,))
PARAMS = {"mu": Rplus_nonzero, "lam": Rplus_nonzero, "alpha": ALPHA}


def _scipy_logpdf(value, mu, lam, alpha):
    # scipy's invgauss(mu / lam, loc=alpha, scale=lam); it gives nan at x = inf (density 0)
    return np.where(value == np.inf, -np.inf, st.invgauss.logpdf(value, mu / lam, alpha, lam))


def test_logp_matches_scipy():
    check_logp(ppl.Wald, Rplus, PARAMS, _scipy_logpdf)


def test_logcdf_matches_scipy():
    check_logcdf(ppl.Wald, Rplus, PARAMS,
                 lambda value, mu, lam, alpha: st.invgauss.logcdf(value, mu / lam, alpha, lam))


@pytest.mark.parametrize("kwargs, mu, lam", [
    ({"mu": 2.0}, 2.0, 1.0),                 # lam defaults to 1
    ({"mu": 2.0, "phi": 3.0}, 2.0, 6.0),     # lam = mu * phi
    ({"lam": 3.0, "phi": 1.5}, 2.0, 3.0),    # mu = lam / phi
])
def test_alternative_parameterizations(kwargs, mu, lam):
    got = ppl.logp(ppl.Wald.dist(**kwargs, alpha=0.25), 1.7).eval(mode=QUICK_MODE)
    np.testing.assert_allclose(got, st.invgauss.logpdf(1.7, mu / lam, 0.25, lam), rtol=1e-12)


def test_symbolic_phi_is_checked_by_name():
    phi = pt.dscalar("phi")
    rv = ppl.Wald.dist(lam=2.0, phi=phi)
    with pytest.raises(ParameterValueError, match="Wald: parameters must satisfy phi > 0"):
        ppl.logp(rv, 1.0).eval({phi: -1.0}, mode=QUICK_MODE)


@pytest.mark.parametrize("kwargs, given", [
    ({"lam": 1.0}, "lam"),
    ({"phi": 1.0}, "phi"),
    ({"mu": 1.0, "lam": 2.0, "phi": 3.0}, "mu, lam, phi"),
])
def test_incompatible_parameterizations_name_the_parameters(kwargs, given):
    with pytest.raises(ParameterValueError, match=f"Wald: incompatible parameterization; got {given}."):
        ppl.Wald.dist(**kwargs)


@pytest.mark.parametrize("kwargs, text", [
    ({"mu": -1.0}, "parameter mu is -1.0, expected mu > 0"),
    ({"mu": 1.0, "lam": 0.0}, "parameter lam is 0.0, expected lam > 0"),
    ({"lam": 1.0, "phi": -2.0}, "parameter phi is -2.0, expected phi > 0"),
    ({"mu": 1.0, "alpha": -0.5}, "parameter alpha is -0.5, expected alpha >= 0"),
])
def test_invalid_literal_names_distribution_variable_and_value(kwargs, text):
    with ppl.Model():
        with pytest.raises(ParameterValueError, match=f"Wald 'w': {text}"):
            ppl.Wald("w", **kwargs)


def test_draws_match_scipy():
    check_draws(ppl.Wald, {"mu": 1.5, "lam": 3.0, "alpha": 0.5}, st.invgauss(0.5, 0.5, 3.0))


def test_draws_in_python_backend():
    samples = draw(ppl.Wald.dist(mu=1.5, lam=3.0, alpha=0.5, size=2000), random_seed=7, mode="FAST_COMPILE")
    assert st.kstest(samples, st.invgauss(0.5, 0.5, 3.0).cdf).pvalue > 0.001


def test_default_transform_log_unshifted_lower_bound_when_shifted():
    with ppl.Model() as m:
        ppl.Wald("w", mu=1.0)
        ppl.Wald("shifted", mu=1.0, alpha=2.0)
    assert [v.name for v in m.value_vars] == ["w_log__", "shifted_interval__"]
    rv = m["shifted"]
    back = m.rvs_to_transforms[rv].backward(np.array([-50.0, 0.0]), *rv.owner.inputs).eval(mode=QUICK_MODE)
    np.testing.assert_allclose(back, [2.0, 3.0])


def test_support_point_is_mean_broadcast():
    rv = ppl.Wald.dist(mu=np.array([1.0, 2.0]), lam=2.0, alpha=0.5, shape=(3, 2))
    np.testing.assert_allclose(support_point(rv).eval(mode=QUICK_MODE), np.tile([1.5, 2.5], (3, 1)))


def test_logcdf_lower_tail_is_finite():
    # F(0.01) for mu = 1, lam = 20 is about exp(-1000): the log is finite and matches scipy
    rv = ppl.Wald.dist(mu=1.0, lam=20.0)
    np.testing.assert_allclose(ppl.logcdf(rv, 0.01).eval(), st.invgauss.logcdf(0.01, 0.05, 0, 20.0), rtol=1e-8)
