"""Progress of long work on stderr: a bar on a terminal, a line every few seconds elsewhere."""

from __future__ import annotations

import mmap
import sys

__all__ = ["progress", "format_line"]

#: Set in a child of :func:`theorems.run.supervise.supervised`: the shared page where progress is published
#: (the parent writes the lines off a terminal, even while this process sits in one long call).
_BOARD: mmap.mmap | None = None


def format_line(state: dict, now: float | None = None) -> str:
    """The progress line of a published state: ``label: 12/109 done after 20 s, ETA 2 min (last: claim)``.

    >>> format_line({"label": "verify", "done": 1, "total": 4, "unit": "done", "note": "laws", "start": 0}, now=10)
    'verify: 1/4 done after 10 s, ETA 30 s (last: laws)'
    >>> format_line({"label": "convac rank", "done": 0, "total": None, "unit": "", "note": "minors", "start": 0}, now=5)
    'convac rank: still working after 5 s (minors)'
    """
    import time

    elapsed = (time.monotonic() if now is None else now) - state["start"]
    done, total, note, unit = state["done"], state["total"], state.get("note") or "", state["unit"]
    if not unit:  # a heartbeat: no count, the current stage
        return f"{state['label']}: still working after {elapsed:.0f} s" + (f" ({note[:80]})" if note else "")
    count = f"{done}/{total}" if total is not None else f"{done}"
    eta = ""
    if total and 0 < done < total and elapsed >= 1:
        left = elapsed * (total - done) / done
        eta = f", ETA {left:.0f} s" if left < 120 else f", ETA {left / 60:.0f} min"
    return f"{state['label']}: {count} {unit} after {elapsed:.0f} s{eta}" + (f" (last: {note[:60]})" if note else "")


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
        self.start, self.done, self.shown, self._note = self._time(), 0, False, ""
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self._stop = threading.Event()
        self._thread = None
        self._board = _BOARD if stream is None else None  # supervised: the parent writes the lines
        self._publish()
        if not self.tty and interval and interval > 0 and self._board is None:
            self._thread = threading.Thread(target=self._beat, name="convac-progress", daemon=True)
            self._thread.start()

    @property
    def note(self) -> str:
        return self._note

    @note.setter
    def note(self, text: str):  # set by callers between long calls (e.g. the stage of convac rank)
        self._note = text
        self._publish()

    def _state(self) -> dict:
        return {"label": self.label, "done": self.done, "total": self.total, "unit": self.unit, "note": self._note,
                "start": self.start, "interval": 0 if self.tty else (self.interval or 0)}

    def _publish(self):
        if self._board is not None:
            publish(self._board, self._state())

    def line(self) -> str:
        """The progress line: ``label: 12/109 done after 20 s, ETA 3 min (last: claim)``."""
        return format_line(self._state(), now=self._time())

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
            self._note = note
        self._publish()
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


#: The board's size: a small JSON progress state (see :func:`publish`).
BOARD_BYTES = 4096


def publish(board, state: dict) -> None:
    """Write a progress state (small JSON) onto the board: 4 bytes of length, then the text."""
    import json

    text = json.dumps(state).encode()[: BOARD_BYTES - 8]
    board.seek(4)
    board.write(text)
    board.seek(0)
    board.write(len(text).to_bytes(4, "little"))


def read_board(board) -> dict | None:
    import json

    try:
        n = int.from_bytes(board[:4], "little")
        return json.loads(board[4:4 + n]) if 0 < n < BOARD_BYTES else None
    except ValueError:  # caught mid-write: next time
        return None
