"""``convac verify`` (the claim catalog, checked) and ``convac show ID``."""

from __future__ import annotations

import json
import os
import sys
import time

from symbolic.errors import ConvacError

from .catalog import CATALOG, SIZES, get_claim, instances
from .report import check_writable, dumps, progress, table
from .verdict import Status, answer

__all__ = ["register", "run_sweep", "summary"]


def _fmt_instance(inst: dict) -> str:
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
            raise ConvacError(f"--journal {path}: line {i + 1} answers {st['claim']} {_fmt_instance(st['instance'])}, "
                              f"but result {i + 1} of this sweep is {cid} {_fmt_instance(inst) or '(no parameters)'}; "
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


def _cmd_variants(args):
    from .variants import FALSE_VARIANTS

    results = []
    for name, f in FALSE_VARIANTS.items():
        verdict = f(seed=args.seed)
        v = dict(verdict.to_dict(), variant=name, result=verdict.result())
        results.append(v)
    ok = all(r["status"] == "refuted" for r in results)
    ans = answer("verify --variants", [r["result"] for r in results], summary=True)
    if args.save:
        _save(args.save, ans)
    if args.json or args.format == "json":
        print(dumps(ans))
    else:
        rows = [[r["variant"], r["status"], f"{r['seconds']:.2f}", r["method"], r["detail"][:70]] for r in results]
        print(table(rows, ["false variant", "status", "seconds", "certificate", "detail"], fmt=args.format))
        if args.format == "table":
            print(f"\n{sum(r['status'] == 'refuted' for r in results)}/{len(results)} false variants refuted "
                  "(every counterexample re-verified by the trusted kernel)")
    return 0 if ok else 1


def _cmd_verify(args):
    if args.save:
        check_writable(args.save, "--save")
    if args.journal:
        if args.variants:
            raise ConvacError("--journal: applies to the catalog sweep, not to --variants; drop it")
        check_writable(args.journal, "--journal")
        if args.save and os.path.abspath(args.save) == os.path.abspath(args.journal):
            raise ConvacError(f"--journal {args.journal}: the same file as --save; use two files")
    if args.variants:
        return _cmd_variants(args)
    if args.only:
        for i in args.only:
            get_claim(i)
    if args.jobs < 1:
        raise ConvacError(f"--jobs: expected an int >= 1, got {args.jobs}")
    t0 = time.perf_counter()
    results = run_sweep(args.size, args.only, args.jobs, args.seed, show_progress=not args.quiet, journal=args.journal)
    wall = time.perf_counter() - t0
    summ = summary(results)
    summ["wall_seconds"] = round(wall, 2)
    summ["seed"] = args.seed
    summ["size"] = args.size
    fmt = "json" if args.json else args.format
    ans = answer("verify", [r["result"] for r in results], summary=True)
    if fmt == "json":
        print(dumps(ans))
    else:
        rows = [[r["claim"], _fmt_instance(r["instance"]), r["status"], f"{r['seconds']:.2f}", r["method"]]
                for r in results]
        print(table(rows, ["claim", "instance", "status", "seconds", "certificate"], fmt=fmt))
        if fmt == "table":
            print()
            print(f"{summ['proved']}/{summ['results']} proved ({summ['claims_proved']}/{summ['claims']} claims), "
                  f"{summ['refuted']} refuted, {summ['inconclusive']} inconclusive, {summ['tested']} tested; "
                  f"{wall:.1f} s wall, seed {args.seed}; every result re-verified by the trusted kernel")
            bad = [r for r in results if r["status"] != "proved"]
            for r in bad[:10]:
                print(f"  {r['claim']} {_fmt_instance(r['instance'])}: {r['status']}: {r['detail']}")
    if args.save:
        _save(args.save, ans)
    return 0 if summ["all_proved"] else 1


def _save(path, ans):
    try:
        with open(path, "w") as fh:
            json.dump(ans, fh)
    except OSError as e:
        raise ConvacError(f"--save {path}: cannot be written ({e.strerror})") from None


def _cmd_show(args):
    c = get_claim(args.id)
    if args.json:
        print(dumps({"id": c.id, "statement": c.statement, "source": c.source, "method": c.method,
                     "instances": {s: list(c.instances(s)) for s in SIZES}}))
        return 0
    print(f"{c.id}\n{'=' * len(c.id)}")
    print(f"statement: {c.statement}")
    print(f"source:    {c.source}")
    print(f"proof:     {c.method}")
    doc = " ".join((c.check.__doc__ or "").strip().split("\n\n")[0].split())  # the first paragraph, whole
    if doc:
        print(f"check:     {c.check.__module__}.{c.check.__name__}: {doc}")
    print(f"docs:      README.md, The claim catalog; the derivation: python -m pydoc {c.check.__module__}")
    for s in SIZES:
        insts = c.small if s == "small" else c.medium
        print(f"{s} instances ({len(insts)}{' more' if s == 'medium' else ''}):")
        for inst in insts:
            print(f"  {_fmt_instance(inst) or '(none)'}")
    return 0


def register(sub):
    import argparse

    v = sub.add_parser(
        "verify", help="check the paper's claims on small instances, exactly, with certificates",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Check every claim of the catalog (the papers' statements; 'convac show ID' prints one)\n"
                    "exactly, on small instances. Each (claim, instance) gets a status: proved, tested\n"
                    "(sampled only, never called proved), refuted or inconclusive, with a certificate that\n"
                    "the trusted kernel re-verifies. Exit status 0 exactly when every result is proved,\n"
                    "1 otherwise, 2 on bad input.",
        epilog="examples:\n"
               "  convac verify                          # the small sweep: one row per (claim, instance)\n"
               "  convac verify --size medium --jobs 2   # larger instances (N up to 16), on 2 cores\n"
               "  convac verify --only geometry laws --save v.json && convac recheck v.json\n"
               "  convac verify --format latex > results.tex\n"
               "  convac verify --size medium --journal m.jsonl   # interrupted? rerun it: done results are kept\n"
               "  convac verify --variants               # deliberately false variants: each must be refuted")
    v.add_argument("--size", choices=SIZES, default="small",
                   help="small (default: N in {2,4}, M in {2,3}) or medium (small plus larger instances, N up to 16)")
    v.add_argument("--only", nargs="+", metavar="ID",
                   help="check only these claims (default: all): " + ", ".join(c.id for c in CATALOG))
    v.add_argument("--jobs", type=int, default=1, help="worker processes, an int >= 1 (default 1)")
    v.add_argument("--seed", type=int, default=0,
                   help="seed of every random choice (weights, witnesses), any int; the same seed gives the same "
                        "results (default 0)")
    v.add_argument("--format", choices=["table", "json", "markdown", "latex"], default="table",
                   help="table (default), json (every certificate), markdown or latex")
    v.add_argument("--json", action="store_true", help="same as --format json")
    v.add_argument("--save", metavar="FILE", help="also write the JSON answer to FILE (for convac recheck FILE)")
    v.add_argument("--journal", metavar="FILE",
                   help="append each finished result to FILE as one JSON line, as it arrives; rerun with the same "
                        "FILE to skip the results already there (each re-verified by the kernel) and finish the rest")
    v.add_argument("--quiet", action="store_true",
                   help="no progress (a bar on a terminal; otherwise a line on stderr every 10 s of long work)")
    v.add_argument("--variants", action="store_true",
                   help="instead, run the deliberately false variants of the claims (each must come out refuted)")
    v.set_defaults(func=_cmd_verify)
    s = sub.add_parser("show", help="a claim's statement, source, proof method and instances")
    s.add_argument("id", choices=[c.id for c in CATALOG], metavar="ID", help=", ".join(c.id for c in CATALOG))
    s.add_argument("--json", action="store_true", help="print the claim as JSON")
    s.set_defaults(func=_cmd_show)
