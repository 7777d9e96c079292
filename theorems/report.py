"""Rendering of results as readable text tables, JSON, markdown and LaTeX (data in, text out)."""

from __future__ import annotations

import json
import sys

__all__ = ["table", "dumps", "render_tensor", "progress"]


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
        esc = lambda s: s.replace("\\", "\\textbackslash{}").replace("_", "\\_").replace("&", "\\&").replace("%", "\\%").replace("#", "\\#").replace("{", "\\{").replace("}", "\\}").replace("\\textbackslash\\{\\}", "\\textbackslash{}")  # noqa: E731
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


class progress:
    """Progress of long work on stderr, never silent for long.

    On a terminal: a bar, shown after ``delay`` seconds. Otherwise (a pipe, a file, a CI log): one
    line at most every ``interval`` seconds (default 10), written by a background thread, so that a
    line comes even while one long item runs; nothing at all for work shorter than ``interval``.
    ``total`` None counts items without a total (e.g. networks tried by a search).

    >>> import io
    >>> bar = progress(3, "verify small", stream=io.StringIO(), interval=0)
    >>> bar.update(1, "laws")
    >>> bar.line()
    'verify small: 1/3 done after 0 s (last: laws)'
    >>> bar.close()
    """

    def __init__(self, total, label: str = "", delay: float = 2.0, stream=None, interval: float = 10.0,
                 unit: str = "done"):
        import threading
        import time

        self.total, self.label, self.delay, self.interval, self.unit = total, label, delay, interval, unit
        self.stream = stream or sys.stderr
        self._time = time.monotonic
        self.start, self.done, self.shown, self.note = self._time(), 0, False, ""
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self._stop = threading.Event()
        self._thread = None
        if not self.tty and interval and interval > 0:
            self._thread = threading.Thread(target=self._beat, name="convac-progress", daemon=True)
            self._thread.start()

    def line(self) -> str:
        """The progress line: ``label: 12/109 done after 20 s (last: claim)``."""
        count = f"{self.done}/{self.total}" if self.total is not None else f"{self.done}"
        note = f" (last: {self.note[:60]})" if self.note else ""
        if not self.unit:  # a heartbeat: no count, the current stage
            note = f" ({self.note[:80]})" if self.note else ""
            return f"{self.label}: still working after {self._time() - self.start:.0f} s{note}"
        return f"{self.label}: {count} {self.unit} after {self._time() - self.start:.0f} s{note}"

    def _beat(self):
        while not self._stop.wait(self.interval):
            try:
                self.stream.write(self.line() + "\n")
                self.stream.flush()
            except (OSError, ValueError):  # a closed pipe: progress is not worth an error
                return

    def update(self, n: int = 1, note: str = ""):
        self.done += n
        if note:
            self.note = note
        if not self.tty or self._time() - self.start < self.delay:
            return
        self.shown = True
        frac = self.done / max(1, self.total or 1)
        bar = "#" * int(30 * min(1.0, frac))
        self.stream.write(f"\r{self.label} [{bar:<30}] {self.done}/{self.total} {note[:40]:<40}")
        self.stream.flush()

    def close(self):
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=1.0)
        if self.shown:
            self.stream.write("\n")
            self.stream.flush()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False


def check_writable(path: str, flag: str) -> str:
    """Refuse, before any work, an output path that cannot be written: a folder, a missing or
    read-only folder, a read-only file.  One line naming the flag and the path.

    >>> check_writable("/nonexistent/x.json", "--save")
    Traceback (most recent call last):
    ...
    symbolic.errors.DomainError: --save /nonexistent/x.json: the folder /nonexistent does not exist
    """
    import os

    from symbolic.errors import DomainError

    path = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(path))
    if os.path.isdir(path):
        raise DomainError(f"{flag} {path}: is a folder; expected a file name")
    if not os.path.isdir(folder):
        raise DomainError(f"{flag} {path}: the folder {folder} does not exist")
    if not os.access(folder, os.W_OK) or (os.path.exists(path) and not os.access(path, os.W_OK)):
        raise DomainError(f"{flag} {path}: not writable (permission denied)")
    return path
