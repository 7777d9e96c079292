"""``convac check laws|universality|depth``: laws, universality and depth efficiency of any activation and
pooling, decided exactly."""

from __future__ import annotations

import argparse

import json

from symbolic.errors import DomainError

from theorems.cli.args import positive_ints, seed_int


_LAW_TEXT = {"commutativity": "g(a, b) = g(b, a)", "associativity": "g(g(a, b), c) = g(a, g(b, c))",
             "pooled_fixed": "sigma(g(a, b)) = g(a, b)"}


def _cmd_laws(args):
    from theorems.claims.laws import LAW_KEYS, LAW_NAMES, laws_answer
    from theorems.present.report import dumps, table

    a = laws_answer(args.activation, args.pooling)
    if args.json:
        from theorems.claims.verdict import answer

        print(dumps(answer("check laws", a["results"])))
    else:
        print(f"laws of {a['operator']}: {a['definition']}")
        rows = [[law, _LAW_TEXT[law], {True: "yes", False: "no", None: "?"}[a[LAW_KEYS[law]]], d]
                for law, d in zip(LAW_NAMES, a["details"])]
        print(table(rows, ["law", "statement", "holds", "proof"]))
        it = {True: "yes", False: "no", None: "undecided"}[a["iterable"]]
        print(f"iterating the binary form over a window is justified (associative and pooled_fixed): {it}")
        print("every result re-verified by the trusted kernel" if a["status"] == "proved" else
              "some law is undecided (inconclusive)")
    return 0 if a["status"] == "proved" else 1


def _fmt_functional(coeffs, limit=12) -> str:
    terms = []
    for idx, c in coeffs[:limit]:
        c = int(c)
        sign = "-" if c < 0 else "+"
        mag = "" if abs(c) == 1 else f"{abs(c)} "
        terms.append(f"{sign} {mag}A{tuple(idx)}".replace(",)", ")"))
    s = " ".join(terms)
    s = s[2:] if s.startswith("+ ") else s
    return s + (f" ... ({len(coeffs)} terms)" if len(coeffs) > limit else "")


def _cmd_universality(args):
    from theorems.present.report import dumps
    from theorems.universality.decide import universality_json

    from theorems.universality.decide import decide_universality

    if args.widths is not None and args.architecture != "deep":
        raise DomainError("--widths: only for --architecture deep")
    v = decide_universality(activation=args.activation, pooling=args.pooling, architecture=args.architecture,
                            N=args.N, M=args.M, window=args.window, shared=args.shared, widths=args.widths,
                            samples=args.samples, seed=args.seed)
    fam = (f"{'shared ' if args.shared else ''}{args.architecture} {v.instance['activation']}/{args.pooling} networks"
           + (f" (window {args.window})" if args.architecture == "deep" else ""))
    q = (f"do {fam} with N={args.N}, M={args.M} realize every grid tensor in R^(M^N) (unbounded widths; "
         "F invertible, taken as the identity)?")
    a = universality_json(v, question=q)
    if args.json:
        from theorems.claims.verdict import answer

        print(dumps(answer("check universality", a["results"])))
        return 0 if a["status"] == "proved" else 1
    print(q)
    ans = {True: "yes", False: "no", None: "unknown"}[a["answer"]]
    print(f"answer: {ans} ({a['status']}, {a['seconds']:.2f} s, seed {a['seed']})")
    print(f"  {v.detail}")
    if a["answer"] is True:
        nets = a["networks"]
        print(f"  {len(nets)} realizing networks (one channel each; F = identity); the first ones:")
        for s in nets[:4]:
            print(f"    {json.dumps(s['weights'], separators=(',', ':'))}")
        c = a["certificate"]
        if c["kind"] == "arb_independence":
            print(f"  independence: the arb ball of the {len(nets)} x {len(nets)} determinant of the stacked tensors "
                  "excludes 0 (recomputed by the kernel's forward pass in ball arithmetic)")
        else:
            print(f"  independence: rank {c['certificate']['k']} certified by a nonzero minor modulo "
                  f"{c['certificate']['prime']} of the stacked tensors (recomputed by the forward pass)")
    elif a["answer"] is False:
        print(f"  functional: phi(A) = {_fmt_functional(a['functional'])} = 0 for every realizable A")
        wi = [i for i, e in enumerate(a["unrealizable"]["entries"]) if e][0]
        idx = []
        for _ in range(args.N):
            wi, r = divmod(wi, args.M)
            idx.append(r)
        print(f"  unrealizable: the one-hot tensor at {tuple(reversed(idx))} (phi != 0 on it)")
    if a["status"] == "proved":
        print("  re-verified by the trusted kernel (use --json and `convac recheck` to re-check)")
    return 0 if a["status"] == "proved" else 1


def _cmd_depth(args):
    from theorems.present.report import dumps, table

    from theorems.api import decide_depth

    r = decide_depth(args.activation, args.pooling, N=args.N, M=args.M, widths=args.widths, N_max=args.N_max,
                    seed=args.seed, tries=args.tries, approximation=args.approximation)
    if args.json:
        print(dumps(r.to_dict()))
    else:
        print(f"depth efficiency of {r.activation}/{r.pooling} (rank [A]_odd-even, M={r.M}, seed {r.seed}): "
              f"{r.answer}")
        print(table([list(row) for row in r.rows()], ["part", "N", "status", "detail"]))
        print("proved parts re-verified by the trusted kernel (use --json and `convac recheck` to re-check)")
    return 0 if r.answer != "unknown" else 1


def _operator_flags(p) -> None:
    """--activation, --pooling and --json, the same on every ``convac check`` subcommand."""
    p.add_argument("--activation", required=True,
                   help="activation: linear, relu, abs, square, leaky_relu:p/q, tanh, sigmoid")
    p.add_argument("--pooling", required=True, help="product, max, sum, average")
    p.add_argument("--json", action="store_true", help="print the answer as JSON (re-checkable by convac recheck)")


def register(sub):

    c = sub.add_parser("check", help="decide laws, universality and depth efficiency for any activation and "
                       "pooling, with certificates",
                       description="Exact decisions for any activation/pooling pair; every certificate is re-verified "
                                   "by the trusted kernel. Exit 0 when decided, 1 when inconclusive, 2 on bad input.",
                       formatter_class=argparse.RawDescriptionHelpFormatter,
                       epilog="examples:\n"
                              "  convac check laws --activation relu --pooling max\n"
                              "  convac check universality --activation relu --pooling average --N 2 --M 2\n"
                              "  convac check depth --activation relu --pooling max --N 8 --M 2 --json > depth.json\n"
                              "  convac recheck depth.json")
    cs = c.add_subparsers(dest="what", metavar="WHAT", parser_class=type(c),
                          help="laws, universality or depth (convac check WHAT --help)")
    cs.required = True
    la = cs.add_parser("laws", help="commutativity, associativity, pooled_fixed of g(a,b) = P(sigma(a), sigma(b))",
                       formatter_class=argparse.RawDescriptionHelpFormatter,
                       description="Decide the laws of the operator g(a, b) = P(sigma(a), sigma(b)) that the "
                                   "generalized tensor\nproduct of ICML 2016 needs (commutative, associative, "
                                   "P(sigma(0), x) fixed), each proved for all\nreal arguments or refuted by "
                                   "exact numbers, and re-verified by the trusted kernel.",
                       epilog="examples:\n  convac check laws --activation relu --pooling max\n"
                              "  convac check laws --activation leaky_relu:1/10 --pooling product --json")
    _operator_flags(la)
    la.set_defaults(func=_cmd_laws)
    u = cs.add_parser("universality", help="do networks of a family realize every grid tensor (unbounded widths)?",
                      formatter_class=argparse.RawDescriptionHelpFormatter,
                      description="Decide whether the networks of a family, of any width, realize every M^N grid "
                                  "tensor:\n'yes' with M^N realizable tensors certified independent (exact rank, or "
                                  "arb balls for\ntanh and sigmoid), 'no' with a functional that vanishes for all "
                                  "weights and a tensor\nno network realizes (ICML 2016, Claims 1-5).",
                      epilog="examples:\n  convac check universality --activation relu --pooling max --N 2 --M 2\n"
                             "  convac check universality --activation relu --pooling average --N 4 --M 2 "
                             "--architecture deep\n"
                             "  convac check universality --activation tanh --pooling product --N 2 --M 2 --json")
    _operator_flags(u)
    u.add_argument("--architecture", choices=["shallow", "deep"], default="shallow",
                   help="shallow (one hidden layer, global pooling; default) or deep (a pooling tree)")
    u.add_argument("--N", type=int, required=True, help="number of patches")
    u.add_argument("--M", type=int, required=True, help="number of templates")
    u.add_argument("--window", type=int, default=2, help="deep: pooling window (N a power of it)")
    u.add_argument("--shared", action="store_true", help="coefficient sharing")
    u.add_argument("--widths", type=positive_ints, default=None,
                   help="deep: widths of an extra direct check of a 'no' functional (the answer is for all widths)")
    u.add_argument("--samples", type=int, default=200, help="random candidate networks (default 200)")
    u.add_argument("--seed", type=seed_int, default=0, help="seeds the random candidate networks (default 0)")
    u.set_defaults(func=_cmd_universality)
    d = cs.add_parser("depth", help="depth efficiency: shallow term bound, deep witness, complete or incomplete",
                      formatter_class=argparse.RawDescriptionHelpFormatter,
                      description="Depth efficiency of an activation/pooling pair (COLT 2016, ICML 2016): the "
                                  "shallow term bound T,\na deep witness of certified rank k, the forced shallow "
                                  "width Z = ceil(k / T), and the label the\nkernel derives from them: none, "
                                  "complete, incomplete or unknown (with what was tried).",
                      epilog="examples:\n  convac check depth --activation linear --pooling product --N 8 --M 2\n"
                             "  convac check depth --activation relu --pooling max --N 8 --M 2 --approximation\n"
                             "  convac check depth --activation relu --pooling max --N 4 --N-max 16 --json")
    _operator_flags(d)
    d.add_argument("--N", type=int, default=4, help="number of patches, a power of 2 (default 4)")
    d.add_argument("--M", type=int, default=2, help="number of templates (default 2)")
    d.add_argument("--widths", type=positive_ints, default=None, help="deep widths r_0,...,r_{L-1} (default M each)")
    d.add_argument("--N-max", dest="N_max", type=int, default=None,
                   help="also witnesses for N = 2, 4, ..., N-max: the growth of the forced shallow Z (tested)")
    d.add_argument("--tries", type=int, default=6, help="random deep nets of the witness search (default 6)")
    d.add_argument("--approximation", action="store_true",
                   help="also certify that shallow nets with fewer than Z_w channels cannot even "
                        "approximate the witness "
                        "(a lower bound eps on the Frobenius distance: Courant-Fischer, exact LDL^T)")
    d.add_argument("--seed", type=seed_int, default=0, help="seeds the witness search (default 0)")
    d.set_defaults(func=_cmd_depth)
