"""Tests of symbolic/lp.py, the exact simplex (max c.x subject to A x <= b, x free).

Two routes: the simplex's answer against a brute-force enumeration of the vertices of tiny
polytopes (every n-subset of the constraints solved exactly by Fraction elimination); and every
certificate it returns (dual vector, Farkas vector, unbounded ray) re-checked here by plain
Fraction arithmetic, independently of the checks inside the module.
"""

from __future__ import annotations

import itertools
from fractions import Fraction as Q

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from symbolic.lp import Infeasible, simplex


# ----------------------------------------------------------------------------- an independent route
def _dot(u, v):
    return sum((Q(x) * Q(y) for x, y in zip(u, v)), Q(0))


def _solve(rows, rhs):
    """The unique solution of a square system by Gauss-Jordan elimination over Fractions, or None."""
    n = len(rows)
    M = [[Q(x) for x in r] + [Q(b)] for r, b in zip(rows, rhs)]
    for col in range(n):
        piv = next((i for i in range(col, n) if M[i][col] != 0), None)
        if piv is None:
            return None
        M[col], M[piv] = M[piv], M[col]
        M[col] = [x / M[col][col] for x in M[col]]
        for i in range(n):
            if i != col and M[i][col] != 0:
                f = M[i][col]
                M[i] = [x - f * y for x, y in zip(M[i], M[col])]
    return tuple(M[i][-1] for i in range(n))


def _feasible(A, b, x):
    return all(_dot(a, x) <= bi for a, bi in zip(A, b))


def _vertices(A, b):
    n = len(A[0])
    out = set()
    for idx in itertools.combinations(range(len(A)), n):
        x = _solve([A[i] for i in idx], [b[i] for i in idx])
        if x is not None and _feasible(A, b, x):
            out.add(x)
    return out


def _boxed(A, b, n, box):
    """The constraints with -box <= x_i <= box added: a polytope, so the optimum is at a vertex."""
    A = [list(map(Q, r)) for r in A]
    b = list(map(Q, b))
    for i in range(n):
        e = [Q(int(k == i)) for k in range(n)]
        A += [e, [-x for x in e]]
        b += [Q(box), Q(box)]
    return A, b


def _check_dual(c, A, b, value, y):
    assert len(y) == len(A)
    assert all(v >= 0 for v in y)
    assert all(_dot(y, [r[k] for r in A]) == c[k] for k in range(len(c)))  # A^T y = c
    assert _dot(y, b) == value  # weak duality met with equality: value is optimal


def _check_farkas(A, b, y):
    assert len(y) == len(A)
    assert all(v >= 0 for v in y)
    assert all(_dot(y, [r[k] for r in A]) == 0 for k in range(len(A[0])))
    assert _dot(y, b) < 0


# ----------------------------------------------------------------------------- hand-made LPs
def test_optimum_of_a_square():
    c, A, b = [Q(2), Q(-1)], [[Q(1), Q(0)], [Q(-1), Q(0)], [Q(0), Q(1)], [Q(0), Q(-1)]], [Q(3), Q(1), Q(5), Q(2)]
    status, value, x, y = simplex(c, A, b)
    assert status == "optimal"
    assert value == max(_dot(c, v) for v in _vertices(A, b)) == Q(8)  # x = (3, -2)
    assert _feasible(A, b, x) and _dot(c, x) == value
    _check_dual(c, A, b, value, y)


def test_negative_right_hand_sides_need_phase_one():
    # x >= 1, y >= 2, x + y <= 5: minimise x + y, i.e. maximise -(x + y)
    c, A, b = [Q(-1), Q(-1)], [[Q(-1), Q(0)], [Q(0), Q(-1)], [Q(1), Q(1)]], [Q(-1), Q(-2), Q(5)]
    status, value, x, y = simplex(c, A, b)
    assert (status, value) == ("optimal", Q(-3))
    _check_dual(c, A, b, value, y)


def test_infeasible_carries_a_farkas_vector():
    A, b = [[Q(1), Q(1)], [Q(-1), Q(0)], [Q(0), Q(-1)]], [Q(1), Q(-1), Q(-1)]  # x + y <= 1, x >= 1, y >= 1
    with pytest.raises(Infeasible) as e:
        simplex([Q(0), Q(0)], A, b)
    _check_farkas(A, b, e.value.farkas)
    assert _vertices(A, b) == set()


def test_unbounded_objective_gives_a_ray():
    A, b, c = [[Q(-1), Q(0)], [Q(0), Q(-1)]], [Q(0), Q(0)], [Q(1), Q(2)]  # the positive quadrant
    status, value, x, ray = simplex(c, A, b)
    assert status == "unbounded" and value is None
    assert _feasible(A, b, x)
    assert all(_dot(a, ray) <= 0 for a in A) and _dot(c, ray) > 0
    # moving along the ray stays feasible and raises the objective without bound
    for t in (1, 10, 1000):
        z = [xi + t * ri for xi, ri in zip(x, ray)]
        assert _feasible(A, b, z) and _dot(c, z) > _dot(c, x)


def test_free_variables_and_a_line_of_optima():
    # x free, only x - y <= 0 and y <= 4: maximise x -> 4 on the line x = y = 4 (a degenerate vertex)
    c, A, b = [Q(1), Q(0)], [[Q(1), Q(-1)], [Q(0), Q(1)]], [Q(0), Q(4)]
    status, value, x, y = simplex(c, A, b)
    assert (status, value) == ("optimal", Q(4))
    _check_dual(c, A, b, value, y)


def test_no_constraints():
    assert simplex([Q(0)], [], [])[:2] == ("optimal", Q(0))
    assert simplex([Q(1)], [], [])[0] == "unbounded"


def test_exact_rationals_are_kept():
    # 3x <= 1: max x = 1/3 exactly (a float would say 0.333...)
    status, value, x, y = simplex([Q(1)], [[Q(3)]], [Q(1)])
    assert value == Q(1, 3) and y == (Q(1, 3),)
    assert all(type(v) is Q for v in x + y)


# ----------------------------------------------------------------------------- random LPs
small = st.integers(-3, 3)


@st.composite
def lps(draw, max_n=3, max_m=4):
    n = draw(st.integers(1, max_n))
    m = draw(st.integers(0, max_m))
    A = [[Q(draw(small)) for _ in range(n)] for _ in range(m)]
    b = [Q(draw(st.integers(-4, 4))) for _ in range(m)]
    c = [Q(draw(small)) for _ in range(n)]
    return c, A, b


@settings(max_examples=120, deadline=None)
@given(lps(), st.integers(1, 3))
def test_bounded_lps_agree_with_vertex_enumeration(lp, box):
    c, A, b = lp
    A, b = _boxed(A, b, len(c), box)
    verts = _vertices(A, b)
    try:
        status, value, x, y = simplex(c, A, b)
    except Infeasible as e:
        assert verts == set()  # a polytope without vertices is empty
        _check_farkas(A, b, e.farkas)
        return
    assert status == "optimal"  # a polytope: never unbounded
    assert verts, "the simplex found a point of an empty polytope"
    assert value == max(_dot(c, v) for v in verts)
    assert _feasible(A, b, x) and _dot(c, x) == value
    _check_dual(c, A, b, value, y)


@settings(max_examples=120, deadline=None)
@given(lps())
def test_every_answer_carries_a_valid_certificate(lp):
    c, A, b = lp
    try:
        status, value, x, w = simplex(c, A, b)
    except Infeasible as e:
        _check_farkas(A, b, e.farkas)
        return
    assert _feasible(A, b, x)
    if status == "optimal":
        _check_dual(c, A, b, value, w)
        assert _dot(c, x) == value
    else:
        assert status == "unbounded"
        assert all(_dot(a, w) <= 0 for a in A) and _dot(c, w) > 0


@settings(max_examples=60, deadline=None)
@given(lps(max_n=2), st.integers(-3, 3))
def test_scaling_the_objective_scales_the_optimum(lp, k):
    c, A, b = lp
    A, b = _boxed(A, b, len(c), 2)
    try:
        v1 = simplex(c, A, b)[1]
    except Infeasible:
        return
    v2 = simplex([k * x for x in c], A, b)[1]
    if k >= 0:
        assert v2 == k * v1
    else:  # max of k c.x = k * min of c.x
        vmin = -simplex([-x for x in c], A, b)[1]
        assert v2 == k * vmin
