"""``convac search rank-bound``: counterexamples to conjectured rank bounds (:mod:`theorems.search.rank_bound`)."""

from __future__ import annotations

import json
import math
import sys

from symbolic.errors import DomainError

from theorems.cli.args import positive_ints, seed_int


def _cmd_rank_bound(args):
    from theorems.present.report import dumps, validate_writable
    from theorems.search.rank_bound import rank_bound_answer

    if (args.Z is None) == (args.widths is None):
        raise DomainError("give exactly one of --Z (shallow) or --widths r0,r1,... (deep)")
    if args.Z is not None and args.architecture != "shallow":
        raise DomainError("--Z: only for --architecture shallow; use --widths r0,r1,... for deep")
    if args.widths is not None and args.architecture == "shallow" and len(args.widths) != 1:
        raise DomainError(f"--widths {args.widths}: a shallow network has one width; use --Z")
    if args.budget is not None and not (math.isfinite(args.budget) and args.budget > 0):
        raise DomainError(f"--budget {args.budget}: expected seconds, a finite number > 0")
    if args.examples < 1:
        raise DomainError(f"--examples {args.examples}: expected an int >= 1")
    if args.low > args.high:
        raise DomainError(f"--low {args.low} > --high {args.high}")
    widths = (args.Z,) if args.Z is not None else tuple(args.widths)
    if args.save:
        validate_writable(args.save, "--save")
    from symbolic.cost import rank_cost

    well_formed = args.N >= 1 and args.M >= 1 and min(widths) >= 1 and (
        args.architecture == "shallow" or (args.window >= 2 and args.window ** len(widths) == args.N))
    if well_formed:  # the network's cost, refused before the search (and its imports) starts
        rank_cost(N=args.N, M=args.M, rows=args.N // 2, widths=widths, window=args.window if args.architecture == "deep"
                  else None, architecture=args.architecture, activation=args.activation.split(":")[0],
                  pooling=args.pooling, engine="exact",
                  weight_bits=math.log2(max(abs(args.low), abs(args.high), 1))).check()
    from theorems.run.executors import choose_executor
    from theorems.run.progress import progress

    choice = choose_executor(args.executor, jobs=args.jobs, workers=args.workers, scheduler=args.scheduler)
    sharded = choice.kind == "dask" or choice.jobs > 1
    # a line every 10 s off a terminal, none with --quiet
    with progress(args.examples, "convac search", unit="networks tried", interval=0 if args.quiet else 10.0) as bar:
        a = rank_bound_answer(architecture=args.architecture, activation=args.activation, pooling=args.pooling,
                              N=args.N, M=args.M, widths=widths, partition=args.partition, bound=args.bound,
                              shared=args.shared, window=args.window, examples=args.examples, seconds=args.budget,
                              seed=args.seed, weight_range=(args.low, args.high),
                              progress=lambda tried: bar.update(tried - bar.done),
                              executor=choice if sharded else None)
    ce = a["counterexample"]
    if args.save and ce:
        try:
            with open(args.save, "w") as fh:
                json.dump(ce["spec"], fh, indent=1)
                fh.write("\n")
        except OSError as e:
            raise DomainError(f"--save {args.save}: cannot be written ({e.strerror}); rerun with the same --seed "
                              "to find the same counterexample") from None
    print(f"# seed {args.seed}", file=sys.stderr)
    if args.json:
        from theorems.claims.verdict import answer

        print(dumps(answer("search", a["results"])))
        return 0 if a["status"] == "refuted" else 1
    print(f"conjecture: {a['conjecture']}")
    print(f"status: {a['status']} (seed {a['seed']}; {a['tried']} networks tried; {a['seconds']:.2f} s)")
    if ce is None:
        print(f"  {a['note']}")
        return 1
    c = ce["certificate"]["certificate"]
    print("minimal counterexample found (shrunk: fewer patches, smaller M, smaller |weights|):")
    print(f"  {json.dumps(ce['spec'], separators=(', ', ': '))}")
    rhs = (ce["bound"] if ce["bound_expression"].replace(" ", "") == ce["bound"]
           else f"{ce['bound_expression']} = {ce['bound']}")
    print(f"  rank [A]_{{{','.join(map(str, ce['rows']))}}} >= {ce['rank']} > {rhs}: "
          f"a {c['k']}x{c['k']} minor (rows {c['rows']}, columns {c['cols']}) is nonzero modulo {c['prime']}")
    print("  re-checked by the trusted kernel: its own forward pass and rank check")
    if a.get("note"):
        print(f"  note: {a['note']}")
    spec_file = args.save or "spec.json"
    print(f"replay: {'' if args.save else 'save the spec above as spec.json, then '}convac grid {spec_file}; "
          f"convac rank {spec_file} --partition {args.partition}")
    print("LaTeX:")
    print(ce["latex"])
    return 0


def register(sub) -> None:
    """Add ``convac search``."""
    import argparse

    ops = "activation: linear, relu, abs, square, leaky_relu:p/q, tanh, sigmoid"
    s = sub.add_parser("search", help="search for counterexamples to conjectures (minimal, replayable, certified)",
                       description="Exit 0 when a conjecture is refuted, 1 when inconclusive (no counterexample found "
                                   "is never a proof), 2 on bad input.",
                       formatter_class=argparse.RawDescriptionHelpFormatter,
                       epilog="examples:\n  convac search rank-bound --architecture shallow --activation relu "
                              "--pooling max --N 4 --M 2 --Z 1 --partition odd-even --bound Z --seed 0\n"
                              "  convac search rank-bound --architecture deep --activation linear --pooling "
                              "product --N 4 --M 2 --partition odd-even --bound 1 --json > found.json")
    ss = s.add_subparsers(dest="what", metavar="WHAT", parser_class=type(s),
                          help="rank-bound (convac search rank-bound --help)")
    ss.required = True
    rb = ss.add_parser("rank-bound", help="look for a network with rank [A]_P > EXPR",
                       formatter_class=argparse.RawDescriptionHelpFormatter,
                       description="EXPR uses integers, N, M, Z, L, w, r0, r1, ..., + - * / ^, min, max, floor, ceil.",
                       epilog="example:\n  convac search rank-bound --architecture shallow --activation relu "
                              "--pooling max --N 4 --M 2 --Z 1 --partition odd-even --bound Z --seed 0")
    rb.add_argument("--architecture", choices=["shallow", "deep"], required=True,
                    help="shallow (one hidden layer, global pooling) or deep (a pooling tree)")
    rb.add_argument("--activation", required=True, help=ops + " (exact ones only)")
    rb.add_argument("--pooling", required=True, help="product, max, sum, average")
    rb.add_argument("--N", type=int, required=True, help="number of patches (deep: a power of --window)")
    rb.add_argument("--M", type=int, required=True, help="number of templates")
    rb.add_argument("--Z", type=int, default=None, help="shallow: hidden channels")
    rb.add_argument("--widths", type=positive_ints, default=None, help="deep: r0,r1,...")
    rb.add_argument("--window", type=int, default=2, help="deep: pooling window")
    rb.add_argument("--shared", action="store_true", help="coefficient sharing (one weight vector per layer)")
    rb.add_argument("--partition", required=True, help="odd-even, halves or a comma list of row modes")
    rb.add_argument("--bound", required=True, metavar="EXPR", help="the conjectured bound, e.g. Z or 'min(r0,M)^(N/2)'")
    rb.add_argument("--budget", type=float, default=60.0, metavar="S", help="seconds of search (default 60)")
    rb.add_argument("--examples", type=int, default=300, help="networks to generate before shrinking (default 300)")
    rb.add_argument("--low", type=int, default=-10, help="smallest weight numerator (default -10)")
    rb.add_argument("--high", type=int, default=10, help="largest weight numerator (default 10)")
    rb.add_argument("--seed", type=seed_int, default=0,
                    help="the search is a function of the seed (and, on several workers, of their number: shard i "
                         "searches with seed SEED+i)")
    rb.add_argument("--jobs", type=int, default=1,
                    help="split the search into this many seeded shards on local processes (default 1)")
    rb.add_argument("--executor", choices=["processes", "dask"], default=None,
                    help="processes (default) or dask: one seeded shard per worker (pip install 'convac[dask]')")
    rb.add_argument("--workers", type=int, default=None, metavar="K",
                    help="dask: an embedded LocalCluster of K worker processes (default: one per core)")
    rb.add_argument("--scheduler", default=None, metavar="ADDRESS",
                    help="dask: the cluster of this scheduler, e.g. tcp://127.0.0.1:8786 (implies --executor dask)")
    rb.add_argument("--save", metavar="FILE", help="write the counterexample's spec to FILE")
    rb.add_argument("--json", action="store_true", help="print the answer as JSON (re-checkable by convac recheck)")
    rb.add_argument("--quiet", "-q", action="store_true", help="no progress notes on stderr")
    rb.set_defaults(func=_cmd_rank_bound)
