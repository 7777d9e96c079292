"""Tests of theorems/claims/laws.py: the laws of g(a, b) = P(sigma(a), sigma(b)), decided and kernel-verified.

Second routes: every refuting point is re-evaluated with an operator written here (Fraction
arithmetic for the exact activations, mpmath at 50 digits for tanh and sigmoid); every law
reported to hold has no counterexample on a grid of small rationals; the catalog's
expectations (EXPECTED) are met and their negations refuted.
"""

from __future__ import annotations

import itertools
from fractions import Fraction as Q

import mpmath
import pytest
from hypothesis import given
from hypothesis import strategies as st

from symbolic.kernel.recheck import recheck
from theorems.claims.laws import (EXPECTED, LAW_KEYS, LAW_NAMES, _decimal_interval, decide_law, prove_laws_claim,
                                  laws_answer)
from theorems.claims.verdict import Status

SIGMA = {"linear": lambda x: x, "relu": lambda x: max(x, 0), "abs": abs, "square": lambda x: x * x,
         "leaky_relu:1/3": lambda x: x if x > 0 else x / 3, "leaky_relu:2": lambda x: x if x > 0 else 2 * x,
         "tanh": mpmath.tanh, "sigmoid": lambda x: 1 / (1 + mpmath.exp(-x))}
POOL = {"product": lambda u, v: u * v, "max": max, "sum": lambda u, v: u + v, "average": lambda u, v: (u + v) / 2}
GRID = [Q(0), Q(1), Q(-1), Q(2), Q(-2), Q(1, 2), Q(-1, 3)]


def _sides(act, pool, law, pt):
    s = SIGMA[act]
    g = lambda x, y: POOL[pool](s(x), s(y))  # noqa: E731
    if law == "commutativity":
        return g(pt["a"], pt["b"]), g(pt["b"], pt["a"])
    if law == "associativity":
        return g(g(pt["a"], pt["b"]), pt["c"]), g(pt["a"], g(pt["b"], pt["c"]))
    return s(g(pt["a"], pt["b"])), g(pt["a"], pt["b"])


def _differ(act, pool, law, pt) -> bool:
    if act in ("tanh", "sigmoid"):
        with mpmath.workdps(50):
            lhs, rhs = _sides(act, pool, law, {k: mpmath.mpf(v.numerator) / v.denominator for k, v in pt.items()})
            return abs(lhs - rhs) > mpmath.mpf(10) ** -30
    lhs, rhs = _sides(act, pool, law, pt)
    return lhs != rhs


@pytest.mark.parametrize("act", list(SIGMA))
@pytest.mark.parametrize("pool", list(POOL))
def test_laws_answer_agrees_with_direct_evaluation(act, pool):
    a = laws_answer(act, pool)
    assert a["status"] == "proved" and recheck({"convac": 1, "command": "check laws",
                                                "results": a["results"]}).exit_code == 0
    for law, res in zip(LAW_NAMES, a["results"]):
        assert res["statement"] == {"type": "law", "activation": act, "pooling": pool, "law": law}
        if res["status"] == "refuted":
            pt = {k: Q(v) for k, v in res["certificate"]["point"].items()}
            assert _differ(act, pool, law, pt)
            assert a[LAW_KEYS[law]] is False
        else:
            assert res["status"] == "proved" and a[LAW_KEYS[law]] is True
            names = "abc" if law == "associativity" else "ab"
            if act not in ("tanh", "sigmoid"):
                assert not any(_differ(act, pool, law, dict(zip(names, v)))
                               for v in itertools.product(GRID, repeat=len(names)))
    assert a["iterable"] == (a["associative"] and a["pooled_fixed"])


@pytest.mark.parametrize("act, pool, law, holds", EXPECTED)
def test_each_expectation_is_proved_and_its_negation_refuted(act, pool, law, holds):
    v = decide_law(activation=act, pooling=pool, law=law, holds=holds)
    assert v.status is Status.PROVED and v.checked
    assert v.result()["status"] == ("proved" if holds else "refuted")  # the typed statement is the law itself
    w = decide_law(activation=act, pooling=pool, law=law, holds=not holds)
    assert w.status is Status.REFUTED and w.checked
    assert w.certificate == v.certificate  # one decision, read both ways


def test_check_laws_is_the_eight_expectations():
    v = prove_laws_claim()
    assert v.status is Status.PROVED and v.checked
    parts = v.certificate["parts"]
    assert [(p["activation"], p["pooling"], p["law"], p["holds"]) for p in parts] == list(EXPECTED)
    for p in parts:
        if not p["holds"]:
            pt = {k: Q(x) for k, x in p["certificate"]["point"].items()}
            assert _differ(p["activation"], p["pooling"], p["law"], pt)


@given(st.fractions(min_value=-1000, max_value=1000, max_denominator=10**6),
       st.fractions(min_value=0, max_value=10, max_denominator=10**6), st.integers(1, 8))
def test_decimal_interval_widens_outward(lo, width, digits):
    hi = lo + width
    text = _decimal_interval([f"{lo.numerator}/{lo.denominator}", f"{hi.numerator}/{hi.denominator}"], digits)
    a, b = (Q(x) for x in text.strip("[]").split(", "))
    assert a <= lo and hi <= b
    assert lo - a < Q(1, 10**digits) and b - hi < Q(1, 10**digits)
    assert all(len(x.split(".")[1]) == digits for x in text.strip("[]").split(", "))
