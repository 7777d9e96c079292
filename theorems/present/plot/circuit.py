"""Drawings of a network's arithmetic circuit (networkx graph), layer by layer."""

from __future__ import annotations


import networkx as nx


from symbolic.tensor.circuit_graph import node_label
from theorems.present.plot.base import (_exact_text, _figure, validate_circuit_drawing)
from theorems.present.render import _spec_and_graph


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


def draw_circuit(obj, *, weights: bool = False, labels=None, ax=None, title: str | None = None):
    """Draw a network's circuit graph in layers, left to right.

    Parameters
    ----------
    obj : Spec, dict, JSON path, or the networkx DiGraph of :func:`symbolic.tensor.circuit_graph.circuit`
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
    from symbolic.spec.network import Spec

    if isinstance(obj, Spec):
        validate_circuit_drawing(obj)
    spec, G = _spec_and_graph(obj)
    validate_circuit_drawing(G=G)
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
        groups: dict[str, list[tuple]] = {"pos": [], "neg": [], "zero": [], "sym": [], "none": []}  # sign -> edges
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
        nx.draw_networkx_labels(G, pos, labels={v: node_label(G.nodes[v]) for v in G}, ax=ax, font_size=8,
                                font_color="white", font_weight="bold")
    top = max(y for _, y in pos.values())
    for g in gens:
        x = pos[g[0]][0]
        ax.text(x, top + 0.09 * yscale + 0.25, _column_title(G, g), ha="center", va="bottom", fontsize=10,
                color="#333333")
    ax.set_ylim(min(y for _, y in pos.values()) - 0.5, top + 0.09 * yscale + 0.9)
    ax.set_axis_off()
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, 0.0), ncol=3, fontsize=9, frameon=False)
    if title is None and spec is not None:
        shape = f"Z={spec.Z}" if spec.architecture == "shallow" else f"widths={list(spec.widths)}, window={spec.window}"
        title = (f"{spec.architecture} {spec.operator.name} network: N={spec.N} patches, M={spec.M} templates, {shape}"
                 + ("\n(edge labels: weights)" if weights else ""))
    ax.set_title(title or "circuit", fontsize=12)
    return fig
