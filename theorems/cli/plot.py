"""``convac plot KIND ... -o FILE.png``: pictures of circuits, tensors, matricizations and rank growth.

Kinds: ``circuit SPEC [--weights]``, ``tensor SPEC``, ``matricization SPEC --partition P [--rank]``,
``rank-growth [--M 2 --N-max 8]`` and ``box [--N 4 --M 2]`` (a slice through the open box of
``depth.relu_max.incomplete``). The figures are drawn by :mod:`theorems.present.plot`; every number a
figure states is computed exactly. Without matplotlib the command exits with status 2 and the
install hint ``pip install 'convac[notebooks]'``.

The README's figures (deterministic: the spec's weights come from seed 0)::

    convac spec deep --N 4 --M 2 --activation relu --pooling max --low -5 --high 5 \\
        | convac plot circuit - --weights -o docs/circuit.png
    convac plot rank-growth --M 2 --N-max 16 -o docs/rank_growth.png
"""

from __future__ import annotations

import argparse

import json

from symbolic.errors import ConvacError

__all__ = ["register"]


def _out(args, fig, what: str, extra: str = ""):
    _save(fig, args)
    print(f"wrote {args.out}: {what}{extra}")
    return 0


def _save(fig, args):
    """Write the figure to -o; a full disk or a refusing device is one line naming the file."""
    from theorems.present.plot import save

    try:
        save(fig, args.out, dpi=args.dpi)
    except OSError as e:
        raise ConvacError(f"-o {args.out}: cannot be written ({e.strerror or e})") from None


def _spec(args):
    from theorems.cli.args import read_spec

    return read_spec(args.spec)


def _cmd_circuit(args):
    from theorems.present.plot import validate_circuit_drawing, draw_circuit

    spec = _spec(args)
    validate_circuit_drawing(spec)
    return _out(args, draw_circuit(spec, weights=args.weights, title=args.title), f"circuit of {spec!r}")


def _grid(args, spec):
    from symbolic.tensor.decompositions import grid_tensor

    from theorems.present.plot import validate_heatmap

    if spec.is_symbolic:
        raise ConvacError("a heatmap needs numeric weights; this spec has symbolic weights")
    if not 0 <= args.output < spec.Y:
        raise ConvacError(f"--output: {args.output} is out of range; the network has Y={spec.Y} outputs "
                          f"(0..{spec.Y - 1})")
    validate_heatmap(spec.M ** spec.N, f"N={spec.N}, M={spec.M}")
    return grid_tensor(spec, args.output)  # its cost is checked before it is computed; only this output


def _cmd_tensor(args):
    from theorems.present.plot import plot_tensor

    spec = _spec(args)
    return _out(args, plot_tensor(_grid(args, spec), title=args.title), f"grid tensor of {spec!r}")


def _cmd_matricization(args):
    from theorems.present.plot import plot_matricization

    spec = _spec(args)
    fig = plot_matricization(_grid(args, spec), args.partition, rank=args.rank, title=args.title)
    return _out(args, fig, f"[A]_{args.partition} of {spec!r}")


def _cmd_rank_growth(args):
    from symbolic.numbers import to_json_number

    from theorems.present.plot import plot_rank_growth, rank_growth_data

    data = rank_growth_data(M=args.M, N_max=args.N_max, seed=args.seed)
    fig = plot_rank_growth(data, title=args.title)
    _save(fig, args)
    if args.json:
        rows = [dict(r, relu_max_Z=to_json_number(r["relu_max_Z"])) for r in data]
        print(json.dumps({"file": args.out, "rows": rows}))
        return 0
    for r in data:
        print(f"N={r['N']:>2} M={r['M']}: rank [A]_odd-even: deep ConvAC {r['convac']}, deep ReLU/max construction "
              f"{r['relu_max']}, random deep ReLU/max {r['relu_max_random']}; a shallow net needs Z >= {r['convac_Z']} "
              f"(ConvAC), Z >= {to_json_number(r['relu_max_Z'])} (ReLU/max){'' if r['exact'] else ' (bounds only)'}")
    print(f"wrote {args.out}: rank growth (every rank exact and certified)")
    return 0


def _cmd_box(args):
    from theorems.depth.claims import prove_relu_max_incomplete
    from theorems.present.plot import plot_box_slice

    from theorems.present.plot import validate_box_cost

    if args.N < 2 or args.N & (args.N - 1) or args.M < 1:
        raise ConvacError(f"--N {args.N} --M {args.M}: expected N a power of 2, at least 2, and M >= 1")
    if not 2 <= args.resolution <= 201:
        raise ConvacError(f"--resolution: expected an int in 2..201, got {args.resolution}")
    validate_box_cost(args.N, args.M, args.resolution)  # before the verdict and the slice
    v = prove_relu_max_incomplete(N=args.N, M=args.M)
    if v.status.value != "proved":
        raise ConvacError(f"depth.relu_max.incomplete came out {v.status.value} for N={args.N}, M={args.M}: {v.detail}")
    fig = plot_box_slice(v, args.x, args.y, resolution=args.resolution, title=args.title)
    return _out(args, fig, f"slice through the open box (N={args.N}, M={args.M}; certificate re-checked)")


def _checked(func):
    """Run ``func`` after checking the output path and the resolution (before any long computation)."""
    def run(args):
        from theorems.present.plot import validate_dpi, validate_output_path

        validate_output_path(args.out)
        validate_dpi(args.dpi)
        return func(args)
    return run


def _seed(text):
    from theorems.cli.args import seed_int

    return seed_int(text)


def register(sub):
    p = sub.add_parser("plot",
                       help="draw a circuit, a grid tensor, a matricization or the rank-growth figure to a file",
                       formatter_class=argparse.RawDescriptionHelpFormatter,
                       description="Draw a figure to a .png, .svg or .pdf file (pip install 'convac[notebooks]' "
                                   "for matplotlib).\nEvery number in a figure is exact; colours only show it.",
                       epilog="examples:\n  convac plot circuit net.json -o circuit.svg --weights\n"
                              "  convac plot matricization net.json --partition odd-even --rank -o A.png\n"
                              "  convac plot rank-growth --M 2 --N-max 16 -o growth.png")
    kinds = p.add_subparsers(dest="kind", metavar="KIND", parser_class=type(p),
                             help="circuit, tensor, matricization, rank-growth or box (convac plot KIND --help)")
    kinds.required = True

    def common(q, spec=True):
        if spec:
            q.add_argument("spec", help="spec file (JSON) or - for standard input")
        q.add_argument("-o", "--out", required=True, metavar="FILE", help="output file: .png, .svg or .pdf")
        q.add_argument("--title", default=None, help="replace the default title")
        q.add_argument("--dpi", type=int, default=150, help="resolution of a PNG, 10..600 (default 150)")

    c = kinds.add_parser("circuit", help="the circuit graph in layers, node kinds told apart",
                          description="the circuit graph in layers, node kinds told apart.",
                          epilog="example: convac plot circuit net.json -o circuit.svg --weights")
    common(c)
    c.add_argument("--weights", action="store_true", help="label edges with their weights, coloured by sign")
    c.set_defaults(func=_checked(_cmd_circuit))

    t = kinds.add_parser("tensor", help="the grid tensor as a heatmap (laid out as [A]_halves)",
                          description="the grid tensor as a heatmap (laid out as [A]_halves).",
                          epilog="example: convac plot tensor net.json -o tensor.png")
    common(t)
    t.add_argument("--output", type=int, default=0, help="output index y (default 0)")
    t.set_defaults(func=_checked(_cmd_tensor))

    m = kinds.add_parser("matricization", help="[A]_I as a heatmap with its index convention",
                          description="[A]_I as a heatmap with its index convention.",
                          epilog="example: convac plot matricization net.json --partition 0,1 --rank -o A.png")
    common(m)
    m.add_argument("--partition", default="odd-even", help="odd-even (default), halves, or row modes such as 0,3")
    m.add_argument("--output", type=int, default=0, help="output index y (default 0)")
    m.add_argument("--rank", action="store_true", help="state the certified exact rank in the title")
    m.set_defaults(func=_checked(_cmd_matricization))

    r = kinds.add_parser("rank-growth", help="deep ranks against shallow bounds over N = 2, 4, ..., N-max",
                          description="deep ranks against shallow bounds over N = 2, 4, ..., N-max.",
                          epilog="example: convac plot rank-growth --M 2 --N-max 16 -o growth.png --json")
    common(r, spec=False)
    r.add_argument("--M", type=int, default=2, help="templates (default 2)")
    r.add_argument("--N-max", dest="N_max", type=int, default=8, help="largest N, a power of 2 (default 8)")
    r.add_argument("--seed", type=_seed, default=0, help="seeds the deep nets' weights (default 0)")
    r.add_argument("--json", action="store_true", help="print the exact numbers as JSON")
    r.set_defaults(func=_checked(_cmd_rank_growth))

    b = kinds.add_parser("box", help="a 2-D slice through the open box of depth.relu_max.incomplete",
                          description="a 2-D slice through the open box of depth.relu_max.incomplete.",
                          epilog="example: convac plot box --N 4 --M 2 -o box.png --resolution 41")
    common(b, spec=False)
    b.add_argument("--N", type=int, default=4, help="number of patches, a power of 2 (default 4)")
    b.add_argument("--M", type=int, default=2, help="number of templates (default 2)")
    b.add_argument("--x", default=None, help="weight on the x axis (default w0_0_0_0)")
    b.add_argument("--y", default=None, help="weight on the y axis (default w0_1_0_0)")
    b.add_argument("--resolution", type=int, default=25, help="grid points per axis of the slice (default 25)")
    b.set_defaults(func=_checked(_cmd_box))
