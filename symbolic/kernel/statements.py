"""Typed statements and the certificate kinds that prove (or refute) each.

Every result of an answer is ``{"statement": {...}, "status": ..., "certificate": ...}``;
the statement's ``type`` names a proposition P with its quantifier:

``rank``          {spec, output, rows[, partition]}: ``lower <= rank [A^y]_rows <= upper`` and
                  the structural ``bounds`` (numeric weights), or for symbolic weights: rank >= lower
                  for almost all weights (Schwartz-Zippel at the certificate's point), <= the bounds for all.
``law``           {activation, pooling, law}: P(sigma(.)) satisfies the law for all reals.
                  proved: expansion or case analysis; refuted: a point where the sides differ.
``universality``  {architecture, N, M, activation, pooling, shared[, window, patch_order, F]}: nets of the
                  family (any widths) realize every grid tensor.  proved: M^N realizations of the family whose
                  stacked tensors have a certified rank M^N; refuted: a linear functional that vanishes for all
                  weights (Z = 1 suffices: realizable tensors form a span; deep families by the super-patch
                  reduction) plus a tensor where it does not, or a shared family's invariance plus a witness.
``rank_bound``    {family, rows, bound}: for all weights of the family, rank [A]_rows <= bound.
                  refuted: a network of the family with a certified rank lower bound above the bound.
``claim``         {claim, instance}: a claim of the catalog (:mod:`symbolic.kernel.claims`).

Statuses: ``proved`` (P), ``refuted`` (not P), ``tested`` and ``inconclusive`` (no certificate,
nothing asserted).
"""

from __future__ import annotations

import functools

import numpy as np
import sympy

from . import regions
from .intervals import nonzero_constant
from .linalg import check_factors, check_lower, check_rank, index_list, keys, matricize, structural_bounds
from .network import activation, grid, is_numeric, pool, substitute
from .parse import parse_expr, parse_rational
from .symmetry import invariant, invariant_under
from .sources import (apply_functional, coefficients, fail, family_is, flat_index, for_all_weights, identity_F,
                      literal, nat, need, net_of, numeric, tensor_of, zero)

SMALL = 1 << 20
LAWS = ("commutativity", "associativity", "pooled_fixed")


# -- rank ----------------------------------------------------------------------------------------
def partition_rows(label, N):
    if label == "odd-even":
        return list(range(0, N, 2))
    if label == "halves":
        return list(range(N // 2))
    try:
        return sorted(int(x) for x in str(label).split(","))
    except ValueError:
        fail(f"partition={label!r}: expected odd-even, halves or a comma list")


def rows_of(rows, N, what="rows"):
    index_list(rows, N, what)
    need(rows == sorted(rows) and 1 <= len(rows) <= N - 1, f"{what}={rows}: expected increasing modes, 1 to N-1 of them")
    return rows


def check_rank_result(st, res):
    keys(st, ("type", "spec", "output", "rows"), ("partition",), "statement")
    need(res["status"] == "proved", "a rank answer's status is proved")
    source = {"spec": st["spec"], "output": st["output"]}
    net = net_of(source, "statement")
    rows = rows_of(st["rows"], net.N)
    if "partition" in st:
        need(partition_rows(st["partition"], net.N) == rows, f"partition {st['partition']!r} does not give rows {rows}")
    cert = res["certificate"]
    keys(cert, ("certificate", "lower", "upper"), (), "certificate")
    bounds = structural_bounds(net, rows)
    need(res.get("bounds") == bounds, f"bounds {res.get('bounds')} differ from the re-derived {bounds}")
    point = cert["lower"].get("point") if isinstance(cert["lower"], dict) else None
    if net.symbolic or not is_numeric(net):
        need(isinstance(point, dict), "a symbolic network's lower bound needs a point (Schwartz-Zippel)")
        syms = {str(s): s for x in net.weights() if isinstance(x, sympy.Basic) for s in x.free_symbols}
        need(set(point) == set(syms), f"the point must give a value to exactly the symbols {sorted(syms)[:6]}...")
        net = substitute(net, {syms[k]: sympy.Rational(str(parse_rational(v, field=f"point.{k}")))
                               for k, v in point.items()})
        need(cert["upper"].get("kind") == "trivial", "a symbolic network's upper bound must be trivial or structural")
    else:
        need(point is None, "a point is only for symbolic weights")
    need(activation(net.activation)[0] is not None, "not re-checked: the activation has no exact values")
    p, kind = cert["lower"].get("prime"), cert["upper"].get("kind")
    modular = ((kind == "factors" or kind == "trivial" and net.M ** net.N > SMALL) and net.pooling != "max"
               and net.activation in ("linear", "square") and type(p) is int and 2 <= p < 1 << 26)
    grid_mod = functools.lru_cache(maxsize=1)(lambda q: matricize(grid(net, modulus=q)[st["output"]], net.N, net.M, rows))
    A = grid_mod(p) if modular else matricize(np.asarray(grid(net)[st["output"]]), net.N, net.M, rows)
    if kind == "factors":
        lo, up = check_lower(A, cert["lower"], p if modular else None), check_factors(net, grid_mod, rows, cert["upper"])
        need(lo <= up, f"lower bound {lo} exceeds upper bound {up}")
    else:
        lo, up = check_rank(A, cert, modulus=p if modular else None)
    need(res.get("lower") == lo and res.get("upper") == up,
         f"the answer says lower={res.get('lower')!r}, upper={res.get('upper')!r}; the certificate proves {lo}, {up}")
    need(lo <= min(bounds.values()), f"certified rank {lo} exceeds a structural bound {bounds}")
    generic = "almost all weights: " if point else ""
    return f"{generic}rank [A^{st['output']}]_{rows} " + (f"= {lo}" if lo == up else f"in [{lo}, {up}]")


# -- laws ----------------------------------------------------------------------------------------
def law_sides(act, pl, law):
    sig = activation(act)[1]
    g = lambda *xs: pool(pl, [sig(x) for x in xs])  # noqa: E731
    a, b, c = sympy.symbols("a b c")
    if law == "commutativity":
        return g(a, b), g(b, a), [a, b]
    if law == "associativity":
        return g(g(a, b), c), g(a, g(b, c)), [a, b, c]
    if law == "pooled_fixed":
        return sig(g(a, b)), g(a, b), [a, b]
    if isinstance(law, str) and law.startswith("window:") and law[7:].isdigit() and 2 <= int(law[7:]) <= 6:
        xs = sympy.symbols(" ".join(f"a{i}" for i in range(1, int(law[7:]) + 1)))
        return g(*xs), functools.reduce(g, xs), list(xs)
    fail(f"law={law!r}: expected one of {LAWS} or window:w")


def check_law(act, pl, law, holds: bool, cert):
    """The law holds (identity: expansion or a case-analysis certificate) or fails (a point)."""
    need(pl in ("product", "max", "sum", "average"), f"pooling={pl!r} is not known")
    lhs, rhs, vs = law_sides(act, pl, law)
    if holds:
        keys(cert, ("kind", "method"), ("identity",), "law certificate")
        need(cert["kind"] == "identity", "a law that holds needs an identity certificate")
        if cert["method"] == "expansion":
            need(zero(lhs - rhs) and "identity" not in cert, f"{law} of {act}/{pl} does not expand to 0")
        else:
            need(cert["method"] == "case-analysis", f"method={cert['method']!r}: expected expansion or case-analysis")
            regions.check_zero_certificate(lhs - rhs, vs, cert.get("identity"))
        return
    keys(cert, ("kind", "point"), (), "law certificate")
    need(cert["kind"] == "counterexample", "a law that fails needs a counterexample")
    pt = cert["point"]
    need(isinstance(pt, dict) and set(pt) == {str(v) for v in vs}, f"point must give values to {[str(v) for v in vs]}")
    sub = {v: sympy.Rational(str(parse_rational(pt[str(v)], field=f"point.{v}"))) for v in vs}
    need(nonzero_constant((lhs - rhs).xreplace(sub)), f"{law} of {act}/{pl}: the sides are not proved different at {pt}")


def check_law_result(st, res):
    keys(st, ("type", "activation", "pooling", "law"), (), "statement")
    need(res["status"] in ("proved", "refuted"), "status must be proved or refuted")
    check_law(st["activation"], st["pooling"], st["law"], res["status"] == "proved", res["certificate"])
    return f"{st['law']} of {st['activation']}/{st['pooling']}"


# -- universality --------------------------------------------------------------------------------
def _family(st):
    fam = {k: st[k] for k in ("architecture", "N", "M", "activation", "pooling", "shared")}
    if st["architecture"] == "deep":
        fam["window"] = st.get("window", 2)
        fam["patch_order"] = st.get("patch_order", list(range(st["N"])))
    return fam


def realizations(cert, fam, F, size, what):
    """A stack of numeric networks of the family, with a certified rank ``size`` of their tensors."""
    keys(cert, ("kind", "source", "certificate"), (), what)
    need(cert["kind"] == "matricization_rank", f"{what}: expected matricization_rank")
    keys(cert["source"], ("stack",), (), f"{what}.source")
    stack = cert["source"]["stack"]
    need(isinstance(stack, list) and size <= len(stack) <= 4 * size, f"{what}: expected at least {size} realizations")
    rows = []
    for n, s in enumerate(stack):
        net = net_of(s, f"{what}[{n}]")
        numeric(net, f"{what}[{n}]")
        family_is(net, fam, f"{what}[{n}]")
        if F is None:
            identity_F(net, f"{what}[{n}]")
        else:
            need(net.F is not None and [list(r) for r in net.F] == [[parse_rational(x, field="F") for x in r] for r in F],
                 f"{what}[{n}]: F differs from the statement's")
        rows.append(tensor_of(s))
    need(check_lower(np.array(rows, dtype=object), cert["certificate"]) == size, f"{what}: the certified rank is not {size}")


def _reduce(net_deep_fam, coeffs):
    """Super-patch reduction of a deep family: indices of the w top-level blocks (row-major inside a block)."""
    N, M, w, order = (net_deep_fam[k] for k in ("N", "M", "window", "patch_order"))
    b = N // w
    return [(tuple(flat_index([idx[order[k * b + t]] for t in range(b)], M) for k in range(w)), q) for idx, q in coeffs]


def not_universal(cert, fam, what):
    """A functional vanishing on every realizable tensor (or an invariance), and a witness outside."""
    N, M = fam["N"], fam["M"]
    if cert.get("kind") == "invariance":
        need(fam["architecture"] == "shallow" and fam["shared"], f"{what}: invariance refutes shared shallow families")
        net, perms = invariant(cert, {**fam, "architecture": "shallow"}, what, any_width=True)
        W = literal(cert["witness"], (M,) * N, f"{what}.witness", numbers_only=True)
        need(any(not invariant_under(W, p, N, M) for p in perms), f"{what}: the witness is invariant too")
        return
    keys(cert, ("kind", "source", "coefficients", "witness"), ("identity", "reduction"), what)
    need(cert["kind"] == "vanishing_functional", f"{what}: expected vanishing_functional or invariance")
    coeffs = coefficients(cert["coefficients"], N, M)
    net = net_of(cert["source"], f"{what}.source")
    for_all_weights(net, f"{what}.source")
    sub = {k: fam[k] for k in ("activation", "pooling", "shared")}
    if fam["architecture"] == "deep":
        need(cert.get("reduction") == "super-patch", f"{what}: a deep family needs the super-patch reduction")
        sub.update(architecture="shallow", N=fam["window"], M=M ** (N // fam["window"]))
        red = _reduce(fam, coeffs)
    else:
        need("reduction" not in cert, f"{what}: no reduction for a shallow family")
        sub.update(architecture="shallow", N=N, M=M)
        red = coeffs
    family_is(net, sub, f"{what}.source")
    total = apply_functional(red, tensor_of(cert["source"]), sub["M"])
    if "identity" in cert:
        variables = sorted(total.free_symbols, key=str)
        regions.check_zero_certificate(total, variables, cert["identity"])
    else:
        need(zero(total), f"{what}: sum_d c_d A_d does not expand to 0")
    W = literal(cert["witness"], (M,) * N, f"{what}.witness", numbers_only=True)
    need(not zero(apply_functional(coeffs, W, M)), f"{what}: the functional vanishes on the witness too")


def check_universality_result(st, res):
    keys(st, ("type", "architecture", "N", "M", "activation", "pooling", "shared"), ("window", "patch_order", "F"),
         "statement")
    need(st["architecture"] in ("shallow", "deep") and isinstance(st["shared"], bool), "statement: bad family")
    nat(st["N"], "N", 1, 64)
    nat(st["M"], "M", 1, 64)
    need(st["architecture"] == "deep" or not {"window", "patch_order"} & set(st), "window/patch_order: deep only")
    fam = _family(st)
    if res["status"] == "proved":
        realizations(res["certificate"], fam, st.get("F"), st["M"] ** st["N"], "certificate")
    else:
        need(res["status"] == "refuted" and "F" not in st, "status must be proved or refuted")
        not_universal(res["certificate"], fam, "certificate")
    return (f"{st['architecture']} {st['activation']}/{st['pooling']} nets (N={st['N']}, M={st['M']}"
            f"{', shared' if st['shared'] else ''}) are universal")


# -- rank bounds ----------------------------------------------------------------------------------
def bound_value(expr, fam):
    vals = {"N": fam["N"], "M": fam["M"]}
    if fam["architecture"] == "shallow":
        vals.update(Z=fam["Z"], L=1, w=fam["N"])
    else:
        vals.update(L=len(fam["widths"]), w=fam["window"], **{f"r{l}": r for l, r in enumerate(fam["widths"])})
    syms = {k: sympy.Symbol(k) for k in vals}
    need(isinstance(expr, str), "bound: expected an expression string")
    v = parse_expr(expr, field="bound", symbols=syms).xreplace({syms[k]: sympy.Integer(x) for k, x in vals.items()})
    need(v.is_Rational, f"bound={expr!r} does not evaluate to a rational")
    return v


def check_rank_bound_result(st, res):
    keys(st, ("type", "family", "rows", "bound"), (), "statement")
    fam = st["family"]
    allowed = ("architecture", "N", "M", "activation", "pooling", "shared", "Z", "widths", "window", "patch_order")
    keys(fam, ("architecture", "N", "M", "activation", "pooling", "shared"), allowed[6:], "statement.family")
    need(fam["architecture"] == "shallow" and "Z" in fam and not {"widths", "window", "patch_order"} & set(fam)
         or fam["architecture"] == "deep" and "widths" in fam and "Z" not in fam, "family: Z for shallow, widths for deep")
    rows = rows_of(st["rows"], nat(fam["N"], "N", 2, 64))
    b = bound_value(st["bound"], {**fam, "window": fam.get("window", 2)})
    need(res["status"] == "refuted", "a rank bound is only ever refuted (by a witness) here")
    cert = res["certificate"]
    keys(cert, ("kind", "source", "rows", "certificate"), (), "certificate")
    need(cert["kind"] == "matricization_rank" and cert["rows"] == rows, "certificate: a matricization_rank of the rows")
    net = net_of(cert["source"], "certificate.source")
    numeric(net, "certificate.source")  # F is a weight like the others: any F of the family
    full = dict(fam)
    if net.architecture == "deep":
        full.setdefault("window", 2)
        full.setdefault("patch_order", list(range(fam["N"])))
    family_is(net, full, "certificate.source")
    A = matricize(np.asarray(tensor_of(cert["source"])), net.N, net.M, rows)
    k = check_lower(A, cert["certificate"])
    need(k > b, f"the certified rank {k} does not exceed the bound {b}")
    return f"every {fam['architecture']} {fam['activation']}/{fam['pooling']} net has rank [A]_{rows} <= {st['bound']}"
