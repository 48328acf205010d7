"""Rice distribution."""

import numpy as np
import pytensor.tensor as pt
from pytensor.tensor.random.op import RandomVariable

from ppl.distributions.continuous._base import PositiveContinuous, check_positive
from ppl.distributions.continuous._numba import register_numba_core
from ppl.distributions.distribution import as_float, batch_broadcast
from ppl.exceptions import ParameterValueError
from ppl.logprob.checks import check_constant_parameter, check_parameters, current_label

__all__ = ["Rice", "RiceRV", "rice"]

_MSG = "nu >= 0 (b >= 0), sigma > 0"


class RiceRV(RandomVariable):
    """Rice draws: the length of a 2-D normal vector ``(nu + sigma N1, sigma N2)``."""

    name = "rice"
    signature = "(),()->()"
    dtype = "floatX"
    _print_name = ("Rice", "\\operatorname{Rice}")

    @classmethod
    def rng_fn(cls, rng, nu, sigma, size):
        if size is None:
            size = np.broadcast_shapes(np.shape(nu), np.shape(sigma))
        x = nu + sigma * rng.standard_normal(size=size)
        y = sigma * rng.standard_normal(size=size)
        return np.asarray(np.hypot(x, y))


rice = RiceRV()


@register_numba_core(RiceRV)
def _rice_numba(rng, nu, sigma):
    x = nu + sigma * rng.standard_normal()
    y = sigma * rng.standard_normal()
    return np.sqrt(x * x + y * y)


class Rice(PositiveContinuous):
    r"""Rice distribution: the length of a bivariate normal vector with a nonzero mean.

    .. math:: f(x \mid \nu, \sigma) = \frac{x}{\sigma^2}
              \exp\left(-\frac{x^2 + \nu^2}{2\sigma^2}\right)
              I_0\left(\frac{x\nu}{\sigma^2}\right)

    where :math:`I_0` is the modified Bessel function of the first kind of order 0.

    ========  ============================================================
    Support   :math:`x \in (0, \infty)`
    Mean      :math:`\sigma\sqrt{\pi/2}\,L_{1/2}(-\nu^2/2\sigma^2)`
    Variance  :math:`2\sigma^2 + \nu^2 - \frac{\pi\sigma^2}{2}
              L_{1/2}^2(-\nu^2/2\sigma^2)`
    ========  ============================================================

    :math:`L_{1/2}` is a Laguerre polynomial. Give ``nu`` or the shape ``b = nu / sigma``.

    Parameters
    ----------
    nu
        Noncentrality, >= 0 (only if ``b`` is not given).
    sigma
        Scale, > 0 (default 1).
    b
        Shape ``nu / sigma``, >= 0 (only if ``nu`` is not given).

    Returns
    -------
    TensorVariable
        The random variable (registered in the model when created with a name).

    Raises
    ------
    ParameterValueError
        If both or neither of ``nu`` and ``b`` are given, or a literal parameter is out of
        range.

    Examples
    --------
    >>> import ppl
    >>> with ppl.Model():
    ...     amplitude = ppl.Rice("amplitude", nu=2.0, sigma=0.5)
    """

    rv_op = rice

    @classmethod
    def dist(cls, nu=None, sigma=None, b=None, **kwargs):
        if (nu is None) == (b is None):
            raise ParameterValueError(
                f"{current_label.get() or 'Rice'}: give exactly one of nu and b "
                f"(got {'both' if nu is not None else 'neither'})."
            )
        if sigma is None:
            sigma = 1.0
        check_positive("sigma", sigma)
        if nu is not None:
            check_constant_parameter("nu", nu, lambda v: v >= 0, "nu >= 0")
            nu = as_float(nu)
        else:
            check_constant_parameter("b", b, lambda v: v >= 0, "b >= 0")
            nu = as_float(b) * as_float(sigma)
        return super().dist([nu, as_float(sigma)], **kwargs)

    @staticmethod
    def support_point(rv, size, nu, sigma):
        # sqrt(E[X^2]) = sqrt(nu^2 + 2 sigma^2): positive, and near the mean
        return batch_broadcast(pt.sqrt(pt.square(nu) + 2.0 * pt.square(sigma)), rv, size, nu, sigma)

    @staticmethod
    def logp(value, nu, sigma):
        # log I0(y) = log(i0e(y)) + y folds the exp(x nu / sigma^2) into the exponent:
        # -(x^2 + nu^2) / 2 sigma^2 + x nu / sigma^2 = -(x - nu)^2 / 2 sigma^2
        x = pt.switch(value > 0, value, 1.0)
        res = (
            pt.log(x)
            - 2.0 * pt.log(sigma)
            - pt.square(x - nu) / (2.0 * pt.square(sigma))
            + pt.log(pt.ive(0.0, x * nu / pt.square(sigma)))
        )
        res = pt.switch((value > 0) & pt.lt(value, np.inf), res, -np.inf)
        return check_parameters(res, nu >= 0, sigma > 0, msg=_MSG)
