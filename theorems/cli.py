"""The ``convac`` command line.

Every subcommand prints a readable table or, with ``--json``, JSON. Bad input
exits with status 2 and one line on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys

from symbolic.errors import ConvacError

from .report import dumps, render_tensor

__all__ = ["main", "build_parser"]

#: Subcommands defined in other modules: name -> module exposing ``register(subparsers)``.
_PLUGINS = ("theorems.cli_rank", "theorems.cli_verify", "theorems.cli_check", "theorems.cli_plot")


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, exit 2
        sys.stderr.write(f"convac: {message}\n")
        sys.exit(2)


def _ints(text: str) -> list:
    try:
        return [int(x) for x in text.split(",") if x.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a comma list of ints such as 2,2, got {text!r}") from None


def read_spec(path: str):
    """Load a spec from a path or '-' (standard input)."""
    from symbolic.spec import load_spec

    if path == "-":
        import json as _json

        text = sys.stdin.read()
        if not text.strip():
            from symbolic.errors import SpecError

            raise SpecError("stdin", "", "a JSON spec on standard input (it was empty)")
        try:
            return load_spec(_json.loads(text))
        except _json.JSONDecodeError as e:
            from symbolic.errors import SpecError

            raise SpecError("stdin", f"line {e.lineno} column {e.colno}", f"valid JSON ({e.msg})") from None
    return load_spec(path)


def _cmd_spec(args):
    from symbolic.spec import deep, dump_spec, shallow

    common = dict(N=args.N, M=args.M, activation=args.activation, pooling=args.pooling,
                  weights=args.weights, seed=args.seed, low=args.low, high=args.high,
                  shared=args.shared, Y=args.Y)
    if args.architecture == "shallow":
        s = shallow(Z=args.Z, **common)
    else:
        s = deep(widths=args.widths, window=args.window, patch_order=args.patch_order, **common)
    print(dump_spec(s))
    if args.weights == "random":
        print(f"# seed {args.seed}", file=sys.stderr)
    return 0


def _cmd_grid(args):
    from symbolic.decompositions import grid_tensors

    spec = read_spec(args.spec)
    engine = args.engine or ("symbolic" if spec.is_symbolic or not spec.operator.is_exact else "exact")
    tensors = grid_tensors(spec, engine=engine, modulus=args.modulus)
    if args.output == "all":
        chosen = list(enumerate(tensors))
    else:
        try:
            y = int(args.output)
        except ValueError:
            raise ConvacError(f"--output: expected an int in 0..{len(tensors) - 1} or 'all', got {args.output!r}") from None
        if not 0 <= y < len(tensors):
            raise ConvacError(f"--output: {y} is out of range; the network has Y={len(tensors)} outputs (0..{len(tensors) - 1})")
        chosen = [(y, tensors[y])]
    if args.json:
        objs = [dict(t.to_json(), **({"modulus": t.modulus} if t.modulus else {})) for _, t in chosen]
        print(json.dumps(objs[0] if len(objs) == 1 else {"outputs": objs}))
    else:
        for y, t in chosen:
            print(f"{spec!r}, output {y} of {len(tensors)}, engine {engine}")
            print(render_tensor(t))
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="convac", description="Exact, certified checks of convolutional arithmetic circuits and "
                "rectifier networks as generalized tensor decompositions (Cohen & Shashua, ICML 2016).")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True

    sp = sub.add_parser("spec", help="write a network spec (JSON) with random, symbolic or given weights")
    sp.add_argument("architecture", choices=["shallow", "deep"])
    sp.add_argument("--N", type=int, required=True, help="number of patches")
    sp.add_argument("--M", type=int, required=True, help="number of templates")
    sp.add_argument("--Z", type=int, default=None, help="hidden channels (shallow; default M)")
    sp.add_argument("--widths", type=_ints, default=None, help="r_0,...,r_{L-1} (deep; default M each)")
    sp.add_argument("--window", type=int, default=2)
    sp.add_argument("--patch-order", type=_ints, default=None, help="pooling geometry, a permutation of 0..N-1")
    sp.add_argument("--activation", default="linear")
    sp.add_argument("--pooling", default="product")
    sp.add_argument("--weights", choices=["random", "symbolic"], default="random")
    sp.add_argument("--seed", type=int, default=0)
    sp.add_argument("--low", type=int, default=-1000)
    sp.add_argument("--high", type=int, default=1000)
    sp.add_argument("--shared", action="store_true")
    sp.add_argument("--Y", type=int, default=1, help="number of outputs")
    sp.set_defaults(func=_cmd_spec)

    g = sub.add_parser("grid", help="the grid tensor of a network, exactly")
    g.add_argument("spec", help="spec file (JSON) or - for standard input")
    g.add_argument("--output", default="0", help="output index y, or 'all' (default 0)")
    g.add_argument("--engine", choices=["symbolic", "exact", "modular"], default=None,
                   help="default: exact (symbolic for symbolic weights or tanh/sigmoid)")
    g.add_argument("--modulus", type=int, default=None, help="prime for --engine modular (default 67108859)")
    g.add_argument("--json", action="store_true", help='print {"shape": [...], "entries": [...]}')
    g.set_defaults(func=_cmd_grid)

    for name in _PLUGINS:
        try:
            mod = importlib.import_module(name)
        except ModuleNotFoundError as e:
            if e.name != name:
                raise
            continue
        mod.register(sub)
    return p


def main(argv=None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except ConvacError as e:
        sys.stderr.write(f"convac {args.command}: {e}\n")
        return 2
    except (ValueError, TypeError, KeyError) as e:  # a bug or unvalidated input: still one line
        sys.stderr.write(f"convac {args.command}: error: {type(e).__name__}: {e}\n")
        return 2
    except KeyboardInterrupt:
        sys.stderr.write("convac: interrupted\n")
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
