"""Evidence for the case analysis of :mod:`symbolic.identity.decide`, in the format that
:func:`symbolic.kernel.regions.check_zero_certificate` checks.

The prover works with *linear forms*: tuples of Fractions ``(c_1, ..., c_n, c_0)``
standing for ``c.x + c_0``; a region is a tuple of forms ``g``, meaning ``g <= 0``
for each. Every sign or emptiness decision is made by the exact simplex of
:mod:`symbolic.lp`, whose dual or Farkas vector becomes the evidence:

- ``_upper(f, region)`` is the exact maximum M of f with a multiplier vector y >= 0
  such that ``f - sum_i y_i g_i == M`` (so f <= M on the region);
- ``_farkas(region)`` is y >= 0 with ``sum_i y_i g_i`` a positive constant, or None
  when the region is non-empty;
- :func:`nonneg` proves ``d >= 0`` for a polynomial d (LP dual, or a factorisation
  whose odd factors have a proven sign), or names the linear form to split on;
- :func:`zero_evidence` proves that a polynomial vanishes on a region, or finds an
  exact rational point of the region where it does not.

Multiplier vectors are written sparsely, ``[[i, "p/q"], ...]`` with i indexing the
region's constraints in order.

>>> from fractions import Fraction as Q
>>> region = ((Q(-1), Q(0)),)          # -a <= 0, i.e. a >= 0
>>> _upper((Q(-1), Q(-2)), region)[::2]  # -a - 2 <= -2 there: -a - 2 - 1*(-a) = -2
(Fraction(-2, 1), [[0, 1]])
"""

from __future__ import annotations

import itertools
import math
from fractions import Fraction
from functools import lru_cache

import sympy

from symbolic.errors import DomainError
from symbolic.lp import Infeasible, simplex
from symbolic.numbers import rational, to_json_number

__all__ = ["Split", "form", "normal", "neg", "as_expr", "constraints", "nonneg", "zero_evidence", "farkas"]


class Split(Exception):
    """The sign of a difference is not constant on the region: split on the (normal) linear form."""

    def __init__(self, form):
        self.form = form


# ----------------------------------------------------------------------------- linear forms


@lru_cache(maxsize=65536)
def ev(expr):
    """Evaluated and expanded."""
    return sympy.expand(sympy.sympify(expr, strict=True).doit())


def form(expr, variables):
    """The linear form of an expression, or None when it is not affine."""
    terms = ev(expr).as_coefficients_dict()
    if not set(terms) <= set(variables) | {sympy.S.One}:
        return None
    return (tuple(rational(terms.get(v, sympy.S.Zero)) for v in variables)
            + (rational(terms.get(sympy.S.One, sympy.S.Zero)),))


def normal(f) -> tuple:
    """A positive multiple of a form with coprime integer entries (the same half-space)."""
    if not any(f[:-1]):
        return f
    lcm = math.lcm(*(x.denominator for x in f))
    g = math.gcd(*(int(x * lcm) for x in f))
    return tuple(x * lcm / g for x in f)


def neg(f) -> tuple:
    return tuple(-x for x in f)


def _rat(c):
    return sympy.Rational(c.numerator, c.denominator)


def as_expr(f, variables):
    return sympy.Add(*(_rat(c) * v for c, v in zip(f, variables)), _rat(f[-1]))


def constraints(region, variables) -> list:
    return [f"{as_expr(g, variables)} <= 0" for g in region]


def at(f, point) -> Fraction:
    return sum((c * x for c, x in zip(f, point)), f[-1])


def satisfies(point, region) -> bool:
    return all(at(g, point) <= 0 for g in region)


def as_dict(point, variables) -> dict:
    return {v: _rat(x) for v, x in zip(variables, point)}


def _sparse(y) -> list:
    return [[i, to_json_number(c)] for i, c in enumerate(y) if c != 0]


# ----------------------------------------------------------------------------- LP evidence


@lru_cache(maxsize=65536)
def _upper(f, region: tuple):
    """(max of f over the region or None if unbounded, a maximiser, multipliers y or None); raises Infeasible."""
    status, value, x, y = simplex(f[:-1], [g[:-1] for g in region], [-g[-1] for g in region])
    if value is None:
        return None, x, None
    return value + f[-1], x, _sparse(y)


def farkas(region, n):
    """Multipliers y >= 0 with sum y_i g_i a positive constant (the region is empty), or None."""
    try:
        _upper((Fraction(0),) * (n + 1), region)
    except Infeasible as e:
        return _sparse(e.farkas)
    return None


def _sign_form(f, region):
    """(+1, y) with f >= 0 on the region by y, or (-1, y) with f <= 0; raises Split."""
    lo = _upper(neg(f), region)
    if lo[0] is not None and lo[0] <= 0:
        return 1, lo[2]
    hi = _upper(f, region)
    if hi[0] is not None and hi[0] <= 0:
        return -1, hi[2]
    raise Split(normal(f))


def _even_sign(g, variables) -> int:
    """+1 / -1 when a polynomial has only even monomials, all coefficients of one sign; else 0."""
    poly = sympy.Poly(g, *variables)
    signs = {sympy.sign(c) for c in poly.coeffs()}
    if len(signs) == 1 and all(e % 2 == 0 for m in poly.monoms() for e in m):
        return int(signs.pop())
    return 0


def nonneg(d, region, variables):
    """(s, proof): s * d >= 0 on the region, with the kernel's proof of it; raises Split or DomainError.

    An affine d gets a multiplier vector; a non-linear d a factorisation whose odd-multiplicity
    factors each have a proven sign (affine, by multipliers; or even monomials of one sign).
    """
    d = ev(d)
    f = form(d, variables)
    if f is not None:
        return _sign_form(f, region)
    unit, factors = sympy.Poly(d, *variables).factor_list()
    factors = [(g.as_expr(), m) for g, m in factors]
    s, signs = (1 if unit > 0 else -1), []
    for g, m in factors:
        if m % 2 == 0:
            signs.append(None)
            continue
        fg = form(g, variables)
        if fg is not None:
            t, y = _sign_form(fg, region)
            signs.append({"sign": t, "y": y})
        else:
            t = _even_sign(g, variables)
            if t == 0:
                raise DomainError(
                    f"cannot decide the sign of the non-linear factor {g} of {d} on the region "
                    f"{constraints(region, variables)}; non-linear comparisons must factor into linear factors")
            signs.append({"sign": t, "by": "even"})
        s *= t
    return s, {"unit": to_json_number(s * unit), "factors": [[str(g), int(m)] for g, m in factors], "signs": signs}


# ----------------------------------------------------------------------------- vanishing


def _two_sided(f, region):
    """(y_le, y_ge) proving f <= 0 and f >= 0 on the region, or None."""
    hi, lo = _upper(f, region), _upper(neg(f), region)
    if hi[0] == 0 and lo[0] == 0:
        return hi[2], lo[2]
    return None


_NICE = (0, 1, -1, 2, -2)


def _nice_point(p, region, variables):
    """A point with small integer coordinates in the region where p != 0 (for readable counterexamples)."""
    if len(variables) > 4:
        return None
    for t in sorted(itertools.product(_NICE, repeat=len(variables)), key=lambda t: (sum(map(abs, t)), t)):
        pt = tuple(map(Fraction, t))
        if satisfies(pt, region) and p.xreplace(as_dict(pt, variables)) != 0:
            return pt
    return None


def zero_evidence(p, region, variables):
    """(True, evidence) that the polynomial p vanishes on the region, or (False, point) with p(point) != 0."""
    p = ev(p)
    if p == 0:
        return True, {"by": "expand"}
    n = len(variables)
    y = farkas(region, n)
    if y is not None:
        return True, {"by": "empty", "y": y}
    f = form(p, variables)
    if f is not None:
        both = _two_sided(f, region)
        if both is not None:
            return True, {"by": "affine", "le": both[0], "ge": both[1]}
        return False, _nice_point(p, region, variables) or _linear_witness(f, region, n)
    # non-linear: restrict to the affine hull (the implicit equalities g = 0), then expand
    eqs = [g for g in region if any(g[:-1]) and _upper(neg(g), region)[0] == 0]
    sub = {}
    if eqs:
        (sol,) = sympy.linsolve([as_expr(g, variables) for g in eqs], list(variables))
        sub = {v: e for v, e in zip(variables, sol) if e != v}
    p_red = sympy.expand(p.xreplace(sub))
    if p_red == 0:
        hull = []
        for v, e in sub.items():
            y_le, y_ge = _two_sided(form(v - e, variables), region)
            hull.append([str(v), str(e), y_le, y_ge])
        return True, {"by": "hull", "hull": hull}
    return False, _nice_point(p, region, variables) or _nonlinear_witness(p_red, sub, eqs, region, variables)


def _linear_witness(f, region, n):
    hi, lo = _upper(f, region), _upper(neg(f), region)
    n0 = (Fraction(0),) * (n + 1)
    if hi[0] is None:  # unbounded above: a point where f >= 1
        return _upper(n0, region + (neg(f[:-1]) + (1 - f[-1],),))[1]
    if hi[0] != 0:  # a maximiser, where f = hi != 0
        return hi[1]
    if lo[0] is None:  # unbounded below: a point where f <= -1
        return _upper(n0, region + (f[:-1] + (f[-1] + 1,),))[1]
    return lo[1]


def _nonlinear_witness(p_red, sub, eqs, region, variables):
    n = len(variables)
    # a relative-interior point: maximise t subject to g + t <= 0 (other constraints), -g <= 0 (equalities), t <= 1
    rest = [g for g in region if g not in eqs and any(g[:-1])]
    ext = tuple(g[:-1] + (Fraction(1),) + g[-1:] for g in rest)
    ext += tuple(neg(g[:-1]) + (Fraction(0), -g[-1]) for g in eqs) + tuple(g[:-1] + (Fraction(0), g[-1]) for g in eqs)
    ext += ((Fraction(0),) * n + (Fraction(1), Fraction(-1)),)
    tstar, xt, _ = _upper((Fraction(0),) * n + (Fraction(1), Fraction(0)), ext)
    x0 = xt[:n]
    y0 = {v: _rat(x) for v, x in zip(variables, x0) if v not in sub}
    lift = lambda y: tuple(rational(sub[v].xreplace(y)) if v in sub else rational(y[v])  # noqa: E731
                           for v in variables)
    if p_red.xreplace(y0) != 0:
        return lift(y0)
    # move along v = (1, m, m^(d+1), ...) (Kronecker), where the top-degree part of p_red is non-zero
    movers = sorted(p_red.free_symbols, key=variables.index)
    poly = sympy.Poly(p_red, *movers)
    d = poly.total_degree()
    top = sympy.Add(*(c * sympy.Mul(*(x**e for x, e in zip(movers, mono))) for mono, c in poly.terms()
                      if sum(mono) == d))
    m = 1
    while top.xreplace(direction := {x: sympy.Integer(m) ** ((d + 1) ** i) for i, x in enumerate(movers)}) == 0:
        m += 1
    step = lift({**y0, **{x: y0[x] + direction[x] for x in movers}})
    slope = max([abs(at(g, step) - at(g, x0)) for g in rest] + [Fraction(1)])
    for k in range(1, d + 2):
        s = sympy.Rational(tstar / (slope * k))
        y = {**y0, **{x: y0[x] + s * direction[x] for x in movers}}
        if p_red.xreplace(y) != 0:
            return lift(y)
    raise AssertionError("unreachable: a non-zero polynomial of degree d in s has at most d roots")
