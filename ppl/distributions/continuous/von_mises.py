"""VonMises distribution: the circular analogue of the normal distribution."""

import numpy as np
import pytensor.tensor as pt
from pytensor.tensor.random.basic import vonmises

from ppl.distributions.continuous._base import check_positive
from ppl.distributions.distribution import Continuous, as_float, batch_broadcast
from ppl.logprob.checks import _constant_value, check_parameters
from ppl.math import LOG_2PI
from ppl.transforms.circular import circular

__all__ = ["VonMises"]


class VonMises(Continuous):
    r"""Von Mises distribution of an angle in :math:`[-\pi, \pi]`.

    .. math:: f(x \mid \mu, \kappa) = \frac{e^{\kappa\cos(x - \mu)}}{2\pi I_0(\kappa)}

    ========  ==========================================
    Support   :math:`x \in [-\pi, \pi]`
    Mean      :math:`\mu` (circular mean)
    Variance  :math:`1 - I_1(\kappa) / I_0(\kappa)` (circular variance)
    ========  ==========================================

    The support is :math:`[-\pi, \pi]` whatever ``mu`` (draws are wrapped into it). The
    default transform is :class:`~ppl.transforms.CircularTransform`: the sampler moves on the
    real line and the value is wrapped back onto the circle.

    Parameters
    ----------
    mu
        Circular mean (default 0).
    kappa
        Concentration, > 0 (default 1); ``1/kappa`` is analogous to a variance.

    Returns
    -------
    TensorVariable
        The random variable (registered in the model when created with a name).

    Raises
    ------
    ParameterValueError
        If a literal ``kappa`` is not positive.

    Examples
    --------
    >>> import ppl
    >>> with ppl.Model():
    ...     theta = ppl.VonMises("theta", mu=1.0, kappa=4.0)
    """

    rv_op = vonmises  # PyTensor's op, whose Numba kernel is a port of NumPy's sampler
    default_transform = circular

    @classmethod
    def dist(cls, mu=0.0, kappa=1.0, **kwargs):
        check_positive("kappa", kappa)
        mu = as_float(mu)
        known = _constant_value(mu)
        if known is None or np.any(np.abs(known) > np.pi):
            # The density only sees cos(x - mu), but the sampler (NumPy's, and PyTensor's port
            # of it) wraps its draws by a single period for kappa > 1e6: with mu = 10 they land
            # outside [-pi, pi]. Handing it the equivalent mu in [-pi, pi] avoids that.
            mu = pt.arctan2(pt.sin(mu), pt.cos(mu))
        return super().dist([mu, as_float(kappa)], **kwargs)

    @staticmethod
    def support_point(rv, size, mu, kappa):
        return batch_broadcast(mu, rv, size, mu, kappa)  # the mode (dist keeps mu in [-pi, pi])

    @staticmethod
    def logp(value, mu, kappa):
        # log I0(kappa) = log(I0(kappa) e^-kappa) + kappa: the scaled Bessel function never
        # overflows, and kappa * (cos - 1) stays exact for concentrated distributions
        res = kappa * (pt.cos(value - mu) - 1.0) - LOG_2PI - pt.log(pt.ive(0.0, kappa))
        res = pt.switch((value >= -np.pi) & (value <= np.pi), res, -np.inf)
        return check_parameters(res, kappa > 0, msg="kappa > 0")
