"""Tests of symbolic/identity/certificates.py: the LP evidence of the identity prover.

Linear forms are tuples (c_1, ..., c_n, c_0) for c.x + c_0; a region is a tuple of forms g,
meaning g <= 0. Each piece of evidence is re-checked here by Fraction arithmetic alone
(multipliers y >= 0 whose combination of the constraints gives the claimed bound), and
the decisions are compared with a second route: the vertices of small boxed regions,
enumerated by brute force (tests/symbolic/test_lp.py), and exact evaluation at points.
"""

from __future__ import annotations

import math
import random
from fractions import Fraction as Q

import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from symbolic.errors import DomainError
from symbolic.identity.certificates import (Split, _upper, as_expr, at, constraints, farkas, form, neg, nonneg, normal,
                                            satisfies, zero_evidence)
from tests.symbolic.test_lp import _vertices

a, b, c = sympy.symbols("a b c")
VARS = (a, b)


def _combine(y_sparse, region, n):
    """sum_i y_i g_i as a form, after checking y >= 0."""
    out = [Q(0)] * (n + 1)
    for i, yi in y_sparse:
        yi = Q(yi)
        assert yi >= 0
        out = [o + yi * x for o, x in zip(out, region[i])]
    return out


def _box(n, lo=-2, hi=2):
    """lo <= x_i <= hi as forms."""
    out = []
    for i in range(n):
        e = [Q(int(k == i)) for k in range(n)]
        out += [tuple(e + [Q(-hi)]), tuple([-x for x in e] + [Q(lo)])]
    return tuple(out)


def _vertices_of(region, n):
    return _vertices([list(g[:-1]) for g in region], [-g[-1] for g in region]) if region else set()


small = st.integers(-3, 3).map(Q)
forms2 = st.tuples(small, small, small)
regions2 = st.lists(forms2, max_size=3).map(lambda gs: tuple(gs) + _box(2))


# ----------------------------------------------------------------------------- forms
@given(forms2)
def test_form_reads_back_an_affine_expression(f):
    assert form(as_expr(f, VARS), VARS) == f
    assert form(as_expr(f, VARS) + a * b, VARS) is None
    assert form(sympy.Max(a, 0) + f[0], VARS) is None


@given(st.tuples(st.fractions(max_denominator=12), st.fractions(max_denominator=12), st.fractions(max_denominator=12)))
def test_normal_is_a_positive_multiple_with_coprime_integer_entries(f):
    g = normal(f)
    if not any(f[:-1]):
        assert g == f
        return
    ratios = {x / y for x, y in zip(g, f) if y != 0}
    assert len(ratios) == 1 and ratios.pop() > 0
    assert all(x.denominator == 1 for x in g) and math.gcd(*(int(x) for x in g)) == 1
    assert all((x == 0) == (y == 0) for x, y in zip(g, f))


def test_constraints_text_and_points():
    region = ((Q(-1), Q(0), Q(0)), (Q(1), Q(1), Q(-3)))
    assert constraints(region, VARS) == ["-a <= 0", "a + b - 3 <= 0"]
    assert satisfies((Q(1), Q(2)), region) and not satisfies((Q(-1), Q(0)), region)
    assert at(neg(region[1]), (Q(1), Q(1))) == 1


# ----------------------------------------------------------------------------- LP evidence
@settings(max_examples=80, deadline=None)
@given(forms2, regions2)
def test_upper_is_the_maximum_with_valid_multipliers(f, region):
    verts = _vertices_of(region, 2)
    y_empty = farkas(region, 2)
    if not verts:  # a bounded region without vertices is empty
        comb = _combine(y_empty, region, 2)
        assert comb[:-1] == [0, 0] and comb[-1] > 0  # sum y_i g_i = a positive constant: g <= 0 is impossible
        return
    assert y_empty is None
    value, x, y = _upper(f, region)
    assert value == max(at(f, v) for v in verts)
    assert satisfies(x, region) and at(f, x) == value
    comb = _combine(y, region, 2)
    rest = [fi - ci for fi, ci in zip(f, comb)]  # f - sum y_i g_i: the constant value, so f <= value on the region
    assert rest[:-1] == [0, 0] and rest[-1] == value


@settings(max_examples=80, deadline=None)
@given(forms2, regions2)
def test_nonneg_of_an_affine_form_proves_its_sign_or_splits(f, region):
    verts = _vertices_of(region, 2)
    if not verts:
        return
    vals = [at(f, v) for v in verts]
    try:
        s, y = nonneg(as_expr(f, VARS), region, VARS)
    except Split as e:
        assert min(vals) < 0 < max(vals)  # the sign really changes on the region
        assert e.form == normal(f)
        return
    assert all(s * v >= 0 for v in vals)
    comb = _combine(y, region, 2)
    rest = [-s * fi - ci for fi, ci in zip(f, comb)]  # -s f - sum y g = a constant <= 0, so s f >= 0
    assert rest[:-1] == [0, 0] and rest[-1] <= 0


def test_nonneg_of_products_by_factors():
    quadrant = ((Q(-1), Q(0), Q(0)), (Q(0), Q(-1), Q(0)))  # a >= 0, b >= 0
    s, proof = nonneg(a * b, quadrant, VARS)
    assert s == 1 and {tuple(f) for f in proof["factors"]} == {("a", 1), ("b", 1)}
    assert all(p["sign"] == 1 for p in proof["signs"])
    s, proof = nonneg(-(a**2) - b**2 - 1, (), VARS)  # even monomials of one sign
    assert s == -1
    s, proof = nonneg((a - b) ** 2, (), VARS)  # an even multiplicity needs no sign
    assert s == 1 and proof["signs"] == [None]
    with pytest.raises(Split):
        nonneg(a * b, ((Q(-1), Q(0), Q(0)),), VARS)  # b's sign is free
    with pytest.raises(DomainError, match="non-linear factor"):
        nonneg(a**2 + a * b + 1 - b, (), VARS)


# ----------------------------------------------------------------------------- vanishing
def _sample(verts, rng, k=6):
    """Rational convex combinations of the vertices: points of the (convex) region."""
    verts = sorted(verts)
    if not verts:
        return []
    out = list(verts)
    for _ in range(k):
        w = [Q(rng.randint(0, 5)) for _ in verts]
        t = sum(w) or Q(1)
        out.append(tuple(sum(wi * v[i] for wi, v in zip(w, verts)) / t for i in range(2)))
    return out


polys = st.tuples(small, small, small, small, small).map(
    lambda k: k[0] * a + k[1] * b + k[2] + k[3] * a * b + k[4] * (a - b) ** 2)


@settings(max_examples=60, deadline=None)
@given(polys, regions2, st.integers(0, 10**6))
def test_zero_evidence_decides_vanishing(p, region, seed):
    verts = _vertices_of(region, 2)
    holds, ev = zero_evidence(p, region, VARS)
    if not holds:
        assert satisfies(ev, region)
        assert p.xreplace(dict(zip(VARS, map(sympy.Rational, map(str, ev))))) != 0
        return
    assert ev["by"] in ("expand", "empty", "affine", "hull")
    if ev["by"] == "empty":
        assert not verts
    for pt in _sample(verts, random.Random(seed)):
        assert p.xreplace(dict(zip(VARS, map(sympy.Rational, map(str, pt))))) == 0


def test_zero_evidence_on_an_affine_hull():
    line = ((Q(1), Q(-1), Q(0)), (Q(-1), Q(1), Q(0)))  # a = b
    holds, ev = zero_evidence(a**2 - a * b, line, VARS)
    assert holds and ev["by"] == "hull"
    holds, ev = zero_evidence(a - b, line, VARS)
    assert holds and ev["by"] == "affine"
    for side in (ev["le"], ev["ge"]):  # a - b <= 0 and >= 0 by the multipliers
        assert all(Q(y) >= 0 for _, y in side)
    holds, pt = zero_evidence(a**2 - b, line, VARS)
    assert not holds and pt[0] == pt[1] and pt[0] ** 2 != pt[1]
    assert zero_evidence(sympy.Integer(0), (), VARS) == (True, {"by": "expand"})
