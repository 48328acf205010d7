"""Discrete univariate distributions (one module each)."""

__all__: list[str] = []
