"""Beta distribution."""

import numpy as np
import pytensor.tensor as pt
from pytensor.tensor.random.basic import beta

from ppl.distributions.continuous._base import (
    UnitContinuous,
    check_positive,
    resolve_alternatives,
)
from ppl.distributions.distribution import as_float, batch_broadcast
from ppl.logprob.checks import _constant_value, check_constant_parameter, check_parameters

__all__ = ["Beta"]


def _log_beta_fn(alpha, beta_):
    return pt.gammaln(alpha) + pt.gammaln(beta_) - pt.gammaln(alpha + beta_)


def _alpha_beta(alpha, beta_, mu, sigma, nu):
    """Convert any of the three PyMC parameterisations to ``(alpha, beta)``."""
    group = resolve_alternatives(
        {"alpha": alpha, "beta": beta_, "mu": mu, "sigma": sigma, "nu": nu},
        [("alpha", "beta"), ("mu", "sigma"), ("mu", "nu")],
    )
    if group == ("alpha", "beta"):
        check_positive("alpha", alpha)
        check_positive("beta", beta_)
        return as_float(alpha), as_float(beta_)
    check_constant_parameter("mu", mu, lambda m: (m > 0) & (m < 1), "0 < mu < 1")
    mu = as_float(mu)
    if group == ("mu", "nu"):
        check_positive("nu", nu)
        nu = as_float(nu)
        mu_nu = check_parameters(mu, (mu > 0) & (mu < 1), nu > 0, msg="0 < mu < 1, nu > 0")
        return mu_nu * nu, (1.0 - mu_nu) * nu
    check_positive("sigma", sigma)
    mu_value = _constant_value(mu)
    if mu_value is not None:
        bound = mu_value * (1.0 - mu_value)
        check_constant_parameter(
            "sigma", sigma, lambda s: s**2 < bound, f"sigma**2 < mu * (1 - mu) = {bound}"
        )
    sigma = as_float(sigma)
    kappa = mu * (1.0 - mu) / pt.square(sigma) - 1.0
    kappa = check_parameters(
        kappa, (mu > 0) & (mu < 1), sigma > 0, kappa > 0,
        msg="0 < mu < 1, sigma > 0 and sigma**2 < mu * (1 - mu)",
    )
    return mu * kappa, (1.0 - mu) * kappa


class Beta(UnitContinuous):
    r"""Beta distribution.

    .. math:: f(x \mid \alpha, \beta) = \frac{x^{\alpha-1}(1-x)^{\beta-1}}{B(\alpha, \beta)}

    ========  ==============================================================
    Support   :math:`x \in [0, 1]`
    Mean      :math:`\frac{\alpha}{\alpha + \beta}`
    Variance  :math:`\frac{\alpha\beta}{(\alpha+\beta)^2(\alpha+\beta+1)}`
    ========  ==============================================================

    Alternatively, with mean :math:`\mu` and standard deviation :math:`\sigma`,
    :math:`\kappa = \mu(1-\mu)/\sigma^2 - 1`, :math:`\alpha = \mu\kappa`,
    :math:`\beta = (1-\mu)\kappa`; or with mean :math:`\mu` and concentration :math:`\nu`,
    :math:`\alpha = \mu\nu`, :math:`\beta = (1-\mu)\nu`.

    Parameters
    ----------
    alpha
        Shape, > 0 (with ``beta``).
    beta
        Shape, > 0 (with ``alpha``).
    mu
        Mean, in (0, 1) (with ``sigma`` or ``nu``).
    sigma
        Standard deviation, > 0 and ``sigma**2 < mu * (1 - mu)`` (with ``mu``).
    nu
        Concentration ``alpha + beta``, > 0 (with ``mu``).

    Returns
    -------
    TensorVariable
        The random variable (registered in the model when created with a name).

    Raises
    ------
    ParameterValueError
        If the parameters given are not one of the three combinations, or a literal parameter
        is out of range.

    Examples
    --------
    >>> import ppl
    >>> with ppl.Model():
    ...     p = ppl.Beta("p", alpha=2.0, beta=5.0)
    """

    rv_op = beta

    @classmethod
    def dist(cls, alpha=None, beta=None, mu=None, sigma=None, nu=None, **kwargs):
        alpha, beta = _alpha_beta(alpha, beta, mu, sigma, nu)
        return super().dist([alpha, beta], **kwargs)

    @staticmethod
    def support_point(rv, size, alpha, beta_):
        return batch_broadcast(alpha / (alpha + beta_), rv, size, alpha, beta_)

    @staticmethod
    def logp(value, alpha, beta_):
        # x**0 = 1 at the edges: keep 0 * log(0) out of the sum when a shape parameter is 1
        res = (
            pt.switch(pt.eq(alpha, 1.0), 0.0, (alpha - 1.0) * pt.log(value))
            + pt.switch(pt.eq(beta_, 1.0), 0.0, (beta_ - 1.0) * pt.log1p(-value))
            - _log_beta_fn(alpha, beta_)
        )
        res = pt.switch((value >= 0) & (value <= 1), res, -np.inf)
        res = check_parameters(res, beta_ > 0, msg="beta > 0")
        return check_parameters(res, alpha > 0, msg="alpha > 0")

    @staticmethod
    def logcdf(value, alpha, beta_):
        # in the upper half use 1 - I_{1-x}(beta, alpha) so that log(cdf) near 0 stays accurate
        x = pt.clip(value, 0.0, 1.0)
        lower = pt.log(pt.betainc(alpha, beta_, x))
        upper = pt.log1p(-pt.betainc(beta_, alpha, 1.0 - x))
        res = pt.switch(x < alpha / (alpha + beta_), lower, upper)
        res = pt.switch(value < 0, -np.inf, pt.switch(value > 1, 0.0, res))
        res = check_parameters(res, beta_ > 0, msg="beta > 0")
        return check_parameters(res, alpha > 0, msg="alpha > 0")
