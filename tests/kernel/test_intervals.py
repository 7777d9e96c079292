"""Tests of symbolic/kernel/intervals.py: exact interval bounds on a box, Max/Min/Abs resolved on a
box, and arb enclosures of closed-form constants.

Second routes: exact values at sampled rational points of the box (they lie in the bounds;
the resolved expression equals the original there); sympy's own 60-digit evaluation of each
constant (it lies in the arb ball, widened by 10^-50).
"""

from __future__ import annotations

import random

import flint
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from symbolic.errors import CertificateError
from symbolic.kernel.intervals import _arb, interval, nonzero_constant, resolve_on_box

a, b, c = sympy.symbols("a b c")
R = sympy.Rational


def _points(box, rng, k=12):
    """Corners and random rational points of the box."""
    names = sorted(box)
    pts = [{n: box[n][rng.randint(0, 1)] for n in names} for _ in range(4)]
    for _ in range(k):
        pts.append({n: box[n][0] + (box[n][1] - box[n][0]) * R(rng.randint(0, 12), 12) for n in names})
    return pts


def _at(e, pt):
    return e.xreplace({sympy.Symbol(n): v for n, v in pt.items()})


boxes = st.tuples(*[st.tuples(st.integers(-4, 4), st.integers(0, 4))] * 3).map(
    lambda t: {n: (R(lo), R(lo + w)) for n, (lo, w) in zip("abc", t)})
leaves = st.sampled_from([a, b, c, R(2), R(-1, 3)])
polys = st.recursive(leaves, lambda ch: st.one_of(
    st.tuples(ch, ch).map(lambda t: t[0] + t[1]), st.tuples(ch, ch).map(lambda t: t[0] * t[1]),
    ch.map(lambda x: x**2), st.tuples(ch, ch).map(lambda t: sympy.Max(*t)),
    st.tuples(ch, ch).map(lambda t: sympy.Min(*t)),
    ch.map(sympy.Abs)), max_leaves=6)


@settings(max_examples=80, deadline=None)
@given(polys, boxes, st.integers(0, 10**6))
def test_interval_bounds_contain_every_value_on_the_box(e, box, seed):
    lo, hi = interval(e, box)
    assert lo <= hi
    for pt in _points(box, random.Random(seed)):
        assert lo <= _at(e, pt) <= hi


@given(st.tuples(*[st.integers(-3, 3)] * 4), boxes)
def test_interval_of_an_affine_form_is_attained_at_corners(k, box):
    e = k[0] * a + k[1] * b + k[2] * c + k[3]
    lo, hi = interval(sympy.expand(e), box)
    corners = [{"a": x, "b": y, "c": z} for x in box["a"] for y in box["b"] for z in box["c"]]
    vals = [_at(e, p) for p in corners]
    assert (lo, hi) == (min(vals), max(vals))


@settings(max_examples=80, deadline=None)
@given(polys, boxes, st.integers(0, 10**6))
def test_resolve_on_box_keeps_the_value_or_refuses(e, box, seed):
    try:
        r = resolve_on_box(e, box)
    except CertificateError as err:
        assert "not resolved" in str(err) or "changes" in str(err)
        return
    assert not r.has(sympy.Max, sympy.Min, sympy.Abs)
    for pt in _points(box, random.Random(seed)):
        assert _at(r, pt) == _at(e, pt)


def test_resolve_examples():
    box = {"a": (R(1), R(2)), "b": (R(-3), R(-1))}
    assert resolve_on_box(sympy.Max(a, b) + sympy.Abs(b), box) == a - b
    assert resolve_on_box(sympy.Min(a, b, 0), box) == b
    with pytest.raises(CertificateError, match="not resolved"):
        resolve_on_box(sympy.Max(a, 3 * a - 4), box)  # equal at a = 2 only, but neither dominates on the box
    with pytest.raises(CertificateError, match="changes"):
        resolve_on_box(sympy.Abs(a - R(3, 2)), box)
    with pytest.raises(CertificateError, match="no interval"):
        interval(c, box)
    with pytest.raises(CertificateError, match="cannot bound"):
        interval(sympy.exp(a), box)


# exp(1) itself is left out: sympy turns it into the NumberSymbol E, which _arb does not enclose (see the report)
CONSTANTS = [sympy.exp(2), sympy.tanh(R(1, 3)) - R(1, 3), sympy.exp(-2) * 7 - 1,
             sympy.tanh(sympy.tanh(1)) - sympy.tanh(1),
             sympy.Max(sympy.exp(R(3, 2)), 3) - sympy.Abs(sympy.tanh(-2)), sympy.Min(sympy.exp(R(1, 2)), R(5, 3)) ** 3,
             1 / (1 + sympy.exp(-1)) - R(3, 4), (sympy.exp(-1) - R(1, 3)) ** -2,
             sympy.exp(R(-7, 3)) - sympy.tanh(R(1, 10))]


@pytest.mark.parametrize("e", CONSTANTS, ids=str)
def test_arb_enclosures_contain_sympys_value(e):
    old = flint.ctx.prec
    try:
        flint.ctx.prec = 256
        ball = _arb(e)
        v = sympy.N(e, 60)
        ref = flint.arb(str(v)) + flint.arb(0, flint.arb("1e-50"))  # sympy's value +- 10^-50
        assert ball.overlaps(ref)
        assert ball.rad() < flint.arb("1e-60")  # and the ball is tight
    finally:
        flint.ctx.prec = old
    assert nonzero_constant(e) is bool(abs(v) > sympy.Float("1e-40"))


def test_nonzero_constant_exact_and_undecided():
    assert nonzero_constant(R(1, 3)) and not nonzero_constant(sympy.Integer(0))
    t = sympy.tanh(R(1, 2))
    e = (t + 1) ** 2 - t**2 - 2 * t - 1  # 0, unsimplified: the ball contains 0, so nothing is claimed
    assert not e.is_Rational and nonzero_constant(e) is False
    with pytest.raises(CertificateError, match="not a constant"):
        nonzero_constant(a + 1)
    with pytest.raises(CertificateError, match="cannot enclose"):
        nonzero_constant(sympy.sin(1))
    assert flint.ctx.prec == 53  # the precision is restored


# ----------------------------------------------------------------------------- exp(1) is the constant E in sympy
def test_exp_one_is_enclosed():
    import sympy

    from symbolic.kernel.intervals import nonzero_constant

    assert nonzero_constant(sympy.exp(1) - 3) and nonzero_constant(sympy.E - sympy.Rational(2718281, 1000000))


def test_sigmoid_counterexample_at_minus_one_is_accepted_by_both_routes():
    # pooled_fixed of sigmoid/sum fails at a = b = -1: sigmoid(2 s) != 2 s with s = 1/(1 + e) ~ 0.269
    import sympy

    from symbolic.kernel.law import check_law, law_sides
    from symbolic.identity.operator_laws import _enclose

    check_law("sigmoid", "sum", "pooled_fixed", False, {"kind": "counterexample", "point": {"a": -1, "b": -1}})
    lhs, rhs, variables = law_sides("sigmoid", "sum", "pooled_fixed")
    env = {v: sympy.Integer(-1) for v in variables}
    left, right = _enclose(lhs.xreplace(env), {}), _enclose(rhs.xreplace(env), {})  # the prover's arb route
    assert left.upper() < right.lower() or right.upper() < left.lower()
