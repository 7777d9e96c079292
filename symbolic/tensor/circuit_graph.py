"""Circuit graphs: a network spec as a networkx DiGraph that *is* the network.

Node kinds (attribute ``kind``), each with the attributes listed:

============== ============================================================
``input``      a patch: ``patch`` (which template index d_i it reads)
``rep``        representation value f_j(x_i) = F[d_i][j]: ``patch``, ``channel`` (j)
``conv``       a 1x1 convolution output: ``layer``, ``position``, ``channel``;
               its in-edges carry ``weight`` (the coefficient of the predecessor)
``act``        sigma of one conv node: ``layer``, ``position``, ``channel``, ``activation``
``pool``       P over a window of act nodes: ``layer``, ``position``, ``channel``, ``pooling``
``output``     a dense output y: ``output`` (y); in-edges carry ``weight``
============== ============================================================

Node names are tuples ``(kind, layer, position, channel)``; a shallow net has one
layer (0) whose pooling window is all N positions. Positions count in pooling-tree
order: position k of layer 0 reads patch ``patch_order[k]``.

The exact forward pass (:func:`forward`) evaluates the graph node by node, vectorised
over grid points; it never forms a generalized product, so it is the independent
route against :mod:`symbolic.tensor.decompositions`.

>>> from symbolic.spec.network import shallow
>>> s = shallow(N=2, M=2, Z=1, activation="relu", pooling="max",
...             weights={"hidden": [[[1, -1], [2, 0]]], "output": [[3]]})
>>> G = circuit(s)
>>> sorted({G.nodes[v]["kind"] for v in G})
['act', 'conv', 'input', 'output', 'pool', 'rep']
>>> forward(G, [(0, 0), (1, 1)])
[[6, 0]]
>>> expand(G)[0]
3*Max(0, 2*f_1_0, f_0_0 - f_0_1)
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from itertools import product as _iproduct

import networkx as nx
import numpy as np

from symbolic.errors import DomainError, ShapeError
from symbolic.spec.network import Spec
from symbolic.tensor.grid import GridTensor, validate_size
from symbolic.limits import Limits, use_limits

__all__ = ["circuit", "forward", "forward_tensor", "expand", "node_kinds", "node_label", "NODE_KINDS"]

NODE_KINDS = ("input", "rep", "conv", "act", "pool", "output")


def circuit(spec: Spec) -> nx.DiGraph:
    """Build the arithmetic-circuit graph of a network (see the module docstring for node kinds).

    The graph is the network of ICML 2016 Fig. 1 (shallow) or Fig. 2 (deep) node by node: inputs,
    representations f_j(x_i) = F[d_i][j], 1x1 convolutions, activations sigma and pooling P, then
    the dense outputs h_y. Evaluating it on the template grid (:func:`forward_tensor`) gives the
    grid tensor without any generalized tensor product, the route independent of the
    decompositions (eq. (4)/(5)).

    Parameters
    ----------
    spec : Spec
        The network (:func:`symbolic.spec.network.load_spec`, ``shallow`` or ``deep``).

    Returns
    -------
    networkx.DiGraph
        A DAG whose nodes are ``(kind, layer, position, channel)`` tuples with the attributes of
        the module docstring; ``G.graph`` holds ``spec``, ``N``, ``M``, ``activation``,
        ``pooling``, ``F`` and ``architecture``. The spec is not modified.

    Examples
    --------
    >>> from symbolic.spec.network import shallow
    >>> s = shallow(N=2, M=2, Z=1, activation="relu", pooling="max",
    ...             weights={"hidden": [[[1, -1], [2, 0]]], "output": [[3]]})
    >>> G = circuit(s)
    >>> G.number_of_nodes(), sorted({G.nodes[v]["kind"] for v in G})
    (12, ['act', 'conv', 'input', 'output', 'pool', 'rep'])
    >>> G.edges[("rep", 0, 0, 1), ("conv", 0, 0, 0)]["weight"]
    -1
    """
    G = nx.DiGraph(spec=spec, N=spec.N, M=spec.M, activation=spec.activation, pooling=spec.pooling,
                   F=spec.representation, architecture=spec.architecture)
    N, M = spec.N, spec.M
    order = spec.order
    for i in range(N):
        G.add_node(("input", 0, i, 0), kind="input", patch=i, layer=0, position=i, channel=0)
        for j in range(M):
            G.add_node(("rep", 0, i, j), kind="rep", patch=i, layer=0, position=i, channel=j)
            G.add_edge(("input", 0, i, 0), ("rep", 0, i, j))
    # per layer: (the weights of channel c at position k, positions, channels, pooling window)
    levels: list[tuple[Callable[[int, int], tuple], int, int, int]]
    if spec.architecture == "shallow":
        levels = [(lambda k, c: spec.hidden_vector(c, order[k]), N, spec.Z, N)]
    else:
        def layer_weights(l: int) -> Callable[[int, int], tuple]:
            return lambda k, c: spec.layer_matrix(l, k)[c]

        levels = [(layer_weights(l), spec.N // spec.window**l, spec.widths[l], spec.window) for l in range(spec.L)]
    # inputs of layer 0 at tree position k: the rep nodes of patch order[k]
    inputs: dict[int, list[tuple]] = {k: [("rep", 0, order[k], j) for j in range(M)] for k in range(N)}
    for l, (weights, npos, width, w) in enumerate(levels):
        pooled: dict[int, list[tuple]] = {}  # the pool nodes at each position of the next layer
        for k in range(npos):
            for c in range(width):
                conv, act = ("conv", l, k, c), ("act", l, k, c)
                G.add_node(conv, kind="conv", layer=l, position=k, channel=c)
                for a, (src, wt) in enumerate(zip(inputs[k], weights(k, c))):
                    G.add_edge(src, conv, weight=wt)
                G.add_node(act, kind="act", layer=l, position=k, channel=c, activation=spec.activation.spec_name)
                G.add_edge(conv, act)
        for j in range(npos // w):
            pooled[j] = []
            for c in range(width):
                pool = ("pool", l, j, c)
                G.add_node(pool, kind="pool", layer=l, position=j, channel=c, pooling=spec.pooling.name)
                for k in range(j * w, (j + 1) * w):
                    G.add_edge(("act", l, k, c), pool)
                pooled[j].append(pool)
        inputs = pooled
    top = inputs[0]
    for y, row in enumerate(spec.output):
        out = ("output", spec.L, 0, y)
        G.add_node(out, kind="output", output=y, layer=spec.L, position=0, channel=y)
        for src, wt in zip(top, row):
            G.add_edge(src, out, weight=wt)
    return G


def node_kinds(G: nx.DiGraph) -> dict:
    """Count of nodes of each kind."""
    out = {k: 0 for k in NODE_KINDS}
    for v in G:
        out[G.nodes[v]["kind"]] += 1
    return out


def node_label(attrs: dict) -> str:
    """The short label a drawing shows for a node with attributes ``attrs``: ``x<patch>`` (input),
    ``f<channel>`` (representation), ``h<output>`` (output), else the channel.

    >>> node_label({"kind": "input", "patch": 3}), node_label({"kind": "output", "output": 0})
    ('x3', 'h0')
    """
    kind = attrs["kind"]
    if kind == "input":
        return f"x{attrs['patch']}"
    if kind == "rep":
        return f"f{attrs['channel']}"
    if kind == "output":
        return f"h{attrs['output']}"
    return str(attrs["channel"])


def _check_dag(G):
    if not nx.is_directed_acyclic_graph(G):
        raise nx.NetworkXUnfeasible("the circuit graph has a cycle; it is not a network")


def forward(G: nx.DiGraph, points) -> list:
    """Exact forward pass of the circuit on grid points.

    Parameters
    ----------
    G : nx.DiGraph
        A circuit graph from :func:`circuit`.
    points : sequence of tuples
        Each a tuple (d_0, ..., d_{N-1}) of template indices.

    Returns
    -------
    list of lists
        ``out[y][p]``: output y on point p, exact (int or Fraction; sympy for symbolic weights).
    """
    _check_dag(G)
    N, M = G.graph["N"], G.graph["M"]
    pts = np.array(list(points), dtype=np.int64).reshape(-1, N) if len(points) else np.zeros((0, N), np.int64)
    if pts.size and (pts.min() < 0 or pts.max() >= M):
        raise ShapeError(f"points must hold template indices in 0..{M - 1}")
    F = np.array(G.graph["F"], dtype=object)
    act, pool = G.graph["activation"], G.graph["pooling"]
    vact = np.frompyfunc(act, 1, 1)

    def linear(terms):  # zero weights contribute nothing
        acc = None
        for w, x in terms:
            if w != 0:
                acc = x * w if acc is None else acc + x * w
        return acc if acc is not None else np.zeros(len(pts), dtype=object)

    outs = _evaluate(G, lambda i, j: F[pts[:, i], j], linear, vact, lambda vals: _pool_arrays(pool, vals))
    return [[_norm(x) for x in out] for out in outs]


def _evaluate(G: nx.DiGraph, rep, linear, activate, pool) -> list:
    """Evaluate the circuit node by node in topological order; return the outputs' values in order of y.

    ``rep(i, j)`` is the value of representation node (patch i, function j); ``linear`` gets the
    (weight, value) pairs of a conv or output node; ``activate`` one value; ``pool`` the values
    of a pooling window in position order. :func:`forward` and :func:`expand` differ only in these.
    """
    val = {}
    for v in nx.topological_sort(G):
        a = G.nodes[v]
        kind = a["kind"]
        if kind == "rep":
            val[v] = rep(a["patch"], a["channel"])
        elif kind in ("conv", "output"):
            val[v] = linear([(G.edges[u, v]["weight"], val[u]) for u in G.predecessors(v)])
        elif kind == "act":
            (u,) = G.predecessors(v)
            val[v] = activate(val[u])
        elif kind == "pool":
            val[v] = pool([val[u] for u in sorted(G.predecessors(v), key=lambda u: u[2])])
    outs = sorted((v for v in G if G.nodes[v]["kind"] == "output"), key=lambda v: v[3])
    return [val[v] for v in outs]


def _pool_arrays(pool, vals):
    """P over a window, element-wise on arrays of exact numbers (sympy falls back to P itself)."""
    if not vals[0].size:
        return vals[0]
    if any(hasattr(x, "free_symbols") for x in (vals[0].flat[0], vals[-1].flat[0])):
        return np.array([pool(*col) for col in zip(*vals)], dtype=object)
    n = pool.name
    acc = vals[0]
    for x in vals[1:]:
        acc = acc * x if n == "product" else (np.maximum(acc, x) if n == "max" else acc + x)
    if n == "average":
        acc = np.array([Fraction(x) / len(vals) for x in acc], dtype=object)
    return acc


def _norm(x):
    if isinstance(x, Fraction) and x.denominator == 1:
        return int(x)
    return x


def forward_tensor(G: nx.DiGraph, output: int = 0, *, limits: Limits | None = None) -> GridTensor:
    """Compute the grid tensor of one output by the forward pass on every grid point (the second route).

    A^y_{d1..dN} = h_y(x^(d1), ..., x^(dN)) on the template grid (ICML 2016 eq. (3);
    docs/paper-notes.md D2), evaluated node by node on the circuit, never through a generalized
    tensor product; it must equal :func:`symbolic.tensor.decompositions.grid_tensor`.

    Parameters
    ----------
    G : networkx.DiGraph
        A circuit graph from :func:`circuit`.
    output : int, default 0
        The output y, in 0..Y-1.
    limits : symbolic.limits.Limits, optional
        The resource limits of this call (memory, grid entries); default: the limits in force
        (:func:`symbolic.limits.limits`). Work that would not fit is refused before it starts.

    Returns
    -------
    GridTensor
        Order N, shape (M, ..., M), exact entries.

    Raises
    ------
    DomainError
        If ``output`` is out of range.
    TooLarge
        Before any work, when M^N grid points would exceed the limits of :mod:`symbolic.cost`.

    Examples
    --------
    >>> from symbolic.spec.network import shallow
    >>> s = shallow(N=2, M=2, Z=1, activation="relu", pooling="max",
    ...             weights={"hidden": [[[1, -1], [2, 0]]], "output": [[3]]})
    >>> A = forward_tensor(circuit(s))
    >>> A.shape, [A[0, 0], A[0, 1], A[1, 0], A[1, 1]]  # 3 * max(0, (1, -1)[d1], (2, 0)[d2])
    ((2, 2), [6, 3, 6, 0])
    """
    with use_limits(limits):
        N, M = G.graph["N"], G.graph["M"]
        validate_size(M**N, 8 * N + 40 * max(1, G.number_of_nodes() // 8),
                   f"the forward pass over all grid points (N={N}, M={M})")
        pts = list(_iproduct(range(M), repeat=N))
        outs = forward(G, pts)
        if not 0 <= output < len(outs):
            raise DomainError(f"output={output!r} is out of range: the network has Y={len(outs)} outputs")
        return GridTensor.from_entries((M,) * N, outs[output])


def expand(G: nx.DiGraph, *, symbolic_inputs: bool = True, point=None) -> list:
    """Sympy expressions of every output, reusing shared sub-expressions (one per node).

    With ``symbolic_inputs`` the representation values are symbols ``f_i_j``
    (f_j at patch i); otherwise ``point`` (template indices) selects rows of F.
    Weights stay as they are in the spec (sympy symbols for symbolic specs).
    """
    import sympy

    _check_dag(G)
    act, pool = G.graph["activation"], G.graph["pooling"]
    F = G.graph["F"]

    def rep(i, j):
        return sympy.Symbol(f"f_{i}_{j}") if symbolic_inputs else sympy.sympify(F[point[i]][j], strict=True)

    return _evaluate(G, rep, lambda terms: sympy.Add(*(sympy.sympify(w, strict=True) * x for w, x in terms)),
                     act.sympy, lambda vals: pool.sympy(*vals))
