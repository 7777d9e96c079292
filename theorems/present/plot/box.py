"""A slice through the open box of ``depth.relu_max.incomplete``: where the deep net equals the shallow one."""

from __future__ import annotations

import re
from fractions import Fraction

import numpy as np

from symbolic.errors import DomainError

from theorems.present.plot.base import _figure


# ----------------------------------------------------------------------------- the open box
def _box_certificate(obj) -> dict:
    cert = getattr(obj, "certificate", obj)
    if isinstance(cert, dict) and cert.get("kind") == "all":  # depth.relu_max.incomplete: [witness, box]
        cert = next((p for p in cert.get("parts", []) if isinstance(p, dict) and p.get("kind") == "box_identity"), None)
    if not isinstance(cert, dict) or cert.get("kind") != "box_identity":
        raise DomainError("expected a verdict of depth.relu_max.incomplete or its box_identity certificate")
    return cert


def substitute(spec, values: dict):
    """The spec with its weight symbols replaced by exact values (``{name: number}``).

    Leaves may be symbols or expressions in them (as in the shallow spec of the box
    certificate); each must become a rational number.

    >>> from symbolic.spec.network import shallow
    >>> s = substitute(shallow(N=2, M=2, Z=1, weights="symbolic"), {"a_0_0_0": 1, "a_0_0_1": 2, "a_0_1_0": 3,
    ...                                                            "a_0_1_1": "1/2", "o_0_0": -1})
    >>> s.hidden, s.output
    ((((1, 2), (3, Fraction(1, 2))),), ((-1,),))
    """
    import sympy

    from symbolic.numbers import to_json_number
    from symbolic.spec.network import load_spec

    from symbolic.kernel.parse import parse_rational

    point = {}
    for k, v in values.items():  # exact values only; strings are parsed by the whitelist, never by sympy
        q = parse_rational(Fraction(int(v.p), int(v.q)) if getattr(v, "is_Rational", False) else v,
                           field=f"values[{k!r}]")
        point[sympy.Symbol(k)] = sympy.Rational(q.numerator, q.denominator)

    def sub(x):
        if isinstance(x, tuple):
            return [sub(y) for y in x]
        v = sympy.sympify(x, strict=True).xreplace(point)
        if not v.is_Rational:
            raise DomainError(f"values: the weight {x} does not become a number (missing "
                              f"{sorted(map(str, v.free_symbols))})")
        return to_json_number(Fraction(int(v.p), int(v.q)))

    d = spec.to_dict()
    d["weights"] = ({"hidden": sub(spec.hidden), "output": sub(spec.output)} if spec.architecture == "shallow"
                    else {"layers": [sub(l) for l in spec.layers], "output": sub(spec.output)})
    for k in ("Z", "widths", "Y"):
        d.pop(k, None)
    return load_spec(d)


def validate_box_cost(N: int, M: int, resolution: int = 25, widths=None) -> None:
    """Refuse, before any work, a box slice that would not fit: each of its resolution^2 points computes a
    deep ReLU/max grid tensor and its exact rank (:mod:`symbolic.cost`), and all of them together count
    against ``--max-entries``.

    >>> validate_box_cost(64, 2)
    Traceback (most recent call last):
    ...
    symbolic.errors.TooLarge: N=64, M=2: the grid tensor has about 1.8 x 10^19 entries (a 4,294,967,296 x 4,294,967,296
    matrix; about 2.2 ZiB with the exact engine); the limit is 16,777,216 entries (--max-entries)
    >>> validate_box_cost(16, 2)
    Traceback (most recent call last):
    ...
    symbolic.errors.TooLarge: N=16, M=2, --resolution 25: the slice computes 625 grid tensors of 65,536 entries
    (40,960,000 in all); the limit is 16,777,216 entries (--max-entries; or a lower --resolution)
    """
    from symbolic.cost import format_count, rank_cost
    from symbolic.limits import limits
    from symbolic.errors import TooLarge

    L = max(1, (N - 1).bit_length())
    widths = tuple(widths) if widths is not None else (M,) * L
    rank_cost(N=N, M=M, rows=N // 2, widths=widths, window=2, activation="relu", pooling="max", weight_bits=2).check()
    total = resolution**2 * M**N
    lim = limits().max_entries
    if total > lim:
        raise TooLarge(f"N={N}, M={M}, --resolution {resolution}: the slice computes "
                       f"{resolution ** 2:,} grid tensors of "
                       f"{M ** N:,} entries ({format_count(total)} in all); the limit is {lim:,} entries "
                       "(--max-entries; or a lower --resolution)")


def box_slice_data(obj, x: str | None = None, y: str | None = None, *, resolution: int = 25,
                   span=(Fraction(-3), Fraction(3))) -> dict:
    """Exact ranks on a 2-D slice through the open box of ``depth.relu_max.incomplete``.

    Two weights ``x`` and ``y`` (default: the first weight of positions 0 and 1 of layer 0)
    run over ``resolution`` exact points of ``span``; every other weight sits at the centre
    of its interval. At each point: the certified exact rank of [A]_odd-even and whether A
    depends on d_0 only (then a shallow net with Z = 2 realizes it, as the certificate shows
    for the whole box).
    """
    from symbolic.tensor.decompositions import grid_tensor
    from symbolic.rank.matricization import matricize
    from symbolic.rank.exact import exact_rank
    from symbolic.spec.network import load_spec

    cert = _box_certificate(obj)
    from symbolic.kernel.parse import parse_rational

    box = {k: (parse_rational(a, field=f"box[{k!r}]"), parse_rational(b, field=f"box[{k!r}]"))
           for k, (a, b) in cert["box"].items()}
    spec = load_spec(cert["left"]["spec"])
    names = list(box)
    x = x or next(n for n in names if n.startswith("w0_0_"))
    y = y or next(n for n in names if n.startswith("w0_1_"))
    for name, what in ((x, "x"), (y, "y")):
        if name not in box:
            raise DomainError(f"{what}={name!r} is not a weight of the box; allowed: {', '.join(names)}")
    if isinstance(resolution, bool) or not isinstance(resolution, int) or not 2 <= resolution <= 201:
        raise DomainError(f"resolution={resolution!r}: expected an int in 2..201")
    validate_box_cost(spec.N, spec.M, resolution, spec.widths)
    lo, hi = Fraction(span[0]), Fraction(span[1])
    grid = [lo + (hi - lo) * Fraction(i, resolution - 1) for i in range(resolution)]
    centre = {k: (a + b) / 2 for k, (a, b) in box.items()}
    ranks, d0_only = [], []
    for yv in grid:
        rrow, drow = [], []
        for xv in grid:
            vals = dict(centre, **{x: xv, y: yv})
            A = grid_tensor(substitute(spec, vals))
            rrow.append(exact_rank(matricize(A, "odd-even").matrix).rank)
            drow.append(all(A[idx] == A[(idx[0],) + (0,) * (A.order - 1)] for idx in A.indices()))
        ranks.append(rrow)
        d0_only.append(drow)
    return {"x": x, "y": y, "grid": grid, "ranks": ranks, "d0_only": d0_only, "box": box,
            "N": spec.N, "M": spec.M, "widths": spec.widths}


def plot_box_slice(obj, x: str | None = None, y: str | None = None, *, resolution: int = 25, data=None,
                   ax=None, title: str | None = None):
    """Draw a slice of the open box of ``depth.relu_max.incomplete`` (see :func:`box_slice_data`).

    Colour: the exact rank of [A]_odd-even at each point; hatched: A depends on d_0 only;
    dashed rectangle: the certificate's box in these two weights.
    """
    d = data or box_slice_data(obj, x, y, resolution=resolution)
    fig, ax = _figure((7.2, 7.6), ax)
    from matplotlib.collections import PatchCollection
    from matplotlib.colors import BoundaryNorm, ListedColormap
    from matplotlib.patches import Patch, Rectangle

    g = [float(v) for v in d["grid"]]
    step = g[1] - g[0]
    ranks = np.array(d["ranks"])
    values = sorted(set(ranks.flat))
    palette = ["#f7f7f7", "#9ecae1", "#3182bd", "#08306b", "#fdae6b", "#e6550d", "#a63603", "#54278f"]
    cmap = ListedColormap([palette[v % len(palette)] for v in range(max(values) + 1)])
    norm = BoundaryNorm([v - 0.5 for v in range(max(values) + 2)], cmap.N)
    edges = [g[0] - step / 2 + step * i for i in range(len(g) + 1)]
    ax.pcolormesh(edges, edges, ranks, cmap=cmap, norm=norm, shading="flat")
    cells = [Rectangle((g[i] - step / 2, g[j] - step / 2), step, step)
             for j, row in enumerate(d["d0_only"]) for i, flag in enumerate(row) if flag]
    ax.add_collection(PatchCollection(cells, facecolor="none", edgecolor="black", linewidth=0, hatch="///"))
    (xl, xh), (yl, yh) = d["box"][d["x"]], d["box"][d["y"]]
    ax.add_patch(Rectangle((float(xl), float(yl)), float(xh - xl), float(yh - yl), fill=False, ec="black",
                           lw=2.5, ls="--"))
    handles = [Patch(fc=cmap(norm(v)), ec="gray", label=f"rank [A]_odd-even = {v}") for v in values]
    handles += [Patch(fc="white", ec="black", hatch="///", label="A depends on d0 only: shallow Z = 2 realizes it"),
                Patch(fc="none", ec="black", ls="--", lw=2, label="the open box B of the certificate")]
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=2, fontsize=9, frameon=False)
    what = lambda n: "(layer {}, position {}, channel {}, input {})".format(*re.findall(r"\d+", n))  # noqa: E731
    ax.set_xlabel(f"weight {d['x']} {what(d['x'])}")
    ax.set_ylabel(f"weight {d['y']} {what(d['y'])}")
    ax.set_xlim(edges[0], edges[-1])
    ax.set_ylim(edges[0], edges[-1])
    ax.set_aspect("equal")
    ax.set_title(title
                 or (f"deep ReLU/max, N={d['N']}, M={d['M']}, widths={list(d['widths'])}: a slice through the box\n"
                           "other weights at the box centre; every rank exact"), fontsize=11)
    return fig
