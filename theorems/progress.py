"""Progress of long work on stderr: a bar on a terminal, a line every few seconds elsewhere."""

from __future__ import annotations

import sys

__all__ = ["progress"]


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
