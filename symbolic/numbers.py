"""Exact numbers: parsing of spec numbers and helpers for clearing denominators.

Numbers in a spec are JSON integers or strings holding an exact rational
(``"-3/4"``); in symbolic specs, expressions of the whitelist grammar of
:func:`symbolic.kernel.parse.parse_expr` are allowed too (never evaluated by Python).
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
from fractions import Fraction
from numbers import Integral

from symbolic.errors import DomainError, SpecError
from symbolic.kernel.parse import ALLOWED, MAX_DIGITS, ParseError, parse_expr, parse_rational

__all__ = ["parse_exact", "parse_symbolic", "to_json_number", "lcm_of_denominators", "is_exact", "rational",
           "residue"]

_SMALL = 10**18  # ints below this in magnitude need no digit check
#: Limits of one expression string in a spec (deeper trees overflow sympy's own recursive printing).
SPEC_EXPR_LENGTH, SPEC_EXPR_DEPTH = 20000, 50


def is_exact(x) -> bool:
    """True for ints and Fractions (bool excluded)."""
    return (isinstance(x, int) and not isinstance(x, bool)) or isinstance(x, Fraction)


def parse_exact(value, field: str):
    """Parse a spec number to ``int`` or ``Fraction``; refuse floats and anything else.

    Integers stay ``int``; ``"p/q"`` becomes a reduced ``Fraction`` (an ``int``
    when q divides p). Integers and strings of more than 1000 digits are refused.

    >>> parse_exact(10**1000, "weights.output[0][0]")
    Traceback (most recent call last):
    ...
    symbolic.errors.SpecError: weights.output[0][0]: expected an exact number with at most 1000 digits, got <an integer
    with 1001 digits>
    """
    if type(value) is int and -_SMALL < value < _SMALL:  # the common case, at once (a spec may hold a million)
        return value
    if isinstance(value, bool):
        raise SpecError(field, value, "an exact number (an int or a string 'p/q'), not a boolean")
    if isinstance(value, float):
        raise SpecError(field, value, "an exact number (an int or a string 'p/q'); floats are refused")
    if not isinstance(value, (int, Fraction, str)):
        raise SpecError(field, value, "an exact number (an int or a string 'p/q')")
    try:
        q = parse_rational(value, field=field)
    except ParseError as e:
        if e.kind == "zero_denominator":
            raise SpecError(field, value, "a rational with a nonzero denominator") from None
        if e.kind == "digits":
            shown = value if isinstance(value, str) else _Shown(f"<an integer with {e.detail} digits>")
            raise SpecError(field, shown, f"an exact number with at most {MAX_DIGITS} digits") from None
        raise SpecError(field, value, "an exact number (an int or a string 'p/q')") from None
    return int(q) if q.denominator == 1 else q


class _Shown:
    """A value shown as given text (a huge int cannot be printed: str() stops at 4300 digits)."""

    def __init__(self, text):
        self.text = text

    def __repr__(self):
        return self.text


def parse_symbolic(value, field: str):
    """Parse a number of a symbolic spec: exact rationals, or an expression of the whitelist grammar of
    :func:`symbolic.kernel.parse.parse_expr` (nothing is evaluated; names become plain symbols).

    >>> parse_symbolic("relu(a) + 1/2", "F[0][0]")
    Max(0, a) + 1/2
    """
    import sympy

    if isinstance(value, str):
        try:
            return parse_expr(value, field=field, max_length=SPEC_EXPR_LENGTH, max_depth=SPEC_EXPR_DEPTH)
        except ParseError as e:
            raise SpecError(field, value, f"an exact expression ({e.what}; allowed: {ALLOWED})") from None
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


def rational(x, error=DomainError, max_digits: int = MAX_DIGITS) -> Fraction:
    """An exact rational as a Fraction: from an int (numpy ints too), a Fraction, a sympy Rational or a
    ``'p/q'`` string of at most ``max_digits`` digits each side; floats, booleans and anything else raise
    ``error`` (one line).

    >>> import sympy
    >>> rational(sympy.Rational(-3, 4)), rational("5/10"), rational(7)
    (Fraction(-3, 4), Fraction(1, 2), Fraction(7, 1))
    >>> rational(0.5)
    Traceback (most recent call last):
    ...
    symbolic.errors.DomainError: 0.5 is not an exact rational
    """
    if isinstance(x, Fraction):
        return x
    if isinstance(x, (bool, float)):
        raise error(f"{x!r} is not an exact rational")
    if isinstance(x, Integral):  # int, numpy integers
        return Fraction(int(x))
    if isinstance(x, str):
        try:
            return Fraction(parse_rational(x, field="number", max_digits=max_digits))
        except ParseError:
            raise error(f"{x!r} is not an exact rational 'p/q'") from None
    if getattr(x, "is_Rational", False):
        return Fraction(int(x.p), int(x.q))
    raise error(f"{x!r} is not an exact rational")


def residue(x, p: int, error=DomainError) -> int:
    """An exact rational modulo the prime p, in [0, p); ``error`` when p divides its denominator.

    >>> residue(Fraction(1, 2), 7), residue(-3, 7)
    (4, 4)
    >>> residue(Fraction(1, 7), 7)
    Traceback (most recent call last):
    ...
    symbolic.errors.DomainError: the prime 7 divides the denominator of 1/7
    """
    q = rational(x, error)
    if q.denominator % p == 0:
        raise error(f"the prime {p} divides the denominator of {q}")
    return q.numerator % p * pow(q.denominator, -1, p) % p
