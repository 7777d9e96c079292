"""The catalog sweep behind ``convac verify``: every (claim, instance) checked, each verdict kernel-verified,
run on an executor (:mod:`theorems.executors`: local processes or a dask cluster), longest tasks first,
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

from symbolic.errors import ConvacError

from .catalog import get_claim, instances
from .executors import choose_executor, open_executor
from .progress import progress
from .verdict import Status

__all__ = ["run_sweep", "summary", "fmt_instance", "sweep_tasks"]


def fmt_instance(inst: dict) -> str:
    keep = {k: v for k, v in inst.items() if k not in ("F", "statement")}
    parts = []
    for k, v in keep.items():
        if isinstance(v, list):
            v = ",".join(map(str, v))
        parts.append(f"{k}={v}")
    return " ".join(parts)


def sweep_tasks(size="small", only=None, seed=0) -> list:
    """The tasks of a sweep, in catalog order: ``(claim id, instance, seed)``, one per (claim, instance)."""
    return [(c.id, inst, seed) for c, inst in instances(size, only)]


def _run_one(task):
    """One task ``(claim id, instance, seed[, limits[, encode[, light]]])``: the claim checked on its
    instance (the verdict re-verified by the kernel inside :func:`theorems.verdict.conclude`), as a row;
    ``limits`` (environment variables) are the resource limits of the run, set here too because a worker
    of an external cluster has its own environment; ``encode`` adds the result's JSON text as
    ``row["json"]``; ``light`` leaves the certificate out of the row's dicts (it can weigh 60 MB: the
    text, when asked for, holds it)."""
    claim_id, inst, seed, *rest = task
    limits, encode, light = (rest + [{}, False, False][len(rest):])[:3]
    for k, v in limits.items():
        os.environ[k] = v
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
               "result": {"statement": {"type": "claim", "claim": claim_id, "instance": inst},
                          "status": "inconclusive", "certificate": None, "seconds": secs, "seed": seed}}
    if encode:  # encoded here, on the worker: the journal line and the answer's text
        row["json"] = json.dumps(row["result"])
    if light:
        row = {k: v for k, v in row.items() if k != "certificate"}
        row["result"] = {k: v for k, v in row["result"].items() if k != "certificate"}
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
    return isinstance(stated, dict) and all(k in stated and (_plain(v) == _plain(stated[k]) or _placeholder(v, stated[k]))
                                            for k, v in inst.items() if v is not None)


def _exact_keys(inst: dict, stated: dict) -> int:
    """How many parameters of ``inst`` the statement repeats as they are (no placeholder resolved)."""
    return sum(1 for k, v in inst.items() if v is not None and k in stated and _plain(v) == _plain(stated[k]))


def _read_journal(path: str, seed: int, texts: list | None = None) -> list:
    """The results of a journal, in file order (their JSON lines appended to ``texts`` when given). A last
    line cut short (the run was killed while writing it) is dropped and cut from the file; any other line
    that is not a result of this seed is refused."""
    if not os.path.exists(path):
        return []
    with open(path, "rb") as fh:
        data = fh.read()
    if data and not data.endswith(b"\n"):  # a line cut short by a kill: drop it, so appends stay whole lines
        data = data[: data.rfind(b"\n") + 1]
        with open(path, "r+b") as fh:
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


def assign_journal(lines: list, tasks: list, path: str = "FILE") -> dict:
    """Which task each journal line answers: ``{task index: line index}``. Lines come in the order their
    results arrived; a line answers the task of its claim whose parameters it repeats (the task that
    repeats most of them exactly, placeholders such as ``patch_order="random"`` last). A line that answers
    no task still open (another sweep's, or a second copy) is refused in one line.

    >>> tasks = [("geometry", {"N": 4, "patch_order": [0, 1, 2, 3]}, 0), ("geometry", {"N": 4, "patch_order": "random"}, 0)]
    >>> line = lambda order: {"statement": {"claim": "geometry", "instance": {"N": 4, "patch_order": order}}}
    >>> assign_journal([line([2, 0, 1, 3]), line([0, 1, 2, 3])], tasks)
    {1: 0, 0: 1}
    """
    by_claim, out = {}, {}
    for i, (cid, inst, *_) in enumerate(tasks):
        by_claim.setdefault(cid, []).append(i)
    for n, r in enumerate(lines):
        st = r["statement"]
        open_ = [i for i in by_claim.get(st["claim"], ()) if i not in out and _matches(tasks[i][1], st["instance"])]
        if not open_:
            seen = any(_matches(tasks[i][1], st["instance"]) for i in by_claim.get(st["claim"], ()))
            raise ConvacError(f"--journal {path}: line {n + 1} answers {st['claim']} {fmt_instance(st['instance'])}, "
                              + ("which an earlier line answers already" if seen else "which is not a task of this "
                                 "sweep: it was written by another sweep (other --size or --only)") + "; use another journal")
        out[max(open_, key=lambda i: _exact_keys(tasks[i][1], st["instance"]))] = n
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
    from .verdict import cert_kinds

    st = result["statement"]
    return {"claim": st["claim"], "instance": st["instance"], "status": result["status"],
            "seconds": result["seconds"], "seed": result["seed"], "method": cert_kinds(result["certificate"]),
            "detail": "from the journal, re-verified by the trusted kernel", "checked": True,
            "certificate": result["certificate"], "result": result, "json": text}


def _resume(path: str, tasks: list, seed: int, ex, costs: list) -> dict:
    """The rows of the tasks a journal already holds, ``{task index: row}``: each line assigned to its task
    (:func:`assign_journal`) and re-verified by the trusted kernel, on the executor ``ex``."""
    texts = []
    lines = _read_journal(path, seed, texts)
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


def run_sweep(size="small", only=None, jobs=1, seed=0, show_progress=True, journal=None, executor=None,
              keep: str = "dicts") -> list:
    """Check every (claim, instance) of a sweep; returns the verdicts as dicts, in catalog order.

    ``keep`` says what comes back from the workers: ``"dicts"`` (``row["result"]`` is the answer's result
    object, certificate included), ``"text"`` (``row["json"]`` is its JSON text, encoded by the worker;
    the dicts leave the certificate out) or ``"rows"`` (the dicts without certificates: a table). With a
    journal, ``row["json"]`` is always there.

    Parameters
    ----------
    size, only : the sweep (:func:`theorems.catalog.instances`)
    jobs : processes of the default executor (``executor`` None or ``"processes"``)
    seed : the seed of every random choice; the results are a function of it
    show_progress : progress on stderr (done/total and the rate)
    journal : path, optional
        Each finished result (``row["result"]``, the object of the answer's ``results``) is appended as
        one JSON line, flushed, in the order the results arrive. A rerun with the same journal takes the
        results already there (each re-verified by the trusted kernel) and computes the rest, so a run
        stopped by Ctrl-C, a kill or a lost worker resumes where it stopped; each task appears once.
    executor : ``"processes"``, ``"dask"`` or an :class:`theorems.executors.ExecutorChoice`
        (:func:`theorems.executors.choose_executor`); tasks start longest first by their estimated cost
        (:meth:`theorems.catalog.Claim.estimate`).
    """
    from symbolic.limits import ENV_MAX_ENTRIES, ENV_MAX_MEMORY

    choice = choose_executor(executor, jobs=jobs)
    tasks = sweep_tasks(size, only, seed)
    costs = [get_claim(c).estimate(inst) for c, inst, _ in tasks]
    limits = {k: os.environ[k] for k in (ENV_MAX_MEMORY, ENV_MAX_ENTRIES) if os.environ.get(k)}
    results = [None] * len(tasks)
    sink = bar = None
    with open_executor(choice) as ex:
        if show_progress and choice.kind == "dask":
            print(f"convac verify: {len(tasks)} tasks on {ex.describe()}", file=sys.stderr, flush=True)
        if journal is not None:
            for i, row in _resume(journal, tasks, seed, ex, costs).items():
                results[i] = row
            sink = open(journal, "a", encoding="utf-8")
        todo = [i for i in range(len(tasks)) if results[i] is None]
        bar = progress(len(tasks), f"verify {size}") if show_progress else None
        if bar and len(todo) < len(tasks):
            bar.update(len(tasks) - len(todo), "from the journal")
        t0, runs, finished = time.monotonic(), None, []
        try:
            if keep not in ("dicts", "text", "rows"):
                raise ValueError(f"keep={keep!r}: expected 'dicts', 'text' or 'rows'")
            flags = (keep == "text" or sink is not None, keep != "dicts")
            runs = ex.run(_run_one, [tasks[i] + (limits,) + flags for i in todo],
                          costs=[costs[i] for i in todo],
                          names=[tasks[i][0] for i in todo])
            for j, row in runs:
                i = todo[j]
                finished.append(time.monotonic() - t0)
                results[i] = row
                if sink is not None:
                    sink.write(row["json"] + "\n")
                    sink.flush()
                if bar:
                    bar.update(1, f"{tasks[i][0]}; {rate(finished, time.monotonic() - t0):.2f} per s")
        finally:
            if runs is not None:
                runs.close()  # stopped early (Ctrl-C, an error): the tasks still running are cancelled
            if bar:
                bar.close()
            if sink is not None:
                sink.close()
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
    claims = {}
    for r in results:
        claims.setdefault(r["claim"], []).append(r["status"])
    per_claim = {c: ("proved" if all(s == "proved" for s in st) else
                     "refuted" if "refuted" in st else "inconclusive" if "inconclusive" in st else "tested")
                 for c, st in claims.items()}
    return {"results": len(results), **counts, "claims": len(claims),
            "claims_proved": sum(1 for s in per_claim.values() if s == "proved"), "per_claim": per_claim,
            "seconds": round(sum(r["seconds"] for r in results), 2), "all_proved": counts["proved"] == len(results)}
