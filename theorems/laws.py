"""Claim ``laws``: the algebra of the activation-pooling operators (paper-notes D5, D6).

product/linear, max/relu and sum/relu are commutative and associative (as operators
on the reals); average/relu and max/tanh are not associative. Each law is decided by
:mod:`symbolic.laws` (identity, or exact / interval counterexample) and re-checked
by the trusted kernel, which rebuilds both sides of every law itself.

>>> v = check_laws()
>>> v.status.value
'proved'
"""

from __future__ import annotations

import sympy

from symbolic.identity import prove_zero
from symbolic.kernel.statements import law_sides
from symbolic.laws import associativity, commutativity, pooled_fixed
from symbolic.operators import operator

from .verdict import Status, Timer, conclude

__all__ = ["check_laws", "check_law", "EXPECTED"]

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


def check_law(*, activation: str, pooling: str, law: str, holds: bool = True, seed: int = 0):
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
                    status, law_certificate(activation, pooling, law, r), t, seed, f"{law}: {'holds' if r.holds else 'fails'} ({r.certificate.get('method', r.certificate.get('kind'))})",
                    typed=typed, typed_status=None if r.holds is None else "proved" if r.holds else "refuted")


def check_laws(*, seed: int = 0):
    """All of the catalog's law statements at once (one verdict, a certificate per law)."""
    t = Timer()
    parts, wrong = [], []
    for act, pool, law, holds in EXPECTED:
        r = _LAWS[law](operator(act, pool))
        parts.append(_law_cert(r, act, pool))
        if r.holds is not holds:
            wrong.append(f"{pool}/{act} {law}")
    status = Status.PROVED if not wrong else Status.REFUTED if all(p["holds"] is not None for p in parts) else Status.INCONCLUSIVE
    return conclude("laws",
                    "product/linear, max/relu and sum/relu are commutative and associative; "
                    "average/relu and max/tanh are not associative",
                    r"g(a,b)=g(b,a),\ g(g(a,b),c)=g(a,g(b,c))\ \text{for } g\in\{ab,\max(a,b,0),a^++b^+\}",
                    {"operators": ["product/linear", "max/relu", "sum/relu", "average/relu", "max/tanh"]},
                    status, {"kind": "all", "parts": parts}, t, seed,
                    "6 identities and 2 counterexamples" if not wrong else "unexpected: " + ", ".join(wrong))
