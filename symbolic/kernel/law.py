"""Statements of type ``law``: an algebraic law of one activation-pooling pair.

Proposition: ``{"type": "law", "activation": sigma, "pooling": P, "law": L}`` says that the operator
g(x_1, ..., x_w) = P(sigma(x_1), ..., sigma(x_w)) satisfies L *for all real inputs*:

- ``commutativity``: g(a, b) = g(b, a);
- ``associativity``: g(g(a, b), c) = g(a, g(b, c));
- ``pooled_fixed``: sigma(g(a, b)) = g(a, b);
- ``window:w`` (2 <= w <= 6): pooling a window of w at once equals pooling pairwise, left to right.

Quantifier: for all reals.  Status ``proved`` (the law holds) or ``refuted`` (it fails).

Certificates: proved: ``identity`` by ``expansion`` (lhs - rhs expands to 0 as a sympy expression, so it is
the zero function) or by ``case-analysis`` (:mod:`symbolic.kernel.regions`: a cover of R^n by polyhedra,
on each of which every Max/Min/Abs is resolved by exhibited linear inequalities and lhs - rhs expands to
0).  Refuted: ``counterexample``, a rational point where lhs - rhs is a nonzero constant (exact for
rational operators; tanh and sigmoid values enclosed with arb balls, :func:`~.intervals.nonzero_constant`).

Why acceptance implies truth: both sides are rebuilt from the kernel's own operator definitions
(:func:`symbolic.kernel.network.activation`, :func:`~symbolic.kernel.network.pool`), never read from the
certificate; an expression that is identically zero (or zero on every cell of a cover) proves the law
everywhere, and one point where the sides differ proves it fails.

>>> check({"type": "law", "activation": "relu", "pooling": "max", "law": "commutativity"},
...       {"status": "proved", "certificate": {"kind": "identity", "method": "expansion"}})
'commutativity of relu/max (for all reals)'
"""

from __future__ import annotations

import functools

from .lazy import sympy

from . import regions, schema
from .failure import need, fail
from .intervals import nonzero_constant
from .network import activation, pool
from .parse import parse_rational
from .schema import keys
from .sources import zero

LAWS = ("commutativity", "associativity", "pooled_fixed")  # and window:w, 2 <= w <= 6


def law_name(law, what="statement.law") -> str:
    ok = law in LAWS or (isinstance(law, str) and law.startswith("window:") and law[7:].isdigit()
                         and 2 <= int(law[7:]) <= 6)
    schema.need(ok, f"{what}={str(law)[:40]!r}: expected one of {list(LAWS)} or window:w with 2 <= w <= 6")
    return law


def law_sides(act, pl, law):
    """(lhs, rhs, variables) of the law for sigma = act and P = pl, from the kernel's own definitions."""
    sig = activation(act)[1]
    g = lambda *xs: pool(pl, [sig(x) for x in xs])  # noqa: E731
    a, b, c = sympy.symbols("a b c")
    if law == "commutativity":
        return g(a, b), g(b, a), [a, b]
    if law == "associativity":
        return g(g(a, b), c), g(a, g(b, c)), [a, b, c]
    if law == "pooled_fixed":
        return sig(g(a, b)), g(a, b), [a, b]
    law_name(law, "law")
    xs = sympy.symbols(" ".join(f"a{i}" for i in range(1, int(law[7:]) + 1)))
    return g(*xs), functools.reduce(g, xs), list(xs)


def check_law(act, pl, law, holds: bool, cert):
    """The law holds (identity: expansion or a case-analysis certificate) or fails (a point)."""
    schema.operator(act, pl, "law")
    law_name(law, "law")
    lhs, rhs, vs = law_sides(act, pl, law)
    if holds:
        keys(cert, ("kind", "method"), ("identity",), "law certificate")
        need(cert["kind"] == "identity", "a law that holds needs an identity certificate")
        if cert["method"] == "expansion":
            need(zero(lhs - rhs) and "identity" not in cert, f"{law} of {act}/{pl} does not expand to 0")
        else:
            need(cert["method"] == "case-analysis", f"method={str(cert['method'])[:40]!r}: expected expansion or "
                 "case-analysis")
            regions.check_zero_certificate(lhs - rhs, vs, cert.get("identity"))
        return
    keys(cert, ("kind", "point"), (), "law certificate")
    need(cert["kind"] == "counterexample", "a law that fails needs a counterexample")
    pt = cert["point"]
    need(isinstance(pt, dict) and set(pt) == {str(v) for v in vs}, f"point must give values to {[str(v) for v in vs]}")
    for v in vs:
        x = pt[str(v)]
        if isinstance(x, (bool, float)) or not isinstance(x, (int, str)):
            fail(f"point.{v}={str(x)[:40]}: expected an exact number (int or 'p/q')")
    sub = {v: sympy.Rational(str(parse_rational(pt[str(v)], field=f"point.{v}"))) for v in vs}
    need(nonzero_constant((lhs - rhs).xreplace(sub)),
         f"{law} of {act}/{pl}: the sides are not proved different at {pt}")


def validate(st) -> dict:
    """``{"type": "law", "activation", "pooling", "law"}``, every field validated."""
    schema.fields(st, ("type", "activation", "pooling", "law"), (), "statement")
    schema.operator(st["activation"], st["pooling"])
    law_name(st["law"])
    return st


def describe(st) -> str:
    return f"{st['law']} of {st['activation']}/{st['pooling']} (for all reals)"


def check(st, res) -> str:
    """Validate the statement, then check that the certificate proves the law (proved) or its failure (refuted)."""
    validate(st)
    need(res["status"] in ("proved", "refuted"), "status must be proved or refuted")
    check_law(st["activation"], st["pooling"], st["law"], res["status"] == "proved", res["certificate"])
    return describe(st)


__all__ = ["LAWS", "law_sides", "check_law", "validate", "describe", "check"]
