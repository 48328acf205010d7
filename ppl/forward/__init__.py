"""Forward sampling: draws from distributions and model variables."""

from ppl.forward.draw import draw

__all__ = ["draw"]
