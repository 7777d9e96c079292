"""Re-verify a convac answer, statement first; the only entry point of ``convac recheck``.

An answer is ``{"convac": 1, "command": ..., "results": [...][, "summary": {...}]}``.  Each
result states one typed statement (:mod:`symbolic.kernel.statements`) with its status and
certificate; the kernel checks that the certificate proves exactly that statement with that
status, and rejects every field it does not know (so a file can assert nothing that was not
checked).  ``summary`` is recomputed.  Nothing in the input is evaluated.

>>> ans = {"convac": 1, "command": "check laws", "results": [{"statement": {"type": "law",
...        "activation": "relu", "pooling": "max", "law": "commutativity"}, "status": "proved",
...        "certificate": {"kind": "identity", "method": "expansion"}}]}
>>> r = recheck(ans)
>>> r.exit_code, r.lines[0].text
(0, 'commutativity of relu/max')
>>> ans["results"][0]["status"] = "refuted"
>>> recheck(ans).lines[0].reason
"law certificate: missing ['point'], unexpected ['method']"
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from ..errors import CertificateError
from .parse import ParseError, read_json_file
from . import claims, depth, statements as S

#: The statement types and their checks (symbolic/kernel/statements.py; claims.py for the catalog;
#: depth.py for check depth).
TYPES = {"rank": S.check_rank_result, "law": S.check_law_result, "universality": S.check_universality_result,
         "rank_bound": S.check_rank_bound_result, "claim": claims.check_claim_result,
         "depth": depth.check_depth_result}

STATUSES = ("proved", "refuted", "tested", "inconclusive")
COMMANDS = ("rank", "verify", "verify --variants", "check laws", "check universality", "check depth", "search")
ASSERTED = {"rank": ("lower", "upper", "bounds")}
INFO = ("seconds", "seed", "tried")


@dataclass(frozen=True)
class Line:
    """One result: the statement the kernel verified (or failed to), its status, and why."""

    text: str
    status: str
    ok: bool
    reason: str = ""


@dataclass(frozen=True)
class Report:
    """What recheck found: one line per result; exit code 0 (all verified) or 1 (one failed)."""

    lines: tuple

    @property
    def exit_code(self) -> int:
        return 0 if all(line.ok for line in self.lines) else 1

    def to_dict(self) -> dict:
        return {"verified": self.exit_code == 0, "results": [
            {"statement": x.text, "status": x.status, "ok": x.ok, **({"reason": x.reason} if x.reason else {})}
            for x in self.lines]}

    def render(self) -> str:
        out = [f"{'ok' if x.ok else 'FAILED':7} {x.status:12} {x.text}" + (f": {x.reason}" if x.reason else "")
               for x in self.lines]
        bad = sum(not x.ok for x in self.lines)
        out.append(f"{len(self.lines) - bad} of {len(self.lines)} statements verified" + (f", {bad} failed" if bad else ""))
        return "\n".join(out)


def _malformed(msg):
    raise ParseError("answer", msg, kind="json", hint=False)


def _describe(typ, st) -> str:
    """``depth part=exponential, activation=relu, ...``: a statement as read, for a report line."""
    return (typ + " " + ", ".join(f"{k}={json.dumps(v)}" for k, v in st.items() if k != "type"))[:120]


def check_result(res) -> Line:
    if not isinstance(res, dict) or not isinstance(res.get("statement"), dict):
        return Line("?", "?", False, "a result needs a statement object")
    st, status = res["statement"], res.get("status")
    typ = st.get("type")
    if typ not in TYPES or status not in STATUSES:
        return Line(str(typ), str(status), False, f"type must be one of {sorted(TYPES)}, status one of {STATUSES}")
    extra = set(res) - {"statement", "status", "certificate"} - set(INFO) - set(ASSERTED.get(typ, ()))
    if extra or "certificate" not in res:
        return Line(typ, status, False, f"unexpected fields {sorted(extra)}" if extra else "no certificate field")
    bad_info = [k for k in INFO if k in res and (isinstance(res[k], bool) or not isinstance(res[k], (int, float))
                                                 or res[k] < 0 or (k != "seconds" and not isinstance(res[k], int)))]
    if bad_info:
        return Line(typ, status, False, f"{bad_info[0]} must be a non-negative number")
    if status in ("tested", "inconclusive"):
        ok = res["certificate"] is None and not set(ASSERTED.get(typ, ())) & set(res)
        return Line(_describe(typ, st), status, ok,
                    "" if ok else "an unproved result may assert nothing (no certificate, no values)")
    try:
        text = TYPES[typ](st, res)
    except CertificateError as e:
        return Line(_describe(typ, st), status, False, str(e))
    except (KeyError, TypeError, IndexError, AttributeError, ValueError, ZeroDivisionError, RecursionError) as e:
        if isinstance(e, ParseError):
            raise
        return Line(_describe(typ, st), status, False,
                    f"malformed ({type(e).__name__}: {str(e)[:80]})")
    return Line(text, status, True)


def recheck(obj) -> Report:
    """Check every result of an answer object; raise ParseError (exit 2) on a malformed envelope."""
    if not isinstance(obj, dict) or set(obj) - {"convac", "command", "results", "summary"} or obj.get("convac") != 1:
        _malformed('expected {"convac": 1, "command": ..., "results": [...]} (a --json answer of convac)')
    if obj.get("command") not in COMMANDS:
        _malformed(f"command={str(obj.get('command'))[:40]!r} is not one of {COMMANDS}")
    results = obj.get("results")
    if not isinstance(results, list) or not results:
        _malformed("results: expected a nonempty list")
    lines, seen = [], set()
    for res in results:
        key = json.dumps(res.get("statement") if isinstance(res, dict) else res, sort_keys=True)
        line = check_result(res)
        if key in seen:
            line = Line(line.text, line.status, False, "the same statement appears twice")
        seen.add(key)
        lines.append(line)
    if "summary" in obj:
        want = {s: sum(1 for r in results if isinstance(r, dict) and r.get("status") == s) for s in STATUSES}
        want["total"] = len(results)
        if obj["summary"] != want:
            lines.append(Line("summary", "-", False, f"the summary {obj['summary']} differs from the results {want}"))
    return Report(tuple(lines))


def recheck_file(path: str) -> Report:
    """Read an answer file (or '-' for stdin) with bounded size and depth, then :func:`recheck` it."""
    return recheck(read_json_file(path, field=path))


__all__ = ["recheck", "recheck_file", "check_result", "Report", "Line"]
