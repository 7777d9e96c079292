"""Exact numbers: parsing of spec numbers and helpers for clearing denominators.

Numbers in a spec are JSON integers or strings holding an exact rational
(``"-3/4"``); in symbolic specs, sympy-parsable strings are allowed too.
Floats are refused: every result of convac is exact.

>>> parse_exact("-3/4", "F[0][1]")
Fraction(-3, 4)
>>> parse_exact(2.5, "F[0][1]")
Traceback (most recent call last):
...
symbolic.errors.SpecError: F[0][1]: expected an exact number (an int or a string 'p/q'); floats are refused, got 2.5
"""

from __future__ import annotations

import math
import re
from fractions import Fraction

from .errors import SpecError

__all__ = ["parse_exact", "parse_symbolic", "to_json_number", "lcm_of_denominators", "is_exact"]

_RATIONAL = re.compile(r"^\s*[+-]?\d+(\s*/\s*[+-]?\d+)?\s*$")


def is_exact(x) -> bool:
    """True for ints and Fractions (bool excluded)."""
    return (isinstance(x, int) and not isinstance(x, bool)) or isinstance(x, Fraction)


def parse_exact(value, field: str):
    """Parse a spec number to ``int`` or ``Fraction``; refuse floats and anything else.

    Integers stay ``int``; ``"p/q"`` becomes a reduced ``Fraction`` (an ``int``
    when q divides p).
    """
    if isinstance(value, bool):
        raise SpecError(field, value, "an exact number (an int or a string 'p/q'), not a boolean")
    if isinstance(value, int):
        return value
    if isinstance(value, Fraction):
        return int(value) if value.denominator == 1 else value
    if isinstance(value, float):
        raise SpecError(field, value, "an exact number (an int or a string 'p/q'); floats are refused")
    if isinstance(value, str) and _RATIONAL.match(value):
        try:
            q = Fraction(value.replace(" ", ""))
        except ZeroDivisionError:
            raise SpecError(field, value, "a rational with a nonzero denominator") from None
        return int(q) if q.denominator == 1 else q
    raise SpecError(field, value, "an exact number (an int or a string 'p/q')")


def parse_symbolic(value, field: str):
    """Parse a number of a symbolic spec: exact rationals, or a sympy-parsable string."""
    import sympy

    if isinstance(value, str) and not _RATIONAL.match(value):
        if re.search(r"\d\.\d|\de[+-]?\d|^\.\d", value):
            raise SpecError(field, value, "an exact expression; decimal (float) literals are refused")
        try:
            return sympy.sympify(value, rational=True)
        except (sympy.SympifyError, SyntaxError, TypeError):
            raise SpecError(field, value, "an exact number or a sympy-parsable expression") from None
    if hasattr(value, "free_symbols"):  # already a sympy expression
        return value
    q = parse_exact(value, field)
    return sympy.Integer(q) if isinstance(q, int) else sympy.Rational(q.numerator, q.denominator)


def to_json_number(x):
    """An exact value as it is written in JSON: an int, a ``"p/q"`` string, or a sympy string.

    >>> to_json_number(Fraction(3, 4)), to_json_number(5), to_json_number(Fraction(4, 2))
    ('3/4', 5, 2)
    """
    if isinstance(x, bool):
        raise TypeError("booleans are not numbers here")
    if isinstance(x, int):
        return x
    if isinstance(x, Fraction):
        return x.numerator if x.denominator == 1 else f"{x.numerator}/{x.denominator}"
    try:
        import sympy

        if isinstance(x, sympy.Integer):
            return int(x)
        if isinstance(x, sympy.Rational):
            return f"{x.p}/{x.q}"
    except ImportError:  # pragma: no cover
        pass
    return str(x)


def lcm_of_denominators(values) -> int:
    """Least common multiple of the denominators of ints and Fractions (1 if empty).

    >>> lcm_of_denominators([Fraction(1, 4), 3, Fraction(5, 6)])
    12
    """
    d = 1
    for v in values:
        if isinstance(v, Fraction):
            d = d * v.denominator // math.gcd(d, v.denominator)
    return d
