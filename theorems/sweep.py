"""The catalog sweep behind ``convac verify``: every (claim, instance) checked, each verdict kernel-verified,
optionally journalled (resumable) and run on several processes."""

from __future__ import annotations

import json
import os
import time

from symbolic.errors import ConvacError

from .catalog import get_claim, instances
from .progress import progress
from .verdict import Status

__all__ = ["run_sweep", "summary", "fmt_instance"]


def fmt_instance(inst: dict) -> str:
    keep = {k: v for k, v in inst.items() if k not in ("F", "statement")}
    parts = []
    for k, v in keep.items():
        if isinstance(v, list):
            v = ",".join(map(str, v))
        parts.append(f"{k}={v}")
    return " ".join(parts)


def _run_one(args):
    claim_id, inst, seed = args
    claim = get_claim(claim_id)
    kwargs = {k: v for k, v in inst.items()}
    t0 = time.perf_counter()
    try:
        v = claim.check(**kwargs, seed=seed)
        return dict(v.to_dict(), result=v.result())
    except ConvacError as e:
        secs = round(time.perf_counter() - t0, 3)
        return {"claim": claim_id, "instance": inst, "status": Status.INCONCLUSIVE.value,
                "seconds": secs, "seed": seed, "method": "none",
                "detail": f"error: {e}", "checked": False, "certificate": None,
                "result": {"statement": {"type": "claim", "claim": claim_id, "instance": inst},
                           "status": "inconclusive", "certificate": None, "seconds": secs, "seed": seed}}


def _plain(x):
    """JSON-shaped copy (tuples become lists) for comparing instances."""
    return json.loads(json.dumps(x))


def _matches(inst: dict, stated: dict) -> bool:
    """Can a result whose statement has instance ``stated`` be the answer to the task instance ``inst``?
    (A sanity check of a journal's lines: the checks keep every given parameter, fill in defaults such
    as widths, and resolve placeholders such as ``patch_order="random"`` into values.)"""
    def same(v, w):
        return _plain(v) == _plain(w) or (isinstance(v, str) and isinstance(w, (list, dict)))

    return isinstance(stated, dict) and all(k in stated and same(v, stated[k]) for k, v in inst.items()
                                            if v is not None)


def _read_journal(path: str, seed: int) -> list:
    """The results of a journal, in file order. A last line cut short (the run was killed while writing
    it) is dropped and cut from the file; any other line that is not a result of this seed is refused."""
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
    return out


def _recheck(result) -> str:
    """The kernel's verdict on a result read back from a journal: '' when it verifies, else the reason
    (an inconclusive result asserts nothing)."""
    from symbolic.kernel.recheck import check_result

    if result["status"] == "inconclusive":
        return ""
    line = check_result(result)
    return "" if line.ok else (line.reason or "rejected")


def _row_of(result: dict) -> dict:
    """A row of the table for a result read back from a journal (the same fields as a fresh one)."""
    from .verdict import cert_kinds

    st = result["statement"]
    return {"claim": st["claim"], "instance": st["instance"], "status": result["status"],
            "seconds": result["seconds"], "seed": result["seed"], "method": cert_kinds(result["certificate"]),
            "detail": "from the journal, re-verified by the trusted kernel", "checked": True,
            "certificate": result["certificate"], "result": result}


def _resume(path: str, tasks: list, seed: int, jobs: int) -> list:
    """The rows of the tasks a journal already holds: line i is the result of task i (the journal is
    written in task order), checked to answer it, and re-verified by the trusted kernel."""
    done = _read_journal(path, seed)
    if len(done) > len(tasks):
        raise ConvacError(f"--journal {path}: holds {len(done)} results, but this sweep has {len(tasks)}; it was "
                          "written by another sweep (other --size or --only): use another journal")
    for i, r in enumerate(done):
        cid, inst, _ = tasks[i]
        st = r["statement"]
        if st["claim"] != cid or not _matches(inst, st["instance"]):
            raise ConvacError(f"--journal {path}: line {i + 1} answers {st['claim']} {fmt_instance(st['instance'])}, "
                              f"but result {i + 1} of this sweep is {cid} {fmt_instance(inst) or '(no parameters)'}; "
                              "it was written by another sweep (other --size or --only): use another journal")
    for i, why in enumerate(_map(_recheck, done, jobs)):
        if why:
            raise ConvacError(f"--journal {path}: line {i + 1} ({done[i]['statement']['claim']}) does not "
                              f"re-verify with the trusted kernel ({why[:100]}); use another journal")
    return [_row_of(r) for r in done]


def run_sweep(size="small", only=None, jobs=1, seed=0, show_progress=True, journal=None) -> list:
    """Check every (claim, instance) of a sweep; returns the verdicts as dicts, in catalog order.

    With ``journal`` (a path), the results (each ``row["result"]``, the object of the answer's
    ``results``) are appended to it as JSON lines, flushed as they arrive, in the order of the sweep
    (a result that finishes early waits for the ones before it: line i is task i). A rerun with the
    same journal takes the results already there (each re-verified by the trusted kernel) and computes
    the rest, so a run stopped by Ctrl-C or a kill resumes where it stopped; each task appears once.
    """
    tasks = [(c.id, inst, seed) for c, inst in instances(size, only)]
    results = [None] * len(tasks)
    sink = None
    if journal is not None:
        for n, row in enumerate(_resume(journal, tasks, seed, jobs)):
            results[n] = row
        sink = open(journal, "a", encoding="utf-8")
    todo = [n for n in range(len(tasks)) if results[n] is None]
    state = {"written": len(tasks) - len(todo)}
    bar = progress(len(tasks), f"verify {size}") if show_progress else None
    if bar and state["written"]:
        bar.update(state["written"], "from the journal")

    def finished(n, row):
        results[n] = row
        if sink is not None:  # the finished prefix, in task order
            while state["written"] < len(tasks) and results[state["written"]] is not None:
                sink.write(json.dumps(results[state["written"]]["result"]) + "\n")
                sink.flush()
                state["written"] += 1
        if bar:
            bar.update(1, tasks[n][0])

    try:
        if jobs > 1 and len(todo) > 1:
            from concurrent.futures import ProcessPoolExecutor, as_completed
            import multiprocessing as mp

            with ProcessPoolExecutor(max_workers=jobs, mp_context=mp.get_context("fork")) as ex:
                futs = {ex.submit(_run_one, tasks[n]): n for n in todo}
                for f in as_completed(futs):
                    finished(futs[f], f.result())
        else:
            for n in todo:
                finished(n, _run_one(tasks[n]))
    finally:
        if bar:
            bar.close()
        if sink is not None:
            sink.close()
    return results


def _map(fn, items, jobs):
    if jobs > 1 and len(items) > 1:
        from concurrent.futures import ProcessPoolExecutor
        import multiprocessing as mp

        with ProcessPoolExecutor(max_workers=jobs, mp_context=mp.get_context("fork")) as ex:
            return list(ex.map(fn, items, chunksize=max(1, len(items) // (4 * jobs))))
    return [fn(x) for x in items]


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
