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

# an uneven, unnormalised lattice with a zero density at the left end and a flat zero segment
X_POINTS = np.array([-1.0, 0.0, 0.5, 2.0, 3.0, 4.0])
PDF_POINTS = np.array([0.0, 2.0, 2.0, 1.0, 0.0, 0.0])
AREA = 4.75


def _reference_pdf(value):
    return np.where((value >= X_POINTS[0]) & (value <= X_POINTS[-1]),
                    np.interp(value, X_POINTS, PDF_POINTS) / AREA, 0.0)


def _reference_cdf(value):
    # the trapezoidal rule is exact for a piecewise-linear density
    out = []
    for v in np.atleast_1d(value):
        below = X_POINTS < v
        xs = np.append(X_POINTS[below], np.clip(v, X_POINTS[0], X_POINTS[-1]))
        out.append(np.trapezoid(np.interp(xs, X_POINTS, PDF_POINTS), xs) / AREA)
    return np.asarray(out)


@pytest.fixture(scope="module")
def compiled():
    value, q = pt.dvector("value"), pt.dvector("q")
    rv = ppl.Interpolated.dist(X_POINTS, PDF_POINTS)
    outputs = [ppl.logp(rv, value), ppl.logcdf(rv, value), ppl.icdf(rv, q),
               pt.grad(pt.sum(ppl.logp(rv, value)), value)]
    return pytensor.function([value, q], outputs)


VALUES = np.array([-np.inf, -5.0, -1.0, -0.999, -0.5, 0.0, 0.2, 0.5, 1.0, 2.0, 2.999, 3.0, 3.5, 4.0,
                   4.5, np.inf])


def test_logp_and_logcdf_match_the_piecewise_linear_density(compiled):
    logp, logcdf, _, _ = compiled(VALUES, [0.5])
    with np.errstate(divide="ignore"):
        np.testing.assert_allclose(logp, np.log(_reference_pdf(VALUES)), rtol=1e-12)
        np.testing.assert_allclose(logcdf, np.log(_reference_cdf(VALUES)), rtol=1e-12, atol=1e-15)
    assert logcdf[-1] == 0.0 and logcdf[0] == -np.inf


def test_logcdf_tails_are_accurate(compiled):
    # F(-1 + e) = e^2 / 4.75 near the lower end; 1 - F(3 - e) = e^2 / 9.5 near the upper one
    eps = 1e-6
    _, logcdf, _, _ = compiled(np.array([-1.0 + eps, 3.0 - eps]), [0.5])
    np.testing.assert_allclose(logcdf, [np.log(eps**2 / AREA), np.log1p(-(eps**2) / (2 * AREA))], rtol=1e-9)


def test_icdf_inverts_the_cdf(compiled):
    q = np.array([0.0, 1e-9, 0.01, 0.3, 0.5, 0.9, 0.999, 1.0, -0.1, 1.1])
    _, _, x, _ = compiled(VALUES[:1], q)
    np.testing.assert_allclose(_reference_cdf(x[:8]), q[:8], rtol=1e-9, atol=1e-15)
    assert x[0] == -1.0 and x[7] == 3.0  # 1 is reached at 3: (3, 4] has no mass
    assert np.isnan(x[8:]).all()


def test_gradient_of_logp_is_the_relative_slope(compiled):
    x = np.array([-0.5, 0.2, 1.0, 2.5])
    *_, grad = compiled(x, [0.5])
    slope = np.array([2.0, 0.0, -1.0 / 1.5, -1.0])
    np.testing.assert_allclose(grad, slope / np.interp(x, X_POINTS, PDF_POINTS), rtol=1e-12)


@pytest.mark.parametrize("kwargs, text", [
    ({"x_points": pt.dvector("x"), "pdf_points": PDF_POINTS}, "x_points must be a constant array"),
    ({"x_points": X_POINTS[::-1], "pdf_points": PDF_POINTS}, "x_points is not strictly increasing"),
    ({"x_points": X_POINTS, "pdf_points": -PDF_POINTS}, "pdf_points has negative values"),
    ({"x_points": X_POINTS, "pdf_points": PDF_POINTS[:-1]}, "x_points has shape \\(6,\\) but pdf_points"),
    ({"x_points": X_POINTS, "pdf_points": 0 * PDF_POINTS}, "pdf_points are all 0"),
    ({"x_points": [1.0], "pdf_points": [1.0]}, "x_points has shape \\(1,\\), expected a 1-D array"),
])
def test_invalid_points_name_distribution_variable_and_problem(kwargs, text):
    with ppl.Model():
        with pytest.raises(ParameterValueError, match=f"Interpolated 'z': {text}"):
            ppl.Interpolated("z", **kwargs)


@pytest.mark.parametrize("mode", ["FAST_COMPILE", None])
def test_draws_match_the_cdf_in_python_and_numba_backends(mode):
    samples = draw(ppl.Interpolated.dist(X_POINTS, PDF_POINTS, size=2000), random_seed=11, mode=mode)
    assert samples.min() >= -1.0 and samples.max() <= 3.0
    assert st.kstest(samples, _reference_cdf).pvalue > 0.001


def test_default_transform_is_interval_over_the_lattice():
    with ppl.Model() as m:
        ppl.Interpolated("z", X_POINTS, PDF_POINTS)
    assert [v.name for v in m.value_vars] == ["z_interval__"]
    rv = m["z"]
    back = m.rvs_to_transforms[rv].backward(np.array([-40.0, 40.0]), *rv.owner.inputs).eval(mode=QUICK_MODE)
    np.testing.assert_allclose(back, [-1.0, 4.0])


def test_support_point_is_the_median_broadcast():
    rv = ppl.Interpolated.dist(X_POINTS, PDF_POINTS, size=(2, 3))
    point = support_point(rv).eval(mode=QUICK_MODE)
    assert point.shape == (2, 3)
    np.testing.assert_allclose(_reference_cdf(point.ravel()), 0.5, rtol=1e-12)
