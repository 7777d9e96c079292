"""The catalog sweep behind ``convac verify``: every (claim, instance) checked, each verdict kernel-verified,
run on an executor (:mod:`theorems.run.executors`: local processes or a dask cluster), longest tasks first,
optionally journalled in the order results arrive (resumable after Ctrl-C, a kill or a lost worker).

The answer never depends on the executor, the number of workers or the order of completion: every task
is a pure function of (claim, instance, seed) and the results are put back in catalog order.

>>> rows = run_sweep("small", ["depth.relu_max.term_bound"], show_progress=False)
>>> [r["status"] for r in rows] == ["proved"] * len(get_claim("depth.relu_max.term_bound").small)
True
"""

from __future__ import annotations

import json
import os
import sys
import time
from dataclasses import dataclass, replace

from symbolic.errors import ConvacError
from symbolic.frozen import freeze, thaw

from theorems.claims.catalog import get_claim, instances
from theorems.run.executors import choose_executor, open_executor
from theorems.run.progress import progress
from theorems.claims.verdict import Status

__all__ = ["Task", "run_sweep", "summary", "fmt_instance", "sweep_tasks", "open_journal", "assign_journal",
           "validate_seed"]


def fmt_instance(inst: dict) -> str:
    """An instance as one table cell: ``key=value`` pairs (F and the statement left out), a list comma-joined; a
    set of modes (a partition such as ``"0,3"``, or a list of ints inside a list) in braces, and the items of a
    list joined by ``;`` when one of them holds a comma, so that every partition reads apart.

    >>> fmt_instance({"N": 4, "widths": [3, 3], "partitions": ["odd-even", "halves", "0", "0,3"]})
    'N=4 widths=3,3 partitions=odd-even;halves;{0};{0,3}'
    """
    def item(x) -> str:
        if isinstance(x, list):
            return "{" + ",".join(map(str, x)) + "}"
        if isinstance(x, str) and x and set(x) <= set("0123456789,"):
            return "{" + x + "}"
        return str(x)

    parts = []
    for k, v in inst.items():
        if k in ("F", "statement"):
            continue
        if isinstance(v, list):
            nested = any(isinstance(x, (list, str)) for x in v)
            items = [item(x) if nested else str(x) for x in v]
            v = (";" if any("," in x for x in items) else ",").join(items)
        parts.append(f"{k}={v}")
    return " ".join(parts)


@dataclass(frozen=True)
class Task:
    """One task of a sweep: a claim checked on one instance.

    Parameters
    ----------
    claim : str
        The claim's id.
    instance : Mapping
        Its parameters (frozen).
    seed : int
    limits : symbolic.limits.Limits or None
        The resource limits of the run, applied on the worker (a worker of an external cluster has its own).
    encode : bool
        Add the result's JSON text as ``row["json"]``.
    light : bool
        Leave the certificate out of the row's dicts (it can weigh 60 MB: the text, when asked for, holds it).

    Examples
    --------
    >>> Task("laws", {}, 0)
    Task(claim='laws', instance=FrozenDict({}), seed=0, limits=None, encode=False, light=False)
    """

    claim: str
    instance: object
    seed: int
    limits: object = None
    encode: bool = False
    light: bool = False

    def __post_init__(self):
        object.__setattr__(self, "instance", freeze(self.instance))


def sweep_tasks(size="small", only=None, seed=0) -> list:
    """The tasks of a sweep, in catalog order: one :class:`Task` per (claim, instance).
    The seed must be an int >= 0 and no claim may be named twice in ``only`` (refused here, before any work).

    >>> sweep_tasks("small", ["laws", "laws"])
    Traceback (most recent call last):
    ...
    symbolic.errors.ConvacError: --only: laws is named twice; name each claim once
    """
    validate_seed(seed)
    if only is not None:
        dup = sorted({c for c in only if list(only).count(c) > 1})
        if dup:
            raise ConvacError(f"--only: {', '.join(dup)} {'is' if len(dup) == 1 else 'are'} named twice; "
                              "name each claim once")
    return [Task(c.id, inst, seed) for c, inst in instances(size, only)]


def validate_seed(seed, flag: str = "--seed") -> int:
    """A seed: an int >= 0 (numpy's generators refuse negative seeds, deep inside a task).

    >>> validate_seed(-1)
    Traceback (most recent call last):
    ...
    symbolic.errors.ConvacError: --seed -1: expected an int >= 0
    """
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ConvacError(f"{flag} {seed!r}: expected an int >= 0")
    return seed


def _run_one(task: Task):
    """One :class:`Task`: the claim checked on its instance (the verdict re-verified by the kernel inside
    :func:`theorems.claims.verdict.conclude`), as a row, under the task's limits."""
    from symbolic.limits import Limits, use_limits

    claim_id, inst, seed, lim, encode, light = (task.claim, thaw(task.instance), task.seed, task.limits,
                                                task.encode, task.light)
    if isinstance(lim, Limits):
        with use_limits(lim):
            row = _check_one(claim_id, inst, seed)
    else:
        row = _check_one(claim_id, inst, seed)
    if encode:  # encoded here, on the worker: the journal line and the answer's text
        row["json"] = json.dumps(row["result"])
    if light:
        row = {k: v for k, v in row.items() if k != "certificate"}
        row["result"] = {k: v for k, v in row["result"].items() if k != "certificate"}
    return row


def _check_one(claim_id, inst, seed) -> dict:
    claim = get_claim(claim_id)
    t0 = time.perf_counter()
    try:
        v = claim.check(**dict(inst), seed=seed)
        row = dict(v.to_dict(), result=v.result())
    except ConvacError as e:
        secs = round(time.perf_counter() - t0, 3)
        row = {"claim": claim_id, "instance": inst, "status": Status.INCONCLUSIVE.value,
               "seconds": secs, "seed": seed, "method": "none",
               "detail": f"error: {e}", "checked": False, "certificate": None,
               "result": {"statement": {"type": "claim", "claim": claim_id,
                                        "instance": claim.statement_instance(inst, seed)},
                          "status": "inconclusive", "certificate": None, "seconds": secs, "seed": seed,
                          "why": f"error: {e}"[:2000]}}
    return row


def _plain(x):
    """JSON-shaped copy (tuples become lists) for comparing instances."""
    return json.loads(json.dumps(x))


def _placeholder(v, w) -> bool:
    return isinstance(v, str) and isinstance(w, (list, dict))


def _matches(inst: dict, stated: dict) -> bool:
    """Can a result whose statement has instance ``stated`` be the answer to the task instance ``inst``?
    (The checks keep every given parameter, fill in defaults such as widths, and resolve placeholders
    such as ``patch_order="random"`` into values.)"""
    return isinstance(stated, dict) and all(k in stated
                                            and (_plain(v) == _plain(stated[k]) or _placeholder(v, stated[k]))
                                            for k, v in inst.items() if v is not None)


def _exact_keys(inst: dict, stated: dict) -> int:
    """How many parameters of ``inst`` the statement repeats as they are (no placeholder resolved)."""
    return sum(1 for k, v in inst.items() if v is not None and k in stated and _plain(v) == _plain(stated[k]))


#: Statuses a journal line keeps on resume; a task whose lines are all tested or inconclusive runs again.
KEPT = ("proved", "refuted")


def open_journal(path: str):
    """The journal ``path`` opened for reading and appending (created if missing), locked for this run
    alone (``fcntl.flock``): a second run on the same journal is refused in one line, before any work.
    Only a regular file is accepted (a FIFO, a device such as /dev/zero, a folder are refused at once)."""
    import fcntl
    import stat

    where = f"--journal {path}"
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_NONBLOCK, 0o644)
    except OSError as e:
        raise ConvacError(f"{where}: cannot be opened ({e.strerror})") from None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise ConvacError(f"{where}: not a regular file (a FIFO, device or folder); use a file")
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise ConvacError(f"{where}: in use by another convac run (it is locked); wait for that run, or use "
                              "another journal") from None
        os.set_blocking(fd, True)
        fh = os.fdopen(fd, "r+b", buffering=0)  # unbuffered: each line reaches the file at once
        fh.name = path
        return fh
    except BaseException:
        os.close(fd)
        raise


def _read_journal(path, seed: int, texts: list | None = None) -> list:
    """The results of a journal (a path, or a file from :func:`open_journal`), in file order (their JSON
    lines appended to ``texts`` when given). A last line cut short (the run was killed while writing it) is
    dropped and cut from the file; any other line that is not a result of this seed is refused. The journal
    must be a regular file no larger than the memory limit (``--max-memory``)."""
    from symbolic.limits import limits

    if isinstance(path, (str, bytes, os.PathLike)):
        if not os.path.exists(path):
            return []
        with open_journal(os.fsdecode(path)) as fh:
            return _read_journal(fh, seed, texts)
    fh, path = path, str(path.name)
    size, cap = os.fstat(fh.fileno()).st_size, limits().max_memory
    if size > cap:
        raise ConvacError(f"--journal {path}: {size:,} bytes, more than the memory limit of {cap:,} bytes "
                          "(--max-memory); raise it or use another journal")
    fh.seek(0)
    chunks, got = [], 0
    while got <= cap:
        chunk = fh.read(min(1 << 30, cap + 1 - got))
        if not chunk:
            break
        chunks.append(chunk)
        got += len(chunk)
    data = b"".join(chunks)
    if data and not data.endswith(b"\n"):  # a line cut short by a kill: drop it, so appends stay whole lines
        data = data[: data.rfind(b"\n") + 1]
        fh.truncate(len(data))
    out = []
    for n, line in enumerate(data.split(b"\n")[:-1], 1):
        where = f"--journal {path}: line {n}"
        try:
            r = json.loads(line)  # the C parser (a journal holds certificates: up to hundreds of MB)
        except (ValueError, RecursionError) as e:
            raise ConvacError(f"{where}: not JSON ({str(e)[:80]}); remove the line or use another journal") from None
        st = r.get("statement") if isinstance(r, dict) else None
        if (not isinstance(st, dict) or st.get("type") != "claim" or not isinstance(st.get("claim"), str)
                or not isinstance(st.get("instance"), dict) or r.get("status") not in {x.value for x in Status}):
            raise ConvacError(f"{where}: not a result of convac verify (expected a claim statement and a status); "
                              "remove the line or use another journal")
        if r.get("seed") != seed:
            raise ConvacError(f"{where}: a result of seed {r.get('seed')!r}, but this run has seed {seed}; "
                              f"use another journal (or --seed {r.get('seed')!r})")
        out.append(r)
        if texts is not None:
            texts.append(line.decode("utf-8"))
    return out


def _statement_key(st: dict) -> str:
    return json.dumps(st, sort_keys=True, default=str)


def assign_journal(lines: list, tasks: list, path: str = "FILE") -> dict:
    """Which task each kept journal line answers: ``{task index: line index}``, by the line's full statement.

    A line answers the task of its claim whose parameters its statement repeats, the most specific one
    (the task that repeats most of them exactly; placeholders such as ``patch_order="random"`` count
    least), whatever the order of the lines, so the tasks a journal lacks are exactly those no line
    answers. Lines that are tested or inconclusive answer nothing (the task runs again) but must belong
    to the sweep. A line that belongs to no task of the sweep, or a second proved or refuted line for the
    same statement or the same task, is refused in one line.

    >>> tasks = [Task("geometry", {"N": 4, "patch_order": [0, 1, 2, 3]}, 0),
    ...          Task("geometry", {"N": 4, "patch_order": "random"}, 0)]
    >>> line = lambda order: {"statement": {"claim": "geometry", "instance": {"N": 4, "patch_order": order}}}
    >>> assign_journal([line([2, 0, 1, 3]), line([0, 1, 2, 3])], tasks)
    {1: 0, 0: 1}
    """
    by_claim: dict[str, list[int]] = {}  # claim -> indices of its tasks
    out: dict[int, int] = {}  # task index -> line index
    seen: dict[str, int] = {}  # statement key -> line index
    for i, t in enumerate(tasks):
        by_claim.setdefault(t.claim, []).append(i)
    for n, r in enumerate(lines):
        st = r["statement"]
        kept = r.get("status", "proved") in KEPT
        cands = [i for i in by_claim.get(st["claim"], ()) if _matches(tasks[i].instance, st["instance"])]
        what = f"--journal {path}: line {n + 1} answers {st['claim']} {fmt_instance(st['instance'])}"
        if not cands:
            raise ConvacError(f"{what}, which is not a task of this sweep: it was written by another sweep "
                              "(other --size or --only); use another journal")
        if not kept:
            continue
        key = _statement_key(st)
        if key in seen:
            raise ConvacError(f"{what}, which an earlier line answers already (line {seen[key] + 1}: the same "
                              "statement twice); use another journal")
        best = max(_exact_keys(tasks[i].instance, st["instance"]) for i in cands)
        top = [i for i in cands if _exact_keys(tasks[i].instance, st["instance"]) == best]
        task = next((i for i in top if i not in out), top[0])  # tasks that no statement tells apart: in turn
        if task in out:
            raise ConvacError(f"{what}, which an earlier line answers already (line {out[task] + 1}); "
                              "use another journal")
        out[task], seen[key] = n, n
    return out


def _recheck(result) -> str:
    """The kernel's verdict on a result read back from a journal: '' when it verifies, else the reason
    (an inconclusive result asserts nothing)."""
    from symbolic.kernel.recheck import check_result

    if result["status"] == "inconclusive":
        return ""
    line = check_result(result)
    return "" if line.ok else (line.reason or "rejected")


def _row_of(result: dict, text: str) -> dict:
    """A row of the table for a result read back from a journal (the same fields as a fresh one)."""
    from theorems.claims.verdict import cert_kinds

    st = result["statement"]
    return {"claim": st["claim"], "instance": st["instance"], "status": result["status"],
            "seconds": result["seconds"], "seed": result["seed"], "method": cert_kinds(result["certificate"]),
            "detail": "from the journal, re-verified by the trusted kernel", "checked": True,
            "certificate": result["certificate"], "result": result, "json": text}


def _resume(fh, tasks: list, seed: int, ex, costs: list) -> dict:
    """The rows of the tasks a journal (a file from :func:`open_journal`) already holds, ``{task index: row}``:
    each proved or refuted line assigned to its task by its statement (:func:`assign_journal`) and
    re-verified by the trusted kernel, on the executor ``ex``. Tasks with no such line are left to run."""
    texts: list[str] = []
    path = fh.name
    lines = _read_journal(fh, seed, texts)
    if not lines:
        return {}
    which = assign_journal(lines, tasks, path)
    order = sorted(which)
    for k, why in ex.run(_recheck, [lines[which[i]] for i in order], costs=[costs[i] for i in order], big=True):
        if why:
            n = which[order[k]]
            raise ConvacError(f"--journal {path}: line {n + 1} ({lines[n]['statement']['claim']}) does not "
                              f"re-verify with the trusted kernel ({why[:100]}); use another journal")
    return {i: _row_of(lines[n], texts[n]) for i, n in which.items()}


def _append(fh, text: str) -> None:
    """One line onto the journal, flushed; a full disk is one line naming the journal."""
    try:
        fh.write(text.encode("utf-8") + b"\n")
        fh.flush()
    except OSError as e:
        raise ConvacError(f"--journal {fh.name}: cannot be written ({e.strerror}); the results before this one "
                          "are kept: free space and rerun with the same journal") from None


def run_sweep(size="small", only=None, jobs=1, seed=0, show_progress=True, journal=None, executor=None,
              keep: str = "dicts", timeout: float | None = None) -> list:
    """Check every (claim, instance) of a sweep; returns the verdicts as dicts, in catalog order.

    ``keep`` says what comes back from the workers: ``"dicts"`` (``row["result"]`` is the answer's result
    object, certificate included), ``"text"`` (``row["json"]`` is its JSON text, encoded by the worker;
    the dicts leave the certificate out) or ``"rows"`` (the dicts without certificates: a table). With a
    journal, ``row["json"]`` is always there.

    Parameters
    ----------
    size, only : the sweep (:func:`theorems.claims.catalog.instances`); a claim named twice in ``only`` is refused
    jobs : processes of the default executor (``executor`` None or ``"processes"``)
    seed : the seed of every random choice, an int >= 0; the results are a function of it
    show_progress : progress on stderr (done/total, the rate and an ETA)
    journal : path, optional
        Each finished result (``row["result"]``, the object of the answer's ``results``) is appended as
        one JSON line, flushed, in the order the results arrive. A rerun with the same journal keeps the
        proved and refuted lines (each assigned to its task by its full statement and re-verified by the
        trusted kernel), runs every task that has none (tested and inconclusive lines are retried), and
        refuses a journal with the same statement twice or a line of another sweep. The journal is locked
        for the run: a second run on it is refused.
    executor : ``"processes"``, ``"dask"`` or an :class:`theorems.run.executors.ExecutorChoice`
        (:func:`theorems.run.executors.choose_executor`); tasks start longest first by their estimated cost
        (:meth:`theorems.claims.catalog.Claim.estimate`).
    timeout : seconds, optional
        Stop the sweep after this long (:class:`theorems.run.supervise.TimedOut`); the journal keeps every
        result that finished.
    """
    from symbolic.limits import limits

    if timeout is not None:
        from theorems.run.supervise import real_streams, supervised

        return supervised(lambda: run_sweep(size, only, jobs, seed, show_progress, journal, executor, keep),
                          timeout=timeout, label="verify", capture=not real_streams())
    if keep not in ("dicts", "text", "rows"):
        raise ValueError(f"keep={keep!r}: expected 'dicts', 'text' or 'rows'")
    choice = choose_executor(executor, jobs=jobs)
    tasks = sweep_tasks(size, only, seed)
    costs = [get_claim(t.claim).estimate(thaw(t.instance)) for t in tasks]
    lim = limits()  # passed to every task: a worker of an external cluster applies them too
    results = [None] * len(tasks)
    sink = open_journal(journal) if journal is not None else None  # locked before any work
    bar = None
    try:
        with open_executor(choice) as ex:
            if show_progress and choice.kind == "dask":
                print(f"convac verify: {len(tasks)} tasks on {ex.describe()}", file=sys.stderr, flush=True)
            if sink is not None:
                for i, row in _resume(sink, tasks, seed, ex, costs).items():
                    results[i] = row
            todo = [i for i in range(len(tasks)) if results[i] is None]  # from the task list, never a count
            bar = progress(len(tasks), f"verify {size}") if show_progress else None
            if bar and len(todo) < len(tasks):
                bar.update(len(tasks) - len(todo), "from the journal")
            t0, runs, finished = time.monotonic(), None, []
            try:
                encode, light = keep == "text" or sink is not None, keep != "dicts"
                runs = ex.run(_run_one, [replace(tasks[i], limits=lim, encode=encode, light=light) for i in todo],
                              costs=[costs[i] for i in todo],
                              names=[tasks[i].claim for i in todo])
                for j, row in runs:
                    i = todo[j]
                    finished.append(time.monotonic() - t0)
                    results[i] = row
                    if sink is not None:
                        _append(sink, row["json"])
                    if bar:
                        bar.update(1, f"{tasks[i].claim}; {rate(finished, time.monotonic() - t0):.2f} per s")
            finally:
                if runs is not None:
                    runs.close()  # stopped early (Ctrl-C, an error): the tasks still running are cancelled
                if bar:
                    bar.close()
    finally:
        if sink is not None:
            try:
                sink.close()
            except OSError:
                pass
    return results




def rate(finished: list, now: float, window: float = 60.0) -> float:
    """The current rate: results per second over the last ``window`` seconds (since the start, if shorter),
    from the times at which results finished.

    >>> rate([1.0, 2.0, 70.0, 80.0, 90.0], 100.0)   # 3 results in the last 60 s
    0.05
    """
    span = min(window, now)
    return sum(1 for t in finished if t >= now - span) / span if span > 0 else 0.0


def summary(results) -> dict:
    counts = {s.value: 0 for s in Status}
    for r in results:
        counts[r["status"]] += 1
    claims: dict[str, list[str]] = {}
    for r in results:
        claims.setdefault(r["claim"], []).append(r["status"])
    per_claim = {c: ("proved" if all(s == "proved" for s in st) else
                     "refuted" if "refuted" in st else "inconclusive" if "inconclusive" in st else "tested")
                 for c, st in claims.items()}
    return {"results": len(results), **counts, "claims": len(claims),
            "claims_proved": sum(1 for s in per_claim.values() if s == "proved"), "per_claim": per_claim,
            "seconds": round(sum(r["seconds"] for r in results), 2), "all_proved": counts["proved"] == len(results)}
