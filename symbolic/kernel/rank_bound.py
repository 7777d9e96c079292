"""Statements of type ``rank_bound``: a bound on a matricization rank for every network of a family.

Proposition: ``{"type": "rank_bound", "family": FAM, "rows": I, "bound": "expr"}`` says that for ALL weights
of every network of the family FAM (architecture, N, M, operator, sharing, Z or widths, window and patch
order), ``rank [A]_I <= bound``, where ``bound`` is an expression in N, M, Z (shallow), L, w, r0, r1, ...
(deep) read by the whitelist parser and evaluated to a rational.

Quantifier: for all weights of the family.  Status: only ``refuted`` is certified here (this is what
``convac search`` finds); a ``tested`` or ``inconclusive`` search is listed, never verified.

Certificate (refuted): ``matricization_rank``: a numeric network of exactly that family (F is a weight
like the others) whose [A]_I has a certified rank lower bound k > bound.  One network of the family above
the bound refutes "for all weights".

Why acceptance implies truth: the family is validated field by field (:func:`symbolic.kernel.schema.family`)
and compared with the witness network's own, the bound is recomputed from the validated family, and the
witness's matrix is recomputed by the kernel's forward pass.
"""

from __future__ import annotations

import numpy as np
from .lazy import sympy

from . import schema
from .failure import need
from .linalg import check_lower, matricize
from .parse import ParseError, parse_expr
from .schema import keys
from .sources import family_is, net_of, numeric, tensor_of


def bound_value(expr, fam):
    """The bound's value for the family (a rational); a malformed expression is a malformed statement."""
    vals = {"N": fam["N"], "M": fam["M"]}
    if fam["architecture"] == "shallow":
        vals.update(Z=fam["Z"], L=1, w=fam["N"])
    else:
        vals.update(L=len(fam["widths"]), w=fam["window"], **{f"r{l}": r for l, r in enumerate(fam["widths"])})
    syms = {k: sympy.Symbol(k) for k in vals}
    schema.need(isinstance(expr, str), f"statement.bound={str(expr)[:40]!r}: expected an expression string")
    try:
        v = parse_expr(expr, field="statement.bound", symbols=syms)
    except ParseError as e:
        schema.fail(str(e))
    v = v.xreplace({syms[k]: sympy.Integer(x) for k, x in vals.items()})
    schema.need(v.is_Rational, f"statement.bound={expr!r} does not evaluate to a rational")
    return v


def validate(st) -> tuple:
    """Every field: the family (with its defaults), the rows, the bound.  Returns (family, rows, bound value)."""
    schema.fields(st, ("type", "family", "rows", "bound"), (), "statement")
    fam = schema.family(st["family"], "statement.family")
    schema.need(fam["N"] >= 2, "statement.family.N: a matricization needs N >= 2")
    rows = schema.rows(st["rows"], fam["N"], "statement.rows")
    return fam, rows, bound_value(st["bound"], fam)


def describe(st) -> str:
    fam, rows, _ = validate(st)
    return f"every {schema.describe_family(fam)[:-1]}) has rank [A]_{rows} <= {st['bound']} (all weights)"


def check(st, res) -> str:
    """Validate the statement, then check the witness network above the bound."""
    fam, rows, b = validate(st)
    need(res["status"] == "refuted", "a rank bound is only ever refuted (by a witness) here")
    cert = res["certificate"]
    keys(cert, ("kind", "source", "rows", "certificate"), (), "certificate")
    need(cert["kind"] == "matricization_rank" and cert["rows"] == rows, "certificate: a matricization_rank of the rows")
    net = net_of(cert["source"], "certificate.source")
    numeric(net, "certificate.source")  # F is a weight like the others: any F of the family
    family_is(net, fam, "certificate.source")
    A = matricize(np.asarray(tensor_of(cert["source"])), net.N, net.M, rows)
    k = check_lower(A, cert["certificate"])
    need(k > b, f"the certified rank {k} does not exceed the bound {b}")
    return describe(st)


__all__ = ["validate", "describe", "check", "bound_value"]
