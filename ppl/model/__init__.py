"""The model context: ``Model``, ``Deterministic``, ``Potential``."""
