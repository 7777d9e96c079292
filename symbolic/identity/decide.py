"""Exact decision of identities of piecewise-linear and polynomial expressions.

This is the ``identity`` certificate kind of design.md section 3: a sympy
expression built from ``+``, ``*``, rational constants, non-negative integer
powers, ``Max``, ``Min``, ``Abs`` and continuous ``Piecewise`` with linear
conditions is *proved* to vanish on R^n (or on a closed polyhedron) by case
analysis over the sign and order regions of its non-smooth nodes, or *refuted*
by an exact rational point where it is non-zero.

Method
------
The distinct non-smooth nodes of the expression are resolved one by one in
post-order (arguments first). On the current region a ``Max``/``Min`` node
takes the argument that dominates every other one there (``Abs(u)`` is
``Max(u, -u)``); a ``Piecewise`` takes, from the last branch back, the side
of each linear condition, and its branches must agree on the boundary. Each
comparison ``u - w >= 0`` is decided by exact linear programming (the simplex
of :mod:`symbolic.lp`) when it is affine, and through its factorisation over Q
otherwise (every odd-multiplicity factor linear, or of constant sign with only
even monomials). When a sign is not constant, the region is split into the two
*closed* half-spaces ``f >= 0`` and ``f <= 0`` of a linear form ``f``; both
halves are exact, because ``Max(u, v) = u`` holds on the closed set
``u - v >= 0`` (ties included). At a leaf the expression is a polynomial ``p``
that must vanish on the region: ``expand(p) == 0``; or ``p`` is affine with
maximum and minimum 0 there; or ``p`` restricted to the affine hull of the
region (its implicit equalities) expands to 0. Otherwise an exact rational
point of the region with ``p != 0`` is produced and re-verified by exact
substitution into the *original* expression.

Every decision carries its evidence (LP dual and Farkas vectors, the
factorisations), so the certificate is checked by the small trusted kernel
:func:`symbolic.kernel.regions.check_zero_certificate` with linear combinations
alone, without re-running this prover; its docstring describes the format.
The evidence is built in :mod:`symbolic.identity.certificates`. Floats never
decide anything.

References
----------
design.md section 3 (the identity certificate); paper-notes D5, D6 (the
operators g(a, b) = P(sigma(a), sigma(b)) whose laws are decided this way,
see :mod:`symbolic.identity.operator_laws`).

>>> import sympy
>>> a, b = sympy.symbols("a b", real=True)
>>> prove_zero(sympy.Max(a, b) + sympy.Min(a, b) - a - b, [a, b]).holds
True
>>> r = prove_zero(sympy.Max(a, b) - a, [a, b])
>>> r.holds, r.counterexample["value"]
(False, 1)
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sympy
from sympy.functions.elementary.piecewise import ExprCondPair

from symbolic.errors import CertificateError, DomainError
from symbolic.identity.certificates import (Split, as_dict, as_expr, constraints, ev, farkas, form, neg, nonneg, normal,
                                            satisfies, zero_evidence)
from symbolic.kernel.regions import check_zero_certificate
from symbolic.numbers import to_json_number

__all__ = [
    "IdentityResult",
    "prove_zero",
    "evaluated",
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
        When ``holds``: JSON data, the case tree with its evidence (format in
        :mod:`symbolic.kernel.regions`); checked by :func:`check_identity_certificate`.
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


def _parse_region(region, variables) -> tuple:
    out = []
    for i, rel in enumerate(region):
        rel = sympy.sympify(rel)
        if isinstance(rel, (sympy.Lt, sympy.Gt)):
            raise DomainError(
                f"region[{i}]={rel}: strict inequalities are not allowed; the region is a closed "
                "polyhedron (use <= or >=)"
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
            f = None if e.has(*_NONSMOOTH) else form(e, variables)
            if f is None:
                raise DomainError(f"region[{i}]={rel}: expected a linear inequality such as a - 1 <= 0")
            out.append(normal(f))
    return tuple(out)



def evaluated(expr):
    """``expr`` rebuilt bottom-up with sympy's evaluation.

    A certificate of :func:`prove_zero` is for the expression as given (the kernel resolves
    its nodes in order). A claim built with ``evaluate=False`` (:func:`symbolic.tensor.operators.sym_max`)
    and its printed and re-parsed form can differ in their nodes; both evaluate to the same
    expression, so prove ``evaluated(expr)`` when the claim will be re-read from text:
    :func:`check_identity_certificate` tries the claim as given, then evaluated.

    >>> a = sympy.Symbol("a", real=True)
    >>> evaluated(sympy.Max(0, sympy.Abs(a), evaluate=False))
    Abs(a)
    """
    memo = {}

    def ev(e):
        if e not in memo:
            memo[e] = e.func(*map(ev, e.args)) if e.args else e
        return memo[e]

    return ev(sympy.sympify(expr))


# ----------------------------------------------------------------------------- resolution of one node


def _nodes(expr) -> list:
    """The distinct non-smooth nodes, arguments before the nodes containing them (the kernel's order)."""
    return list(dict.fromkeys(n for n in sympy.postorder_traversal(expr) if isinstance(n, _NONSMOOTH)))


def _pick(node, args, region, variables):
    """(value, pick) of a Max/Min/Abs node whose arguments are the polynomials ``args``; may raise Split."""
    cands = [args[0], -args[0]] if isinstance(node, sympy.Abs) else args
    better = (lambda u, w: w - u) if isinstance(node, sympy.Min) else (lambda u, w: u - w)
    j, proofs = 0, {}
    for i in range(1, len(cands)):  # a tournament, then the winner against every argument it did not meet
        s, proof = nonneg(better(cands[j], cands[i]), region, variables)
        if s > 0:
            proofs[i] = proof
        else:
            j, proofs = i, {j: proof}
    for i in range(len(cands)):
        if i != j and i not in proofs:
            s, proof = nonneg(better(cands[j], cands[i]), region, variables)
            if s < 0:
                raise DomainError(f"cannot certify that {cands[j]} is the {type(node).__name__} of {cands} on the "
                                  f"region {constraints(region, variables)}")
            proofs[i] = proof
    return cands[j], {"arg": j, "proofs": [proofs[i] for i in range(len(cands)) if i != j]}


def _condition(cond, variables):
    """The linear form q with cond equivalent to q >= 0 (or q > 0)."""
    if isinstance(cond, (sympy.Gt, sympy.Ge)):
        q = form(cond.lhs - cond.rhs, variables)
    elif isinstance(cond, (sympy.Lt, sympy.Le)):
        q = form(cond.rhs - cond.lhs, variables)
    else:
        raise DomainError(f"Piecewise condition {cond} is not supported; expected a single linear inequality")
    if q is None:
        raise DomainError(f"Piecewise condition {cond} is not linear; allowed: {_ALLOWED}")
    return q


def _piecewise(node, mapping, region, variables):
    """(value, pick) of a Piecewise: the side of each condition, last first, and continuity across it."""
    pairs = node.args
    if pairs[-1].cond is not sympy.true:
        raise DomainError(f"Piecewise {node} has no final (expr, True) branch, so it is not defined everywhere")
    value, branches = ev(pairs[-1].expr.xreplace(mapping)), [None] * (len(pairs) - 1)
    for j in reversed(range(len(pairs) - 1)):
        e_j = ev(pairs[j].expr.xreplace(mapping))
        q = _condition(pairs[j].cond.xreplace(mapping), variables)
        s, proof = nonneg(as_expr(q, variables), region, variables)
        ok, zero = zero_evidence(e_j - value, region + (neg(q), q), variables)
        if not ok:
            raise DomainError(
                f"Piecewise {node} is discontinuous on {as_expr(q, variables)} = 0 (branches {e_j} and {value} "
                "differ there); only continuous Piecewise is supported"
            )
        branches[j] = ["ge" if s > 0 else "le", proof, zero]
        value = e_j if s > 0 else value
    return value, {"branches": branches}


def _resolve(node, mapping, region, variables):
    if isinstance(node, sympy.Piecewise):
        return _piecewise(node, mapping, region, variables)
    return _pick(node, [ev(x.xreplace(mapping)) for x in node.args], region, variables)


# ----------------------------------------------------------------------------- the prover


class _Found(Exception):
    def __init__(self, info):
        self.info = info


@dataclass
class _State:
    variables: tuple
    budget: int
    original: object
    nodes: list
    total: int = 1
    leaves: list = field(default_factory=list)


def _prove(i, mapping, picks, region, st):
    while i < len(st.nodes):
        try:
            value, pick = _resolve(st.nodes[i], mapping, region, st.variables)
        except Split as split:
            st.total += 1
            if st.total > st.budget:
                raise DomainError(
                    f"max_regions={st.budget}: the case analysis needs more than {st.budget} regions "
                    f"({st.total} so far, {len(st.leaves)} finished, {len(st.nodes) - i} non-smooth nodes left in "
                    "the current branch); raise max_regions or simplify the expression"
                ) from None
            f = split.form
            ge = _prove(i, dict(mapping), list(picks), region + (neg(f),), st)
            le = _prove(i, dict(mapping), list(picks), region + (f,), st)
            return {"split": str(as_expr(f, st.variables)), "ge": ge, "le": le}
        mapping[st.nodes[i]] = value
        picks.append(pick)
        i += 1
    leaf = ev(st.original.xreplace(mapping))
    ok, how = zero_evidence(leaf, region, st.variables)
    if not ok:
        point = as_dict(how, st.variables)
        value = st.original.xreplace(point)
        if not (value.is_Rational and value != 0 and satisfies(how, region)):
            raise AssertionError(f"bug: the counterexample {point} does not verify (value {value})")
        raise _Found({
            "point": {str(v): to_json_number(point[v]) for v in st.variables},
            "value": to_json_number(value),
            "region": constraints(region, st.variables),
            "leaf": str(leaf),
        })
    st.leaves.append({"picks": picks, "zero": how})
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
        ``holds`` with a certificate (checked by the kernel through
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
    docstring for the method, :mod:`symbolic.kernel.regions` for the certificate.

    Examples
    --------
    >>> a, b = sympy.symbols("a b")
    >>> r = prove_zero(sympy.Max(a, 0) - sympy.Max(-a, 0) - a, [a])
    >>> r.holds, r.regions
    (True, 2)
    >>> r.certificate["tree"]
    {'split': 'a', 'ge': {'region': 0}, 'le': {'region': 1}}
    >>> prove_zero(sympy.Max(a, b) - b, [a, b], region=[a - b <= 0]).holds
    True
    """
    variables = _variables(variables)
    expr = _validate(expr, variables)
    if not isinstance(max_regions, int) or isinstance(max_regions, bool) or max_regions < 1:
        raise DomainError(f"max_regions={max_regions!r}: expected a positive int")
    start = _parse_region(region, variables)
    st = _State(variables, max_regions, expr, _nodes(expr))
    base = {"kind": "case-analysis", "variables": [str(v) for v in variables]}
    if start:
        base["region"] = [str(as_expr(g, variables)) for g in start]
    y = farkas(start, len(variables))
    if y is not None:
        return IdentityResult(True, 0, {**base, "tree": {"empty": y}, "regions": []})
    try:
        tree = _prove(0, {}, [], start, st)
    except _Found as found:
        return IdentityResult(False, len(st.leaves) + 1, None, found.info)
    return IdentityResult(True, len(st.leaves), {**base, "tree": tree, "regions": st.leaves})


# ----------------------------------------------------------------------------- the checker


def check_identity_certificate(expr, variables, certificate, *, region=()) -> bool:
    """Check a certificate of :func:`prove_zero` with the trusted kernel (a thin wrapper).

    The kernel, :func:`symbolic.kernel.regions.check_zero_certificate`, re-walks the
    case tree (coverage is structural: both closed halves of every split), resolves
    the *original* expression itself at each leaf from the recorded choices and their
    multipliers, and checks the leaf polynomial vanishes; no LP is solved. The claim
    is tried as given, then as :func:`evaluated` (the same function; e.g. a claim
    re-parsed from the text of a certificate proved for ``evaluated(expr)``).

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
    >>> check_identity_certificate(e + a, [a, b], prove_zero(e, [a, b]).certificate)
    Traceback (most recent call last):
    ...
    symbolic.errors.CertificateError: case-analysis certificate: regions[0]: the leaf polynomial a is not 0
    """
    variables = _variables(variables)
    start = _parse_region(region, variables)
    region = [as_expr(g, variables) for g in start]
    expr = sympy.sympify(expr)
    try:
        check_zero_certificate(expr, list(variables), certificate, region=region)
    except CertificateError:
        if evaluated(expr) == expr:
            raise
        check_zero_certificate(evaluated(expr), list(variables), certificate, region=region)
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
