"""``convac show ID``: a claim's statement, source, proof method and instances."""

from __future__ import annotations

import argparse



def _cmd_show(args):
    from theorems.claims.catalog import SIZES, get_claim
    from theorems.present.report import dumps
    from theorems.run.sweep import fmt_instance

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
        insts = getattr(c, s)
        print(f"{s} instances ({len(insts)}{' more' if s != 'small' else ''}; estimated seconds on one core):")
        for inst in insts:
            print(f"  {fmt_instance(inst) or '(none)'}  ~{_seconds(c.estimate(inst))}")
    return 0


def _seconds(x: float) -> str:
    return f"{x:.2g} s" if x < 100 else f"{x / 60:.0f} min" if x < 5400 else f"{x / 3600:.1f} h"


def register(sub) -> None:
    """Add ``convac show``."""
    from theorems.claims.ids import CLAIM_IDS

    s = sub.add_parser("show", help="a claim's statement, source, proof method and instances",
                       formatter_class=argparse.RawDescriptionHelpFormatter,
                       description="Print one claim of the catalog: its statement, the paper it comes from, how "
                                   "convac proves it\non an instance, and the instances of each size.",
                       epilog="examples:\n  convac show depth.convac.generic\n  convac show geometry --json")
    s.add_argument("id", choices=CLAIM_IDS, metavar="ID", help=", ".join(CLAIM_IDS))
    s.add_argument("--json", action="store_true", help="print the claim as JSON")
    s.set_defaults(func=_cmd_show)
