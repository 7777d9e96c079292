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
exact linear programming (``sympy.solvers.simplex``, rational arithmetic) for a
linear difference, and for a polynomial one through its factorisation over Q
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
from dataclasses import dataclass, field
from functools import lru_cache

import sympy
from sympy.functions.elementary.piecewise import ExprCondPair
from sympy.solvers.simplex import InfeasibleLPError, UnboundedLPError, lpmax, lpmin

from .errors import CertificateError, DomainError
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
        if isinstance(node, (sympy.Symbol, sympy.Rational, sympy.Add, sympy.Mul, ExprCondPair) + _NONSMOOTH):
            continue
        if isinstance(node, sympy.Pow):
            e = node.exp
            if not (isinstance(e, sympy.Integer) and e >= 0):
                raise DomainError(f"{what}={expr}: power {node} has exponent {e}; allowed: {_ALLOWED}")
            continue
        if isinstance(node, (sympy.logic.boolalg.BooleanTrue, sympy.logic.boolalg.BooleanFalse)):
            continue
        if isinstance(node, (sympy.Le, sympy.Lt, sympy.Ge, sympy.Gt)):
            continue
        raise DomainError(f"{what}={expr}: {type(node).__name__} node {node} is not supported; allowed: {_ALLOWED}")
    return expr


def _is_linear(f, variables) -> bool:
    f = sympy.expand(f)
    if f.is_number:
        return True
    try:
        return sympy.Poly(f, *variables).total_degree() <= 1
    except sympy.PolynomialError:
        return False


def _normalize(f):
    """A positive multiple of a linear form with coprime integer coefficients (same sign pattern)."""
    f = sympy.expand(f)
    if f.is_number:
        return f
    content, prim = sympy.primitive(f)
    return sympy.expand(prim) if content > 0 else sympy.expand(-prim)


def _parse_region(region, variables) -> tuple:
    out = []
    for i, rel in enumerate(region):
        rel = sympy.sympify(rel)
        if isinstance(rel, (sympy.Lt, sympy.Gt)):
            raise DomainError(
                f"region[{i}]={rel}: strict inequalities are not allowed; the region is a closed polyhedron (use <= or >=)"
            )
        if isinstance(rel, sympy.Le):
            forms = [rel.lhs - rel.rhs]
        elif isinstance(rel, sympy.Ge):
            forms = [rel.rhs - rel.lhs]
        elif isinstance(rel, sympy.Eq):
            forms = [rel.lhs - rel.rhs, rel.rhs - rel.lhs]
        elif rel is sympy.true:
            continue
        else:
            raise DomainError(f"region[{i}]={rel}: expected a linear inequality such as a - 1 <= 0")
        for f in forms:
            _validate(f, variables, f"region[{i}]")
            if not _is_linear(f, variables) or f.has(*_NONSMOOTH):
                raise DomainError(f"region[{i}]={rel}: expected a linear inequality such as a - 1 <= 0")
            out.append(_normalize(f))
    return tuple(out)


# ----------------------------------------------------------------------------- exact LP


@lru_cache(maxsize=65536)
def _lp(f, region: tuple, sense: str):
    """Exact max (sense='max') or min of a linear ``f`` over ``{l <= 0 for l in region}``.

    Returns (value, point); value is +-oo when unbounded; raises InfeasibleLPError.
    """
    cons = []
    for l in region:
        if l.is_number:
            if l > 0:
                raise InfeasibleLPError("constant constraint violated")
            continue
        cons.append(sympy.Le(l, 0))
    if not cons:
        if f.is_number:
            return f, {}
        return (sympy.oo if sense == "max" else -sympy.oo), None
    try:
        value, point = (lpmax if sense == "max" else lpmin)(f, cons)
    except UnboundedLPError:
        return (sympy.oo if sense == "max" else -sympy.oo), None
    return value, point


def _feasible_point(region, variables):
    try:
        _, point = _lp(sympy.S.Zero, region, "max")
    except InfeasibleLPError:
        return None
    return _complete(point, variables)


def _complete(point, variables) -> dict:
    return {v: sympy.Rational(point.get(v, 0)) for v in variables}


def _satisfies(point, region) -> bool:
    return all(sympy.sympify(l).xreplace(point) <= 0 for l in region)


# ----------------------------------------------------------------------------- signs


class _Split(Exception):
    """Internal: the sign of a difference is not constant on the region; split on ``form``."""

    def __init__(self, form):
        self.form = form


def _definite_sign(f, variables):
    """+1 / -1 when a polynomial is obviously of constant sign (only even monomials, one coefficient sign)."""
    poly = sympy.Poly(f, *variables)
    signs = {sympy.sign(c) for c in poly.coeffs()}
    if len(signs) == 1 and all(all(e % 2 == 0 for e in m) for m in poly.monoms()):
        return int(signs.pop())
    return 0


def _sign(p, region, variables) -> int:
    """+1 if p >= 0 on the region, -1 if p <= 0; raises _Split(form) if a linear form must split it.

    Raises DomainError when a non-linear factor of undecided sign occurs.
    """
    p = sympy.expand(p)
    if p.is_number:
        return 1 if p >= 0 else -1
    if _is_linear(p, variables):
        if _lp(p, region, "min")[0] >= 0:
            return 1
        if _lp(p, region, "max")[0] <= 0:
            return -1
        raise _Split(_normalize(p))
    coeff, factors = sympy.factor_list(p, *variables)
    s = 1 if coeff > 0 else -1
    for f, mult in factors:
        if mult % 2 == 0:
            continue
        if _is_linear(f, variables):
            s *= _sign(f, region, variables)
            continue
        d = _definite_sign(f, variables)
        if d == 0:
            raise DomainError(
                f"cannot decide the sign of the non-linear factor {f} of {p} on the region "
                f"{[str(l) + ' <= 0' for l in region]}; allowed: {_ALLOWED} (non-linear comparisons must factor into linear factors)"
            )
        s *= d
    return s


# ----------------------------------------------------------------------------- leaves


def _vanishes_on(p, region, variables):
    """Decide whether the polynomial p vanishes on the polyhedron; returns (True, how) or (False, point)."""
    p = sympy.expand(p)
    if p == 0:
        return True, "expand"
    x0 = _feasible_point(region, variables)
    if x0 is None:
        return True, "empty"
    if p.is_number:
        return False, _nice_point(p, region, variables) or x0
    if _is_linear(p, variables):
        hi, lo = _lp(p, region, "max")[0], _lp(p, region, "min")[0]
        if hi == 0 and lo == 0:
            return True, "lp"
        nice = _nice_point(p, region, variables)
        if nice is not None:
            return False, nice
        if hi > 0:
            _, pt = _lp(p, region + (p - 1,), "max")
        else:
            _, pt = _lp(p, region + (-p - 1,), "min")
        return False, _complete(pt, variables)
    # non-linear: restrict to the affine hull (implicit equalities), then decide by expansion
    eqs = [l for l in region if not l.is_number and _lp(l, region, "min")[0] == 0]
    sub = {}
    if eqs:
        (sol,) = sympy.linsolve(eqs, list(variables))
        sub = {v: s for v, s in zip(variables, sol) if s != v}
    free = [v for v in variables if v not in sub]
    p_red = sympy.expand(p.xreplace(sub))
    if p_red == 0:
        return True, "affine-hull"
    nice = _nice_point(p, region, variables)
    if nice is not None:
        return False, nice
    # a relative-interior point: maximise t subject to l + t <= 0 (t <= 1) for the other constraints
    t = sympy.Dummy("t")
    rest = [sympy.expand(l.xreplace(sub)) for l in region if l not in eqs]
    rest = [l for l in rest if not l.is_number]
    if rest:
        tstar, pt = _lp(t, tuple(l + t for l in rest) + (t - 1,), "max")
        y0 = {v: sympy.Rational(pt.get(v, 0)) for v in free}
    else:
        tstar, y0 = sympy.S.One, {v: sympy.S.Zero for v in free}
    point = _lift(y0, sub, variables)
    if p_red.xreplace(y0) != 0:
        return False, point
    # move along v = (1, m, m^(d+1), ...) where the top-degree part of p_red is non-zero
    free = [x for x in free if x in p_red.free_symbols]  # move only the coordinates p_red depends on
    d = sympy.Poly(p_red, *free).total_degree()
    top = sum(c * sympy.Mul(*[x**e for x, e in zip(free, m)])
              for m, c in sympy.Poly(p_red, *free).terms() if sum(m) == d)
    m = 1
    while True:
        direction = {x: sympy.Integer(m) ** ((d + 1) ** i) for i, x in enumerate(free)}
        if top.xreplace(direction) != 0:
            break
        m += 1
    slope = max([abs(sympy.expand(l - l.xreplace({x: 0 for x in free})).xreplace(direction)) for l in rest] + [1])
    for k in range(1, d + 2):
        s = tstar / (slope * k)
        y = {**y0, **{x: y0[x] + s * direction[x] for x in free}}
        if p_red.xreplace(y) != 0:
            return False, _lift(y, sub, variables)
    raise AssertionError("unreachable: a non-zero univariate polynomial of degree d has at most d roots")


_NICE = (0, 1, -1, 2, -2)


def _nice_point(p, region, variables):
    """A point with small integer coordinates in the region where p != 0 (tried first, for readable counterexamples)."""
    if len(variables) > 4:
        return None
    points = sorted(itertools.product(_NICE, repeat=len(variables)), key=lambda t: (sum(map(abs, t)), t))
    for t in points:
        pt = {v: sympy.Integer(x) for v, x in zip(variables, t)}
        if _satisfies(pt, region) and p.xreplace(pt) != 0:
            return pt
    return None


def _lift(y, sub, variables) -> dict:
    return {v: sympy.Rational(sub[v].xreplace(y)) if v in sub else y[v] for v in variables}


# ----------------------------------------------------------------------------- resolution of one node


def _innermost(expr):
    for node in sympy.postorder_traversal(expr):
        if isinstance(node, _NONSMOOTH) and not any(arg.has(*_NONSMOOTH) for arg in node.args):
            return node
    return None


def _piecewise_tail(node, variables):
    """(e_prev, q, e_last): the last two branches; e_prev applies where q >= 0 (closed)."""
    pairs = node.args
    if pairs[-1].cond is not sympy.true:
        raise DomainError(f"Piecewise {node} has no final (expr, True) branch, so it is not defined everywhere")
    if len(pairs) == 1:
        return None, None, pairs[0].expr
    e_prev, cond = pairs[-2].expr, pairs[-2].cond
    if isinstance(cond, (sympy.Gt, sympy.Ge)):
        q = cond.lhs - cond.rhs
    elif isinstance(cond, (sympy.Lt, sympy.Le)):
        q = cond.rhs - cond.lhs
    else:
        raise DomainError(f"Piecewise condition {cond} is not supported; expected a single linear inequality")
    if not _is_linear(q, variables):
        raise DomainError(f"Piecewise condition {cond} is not linear; allowed: {_ALLOWED}")
    return e_prev, sympy.expand(q), pairs[-1].expr


def _check_continuous(node, e_prev, q, e_last, region, variables):
    ok, _ = _vanishes_on(e_prev - e_last, region + (q, -q), variables)
    if not ok:
        raise DomainError(
            f"Piecewise {node} is discontinuous on {q} = 0 (branches {e_prev} and {e_last} differ there); "
            "only continuous Piecewise is supported"
        )


def _resolve(node, region, variables):
    """Value of an innermost node on the region and the fact (u, v) meaning u >= v; may raise _Split."""
    if isinstance(node, sympy.Abs):
        (u,) = node.args
        return (u, (u, 0)) if _sign(u, region, variables) > 0 else (-u, (0, u))
    if isinstance(node, (sympy.Max, sympy.Min)):
        u, v = node.args[0], node.args[1]
        s = _sign(u - v, region, variables)
        big, small = (u, v) if s > 0 else (v, u)
        drop = small if isinstance(node, sympy.Max) else big
        rest = [w for w in node.args if w is not drop]
        return type(node)(*rest), (big, small)
    e_prev, q, e_last = _piecewise_tail(node, variables)
    if q is None:
        return e_last, None
    s = _sign(q, region, variables)
    _check_continuous(node, e_prev, q, e_last, region, variables)
    chosen, fact = (e_prev, (q, 0)) if s > 0 else (e_last, (0, q))
    return sympy.Piecewise(*node.args[:-2], (chosen, True)), fact


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


def _constraints(region):
    return [f"{l} <= 0" for l in region]


def _prove(expr, region, facts, st):
    while True:
        node = _innermost(expr)
        if node is None:
            break
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
            ge = _prove(expr, region + (-f,), list(facts), st)
            le = _prove(expr, region + (f,), list(facts), st)
            return {"split": str(f), "ge": ge, "le": le}
        expr = expr.xreplace({node: value})
        if fact is not None:
            facts.append([str(fact[0]), str(fact[1])])
    leaf = sympy.expand(expr)
    ok, how = _vanishes_on(leaf, region, st.variables)
    if not ok:
        point = how
        value = st.original.xreplace(point)
        if not (value.is_Rational and value != 0) or not _satisfies(point, region):
            raise AssertionError(f"bug: counterexample {point} does not verify (value {value})")
        raise _Found({
            "point": {str(v): to_json_number(point[v]) for v in st.variables},
            "value": to_json_number(value),
            "region": _constraints(region),
            "leaf": str(leaf),
        })
    st.leaves.append({"constraints": _constraints(region), "leaf": str(leaf), "method": how, "facts": facts})
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
    Exact throughout: LPs are solved by sympy's rational simplex. See the
    module docstring for the method, design.md section 3 for the certificate.

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
    if not isinstance(max_regions, int) or max_regions < 1:
        raise DomainError(f"max_regions={max_regions!r}: expected a positive int")
    start = _parse_region(region, variables)
    st = _State(variables, max_regions, expr)
    base = {"kind": "identity", "expr": str(expr), "variables": [str(v) for v in variables],
            "region": _constraints(start)}
    if _feasible_point(start, variables) is None:
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
    try:
        e = sympy.sympify(text, locals={str(v): v for v in variables})
    except (sympy.SympifyError, SyntaxError, TypeError):
        _fail(f"{what}={text!r} does not parse")
    if e.atoms(sympy.Float):
        _fail(f"{what}={text!r} contains a float")
    return e


def _check_leaf(expr, region, facts, variables):
    """Resolve the original expression on the region from scratch, then check that it vanishes there."""
    graph = {}
    for u, v in facts:
        if _safe_sign(u - v, region, variables) != 1:
            _fail(f"fact {u} >= {v} does not hold on {_constraints(region)}")
        graph.setdefault(sympy.expand(u), set()).add(sympy.expand(v))

    def ge(x, y):
        x, y = sympy.expand(x), sympy.expand(y)
        if _safe_sign(x - y, region, variables) == 1:
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
            if q is None:
                value = e_last
            else:
                pick = e_prev if ge(q, 0) else e_last if ge(0, q) else None
                if pick is not None:
                    _check_continuous(node, e_prev, q, e_last, region, variables)
                value = None if pick is None else sympy.Piecewise(*node.args[:-2], (pick, True))
        if value is None:
            _fail(f"node {node} is not resolved on the region {_constraints(region)}")
        expr = expr.xreplace({node: value})
    ok, _ = _vanishes_on(expr, region, variables)
    if not ok:
        _fail(f"the expression is {sympy.expand(expr)} on {_constraints(region)}, not 0")


def _safe_sign(p, region, variables):
    try:
        return _sign(p, region, variables)
    except (_Split, DomainError):
        return 0


def check_identity_certificate(expr, variables, certificate, *, region=()) -> bool:
    """Re-check an identity certificate of :func:`prove_zero` by an independent walk.

    Coverage is structural: every split of the recorded tree has both closed
    halves ``f >= 0`` and ``f <= 0``, and an ``empty`` node must be LP-infeasible.
    At each leaf the *original* expression is resolved afresh (each non-smooth
    node by a sign decided on the leaf region, using the recorded order facts
    after re-verifying them) and the resulting polynomial is shown to vanish
    on the region (expansion, or exact LP).

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
    recorded = [_normalize(_parse(c.removesuffix(" <= 0"), variables, "region")) for c in certificate.get("region", [])]
    if set(recorded) != set(start):
        _fail(f"region={certificate.get('region')} does not match the claim {_constraints(start)}")
    leaves = certificate.get("regions", [])
    used = []

    def walk(node, reg, depth=0):
        if "empty" in node:
            if _feasible_point(reg, variables) is not None:
                _fail(f"the region {_constraints(reg)} is marked empty but is feasible")
        elif "split" in node:
            f = _parse(node["split"], variables, "split")
            if not _is_linear(f, variables):
                _fail(f"split form {f} is not linear")
            walk(node["ge"], reg + (_normalize(-f),), depth + 1)
            walk(node["le"], reg + (_normalize(f),), depth + 1)
        elif "region" in node:
            i = node["region"]
            if not (isinstance(i, int) and 0 <= i < len(leaves)):
                _fail(f"leaf index {i!r} out of range")
            used.append(i)
            facts = [(_parse(u, variables, "fact"), _parse(v, variables, "fact")) for u, v in leaves[i].get("facts", [])]
            _check_leaf(expr, reg, facts, variables)
        else:
            _fail(f"malformed tree node {node!r:.60}")

    walk(certificate.get("tree", {}), start)
    if sorted(used) != list(range(len(leaves))):
        _fail(f"the tree uses leaves {sorted(used)} but {len(leaves)} are listed")
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
