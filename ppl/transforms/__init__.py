"""Transforms to an unconstrained space, with their log-Jacobians."""

from ppl.transforms.chain import Chain, ChainedTransform
from ppl.transforms.cholesky import CholeskyCovPacked
from ppl.transforms.circular import CircularTransform, circular
from ppl.transforms.correlation import CPCTransform
from ppl.transforms.elementwise import Interval, LogOddsTransform, LogTransform, log, logodds
from ppl.transforms.ordered import OrderedTransform, ordered
from ppl.transforms.simplex import SimplexTransform, simplex, sum_to_1
from ppl.transforms.transform import Transform
from ppl.transforms.zerosum import ZeroSumTransform

__all__ = [
    "Transform",
    "Chain",
    "ChainedTransform",
    "Interval",
    "LogTransform",
    "LogOddsTransform",
    "OrderedTransform",
    "SimplexTransform",
    "log",
    "logodds",
    "ordered",
    "simplex",
    "sum_to_1",
    "ZeroSumTransform",
    "CPCTransform",
    "CholeskyCovPacked",
    "CircularTransform",
    "circular",
]
