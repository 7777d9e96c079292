"""Pictures and notebook renderings: circuits, grid tensors, matricizations, rank growth, the open box.

Figures are ``matplotlib.figure.Figure`` objects (no pyplot state: a notebook shows the
figure a cell returns, once; :func:`save` writes it). Matplotlib is imported lazily, so
the rest of convac works without it; a missing matplotlib raises
:class:`~symbolic.errors.BackendUnavailable` with the install hint
``pip install 'convac[notebooks]'``.

Floats are used only to colour and place things. Every number a picture *states* (a
rank, a bound, an entry printed in a cell) is computed exactly by convac: ranks are
certified by :func:`symbolic.rank.exact_rank`, entries are Fractions.
The notebook renderers live in :mod:`theorems.render` and are re-exported here.
"""

from __future__ import annotations

import math
import os
import re
import sys
from fractions import Fraction

import networkx as nx
import numpy as np

from symbolic.errors import BackendUnavailable, DomainError, ShapeError

from .render import (Rendered, _spec_and_graph, latex_decomposition, latex_expansion,  # noqa: F401 (re-exported)
                     latex_symbol_names, show_search, show_verdict, verdicts_table)

__all__ = ["INSTALL_HINT", "Rendered", "save", "check_output_path", "check_dpi", "check_heatmap", "check_box_cost",
           "check_circuit_drawing", "draw_circuit", "plot_matricization", "plot_tensor",
           "rank_growth_data", "plot_rank_growth", "substitute", "box_slice_data", "plot_box_slice", "show_verdict",
           "verdicts_table", "show_search", "latex_expansion", "latex_decomposition", "latex_symbol_names"]

INSTALL_HINT = "pip install 'convac[notebooks]'"
#: Bounds of what a picture may cost (checked before the work, see :mod:`symbolic.cost`): the resolution of
#: a PNG, its pixels, the cells of a heatmap and the nodes and edges of a drawn circuit.
MIN_DPI, MAX_DPI = 10, 600
MAX_PIXELS = 1 << 26
MAX_HEATMAP_CELLS = 1 << 20
MAX_DRAWN_NODES, MAX_DRAWN_EDGES = 2000, 20000


# ----------------------------------------------------------------------------- matplotlib
def _matplotlib():
    try:
        import matplotlib
    except ImportError:
        raise BackendUnavailable(f"pictures need matplotlib, which is not installed: {INSTALL_HINT}") from None
    if ("matplotlib.pyplot" not in sys.modules and not os.environ.get("MPLBACKEND")
            and sys.platform.startswith("linux") and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))):
        matplotlib.use("Agg")  # no display: render to files only
    _inline_support()
    return matplotlib


_INLINE: list = []


def _inline_support():
    """In a Jupyter kernel, load the inline backend once, so that a returned Figure shows as a picture."""
    if _INLINE:
        return
    _INLINE.append(True)
    ipython = sys.modules.get("IPython")
    if ipython is None or getattr(ipython, "get_ipython", lambda: None)() is None:
        return
    import matplotlib.pyplot as plt

    backend = plt.get_backend()
    if "inline" in backend:
        plt.switch_backend(backend)  # matplotlib_inline registers its formatters for Figure


def _figure(figsize, ax=None):
    """(figure, axes): a new constrained-layout Figure, or the figure of a given axes."""
    _matplotlib()
    if ax is not None:
        return ax.figure, ax
    from matplotlib.figure import Figure

    fig = Figure(figsize=figsize, dpi=110, layout="constrained")
    return fig, fig.add_subplot()


def check_output_path(path) -> str:
    """Refuse an output file whose suffix is not png/svg/pdf or whose folder does not exist."""
    path = os.fspath(path)
    ext = os.path.splitext(path)[1].lower().lstrip(".")
    if ext not in ("png", "svg", "pdf"):
        raise DomainError(f"output file {path!r}: expected a .png, .svg or .pdf name")
    from .report import check_writable

    return check_writable(path, "-o")


def check_dpi(dpi, flag: str = "--dpi") -> int:
    """Refuse a resolution outside :data:`MIN_DPI`..:data:`MAX_DPI`.

    >>> check_dpi(100000)
    Traceback (most recent call last):
    ...
    symbolic.errors.DomainError: --dpi: expected an int in 10..600, got 100000
    """
    if isinstance(dpi, bool) or not isinstance(dpi, int) or not MIN_DPI <= dpi <= MAX_DPI:
        raise DomainError(f"{flag}: expected an int in {MIN_DPI}..{MAX_DPI}, got {dpi!r}")
    return dpi


def save(fig, path, *, dpi: int = 150) -> str:
    """Write a figure to ``path`` (format from the suffix: png, svg or pdf); returns the path.
    The resolution and the pixels are bounded (:data:`MAX_DPI`, :data:`MAX_PIXELS`) before rendering."""
    from symbolic.errors import TooLarge

    path = check_output_path(path)
    check_dpi(dpi)
    w, h = fig.get_size_inches()
    px = int(w * dpi) * int(h * dpi)
    if px > MAX_PIXELS:
        raise TooLarge(f"-o {path}: a {w:.0f} x {h:.0f} inch figure at {dpi} dpi has {int(w * dpi):,} x {int(h * dpi):,} "
                       f"pixels; the limit is {MAX_PIXELS:,} pixels (lower --dpi)")
    fig.savefig(path, dpi=dpi)
    return path


def check_heatmap(cells: int, where: str) -> None:
    """Refuse a heatmap of more than :data:`MAX_HEATMAP_CELLS` cells (before its tensor is computed)."""
    from symbolic.errors import TooLarge

    if cells > MAX_HEATMAP_CELLS:
        from symbolic.cost import format_count

        raise TooLarge(f"{where}: a heatmap of {format_count(cells)} cells; the limit is {MAX_HEATMAP_CELLS:,} cells "
                       "(one per grid-tensor entry)")


def check_circuit_drawing(spec=None, G=None) -> None:
    """Refuse a circuit drawing beyond :data:`MAX_DRAWN_NODES` nodes or :data:`MAX_DRAWN_EDGES` edges
    (from a spec's weight count, before its graph is built)."""
    from symbolic.errors import TooLarge

    if G is not None:
        n, e = G.number_of_nodes(), G.number_of_edges()
    else:
        from symbolic.cost import weights_count

        e = weights_count(spec.architecture, N=spec.N, M=spec.M, widths=spec.widths, Y=spec.Y, window=spec.window,
                          shared=spec.shared)
        if spec.shared:  # a shared weight is drawn once per position
            e = weights_count(spec.architecture, N=spec.N, M=spec.M, widths=spec.widths, Y=spec.Y,
                              window=spec.window)
        n = 0
    if n > MAX_DRAWN_NODES or e > MAX_DRAWN_EDGES:
        raise TooLarge(f"the circuit has {f'{n:,} nodes and ' if n else ''}{e:,} weighted edges; a drawing is limited "
                       f"to {MAX_DRAWN_NODES:,} nodes and {MAX_DRAWN_EDGES:,} edges")


def _exact_text(x) -> str:
    """An exact number as short text: 3, -1/2 (sympy expressions as they print)."""
    if isinstance(x, Fraction):
        return str(x.numerator) if x.denominator == 1 else f"{x.numerator}/{x.denominator}"
    return str(x)


# ----------------------------------------------------------------------------- circuits
#: How each node kind is drawn: marker, colour, legend text (``{act}``, ``{pool}`` filled in).
KIND_STYLE = {
    "input": ("s", "#7f7f7f", "input patch x_i (template index d_i)"),
    "rep": ("o", "#1f77b4", "representation f_j(x_i) = F[d_i][j]"),
    "conv": ("D", "#ff7f0e", "1x1 conv: weighted sum"),
    "act": ("^", "#d62728", "activation {act}"),
    "pool": ("v", "#2ca02c", "pooling {pool}"),
    "output": ("*", "#9467bd", "output h_y (weighted sum)"),
}


def _column_title(G, nodes):
    a = G.nodes[nodes[0]]
    kind, l = a["kind"], a.get("layer", 0)
    return {"input": "patches", "rep": "F", "conv": f"conv {l}", "act": a.get("activation", "act"),
            "pool": f"{a.get('pooling', 'pool')} {l}", "output": "output"}[kind]


def _node_label(G, v):
    a = G.nodes[v]
    kind = a["kind"]
    if kind == "input":
        return f"x{a['patch']}"
    if kind == "rep":
        return f"f{a['channel']}"
    if kind == "output":
        return f"h{a['output']}"
    return str(a["channel"])


def draw_circuit(obj, *, weights: bool = False, labels=None, ax=None, title: str | None = None):
    """Draw a network's circuit graph in layers, left to right.

    Parameters
    ----------
    obj : Spec, dict, JSON path, or the networkx DiGraph of :func:`symbolic.circuit.circuit`
    weights : bool
        Print every edge weight (exact) and colour edges by sign (blue > 0, red < 0,
        dotted grey = 0, black = symbolic).
    labels : bool, optional
        Node labels (patch, channel or output index); default on for up to 120 nodes.
    ax : matplotlib Axes, optional
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure

    Notes
    -----
    Columns are ``networkx.topological_generations`` of the DAG, placed by
    ``multipartite_layout``; within a column nodes are sorted by (position, channel), so
    position 0 is at the top. Node kinds differ by marker and colour (see the legend).
    """
    from symbolic.spec import Spec

    if isinstance(obj, Spec):
        check_circuit_drawing(obj)
    spec, G = _spec_and_graph(obj)
    check_circuit_drawing(G=G)
    gens = [sorted(g, key=lambda v: (G.nodes[v].get("position", 0), G.nodes[v].get("channel", 0)))
            for g in nx.topological_generations(G)]
    pos = nx.multipartite_layout(G, subset_key={i: g for i, g in enumerate(gens)}, scale=1)
    tallest = max(len(g) for g in gens)
    xscale, yscale = 1.4 * len(gens), 0.42 * max(tallest, 6)
    pos = {v: (float(x) * xscale, -float(y) * yscale) for v, (x, y) in pos.items()}
    fig, ax = _figure((max(8.0, 1.15 * len(gens) + 1.5), max(4.5, 0.36 * tallest + 2.5)), ax)
    act = spec.activation.spec_name if spec is not None else "sigma"
    pool = spec.pooling.name if spec is not None else "P"
    kinds = {G.nodes[v]["kind"] for v in G}
    # edges: plain, or coloured by the sign of their weight
    if weights:
        groups = {"pos": [], "neg": [], "zero": [], "sym": [], "none": []}
        for u, v, d in G.edges(data=True):
            w = d.get("weight")
            key = ("none" if w is None else "sym" if getattr(w, "free_symbols", None)
                   else "pos" if w > 0 else "neg" if w < 0 else "zero")
            groups[key].append((u, v))
        styles = {"pos": ("#1f77b4", "solid"), "neg": ("#d62728", "solid"), "zero": ("#bbbbbb", "dotted"),
                  "sym": ("#333333", "solid"), "none": ("#999999", "solid")}
        for key, edges in groups.items():
            if edges:
                col, ls = styles[key]
                nx.draw_networkx_edges(G, pos, edgelist=edges, ax=ax, edge_color=col, style=ls, width=1.1,
                                       arrows=True, arrowsize=8, node_size=340, alpha=0.85)
        # straight edges labelled at their middle, slanted ones near their source: crossing labels stay apart
        for straight, at in ((True, 0.5), (False, 0.27)):
            elabels = {(u, v): _exact_text(d["weight"]) for u, v, d in G.edges(data=True)
                       if "weight" in d and (abs(pos[u][1] - pos[v][1]) < 1e-9) == straight}
            nx.draw_networkx_edge_labels(G, pos, edge_labels=elabels, ax=ax, font_size=8, label_pos=at, rotate=False,
                                         bbox=dict(boxstyle="round,pad=0.1", fc="white", ec="none", alpha=0.85))
    else:
        nx.draw_networkx_edges(G, pos, ax=ax, edge_color="#999999", width=0.9, arrows=True, arrowsize=8,
                               node_size=340, alpha=0.8)
    from matplotlib.lines import Line2D

    handles = []
    for kind, (marker, colour, text) in KIND_STYLE.items():
        if kind not in kinds:
            continue
        nodes = [v for v in G if G.nodes[v]["kind"] == kind]
        size = 700 if marker == "*" else 340
        nx.draw_networkx_nodes(G, pos, nodelist=nodes, ax=ax, node_shape=marker, node_color=colour,
                               node_size=size, edgecolors="black", linewidths=0.6)
        handles.append(Line2D([], [], ls="", marker=marker, markersize=10, markerfacecolor=colour,
                              markeredgecolor="black", label=text.format(act=act, pool=pool)))
    if weights:
        names = {"pos": "weight > 0", "neg": "weight < 0", "zero": "weight = 0", "sym": "symbolic weight"}
        handles += [Line2D([], [], color=styles[k][0], ls=styles[k][1], label=text)
                    for k, text in names.items() if groups[k]]
    if labels if labels is not None else G.number_of_nodes() <= 120:
        nx.draw_networkx_labels(G, pos, labels={v: _node_label(G, v) for v in G}, ax=ax, font_size=8,
                                font_color="white", font_weight="bold")
    top = max(y for _, y in pos.values())
    for g in gens:
        x = pos[g[0]][0]
        ax.text(x, top + 0.09 * yscale + 0.25, _column_title(G, g), ha="center", va="bottom", fontsize=10, color="#333333")
    ax.set_ylim(min(y for _, y in pos.values()) - 0.5, top + 0.09 * yscale + 0.9)
    ax.set_axis_off()
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, 0.0), ncol=3, fontsize=9, frameon=False)
    if title is None and spec is not None:
        shape = f"Z={spec.Z}" if spec.architecture == "shallow" else f"widths={list(spec.widths)}, window={spec.window}"
        title = (f"{spec.architecture} {spec.operator.name} network: N={spec.N} patches, M={spec.M} templates, {shape}"
                 + ("\n(edge labels: weights)" if weights else ""))
    ax.set_title(title or "circuit", fontsize=12)
    return fig


# ----------------------------------------------------------------------------- heatmaps
def _exact_matrix(m):
    """Exact values (Fractions, or residues) of a Matricization's matrix."""
    if any(getattr(x, "free_symbols", None) for x in m.matrix.flat):
        raise DomainError("a heatmap needs numeric entries; this tensor has symbolic ones (substitute weights first, "
                          "or use the exact engine on a spec with numbers)")
    if m.modulus is not None:
        return [[int(x) for x in row] for row in m.matrix]
    return [[Fraction(int(x), m.denominator) if not isinstance(x, Fraction) else x / m.denominator for x in row]
            for row in m.matrix]


def _modes(modes) -> str:
    return "(" + ", ".join(map(str, modes)) + ")"


def _tick_step(n: int, most: int = 32) -> int:
    return max(1, math.ceil(n / most))


def plot_matricization(obj, partition="odd-even", *, output: int = 0, rank: bool = False, annotate=None,
                       ax=None, title: str | None = None, cmap: str | None = None):
    """A matricization [A]_I as a heatmap, its index convention on the axes.

    Parameters
    ----------
    obj : GridTensor, Matricization, or a spec (its grid tensor ``output`` is computed exactly)
    partition : str or sequence of int
        The row modes I (anything :func:`symbolic.matricize.parse_partition` accepts);
        ignored for a Matricization.
    rank : bool
        Compute the certified exact rank and state it in the title.
    annotate : bool, optional
        Print the exact entries in the cells (default: when they fit, up to 16 x 16).
    cmap : str, optional
        Default: ``RdBu_r`` centred at 0 when entries have both signs, else ``viridis``.

    Returns
    -------
    matplotlib.figure.Figure

    Notes
    -----
    Row r is the tuple (d_i for i in I) with r its row-major rank (first row mode slowest),
    column c likewise for the other modes: the convention of :mod:`symbolic.matricize`. Tick
    labels are those tuples; colours are floats of the exact entries, for the eye only.
    """
    from symbolic.matricize import Matricization, matricize
    from symbolic.tensor import GridTensor

    if isinstance(obj, Matricization):
        m = obj
    else:
        if not isinstance(obj, GridTensor):
            from symbolic.decompositions import grid_tensor
            from symbolic.spec import load_spec

            spec = load_spec(obj)
            check_heatmap(spec.M ** spec.N, f"N={spec.N}, M={spec.M}")
            obj = grid_tensor(spec, output=output)
        if obj.order < 2:
            raise ShapeError(f"a matricization needs a tensor of order >= 2; this one has order {obj.order}")
        check_heatmap(obj.size, f"shape {obj.shape}")
        m = matricize(obj, partition)
    values = _exact_matrix(m)
    nr, nc = m.matrix.shape
    if annotate is None:  # print exact entries when they fit in their cells
        annotate = nr * nc <= 256 and max(len(_exact_text(x)) for row in values for x in row) <= (7 if nc <= 8 else 4)
    data = np.array([[float(x) for x in row] for row in values])
    fig, ax = _figure((min(12.0, max(5.5, 0.42 * nc + 3.0)), min(11.0, max(4.5, 0.36 * nr + 2.2))), ax)
    lo, hi = float(data.min()), float(data.max())
    if m.modulus is None and lo < 0 < hi:  # both signs: a diverging map centred at 0
        cmap, vmax = cmap or "RdBu_r", max(-lo, hi)
        lo, hi = -vmax, vmax
    else:  # one sign (or residues): a sequential map over the range
        cmap = cmap or "viridis"
        lo, hi = (lo, hi) if hi > lo else (lo - 1, hi + 1)
    im = ax.imshow(data, cmap=cmap, aspect="auto", interpolation="nearest", vmin=lo, vmax=hi)
    cb = fig.colorbar(im, ax=ax, shrink=0.85)
    cb.set_label("entry (residue mod p)" if m.modulus is not None else
                 "entry value (colour only; exact values in cells)" if annotate else "entry value (colour)")
    rs, cs = _tick_step(nr), _tick_step(nc)
    tup = lambda t: str(t[0]) if len(t) == 1 else str(t)  # noqa: E731
    ax.set_yticks(range(0, nr, rs), [tup(m.row_index(r)) for r in range(0, nr, rs)], fontsize=8 if nr > 8 else 10)
    ax.set_xticks(range(0, nc, cs), [tup(m.col_index(c)) for c in range(0, nc, cs)], fontsize=8 if nc > 8 else 10,
                  rotation=90 if len(m.cols) > 1 and nc > 4 else 0)
    sub = lambda modes: f"d{modes[0]}" if len(modes) == 1 else "(" + ", ".join(f"d{i}" for i in modes) + ")"  # noqa: E731
    ax.set_ylabel(f"rows: modes I = {_modes(m.rows)} as {sub(m.rows)}, row-major")
    ax.set_xlabel(f"columns: modes J = {_modes(m.cols)} as {sub(m.cols)}, row-major")
    if annotate:
        for r in range(nr):
            for c in range(nc):
                red, green, blue, _ = im.cmap(im.norm(data[r, c]))
                dark = 0.299 * red + 0.587 * green + 0.114 * blue < 0.5
                ax.text(c, r, _exact_text(values[r][c]), ha="center", va="center", fontsize=11 if max(nr, nc) <= 4 else 9 if max(nr, nc) <= 8 else 7,
                        color="white" if dark else "black")
    if title is None:
        name = next((n for n in ("odd-even", "halves") if partition == n), None) if m is not obj else None
        title = (f"{name} matricization " if name else "matricization ") + (
            rf"$[\mathcal{{A}}]_I$, I = {_modes(m.rows)}: a {nr} x {nc} matrix")
        if m.modulus is not None:
            title += f" (residues mod {m.modulus})"
    if rank:
        from symbolic.rank import exact_rank

        r = exact_rank(m.matrix if m.modulus is None else m, seed=0)
        title += f"\nrank {r.rank} ({'exact, certified' if r.exact else f'certified lower bound; <= {r.upper}'})"
    ax.set_title(title, fontsize=11)
    return fig


def plot_tensor(obj, *, output: int = 0, ax=None, title: str | None = None, **kwargs):
    """A grid tensor laid out as [A]_halves (rows d_0..d_{N/2-1}, row-major: the plain reshape).

    ``obj`` is a GridTensor or a spec; other keywords go to :func:`plot_matricization`.
    """
    from symbolic.tensor import GridTensor

    if not isinstance(obj, GridTensor):
        from symbolic.decompositions import grid_tensor
        from symbolic.spec import load_spec

        spec = load_spec(obj)
        check_heatmap(spec.M ** spec.N, f"N={spec.N}, M={spec.M}")
        obj = grid_tensor(spec, output=output)
    if obj.order == 1:
        obj = GridTensor((1,) + obj.shape, obj.data.reshape((1,) + obj.shape), obj.denominator, obj.modulus)
        partition = [0]
        default = f"grid tensor A[d0] (a vector of {obj.size} entries)"
    else:
        partition = "halves"
        n = obj.order
        idx = "d0, d1" if n == 2 else f"d0, ..., d{n - 1}"
        default = f"grid tensor A[{idx}], shape {obj.shape},\nas [A]_halves (the row-major reshape)"
    return plot_matricization(obj, partition, ax=ax, title=title or default, **kwargs)


# ----------------------------------------------------------------------------- rank growth
def _powers_of_two(N_max):
    if isinstance(N_max, bool) or not isinstance(N_max, int) or N_max < 2 or N_max & (N_max - 1):
        raise DomainError(f"N_max={N_max!r}: expected a power of 2, at least 2")
    return [2**k for k in range(1, N_max.bit_length())]


def rank_growth_data(*, M: int = 2, N_max: int = 8, seed: int = 0, random_seeds: int = 3) -> list:
    """Certified exact ranks of [A]_odd-even for deep nets, and the shallow widths they force.

    For each N = 2, 4, ..., N_max (window 2, widths M): a deep ConvAC at random weights in
    [-10^6, 10^6] with a random invertible F; the deep ReLU/max construction
    (:func:`theorems.depth_efficiency.relu_max_witness_spec`); deep ReLU/max nets at
    ``random_seeds`` random weights. ``convac_Z`` = the ConvAC rank (a shallow ConvAC with Z
    channels has rank <= Z); ``relu_max_Z`` = 2 rank / (MN) (each shallow ReLU/max term has
    rank <= MN/2). Every rank is exact and certified (``exact`` says so).

    >>> [(r["N"], r["convac"], r["relu_max"], r["relu_max_Z"]) for r in rank_growth_data(M=2, N_max=4)]
    [(2, 2, 2, Fraction(1, 1)), (4, 4, 4, Fraction(1, 1))]
    """
    from symbolic.spec import deep

    from .common import random_invertible_F
    from .depth_efficiency import rank_witness, relu_max_witness_spec

    if isinstance(M, bool) or not isinstance(M, int) or M < 2:
        raise DomainError(f"M={M!r}: expected an int >= 2")
    Ns = _powers_of_two(N_max)
    if M**N_max > 1 << 20:
        raise DomainError(f"N_max={N_max}, M={M}: the grid tensor would have {M ** N_max:,} entries; "
                          "keep M^N_max <= 2^20 (e.g. N_max=16 for M=2, 8 for M=3 or 4)")
    rows = []
    for N in Ns:
        conv = deep(N=N, M=M, seed=seed, low=-10**6, high=10**6, F=random_invertible_F(M, seed))
        rc, _ = rank_witness(conv, exact=True, seed=seed)
        rm, _ = rank_witness(relu_max_witness_spec(N, M, M), exact=True, seed=seed)
        rand = [rank_witness(deep(N=N, M=M, activation="relu", pooling="max", seed=seed + s, low=-10**6, high=10**6),
                             exact=True, seed=seed)[0] for s in range(random_seeds)]
        rows.append({"N": N, "M": M, "target": M ** (N // 2), "convac": rc.rank, "relu_max": rm.rank,
                     "relu_max_random": [r.rank for r in rand], "convac_Z": rc.rank,
                     "relu_max_Z": Fraction(2 * rm.rank, M * N), "term_bound": M * N // 2,
                     "exact": rc.exact and rm.exact and all(r.exact for r in rand)})
    return rows


def plot_rank_growth(data=None, *, M: int = 2, N_max: int = 8, seed: int = 0, title: str | None = None):
    """The rank gap over N: deep ranks (exponential) against what shallow nets of width Z reach.

    Left: certified ranks of [A]_odd-even for the deep nets of :func:`rank_growth_data`, with
    the bounds of shallow nets with Z = N channels (ConvAC: rank <= Z; ReLU/max: rank <= Z MN/2).
    Right: the smallest Z a shallow net needs to realize the deep tensor (ConvAC: Z >= rank;
    ReLU/max: Z >= 2 rank/(MN)). Both on a log scale.
    """
    data = data if data is not None else rank_growth_data(M=M, N_max=N_max, seed=seed)
    _matplotlib()
    from matplotlib.figure import Figure

    fig = Figure(figsize=(12, 5.2), dpi=110, layout="constrained")
    left, right = fig.subplots(1, 2)
    Ns = [r["N"] for r in data]
    M = data[0]["M"]
    left.plot(Ns, [r["convac"] for r in data], "o-", color="#1f77b4", lw=2, ms=8, label="deep ConvAC, random weights")
    left.plot(Ns, [r["relu_max"] for r in data], "s--", color="#d62728", lw=2, ms=7, mfc="none", mew=2,
              label="deep ReLU/max, explicit construction")
    for n, r in enumerate(data):
        left.plot([r["N"]] * len(r["relu_max_random"]), r["relu_max_random"], "x", color="#ff7f0e", ms=8, mew=2,
                  label="deep ReLU/max, random weights" if n == 0 else None)
    left.plot(Ns, Ns, ":", color="#1f77b4", lw=2, label="shallow ConvAC, Z = N: rank <= Z")
    left.plot(Ns, [N * M * N // 2 for N in Ns], ":", color="#d62728", lw=2, label="shallow ReLU/max, Z = N: rank <= Z MN/2")
    left.set_ylabel("rank [A]_odd-even (exact, certified)", fontsize=11)
    left.set_title("rank of the odd-even matricization", fontsize=12)
    right.plot(Ns, [r["convac_Z"] for r in data], "o-", color="#1f77b4", lw=2, ms=8, label="shallow ConvAC: Z >= rank")
    right.plot(Ns, [float(r["relu_max_Z"]) for r in data], "s--", color="#d62728", lw=2, ms=7, mfc="none", mew=2,
               label="shallow ReLU/max: Z >= 2 rank / (MN)")
    right.plot(Ns, Ns, ":", color="gray", lw=2, label="Z = N (polynomial size)")
    right.set_ylabel("channels Z a shallow net needs", fontsize=11)
    right.set_title("smallest shallow width realizing the deep tensor", fontsize=12)
    for ax in (left, right):
        ax.set_xscale("log", base=2)
        ax.set_yscale("log", base=2)
        ax.set_xticks(Ns, [str(N) for N in Ns])
        ax.tick_params(labelsize=10)
        ax.set_xlabel("N (number of patches; deep nets of window 2, widths M)", fontsize=11)
        ax.grid(True, which="major", alpha=0.3)
        ax.legend(fontsize=10, loc="upper left")
    fig.suptitle(title or f"Depth efficiency at M = {M}: deep ranks grow as $M^{{N/2}}$, shallow bounds polynomially",
                 fontsize=13)
    return fig


# ----------------------------------------------------------------------------- the open box
def _box_certificate(obj) -> dict:
    cert = getattr(obj, "certificate", obj)
    if not isinstance(cert, dict) or cert.get("kind") != "box_identity":
        raise DomainError("expected a verdict of depth.relu_max.incomplete or its box_identity certificate")
    return cert


def substitute(spec, values: dict):
    """The spec with its weight symbols replaced by exact values (``{name: number}``).

    Leaves may be symbols or expressions in them (as in the shallow spec of the box
    certificate); each must become a rational number.

    >>> from symbolic.spec import shallow
    >>> s = substitute(shallow(N=2, M=2, Z=1, weights="symbolic"), {"a_0_0_0": 1, "a_0_0_1": 2, "a_0_1_0": 3,
    ...                                                            "a_0_1_1": "1/2", "o_0_0": -1})
    >>> s.hidden, s.output
    ((((1, 2), (3, Fraction(1, 2))),), ((-1,),))
    """
    import sympy

    from symbolic.numbers import to_json_number
    from symbolic.spec import load_spec

    from symbolic.kernel.parse import parse_rational

    point = {}
    for k, v in values.items():  # exact values only; strings are parsed by the whitelist, never by sympy
        q = parse_rational(Fraction(int(v.p), int(v.q)) if getattr(v, "is_Rational", False) else v, field=f"values[{k!r}]")
        point[sympy.Symbol(k)] = sympy.Rational(q.numerator, q.denominator)

    def sub(x):
        if isinstance(x, tuple):
            return [sub(y) for y in x]
        v = sympy.sympify(x, strict=True).xreplace(point)
        if not v.is_Rational:
            raise DomainError(f"values: the weight {x} does not become a number (missing {sorted(map(str, v.free_symbols))})")
        return to_json_number(Fraction(int(v.p), int(v.q)))

    d = spec.to_dict()
    d["weights"] = ({"hidden": sub(spec.hidden), "output": sub(spec.output)} if spec.architecture == "shallow"
                    else {"layers": [sub(l) for l in spec.layers], "output": sub(spec.output)})
    for k in ("Z", "widths", "Y"):
        d.pop(k, None)
    return load_spec(d)


def check_box_cost(N: int, M: int, resolution: int = 25, widths=None) -> None:
    """Refuse, before any work, a box slice that would not fit: each of its resolution^2 points computes a
    deep ReLU/max grid tensor and its exact rank (:mod:`symbolic.cost`), and all of them together count
    against ``--max-entries``.

    >>> check_box_cost(64, 2)
    Traceback (most recent call last):
    ...
    symbolic.errors.TooLarge: N=64, M=2: the grid tensor has about 1.8 x 10^19 entries (a 4,294,967,296 x 4,294,967,296 matrix; about 2.2 ZiB with the exact engine); the limit is 16,777,216 entries (--max-entries)
    >>> check_box_cost(16, 2)
    Traceback (most recent call last):
    ...
    symbolic.errors.TooLarge: N=16, M=2, --resolution 25: the slice computes 625 grid tensors of 65,536 entries (40,960,000 in all); the limit is 16,777,216 entries (--max-entries; or a lower --resolution)
    """
    from symbolic.cost import format_count, limits, rank_cost
    from symbolic.errors import TooLarge

    L = max(1, (N - 1).bit_length())
    widths = tuple(widths) if widths is not None else (M,) * L
    rank_cost(N=N, M=M, rows=N // 2, widths=widths, window=2, activation="relu", pooling="max", weight_bits=2).check()
    total = resolution**2 * M**N
    lim = limits().max_entries
    if total > lim:
        raise TooLarge(f"N={N}, M={M}, --resolution {resolution}: the slice computes {resolution ** 2:,} grid tensors of "
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
    from symbolic.decompositions import grid_tensor
    from symbolic.matricize import matricize
    from symbolic.rank import exact_rank
    from symbolic.spec import load_spec

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
    check_box_cost(spec.N, spec.M, resolution, spec.widths)
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
    ax.set_title(title or (f"deep ReLU/max, N={d['N']}, M={d['M']}, widths={list(d['widths'])}: a slice through the box\n"
                           "other weights at the box centre; every rank exact"), fontsize=11)
    return fig
