"""Rendering of results as readable text tables, JSON, markdown and LaTeX (data in, text out)."""

from __future__ import annotations

import json

__all__ = ["table", "dumps", "render_tensor", "validate_writable"]


def dumps(obj) -> str:
    """JSON text of a result (ints stay ints; everything else is already a string or a number)."""
    return json.dumps(obj, indent=2, sort_keys=False, default=str)


def table(rows, headers, *, fmt: str = "table") -> str:
    """A table as aligned text (``table``), GitHub markdown (``markdown``) or LaTeX (``latex``).

    >>> print(table([["laws", "proved"]], ["claim", "status"]))
    claim  status
    -----  ------
    laws   proved
    """
    rows = [[str(c) for c in r] for r in rows]
    if fmt == "markdown":
        out = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
        out += ["| " + " | ".join(c.replace("|", "\\|") for c in r) + " |" for r in rows]
        return "\n".join(out)
    if fmt == "latex":
        esc = lambda s: (s.replace("\\", "\\textbackslash{}").replace("_", "\\_").replace("&", "\\&")  # noqa: E731
                         .replace("%", "\\%").replace("#", "\\#").replace("{", "\\{").replace("}", "\\}")
                         .replace("\\textbackslash\\{\\}", "\\textbackslash{}"))
        out = ["\\begin{tabular}{" + "l" * len(headers) + "}", "\\hline",
               " & ".join(f"\\textbf{{{esc(h)}}}" for h in headers) + " \\\\", "\\hline"]
        out += [" & ".join(esc(c) for c in r) + " \\\\" for r in rows]
        out += ["\\hline", "\\end{tabular}"]
        return "\n".join(out)
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(headers)]
    line = lambda cells: "  ".join(c.ljust(w) for c, w in zip(cells, widths)).rstrip()  # noqa: E731
    return "\n".join([line(headers), line(["-" * w for w in widths])] + [line(r) for r in rows])


def render_tensor(T, *, limit: int = 64) -> str:
    """A grid tensor as a table of index tuples and values (small) or a summary (large)."""
    from symbolic.numbers import to_json_number

    head = f"grid tensor, shape {tuple(T.shape)}, {T.size:,} entries"
    if T.modulus is not None:
        head += f", residues modulo {T.modulus}"
    elif T.denominator != 1:
        head += f", common denominator {T.denominator}"
    if T.size <= limit:
        rows = [[str(idx), str(to_json_number(v))] for idx, v in zip(T.indices(), T.entries())]
        return head + "\n" + table(rows, ["index (d_0, ..., d_N-1)", "value"])
    entries = T.entries() if T.size <= 1 << 20 else None
    lines = [head]
    if entries is not None:
        nz = sum(1 for e in entries if e != 0)
        lines.append(f"nonzero entries: {nz:,}")
        if T.modulus is None and not T.is_symbolic:
            lines.append(f"min {to_json_number(min(entries))}, max {to_json_number(max(entries))}")
    first = [f"{idx}: {to_json_number(T[idx])}" for idx, _ in zip(T.indices(), range(8))]
    lines.append("first entries (row-major): " + "; ".join(first))
    lines.append("(use --json for every entry)")
    return "\n".join(lines)


def validate_writable(path: str, flag: str) -> str:
    """Refuse, before any work, an output path that cannot be written: a folder, a missing or
    read-only folder, a read-only file, anything that is not a regular file (a FIFO would block the
    run forever, a device such as /dev/full fails every write).  One line naming the flag and the path.

    >>> validate_writable("/nonexistent/x.json", "--save")
    Traceback (most recent call last):
    ...
    symbolic.errors.DomainError: --save /nonexistent/x.json: the folder /nonexistent does not exist
    """
    import os

    from symbolic.errors import DomainError

    path = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(path))
    import stat

    if os.path.isdir(path):
        raise DomainError(f"{flag} {path}: is a folder; expected a file name")
    if os.path.exists(path) and not stat.S_ISREG(os.stat(path).st_mode):
        raise DomainError(f"{flag} {path}: not a regular file (a FIFO or a device); expected a file name")
    if not os.path.isdir(folder):
        raise DomainError(f"{flag} {path}: the folder {folder} does not exist")
    if not os.access(folder, os.W_OK) or (os.path.exists(path) and not os.access(path, os.W_OK)):
        raise DomainError(f"{flag} {path}: not writable (permission denied)")
    return path
