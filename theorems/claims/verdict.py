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

from symbolic.frozen import freeze, thaw
from symbolic.kernel.recheck import check_result
from symbolic.status import Status

__all__ = ["Status", "Verdict", "conclude", "Timer", "answer"]


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
    typed: dict | None = field(default=None, compare=False)  # the kernel's statement
    typed_status: str | None = None  # the status of ``typed`` (a variant's claim may be the negation)

    def __post_init__(self):
        # deeply immutable: the nested dicts and lists are frozen (symbolic.frozen); result() and
        # to_dict() thaw fresh copies
        for name in ("instance", "certificate", "typed"):
            object.__setattr__(self, name, freeze(getattr(self, name)))

    def result(self) -> dict:
        """The result as an answer file holds it: typed statement, status, certificate (see docs/answers.md)."""
        st = self.typed or {"type": "claim", "claim": self.claim, "instance": self.instance}
        status = self.typed_status or self.status.value
        out = {"statement": thaw(st), "status": status,
               "certificate": thaw(self.certificate) if self.status in (Status.PROVED, Status.REFUTED) else None,
               "seconds": round(self.seconds, 3), "seed": self.seed}
        if status in ("tested", "inconclusive") and self.detail:  # why it is not proved (the kernel only lists it)
            out["why"] = self.detail[:2000]
        return out

    def to_dict(self) -> dict:
        return {"claim": self.claim, "instance": thaw(self.instance), "status": self.status.value,
                "seconds": round(self.seconds, 3), "seed": self.seed, "statement": self.statement,
                "latex": self.latex, "method": self.method, "detail": self.detail,
                "checked": self.checked, "certificate": thaw(self.certificate)}

    def _repr_markdown_(self):  # pragma: no cover - notebooks
        return verdict_markdown(self.to_dict())


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
             detail: str = "", *, typed: dict | None = None, typed_status: str | None = None) -> Verdict:
    """Re-verify the result with the trusted kernel, statement first, then build the Verdict.

    ``typed`` is the kernel's statement (default: the catalog claim ``claim`` at ``instance``)
    and ``typed_status`` its status (default: ``status``).  A ``proved`` or ``refuted``
    status stands only if the kernel accepts the certificate as proving exactly that;
    otherwise the verdict is ``inconclusive`` and says why.
    """
    checked = False
    v = Verdict(claim, statement, latex, dict(instance), status, certificate, cert_kinds(certificate),
                timer.seconds, seed, detail, False, typed, typed_status)
    if status in (Status.PROVED, Status.REFUTED):
        if certificate is None:
            status, detail = Status.INCONCLUSIVE, f"no certificate; {detail}"
        else:
            from symbolic.kernel import cost as kernel_cost
            from symbolic.limits import limits

            lim = limits()  # the run's --max-memory / --max-entries are the kernel's budget too
            with kernel_cost.budget(kernel_cost.Budget(memory=lim.max_memory, entries=lim.max_entries)):
                line = check_result(v.result())
            if line.ok:
                checked = True
            else:
                status, detail = Status.INCONCLUSIVE, f"the kernel did not verify it: {line.reason}; {detail}"
    return Verdict(claim, statement, latex, dict(instance), status, certificate, cert_kinds(certificate),
                   timer.seconds, seed, detail, checked, typed, typed_status if status is not Status.INCONCLUSIVE
                   else "inconclusive")


def answer(command: str, results: list, *, summary: bool = False) -> dict:
    """Wrap a command's results in the answer-file envelope that ``convac recheck`` reads (docs/answers.md).

    The envelope records the ``versions`` of convac, python-flint, sympy, hypothesis and Python
    (:func:`symbolic.versions.versions`), since a search's counterexample depends on them.

    Parameters
    ----------
    command : str
        The command that produced the results (``"verify"``, ``"check laws"``, ...).
    results : list of dict
        The results, each a :meth:`Verdict.result` (typed statement, status, certificate).
    summary : bool, default False
        Also give the counts by status and the total.

    Returns
    -------
    dict
        ``{"convac": 1, "command": ..., "results": [...], "summary": {...}, "versions": {...}}``
        (``summary`` only when asked), JSON-ready.

    Examples
    --------
    >>> a = answer("check laws", [{"statement": {"type": "claim"}, "status": "proved"}], summary=True)
    >>> sorted(a), a["summary"]
    (['command', 'convac', 'results', 'summary', 'versions'],
     {'proved': 1, 'tested': 0, 'refuted': 0, 'inconclusive': 0, 'total': 1})
    """
    from symbolic.versions import versions

    out = {"convac": 1, "command": command, "results": list(results)}
    if summary:
        counts = {s.value: sum(1 for r in results if r["status"] == s.value) for s in Status}
        out["summary"] = {**counts, "total": len(results)}
    out["versions"] = versions()
    return out


#: How a status reads in a notebook.
BADGE = {"proved": "✅ proved", "tested": "🧪 tested (evidence only)", "refuted": "❌ refuted",
         "inconclusive": "❔ inconclusive"}


def instance_text(inst: dict) -> str:
    """``N=4, M=2``: an instance's parameters (the representation F left out)."""
    return ", ".join(f"{k}={v}" for k, v in inst.items() if k != "F")


def verdict_markdown(d: dict) -> str:
    """A verdict's ``to_dict()`` as markdown: status, claim, statement, formula, certificate.

    >>> print(verdict_markdown({"claim": "laws", "instance": {}, "status": "proved", "statement": "g is associative",
    ...                         "method": "identity", "checked": True, "seconds": 0.5, "seed": 0}).splitlines()[0])
    **✅ proved** &nbsp; `laws` &nbsp; ()
    """
    status, kinds = d["status"], d.get("method") or "none"
    md = [f"**{BADGE.get(status, status)}** &nbsp; `{d['claim']}` &nbsp; ({instance_text(d['instance'])})", "",
          f"> {d['statement']}", ""]
    if d.get("latex"):
        md += [f"$${d['latex']}$$", ""]
    md.append(f"- certificate: `{kinds}`, re-checked by the trusted checker: **{'yes' if d.get('checked') else 'no'}**")
    if d.get("detail"):
        md.append(f"- {d['detail']}")
    md.append(f"- {d.get('seconds', 0):.2f} s, seed {d.get('seed', 0)}")
    return "\n".join(md)
