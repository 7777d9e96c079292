"""Long exact work in a child process that the caller can always stop (issue 21).

python-flint and sympy hold the interpreter for seconds or minutes at a time, so neither Ctrl-C
nor a timer can interrupt them in the process that called them. :func:`supervised` therefore
forks: the child does the work, and the parent only waits, so that it can

- stop the work at a deadline (``timeout`` seconds: :class:`TimedOut`, exit status 3),
- stop it at once on SIGINT or SIGTERM (:class:`Interrupted`, exit status 130 or 143),
- report the progress the child publishes (:mod:`theorems.run.progress`), even while the child is
  inside one long flint call, and say where the work was when it stopped.

The child and every process it starts die with the parent: the child runs in its own process
group, which the parent kills as a whole, and it asks the kernel for SIGKILL when the parent dies
(``PR_SET_PDEATHSIG``), as the pool workers of :mod:`theorems.run.executors` do.

>>> supervised(lambda: 6 * 7, timeout=60)
42
>>> supervised(lambda: __import__("time").sleep(60), timeout=0.5)
Traceback (most recent call last):
...
theorems.run.supervise.TimedOut: stopped by the time limit (--timeout 0.5) after 0.5 s
"""

from __future__ import annotations

import io
import mmap
import os
import pickle
import select
import signal
import sys
import time

from symbolic.errors import ConvacError

from theorems.run.progress import BOARD_BYTES as _BOARD_BYTES, publish, read_board  # noqa: F401 (publish: the child's side)

__all__ = ["supervised", "TimedOut", "Interrupted", "die_with_parent", "EXIT_TIMEOUT", "validate_timeout"]

#: Exit status of work stopped by ``--timeout`` (documented in the README with the others).
EXIT_TIMEOUT = 3


class TimedOut(ConvacError):
    """The work ran past its time limit and was stopped; ``exit_code`` 3."""

    exit_code = EXIT_TIMEOUT


class Interrupted(KeyboardInterrupt):
    """SIGINT or SIGTERM reached the parent; the child was killed. ``signum`` says which."""

    def __init__(self, signum: int, where: str = ""):
        super().__init__(signum)
        self.signum, self.where = signum, where

    @property
    def exit_code(self) -> int:
        return 128 + self.signum


def validate_timeout(timeout, flag: str = "--timeout"):
    """``timeout`` as seconds > 0 (a float), or None; anything else is refused in one line.

    >>> validate_timeout("2.5"), validate_timeout(None)
    (2.5, None)
    >>> validate_timeout("inf")
    Traceback (most recent call last):
    ...
    symbolic.errors.ConvacError: --timeout 'inf': expected seconds, a finite number > 0
    """
    if timeout is None:
        return None
    import math

    try:
        t = float(timeout)
    except (TypeError, ValueError):
        t = float("nan")
    if isinstance(timeout, bool) or not math.isfinite(t) or t <= 0:
        raise ConvacError(f"{flag} {str(timeout)[:40]!r}: expected seconds, a finite number > 0")
    return t


def die_with_parent(sig: int = signal.SIGKILL) -> None:
    """Ask Linux to send ``sig`` to this process when its parent dies (prctl PR_SET_PDEATHSIG); elsewhere
    nothing. Called in every forked worker, so that killing convac (even with kill -9) leaves none behind."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, int(sig), 0, 0, 0)  # PR_SET_PDEATHSIG = 1
    except (OSError, AttributeError):
        pass


# ----------------------------------------------------------------------------- the progress board
#: Shared memory (an anonymous MAP_SHARED page inherited by the child) where the child's progress lines go.
# ----------------------------------------------------------------------------- the supervisor
def _kill(pid: int, group: bool) -> None:
    try:
        if group:
            os.killpg(pid, signal.SIGKILL)
        else:
            os.kill(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def real_streams() -> bool:
    """Are stdout and stderr file descriptors (a forked child can write them), not Python objects (pytest)?"""
    try:
        sys.stdout.fileno(), sys.stderr.fileno()
        return True
    except (AttributeError, ValueError, OSError):
        return False


def supervised(fn, *, timeout: float | None = None, label: str = "convac", capture: bool = False,
               heartbeat: float = 10.0, stream=None):
    """``fn()`` run in a forked child; returns its result (pickled back) or raises its exception.

    ``timeout`` (seconds, None for none) stops the child at the deadline with :class:`TimedOut`;
    SIGINT and SIGTERM stop it at once with :class:`Interrupted`. ``capture`` runs ``fn`` with
    ``sys.stdout`` and ``sys.stderr`` collected and written here afterwards (for callers whose streams
    are not file descriptors, e.g. under pytest); otherwise the child writes to the inherited
    descriptors directly. Off a terminal, the progress the child publishes (:mod:`theorems.run.progress`)
    is written to ``stream`` (stderr) every ``heartbeat`` seconds by this process, so lines keep
    coming while the child sits in one long call.
    """
    from theorems.run import progress as progress_mod

    timeout = validate_timeout(timeout, "timeout")
    stream = stream or sys.stderr
    board = mmap.mmap(-1, _BOARD_BYTES)
    r, w = os.pipe()
    own_group = not _isatty(0)  # a child in the background group must not read the terminal
    parent = os.getpid()
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # ------------------------------------------------------------ the child
        code = 0
        try:
            os.close(r)
            die_with_parent()
            if os.getppid() != parent:
                os._exit(1)
            if own_group:
                os.setpgid(0, 0)
            signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides; it kills this process
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            progress_mod._BOARD = board
            captured = (io.StringIO(), io.StringIO()) if capture else None
            if captured is not None:
                sys.stdout, sys.stderr = captured
            payload: tuple[str, object]
            try:
                payload = ("ok", fn())
            except BaseException as e:  # noqa: BLE001 - carried to the parent, raised there
                payload = ("raise", e)
            outs = (captured[0].getvalue(), captured[1].getvalue()) if captured is not None else None
            try:
                data = pickle.dumps(payload + (outs,))
            except Exception:  # noqa: BLE001 - an exception that does not pickle: its text
                unpicklable = payload[1]
                data = pickle.dumps(("raise", RuntimeError(f"{type(unpicklable).__name__}: {unpicklable}")) + (outs,))
            if not capture:
                sys.stdout.flush()
                sys.stderr.flush()
            with os.fdopen(w, "wb") as fh:
                fh.write(data)
        except BaseException:  # noqa: BLE001 - e.g. a full disk while flushing: the parent reports it
            code = 1
        os._exit(code)
    # ------------------------------------------------------------------------ the parent
    os.close(w)
    if own_group:
        try:
            os.setpgid(pid, pid)  # also here: no race with a kill before the child ran
        except OSError:
            pass
    caught = []

    def on_signal(signum, frame):
        caught.append(signum)

    handlers = {}
    try:
        for s in (signal.SIGINT, signal.SIGTERM):
            handlers[s] = signal.signal(s, on_signal)
    except ValueError:  # not the main thread: no signal handling here
        handlers = {}
    t0 = time.monotonic()
    chunks, next_beat = [], t0 + heartbeat
    beat = heartbeat and heartbeat > 0 and not capture and not _isatty(stream)
    try:
        while True:
            if caught:
                _kill(pid, own_group)
                os.waitpid(pid, 0)
                raise Interrupted(caught[0], _where(read_board(board)))
            now = time.monotonic()
            if timeout is not None and now - t0 >= timeout:
                _kill(pid, own_group)
                os.waitpid(pid, 0)
                where = _where(read_board(board))
                raise TimedOut(f"stopped by the time limit (--timeout {timeout:g}) after {now - t0:.1f} s"
                               + (f"; it was at: {where}" if where else ""))
            wait = min(0.25, max(0.0, (t0 + timeout - now) if timeout is not None else 0.25))
            try:
                ready, _, _ = select.select([r], [], [], wait)
            except InterruptedError:
                continue
            if ready:
                chunk = os.read(r, 1 << 20)
                if not chunk:
                    break
                chunks.append(chunk)
            if beat and time.monotonic() >= next_beat:
                next_beat = time.monotonic() + heartbeat
                state = read_board(board)
                if state and state.get("interval"):
                    try:
                        stream.write(progress_mod.format_line(state) + "\n")
                        stream.flush()
                    except (OSError, ValueError):
                        beat = False
        _, status = os.waitpid(pid, 0)
    finally:
        os.close(r)
        for s, h in handlers.items():
            signal.signal(s, h)
    if not chunks:
        code = os.waitstatus_to_exitcode(status)
        if code < 0:
            raise ConvacError(f"the process doing the work was killed by signal {-code} "
                              f"({signal.Signals(-code).name}; out of memory?)")
        raise ConvacError(f"the process doing the work stopped with status {code} before it answered "
                          "(a full disk or a closed output?)")
    kind, value, outs = pickle.loads(b"".join(chunks))
    if outs is not None:
        sys.stdout.write(outs[0])
        sys.stderr.write(outs[1])
    if kind == "raise":
        raise value
    return value


def _where(state) -> str:
    """Where the work was, from its last published progress: ``12/109 done (last: laws)`` or its stage."""
    if not state:
        return ""
    note = state.get("note") or ""
    if not state.get("unit"):
        return note[:120]
    count = f"{state['done']}/{state['total']}" if state.get("total") is not None else f"{state['done']}"
    return f"{count} {state['unit']}" + (f" (last: {note[:60]})" if note else "")


def _isatty(f) -> bool:
    try:
        return os.isatty(f if isinstance(f, int) else f.fileno())
    except (AttributeError, ValueError, OSError, io.UnsupportedOperation):
        return False
