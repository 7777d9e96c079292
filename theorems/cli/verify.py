"""``convac verify``: the claim catalog, checked (:mod:`theorems.run.sweep`), and ``--variants``."""

from __future__ import annotations

import json
import os
import sys
import time

from symbolic.errors import ConvacError

from theorems.run.executors import KINDS, choose_executor


def _cmd_variants(args):
    from theorems.claims.verdict import answer
    from theorems.present.report import dumps, table

    from theorems.claims.variants import FALSE_VARIANTS

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
    from theorems.claims.catalog import get_claim
    from theorems.claims.verdict import answer
    from theorems.present.report import table, validate_writable
    from theorems.run.sweep import fmt_instance, run_sweep, summary, sweep_tasks, validate_seed

    if args.save:
        validate_writable(args.save, "--save")
    if args.journal:
        if args.variants:
            raise ConvacError("--journal: applies to the catalog sweep, not to --variants; drop it")
        validate_writable(args.journal, "--journal")
        if args.save and os.path.abspath(args.save) == os.path.abspath(args.journal):
            raise ConvacError(f"--journal {args.journal}: the same file as --save; use two files")
    validate_seed(args.seed)
    if args.variants:
        return _cmd_variants(args)
    if args.only:
        for i in args.only:
            get_claim(i)
    if args.jobs < 1:
        raise ConvacError(f"--jobs: expected an int >= 1, got {args.jobs}")
    choice = choose_executor(args.executor, jobs=args.jobs, workers=args.workers, scheduler=args.scheduler)
    sweep_tasks(args.size, args.only, args.seed)  # --only named twice, a bad seed: refused before any work
    t0 = time.perf_counter()
    fmt = "json" if args.json else args.format
    results = run_sweep(args.size, args.only, seed=args.seed, show_progress=not args.quiet, journal=args.journal,
                        executor=choice, keep="text" if fmt == "json" or args.save else "rows")
    wall = time.perf_counter() - t0
    summ = summary(results)
    summ["wall_seconds"] = round(wall, 2)
    summ["seed"] = args.seed
    summ["size"] = args.size
    ans = answer("verify", [r["result"] for r in results], summary=True)
    if fmt == "json":
        write_answer(sys.stdout, ans, [r.get("json") for r in results])
    else:
        rows = [[r["claim"], fmt_instance(r["instance"]), r["status"], f"{r['seconds']:.2f}", r["method"]]
                for r in results]
        print(table(rows, ["claim", "instance", "status", "seconds", "certificate"], fmt=fmt))
        if fmt == "table":
            print()
            print(f"{summ['proved']}/{summ['results']} proved ({summ['claims_proved']}/{summ['claims']} claims), "
                  f"{summ['refuted']} refuted, {summ['inconclusive']} inconclusive, {summ['tested']} tested; "
                  f"{wall:.1f} s wall, seed {args.seed}; every result re-verified by the trusted kernel")
            bad = [r for r in results if r["status"] != "proved"]
            for r in bad[:10]:
                print(f"  {r['claim']} {fmt_instance(r['instance'])}: {r['status']}: {r['detail']}")
    if args.save:
        _save(args.save, ans, [r.get("json") for r in results])
    return 0 if summ["all_proved"] else 1


def write_answer(fh, ans: dict, texts=None) -> None:
    """Write the answer ``ans`` as JSON: the envelope on the first and last lines, each result on a line (its
    ``texts``, when the sweep encoded it already). Certificates reach hundreds of MB: indenting them,
    or encoding them again in this process, would cost minutes.

    >>> import io; from theorems.claims.verdict import answer
    >>> fh = io.StringIO(); write_answer(fh, answer("verify", [{"status": "proved"}], summary=True))
    >>> json.loads(fh.getvalue())["results"], fh.getvalue().count("\\n")
    ([{'status': 'proved'}], 3)
    """
    texts = [t if t is not None else json.dumps(r, default=str) for t, r in zip(texts or [None] * len(ans["results"]),
                                                                           ans["results"])]
    head = ", ".join(f"{json.dumps(k)}: {json.dumps(v)}" for k, v in ans.items() if k != "results")
    fh.write("{" + head + ', "results": [\n')
    for n, text in enumerate(texts):
        fh.write(("," if n else "") + text + "\n")
    fh.write("]}\n")
    fh.flush()


def _save(path, ans, texts=None):
    try:
        with open(path, "w") as fh:
            write_answer(fh, ans, texts)
    except OSError as e:
        raise ConvacError(f"--save {path}: cannot be written ({e.strerror})") from None


def _seed(text):
    from theorems.cli.args import seed_int

    return seed_int(text)


def register(sub):
    import argparse

    from theorems.claims.ids import CLAIM_IDS, SIZES

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
               "  convac verify --size medium --executor dask --workers 4   # an embedded dask cluster\n"
               "  convac verify --size large --scheduler tcp://host:8786 --journal l.jsonl   # an existing cluster\n"
               "  convac verify --variants               # deliberately false variants: each must be refuted")
    v.add_argument("--size", choices=SIZES, default="small",
                   help="small (default: N in {2,4}, M in {2,3}), medium (small plus larger instances, N up to 16; "
                        "minutes) or large (medium plus N=16 with M=3 and every window-2 pooling geometry of N=8; "
                        "hours on one core: for a cluster)")
    v.add_argument("--only", nargs="+", metavar="ID",
                   help="check only these claims (default: all): " + ", ".join(CLAIM_IDS))
    v.add_argument("--jobs", type=int, default=1,
                   help="worker processes of --executor processes, an int >= 1 (default 1); the "
                        "longest tasks start first")
    v.add_argument("--executor", choices=KINDS, default=None,
                   help="processes (default: a local pool of --jobs processes) or dask (dask.distributed, "
                        "pip install 'convac[dask]')")
    v.add_argument("--workers", type=int, default=None, metavar="K",
                   help="dask: start an embedded LocalCluster of K worker processes (default: one per core)")
    v.add_argument("--scheduler", default=None, metavar="ADDRESS",
                   help="dask: use the cluster of this scheduler, e.g. tcp://127.0.0.1:8786 (implies --executor dask)")
    v.add_argument("--seed", type=_seed, default=0,
                   help="seed of every random choice (weights, witnesses), an int >= 0; the same seed gives the "
                        "same results (default 0)")
    v.add_argument("--format", choices=["table", "json", "markdown", "latex"], default="table",
                   help="table (default), json (every certificate), markdown or latex")
    v.add_argument("--json", action="store_true", help="same as --format json")
    v.add_argument("--save", metavar="FILE", help="also write the JSON answer to FILE (for convac recheck FILE)")
    v.add_argument("--journal", metavar="FILE",
                   help="append each finished result to FILE as one JSON line, as it arrives (in the order results "
                        "finish); rerun with the same FILE to skip the results already there (each re-verified by the "
                        "kernel) and finish the rest")
    v.add_argument("--quiet", "-q", action="store_true",
                   help="no progress (a bar on a terminal; otherwise a line on stderr every 10 s of long work)")
    v.add_argument("--variants", action="store_true",
                   help="instead, run the deliberately false variants of the claims (each must come out refuted)")
    v.set_defaults(func=_cmd_verify)
