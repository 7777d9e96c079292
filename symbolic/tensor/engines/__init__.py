"""Arithmetic engines for grid tensors: ``symbolic`` (sympy), ``exact`` (integers after
clearing denominators; the default) and ``modular`` (residues modulo a word-size prime).

Each engine implements the same small interface (:class:`~symbolic.tensor.engines.base.Arithmetic`):
the decompositions of :mod:`symbolic.tensor.decompositions` are written once against it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal, overload

from symbolic.tensor.engines.base import DEFAULT_PRIME, ENGINES, Arithmetic
from symbolic.errors import DomainError

if TYPE_CHECKING:
    from symbolic.tensor.engines.exact import ExactArithmetic
    from symbolic.tensor.engines.modular import ModularArithmetic

__all__ = ["Arithmetic", "ENGINES", "get_engine", "DEFAULT_PRIME"]


@overload
def get_engine(engine: Literal["exact"], modulus: int | None = None) -> ExactArithmetic: ...
@overload
def get_engine(engine: Literal["modular"], modulus: int | None = None) -> ModularArithmetic: ...
@overload
def get_engine(engine: str, modulus: int | None = None) -> Arithmetic: ...


def get_engine(engine: str, modulus: int | None = None) -> Arithmetic:
    """The engine object for a name in ENGINES.

    >>> get_engine("modular", 7).p, type(get_engine("exact")).__name__
    (7, 'ExactArithmetic')
    """
    if engine == "exact":
        from symbolic.tensor.engines.exact import ExactArithmetic

        return ExactArithmetic()
    if engine == "modular":
        from symbolic.tensor.engines.modular import ModularArithmetic

        return ModularArithmetic(DEFAULT_PRIME if modulus is None else modulus)
    if engine == "symbolic":
        from symbolic.tensor.engines.symbolic import SymbolicArithmetic

        return SymbolicArithmetic()
    raise DomainError(f"engine={engine!r} is not one of {ENGINES}")
