"""``convac grid SPEC``: the grid tensor of a network, exactly."""

from __future__ import annotations

import argparse

import json

from symbolic.errors import ConvacError

from theorems.cli.args import read_spec


def _cmd_grid(args):
    from symbolic.tensor.decompositions import grid_tensor, grid_tensors

    if args.modulus is not None and args.engine != "modular":
        raise ConvacError(f"--modulus {args.modulus}: applies to --engine modular only; add "
                          "--engine modular or drop it")
    if args.modulus is not None and not (2 <= args.modulus < 1 << 31 and _is_prime(args.modulus)):
        raise ConvacError(f"--modulus {args.modulus}: expected a prime below 2^31 (2^26 recommended)")
    spec = read_spec(args.spec)
    engine = args.engine or ("symbolic" if spec.is_symbolic or not spec.operator.is_exact else "exact")
    Y = spec.Y
    if args.output == "all":
        chosen = list(enumerate(grid_tensors(spec, engine=engine, modulus=args.modulus)))
    else:
        try:
            y = int(args.output)
        except ValueError:
            raise ConvacError(f"--output: expected an int in 0..{Y - 1} or 'all', got {args.output!r}") from None
        if not 0 <= y < Y:
            raise ConvacError(f"--output: {y} is out of range; the network has Y={Y} outputs (0..{Y - 1})")
        chosen = [(y, grid_tensor(spec, y, engine=engine, modulus=args.modulus))]  # only this output is computed
    if args.json:
        objs = [dict(t.to_dict(), **({"modulus": t.modulus} if t.modulus else {})) for _, t in chosen]
        print(json.dumps(objs[0] if len(objs) == 1 else {"outputs": objs}))
    else:
        for y, t in chosen:
            print(f"{spec!r}, output {y} of {Y}, engine {engine}")
            from theorems.present.report import render_tensor

            print(render_tensor(t))
    return 0


def _is_prime(n: int) -> bool:
    import sympy

    return bool(sympy.isprime(n))


def register(sub) -> None:
    """Add ``convac grid``."""
    g = sub.add_parser("grid", help="the grid tensor of a network, exactly",
                       formatter_class=argparse.RawDescriptionHelpFormatter,
                       description="The grid tensor A[d_1, ..., d_N] = h_y(x^(d_1), ..., x^(d_N)) of a network on "
                                   "its templates\n(ICML 2016 eq. (3)), exactly: integers, rationals or sympy "
                                   "expressions, never floats.",
                       epilog="examples:\n  convac spec deep --N 4 --M 2 --seed 1 > net.json\n"
                              "  convac grid net.json\n  convac grid net.json --engine modular --json")
    g.add_argument("spec", help="spec file (JSON) or - for standard input")
    g.add_argument("--output", default="0", help="output index y, or 'all' (default 0)")
    g.add_argument("--engine", choices=["symbolic", "exact", "modular"], default=None,
                   help="default: exact (symbolic for symbolic weights or tanh/sigmoid)")
    g.add_argument("--modulus", type=int, default=None, help="prime for --engine modular (default 67108859)")
    g.add_argument("--json", action="store_true", help='print {"shape": [...], "entries": [...]}')
    g.set_defaults(func=_cmd_grid)

