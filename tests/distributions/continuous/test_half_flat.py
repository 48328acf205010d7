import warnings

import numpy as np
import pytest

import ppl
from ppl.exceptions import SamplingError
from ppl.forward.draw import draw
from ppl.logprob.dispatch import support_point
from ppl.testing import Rplus, check_logcdf, check_logp


def test_logp_is_zero_on_the_half_line():
    check_logp(ppl.HalfFlat, Rplus, {}, lambda value: np.zeros_like(value))


def test_logcdf_is_minus_inf_except_at_infinity():
    check_logcdf(ppl.HalfFlat, Rplus, {}, lambda value: np.where(value == np.inf, 0.0, -np.inf))


@pytest.mark.parametrize("mode", ["FAST_COMPILE", None])
def test_draws_raise_sampling_error(mode):
    with warnings.catch_warnings():
        # PyTensor's Numba backend runs ops without a Numba kernel in object mode, and says so
        warnings.filterwarnings("ignore", "Numba will use object mode", UserWarning)
        with pytest.raises(SamplingError, match="HalfFlat: cannot draw samples from an improper prior"):
            draw(ppl.HalfFlat.dist(size=3), random_seed=1, mode=mode)


def test_default_transform_is_log():
    with ppl.Model() as m:
        ppl.HalfFlat("x")
    assert [v.name for v in m.value_vars] == ["x_log__"]


def test_support_point_is_one_with_the_shape():
    point = support_point(ppl.HalfFlat.dist(shape=(3, 2))).eval()
    np.testing.assert_array_equal(point, np.ones((3, 2)))
