"""``convac check laws|universality`` and ``convac search rank-bound`` (design.md section 6).

Any activation with any pooling: the laws of g(a, b) = P(sigma(a), sigma(b)) and the
universality of shallow and deep networks are decided exactly, each answer with a
certificate that the trusted kernel re-verifies before anything is printed; and
conjectured rank bounds are searched for counterexamples (:mod:`theorems.search`).

Every ``--json`` answer has a top-level ``certificate`` and a ``results`` list (one entry per
certificate), so ``convac recheck FILE`` re-verifies it. Exit status: 0 when the question is
decided (a law proved or refuted, universality proved either way, a conjecture refuted),
1 when the answer is inconclusive, 2 on bad input (one line on stderr).
"""

from __future__ import annotations

import json
import math
import sys

from symbolic.errors import DomainError

from .report import check_writable, dumps, table

__all__ = ["register", "laws_answer", "universality_json", "rank_bound_answer"]

_LAW_NAMES = ("commutativity", "associativity", "pooled_fixed")
_LAW_KEYS = {"commutativity": "commutative", "associativity": "associative", "pooled_fixed": "pooled_fixed"}
_LAW_TEXT = {"commutativity": "g(a, b) = g(b, a)", "associativity": "g(g(a, b), c) = g(a, g(b, c))",
             "pooled_fixed": "sigma(g(a, b)) = g(a, b)"}


# ----------------------------------------------------------------------------- laws
def laws_answer(activation: str, pooling: str) -> dict:
    """The laws of one operator, each decided and re-verified by the trusted kernel.

    ``results`` holds one kernel result per law (statement, status, certificate): the
    answer file of ``convac check laws --json``.

    >>> a = laws_answer("relu", "average")
    >>> a["commutative"], a["associative"], a["pooled_fixed"], a["status"]
    (True, False, True, 'proved')
    >>> a["results"][1]["certificate"]["point"]
    {'a': 1, 'b': 0, 'c': 0}
    """
    from symbolic.kernel.recheck import check_result
    from symbolic.laws import associativity, commutativity, pooled_fixed
    from symbolic.operators import operator

    from .laws import law_certificate

    op = operator(activation, pooling)
    act, pool = op.activation.spec_name, op.pooling.name
    deciders = {"commutativity": commutativity, "associativity": associativity, "pooled_fixed": pooled_fixed}
    out = {"operator": op.name, "activation": act, "pooling": pool,
           "definition": f"g(a, b) = {pool}({act}(a), {act}(b))", "results": [], "details": []}
    for law in _LAW_NAMES:
        r = deciders[law](op)
        cert = law_certificate(act, pool, law, r)
        res = {"statement": {"type": "law", "activation": act, "pooling": pool, "law": law},
               "status": "inconclusive" if cert is None else "proved" if r.holds else "refuted", "certificate": cert}
        line = check_result(res) if cert is not None else None
        if line is not None and not line.ok:
            res, cert = dict(res, status="inconclusive", certificate=None), None
        holds = None if cert is None else r.holds
        out[_LAW_KEYS[law]] = holds
        out["results"].append(res)
        out["details"].append(_law_detail(r, cert, None if line is None or line.ok else line.reason))
    out["iterable"] = (False if False in (out["associative"], out["pooled_fixed"]) else
                       None if None in (out["associative"], out["pooled_fixed"]) else True)
    out["status"] = "proved" if all(r["status"] != "inconclusive" for r in out["results"]) else "inconclusive"
    return out


def _law_detail(r, cert, note=None) -> str:
    c = r.certificate or {}
    if cert is None:
        return f"undecided: {note or c.get('reason', '')}"
    if r.holds:
        how = cert.get("method", "identity")
        if how == "case-analysis":
            n = len((cert.get("identity") or {}).get("regions", []))
            how = f"case analysis over {n} sign/order region{'s' if n != 1 else ''}"
        elif how == "expansion":
            how = "the difference expands to 0"
        return f"identity: {how}"
    pt = ", ".join(f"{k}={v}" for k, v in c.get("point", {}).items())
    if "lhs_enclosure" in c:
        return (f"counterexample at {pt}: lhs = {c.get('lhs_value')} in {_decimal_interval(c['lhs_enclosure'])}, "
                f"rhs = {c.get('rhs_value')} in {_decimal_interval(c['rhs_enclosure'])} (disjoint enclosures, "
                f"interval arithmetic with outward rounding, {c.get('precision_bits')} bits)")
    return f"counterexample at {pt}: lhs = {c.get('lhs_value')}, rhs = {c.get('rhs_value')} (exact)"


def _decimal_interval(enc, digits: int = 6) -> str:
    """An exact enclosure [lo, hi] (ints, "p/q" strings) widened outward to ``digits`` decimals, for display.

    >>> _decimal_interval(["1/3", "2/3"], 3)
    '[0.333, 0.667]'
    """
    import math
    from fractions import Fraction

    def fmt(x, up):
        if x in ("oo", "-oo"):
            return x
        q = Fraction(x) * 10**digits
        n = math.ceil(q) if up else math.floor(q)
        sign = "-" if n < 0 else ""
        n = abs(n)
        return f"{sign}{n // 10 ** digits}.{n % 10 ** digits:0{digits}d}"

    return f"[{fmt(enc[0], False)}, {fmt(enc[1], True)}]"


def _cmd_laws(args):
    a = laws_answer(args.activation, args.pooling)
    if args.json:
        from .verdict import answer

        print(dumps(answer("check laws", a["results"])))
    else:
        print(f"laws of {a['operator']}: {a['definition']}")
        rows = [[law, _LAW_TEXT[law], {True: "yes", False: "no", None: "?"}[a[_LAW_KEYS[law]]], d]
                for law, d in zip(_LAW_NAMES, a["details"])]
        print(table(rows, ["law", "statement", "holds", "proof"]))
        it = {True: "yes", False: "no", None: "undecided"}[a["iterable"]]
        print(f"iterating the binary form over a window is justified (associative and pooled_fixed): {it}")
        print("every result re-verified by the trusted kernel" if a["status"] == "proved" else
              "some law is undecided (inconclusive)")
    return 0 if a["status"] == "proved" else 1


# ----------------------------------------------------------------------------- universality
def universality_json(verdict, *, question: str, extra: dict | None = None) -> dict:
    """The JSON answer of ``convac check universality`` for a Verdict of
    :func:`theorems.universality.decide_universality`."""
    from .universality import universality_answer

    cert = verdict.certificate
    out = {"question": question, **verdict.instance, "answer": universality_answer(verdict),
           "status": "proved" if verdict.status.value == "proved" else "inconclusive",
           "detail": verdict.detail, "seconds": round(verdict.seconds, 3), "seed": verdict.seed,
           "certificate": cert}
    if out["answer"] is False and cert:
        out["functional"] = cert.get("coefficients")
        out["unrealizable"] = cert.get("witness")
    if out["answer"] is True and cert:
        out["networks"] = [s["spec"] for s in cert["source"]["stack"]]
    out.update(extra or {})
    out["results"] = [verdict.result()]
    return out


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
    from .universality import decide_universality

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
        from .verdict import answer

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
        print(f"  independence: rank {a['certificate']['certificate']['k']} certified by a nonzero minor modulo "
              f"{a['certificate']['certificate']['prime']} of the stacked tensors (recomputed by the forward pass)")
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


# ----------------------------------------------------------------------------- search rank-bound
def rank_bound_answer(*, architecture, activation, pooling, N, M, widths, partition, bound, shared=False,
                      window=2, examples=300, seconds=None, seed=0, weight_range=(-10, 10), progress=None) -> dict:
    """Search a family for a network with rank [A]_partition > bound; the JSON answer.

    >>> a = rank_bound_answer(architecture="shallow", activation="relu", pooling="max", N=4, M=2, widths=(1,),
    ...                       partition="odd-even", bound="Z", examples=100)
    >>> a["status"], a["counterexample"]["rank"], a["counterexample"]["bound"]
    ('refuted', 2, '1')
    """
    from symbolic.matricize import parse_partition

    from .search import Family, find_counterexample, parse_bound, rank_bound

    expr = parse_bound(bound)
    names = {"N", "M", "Z", "L", "w"} | {f"r{l}" for l in range(len(widths))}
    unknown = sorted(s.name for s in expr.free_symbols if s.name not in names)
    if unknown:
        raise DomainError(f"--bound {bound!r}: {', '.join(unknown)} not defined for a {architecture} network with "
                          f"widths {tuple(widths)} (defined: {', '.join(sorted(names))})")
    for n in (N if isinstance(N, (tuple, list)) else (N,)):
        parse_partition(partition, n)
    fam = Family(architecture=architecture, activation=activation, pooling=pooling, N=N, M=M, widths=tuple(widths),
                 window=window, shared=shared, weight_range=tuple(weight_range))
    conj = rank_bound(partition, bound,
                      statement=f"every {'shared ' if shared else ''}{architecture} {activation}/{pooling} network "
                                f"with N={N}, M={M}, widths {tuple(widths)} has rank [A]_{partition} <= {bound}")
    r = find_counterexample(conj, fam, budget=examples, seed=seed, seconds=seconds, progress=progress)
    d = r.to_dict()
    first_N = N[0] if isinstance(N, (tuple, list)) else N
    first_M = M[0] if isinstance(M, (tuple, list)) else M
    fam = dict(architecture=architecture, N=first_N, M=first_M, activation=activation, pooling=pooling, shared=shared)
    rows = list(parse_partition(partition, first_N))
    if r.status == "refuted":  # the statement refuted is the one of the (shrunk) counterexample's own family
        from symbolic.kernel.network import read_net

        net = read_net(d["counterexample"]["spec"])
        fam = {k: v for k, v in net.family().items()}
        rows = d["counterexample"]["rows"]
    if architecture == "shallow":
        fam.setdefault("Z", widths[0])
    else:
        fam.setdefault("widths", list(widths))
    d["results"] = [{"statement": {"type": "rank_bound", "family": fam, "rows": rows, "bound": bound},
                     "status": "refuted" if r.status == "refuted" else "inconclusive",
                     "certificate": r.certificate if r.status == "refuted" else None,
                     "seconds": d["seconds"], "seed": seed}]
    return d


def _cmd_rank_bound(args):
    if (args.Z is None) == (args.widths is None):
        raise DomainError("give exactly one of --Z (shallow) or --widths r0,r1,... (deep)")
    if args.Z is not None and args.architecture != "shallow":
        raise DomainError("--Z: only for --architecture shallow; use --widths r0,r1,... for deep")
    if args.widths is not None and args.architecture == "shallow" and len(args.widths) != 1:
        raise DomainError(f"--widths {args.widths}: a shallow network has one width; use --Z")
    if args.budget is not None and args.budget <= 0:
        raise DomainError(f"--budget {args.budget}: expected seconds > 0")
    if args.examples < 1:
        raise DomainError(f"--examples {args.examples}: expected an int >= 1")
    if args.low > args.high:
        raise DomainError(f"--low {args.low} > --high {args.high}")
    widths = (args.Z,) if args.Z is not None else tuple(args.widths)
    if args.save:
        check_writable(args.save, "--save")
    from symbolic.cost import rank_cost

    well_formed = args.N >= 1 and args.M >= 1 and min(widths) >= 1 and (
        args.architecture == "shallow" or (args.window >= 2 and args.window ** len(widths) == args.N))
    if well_formed:  # the network's cost, refused before the search (and its imports) starts
        rank_cost(N=args.N, M=args.M, rows=args.N // 2, widths=widths, window=args.window if args.architecture == "deep"
                  else None, architecture=args.architecture, activation=args.activation.split(":")[0],
                  pooling=args.pooling, engine="exact",
                  weight_bits=math.log2(max(abs(args.low), abs(args.high), 1))).check()
    from .report import progress

    with progress(args.examples, "convac search", unit="networks tried") as bar:  # a line every 10 s off a terminal
        a = rank_bound_answer(architecture=args.architecture, activation=args.activation, pooling=args.pooling,
                              N=args.N, M=args.M, widths=widths, partition=args.partition, bound=args.bound,
                              shared=args.shared, window=args.window, examples=args.examples, seconds=args.budget,
                              seed=args.seed, weight_range=(args.low, args.high),
                              progress=lambda tried: bar.update(tried - bar.done))
    print(f"# seed {args.seed}", file=sys.stderr)
    ce = a["counterexample"]
    if args.save and ce:
        with open(args.save, "w") as fh:
            json.dump(ce["spec"], fh, indent=1)
            fh.write("\n")
    if args.json:
        from .verdict import answer

        print(dumps(answer("search", a["results"])))
        return 0 if a["status"] == "refuted" else 1
    print(f"conjecture: {a['conjecture']}")
    print(f"status: {a['status']} (seed {a['seed']}; {a['tried']} networks tried; {a['seconds']:.2f} s)")
    if ce is None:
        print(f"  {a['note']}")
        return 1
    c = ce["certificate"]["certificate"]
    print(f"minimal counterexample found (shrunk: fewer patches, smaller M, smaller |weights|):")
    print(f"  {json.dumps(ce['spec'], separators=(', ', ': '))}")
    rhs = ce["bound"] if ce["bound_expression"].replace(" ", "") == ce["bound"] else f"{ce['bound_expression']} = {ce['bound']}"
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


# ----------------------------------------------------------------------------- registration
def _ints(text):
    from .cli import _ints as parse

    return parse(text)


def register(sub):
    import argparse

    ops = "activation: linear, relu, abs, square, leaky_relu:p/q, tanh, sigmoid"
    c = sub.add_parser("check", help="decide laws and universality for any activation and pooling, with certificates",
                       description="Exact decisions for any activation/pooling pair; every certificate is re-verified "
                                   "by the trusted kernel. Exit 0 when decided, 1 when inconclusive, 2 on bad input.")
    cs = c.add_subparsers(dest="what", metavar="WHAT", parser_class=type(c))
    cs.required = True
    la = cs.add_parser("laws", help="commutativity, associativity, pooled_fixed of g(a,b) = P(sigma(a), sigma(b))")
    la.add_argument("--activation", required=True, help=ops)
    la.add_argument("--pooling", required=True, help="product, max, sum, average")
    la.add_argument("--json", action="store_true")
    la.set_defaults(func=_cmd_laws)
    u = cs.add_parser("universality", help="do networks of a family realize every grid tensor (unbounded widths)?")
    u.add_argument("--activation", required=True, help=ops)
    u.add_argument("--pooling", required=True, help="product, max, sum, average")
    u.add_argument("--architecture", choices=["shallow", "deep"], default="shallow")
    u.add_argument("--N", type=int, required=True, help="number of patches")
    u.add_argument("--M", type=int, required=True, help="number of templates")
    u.add_argument("--window", type=int, default=2, help="deep: pooling window (N a power of it)")
    u.add_argument("--shared", action="store_true", help="coefficient sharing")
    u.add_argument("--widths", type=_ints, default=None,
                   help="deep: widths of an extra direct check of a 'no' functional (the answer is for all widths)")
    u.add_argument("--samples", type=int, default=200, help="random candidate networks (default 200)")
    u.add_argument("--seed", type=int, default=0)
    u.add_argument("--json", action="store_true")
    u.set_defaults(func=_cmd_universality)

    s = sub.add_parser("search", help="search for counterexamples to conjectures (minimal, replayable, certified)",
                       description="Exit 0 when a conjecture is refuted, 1 when inconclusive (no counterexample found "
                                   "is never a proof), 2 on bad input.")
    ss = s.add_subparsers(dest="what", metavar="WHAT", parser_class=type(s))
    ss.required = True
    rb = ss.add_parser("rank-bound", help="look for a network with rank [A]_P > EXPR",
                       formatter_class=argparse.RawDescriptionHelpFormatter,
                       description="EXPR uses integers, N, M, Z, L, w, r0, r1, ..., + - * / ^, min, max, floor, ceil.")
    rb.add_argument("--architecture", choices=["shallow", "deep"], required=True)
    rb.add_argument("--activation", required=True, help=ops + " (exact ones only)")
    rb.add_argument("--pooling", required=True, help="product, max, sum, average")
    rb.add_argument("--N", type=int, required=True)
    rb.add_argument("--M", type=int, required=True)
    rb.add_argument("--Z", type=int, default=None, help="shallow: hidden channels")
    rb.add_argument("--widths", type=_ints, default=None, help="deep: r0,r1,...")
    rb.add_argument("--window", type=int, default=2, help="deep: pooling window")
    rb.add_argument("--shared", action="store_true")
    rb.add_argument("--partition", required=True, help="odd-even, halves or a comma list of row modes")
    rb.add_argument("--bound", required=True, metavar="EXPR", help="the conjectured bound, e.g. Z or 'min(r0,M)^(N/2)'")
    rb.add_argument("--budget", type=float, default=60.0, metavar="S", help="seconds of search (default 60)")
    rb.add_argument("--examples", type=int, default=300, help="networks to generate before shrinking (default 300)")
    rb.add_argument("--low", type=int, default=-10, help="smallest weight numerator (default -10)")
    rb.add_argument("--high", type=int, default=10, help="largest weight numerator (default 10)")
    rb.add_argument("--seed", type=int, default=0)
    rb.add_argument("--save", metavar="FILE", help="write the counterexample's spec to FILE")
    rb.add_argument("--json", action="store_true")
    rb.set_defaults(func=_cmd_rank_bound)
