"""``convac verify`` (the claim catalog, checked) and ``convac show ID``."""

from __future__ import annotations

import json
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


def run_sweep(size="small", only=None, jobs=1, seed=0, show_progress=True) -> list:
    """Check every (claim, instance) of a sweep; returns the verdicts as dicts, in catalog order."""
    tasks = [(c.id, inst, seed) for c, inst in instances(size, only)]
    bar = progress(len(tasks), f"verify {size}") if show_progress else None
    results = [None] * len(tasks)
    if jobs > 1 and len(tasks) > 1:
        from concurrent.futures import ProcessPoolExecutor, as_completed
        import multiprocessing as mp

        with ProcessPoolExecutor(max_workers=jobs, mp_context=mp.get_context("fork")) as ex:
            futs = {ex.submit(_run_one, t): n for n, t in enumerate(tasks)}
            for f in as_completed(futs):
                n = futs[f]
                results[n] = f.result()
                if bar:
                    bar.update(1, tasks[n][0])
    else:
        for n, t in enumerate(tasks):
            results[n] = _run_one(t)
            if bar:
                bar.update(1, t[0])
    if bar:
        bar.close()
    return results


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
    if args.variants:
        return _cmd_variants(args)
    if args.only:
        for i in args.only:
            get_claim(i)
    if args.jobs < 1:
        raise ConvacError(f"--jobs: expected an int >= 1, got {args.jobs}")
    t0 = time.perf_counter()
    results = run_sweep(args.size, args.only, args.jobs, args.seed, show_progress=not args.quiet)
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
    v.add_argument("--quiet", action="store_true", help="no progress bar (it is shown only on a terminal)")
    v.add_argument("--variants", action="store_true",
                   help="instead, run the deliberately false variants of the claims (each must come out refuted)")
    v.set_defaults(func=_cmd_verify)
    s = sub.add_parser("show", help="a claim's statement, source, proof method and instances")
    s.add_argument("id", choices=[c.id for c in CATALOG], metavar="ID", help=", ".join(c.id for c in CATALOG))
    s.add_argument("--json", action="store_true", help="print the claim as JSON")
    s.set_defaults(func=_cmd_show)
