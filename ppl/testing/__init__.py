"""Test helpers for ppl and for users writing their own distributions."""

from ppl.testing.checks import check_draws, check_icdf, check_logcdf, check_logp, param_grid
from ppl.testing.domains import *  # noqa: F403
from ppl.testing.domains import __all__ as _domains_all
from ppl.testing.jacobian import finite_difference_jacobian

__all__ = ["check_logp", "check_logcdf", "check_icdf", "check_draws", "param_grid", "finite_difference_jacobian", *_domains_all]
