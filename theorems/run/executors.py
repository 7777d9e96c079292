"""Executors: where the independent tasks of a sweep or a search run (issues 11 and 12).

One interface, :meth:`Executor.run`, takes a function, its items and an estimated cost per
item, starts the costliest first (longest processing time first: the classic greedy bound
for scheduling independent jobs, Graham 1969) and yields ``(index, result)`` pairs in the
order the tasks finish. Callers put the results back in their own order, so an answer never
depends on the executor, the number of workers or the order of completion; every task is a
pure function of its item (seeds included).

- ``processes`` (the default, ``--jobs N``): this process when N is 1, else a pool of N
  forked processes. Tasks are handed over by index (the function and items are inherited
  by the fork), so closures run too; only results are pickled.
- ``dask`` (``--executor dask --workers K``, or ``--scheduler ADDRESS``): dask.distributed,
  an embedded LocalCluster of K single-threaded worker processes, or an existing cluster.
  Tasks are submitted with their cost as priority; when a worker dies, the scheduler runs
  its tasks again on another worker, and every task still yields exactly once. dask is an
  optional extra (``pip install 'convac[dask]'``): this module imports it only when chosen.

>>> choice = choose_executor(jobs=1)
>>> choice.describe()
'processes (1 job)'
>>> with open_executor(choice) as ex:
...     sorted(ex.run(abs, [-3, 2, -1], costs=[1, 3, 2]))
[(0, 3), (1, 2), (2, 1)]
>>> choose_executor("dask", jobs=2)
Traceback (most recent call last):
...
symbolic.errors.DomainError: --jobs 2: applies to --executor processes; with dask, use --workers K (or --scheduler
ADDRESS)
"""

from __future__ import annotations

import logging
import os
import uuid
from dataclasses import dataclass
from typing import Callable, Iterator

from symbolic.errors import ConvacError, DomainError

__all__ = ["ExecutorChoice", "choose_executor", "open_executor", "Executor", "DaskExecutor", "longest_first",
           "import_distributed", "DASK_HINT"]

KINDS = ("processes", "dask")
#: A scheduler address: a protocol dask knows and host:port, or host:port alone.
_ADDRESS = __import__("re").compile(r"((tcp|tls|ucx|ws|wss)://)?(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9_.-]+):\d{1,5}/?")
#: Worker processes per core at most, and open files each one costs the parent (pipes; dask: connections).
PER_CORE, FILES_PER_SLOT = 4, {"processes": 6, "dask": 64}


def max_slots(kind: str = "processes") -> tuple:
    """The most worker processes of ``kind`` this machine allows, and why: ``PER_CORE`` per core, and what
    the open-file limit (``ulimit -n``) leaves after 64 descriptors for the rest.

    >>> cap, why = max_slots(); cap >= 1 and "per core" in why
    True
    """
    import resource

    cores = os.cpu_count() or 1
    soft = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
    soft = 1 << 20 if soft == resource.RLIM_INFINITY else soft
    by_files = max(1, (soft - 64) // FILES_PER_SLOT[kind])
    cap = max(1, min(PER_CORE * cores, by_files))
    return cap, (f"{PER_CORE} per core, {cores} core{'s' if cores != 1 else ''}; the open-file limit {soft} "
                 f"allows {by_files}")
#: The one-line remedy when dask is chosen but not installed.
DASK_HINT = "pip install 'convac[dask]'"


@dataclass(frozen=True)
class ExecutorChoice:
    """Which executor runs the tasks: ``kind`` processes (``jobs`` processes) or dask (an embedded
    cluster of ``workers`` processes, or the cluster of ``scheduler``, an address such as
    ``tcp://host:8786``). Build it with :func:`choose_executor`, which checks the combination."""

    kind: str = "processes"
    jobs: int = 1
    workers: int | None = None
    scheduler: str | None = None

    def __post_init__(self):
        if self.kind not in KINDS:
            raise DomainError(f"--executor {self.kind!r}: expected one of {', '.join(KINDS)}")
        for flag, v in (("--jobs", self.jobs), ("--workers", self.workers)):
            if v is not None and (isinstance(v, bool) or not isinstance(v, int) or v < 1):
                raise DomainError(f"{flag} {v!r}: expected an int >= 1")
            if v is not None and v > 1:
                cap, why = max_slots("dask" if flag == "--workers" else "processes")
                if v > cap:
                    raise DomainError(f"{flag} {v}: at most {cap} on this machine ({why})")
        if self.scheduler is not None and (not isinstance(self.scheduler, str) or not self.scheduler.strip()
                                           or len(self.scheduler) > 500 or not self.scheduler.isprintable()
                                           or not _ADDRESS.fullmatch(self.scheduler.strip())):
            raise DomainError(f"--scheduler {self.scheduler!r}: expected an address such as tcp://127.0.0.1:8786 "
                              "(tcp://, tls://, ucx://, ws://, wss:// or HOST:PORT)")

    def describe(self) -> str:
        """One line for logs, e.g. ``dask (embedded LocalCluster, 2 workers)``."""
        if self.kind == "processes":
            return f"processes ({self.jobs} job{'s' if self.jobs != 1 else ''})"
        if self.scheduler:
            return f"dask (scheduler {self.scheduler})"
        return f"dask (embedded LocalCluster, {self.workers} worker{'s' if self.workers != 1 else ''})"


def choose_executor(executor=None, *, jobs: int = 1, workers: int | None = None,
                    scheduler: str | None = None) -> ExecutorChoice:
    """The executor of the flags ``--executor``, ``--jobs``, ``--workers`` and ``--scheduler``.

    ``executor`` is ``"processes"``, ``"dask"``, an :class:`ExecutorChoice` (returned as it is) or
    None (dask when ``scheduler`` or ``workers`` is given, else processes). A scheduler address
    implies dask; without one, dask starts an embedded LocalCluster of ``workers`` processes
    (default: one per core).

    >>> choose_executor(scheduler="tcp://127.0.0.1:8786").describe()
    'dask (scheduler tcp://127.0.0.1:8786)'
    >>> choose_executor("processes", workers=2)
    Traceback (most recent call last):
    ...
    symbolic.errors.DomainError: --workers 2: applies to --executor dask; with processes, use --jobs N
    """
    if isinstance(executor, ExecutorChoice):
        return executor
    if executor is not None and executor not in KINDS:
        raise DomainError(f"--executor {executor!r}: expected one of {', '.join(KINDS)}")
    kind = executor or ("dask" if scheduler is not None or workers is not None else "processes")
    if kind == "processes":
        if scheduler is not None:
            raise DomainError(f"--scheduler {scheduler}: runs on a dask cluster; drop --executor processes")
        if workers is not None:
            raise DomainError(f"--workers {workers}: applies to --executor dask; with processes, use --jobs N")
        return ExecutorChoice("processes", jobs)
    if jobs not in (None, 1):
        raise DomainError(f"--jobs {jobs}: applies to --executor processes; with dask, use --workers K "
                          "(or --scheduler ADDRESS)")
    if scheduler is not None and workers is not None:
        raise DomainError(f"--workers {workers}: the cluster at --scheduler {scheduler} has its own workers; "
                          "drop --workers")
    if scheduler is None and workers is None:
        workers = os.cpu_count() or 1
    return ExecutorChoice("dask", 1, workers, scheduler)


def longest_first(costs) -> list:
    """The indices of ``costs`` by decreasing cost (ties keep their order).

    >>> longest_first([1, 5, 2, 5])
    [1, 3, 2, 0]
    """
    return sorted(range(len(costs)), key=lambda i: -costs[i])


class Executor:
    """Runs independent tasks; ``slots`` of them at a time."""

    slots = 1

    def describe(self) -> str:
        return "this process"

    def run(self, fn: Callable, items: list, costs=None, names=None, big: bool = False) -> Iterator[tuple]:
        """Yield ``(i, fn(items[i]))`` for every i, as the tasks finish; costliest first.

        Closing the generator early (a ``break``, Ctrl-C) cancels the tasks not yet finished.
        ``names`` (one short text per item) label the tasks where the executor shows them; ``big``
        says the items are large (certificates), for executors that ship items over the network.
        """
        for i in longest_first(costs or [0] * len(items)):
            yield i, fn(items[i])

    def close(self):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False


def open_executor(choice: ExecutorChoice | None = None) -> Executor:
    """Start the executor of ``choice`` (a context manager: closing it stops the workers it started)."""
    choice = choice or ExecutorChoice()
    if choice.kind == "processes":
        return Executor() if choice.jobs == 1 else _Processes(choice.jobs)
    return DaskExecutor(choice)


# the function and items of the running pool, inherited by its forked processes
_FORKED: tuple = (None, ())


def _call(i):
    fn, items = _FORKED
    return fn(items[i])


def _pool_worker_init(parent: int):
    """A pool process: Ctrl-C is the parent's to handle, and the process dies with its parent (even a
    kill -9 of it: PR_SET_PDEATHSIG), so that no worker is left running under init."""
    import signal

    from theorems.run.supervise import die_with_parent

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the parent, which stops the pool
    die_with_parent()
    if os.getppid() != parent:  # the parent died before the line above
        os._exit(1)


class _Processes(Executor):
    """A pool of ``jobs`` forked processes; the tasks of one :meth:`run` are handed over by index."""

    def __init__(self, jobs: int):
        self.slots = jobs

    def describe(self) -> str:
        return f"{self.slots} processes"

    def run(self, fn, items, costs=None, names=None, big=False):
        global _FORKED
        import multiprocessing as mp
        from concurrent.futures import FIRST_COMPLETED, wait
        from concurrent.futures import ProcessPoolExecutor
        from concurrent.futures.process import BrokenProcessPool

        order = longest_first(costs or [0] * len(items))
        _FORKED = (fn, items)
        pool = ProcessPoolExecutor(max_workers=min(self.slots, max(1, len(items))), mp_context=mp.get_context("fork"),
                                   initializer=_pool_worker_init, initargs=(os.getpid(),))
        pending = {}
        try:
            for i in order:  # the pool starts queued work in submission order
                pending[pool.submit(_call, i)] = i
            while pending:
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for f in sorted(done, key=lambda f: order.index(pending[f])):
                    i = pending.pop(f)
                    try:
                        result = f.result()
                    except BrokenProcessPool:
                        raise ConvacError("a worker process died (killed, or out of memory); finished results are "
                                          "kept with --journal FILE: rerun with it to finish the rest") from None
                    yield i, result
        finally:
            _FORKED = (None, ())
            if pending:  # stopped early: the running processes are not waited for
                procs = list((getattr(pool, "_processes", None) or {}).values())
                pool.shutdown(wait=False, cancel_futures=True)
                for p in procs:
                    if p.is_alive():
                        p.terminate()
                for p in procs:
                    p.join(timeout=5)
            else:
                pool.shutdown(wait=True)


# ----------------------------------------------------------------------------- dask
#: Seconds to reach an external scheduler, and to wait for its first worker.
CONNECT_TIMEOUT, WAIT_FOR_WORKERS = 10.0, 120.0


def import_distributed():
    """The ``distributed`` module, or a one-line error naming the extra to install."""
    try:
        import distributed
    except ImportError:
        raise ConvacError(f"--executor dask: dask.distributed is not installed; {DASK_HINT}") from None
    return distributed


class DaskExecutor(Executor):
    """Tasks on a dask cluster (embedded or at ``choice.scheduler``); ``slots`` is its thread count."""

    def __init__(self, choice: ExecutorChoice):
        distributed = import_distributed()
        # a lost scheduler is reported in one line by run(), not by dask's reconnection tracebacks
        logging.getLogger("distributed.client").setLevel(logging.CRITICAL)
        self.choice, self.cluster = choice, None
        if choice.scheduler:
            try:
                self.client = distributed.Client(choice.scheduler, timeout=CONNECT_TIMEOUT, set_as_default=False)
            except (OSError, ValueError, TypeError) as e:
                raise ConvacError(f"--scheduler {choice.scheduler}: no dask scheduler answers there "
                                  f"({str(e).splitlines()[0][:120]}); start one with `dask scheduler`") from None
            try:
                self.client.wait_for_workers(1, timeout=WAIT_FOR_WORKERS)
            except (TimeoutError, OSError):
                self.close()
                raise ConvacError(f"--scheduler {choice.scheduler}: no worker joined in {WAIT_FOR_WORKERS:.0f} s; "
                                  f"start one with `dask worker {choice.scheduler}`") from None
        else:
            self.cluster = distributed.LocalCluster(n_workers=choice.workers, threads_per_worker=1, processes=True,
                                                    dashboard_address=":0", silence_logs=logging.ERROR)
            self.client = distributed.Client(self.cluster, set_as_default=False)
        self.slots = max(1, sum(self.client.nthreads().values()))

    def describe(self) -> str:
        n = len(self.client.nthreads())
        where = f"scheduler {self.choice.scheduler}" if self.choice.scheduler else "embedded LocalCluster"
        return f"dask ({where}, {n} worker{'s' if n != 1 else ''})"

    def run(self, fn, items, costs=None, names=None, big: bool = False):
        """As :meth:`Executor.run`; ``big`` items (e.g. certificates to re-verify) are scattered to the
        workers first instead of riding in the task graph."""
        import asyncio
        from concurrent.futures import CancelledError

        from distributed import as_completed
        from distributed.scheduler import KilledWorker

        order = longest_first(costs or [0] * len(items))
        token = uuid.uuid4().hex[:8]
        args = self.client.scatter([items[i] for i in order], hash=False) if big else [items[i] for i in order]
        pending = {}
        for rank, (i, a) in enumerate(zip(order, args)):
            label = str(names[i] if names else getattr(fn, "__name__", "task")).replace(" ", "_")[:60]
            f = self.client.submit(fn, a, key=f"convac-{label}-{i}-{token}", priority=len(order) - rank, pure=False)
            pending[f] = i
        del args
        try:
            ac = as_completed(list(pending), loop=self.client.loop)
            alone_since = None
            while pending:
                batch = ac.next_batch(block=False) if ac.count() else []
                if not batch:  # nothing finished: is any worker left to run the rest?
                    alone_since = self._check_workers(alone_since)
                    import time

                    time.sleep(0.2)
                    continue
                alone_since = None
                for f in batch:
                    i = pending.pop(f)
                    try:
                        result = f.result()
                    except KilledWorker:
                        raise ConvacError(f"dask: task {f.key} killed every worker that ran it (out of memory?); "
                                          "finished results are kept with --journal FILE") from None
                    f.release()
                    yield i, result
        except (OSError, TimeoutError, CancelledError, asyncio.CancelledError) as e:  # the scheduler is gone
            raise ConvacError(f"dask: lost the scheduler ({type(e).__name__}: "
                              f"{str(e).splitlines()[0][:100] if str(e) else 'closed'}); "
                              "finished results are kept with --journal FILE: rerun with it") from None
        finally:
            if pending:
                try:
                    self.client.cancel(list(pending), force=True)
                except Exception:  # noqa: BLE001 - the scheduler may be gone already
                    pass

    def _check_workers(self, alone_since):
        """``None`` while the cluster has a worker; else when it lost its last one. After
        :data:`WAIT_FOR_WORKERS` seconds without one, the run stops in one line."""
        import sys
        import time

        if self.client.status not in ("running", "connecting"):
            raise OSError(f"the client is {self.client.status}")
        if self.client.nthreads():
            return None
        now = time.monotonic()
        if alone_since is None:
            print(f"convac: dask: no worker is left on the cluster; waiting up to {WAIT_FOR_WORKERS:.0f} s for one "
                  "to join", file=sys.stderr, flush=True)
            return now
        if now - alone_since > WAIT_FOR_WORKERS:
            raise ConvacError(f"dask: no worker is left on the cluster, and none joined in {WAIT_FOR_WORKERS:.0f} s; "
                              "finished results are kept with --journal FILE: rerun with it")
        return alone_since

    def close(self):
        try:
            self.client.close(timeout=10)
        except Exception:  # noqa: BLE001 - a scheduler already gone: nothing left to close
            pass
        finally:
            if self.cluster is not None:
                self.cluster.close()
