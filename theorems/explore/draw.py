"""Cheap pictures for the explorer: hand-written SVG from the exact data, no matplotlib figure.

The explorer redraws on every change, so its pictures must cost milliseconds, not the seconds a
matplotlib figure with constrained layout, tick labels and 700 arrow patches costs at N=8, M=3
(profiled: 1.5 s per heatmap, 2.7 s per circuit). Here

* a heatmap is one small PNG with one pixel per matrix cell (PIL, colours from a matplotlib
  colormap applied to a numpy array), scaled up without smoothing inside an SVG that carries the
  title, the axis conventions, the tick labels (the index tuples), the exact entries in the cells
  when they fit, and the exact extreme values on the colour bar;
* a circuit is SVG lines, shapes and labels, laid out as :func:`theorems.present.plot.draw_circuit`
  lays it out (columns = the topological generations of the circuit graph, nodes sorted by
  position then channel, position 0 at the top), with the exact weights printed on small nets.

Colours and coordinates are floats, for the eye only; every number printed is an exact value of
the library (an entry, a weight, an index). The result is SVG text; :func:`img_tag` makes an
``<img>`` of it (a data URI, so that nothing in it runs or is fetched).

>>> svg = heatmap_svg([[1, -2], [0, 3]], rows=(0,), cols=(1,), row_labels=["0", "1"], col_labels=["0", "1"],
...                   title="[A]_I")
>>> svg.startswith("<svg") and ">-2<" in svg and ">3<" in svg
True
"""

from __future__ import annotations

import base64
import html
import io
from fractions import Fraction

from symbolic.tensor.circuit_graph import node_label

__all__ = ["heatmap_svg", "matricization_svg", "tensor_svg", "circuit_svg", "img_tag", "exact_text"]

#: Cells get their exact entry printed up to this many cells (as the matplotlib heatmap).
ANNOTATE_CELLS = 256
_FONT = "font-family='DejaVu Sans, Arial, sans-serif'"


def exact_text(x) -> str:
    """An exact number as short text: 3, -1/2 (sympy expressions as they print)."""
    if isinstance(x, Fraction):
        return str(x.numerator) if x.denominator == 1 else f"{x.numerator}/{x.denominator}"
    return str(x)


def _e(x) -> str:
    return html.escape(str(x), quote=True)


def img_tag(svg: str, max_width: int = 560) -> str:
    """An ``<img>`` showing SVG text (a base64 data URI)."""
    data = base64.b64encode(svg.encode()).decode()
    return f"<img src='data:image/svg+xml;base64,{data}' style='max-width:{max_width}px'/>"


def _png_of_rgba(rgba) -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.fromarray(rgba, "RGBA").save(buf, format="PNG", compress_level=1)
    return buf.getvalue()


def _exact(x: int, den: int):
    return x if den == 1 else Fraction(x, den)


def _colours(values, modular: bool, den: int):
    """(RGBA uint8 array, lo text, hi text, diverging, colormap): colours of the exact values
    ``values[r][c] / den`` (ints over one positive denominator), floats for pixels only. Each int is
    divided by the largest magnitude first (Python's correctly rounded int division), so that no
    entry overflows a float, however large."""
    import numpy as np
    from matplotlib import colormaps

    flat = [x for row in values for x in row]
    lo, hi = min(flat), max(flat)
    big = max(abs(lo), abs(hi)) or 1
    scaled = np.array([[x / big for x in row] for row in values], dtype=float)
    diverging = not modular and lo < 0 < hi
    if diverging:  # centred at 0, as plot_matricization
        norm = (scaled + 1.0) / 2.0
        cmap = colormaps["RdBu_r"]
        lo_t, hi_t = exact_text(_exact(-big, den)), exact_text(_exact(big, den))
    else:
        a, b = lo / big, hi / big
        norm = (scaled - a) / (b - a) if b > a else np.full_like(scaled, 0.5)
        cmap = colormaps["viridis"]
        lo_t, hi_t = exact_text(_exact(lo, den)), exact_text(_exact(hi, den))
    rgba = (cmap(norm) * 255).round().astype("uint8")
    return rgba, lo_t, hi_t, diverging, cmap


def heatmap_svg(values, *, rows, cols, row_labels, col_labels, title: str, annotate=None, modular: bool = False,
                denominator: int = 1, width: int = 520) -> str:
    """A heatmap of an exact matrix as SVG text.

    Parameters
    ----------
    values : list of lists of int or Fraction
        The exact entries are ``values[r][c] / denominator`` (residues when ``modular``).
    rows, cols : tuple of int
        The row and column modes (for the axis conventions).
    row_labels, col_labels : list of str
        The index tuple of each row and column.
    title : str
    annotate : bool, optional
        Print the exact entries in the cells (default: up to :data:`ANNOTATE_CELLS` cells, when short).
    modular : bool
        The entries are residues mod p (a sequential colour map).
    denominator : int
        A positive common denominator of the entries (the grid tensor's).
    width : int
        Width of the picture in px (the height follows the matrix's shape).

    Returns
    -------
    str
        SVG text; colours are floats of the exact entries, for the eye only.
    """
    import math

    nr, nc = len(values), len(values[0])
    if any(isinstance(x, Fraction) for row in values for x in row):  # one denominator, integer numerators
        den = math.lcm(*(Fraction(x).denominator for row in values for x in row))
        values = [[int(Fraction(x) * den) for x in row] for row in values]
        denominator *= den
    texts = None
    if annotate is None or annotate:
        texts = [[exact_text(_exact(x, denominator)) for x in row] for row in values] if nr * nc <= 4096 else None
    if annotate is None:
        annotate = texts is not None and nr * nc <= ANNOTATE_CELLS and \
            max(len(t) for row in texts for t in row) <= (7 if nc <= 8 else 4)
    annotate = bool(annotate) and texts is not None
    rgba, lo_t, hi_t, diverging, cmap = _colours(values, modular, denominator)
    left, top, bottom = 92, 44, 70
    right = 40 + 6 * max(len(lo_t), len(hi_t), 12)
    cell = max(3.0, min(48.0, (width - left - right) / nc))
    pw, ph = cell * nc, max(3.0, min(48.0, cell)) * nr
    if ph > 560:
        ph = 560.0
    ch = ph / nr
    W, H = left + pw + right, top + ph + bottom
    png = base64.b64encode(_png_of_rgba(rgba)).decode()
    out = [f"<svg xmlns='http://www.w3.org/2000/svg' xmlns:xlink='http://www.w3.org/1999/xlink' width='{W:.0f}' "
           f"height='{H:.0f}' viewBox='0 0 {W:.1f} {H:.1f}' {_FONT} font-size='10'>",
           "<rect width='100%' height='100%' fill='white'/>",
           f"<text x='{W / 2:.1f}' y='16' text-anchor='middle' font-size='12'>{_e(title)}</text>",
           f"<image x='{left}' y='{top}' width='{pw:.1f}' height='{ph:.1f}' preserveAspectRatio='none' "
           f"style='image-rendering:pixelated;image-rendering:crisp-edges' xlink:href='data:image/png;base64,{png}' "
           f"href='data:image/png;base64,{png}'/>",
           f"<rect x='{left}' y='{top}' width='{pw:.1f}' height='{ph:.1f}' fill='none' stroke='#333' "
           f"stroke-width='0.6'/>"]
    # tick labels: at most 32 per axis
    rs, cs = -(-nr // 32), -(-nc // 32)
    fs_r, fs_c = (9 if ch >= 9 else 7), (9 if cell >= 9 else 7)
    for r in range(0, nr, rs):
        out.append(f"<text x='{left - 3}' y='{top + (r + 0.5) * ch + 3:.1f}' text-anchor='end' "
                   f"font-size='{fs_r}'>{_e(row_labels[r])}</text>")
    for c in range(0, nc, cs):
        x, y = left + (c + 0.5) * cell, top + ph + 4
        out.append(f"<text x='{x:.1f}' y='{y:.1f}' text-anchor='end' font-size='{fs_c}' "
                   f"transform='rotate(-90 {x:.1f} {y:.1f})' dy='3'>{_e(col_labels[c])}</text>")
    sub = lambda modes: f"d{modes[0]}" if len(modes) == 1 else "(" + ", ".join(f"d{i}" for i in modes) + ")"  # noqa: E731
    mo = lambda modes: "(" + ", ".join(map(str, modes)) + ")"  # noqa: E731
    out.append(f"<text x='12' y='{top + ph / 2:.1f}' text-anchor='middle' transform='rotate(-90 12 {top + ph / 2:.1f})'"
               f">rows: modes I = {_e(mo(rows))} as {_e(sub(rows))}, row-major</text>")
    out.append(f"<text x='{left + pw / 2:.1f}' y='{H - 6:.1f}' text-anchor='middle'>columns: modes J = "
               f"{_e(mo(cols))} as {_e(sub(cols))}, row-major</text>")
    if annotate and texts is not None:  # annotate implies texts (set so above); the test narrows the type
        fs = 11 if max(nr, nc) <= 4 else 9 if max(nr, nc) <= 8 else 7
        for r in range(nr):
            for c in range(nc):
                red, green, blue = (int(v) for v in rgba[r, c, :3])
                dark = 0.299 * red + 0.587 * green + 0.114 * blue < 127.5
                out.append(f"<text x='{left + (c + 0.5) * cell:.1f}' y='{top + (r + 0.5) * ch + fs / 3:.1f}' "
                           f"text-anchor='middle' font-size='{fs}' fill='{'white' if dark else 'black'}'>"
                           f"{_e(texts[r][c])}</text>")
    # colour bar: 64 steps of the map, the exact extremes at its ends
    import numpy as np

    bar = (cmap(np.linspace(1.0, 0.0, 64))[:, None, :] * 255).round().astype("uint8")
    bpng = base64.b64encode(_png_of_rgba(bar)).decode()
    bx, bw = left + pw + 14, 12
    out.append(f"<image x='{bx:.1f}' y='{top}' width='{bw}' height='{ph:.1f}' preserveAspectRatio='none' "
               f"xlink:href='data:image/png;base64,{bpng}' href='data:image/png;base64,{bpng}'/>")
    out.append(f"<text x='{bx + bw + 3:.1f}' y='{top + 8}' font-size='9'>{_e(hi_t)}</text>")
    out.append(f"<text x='{bx + bw + 3:.1f}' y='{top + ph:.1f}' font-size='9'>{_e(lo_t)}</text>")
    if diverging:
        out.append(f"<text x='{bx + bw + 3:.1f}' y='{top + ph / 2 + 3:.1f}' font-size='9'>0</text>")
    note = "residue mod p" if modular else "exact values in cells" if annotate else "colour only"
    out.append(f"<text x='{bx + bw + 3:.1f}' y='{top + ph + 14:.1f}' font-size='8' fill='#555'>{_e(note)}</text>")
    out.append("</svg>")
    return "".join(out)


def _tuple_text(t) -> str:
    return str(t[0]) if len(t) == 1 else str(t)


def matricization_svg(tensor, rows, *, title: str | None = None, width: int = 520) -> str:
    """The matricization [A]_I of an exact grid tensor as an SVG heatmap (the convention of
    :mod:`symbolic.rank.matricization`: row r is the row-major rank of (d_i for i in I))."""
    from symbolic.rank.matricization import matricize

    m = matricize(tensor, rows if isinstance(rows, str) else list(rows))
    values = [[int(x) for x in row] for row in m.matrix.tolist()]  # numerators over m.denominator
    nr, nc = len(values), len(values[0])
    if title is None:
        title = f"[A]_I, I = {tuple(m.rows)}: a {nr} x {nc} matrix"
    return heatmap_svg(values, rows=m.rows, cols=m.cols, row_labels=[_tuple_text(m.row_index(r)) for r in range(nr)],
                       col_labels=[_tuple_text(m.col_index(c)) for c in range(nc)], title=title,
                       modular=m.modulus is not None, denominator=m.denominator, width=width)


def tensor_svg(tensor, *, output: int = 0, width: int = 520) -> str:
    """The grid tensor A as [A]_halves (rows d_0..d_{N/2-1}: the row-major reshape), as an SVG heatmap."""
    n = tensor.order
    if n == 1:
        from symbolic.tensor.grid import GridTensor

        tensor = GridTensor((1,) + tensor.shape, tensor.data.reshape((1,) + tensor.shape), tensor.denominator,
                            tensor.modulus)
        return matricization_svg(tensor, [0], title=f"grid tensor A^{output}[d0] ({tensor.size} entries)", width=width)
    idx = "d0, d1" if n == 2 else f"d0, ..., d{n - 1}"
    return matricization_svg(tensor, list(range(n // 2)), width=width,
                             title=f"grid tensor A^{output}[{idx}], shape {tensor.shape}, as [A]_halves")


# ----------------------------------------------------------------------------- circuits
#: marker, colour, legend text per node kind (those of theorems.present.plot.circuit.KIND_STYLE)
KIND_STYLE = {
    "input": ("square", "#7f7f7f", "input patch x_i"),
    "rep": ("circle", "#1f77b4", "f_j(x_i) = F[d_i][j]"),
    "conv": ("diamond", "#ff7f0e", "1x1 conv (weighted sum)"),
    "act": ("up", "#d62728", "activation {act}"),
    "pool": ("down", "#2ca02c", "pooling {pool}"),
    "output": ("star", "#9467bd", "output h_y"),
}


def _shape(kind: str, x: float, y: float, r: float, colour: str) -> str:
    st = f"fill='{colour}' stroke='black' stroke-width='0.6'"
    if kind == "circle":
        return f"<circle cx='{x:.1f}' cy='{y:.1f}' r='{r:.1f}' {st}/>"
    if kind == "square":
        return f"<rect x='{x - r:.1f}' y='{y - r:.1f}' width='{2 * r:.1f}' height='{2 * r:.1f}' {st}/>"
    if kind == "diamond":
        pts = [(x, y - r * 1.2), (x + r * 1.2, y), (x, y + r * 1.2), (x - r * 1.2, y)]
    elif kind == "up":
        pts = [(x, y - r * 1.25), (x + r * 1.15, y + r * 0.85), (x - r * 1.15, y + r * 0.85)]
    elif kind == "down":
        pts = [(x, y + r * 1.25), (x + r * 1.15, y - r * 0.85), (x - r * 1.15, y - r * 0.85)]
    else:  # star
        import math

        pts = [(x + (r * 1.5 if k % 2 == 0 else r * 0.65) * math.sin(k * math.pi / 5),
                y - (r * 1.5 if k % 2 == 0 else r * 0.65) * math.cos(k * math.pi / 5)) for k in range(10)]
    return "<polygon points='" + " ".join(f"{a:.1f},{b:.1f}" for a, b in pts) + f"' {st}/>"


def _column_title(a: dict) -> str:
    kind, l = a["kind"], a.get("layer", 0)
    return {"input": "patches", "rep": "F", "conv": f"conv {l}", "act": str(a.get("activation", "act")),
            "pool": f"{a.get('pooling', 'pool')} {l}", "output": "output"}[kind]


def circuit_svg(G, *, weights: bool = False, title: str | None = None, act: str = "sigma",
                pool: str = "P") -> str:
    """A circuit graph (:func:`symbolic.tensor.circuit_graph.circuit`) drawn as SVG, left to right.

    Parameters
    ----------
    G : networkx.DiGraph
    weights : bool
        Print every edge weight (exact) and colour edges by sign (blue > 0, red < 0, dotted grey = 0,
        black = symbolic).
    title : str, optional
    act, pool : str
        Names in the legend.

    Returns
    -------
    str
        SVG text. Columns are the topological generations of the DAG; within a column nodes are
        sorted by (position, channel), position 0 at the top.
    """
    import networkx as nx

    gens = [sorted(g, key=lambda v: (G.nodes[v].get("position", 0), G.nodes[v].get("channel", 0)))
            for g in nx.topological_generations(G)]
    tallest = max(len(g) for g in gens)
    longest = max(len(_column_title(G.nodes[g[0]])) for g in gens)
    dx = max(112.0 if weights else 78.0, 6.0 * longest + 14)
    dy = max(22.0, min(34.0, 640.0 / tallest))
    r = min(9.0, dy * 0.36)
    left, top = 40.0, 56.0
    height_nodes = dy * (tallest - 1)
    pos = {}
    for i, g in enumerate(gens):
        off = top + (height_nodes - dy * (len(g) - 1)) / 2
        for k, v in enumerate(g):
            pos[v] = (left + dx * i, off + dy * k)
    W = left * 2 + dx * (len(gens) - 1)
    legend_y = top + height_nodes + 34
    H = legend_y + 44
    out = [f"<svg xmlns='http://www.w3.org/2000/svg' width='{W:.0f}' height='{H:.0f}' viewBox='0 0 {W:.1f} {H:.1f}' "
           f"{_FONT} font-size='10'>",
           "<defs><marker id='a' viewBox='0 0 10 10' refX='10' refY='5' markerWidth='5' markerHeight='5' "
           "orient='auto-start-reverse'><path d='M0,0 L10,5 L0,10 z' fill='context-stroke'/></marker>"
           "<marker id='ag' viewBox='0 0 10 10' refX='10' refY='5' markerWidth='5' markerHeight='5' orient='auto'>"
           "<path d='M0,0 L10,5 L0,10 z' fill='#999'/></marker></defs>",
           "<rect width='100%' height='100%' fill='white'/>"]
    if title:
        out.append(f"<text x='{W / 2:.1f}' y='16' text-anchor='middle' font-size='12'>{_e(title)}</text>")
    styles = {"pos": ("#1f77b4", ""), "neg": ("#d62728", ""), "zero": ("#bbbbbb", " stroke-dasharray='2,2'"),
              "sym": ("#333333", ""), "none": ("#999999", "")}
    used, labels = set(), []
    for u, v, d in G.edges(data=True):
        (x1, y1), (x2, y2) = pos[u], pos[v]
        w = d.get("weight") if weights else None
        key = ("none" if w is None else "sym" if getattr(w, "free_symbols", None)
               else "pos" if w > 0 else "neg" if w < 0 else "zero")
        used.add(key)
        colour, dash = styles[key]
        # stop short of the target node, so that the arrow head shows
        L = ((x2 - x1) ** 2 + (y2 - y1) ** 2) ** 0.5 or 1.0
        ex, ey = x2 - (x2 - x1) * (r + 2) / L, y2 - (y2 - y1) * (r + 2) / L
        out.append(f"<line x1='{x1:.1f}' y1='{y1:.1f}' x2='{ex:.1f}' y2='{ey:.1f}' stroke='{colour}' "
                   f"stroke-width='0.9' stroke-opacity='0.85'{dash} marker-end='url(#ag)'/>")
        if weights and "weight" in d:
            at = 0.5 if abs(y1 - y2) < 1e-9 else 0.27  # straight edges at their middle, slanted near the source
            labels.append((x1 + (x2 - x1) * at, y1 + (y2 - y1) * at, exact_text(d["weight"])))
    for x, y, t in labels:
        out.append(f"<text x='{x:.1f}' y='{y + 3:.1f}' text-anchor='middle' font-size='8' stroke='white' "
                   f"stroke-width='3' paint-order='stroke'>{_e(t)}</text>")
    kinds = []
    for v, (x, y) in pos.items():
        a = G.nodes[v]
        marker, colour, _ = KIND_STYLE[a["kind"]]
        if a["kind"] not in kinds:
            kinds.append(a["kind"])
        out.append(_shape(marker, x, y, r * (1.2 if marker == "star" else 1.0), colour))
    if G.number_of_nodes() <= 240:
        fs = 8 if r >= 7 else 6
        for v, (x, y) in pos.items():
            out.append(f"<text x='{x:.1f}' y='{y + fs / 3:.1f}' text-anchor='middle' font-size='{fs}' fill='white' "
                       f"font-weight='bold'>{_e(node_label(G.nodes[v]))}</text>")
    for g in gens:
        x = pos[g[0]][0]
        out.append(f"<text x='{x:.1f}' y='{top - 16:.1f}' text-anchor='middle' fill='#333'>"
                   f"{_e(_column_title(G.nodes[g[0]]))}</text>")
    # legend: node kinds, then the edge colours when weights are shown
    items = [(KIND_STYLE[k][0], KIND_STYLE[k][1], KIND_STYLE[k][2].format(act=act, pool=pool))
             for k in KIND_STYLE if k in kinds]
    if weights:
        names = {"pos": "weight > 0", "neg": "weight < 0", "zero": "weight = 0", "sym": "symbolic weight"}
        items += [("line", styles[k][0], names[k]) for k in names if k in used]
    per_row = max(1, int(W // 190))
    for i, (marker, colour, text) in enumerate(items):
        x, y = 16 + (i % per_row) * 190, legend_y + (i // per_row) * 16
        if marker == "line":
            out.append(f"<line x1='{x - 7}' y1='{y}' x2='{x + 7}' y2='{y}' stroke='{colour}' stroke-width='2'/>")
        else:
            out.append(_shape(marker, x, y, 5, colour))
        out.append(f"<text x='{x + 11}' y='{y + 3}' font-size='9'>{_e(text)}</text>")
    out.append("</svg>")
    return "".join(out)


def spec_circuit_svg(spec, *, weights: bool = False) -> str:
    """The circuit of a network spec as SVG (its title states the architecture and sizes)."""
    from symbolic.tensor.circuit_graph import circuit

    G = circuit(spec)
    shape = f"Z={spec.Z}" if spec.architecture == "shallow" else f"widths={list(spec.widths)}, window={spec.window}"
    title = (f"{spec.architecture} {spec.operator.name} network: N={spec.N}, M={spec.M}, {shape}"
             + (" (edge labels: weights)" if weights else ""))
    return circuit_svg(G, weights=weights, title=title, act=spec.activation.spec_name, pool=spec.pooling.name)
