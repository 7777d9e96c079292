"""Work off the interface: each job runs in a child process and can be cancelled at any moment.

A :class:`Job` forks a process (``fork`` where the platform has it, ``spawn`` otherwise) that runs
``fn(*args, progress=send)`` and sends back, through a pipe, its progress messages and then its
result (or the one-line message of a :class:`~symbolic.errors.ConvacError`). A watcher thread of
the parent delivers them to the callbacks; :meth:`Job.cancel` kills the process at once, whatever
it is doing (a python-flint rank, a Hypothesis search), so nothing ever blocks the kernel that
shows the widgets, and no result of a cancelled job is delivered.

>>> import operator
>>> j = Job(operator.add, (2, 3), keywords=False)
>>> j.wait(30), j.state, j.result
(True, 'done', 5)
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import threading
import time

__all__ = ["Job"]


def _context():
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods and sys.platform != "darwin" else "spawn")


def _child(conn, fn, args, keywords, nice):
    """The child process: quiet, non-interactive matplotlib, then one result (or error) message."""
    if nice and hasattr(os, "nice"):
        os.nice(nice)  # background work (the badges) leaves the cores to the views
    devnull = open(os.devnull, "w")
    sys.stdout = sys.stderr = devnull  # never write to the parent kernel's output sockets
    try:
        import matplotlib

        matplotlib.use("Agg", force=True)
    except Exception:  # noqa: BLE001 - pictures are optional
        pass
    last = [0.0]

    def progress(value, force=False):
        now = time.monotonic()
        if force or now - last[0] >= 0.1:  # at most 10 messages a second
            last[0] = now
            conn.send(("progress", value))

    try:
        result = fn(*args, progress=progress) if keywords else fn(*args)
        conn.send(("done", result))
    except BaseException as e:  # noqa: BLE001 - reported to the parent, in one line
        from symbolic.errors import ConvacError

        if isinstance(e, (ConvacError, MemoryError)):
            conn.send(("refused", str(e) or "out of memory"))
        else:
            conn.send(("error", f"{type(e).__name__}: {str(e)[:300]}"))
    finally:
        conn.close()
        os._exit(0)


class Job:
    """Run ``fn(*args, progress=...)`` in a child process.

    ``on_progress(value)`` is called for each progress message and ``on_done(job)`` once at the end
    (state ``done``, ``refused``, ``error`` or ``cancelled``; ``result`` the value or the message),
    both from the watcher thread, never after :meth:`cancel`.

    Parameters
    ----------
    fn : callable
        A picklable function, run in the child process.
    args : tuple, default ()
        Its positional arguments.
    on_progress : callable, optional
        Called with each progress value the child sends.
    on_done : callable, optional
        Called with the job once it has finished.
    keywords : bool, default True
        Pass ``progress=`` to ``fn`` (False: call ``fn(*args)``).
    name : str, default ``"job"``
        The job's name (of its watcher thread).
    nice : int, default 0
        Niceness added to the child process.

    Returns
    -------
    Job
        Started at once; ``state``, ``result``, ``seconds``, :meth:`wait` and :meth:`cancel`.

    Examples
    --------
    >>> j = Job(pow, (2, 10), keywords=False)
    >>> j.wait(30), j.state, j.result
    (True, 'done', 1024)
    """

    def __init__(self, fn, args=(), *, on_progress=None, on_done=None, keywords: bool = True, name: str = "job",
                 nice: int = 0):
        self.name = name
        self.state = "running"
        self.result = None
        self.started = time.perf_counter()
        self.seconds = None
        self._on_progress, self._on_done = on_progress, on_done
        self._cancelled = threading.Event()
        self._finished = threading.Event()
        ctx = _context()
        self._conn, child_conn = ctx.Pipe(duplex=False)
        self._proc = ctx.Process(target=_child, args=(child_conn, fn, args, keywords, nice), daemon=True)
        self._proc.start()
        child_conn.close()
        self._thread = threading.Thread(target=self._watch, name=f"convac-explore-{name}", daemon=True)
        self._thread.start()

    # -- the watcher thread
    def _watch(self):
        state, result = "error", "the worker process ended without an answer"
        try:
            while not self._cancelled.is_set():
                if self._conn.poll(0.05):
                    try:
                        kind, value = self._conn.recv()
                    except (EOFError, OSError):
                        break
                    if kind == "progress":
                        if self._on_progress is not None and not self._cancelled.is_set():
                            self._call(self._on_progress, value)
                        continue
                    state, result = kind, value
                    break
                if not self._proc.is_alive() and not self._conn.poll(0):
                    code = self._proc.exitcode
                    if code and code < 0:
                        result = f"the worker process was killed by signal {-code} (out of memory?)"
                    break
        finally:
            self._proc.join(timeout=5) if not self._cancelled.is_set() else None
            self._conn.close()
            if self._cancelled.is_set():
                state, result = "cancelled", None
            self.state, self.result = state, result
            self.seconds = time.perf_counter() - self.started
            if self._on_done is not None and state != "cancelled":
                self._call(self._on_done, self)
            self._finished.set()  # after the callback: wait() returns once the views are updated

    @staticmethod
    def _call(fn, value):
        try:
            fn(value)
        except Exception:  # noqa: BLE001 - a broken callback must not kill the watcher
            import traceback

            traceback.print_exc()

    # -- the interface
    @property
    def running(self) -> bool:
        return not self._finished.is_set() and not self._cancelled.is_set()

    def cancel(self) -> None:
        """Stop the job now: kill its process; its result is never delivered."""
        if self._finished.is_set():
            return
        self._cancelled.set()
        if self._proc.is_alive():
            self._proc.kill()
        self._proc.join(timeout=5)
        if threading.current_thread() is not self._thread:
            self._thread.join(timeout=5)

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the job has finished and its callback has run; False on timeout."""
        return self._finished.wait(timeout)
