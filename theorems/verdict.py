"""Verdicts: what a check showed, with its certificate, re-verified by the trusted checker.

Statuses (design.md section 3): ``proved`` (the certificate covers every case the
statement quantifies over, or exhibits the witness an existence statement asks
for), ``tested`` (sampled only: evidence, never called proved), ``refuted`` (a
checked counterexample), ``inconclusive`` (budget ran out, or a certificate
did not verify). "No counterexample found" is inconclusive, never true.

>>> v = Verdict("demo", "1 = 1", "1 = 1", {}, Status.PROVED, None, "none", 0.0, 0)
>>> v.status.value, v.to_dict()["claim"]
('proved', 'demo')
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from enum import Enum

from symbolic.checker import check_certificate
from symbolic.errors import CertificateError

__all__ = ["Status", "Verdict", "conclude", "Timer"]


class Status(str, Enum):
    PROVED = "proved"
    TESTED = "tested"
    REFUTED = "refuted"
    INCONCLUSIVE = "inconclusive"


@dataclass(frozen=True)
class Verdict:
    """The outcome of checking one claim on one instance."""

    claim: str
    statement: str
    latex: str
    instance: dict
    status: Status
    certificate: dict | None
    method: str
    seconds: float
    seed: int
    detail: str = ""
    checked: bool = field(default=False)

    def to_dict(self) -> dict:
        return {"claim": self.claim, "instance": self.instance, "status": self.status.value,
                "seconds": round(self.seconds, 3), "seed": self.seed, "statement": self.statement,
                "latex": self.latex, "method": self.method, "detail": self.detail,
                "checked": self.checked, "certificate": self.certificate}

    def _repr_markdown_(self):  # pragma: no cover - notebooks
        from .plot import show_verdict

        return show_verdict(self)._repr_markdown_()


class Timer:
    def __init__(self):
        self.start = time.perf_counter()

    @property
    def seconds(self) -> float:
        return time.perf_counter() - self.start


def cert_kinds(cert) -> str:
    """A short description of a certificate's kinds, e.g. ``tensor_equality+matricization_rank``."""
    if not cert:
        return "none"
    if cert.get("kind") == "all":
        kinds = []
        for p in cert["parts"]:
            k = cert_kinds(p)
            if k not in kinds:
                kinds.append(k)
        return "+".join(kinds)
    return cert["kind"]


def conclude(claim, statement, latex, instance, status: Status, certificate, timer: Timer, seed: int,
             detail: str = "") -> Verdict:
    """Re-verify the certificate with the trusted checker, then build the Verdict.

    A ``proved`` or ``refuted`` status stands only if the checker accepts the
    certificate; otherwise the verdict is ``inconclusive`` and says why.
    """
    checked = False
    if status in (Status.PROVED, Status.REFUTED):
        if certificate is None:
            status, detail = Status.INCONCLUSIVE, f"no certificate; {detail}"
        else:
            try:
                check_certificate(certificate)
                checked = True
            except CertificateError as e:
                status, detail = Status.INCONCLUSIVE, f"certificate did not verify: {e}; {detail}"
    return Verdict(claim, statement, latex, dict(instance), status, certificate, cert_kinds(certificate),
                   timer.seconds, seed, detail, checked)
