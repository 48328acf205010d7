"""The initial distribution of a time series: checked, or the default ``Normal.dist(0, 100)``."""

import os
import sys
import warnings

from ppl.distributions.continuous.normal import Normal
from ppl.distributions.symbolic import check_component
from ppl.exceptions import ModelError
from ppl.logprob.checks import current_label
from ppl.logprob.dispatch import label_for

__all__ = ["init_distribution"]

_PPL_DIR = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _user_stacklevel() -> int:
    """The ``stacklevel`` of the first caller outside ``ppl`` (``x.dist()`` or ``Model`` code)."""
    level, frame = 1, sys._getframe(1)
    while frame is not None and os.path.abspath(frame.f_code.co_filename).startswith(_PPL_DIR):
        level += 1
        frame = frame.f_back
    return level


def init_distribution(init_dist, *, max_ndim_supp: int = 0):
    """``init_dist`` checked to be an unnamed ``.dist()`` variable, or the default with a warning.

    Raises
    ------
    ModelError
        If ``init_dist`` is a model variable, not a distribution, or has more than
        ``max_ndim_supp`` support dimensions.
    """
    label = current_label.get() or "distribution"
    if init_dist is None:
        warnings.warn(
            f"{label}: init_dist not specified, defaulting to ppl.Normal.dist(0, 100). Pass "
            "init_dist=... to choose the distribution of the first value(s) and silence this "
            "warning.",
            UserWarning,
            stacklevel=_user_stacklevel(),
        )
        return Normal.dist(0.0, 100.0)
    check_component(init_dist, "init_dist")
    ndim_supp = int(init_dist.owner.op.ndim_supp)
    if ndim_supp > max_ndim_supp:
        expected = (
            "univariate" if max_ndim_supp == 0 else f"at most {max_ndim_supp} support dimension(s)"
        )
        raise ModelError(
            f"{label}: init_dist must be {expected}; got {label_for(init_dist)} with {ndim_supp} "
            "support dimension(s)."
        )
    return init_dist
