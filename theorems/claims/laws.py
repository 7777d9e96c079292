"""Claim ``laws``: the algebra of the activation-pooling operators (paper-notes D5, D6).

product/linear, max/relu and sum/relu are commutative and associative (as operators
on the reals); average/relu and max/tanh are not associative. Each law is decided by
:mod:`symbolic.identity.operator_laws` (identity, or exact / interval counterexample) and re-checked
by the trusted kernel, which rebuilds both sides of every law itself.

>>> v = prove_laws_claim()
>>> v.status.value
'proved'
"""

from __future__ import annotations

from typing import Any

import sympy

from symbolic.identity.decide import prove_zero
from symbolic.kernel.law import law_sides
from symbolic.identity.operator_laws import associativity, commutativity, pooled_fixed
from symbolic.tensor.operators import operator

from theorems.claims.verdict import Status, Timer, conclude

__all__ = ["prove_laws_claim", "decide_law", "laws_answer", "EXPECTED", "LAW_NAMES", "LAW_KEYS"]

#: (activation, pooling, law, holds) — the catalog's expectations.
EXPECTED = (
    ("linear", "product", "commutativity", True), ("linear", "product", "associativity", True),
    ("relu", "max", "commutativity", True), ("relu", "max", "associativity", True),
    ("relu", "sum", "commutativity", True), ("relu", "sum", "associativity", True),
    ("relu", "average", "associativity", False), ("tanh", "max", "associativity", False),
)
_LAWS = {"commutativity": commutativity, "associativity": associativity, "pooled_fixed": pooled_fixed}


def law_certificate(activation: str, pooling: str, law: str, result) -> dict | None:
    """The kernel's certificate of a decided law: an identity (by expansion, or a case analysis whose
    every region carries its LP evidence) when it holds, the point of the prover's counterexample
    when it fails; None when undecided."""
    if result.holds is None:
        return None
    if not result.holds:
        return {"kind": "counterexample", "point": dict(result.certificate["point"])}
    lhs, rhs, variables = law_sides(activation, pooling, law)
    if sympy.expand(lhs - rhs) == 0:
        return {"kind": "identity", "method": "expansion"}
    r = prove_zero(lhs - rhs, variables)
    return {"kind": "identity", "method": "case-analysis", "identity": r.certificate} if r.holds else None


def _law_cert(result, activation, pooling):
    return {"kind": "law", "activation": activation, "pooling": pooling, "law": result.law, "holds": result.holds,
            "certificate": law_certificate(activation, pooling, result.law, result)}


def decide_law(*, activation: str, pooling: str, law: str, holds: bool = True, seed: int = 0):
    """Check the claim "law holds (holds=True) / fails (holds=False) for activation/pooling".

    Proved when the decision agrees with the claim; refuted (with the certificate of the
    opposite answer) when it does not; inconclusive when undecided.
    """
    t = Timer()
    r = _LAWS[law](operator(activation, pooling))
    claim_text = f"{pooling}/{activation} is {'' if holds else 'not '}{law[:-3] + 've' if law.endswith('ity') else law}"
    if r.holds is None:
        status = Status.INCONCLUSIVE
    else:
        status = Status.PROVED if r.holds == holds else Status.REFUTED
    typed = {"type": "law", "activation": activation, "pooling": pooling, "law": law}
    return conclude("laws", claim_text, "", dict(activation=activation, pooling=pooling, law=law, holds=holds),
                    status, law_certificate(activation, pooling, law, r), t, seed,
                    f"{law}: {'holds' if r.holds else 'fails'} "
                    f"({r.certificate.get('method', r.certificate.get('kind'))})",
                    typed=typed, typed_status=None if r.holds is None else "proved" if r.holds else "refuted")


def prove_laws_claim(*, seed: int = 0):
    """All of the catalog's law statements at once (one verdict, a certificate per law)."""
    t = Timer()
    parts, wrong = [], []
    for act, pool, law, holds in EXPECTED:
        r = _LAWS[law](operator(act, pool))
        parts.append(_law_cert(r, act, pool))
        if r.holds is not holds:
            wrong.append(f"{pool}/{act} {law}")
    status = Status.PROVED if not wrong else Status.REFUTED if all(p["holds"] is not None
                                                                   for p in parts) else Status.INCONCLUSIVE
    return conclude("laws",
                    "product/linear, max/relu and sum/relu are commutative and associative; "
                    "average/relu and max/tanh are not associative",
                    r"g(a,b)=g(b,a),\ g(g(a,b),c)=g(a,g(b,c))\ \text{for } g\in\{ab,\max(a,b,0),a^++b^+\}",
                    {"operators": ["product/linear", "max/relu", "sum/relu", "average/relu", "max/tanh"]},
                    status, {"kind": "all", "parts": parts}, t, seed,
                    "6 identities and 2 counterexamples" if not wrong else "unexpected: " + ", ".join(wrong))


LAW_NAMES = ("commutativity", "associativity", "pooled_fixed")


LAW_KEYS = {"commutativity": "commutative", "associativity": "associative", "pooled_fixed": "pooled_fixed"}


def laws_answer(activation: str, pooling: str) -> dict:
    """The laws of one operator, each decided and re-verified by the trusted kernel.

    ``results`` holds one kernel result per law (statement, status, certificate): the
    answer file of ``convac check laws --json``.

    >>> a = laws_answer("relu", "average")
    >>> a["commutative"], a["associative"], a["pooled_fixed"], a["status"]
    (True, False, True, 'proved')
    >>> a["results"][1]["certificate"]["point"]
    {'a': 1, 'b': 0, 'c': 0}
    """
    from symbolic.kernel.recheck import check_result
    from symbolic.identity.operator_laws import associativity, commutativity, pooled_fixed
    from symbolic.tensor.operators import operator

    op = operator(activation, pooling)
    act, pool = op.activation.spec_name, op.pooling.name
    deciders = {"commutativity": commutativity, "associativity": associativity, "pooled_fixed": pooled_fixed}
    out: dict[str, Any] = {"operator": op.name, "activation": act, "pooling": pool,  # the JSON answer
                           "definition": f"g(a, b) = {pool}({act}(a), {act}(b))", "results": [], "details": []}
    for law in LAW_NAMES:
        r = deciders[law](op)
        cert = law_certificate(act, pool, law, r)
        res = {"statement": {"type": "law", "activation": act, "pooling": pool, "law": law},
               "status": "inconclusive" if cert is None else "proved" if r.holds else "refuted", "certificate": cert}
        line = check_result(res) if cert is not None else None
        if line is not None and not line.ok:
            res, cert = dict(res, status="inconclusive", certificate=None), None
        holds = None if cert is None else r.holds
        out[LAW_KEYS[law]] = holds
        out["results"].append(res)
        out["details"].append(_law_detail(r, cert, None if line is None or line.ok else line.reason))
    out["iterable"] = (False if False in (out["associative"], out["pooled_fixed"]) else
                       None if None in (out["associative"], out["pooled_fixed"]) else True)
    out["status"] = "proved" if all(r["status"] != "inconclusive" for r in out["results"]) else "inconclusive"
    return out


def _law_detail(r, cert, note=None) -> str:
    c = r.certificate or {}
    if cert is None:
        return f"undecided: {note or c.get('reason', '')}"
    if r.holds:
        how = cert.get("method", "identity")
        if how == "case-analysis":
            n = len((cert.get("identity") or {}).get("regions", []))
            how = f"case analysis over {n} sign/order region{'s' if n != 1 else ''}"
        elif how == "expansion":
            how = "the difference expands to 0"
        return f"identity: {how}"
    pt = ", ".join(f"{k}={v}" for k, v in c.get("point", {}).items())
    if "lhs_enclosure" in c:
        return (f"counterexample at {pt}: lhs = {c.get('lhs_value')} in {_decimal_interval(c['lhs_enclosure'])}, "
                f"rhs = {c.get('rhs_value')} in {_decimal_interval(c['rhs_enclosure'])} (disjoint enclosures, "
                f"interval arithmetic with outward rounding, {c.get('precision_bits')} bits)")
    return f"counterexample at {pt}: lhs = {c.get('lhs_value')}, rhs = {c.get('rhs_value')} (exact)"


def _decimal_interval(enc, digits: int = 6) -> str:
    """An exact enclosure [lo, hi] (ints, "p/q" strings) widened outward to ``digits`` decimals, for display.

    >>> _decimal_interval(["1/3", "2/3"], 3)
    '[0.333, 0.667]'
    """
    import math
    from fractions import Fraction

    def fmt(x, up):
        if x in ("oo", "-oo"):
            return x
        q = Fraction(x) * 10**digits
        n = math.ceil(q) if up else math.floor(q)
        sign = "-" if n < 0 else ""
        n = abs(n)
        return f"{sign}{n // 10 ** digits}.{n % 10 ** digits:0{digits}d}"

    return f"[{fmt(enc[0], False)}, {fmt(enc[1], True)}]"
