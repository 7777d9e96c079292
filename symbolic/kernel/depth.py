"""Statements of type ``depth``: depth efficiency of one activation-pooling pair (``convac check depth``).

``{"type": "depth", "part": P, "activation", "pooling", "N", "M"[, "widths"], ...}``, rank always of
[A]_odd-even (rows = the even 0-based modes), deep nets of window 2 in the identity patch order:

``shallow_term_bound`` (``bound`` T)  proved: one shallow channel (Z = 1) has rank <= T for all weights:
    a ``factorization`` U V of inner size T (product: T = 1, sum and average: T = 2) or the row structure
    ``max_term_rows`` (max: T = M |rows|); refuted: a numeric channel with a certified rank above T.
``deep_witness`` (``rank`` k, ``term_bound`` T, ``Z`` = ceil(k / T), ``params``)  proved: deep weights of the
    family with a certified rank k (``matricization_rank``), so a shallow net needs Z channels; ``params``
    counts the deep net's weights.  T is the bound the first part proves for this pooling.
``completeness`` (``answer`` complete: ``rank`` k, ``Z``)  proved: rank >= k for almost every deep weight: a
    witness of rank k, and sigma and P polynomial (read off the kernel's own operator definitions), so every
    minor is a polynomial in the weights, nonzero at the witness (Schwartz-Zippel).  refuted: a box (below)
    with ``box_rank`` < k.
``completeness`` (``answer`` incomplete: ``rank`` k, ``Z``, ``Z_small``, ``box_rank`` r)  proved: a witness
    of rank k, and an open box of deep weights on which a shallow net with Z_small channels realizes the
    deep net (``box_identity``) and [A] = U V with inner size r < k (U, V on the box).
``exponential`` (``sizes``)  only ever tested: the growth of the witnesses' Z with N.
"""

from __future__ import annotations

import sympy

from . import witnesses as C
from . import schema
from .linalg import matricize
from .network import activation, pool
from .sources import default_widths, identity_F, nat, need, net_of

BASE = ("type", "part", "activation", "pooling", "N", "M")


def term_bound_of(pooling, N, M) -> int:
    """T of the pooling: the bound the ``shallow_term_bound`` part proves (product 1, sum and average 2,
    max M |rows|)."""
    return {"product": 1, "sum": 2, "average": 2}.get(pooling, M * len(C.odd_even(N)))


def polynomial(act, pl) -> bool:
    """sigma(x) and P(a, b) are polynomials, by the kernel's own definitions of the operators."""
    x, a, b = sympy.symbols("x a b")
    return (sympy.sympify(activation(act)[1](x), strict=True).is_polynomial(x) is True
            and sympy.sympify(pool(pl, [a, b]), strict=True).is_polynomial(a, b) is True)


def _fams(st):
    N, M = st["N"], st["M"]
    op = dict(N=N, M=M, activation=st["activation"], pooling=st["pooling"], shared=False)
    widths = st.get("widths", default_widths(N, M))
    return (dict(op, architecture="shallow", Z=1),
            dict(op, architecture="deep", window=2, patch_order=list(range(N)), widths=widths))


def _witness(part, fam, st, what):
    k, _ = C.witness_rank(part, fam, C.odd_even(st["N"]), what)
    identity_F(net_of(part["source"]), what)
    need(k == st["rank"], f"{what}: the certified rank is {k}, the statement says {st['rank']}")
    return k


def _box(part, fam, st, what):
    A, syms, Z = C.box(part, fam, what)
    identity_F(net_of(part["left"]), f"{what}.left")
    need("U" in part and "V" in part, f"{what}: U and V, a factorization of the deep tensor on the box")
    r = C.factorized(matricize(A, st["N"], st["M"], C.odd_even(st["N"])), part["U"], part["V"], syms, what)
    need(st.get("box_rank") in (None, r), f"{what}: box_rank {st.get('box_rank')} != the inner size {r}")
    return r, Z


def validate(st) -> dict:
    """Every field of a depth statement, whatever its status: the part and its fields, the operator, N a
    power of 2 (window 2), the widths (one per layer)."""
    part = st.get("part") if isinstance(st, dict) else None
    extra = {"shallow_term_bound": ("bound",), "deep_witness": ("widths", "rank", "term_bound", "Z", "params"),
             "completeness": ("answer", "rank", "Z"), "exponential": ("sizes",)}
    schema.need(part in extra, f"statement.part={str(part)[:40]!r}: expected one of {sorted(extra)}")
    if part == "completeness":
        schema.choice(st.get("answer"), ("complete", "incomplete", "unknown"), "statement.answer")
    small = ("Z_small", "box_rank") if part == "completeness" and st.get("answer") == "incomplete" else ()
    if part == "exponential":  # the growth over several N: only ever tested
        schema.fields(st, ("type", "part", "activation", "pooling", "M", "sizes"), (), "statement")
        schema.operator(st["activation"], st["pooling"])
        schema.nat(st["M"], "statement.M", 1, 64)
        schema.need(isinstance(st["sizes"], list) and st["sizes"] and all(
            isinstance(x, int) and not isinstance(x, bool) and 2 <= x <= 64 and x & (x - 1) == 0 for x in st["sizes"]),
            f"statement.sizes={str(st['sizes'])[:40]}: a nonempty list of N values, powers of 2")
        return st
    values = extra[part][1:] + ("widths",) if part == "completeness" else extra[part]  # unknown until proved
    schema.fields(st, BASE + extra[part][:1] * (part == "completeness") + small, values, "statement")
    schema.operator(st["activation"], st["pooling"])
    for k in ("rank", "term_bound", "params", "Z", "bound") + small:
        if k in st:
            schema.nat(st[k], f"statement.{k}", 0, 1 << 62)
    N, M = schema.nat(st["N"], "statement.N", 2, 64), schema.nat(st["M"], "statement.M", 1, 64)
    schema.geometry(N, 2, None, "statement")
    if "widths" in st:
        schema.widths(st["widths"], schema.depth_of(N, 2), "statement.widths")
    return st


def describe(st) -> str:
    where = f"N in {st['sizes']}" if st.get("part") == "exponential" else f"N={st.get('N')}"
    return f"depth {st.get('part')} of {st.get('activation')}/{st.get('pooling')} {where} M={st.get('M')}"


def check_depth_result(st, res):
    validate(st)
    part, status = st["part"], res["status"]
    N, M = st["N"], st["M"]
    need(part != "exponential", "part=exponential is only ever tested (no certificate proves it)")
    need(part != "completeness" or st["answer"] != "unknown", "answer=unknown asserts nothing: its status is inconclusive")
    missing = [k for k in {"shallow_term_bound": ("bound",), "deep_witness": ("widths", "rank", "term_bound", "Z", "params"),
                           "completeness": ("rank", "Z")}[part] if k not in st]
    need(not missing, f"statement: a {status} {part} states its values; missing {missing}")
    sh, dp = _fams(st)
    cert, T = res["certificate"], term_bound_of(st["pooling"], N, M)
    text = f"{st['activation']}/{st['pooling']} N={N} M={M}: "
    if part == "shallow_term_bound":
        b = nat(st["bound"], "bound", 0, 1 << 30)
        if status == "refuted":
            k, _ = C.witness_rank(cert, sh, C.odd_even(N), "certificate")
            need(k > b, f"the certified rank {k} does not exceed {b}")
            return text + f"a shallow channel has rank <= {b}"
        need(status == "proved", "status must be proved or refuted")
        if isinstance(cert, dict) and cert.get("kind") == "max_term_rows":
            got = C.max_rows(cert, sh)
        else:
            rows, got = C.factorization(cert, sh, "certificate")
            need(rows == C.odd_even(N), "certificate: a factorization of [A]_odd-even")
        need(got == b, f"the certificate proves rank <= {got}, the statement says {b}")
        return text + f"a shallow channel has rank <= {b} for all weights"
    need(nat(st["Z"], "Z", 0, 1 << 62) == -(-st["rank"] // T), f"Z={st['Z']}: ceil(rank / T) = ceil({st['rank']}/{T})")
    if part == "deep_witness":
        need(status == "proved" and st["term_bound"] == T, f"a proved witness, with T = {T}")
        _witness(cert, dp, st, "certificate")
        p = len(net_of(cert["source"]).weights())
        need(st["params"] == p, f"params={st['params']}: the witness has {p} weights")
        return text + f"some deep weights give rank >= {st['rank']}, so shallow nets need Z >= {st['Z']}"
    ps = C.parts(cert)
    if st["answer"] == "complete" and status == "proved":
        need(polynomial(st["activation"], st["pooling"]), "not polynomial: sigma or P is not a polynomial")
        need(len(ps) == 1, "certificate: a witness")
        _witness(ps[0], dp, st, "part 0")
        return text + f"almost every deep weight gives rank >= {st['rank']} (shallow Z >= {st['Z']})"
    if st["answer"] == "complete":
        need(status == "refuted" and len(ps) == 1, "status must be proved or refuted; a refutation is one box")
        r, _ = _box(ps[0], dp, st, "part 0")
        need(r < st["rank"], f"the box's rank bound {r} is not below {st['rank']}")
        return text + f"almost every deep weight gives rank >= {st['rank']}"
    need(st["answer"] == "incomplete" and status == "proved" and len(ps) == 2,
         "answer complete or incomplete; incomplete is proved by a witness and a box")
    _witness(ps[0], dp, st, "part 0")
    r, Z = _box(ps[1], dp, st, "part 1")
    need(Z == st["Z_small"] and r == st["box_rank"] and r < st["rank"],
         f"part 1: Z_small={st['Z_small']}, box_rank={st['box_rank']}: the box gives Z {Z} and rank <= {r} "
         f"(must be below {st['rank']})")
    return text + (f"an open box of deep weights is realized by shallow nets with Z = {Z} (rank <= {r} < "
                   f"{st['rank']}): depth efficiency is incomplete")


check = check_depth_result

__all__ = ["validate", "describe", "check", "check_depth_result", "term_bound_of", "polynomial"]
