"""Tests of symbolic/numbers.py: parsing spec numbers, JSON numbers, rationals and residues.

Second routes: residues against Fermat's little theorem (x^(p-2) is the inverse of x mod p)
and the ring laws of Z/p; JSON numbers against the Fraction constructor; denominators'
lcm against math.lcm.
"""

from __future__ import annotations

import math
from fractions import Fraction as Q

import numpy as np
import pytest
import sympy
from hypothesis import assume, given
from hypothesis import strategies as st

from symbolic.errors import DomainError, SpecError
from symbolic.numbers import (is_exact, lcm_of_denominators, parse_exact, parse_symbolic, rational, residue,
                              to_json_number)

PRIMES = (2, 3, 7, 101, 65537, 67108859)
fractions = st.fractions(max_denominator=10**6).filter(lambda q: abs(q.numerator) < 10**12)
primes = st.sampled_from(PRIMES)


def _fermat(q: Q, p: int) -> int:
    """q mod p by Fermat's little theorem: the inverse of d is d^(p-2)."""
    return q.numerator * pow(q.denominator, p - 2, p) % p


# ----------------------------------------------------------------------------- parse_exact
@pytest.mark.parametrize("text, value", [("3", 3), ("-3/4", Q(-3, 4)), ("6/4", Q(3, 2)), ("8/4", 2), ("0/5", 0)])
def test_parse_exact_reads_rationals_reduced(text, value):
    out = parse_exact(text, "F[0][0]")
    assert out == value and type(out) is type(value)


@pytest.mark.parametrize("bad, allowed",
                         [(2.5, "floats are refused"), (True, "not a boolean"), (None, "an exact number"),
                                          ("1/0", "nonzero denominator"), ("x", "an exact number"),
                                          ("9" * 1001, "at most 1000 digits"), (10**1001, "at most 1000 digits")])
def test_parse_exact_refuses_in_one_line_naming_the_field(bad, allowed):
    with pytest.raises(SpecError) as e:
        parse_exact(bad, "weights.output[0][1]")
    msg = str(e.value)
    assert msg.startswith("weights.output[0][1]:") and allowed in msg and "\n" not in msg


@given(fractions)
def test_to_json_number_round_trips_through_parse_exact(q):
    js = to_json_number(q)
    assert parse_exact(js, "x") == q
    if q.denominator == 1:
        assert type(js) is int
    else:
        assert js == f"{q.numerator}/{q.denominator}" and Q(js) == q  # the Fraction constructor agrees


@given(st.integers(-10**30, 10**30))
def test_ints_stay_ints(n):
    assert parse_exact(n, "x") == n and type(parse_exact(n, "x")) is int
    assert to_json_number(n) == n


def test_to_json_number_of_sympy_values():
    assert to_json_number(sympy.Integer(-7)) == -7
    assert to_json_number(sympy.Rational(6, 4)) == "3/2"
    a = sympy.Symbol("a")
    assert to_json_number(a + 1) == "a + 1"
    with pytest.raises(TypeError):
        to_json_number(True)


# ----------------------------------------------------------------------------- rational
@given(fractions)
def test_rational_of_every_exact_form(q):
    assert rational(q) == q
    assert rational(sympy.Rational(q.numerator, q.denominator)) == q
    assert rational(f"{q.numerator}/{q.denominator}") == q
    assert rational(str(q)) == q


def test_rational_of_numpy_ints_and_refusals():
    assert rational(np.int64(-5)) == Q(-5) and type(rational(np.int64(-5))) is Q
    for bad in (0.5, True, "1/0", "abc", sympy.Symbol("a"), None):
        with pytest.raises(DomainError):
            rational(bad)
    with pytest.raises(SpecError):  # the error class is the caller's
        rational(0.5, error=lambda m: SpecError("f", 0.5, m))


def test_is_exact():
    assert is_exact(3) and is_exact(Q(1, 3))
    assert not is_exact(True) and not is_exact(0.5) and not is_exact(sympy.Integer(3)) and not is_exact("1")


# ----------------------------------------------------------------------------- residue
@given(fractions, primes)
def test_residue_agrees_with_fermat(q, p):
    assume(q.denominator % p)
    r = residue(q, p)
    assert 0 <= r < p and r == _fermat(q, p)
    assert r * q.denominator % p == q.numerator % p


@given(fractions, fractions, primes)
def test_residue_is_a_ring_homomorphism(a, b, p):
    assume(a.denominator % p and b.denominator % p)
    ra, rb = residue(a, p), residue(b, p)
    assert residue(a * b, p) == ra * rb % p
    assert residue(a + b, p) == (ra + rb) % p
    assert residue(-a, p) == -ra % p
    if a != 0 and a.numerator % p:
        assert residue(1 / a, p) * ra % p == 1


@given(st.integers(1, 10**6), primes)
def test_residue_refuses_a_denominator_divisible_by_p(n, p):
    q = Q(n * p + 1, p)  # in lowest terms: gcd(n p + 1, p) = 1
    with pytest.raises(DomainError, match=f"the prime {p} divides"):
        residue(q, p)


# ----------------------------------------------------------------------------- the rest
@given(st.lists(fractions, max_size=8))
def test_lcm_of_denominators_is_math_lcm(qs):
    assert lcm_of_denominators(qs) == math.lcm(1, *(q.denominator for q in qs))
    assert all((q * lcm_of_denominators(qs)).denominator == 1 for q in qs)


def test_parse_symbolic_builds_the_whitelisted_expression_without_evaluating():
    e = parse_symbolic("relu(a) + 1/2", "F[0][0]")
    a = sympy.Symbol("a")
    assert e.subs(a, 3) == sympy.Rational(7, 2) and e.subs(a, -3) == sympy.Rational(1, 2)
    assert parse_symbolic("3/6", "x") == sympy.Rational(1, 2)
    assert parse_symbolic(4, "x") == sympy.Integer(4)
    for bad in ("__import__('os')", "a.b", "lambda: 1", "a" * 30000):
        with pytest.raises(SpecError) as e:
            parse_symbolic(bad, "F[0][0]")
        assert str(e.value).startswith("F[0][0]:")
