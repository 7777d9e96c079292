"""Tests of theorems/run/progress.py: a bar on a terminal, a line every few seconds elsewhere."""

from __future__ import annotations

import io
import re
import time

from theorems.run.progress import progress


class _Tty(io.StringIO):
    def isatty(self):
        return True


def test_line_counts_and_notes():
    s = io.StringIO()
    p = progress(5, "verify small", stream=s, interval=0)
    p.update(2, "laws")
    p.update(1)
    assert re.fullmatch(r"verify small: 3/5 done after \d+ s(, ETA \d+ (s|min))? \(last: laws\)", p.line())
    p.close()
    assert s.getvalue() == ""  # interval 0: no background lines; off a terminal: no bar


def test_without_a_total_and_as_a_heartbeat():
    p = progress(None, "search", stream=io.StringIO(), interval=0, unit="networks tried")
    p.update(4)
    assert re.fullmatch(r"search: 4 networks tried after \d+ s", p.line())
    h = progress(None, "rank", stream=io.StringIO(), interval=0, unit="")
    h.update(0, "factorization of a 512 x 512 matrix")
    assert re.fullmatch(r"rank: still working after \d+ s \(factorization of a 512 x 512 matrix\)", h.line())


def test_background_lines_off_a_terminal_stop_on_close():
    s = io.StringIO()
    with progress(10, "sweep", stream=s, interval=0.02) as p:
        p.update(3, "x")
        time.sleep(0.3)
    n = len(s.getvalue().splitlines())
    assert n >= 2 and all(line.startswith("sweep: 3/10 done after") for line in s.getvalue().splitlines())
    time.sleep(0.1)
    assert len(s.getvalue().splitlines()) == n  # the thread stopped
    assert not p._thread.is_alive()


def test_a_closed_stream_ends_the_thread_quietly():
    s = io.StringIO()
    p = progress(1, "x", stream=s, interval=0.01)
    s.close()
    time.sleep(0.1)
    assert not p._thread.is_alive()
    p.close()


def test_bar_on_a_terminal():
    s = _Tty()
    p = progress(4, "verify", stream=s, delay=0)
    assert p._thread is None  # a terminal gets the bar, not lines
    p.update(1, "laws")
    p.update(2, "geometry")
    bars = s.getvalue().split("\r")[1:]
    assert [b.count("#") for b in bars] == [int(30 * 1 / 4), int(30 * 3 / 4)]
    assert bars[-1].startswith("verify [") and "3/4 geometry" in bars[-1]
    p.close()
    assert s.getvalue().endswith("\n")


def test_no_bar_before_the_delay():
    s = _Tty()
    p = progress(4, "verify", stream=s, delay=60)
    p.update(1)
    p.close()
    assert s.getvalue() == "" and p.done == 1
