"""``convac rank SPEC --partition P``: the certified rank of a matricization (:mod:`symbolic.rank.pipeline`)."""

from __future__ import annotations

import argparse

import json

from symbolic.errors import ConvacError


from theorems.cli.args import seed_int


def _output_index(text, Y: int) -> int:
    try:
        y = int(text)
    except (TypeError, ValueError):
        raise ConvacError(f"--output: expected an int in 0..{Y - 1}, got {text!r}") from None
    if not 0 <= y < Y:
        raise ConvacError(f"--output: {y} is out of range; the network has Y={Y} outputs (0..{Y - 1})")
    return y


def _upper_words(cert) -> str:
    u = cert.upper
    if u.kind == "trivial":
        return "trivial: min(rows, cols)"
    if u.kind == "factors":
        return f"A = U V of inner size {u.k} from the decomposition, checked modulo {len(u.primes)} primes"
    if u.kind == "column_span":
        return f"every other column a rational combination of {len(u.cols)} columns C"
    if u.kind == "multimodular":
        return f"rank A mod p <= {u.k} for {len(u.primes)} primes beyond Hadamard's bound on the minors"
    return f"exact factorization A = A[:, C] V with {len(u.cols)} columns C"


def _kronecker_text(spec, a) -> str:
    from theorems.present.report import table

    c = a["certificate"]
    rows = [["network", repr(spec)], ["output", a["output"]], ["partition", a["partition"]],
            ["matrix shape", f"{a['shape'][0]} x {a['shape'][1]} (never formed)"], ["rank", f"{a['rank']} (exact)"],
            ["route", "structured: [A]_I = P diag(g) Q^T, P and Q Kronecker products of per-level factors"],
            ["lower bound", f"{a['lower']}  (P, Q of full column rank: minors of {len(c['pivots'])} one-sided blocks "
                            f"nonzero mod {c['prime']}; g has {c['k']} nonzero entries)"],
            ["upper bound", f"{a['upper']}  (the nonzero entries of g; inner size {c['inner']})"],
            ["certificate", "kronecker, re-verified by the trusted kernel (its own factors from the weights)"],
            ["seconds", f"{a['seconds']:.2f}"]]
    brows = [[k, v, a["bounds_valid_for"][k]] for k, v in a["bounds"].items()]
    return "\n".join([f"convac rank: {repr(spec)}, output {a['output']}", table(rows, ["quantity", "value"]), "",
                      "structural upper bounds (valid for all weights):", table(brows, ["bound", "value", "valid for"]),
                      "", a["statement"] + "."])


def _text(spec, a) -> str:
    from theorems.present.report import table

    cert = a["certificate"]
    if cert["certificate"] == "kronecker":
        return _kronecker_text(spec, a)
    lower = cert["lower"]
    rows = [
        ["network", repr(spec)],
        ["output", a["output"]],
        ["partition", a["partition"]],
        ["row modes I", ", ".join(map(str, a["rows"]))],
        ["column modes J", ", ".join(map(str, a["cols"]))],
        ["matrix shape", f"{a['shape'][0]} x {a['shape'][1]}"],
        ["rank", f"{a['rank']}" + (" (exact)" if a["exact"] else f" (certified lower bound; upper {a['upper']})")],
        ["lower bound", f"{a['lower']}  (a {lower['k']} x {lower['k']} minor nonzero mod {lower['prime']})"],
        ["upper bound", f"{a['upper']}  ({_upper_words(_cert(cert))})"],
        ["exact", "yes" if a["exact"] else "no"],
        ["certificate", "rank (lower: minor mod p; upper: " + cert["upper"]["kind"] + "), "
         + ("re-verified by the trusted kernel" if a.get("kernel_verified") else
            ("verified modulo each prime against the modular engine" if cert["upper"]["kind"] == "factors" else
             "verified by the rank checker") + "; `convac recheck` re-verifies it with the kernel")],
        ["prime", lower["prime"]],
        ["engine", f"{a['engine']} ({a['method']})"],
        ["seconds", f"{a['seconds']:.2f}"],
    ]
    if "generic" in a:
        g = a["generic"]
        rows.insert(7, ["generic rank", f"{g['lower']}" + ("" if g["exact"] else f" .. {g['upper']}")
                        + (" (exact: meets the structural bound)" if g["exact"] else "")])
        if "fraction_field_rank" in g:
            ff = g["fraction_field_rank"]
            rows.insert(8,
                        ["rank over QQ(w)", "not computed (time limit or non-rational entries)" if ff is None else ff])
        if lower.get("point"):
            pt = lower["point"]
            shown = ", ".join(f"{k}={v}" for k, v in list(pt.items())[:4]) + (", ..." if len(pt) > 4 else "")
            rows.append(["point", shown])
    out = [f"convac rank: {repr(spec)}, output {a['output']}", table(rows, ["quantity", "value"]), ""]
    brows = [[k, v, a["bounds_valid_for"][k]] for k, v in a["bounds"].items()]
    out.append("structural upper bounds (valid for all weights):")
    out.append(table(brows, ["bound", "value", "valid for"]))
    out.append("")
    out.append((a["generic"]["statement"] if "generic" in a else a["statement"]) + ".")
    return "\n".join(out)


def _cert(d):
    from symbolic.rank.certificates import from_dict

    return from_dict(d)


def cmd_rank(args) -> int:
    from symbolic.rank.pipeline import NOTE_ENTRIES, Notes, flint_threads, matricization_rank

    from theorems.cli.args import read_spec

    from theorems.run.progress import progress

    spec = read_spec(args.spec)
    y = _output_index(args.output, spec.Y)
    # off a terminal, a line every 10 s of long work, naming the stage (between the calls into python-flint)
    with progress(None, "convac rank", unit="", interval=0 if args.quiet else 10.0) as beat:
        notes = Notes(False if args.quiet else spec.M ** spec.N >= NOTE_ENTRIES, beat=beat)
        with flint_threads():
            r = matricization_rank(spec, args.partition, output=y, engine=args.engine,
                                   lower_bound_only=args.lower_bound_only, seed=args.seed, notes=notes)
    if args.json:
        from theorems.claims.verdict import answer

        print(json.dumps(answer("rank", [r.to_dict()])))
    else:
        print(_text(spec, r.details))
    return 0


def register(sub) -> None:
    """Add the ``rank`` and ``recheck`` subcommands to the ``convac`` parser."""
    r = sub.add_parser("rank", help="the exact, certified rank of a matricization of a network's grid tensor",
                       description="The rank of [A^y]_I with a certificate (verified before it is printed) and the "
                                   "structural upper bounds (trivial, widths, min-cut).",
                       formatter_class=argparse.RawDescriptionHelpFormatter,
                       epilog="examples:\n  convac spec deep --N 8 --M 4 --seed 1 > net.json\n"
                              "  convac rank net.json --partition odd-even\n"
                              "  convac rank net.json -p 0,1,4,5 --json > rank.json && convac recheck rank.json")
    r.add_argument("spec", help="spec file (JSON) or - for standard input")
    r.add_argument("--partition", "-p", default="odd-even",
                   help="row modes I: odd-even (default), halves, or a comma list such as 0,3")
    r.add_argument("--output", default="0", help="output index y (default 0)")
    r.add_argument("--json", action="store_true", help="print the answer as JSON (re-checkable by `convac recheck`)")
    r.add_argument("--lower-bound-only", action="store_true",
                   help="the fastest certified lower bound (residues mod p; upper bound min(rows, cols))")
    r.add_argument("--engine", choices=["exact", "modular", "structured"], default=None,
                   help="default: structured (ConvACs from 2^16 grid points), else modular, then exact only when an "
                        "exact upper bound is needed")
    r.add_argument("--seed", type=seed_int, default=0, help="chooses the prime (and the point for symbolic weights)")
    r.add_argument("--quiet", "-q", action="store_true", help="no progress notes on stderr")
    r.set_defaults(func=cmd_rank)
