"""Re-verify a convac answer, statement first; the only entry point of ``convac recheck``.

An answer is ``{"convac": 1, "command": ..., "results": [...][, "summary": {...}][, "versions": {...}]}``.
Each result states one typed statement with its status and certificate.  For every result, whatever its
status, the kernel:

1. validates the result's shape and the statement against its type's schema (``validate`` of the type's
   module: every field, the papers' constraints); a malformed statement is malformed input (exit 2);
2. ``tested`` and ``inconclusive`` results assert nothing (no certificate, no values): they are *listed*,
   apart from what was verified, and never counted as verified;
3. ``proved`` and ``refuted`` results: the type's ``check`` verifies that the certificate proves exactly
   that statement with that status (exit 1 if not).

Every field the kernel does not know is rejected (a file can assert nothing that was not checked);
``summary`` is recomputed; ``versions`` is metadata (names to version strings).  Nothing is evaluated.

>>> ans = {"convac": 1, "command": "check laws", "results": [{"statement": {"type": "law",
...        "activation": "relu", "pooling": "max", "law": "commutativity"}, "status": "proved",
...        "certificate": {"kind": "identity", "method": "expansion"}}]}
>>> r = recheck(ans)
>>> r.exit_code, r.lines[0].text
(0, 'commutativity of relu/max (for all reals)')
>>> ans["results"][0]["status"] = "refuted"
>>> recheck(ans).lines[0].reason
"law certificate: missing ['point'], unexpected ['method']"
>>> ans["results"][0]["statement"]["law"] = ["commutativity"]
>>> recheck(ans).exit_code
2
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from ..errors import CertificateError, StatementError
from . import cost
from .parse import ParseError, read_json_file

#: The statement types, one module each (read each module's docstring: proposition, quantifier,
#: certificates, and why acceptance implies truth).  Each has validate(st), describe(st), check(st, res).
#: Loaded when a result of that type is read: a rank answer loads neither sympy's case analysis nor its groups.
TYPES = ("rank", "law", "universality", "rank_bound", "claim", "depth")


def _statement_module(typ: str):
    import importlib

    return importlib.import_module(f"{__package__}.{typ}")

STATUSES = ("proved", "refuted", "tested", "inconclusive")
COMMANDS = ("rank", "verify", "verify --variants", "check laws", "check universality", "check depth", "search")
ASSERTED = {"rank": ("lower", "upper", "bounds")}
INFO = ("seconds", "seed", "tried")


@dataclass(frozen=True)
class Line:
    """One result: the statement as the kernel read it, its status, and what the kernel found.

    ``verified``: the certificate proves the statement with its status.  ``listed``: a well-formed
    tested or inconclusive result (asserts nothing; not verified).  ``malformed``: the result or its
    statement is outside the schema.  Otherwise the certificate failed (``reason`` says why)."""

    text: str
    status: str
    ok: bool
    reason: str = ""
    malformed: bool = False
    verified: bool = False

    @property
    def listed(self) -> bool:
        return self.ok and not self.verified


@dataclass(frozen=True)
class Report:
    """What recheck found: one line per result; exit 0 (every proved/refuted result verified, every
    tested/inconclusive one well-formed), 1 (a certificate failed) or 2 (malformed input)."""

    lines: tuple

    @property
    def exit_code(self) -> int:
        if any(x.malformed for x in self.lines):
            return 2
        return 0 if all(x.ok for x in self.lines) else 1

    @property
    def verified(self) -> int:
        return sum(x.verified for x in self.lines)

    def to_dict(self) -> dict:
        return {"verified": self.exit_code == 0, "verified_statements": self.verified,
                "listed_unproved": sum(x.listed for x in self.lines), "results": [
                    {"statement": x.text, "status": x.status, "ok": x.ok, "verified": x.verified,
                     **({"malformed": True} if x.malformed else {}), **({"reason": x.reason} if x.reason else {})}
                    for x in self.lines]}

    def render(self) -> str:
        def tag(x):
            return "ok" if x.verified else "listed" if x.listed else "MALFORMED" if x.malformed else "FAILED"
        out = [f"{tag(x):7} {x.status:12} {x.text}" + (f": {x.reason}" if x.reason else "")
               for x in self.lines if not x.listed]
        listed = [x for x in self.lines if x.listed]
        if listed:
            out.append("not verified (tested or inconclusive: no certificate, nothing asserted):")
            out += [f"  {x.status:12} {x.text}" for x in listed]
        bad = sum(not x.ok for x in self.lines)
        asserted = len(self.lines) - len(listed)
        total = f"{self.verified} of {asserted} statements verified" + (f", {bad} failed" if bad else "")
        mal = sum(x.malformed for x in self.lines)
        total += f" ({mal} malformed)" if mal else ""
        total += f"; {len(listed)} listed, not verified (tested or inconclusive)" if listed else ""
        out.append(total)
        return "\n".join(out)


def _malformed(msg):
    raise ParseError("answer", msg, kind="json", hint=False)


def _clip(x, n=60) -> str:
    s = json.dumps(x, ensure_ascii=True) if not isinstance(x, str) else x
    return s if len(s) <= n else s[:n - 3] + "..."


def check_result(res) -> Line:
    """One result: shape, statement (validated on every status branch), then the certificate."""
    if not isinstance(res, dict) or not isinstance(res.get("statement"), dict):
        return Line("?", "?", False, "a result needs a statement object", malformed=True)
    st, status = res["statement"], res.get("status")
    typ = st.get("type")
    if not isinstance(typ, str) or typ not in TYPES:
        return Line(_clip(typ), _clip(status, 12), False, f"statement.type={_clip(typ)}: expected one of "
                    f"{sorted(TYPES)}", malformed=True)
    if not isinstance(status, str) or status not in STATUSES:
        return Line(typ, _clip(status, 12), False, f"status={_clip(status)}: expected one of {list(STATUSES)}",
                    malformed=True)
    # ``why``: an unproved result's reason, in words (never read as a claim: such a result is only listed)
    why = {"why"} if status in ("tested", "inconclusive") else set()
    extra = set(res) - {"statement", "status", "certificate"} - set(INFO) - set(ASSERTED.get(typ, ())) - why
    if extra or "certificate" not in res:
        return Line(typ, status, False, f"unexpected fields {sorted(extra)}" if extra else "no certificate field",
                    malformed=True)
    bad_info = [k for k in INFO if k in res and (isinstance(res[k], bool) or not isinstance(res[k], (int, float))
                                                 or not res[k] >= 0
                                                 or (k != "seconds" and not isinstance(res[k], int)))]
    if bad_info:
        return Line(typ, status, False, f"{bad_info[0]}={_clip(res[bad_info[0]])}: expected a non-negative number",
                    malformed=True)
    if "why" in res and not (isinstance(res["why"], str) and len(res["why"]) <= 2000):
        return Line(typ, status, False, f"why={_clip(res['why'])}: expected a string of at most 2000 characters",
                    malformed=True)
    module = _statement_module(typ)
    try:
        module.validate(st)
        text = module.describe(st)
    except (StatementError, ParseError) as e:
        return Line(f"{typ} {_clip(st, 100)}", status, False, str(e), malformed=True)
    except CertificateError as e:  # the kernel's own readers (a spec, an expression) inside the statement
        return Line(f"{typ} {_clip(st, 100)}", status, False, f"statement: {e}", malformed=True)
    if status in ("tested", "inconclusive"):
        ok = res["certificate"] is None and not set(ASSERTED.get(typ, ())) & set(res)
        return Line(text, status, ok, "" if ok else "an unproved result may assert nothing (no certificate, no values)",
                    malformed=not ok)
    try:
        text = module.check(st, res)
    except CertificateError as e:
        return Line(text, status, False, str(e))
    except ParseError as e:
        return Line(text, status, False, str(e))
    except (KeyError, TypeError, IndexError, AttributeError, ValueError, ZeroDivisionError, RecursionError) as e:
        return Line(text, status, False, f"malformed certificate ({type(e).__name__}: {str(e)[:80]})")
    return Line(text, status, True, verified=True)


def _versions(v):
    if not (isinstance(v, dict) and len(v) <= 32 and all(isinstance(k, str) and isinstance(x, str) and len(k) <= 64
                                                       and len(x) <= 64 for k, x in v.items())):
        _malformed("versions: expected an object of at most 32 names to version strings")


def recheck(obj, *, budget: cost.Budget | None = None) -> Report:
    """Check every result of an answer object under the kernel's cost ``budget`` (default: 4 GiB, 2^24
    entries); raise ParseError (exit 2) on a malformed envelope, TooLarge (exit 2) on work over the budget."""
    with cost.budget(budget or cost.Budget()):
        return _recheck(obj)


def _recheck(obj) -> Report:
    if not isinstance(obj, dict) or set(obj) - {"convac", "command", "results", "summary", "versions"} \
            or type(obj.get("convac")) is not int or obj.get("convac") != 1:
        _malformed('expected {"convac": 1, "command": ..., "results": [...]} (a --json answer of convac)')
    if not isinstance(obj.get("command"), str) or obj["command"] not in COMMANDS:
        _malformed(f"command={_clip(obj.get('command'), 40)}: expected one of {list(COMMANDS)}")
    if "versions" in obj:
        _versions(obj["versions"])
    results = obj.get("results")
    if not isinstance(results, list) or not results:
        _malformed("results: expected a nonempty list")
    lines, seen = [], set()
    for res in results:
        key = json.dumps(res.get("statement") if isinstance(res, dict) else res, sort_keys=True)
        line = check_result(res)
        if key in seen:
            line = Line(line.text, line.status, False, "the same statement appears twice", malformed=True)
        seen.add(key)
        lines.append(line)
    if "summary" in obj:
        want = {s: sum(1 for r in results if isinstance(r, dict) and r.get("status") == s) for s in STATUSES}
        want["total"] = len(results)
        s = obj["summary"]
        if not (isinstance(s, dict) and all(type(v) is int for v in s.values())) or s != want:
            lines.append(Line("summary", "-", False, f"the summary {_clip(s, 120)} differs from the "
                              f"results {want}"))
    return Report(tuple(lines))


def recheck_file(path: str, *, budget: cost.Budget | None = None) -> Report:
    """Read an answer file (or '-' for stdin) with bounded size and depth, then :func:`recheck` it."""
    b = budget or cost.Budget()
    # the file itself within the budget: an eighth of the memory (parsed JSON takes several times its size)
    return recheck(read_json_file(path, field=path, max_bytes=max(64 << 20, b.memory // 8)), budget=b)


__all__ = ["recheck", "recheck_file", "check_result", "Report", "Line", "TYPES"]
