"""``convac spec shallow|deep``: write a network spec with random or symbolic weights."""

from __future__ import annotations

import argparse
import sys

from symbolic.errors import ConvacError

from theorems.cli.args import parse_ints as _ints, seed_int


def _cmd_spec(args):
    from symbolic.spec.network import MAX_N, deep, dump_spec, shallow

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
    from symbolic.cost import validate_weights

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
    validate_weights(args.architecture, N=args.N, M=args.M, widths=widths, Y=args.Y, window=window, shared=args.shared,
                  symbolic=args.weights == "symbolic", where=" ".join(flags))


def register(sub) -> None:
    """Add ``convac spec``."""
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
    sp.add_argument("--seed", type=seed_int, default=None,
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

