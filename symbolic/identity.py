"""Exact decision of identities of piecewise-linear and polynomial expressions.

This is the ``identity`` certificate kind of design.md section 3: a sympy
expression built from ``+``, ``*``, rational constants, non-negative integer
powers, ``Max``, ``Min``, ``Abs`` and continuous ``Piecewise`` with linear
conditions is *proved* to vanish on R^n (or on a closed polyhedron) by case
analysis over the sign and order regions of its non-smooth nodes, or *refuted*
by an exact rational point where it is non-zero.

Method
------
Repeatedly take an innermost non-smooth node (one whose arguments contain no
``Max``/``Min``/``Abs``/``Piecewise``) and decide, on the current region, the
sign of the difference that resolves it (``u - v`` for ``Max(u, v, ...)``,
``u`` for ``Abs(u)``, the condition for ``Piecewise``). The sign is decided by
exact linear programming (a small simplex over Fractions whose every answer
is checked by a dual, Farkas or ray certificate) for a linear difference, and for a polynomial one through its factorisation over Q
(every odd-multiplicity factor must be linear, or of constant sign with only
even monomials). When the sign is not constant, the region is split into the
two *closed* half-spaces ``f >= 0`` and ``f <= 0`` of a linear form ``f``; both
halves are exact, because ``Max(u, v) = u`` holds on the closed set
``u - v >= 0`` (ties included). At a leaf the expression is a polynomial ``p``:
it vanishes on the region iff

- ``expand(p) == 0``, or
- ``p`` is linear and its exact LP maximum and minimum over the region are 0
  (this also handles lower-dimensional regions), or
- ``p`` is non-linear and ``p`` restricted to the affine hull of the region
  (found by exact LP: the implicit equalities) expands to 0.

Otherwise an exact rational point of the region with ``p != 0`` is produced
(an LP vertex, or a relative-interior point moved along a Kronecker direction)
and re-verified by exact substitution into the *original* expression.

A ``Piecewise`` split is exact only if its two branches agree on the boundary
``f = 0``; this is checked (on the current region) and a discontinuous
``Piecewise`` is refused. Floats never decide anything.

References
----------
design.md section 3 (the identity certificate); paper-notes D5, D6 (the
operators g(a, b) = P(sigma(a), sigma(b)) whose laws are decided this way,
see :mod:`symbolic.laws`).

>>> import sympy
>>> a, b = sympy.symbols("a b", real=True)
>>> prove_zero(sympy.Max(a, b) + sympy.Min(a, b) - a - b, [a, b]).holds
True
>>> r = prove_zero(sympy.Max(a, b) - a, [a, b])
>>> r.holds, r.counterexample["value"]
(False, 1)
"""

from __future__ import annotations

import itertools
import math
import re
from fractions import Fraction
from dataclasses import dataclass, field
from functools import lru_cache

import sympy
from sympy.functions.elementary.piecewise import ExprCondPair

from .errors import CertificateError, DomainError
from .lp import Infeasible as _Infeasible, simplex as _simplex
from .numbers import to_json_number

__all__ = [
    "IdentityResult",
    "prove_zero",
    "check_identity_certificate",
    "check_counterexample",
]

_NONSMOOTH = (sympy.Max, sympy.Min, sympy.Abs, sympy.Piecewise)
_ALLOWED = "+, *, rational constants, non-negative integer powers, Max, Min, Abs and Piecewise with linear conditions"


@dataclass(frozen=True)
class IdentityResult:
    """The decision of :func:`prove_zero`.

    Attributes
    ----------
    holds : bool
        True iff the expression vanishes on the whole region.
    regions : int
        Number of leaf regions examined (all of them when ``holds``).
    certificate : dict or None
        When ``holds``: JSON data listing every leaf region (constraints
        ``f <= 0`` as strings), its leaf polynomial and the split tree;
        re-checked by :func:`check_identity_certificate`.
    counterexample : dict or None
        When not ``holds``: an exact point (``{"a": "1/2", ...}``), the exact
        non-zero value of the original expression there, and the leaf region.
    """

    holds: bool
    regions: int
    certificate: dict | None = field(default=None, hash=False)
    counterexample: dict | None = field(default=None, hash=False)

    def to_dict(self) -> dict:
        """JSON-serializable form.

        >>> a = sympy.Symbol("a")
        >>> prove_zero(sympy.Abs(a) - sympy.Max(a, -a), [a]).to_dict()["holds"]
        True
        """
        return {
            "holds": self.holds,
            "regions": self.regions,
            "certificate": self.certificate,
            "counterexample": self.counterexample,
        }


# ----------------------------------------------------------------------------- validation


def _variables(variables) -> tuple:
    vs = tuple(sympy.sympify(v) for v in variables)
    for i, v in enumerate(vs):
        if not isinstance(v, sympy.Symbol):
            raise DomainError(f"variables[{i}]={v!r}: expected a sympy Symbol")
    if len(set(vs)) != len(vs):
        raise DomainError(f"variables={list(vs)!r}: expected distinct symbols")
    return vs


_OK_NODES = (sympy.Symbol, sympy.Rational, sympy.Add, sympy.Mul, ExprCondPair, sympy.Le, sympy.Lt, sympy.Ge,
             sympy.Gt, sympy.logic.boolalg.BooleanTrue, sympy.logic.boolalg.BooleanFalse) + _NONSMOOTH


def _validate(expr, variables, what="expr"):
    expr = sympy.sympify(expr)
    extra = expr.free_symbols - set(variables)
    if extra:
        raise DomainError(
            f"{what}={expr}: symbols {sorted(map(str, extra))} are not among variables={list(map(str, variables))}"
        )
    for node in sympy.preorder_traversal(expr):
        if isinstance(node, sympy.Float):
            raise DomainError(f"{what}={expr}: contains the float {node}; floats are refused, use exact rationals")
        if isinstance(node, sympy.Pow):
            if not (isinstance(node.exp, sympy.Integer) and node.exp >= 0):
                raise DomainError(f"{what}={expr}: power {node} has exponent {node.exp}; allowed: {_ALLOWED}")
        elif not isinstance(node, _OK_NODES):
            raise DomainError(f"{what}={expr}: {type(node).__name__} node {node} is not supported; allowed: {_ALLOWED}")
    return expr


# ----------------------------------------------------------------------------- linear forms
#
# A linear form is a tuple of Fractions (c_1, ..., c_n, c_0) over the variables,
# standing for c.x + c_0; a region is a tuple of forms l, meaning l <= 0 for each.


@lru_cache(maxsize=65536)
def _ev(expr):
    """Evaluated and expanded: the case analysis substitutes with evaluation off, so re-evaluate first."""
    return sympy.expand(sympy.sympify(expr).doit())


def _q(x) -> Fraction:
    return Fraction(int(x.p), int(x.q))


def _form(expr, variables):
    """The linear form of an (expanded) expression, or None when it is not linear."""
    terms = _ev(expr).as_coefficients_dict()
    if not set(terms) <= set(variables) | {sympy.S.One}:
        return None
    return tuple(_q(terms.get(v, sympy.S.Zero)) for v in variables) + (_q(terms.get(sympy.S.One, sympy.S.Zero)),)


def _normal(f) -> tuple:
    """A positive multiple of a form with coprime integer entries (the same half-space)."""
    if not any(f[:-1]):
        return f
    lcm = math.lcm(*(x.denominator for x in f))
    g = math.gcd(*(int(x * lcm) for x in f))
    return tuple(x * lcm / g for x in f)


def _neg(f) -> tuple:
    return tuple(-x for x in f)


def _expr(f, variables):
    return sympy.Add(*(sympy.Rational(c.numerator, c.denominator) * v for c, v in zip(f, variables)),
                     sympy.Rational(f[-1].numerator, f[-1].denominator))


def _constraints(region, variables) -> list:
    return [f"{_expr(l, variables)} <= 0" for l in region]


def _at(f, point) -> Fraction:
    return sum((c * x for c, x in zip(f, point)), f[-1])


def _satisfies(point, region) -> bool:
    return all(_at(l, point) <= 0 for l in region)


def _as_dict(point, variables) -> dict:
    return {v: sympy.Rational(x.numerator, x.denominator) for v, x in zip(variables, point)}


def _parse_region(region, variables) -> tuple:
    out = []
    for i, rel in enumerate(region):
        rel = sympy.sympify(rel)
        if isinstance(rel, (sympy.Lt, sympy.Gt)):
            raise DomainError(
                f"region[{i}]={rel}: strict inequalities are not allowed; the region is a closed polyhedron (use <= or >=)"
            )
        if isinstance(rel, sympy.Le):
            exprs = [rel.lhs - rel.rhs]
        elif isinstance(rel, sympy.Ge):
            exprs = [rel.rhs - rel.lhs]
        elif isinstance(rel, sympy.Eq):
            exprs = [rel.lhs - rel.rhs, rel.rhs - rel.lhs]
        elif rel is sympy.true:
            continue
        else:
            raise DomainError(f"region[{i}]={rel}: expected a linear inequality such as a - 1 <= 0")
        for e in exprs:
            _validate(e, variables, f"region[{i}]")
            f = None if e.has(*_NONSMOOTH) else _form(e, variables)
            if f is None:
                raise DomainError(f"region[{i}]={rel}: expected a linear inequality such as a - 1 <= 0")
            out.append(_normal(f))
    return tuple(out)


@lru_cache(maxsize=65536)
def _lp(f, region: tuple, sense: str):
    """Exact max (sense="max") or min of the form f over the region: (value, point).

    value is None when unbounded in that direction; raises _Infeasible when the region is empty.
    """
    c = f[:-1] if sense == "max" else _neg(f[:-1])
    status, value, x = _simplex(c, [l[:-1] for l in region], [-l[-1] for l in region])
    if value is not None:
        value = (value if sense == "max" else -value) + f[-1]
    return value, x


def _feasible(region, n):
    try:
        return _lp((Fraction(0),) * (n + 1), region, "max")[1]
    except _Infeasible:
        return None


# ----------------------------------------------------------------------------- signs


class _Split(Exception):
    """Internal: the sign of a difference is not constant on the region; split on the form."""

    def __init__(self, form):
        self.form = form


def _sign_form(f, region) -> int:
    if not any(f[:-1]):
        return 1 if f[-1] >= 0 else -1
    lo = _lp(f, region, "min")[0]
    if lo is not None and lo >= 0:
        return 1
    hi = _lp(f, region, "max")[0]
    if hi is not None and hi <= 0:
        return -1
    raise _Split(_normal(f))


def _definite_sign(f, variables) -> int:
    """+1 / -1 when a polynomial is obviously of constant sign (only even monomials, one coefficient sign)."""
    poly = sympy.Poly(f, *variables)
    signs = {sympy.sign(c) for c in poly.coeffs()}
    if len(signs) == 1 and all(e % 2 == 0 for m in poly.monoms() for e in m):
        return int(signs.pop())
    return 0


def _sign(p, region, variables) -> int:
    """+1 if p >= 0 on the region, -1 if p <= 0; raises _Split(form) when a linear form must split it.

    Raises DomainError when a non-linear factor of undecided sign occurs.
    """
    p = _ev(p)
    f = _form(p, variables)
    if f is not None:
        return _sign_form(f, region)
    coeff, factors = sympy.factor_list(p, *variables)
    s = 1 if coeff > 0 else -1
    for g, mult in factors:
        if mult % 2 == 0:
            continue
        f = _form(g, variables)
        d = _sign_form(f, region) if f is not None else _definite_sign(g, variables)
        if d == 0:
            raise DomainError(
                f"cannot decide the sign of the non-linear factor {g} of {p} on the region "
                f"{_constraints(region, variables)}; non-linear comparisons must factor into linear factors"
            )
        s *= d
    return s


# ----------------------------------------------------------------------------- leaves

_NICE = (0, 1, -1, 2, -2)


def _nice_point(p, region, variables):
    """A point with small integer coordinates in the region where p != 0 (for readable counterexamples)."""
    if len(variables) > 4:
        return None
    for t in sorted(itertools.product(_NICE, repeat=len(variables)), key=lambda t: (sum(map(abs, t)), t)):
        pt = tuple(map(Fraction, t))
        if _satisfies(pt, region) and p.xreplace(_as_dict(pt, variables)) != 0:
            return pt
    return None


def _vanishes_on(p, region, variables):
    """Decide whether the polynomial p vanishes on the polyhedron: (True, how) or (False, point)."""
    p = _ev(p)
    if p == 0:
        return True, "expand"
    n = len(variables)
    x0 = _feasible(region, n)
    if x0 is None:
        return True, "empty"
    f = _form(p, variables)
    if f is not None:
        hi, lo = _lp(f, region, "max")[0], _lp(f, region, "min")[0]
        if hi == 0 and lo == 0:
            return True, "lp"
        nice = _nice_point(p, region, variables)
        if nice is not None:
            return False, nice
        n0 = (Fraction(0),) * (n + 1)
        if hi is None:  # unbounded above: a point where f >= 1
            return False, _lp(n0, region + (_neg(f[:-1]) + (1 - f[-1],),), "max")[1]
        if hi != 0:  # a maximiser, where f = hi != 0
            return False, _lp(f, region, "max")[1]
        if lo is None:  # unbounded below: a point where f <= -1
            return False, _lp(n0, region + (f[:-1] + (f[-1] + 1,),), "max")[1]
        return False, _lp(f, region, "min")[1]
    # non-linear: restrict to the affine hull (the implicit equalities l = 0), then expand
    eqs = [l for l in region if any(l[:-1]) and _lp(l, region, "min")[0] == 0]
    sub = {}
    if eqs:
        (sol,) = sympy.linsolve([_expr(l, variables) for l in eqs], list(variables))
        sub = {v: e for v, e in zip(variables, sol) if e != v}
    p_red = sympy.expand(p.xreplace(sub))
    if p_red == 0:
        return True, "affine-hull"
    nice = _nice_point(p, region, variables)
    if nice is not None:
        return False, nice
    # a relative-interior point: maximise t subject to l + t <= 0 (other constraints), -l <= 0 (equalities), t <= 1
    rest = [l for l in region if l not in eqs and any(l[:-1])]
    ext = tuple(l[:-1] + (Fraction(1),) + l[-1:] for l in rest)
    ext += tuple(_neg(l[:-1]) + (Fraction(0), -l[-1]) for l in eqs) + tuple(l[:-1] + (Fraction(0), l[-1]) for l in eqs)
    ext += ((Fraction(0),) * n + (Fraction(1), Fraction(-1)),)
    tstar, xt = _lp((Fraction(0),) * n + (Fraction(1), Fraction(0)), ext, "max")
    x0 = xt[:n]
    y0 = {v: sympy.Rational(x.numerator, x.denominator) for v, x in zip(variables, x0) if v not in sub}
    lift = lambda y: tuple(_q(sub[v].xreplace(y)) if v in sub else _q(y[v]) for v in variables)
    if p_red.xreplace(y0) != 0:
        return False, lift(y0)
    # move along v = (1, m, m^(d+1), ...) (Kronecker), where the top-degree part of p_red is non-zero
    movers = sorted(p_red.free_symbols, key=variables.index)
    poly = sympy.Poly(p_red, *movers)
    d = poly.total_degree()
    top = sympy.Add(*(c * sympy.Mul(*(x**e for x, e in zip(movers, mono))) for mono, c in poly.terms() if sum(mono) == d))
    m = 1
    while top.xreplace(direction := {x: sympy.Integer(m) ** ((d + 1) ** i) for i, x in enumerate(movers)}) == 0:
        m += 1
    step = lift({**y0, **{x: y0[x] + direction[x] for x in movers}})
    slope = max([abs(_at(l, step) - _at(l, x0)) for l in rest] + [Fraction(1)])
    for k in range(1, d + 2):
        s = sympy.Rational(tstar / (slope * k))
        y = {**y0, **{x: y0[x] + s * direction[x] for x in movers}}
        if p_red.xreplace(y) != 0:
            return False, lift(y)
    raise AssertionError("unreachable: a non-zero polynomial of degree d in s has at most d roots")


# ----------------------------------------------------------------------------- resolution of one node


def _innermost(expr):
    for node in sympy.postorder_traversal(expr):
        if isinstance(node, _NONSMOOTH) and not any(arg.has(*_NONSMOOTH) for arg in node.args):
            return node
    return None


def _piecewise_tail(node, variables):
    """(e_prev, q, e_last) of the last two branches, e_prev applying where q >= 0 (q a form)."""
    pairs = node.args
    if pairs[-1].cond is not sympy.true:
        raise DomainError(f"Piecewise {node} has no final (expr, True) branch, so it is not defined everywhere")
    if len(pairs) == 1:
        return None, None, pairs[0].expr
    e_prev, cond = pairs[-2].expr, pairs[-2].cond
    if isinstance(cond, (sympy.Gt, sympy.Ge)):
        q = _form(cond.lhs - cond.rhs, variables)
    elif isinstance(cond, (sympy.Lt, sympy.Le)):
        q = _form(cond.rhs - cond.lhs, variables)
    else:
        raise DomainError(f"Piecewise condition {cond} is not supported; expected a single linear inequality")
    if q is None:
        raise DomainError(f"Piecewise condition {cond} is not linear; allowed: {_ALLOWED}")
    return e_prev, q, pairs[-1].expr


def _check_continuous(node, e_prev, q, e_last, region, variables):
    if not _vanishes_on(e_prev - e_last, region + (q, _neg(q)), variables)[0]:
        raise DomainError(
            f"Piecewise {node} is discontinuous on {_expr(q, variables)} = 0 (branches {e_prev} and {e_last} "
            "differ there); only continuous Piecewise is supported"
        )


def _rebuild(kind, args):
    """A Max/Min/Piecewise of fewer arguments, left unevaluated (sympy's Max simplification is slow)."""
    if len(args) == 1:
        return args[0][0] if kind is sympy.Piecewise else args[0]
    return kind(*args, evaluate=False)


def _substitute(expr, node, value):
    with sympy.evaluate(False):
        return expr.xreplace({node: value})


def _resolve(node, region, variables):
    """The value of an innermost node on the region and the fact (u, v), u >= v, used; may raise _Split."""
    if isinstance(node, sympy.Abs):
        (u,) = node.args
        return (u, (u, 0)) if _sign(u, region, variables) > 0 else (-u, (0, u))
    if isinstance(node, (sympy.Max, sympy.Min)):
        if len(node.args) == 1:
            return node.args[0], None
        u, v = node.args[0], node.args[1]
        big, small = (u, v) if _sign(u - v, region, variables) > 0 else (v, u)
        drop = small if isinstance(node, sympy.Max) else big
        return _rebuild(type(node), [w for w in node.args if w is not drop]), (big, small)
    e_prev, q, e_last = _piecewise_tail(node, variables)
    if q is None:
        return e_last, None
    s = _sign_form(q, region)
    _check_continuous(node, e_prev, q, e_last, region, variables)
    qe = _expr(q, variables)
    chosen, fact = (e_prev, (qe, 0)) if s > 0 else (e_last, (0, qe))
    return _rebuild(sympy.Piecewise, node.args[:-2] + ((chosen, True),)), fact


# ----------------------------------------------------------------------------- the prover


class _Found(Exception):
    def __init__(self, info):
        self.info = info


@dataclass
class _State:
    variables: tuple
    budget: int
    original: object
    total: int = 1
    leaves: list = field(default_factory=list)


def _prove(expr, region, facts, st):
    while (node := _innermost(expr)) is not None:
        try:
            value, fact = _resolve(node, region, st.variables)
        except _Split as split:
            st.total += 1
            if st.total > st.budget:
                left = sum(1 for n in sympy.preorder_traversal(expr) if isinstance(n, _NONSMOOTH))
                raise DomainError(
                    f"max_regions={st.budget}: the case analysis needs more than {st.budget} regions "
                    f"({st.total} so far, {len(st.leaves)} finished, {left} non-smooth nodes left in the current "
                    "branch); raise max_regions or simplify the expression"
                ) from None
            f = split.form
            ge = _prove(expr, region + (_neg(f),), list(facts), st)
            le = _prove(expr, region + (f,), list(facts), st)
            return {"split": str(_expr(f, st.variables)), "ge": ge, "le": le}
        expr = _substitute(expr, node, value)
        if fact is not None:
            facts.append(fact)
    leaf = _ev(expr)
    ok, how = _vanishes_on(leaf, region, st.variables)
    if not ok:
        point = _as_dict(how, st.variables)
        value = st.original.xreplace(point)
        if not (value.is_Rational and value != 0 and _satisfies(how, region)):
            raise AssertionError(f"bug: the counterexample {point} does not verify (value {value})")
        raise _Found({
            "point": {str(v): to_json_number(point[v]) for v in st.variables},
            "value": to_json_number(value),
            "region": _constraints(region, st.variables),
            "leaf": str(leaf),
        })
    st.leaves.append({"constraints": _constraints(region, st.variables), "leaf": str(leaf), "method": how,
                      "facts": [[str(u), str(v)] for u, v in facts]})
    return {"region": len(st.leaves) - 1}


def prove_zero(expr, variables, *, region=(), max_regions: int = 4096) -> IdentityResult:
    """Decide exactly whether ``expr`` vanishes identically on R^n or on a closed polyhedron.

    Parameters
    ----------
    expr : sympy expression
        Built from ``+``, ``*``, rational constants, non-negative integer
        powers, ``Max``, ``Min``, ``Abs`` and continuous ``Piecewise`` with
        linear conditions. Comparisons inside ``Max``/``Min`` may be
        non-linear if they factor into linear factors (``a**2 - b**2``).
    variables : sequence of sympy Symbols
        The coordinates of R^n; every free symbol of ``expr`` must be one.
    region : sequence of sympy relations, optional
        Closed linear inequalities (``a - 1 <= 0``, ``b >= 0``, ``Eq(a, b)``)
        defining the polyhedron; empty means R^n.
    max_regions : int
        Budget of leaf regions of the case analysis.

    Returns
    -------
    IdentityResult
        ``holds`` with a certificate (re-checkable by
        :func:`check_identity_certificate`), or a counterexample point whose
        exact value in the original expression is non-zero.

    Raises
    ------
    DomainError
        For unsupported nodes, floats, unknown symbols, strict or non-linear
        region constraints, discontinuous ``Piecewise``, comparisons whose sign
        cannot be decided, or when more than ``max_regions`` regions are needed.

    Notes
    -----
    Exact throughout: the LPs are solved by a small simplex over Fractions
    whose answers are each checked by a dual, Farkas or ray certificate
    (sympy 1.14's ``lpmax`` was not used: it is slow here and returns wrong
    answers on some infeasible LPs, sympy/sympy#28089). See the module
    docstring for the method, design.md section 3 for the certificate.

    Examples
    --------
    >>> a, b = sympy.symbols("a b")
    >>> r = prove_zero(sympy.Max(a, 0) - sympy.Max(-a, 0) - a, [a])
    >>> r.holds, r.regions
    (True, 2)
    >>> prove_zero(sympy.Max(a, b) - b, [a, b], region=[a - b <= 0]).holds
    True
    """
    variables = _variables(variables)
    expr = _validate(expr, variables)
    if not isinstance(max_regions, int) or isinstance(max_regions, bool) or max_regions < 1:
        raise DomainError(f"max_regions={max_regions!r}: expected a positive int")
    start = _parse_region(region, variables)
    st = _State(variables, max_regions, expr)
    base = {"kind": "identity", "expr": str(expr), "variables": [str(v) for v in variables],
            "region": _constraints(start, variables)}
    if _feasible(start, len(variables)) is None:
        return IdentityResult(True, 0, {**base, "tree": {"empty": True}, "regions": []})
    try:
        tree = _prove(expr, start, [], st)
    except _Found as found:
        return IdentityResult(False, len(st.leaves) + 1, None, found.info)
    return IdentityResult(True, len(st.leaves), {**base, "tree": tree, "regions": st.leaves})


# ----------------------------------------------------------------------------- the checker


def _fail(msg):
    raise CertificateError(f"identity certificate: {msg}")


def _parse(text, variables, what):
    if not isinstance(text, str) or re.search(r"\d\.|\.\d", text):
        _fail(f"{what}={text!r} is not an exact expression string")
    return _parse_str(text, variables, what)


@lru_cache(maxsize=65536)
def _parse_str(text, variables, what):
    try:
        e = sympy.sympify(text, locals={str(v): v for v in variables})
    except (sympy.SympifyError, SyntaxError, TypeError):
        _fail(f"{what}={text!r} does not parse")
    if e.atoms(sympy.Float):
        _fail(f"{what}={text!r} contains a float")
    return e


def _parse_form(text, variables, what):
    f = _form(_parse(text, variables, what), variables)
    if f is None:
        _fail(f"{what}={text!r} is not a linear form")
    return _normal(f)


@lru_cache(maxsize=65536)
def _safe_sign(p, region, variables) -> int:
    try:
        return _sign(p, region, variables)
    except (_Split, DomainError):
        return 0


def _check_leaf(expr, region, facts, variables):
    """Resolve the original expression on the region afresh, then check that it vanishes there."""
    graph = {}
    for u, v in facts:
        if _safe_sign(u - v, region, variables) != 1:
            _fail(f"the fact {u} >= {v} does not hold on {_constraints(region, variables)}")
        graph.setdefault(_ev(u), set()).add(_ev(v))

    def ge(x, y):  # x >= y on the region: decided directly, or by a chain of verified facts
        x, y = _ev(x), _ev(y)
        if x == y or _safe_sign(x - y, region, variables) == 1:
            return True
        seen, todo = {x}, [x]
        while todo:
            for z in graph.get(todo.pop(), ()):
                if z == y:
                    return True
                if z not in seen:
                    seen.add(z)
                    todo.append(z)
        return False

    while (node := _innermost(expr)) is not None:
        if isinstance(node, sympy.Abs):
            (u,) = node.args
            value = u if ge(u, 0) else -u if ge(0, u) else None
        elif isinstance(node, (sympy.Max, sympy.Min)):
            better = ge if isinstance(node, sympy.Max) else (lambda x, y: ge(y, x))
            value = next((u for u in node.args if all(better(u, w) for w in node.args if w is not u)), None)
        else:
            e_prev, q, e_last = _piecewise_tail(node, variables)
            value = e_last
            if q is not None:
                qe = _expr(q, variables)
                pick = e_prev if ge(qe, 0) else e_last if ge(0, qe) else None
                if pick is not None:
                    _check_continuous(node, e_prev, q, e_last, region, variables)
                value = None if pick is None else _rebuild(sympy.Piecewise, node.args[:-2] + ((pick, True),))
        if value is None:
            _fail(f"the node {node} is not resolved on the region {_constraints(region, variables)}")
        expr = _substitute(expr, node, value)
    if not _vanishes_on(expr, region, variables)[0]:
        _fail(f"the expression is {_ev(expr)} on {_constraints(region, variables)}, not 0")


def check_identity_certificate(expr, variables, certificate, *, region=()) -> bool:
    """Re-check an identity certificate of :func:`prove_zero` by an independent walk.

    Coverage is structural: every split of the recorded tree has both closed
    halves ``f >= 0`` and ``f <= 0``, and an ``empty`` node must be infeasible.
    At each leaf the *original* expression is resolved afresh (each non-smooth
    node by a sign decided on the leaf region, or by a chain of the recorded
    order facts, each re-verified on that region) and the resulting polynomial
    is shown to vanish on the region (expansion, or exact LP).

    Parameters
    ----------
    expr, variables, region
        The claim, as given to :func:`prove_zero`.
    certificate : dict
        ``IdentityResult.certificate`` (JSON data).

    Returns
    -------
    bool
        True; a failed check raises.

    Raises
    ------
    CertificateError
        Naming the check that failed.

    Examples
    --------
    >>> a, b = sympy.symbols("a b")
    >>> e = sympy.Max(a, b) + sympy.Min(a, b) - a - b
    >>> check_identity_certificate(e, [a, b], prove_zero(e, [a, b]).certificate)
    True
    >>> check_identity_certificate(e + 1, [a, b], prove_zero(e, [a, b]).certificate)
    Traceback (most recent call last):
    ...
    symbolic.errors.CertificateError: identity certificate: expr=... does not match the claim ...
    """
    variables = _variables(variables)
    expr = _validate(expr, variables)
    if not isinstance(certificate, dict) or certificate.get("kind") != "identity":
        _fail(f"expected a dict with kind='identity', got {certificate!r:.60}")
    claimed = _parse(certificate.get("expr", ""), variables, "expr")
    if sympy.expand(claimed - expr) != 0:
        _fail(f"expr={claimed} does not match the claim {expr}")
    start = _parse_region(region, variables)
    recorded = {_parse_form(c.removesuffix(" <= 0"), variables, "region") for c in certificate.get("region", [])}
    if recorded != set(start):
        _fail(f"region={certificate.get('region')} does not match the claim {_constraints(start, variables)}")
    leaves, used = certificate.get("regions", []), []

    def walk(node, reg):
        if not isinstance(node, dict):
            _fail(f"malformed tree node {node!r:.60}")
        if "empty" in node:
            if _feasible(reg, len(variables)) is not None:
                _fail(f"the region {_constraints(reg, variables)} is marked empty but is feasible")
        elif "split" in node:
            f = _parse_form(node["split"], variables, "split")
            walk(node.get("ge"), reg + (_neg(f),))
            walk(node.get("le"), reg + (f,))
        elif "region" in node:
            i = node["region"]
            if not (isinstance(i, int) and 0 <= i < len(leaves)):
                _fail(f"leaf index {i!r} out of range")
            used.append(i)
            facts = [(_parse(u, variables, "fact"), _parse(v, variables, "fact")) for u, v in leaves[i].get("facts", [])]
            _check_leaf(expr, reg, facts, variables)
        else:
            _fail(f"malformed tree node {node!r:.60}")

    walk(certificate.get("tree"), start)
    if sorted(used) != list(range(len(leaves))):
        _fail(f"the tree uses the leaves {sorted(used)} but {len(leaves)} are listed")
    return True


def check_counterexample(expr, variables, point) -> bool:
    """Check that ``expr`` is exactly non-zero at ``point`` (``{"a": "1/2", ...}``).

    >>> a = sympy.Symbol("a")
    >>> check_counterexample(sympy.Max(a, 0) - a, [a], {"a": "-1/2"})
    True
    """
    variables = _variables(variables)
    expr = _validate(expr, variables)
    names = {str(v): v for v in variables}
    if set(point) != set(names):
        raise CertificateError(f"counterexample: point has coordinates {sorted(point)}, expected {sorted(names)}")
    sub = {}
    for k, x in point.items():
        q = sympy.sympify(x) if isinstance(x, (int, str)) and not isinstance(x, bool) else None
        if q is None or not q.is_Rational:
            raise CertificateError(f"counterexample: point[{k!r}]={x!r} is not an exact rational")
        sub[names[k]] = q
    value = expr.xreplace(sub)
    if not value.is_Rational or value == 0:
        raise CertificateError(f"counterexample: the expression is {value} at {point}, not a non-zero rational")
    return True
