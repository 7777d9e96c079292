"""Arithmetic engines for grid tensors: ``symbolic`` (sympy), ``exact`` (integers after
clearing denominators; the default) and ``modular`` (residues modulo a word-size prime).

Each engine implements the same small interface (:class:`~symbolic.engines.base.Arithmetic`):
the decompositions of :mod:`symbolic.decompositions` are written once against it.
"""

from .base import Arithmetic, ENGINES, get_engine, DEFAULT_PRIME

__all__ = ["Arithmetic", "ENGINES", "get_engine", "DEFAULT_PRIME"]
