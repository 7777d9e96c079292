"""The ``convac`` command line.

Every subcommand prints a readable table or, with ``--json``, JSON. Bad input
exits with status 2 and one line on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys

from symbolic.cost import ENV_MAX_ENTRIES, ENV_MAX_MEMORY, set_limits
from symbolic.errors import ConvacError

__all__ = ["main", "build_parser"]

#: Subcommands defined in other modules: name -> module exposing ``register(subparsers)``.
_PLUGINS = ("theorems.cli_rank", "theorems.cli_verify", "theorems.cli_check", "theorems.cli_plot")
#: The commands each plugin registers: a command line naming another command does not import the plugin
#: (theorems.cli_verify loads the whole catalog, 0.7 s), so that a refusal comes at once.
_PLUGIN_COMMANDS = {"theorems.cli_rank": ("rank",), "theorems.cli_verify": ("verify", "show"),
                    "theorems.cli_check": ("check", "search"), "theorems.cli_plot": ("plot",)}
_CORE_COMMANDS = ("spec", "grid", "recheck")


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
    """Load a spec from a path or '-' (standard input), through the limits of
    :func:`symbolic.kernel.parse.read_json_file` (size, nesting, digits)."""
    from symbolic.errors import SpecError
    from symbolic.kernel.parse import ParseError, read_json_file
    from symbolic.spec import load_spec

    from symbolic.cost import MAX_SPEC_BYTES

    if path == "-":
        try:
            data = read_json_file("-", field="stdin", max_bytes=MAX_SPEC_BYTES)
        except ParseError as e:
            if e.kind == "empty":
                raise SpecError("stdin", "", "a JSON spec on standard input (it was empty)") from None
            if e.kind == "json" and e.detail:
                line, column, msg = e.detail
                raise SpecError("stdin", f"line {line} column {column}", f"valid JSON ({msg})") from None
            raise
        if not isinstance(data, dict):
            raise SpecError("stdin", data, "a JSON object (a network spec)")
        return load_spec(data)
    return load_spec(path)


def _cmd_spec(args):
    from symbolic.spec import MAX_N, deep, dump_spec, shallow

    # Options that do not apply are refused, naming the flag (their argparse default is None).
    other = "deep" if args.architecture == "shallow" else "shallow"
    not_here = {"shallow": (("--window", args.window), ("--patch-order", args.patch_order), ("--widths", args.widths)),
                "deep": (("--Z", args.Z),)}[args.architecture]
    for flag, value in not_here:
        if value is not None:
            raise ConvacError(f"{flag}: does not apply to a {args.architecture} network (it is an option of "
                              f"'convac spec {other}'); drop it")
    if args.weights == "symbolic":
        for flag, value in (("--seed", args.seed), ("--low", args.low), ("--high", args.high)):
            if value is not None:
                raise ConvacError(f"{flag}: does not apply to --weights symbolic (it sets random weights); drop it")
    seed = 0 if args.seed is None else args.seed
    low = -1000 if args.low is None else args.low
    high = 1000 if args.high is None else args.high
    window = 2 if args.window is None else args.window
    for flag, value, lo, hi in (("--N", args.N, 1, MAX_N), ("--M", args.M, 1, None), ("--Z", args.Z, 1, None),
                                ("--Y", args.Y, 1, None), ("--window", window, 2, None)):
        if value is not None and (value < lo or (hi is not None and value > hi)):
            raise ConvacError(f"{flag}: expected an int >= {lo}{f' and <= {hi}' if hi else ''}, got {value}")
    if low > high:
        raise ConvacError(f"--low {low} --high {high}: expected low <= high")
    if args.architecture == "deep":
        L, n = 0, 1
        while n < args.N:
            n, L = n * window, L + 1
        if n != args.N or L < 1:
            raise ConvacError(f"--N: expected a power of the window {window} (N = {window}^L, L >= 1), got {args.N}")
        if args.widths is not None and (len(args.widths) != L or min(args.widths) < 1):
            raise ConvacError(f"--widths: expected {L} ints >= 1, one per layer (L = log_{window} {args.N} = {L}), "
                              f"got {','.join(map(str, args.widths))}")
    _check_spec_size(args, window)  # before a single weight is drawn or a symbol created
    common = dict(N=args.N, M=args.M, activation=args.activation, pooling=args.pooling,
                  weights=args.weights, seed=seed, low=low, high=high, shared=args.shared, Y=args.Y)
    if args.architecture == "shallow":
        s = shallow(Z=args.Z, **common)
    else:
        s = deep(widths=args.widths, window=window, patch_order=args.patch_order, **common)
    print(dump_spec(s))
    if args.weights == "random":
        print(f"# seed {seed}", file=sys.stderr)
    return 0


def _check_spec_size(args, window: int) -> None:
    """``convac spec``: refuse a network with too many weights (or symbols) from its flags alone."""
    from symbolic.cost import check_weights

    L = 1
    if args.architecture == "deep":
        n = window
        while n < args.N:
            n, L = n * window, L + 1
    widths = ((args.Z or args.M,) if args.architecture == "shallow" else tuple(args.widths or (args.M,) * L))
    flags = [f"--N {args.N}", f"--M {args.M}"]
    if args.architecture == "shallow" and args.Z is not None:
        flags.append(f"--Z {args.Z}")
    if args.architecture == "deep" and args.widths is not None:
        flags.append("--widths " + ",".join(map(str, args.widths)))
    if args.Y != 1:
        flags.append(f"--Y {args.Y}")
    check_weights(args.architecture, N=args.N, M=args.M, widths=widths, Y=args.Y, window=window, shared=args.shared,
                  symbolic=args.weights == "symbolic", where=" ".join(flags))


def _cmd_grid(args):
    from symbolic.decompositions import grid_tensor, grid_tensors

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
        objs = [dict(t.to_json(), **({"modulus": t.modulus} if t.modulus else {})) for _, t in chosen]
        print(json.dumps(objs[0] if len(objs) == 1 else {"outputs": objs}))
    else:
        for y, t in chosen:
            print(f"{spec!r}, output {y} of {Y}, engine {engine}")
            from .report import render_tensor

            print(render_tensor(t))
    return 0


#: The commands that compute: they (and their subcommands) take --max-memory and --max-entries.
_COMPUTING = ("spec", "grid", "rank", "verify", "check", "search", "plot")
_LIMITS_HELP = ("resource limits (checked before any work; see symbolic/cost.py; also set by the environment "
                "variables CONVAC_MAX_MEMORY and CONVAC_MAX_ENTRIES)")


def _add_limit_flags(parser, suppress: bool = True, recurse: bool = True) -> None:
    """Add ``--max-memory`` and ``--max-entries`` to a parser and (``recurse``) to every subcommand parser below it."""
    default = argparse.SUPPRESS if suppress else None
    g = parser.add_argument_group("limits", _LIMITS_HELP)
    g.add_argument("--max-memory", default=default, metavar="SIZE",
                   help="memory one job may use, e.g. 8G or 500M (default 4G); larger work is refused at once")
    g.add_argument("--max-entries", default=default, metavar="N",
                   help="largest grid tensor, in entries, e.g. 2^26 (default 2^24 = 16,777,216)")
    for action in parser._actions if recurse else ():
        if isinstance(action, argparse._SubParsersAction):
            for child in action.choices.values():
                _add_limit_flags(child)


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The ``convac`` parser; given the ``command`` about to run, only the plugin that defines it is loaded."""
    known = _CORE_COMMANDS + tuple(c for cs in _PLUGIN_COMMANDS.values() for c in cs)
    if command not in known:
        command = None
    p = _Parser(prog="convac", description="Exact, certified checks of convolutional arithmetic circuits and "
                "rectifier networks as generalized tensor decompositions (Cohen & Shashua, ICML 2016).")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True

    sp = sub.add_parser(
        "spec", help="write a network spec (JSON) with random or symbolic weights",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Write a network spec to standard output, in the JSON format of docs/spec-format.md:\n"
                    "a shallow network (one hidden layer of Z channels, global pooling) or a deep one (a\n"
                    "pooling tree of window w over N = w^L patches), with random exact weights (integers\n"
                    "in [--low, --high], drawn with --seed, which is echoed on standard error) or symbolic\n"
                    "weights (sympy symbols). Options that do not apply are refused.",
        epilog="examples:\n"
               "  convac spec deep --N 4 --M 2 --activation relu --pooling max --seed 1 > net.json\n"
               "  convac spec shallow --N 4 --M 3 --Z 2 --activation relu --pooling average --low -5 --high 5\n"
               "  convac spec deep --N 9 --M 2 --window 3 --widths 2,2 --weights symbolic\n"
               "  convac grid net.json")
    sp.add_argument("architecture", choices=["shallow", "deep"],
                    help="shallow (one hidden layer, global pooling) or deep (a pooling tree)")
    sp.add_argument("--N", type=int, required=True, help="number of patches, 1..64; deep: a power of --window")
    sp.add_argument("--M", type=int, required=True, help="number of templates (representation functions), >= 1")
    sp.add_argument("--Z", type=int, default=None, help="shallow only: hidden channels, >= 1 (default M)")
    sp.add_argument("--widths", type=_ints, default=None, metavar="R0,R1,...",
                    help="deep only: channels r_0,...,r_{L-1} of the L = log_w N layers, each >= 1 (default M each)")
    sp.add_argument("--window", type=int, default=None, metavar="W",
                    help="deep only: pooling window w >= 2; N must be a power of it (default 2)")
    sp.add_argument("--patch-order", type=_ints, default=None, metavar="P0,P1,...",
                    help="deep only: the pooling geometry, a permutation of 0..N-1 (default 0,1,...,N-1)")
    sp.add_argument("--activation", default="linear",
                    help="linear (default), relu, abs, square, leaky_relu:p/q (e.g. leaky_relu:1/10), tanh or sigmoid")
    sp.add_argument("--pooling", default="product", help="product (default), max, sum or average")
    sp.add_argument("--weights", choices=["random", "symbolic"], default="random",
                    help="random: exact random integers (default); symbolic: every weight a sympy symbol")
    sp.add_argument("--seed", type=int, default=None,
                    help="random weights only: any int; the same seed gives the same spec (default 0)")
    sp.add_argument("--low", type=int, default=None,
                    help="random weights only: smallest weight, an int <= --high (default -1000)")
    sp.add_argument("--high", type=int, default=None,
                    help="random weights only: largest weight, an int >= --low (default 1000)")
    sp.add_argument("--shared", action="store_true",
                    help="coefficient sharing (a true convolution): one weight array per layer, not one per position "
                         "(default: unshared)")
    sp.add_argument("--Y", type=int, default=1, help="number of outputs, >= 1 (default 1)")
    sp.set_defaults(func=_cmd_spec)

    g = sub.add_parser("grid", help="the grid tensor of a network, exactly")
    g.add_argument("spec", help="spec file (JSON) or - for standard input")
    g.add_argument("--output", default="0", help="output index y, or 'all' (default 0)")
    g.add_argument("--engine", choices=["symbolic", "exact", "modular"], default=None,
                   help="default: exact (symbolic for symbolic weights or tanh/sigmoid)")
    g.add_argument("--modulus", type=int, default=None, help="prime for --engine modular (default 67108859)")
    g.add_argument("--json", action="store_true", help='print {"shape": [...], "entries": [...]}')
    g.set_defaults(func=_cmd_grid)

    rc = sub.add_parser("recheck", help="re-verify a saved --json answer with the small trusted kernel",
                        add_help=False)
    rc.add_argument("rest", nargs=argparse.REMAINDER)
    rc.set_defaults(func=lambda args: __import__("theorems.cli_recheck", fromlist=["main"]).main(args.rest))
    for name in _PLUGINS:
        if command is not None and command not in _PLUGIN_COMMANDS.get(name, (command,)):
            continue
        try:
            mod = importlib.import_module(name)
        except ModuleNotFoundError as e:
            if e.name != name:
                raise
            continue
        mod.register(sub)
    _add_limit_flags(p, suppress=False, recurse=False)  # convac --max-memory 8G grid ... (before the command)
    for name in _COMPUTING:
        if name in sub.choices:
            _add_limit_flags(sub.choices[name])
    return p


def main(argv=None) -> int:
    """Run one subcommand; every failure is one line on stderr: exit 2 for bad input or work that
    does not fit (ConvacError, MemoryError, RecursionError), 130 on Ctrl-C, 1 for a bug (``--debug``
    shows its traceback)."""
    argv = sys.argv[1:] if argv is None else list(argv)
    debug = "--debug" in argv
    argv = [a for a in argv if a != "--debug"]
    if argv[:1] == ["recheck"]:  # the trusted path: loads the kernel only, not the provers
        from .cli_recheck import main as recheck_main

        return recheck_main(argv[1:])
    command = next((a for a in argv if not a.startswith("-")), None)
    if argv and argv[0].startswith("-") and command is not None:  # convac --max-memory 8G grid ...: skip the value
        command = next((a for i, a in enumerate(argv) if not a.startswith("-") and not (
            i and argv[i - 1] in ("--max-memory", "--max-entries"))), None)
    parser = build_parser(command)
    args = parser.parse_args(argv)
    saved = {k: os.environ.get(k) for k in (ENV_MAX_MEMORY, ENV_MAX_ENTRIES)}
    try:
        # the limits reach library code (and worker processes) through the environment, for this run only
        set_limits(getattr(args, "max_memory", None), getattr(args, "max_entries", None))
        return int(args.func(args) or 0)
    except ConvacError as e:
        msg = str(e).replace("\r", "\\r").replace("\n", "\\n")  # one line, whatever the input held
        sys.stderr.write(f"convac {args.command}: {msg[:2000]}\n")
        return 2
    except MemoryError:
        sys.stderr.write(f"convac {args.command}: out of memory; try a smaller network (see --help for limits)\n")
        return 2
    except RecursionError:
        sys.stderr.write(f"convac {args.command}: the input is nested too deeply\n")
        return 2
    except KeyboardInterrupt:
        sys.stderr.write(f"convac {args.command}: interrupted\n")
        return 130
    except BrokenPipeError:
        return 0
    except Exception as e:  # noqa: BLE001 - a bug: one line, the traceback only with --debug
        if debug:
            raise
        sys.stderr.write(f"convac {args.command}: internal error ({type(e).__name__}: {str(e)[:200]}); "
                         "rerun with --debug for the traceback and please report it\n")
        return 1
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
