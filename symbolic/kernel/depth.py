"""Statements of type ``depth``: depth efficiency of one activation-pooling pair (``convac check depth``).

``{"type": "depth", "part": P, "activation", "pooling", "N", "M"[, "widths"], ...}``, rank always of
[A]_odd-even (rows = the even 0-based modes), deep nets of window 2 in the identity patch order, F = identity.

Numbers (each certified, then combined by the kernel, never taken from the file):

- T, the term bound (``term_bound``): one shallow channel has rank <= T for ALL weights.  Product 1 (a
  factorization u v^T); sum and average 2 (an *additive* factorization r 1^T + 1 c^T, which also bounds the
  whole shallow family at ANY width: ``family_bound`` true); max |rows|(M - 1) + 1 (``max_term_rows``, the lemma
  of :func:`symbolic.kernel.witnesses.max_rows`).
- k, a rank: at one deep weight (exists: ``matricization_rank``, or ``arb_minor`` for tanh and sigmoid) or for
  almost every deep weight (one rule of :mod:`symbolic.kernel.generic`, named in ``rule``).
- Z = :func:`forced` (k, T, family): ``"unbounded"`` when the family bound holds and k > T (no shallow net of
  any width reaches rank k), else ceil(k / T): every shallow net realizing the tensor has Z channels or more.
- Z_box: the width of a shallow net that realizes the deep net on an open box of deep weights (``box_identity``).

Parts (proposition; quantifier; certificate):

``shallow_term_bound`` (``bound`` T[, ``family_bound``])  proved: for all weights one channel (and, with
    ``family_bound``, every shallow net) has rank <= T; refuted: a numeric channel of certified rank > T.
``deep_witness`` (``rank`` k, ``term_bound`` T, ``Z``, ``params``)  proved (exists): deep weights with rank >= k,
    so a shallow net realizing them needs Z channels; ``params`` counts the deep net's weights.
``completeness`` (``answer``, the label; the kernel derives it from the certified numbers and rejects any other):
    - ``none``: ``Z_all`` = 1: the deep net equals a ONE-channel shallow net for ALL weights
      (``all_weights_identity``): no depth efficiency at all (linear/sum, linear/average).  Requires M >= 2 and
      at least M channels per layer: at M = 1 (one grid entry) or with r_0 = 1 every deep ConvAC is a one-channel
      shallow net too, though ConvACs have complete depth efficiency (COLT 2016, Thm 1: rank >=
      min(r_0, M)^(N/2) a.e.); an identity there is a fact about the degenerate widths, not the operator.
    - ``complete``: parts [term bound, a.e. rank k by ``rule``]; requires Z_ae = forced(k, T) >= 2 (or
      unbounded): a shallow net needs >= 2 channels for almost every deep weight, so no open box needs fewer.
      refuted: one box with ``box_rank`` < k (rank >= k fails on an open set).
    - ``incomplete``: parts [term bound, witness k, box]; requires Z_box < Z_w = forced(k, T) (unbounded counts
      as above every width): an open set of deep weights needs strictly fewer shallow channels than the witness.
    - ``unknown``: asserts nothing (inconclusive).
    A label with no content (forced Z <= 1) is never complete or incomplete.
``approximation`` (``rank`` k, ``term_bound`` T, ``Z``, ``eps2``)  proved: the witness's grid tensor is at Frobenius
    distance >= sqrt(eps2) from EVERY shallow net with at most Z channels (any width when ``Z`` is "any" and the
    family bound holds): parts [term bound, witness, Courant-Fischer certificate of sigma_{ZT+1} >= sqrt(eps2)]
    (:mod:`symbolic.kernel.approximation`).
``exponential`` (``sizes``)  only ever tested: the growth of the witnesses' Z with N.

Why acceptance implies truth: every number above is re-derived from a certificate that proves it with its
quantifier (the modules named), and the label is a function of those numbers (:func:`label_of`).
"""

from __future__ import annotations

from .lazy import sympy

from . import approximation, generic, schema
from . import witnesses as C
from .linalg import matricize
from .network import activation, pool
from .sources import default_widths, identity_F, nat, need, net_of, tensor_of

BASE = ("type", "part", "activation", "pooling", "N", "M")
UNBOUNDED = "unbounded"
ANSWERS = ("none", "complete", "incomplete", "unknown")


def term_bound_of(pooling, N, M) -> int:
    """T of the pooling: product 1, sum and average 2, max |rows|(M - 1) + 1 (the tightest proved)."""
    return {"product": 1, "sum": 2, "average": 2}.get(pooling) or C.max_term_bound(N, M)


def family_bound(pooling) -> bool:
    """T bounds the whole shallow family at any width (sum and average: additively separable)."""
    return pooling in ("sum", "average")


def forced(k, T, family):
    """The shallow width forced by rank k: "unbounded" past a family bound, else ceil(k / T)."""
    return UNBOUNDED if family and k > T else -(-k // T)


def _gt(a, b) -> bool:
    return a == UNBOUNDED and b != UNBOUNDED or (a != UNBOUNDED and b != UNBOUNDED and a > b)


def label_of(answer, *, Z=None, Z_box=None, Z_all=None) -> bool:
    """Does the label follow from the certified numbers?  none: Z_all = 1; complete: Z >= 2; incomplete:
    Z_box < Z (and so Z >= 2)."""
    return {"none": Z_all == 1, "complete": Z is not None and _gt(Z, 1),
            "incomplete": Z_box is not None and Z is not None and _gt(Z, Z_box)}.get(answer, False)


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


def _term(cert, fam, N, what):
    """(T, family) proved by a term-bound certificate for one channel of the family, for all weights."""
    if isinstance(cert, dict) and cert.get("kind") == "max_term_rows":
        return C.max_rows(cert, fam, what), False
    rows, T = C.factorization(cert, fam, what)
    need(rows == C.odd_even(N), f"{what}: a factorization of [A]_odd-even")
    return T, T == 2 and C.additive(cert["U"], cert["V"])


def _witness(part, fam, st, what):
    """k: a certified rank at one numeric deep net (exact minor mod p, or an arb minor for tanh, sigmoid)."""
    net = net_of(part.get("source"), what) if isinstance(part, dict) else None
    if isinstance(part, dict) and part.get("kind") == "arb_minor":
        schema.fields(part, ("kind", "source", "rows", "minor"), (), what)
        need(part["rows"] == C.odd_even(st["N"]), f"{what}: rows {C.odd_even(st['N'])}")
        C.family_is(net, fam, what)
        identity_F(net, what)
        k = generic.arb_minor_rank(net, part, part["rows"], what)
    else:
        k, _ = C.witness_rank(part, fam, C.odd_even(st["N"]), what)
        identity_F(net_of(part["source"]), what)
    need(k == st["rank"], f"{what}: the certified rank is {k}, the statement says {st['rank']}")
    return k


def _almost_every(part, fam, st, what):
    """k for almost every deep weight, by the rule the statement names (:mod:`symbolic.kernel.generic`)."""
    rule = st["rule"]
    if rule == generic.SCHWARTZ_ZIPPEL:
        need(part.get("kind") == "matricization_rank", f"{what}: Schwartz-Zippel takes a matricization_rank witness")
        k = _witness(part, fam, st, what)
        generic.require_schwartz_zippel(net_of(part["source"]), what)
        return k
    schema.fields(part, ("kind", "source", "rows", "minor"), (), what)
    need(part["kind"] == {generic.REGIONS: "regions", generic.ANALYTIC: "arb_minor"}[rule] and
         part["rows"] == C.odd_even(st["N"]), f"{what}: the {rule} rule's certificate for the odd-even rows")
    net = net_of(part["source"], what)
    C.family_is(net, fam, what)
    k = (generic.require_regions if rule == generic.REGIONS
         else generic.require_analytic)(net, part, part["rows"], what)
    need(k == st["rank"], f"{what}: the rule proves rank >= {k}, the statement says {st['rank']}")
    return k


def _box(part, fam, st, what):
    A, syms, Z = C.box(part, fam, what)
    identity_F(net_of(part["left"]), f"{what}.left")
    need("U" in part and "V" in part, f"{what}: U and V, a factorization of the deep tensor on the box")
    r = C.factorized(matricize(A, st["N"], st["M"], C.odd_even(st["N"])), part["U"], part["V"], syms, what)
    need(st.get("box_rank") in (None, r), f"{what}: box_rank {st.get('box_rank')} != the inner size {r}")
    return r, Z


def _Z(x, what):
    need(x == UNBOUNDED or (isinstance(x, int) and not isinstance(x, bool) and 0 <= x < 1 << 62),
         f"{what}={str(x)[:40]!r}: expected an int or \"unbounded\"")
    return x


EXTRA = {"shallow_term_bound": (("bound",), ("family_bound",)),
         "deep_witness": (("widths", "rank", "term_bound", "Z", "params"), ()),
         "approximation": (("widths", "rank", "term_bound", "family_bound", "Z", "eps2"), ())}
VALUES = {"none": ("Z_all",), "complete": ("rank", "term_bound", "family_bound", "Z", "rule"),
          "incomplete": ("rank", "term_bound", "family_bound", "Z", "Z_box", "box_rank"),
          "unknown": ("rank", "term_bound", "family_bound", "Z")}


def validate(st) -> dict:
    """Every field of a depth statement, whatever its status: the part and its fields, the operator, N a
    power of 2 (window 2), the widths (one per layer), each number's range."""
    part = st.get("part") if isinstance(st, dict) else None
    parts = ("shallow_term_bound", "deep_witness", "completeness", "approximation", "exponential")
    schema.need(part in parts, f"statement.part={str(part)[:40]!r}: expected one of {sorted(parts)}")
    if part == "exponential":  # the growth over several N: only ever tested
        schema.fields(st, ("type", "part", "activation", "pooling", "M", "sizes"), (), "statement")
        schema.operator(st["activation"], st["pooling"])
        schema.nat(st["M"], "statement.M", 1, 64)
        schema.need(isinstance(st["sizes"], list) and st["sizes"] and all(
            isinstance(x, int) and not isinstance(x, bool) and 2 <= x <= 64 and x & (x - 1) == 0 for x in st["sizes"]),
            f"statement.sizes={str(st['sizes'])[:40]}: a nonempty list of N values, powers of 2")
        return st
    if part == "completeness":
        schema.choice(st.get("answer"), ANSWERS, "statement.answer")
        req, opt = ("answer",), VALUES[st["answer"]] + ("widths",)  # values: unknown until proved
    else:
        req, opt = EXTRA[part]  # type: ignore[assignment, index]
    schema.fields(st, BASE + req, opt, "statement")
    schema.operator(st["activation"], st["pooling"])
    for k in ("rank", "term_bound", "params", "bound", "Z_box", "box_rank", "Z_all"):
        if k in st:
            schema.nat(st[k], f"statement.{k}", 0, 1 << 62)
    if "Z" in st and not (part == "approximation" and st["Z"] == "any"):
        _Z(st["Z"], "statement.Z")
    if "family_bound" in st:
        schema.boolean(st["family_bound"], "statement.family_bound")
    if "rule" in st:
        schema.choice(st["rule"], generic.RULES, "statement.rule")
    if "eps2" in st:
        approximation.positive_rational(st["eps2"], "statement.eps2")
    N = schema.nat(st["N"], "statement.N", 2, 64)
    schema.nat(st["M"], "statement.M", 1, 64)
    schema.geometry(N, 2, None, "statement")
    if "widths" in st:
        schema.widths(st["widths"], schema.depth_of(N, 2), "statement.widths")
    return st


def _widths_text(st) -> str:
    """The deep widths a part is checked at (absent: M per layer), for every part about the deep net: the
    printed statement names them, or "some deep weights" would read as any widths."""
    if st.get("part") in ("shallow_term_bound", "exponential"):
        return ""
    return f" widths={list(st.get('widths', default_widths(st['N'], st['M'])))}"


def describe(st) -> str:
    """The part, the operator, N, M and (parts about the deep net) its widths.

    >>> describe({"type": "depth", "part": "deep_witness", "activation": "relu", "pooling": "max", "N": 4, "M": 2,
    ...           "widths": [2, 1], "rank": 2, "term_bound": 3, "Z": 1, "params": 13})
    'depth deep_witness of relu/max N=4 M=2 widths=[2, 1]'
    """
    where = f"N in {st.get('sizes')}" if st.get("part") == "exponential" else f"N={st.get('N')}"
    return f"depth {st.get('part')} of {st.get('activation')}/{st.get('pooling')} {where} M={st.get('M')}" + \
        _widths_text(st)


def _numbers(st, ps, sh, what="part 0"):
    """T and the family flag from the term-bound part, checked against the statement; the kernel's own T."""
    T, fam = _term(ps[0], sh, st["N"], what)
    need(T == term_bound_of(st["pooling"], st["N"], st["M"]) and st["term_bound"] == T and st["family_bound"] == fam,
         f"{what}: the certificate proves T = {T} (family bound {fam}); the statement says T = {st['term_bound']} "
         f"(family bound {st['family_bound']})")
    return T, fam


def check_depth_result(st, res):
    validate(st)
    part, status = st["part"], res["status"]
    N, M = st["N"], st["M"]
    need(part != "exponential", "part=exponential is only ever tested (no certificate proves it)")
    need(part != "completeness" or st["answer"] != "unknown",
         "answer=unknown asserts nothing: its status is inconclusive")
    want = VALUES[st["answer"]] if part == "completeness" else EXTRA[part][0]
    missing = [k for k in want if k not in st and not (k == "rule" and status == "refuted")]
    need(not missing, f"statement: a {status} {part} states its values; missing {missing}")
    sh, dp = _fams(st)
    cert = res["certificate"]
    text = f"{st['activation']}/{st['pooling']} N={N} M={M}{_widths_text(st)}: "
    if part == "shallow_term_bound":
        b = nat(st["bound"], "bound", 0, 1 << 30)
        if status == "refuted":
            need("family_bound" not in st, "a refuted term bound is about one channel")
            k, _ = C.witness_rank(cert, sh, C.odd_even(N), "certificate")
            need(k > b, f"the certified rank {k} does not exceed {b}")
            return text + f"a shallow channel has rank <= {b}"
        need(status == "proved", "status must be proved or refuted")
        got, fam = _term(cert, sh, N, "certificate")
        need(got == b, f"the certificate proves rank <= {got}, the statement says {b}")
        need(st.get("family_bound", False) <= fam, "family_bound: the factorization is not additive")
        return text + f"a shallow {'net of any width' if st.get('family_bound') else 'channel'} has rank <= {b} " \
                      "for all weights"
    ps = C.parts(cert)
    if part == "deep_witness":
        T = term_bound_of(st["pooling"], N, M)
        Z = forced(st["rank"], T, family_bound(st["pooling"]))
        need(st["Z"] == Z, f"Z={st['Z']}: forced(rank {st['rank']}, T {T}) = {Z}")
        need(status == "proved" and st["term_bound"] == T, f"a proved witness, with T = {T}")
        _witness(cert, dp, st, "certificate")
        p = len(net_of(cert["source"]).weights())
        need(st["params"] == p, f"params={st['params']}: the witness has {p} weights")
        return text + f"some deep weights give rank >= {st['rank']}, so shallow nets need Z >= {st['Z']}"
    if part == "approximation":
        need(status == "proved" and len(ps) == 3, "a proved approximation bound: term bound, witness, certificate")
        T, fam = _numbers(st, ps, sh)
        need(isinstance(ps[1], dict) and ps[1].get("kind") == "matricization_rank",
             "part 1: the approximation bound needs an exact witness tensor")
        _witness(ps[1], dp, st, "part 1")
        need(st["Z"] != UNBOUNDED and (st["Z"] != "any" or fam), "Z: a width, or any with a family bound")
        m = T + 1 if st["Z"] == "any" else st["Z"] * T + 1
        A = matricize(tensor_of(ps[1]["source"]), N, M, C.odd_even(N))
        approximation.check(A, ps[2], m, st["eps2"], "part 2")
        return text + (f"the witness is at Frobenius distance >= sqrt({st['eps2']}) from every shallow net with "
                       f"<= {st['Z']} channels (sigma_{m} >= sqrt(eps2))")
    answer = st["answer"]
    if answer == "none":
        need(status == "proved" and len(ps) == 1, "none: one all_weights_identity")
        widths = st.get("widths", default_widths(N, M))
        need(M >= 2 and min(widths) >= M, f"none at M={M}, widths={widths}: no content; an identity denies depth "
             "efficiency only at M >= 2 with at least M channels per layer (at M = 1 or r_0 = 1 a deep ConvAC is a "
             "one-channel shallow net too)")
        Z = C.identity_all_weights(ps[0], dp, "part 0")
        need(Z == st["Z_all"] and label_of("none", Z_all=Z), f"part 0: a shallow net with {Z} channels "
             f"(Z_all={st['Z_all']}); none needs ONE channel for all weights")
        return text + "the deep net equals a one-channel shallow net for all weights: no depth efficiency"
    if answer == "complete" and status == "refuted":
        need(len(ps) == 1, "a refutation of complete is one box")
        T, fam = term_bound_of(st["pooling"], N, M), family_bound(st["pooling"])
        need((st["term_bound"], st["family_bound"], st["Z"]) == (T, fam, forced(st["rank"], T, fam)),
             f"the statement's numbers: T = {T}, family bound {fam}, Z = forced(rank, T)")
        r, _ = _box(ps[0], dp, st, "part 0")
        need(r < st["rank"], f"the box's rank bound {r} is not below {st['rank']}")
        return text + f"almost every deep weight gives rank >= {st['rank']}"
    need(status == "proved" and len(ps) == {"complete": 2, "incomplete": 3}[answer],
         "complete: [term bound, a.e. rank]; incomplete: [term bound, witness, box]")
    T, fam = _numbers(st, ps, sh)
    Z = forced(st["rank"], T, fam)
    need(st["Z"] == Z, f"Z={st['Z']}: forced(rank {st['rank']}, T {T}, family {fam}) = {Z}")
    if answer == "complete":
        _almost_every(ps[1], dp, st, "part 1")
        need(label_of("complete", Z=Z), f"complete needs Z_ae >= 2; rank {st['rank']} forces only Z >= {Z}: no content")
        return text + f"almost every deep weight ({st['rule']}) gives rank >= {st['rank']}: shallow Z >= {Z}"
    _witness(ps[1], dp, st, "part 1")
    r, Zb = _box(ps[2], dp, st, "part 2")
    need(Zb == st["Z_box"] and r == st["box_rank"] and label_of("incomplete", Z=Z, Z_box=Zb),
         f"part 2: the box gives Z_box {Zb} (statement {st['Z_box']}), rank <= {r} (statement {st['box_rank']}); "
         f"incomplete needs Z_box < the witness's Z = {Z}")
    return text + (f"an open box of deep weights is realized by shallow nets with Z = {Zb} < {Z}, the width the "
                   f"witness forces: depth efficiency is incomplete")


check = check_depth_result

__all__ = ["validate", "describe", "check", "check_depth_result", "term_bound_of", "family_bound", "forced",
           "label_of", "polynomial", "UNBOUNDED"]
