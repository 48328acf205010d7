"""Functions of a point dict: a thin wrapper that picks the inputs by name."""

__all__ = ["PointFunc"]


class PointFunc:
    """Call a compiled function with a point dict: ``f(point)`` -> its outputs.

    Parameters
    ----------
    f
        Compiled PyTensor function whose inputs are the named value variables.
    input_names
        Names of the inputs, in order.
    """

    def __init__(self, f, input_names: list[str]):
        self.f = f
        self.input_names = list(input_names)

    def __call__(self, point: dict):
        missing = [n for n in self.input_names if n not in point]
        if missing:
            raise KeyError(f"Point is missing value(s) for {missing}; it has {list(point)}.")
        return self.f(*[point[n] for n in self.input_names])
