import warnings

import numpy as np
import pytest

import ppl
from ppl.exceptions import SamplingError
from ppl.forward.draw import draw
from ppl.logprob.dispatch import support_point
from ppl.testing import R, check_logcdf, check_logp


def test_logp_is_zero_everywhere():
    check_logp(ppl.Flat, R, {}, lambda value: np.zeros_like(value))


def test_logcdf_is_log_half_except_at_infinity():
    def reference(value):
        return np.where(value == -np.inf, -np.inf, np.where(value == np.inf, 0.0, np.log(0.5)))

    check_logcdf(ppl.Flat, R, {}, reference)


@pytest.mark.parametrize("mode", ["FAST_COMPILE", None])
def test_draws_raise_sampling_error(mode):
    with warnings.catch_warnings():
        # PyTensor's Numba backend runs ops without a Numba kernel in object mode, and says so
        warnings.filterwarnings("ignore", "Numba will use object mode", UserWarning)
        with pytest.raises(SamplingError, match="Flat: cannot draw samples from an improper prior"):
            draw(ppl.Flat.dist(size=3), random_seed=1, mode=mode)


def test_no_default_transform():
    with ppl.Model() as m:
        ppl.Flat("x")
    assert [v.name for v in m.value_vars] == ["x"]


def test_unexpected_parameter_is_an_error():
    with pytest.raises(TypeError, match="Flat: unexpected argument"):
        ppl.Flat.dist(mu=1.0)


def test_support_point_is_zero_with_the_shape():
    point = support_point(ppl.Flat.dist(shape=(3, 2))).eval()
    np.testing.assert_array_equal(point, np.zeros((3, 2)))
