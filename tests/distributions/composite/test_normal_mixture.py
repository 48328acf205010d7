import numpy as np
import pytensor.tensor as pt
import pytest
import scipy.stats as st
from scipy.special import logsumexp

import ppl
from ppl.exceptions import ParameterValueError
from ppl.testing import Domain, R, Rfinite, Rplus_nonzero, check_logp

W = Domain((0.0, 0.25, 0.5, 1.0), outside=(-0.1, 1.1))


class TwoComponents:
    __name__ = "NormalMixture"

    @staticmethod
    def dist(w, mu0, mu1, sigma, **kwargs):
        return ppl.NormalMixture.dist(
            pt.stack([w, 1 - w]),
            mu=pt.stack([mu0, mu1]),
            sigma=pt.stack([sigma, 2 * sigma]),
            **kwargs,
        )


def _reference(value, w, mu0, mu1, sigma):
    with np.errstate(divide="ignore"):
        return logsumexp(
            [
                np.log(w) + st.norm.logpdf(value, mu0, sigma),
                np.log1p(-w) + st.norm.logpdf(value, mu1, 2 * sigma),
            ],
            axis=0,
        )


def test_logp_matches_the_weighted_normal_densities():
    params = {"w": W, "mu0": Rfinite, "mu1": Domain((-1.0, 2.1)), "sigma": Rplus_nonzero}
    check_logp(TwoComponents, R, params, _reference, n_samples=60)


def test_tau_parameterization_changes_the_answer():
    by_tau = ppl.NormalMixture.dist(w=[0.5, 0.5], mu=[0.0, 3.0], tau=[4.0, 0.25])
    by_sigma = ppl.NormalMixture.dist(w=[0.5, 0.5], mu=[0.0, 3.0], sigma=[0.5, 2.0])
    value = np.array([-0.3, 1.0, 4.0])
    np.testing.assert_allclose(ppl.logp(by_tau, value).eval(), ppl.logp(by_sigma, value).eval())
    expected = np.logaddexp(
        np.log(0.5) + st.norm.logpdf(value, 0.0, 0.5), np.log(0.5) + st.norm.logpdf(value, 3.0, 2.0)
    )
    np.testing.assert_allclose(ppl.logp(by_tau, value).eval(), expected)


def test_invalid_literals_are_named():
    with ppl.Model():
        with pytest.raises(
            ParameterValueError, match=r"NormalMixture 'y': parameter sigma is -1.0"
        ):
            ppl.NormalMixture("y", w=[0.5, 0.5], mu=[0.0, 1.0], sigma=-1.0)
        with pytest.raises(ParameterValueError, match=r"NormalMixture 'z': give sigma or tau"):
            ppl.NormalMixture("z", w=[0.5, 0.5], mu=[0.0, 1.0], sigma=1.0, tau=1.0)


def test_draws_mean_and_a_mixture_variable_in_a_model():
    with ppl.Model() as model:
        mu = ppl.Normal("mu", [-3.0, 3.0], 0.1)
        y = ppl.NormalMixture("y", w=[0.2, 0.8], mu=mu, sigma=0.5, shape=1000)
    draws = ppl.draw(y, random_seed=9)
    np.testing.assert_allclose((draws > 0).mean(), 0.8, atol=0.04)
    assert [v.name for v in model.value_vars] == ["mu", "y"]
    assert y.owner.op.__class__.__name__ == "MixtureRV"
