"""Student's t distribution."""

import pytensor.tensor as pt
from pytensor.tensor.random.basic import t as student_t

from ppl.distributions.continuous._base import check_positive, resolve_sigma_tau
from ppl.distributions.distribution import Continuous, as_float, batch_broadcast
from ppl.logprob.checks import check_parameters
from ppl.math import LOG_PI

__all__ = ["StudentT"]


class StudentT(Continuous):
    r"""Student's t distribution (location-scale).

    .. math:: f(x \mid \nu, \mu, \sigma) =
              \frac{\Gamma\left(\frac{\nu+1}{2}\right)}{\Gamma\left(\frac{\nu}{2}\right)
              \sqrt{\pi\nu}\,\sigma}
              \left[1 + \frac{1}{\nu}\left(\frac{x-\mu}{\sigma}\right)^2\right]^{-\frac{\nu+1}{2}}

    ========  ========================================================
    Support   :math:`x \in \mathbb{R}`
    Mean      :math:`\mu` for :math:`\nu > 1`, otherwise undefined
    Variance  :math:`\sigma^2\frac{\nu}{\nu-2}` for :math:`\nu > 2`,
              :math:`\infty` for :math:`1 < \nu \le 2`
    ========  ========================================================

    Parameters
    ----------
    nu
        Degrees of freedom, > 0.
    mu
        Location.
    sigma
        Scale, > 0 (default 1). Mutually exclusive with ``lam``.
    lam
        Precision, > 0 (``sigma = lam**-0.5``).

    Returns
    -------
    TensorVariable
        The random variable (registered in the model when created with a name).

    Raises
    ------
    ParameterValueError
        If a literal ``nu``, ``sigma`` or ``lam`` is not positive, or both ``sigma`` and ``lam``
        are given.

    Examples
    --------
    >>> import ppl
    >>> with ppl.Model():
    ...     x = ppl.StudentT("x", nu=4, mu=0, sigma=2)
    """

    rv_op = student_t

    @classmethod
    def dist(cls, nu, mu=0.0, sigma=None, lam=None, **kwargs):
        check_positive("nu", nu)
        sigma = resolve_sigma_tau(sigma, lam, tau_name="lam")
        return super().dist([as_float(nu), as_float(mu), as_float(sigma)], **kwargs)

    @staticmethod
    def support_point(rv, size, nu, mu, sigma):
        return batch_broadcast(mu, rv, size, nu, mu, sigma)

    @staticmethod
    def logp(value, nu, mu, sigma):
        z = (value - mu) / sigma
        res = (
            pt.gammaln((nu + 1.0) / 2.0)
            - pt.gammaln(nu / 2.0)
            - 0.5 * (LOG_PI + pt.log(nu))
            - pt.log(sigma)
            - (nu + 1.0) / 2.0 * pt.log1p(pt.square(z) / nu)
        )
        res = check_parameters(res, sigma > 0, msg="sigma > 0")
        return check_parameters(res, nu > 0, msg="nu > 0")

    @staticmethod
    def logcdf(value, nu, mu, sigma):
        # P(T <= -|z|) = I_{nu/(nu+z^2)}(nu/2, 1/2) / 2, which stays accurate in both tails
        z = (value - mu) / sigma
        tail = 0.5 * pt.betainc(nu / 2.0, 0.5, nu / (nu + pt.square(z)))
        res = pt.switch(z < 0, pt.log(tail), pt.log1p(-tail))
        res = check_parameters(res, sigma > 0, msg="sigma > 0")
        return check_parameters(res, nu > 0, msg="nu > 0")
