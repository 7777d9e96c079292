"""Structural upper bounds on matricization ranks, read off the circuit graph.

Every bound here holds for *all* weights of the given architecture (it depends on the
widths, the pooling geometry and the operator, never on the values of the weights), so
it also bounds the generic rank of a symbolic network.  Three bounds, each valid for the
operators stated:

``trivial_bound``  rank [A]_I <= min(M^|I|, M^|J|): the matrix has that many rows and
                   columns.  Every operator.
``widths_bound``   a recursion over the nodes of the circuit (ICLR 2017, Theorem 1, for
                   ConvACs; generalized below).  Every operator, with rules that depend on
                   the operator.
``min_cut_bound``  the minimum cut of the network seen as a tensor network (Levine, Yakira,
                   Cohen & Shashua, ICLR 2018).  Only for linear activation with product
                   pooling (ConvACs); ``None`` for every other operator.

The widths bound
----------------
Call a node *pure* when its scope (the patches it depends on) lies inside I or inside J
(or is empty): its matricization is an outer product of a vector with the all-ones vector,
of rank <= 1.  A node of mixed scope S has rank <= T(S) = M^min(|S & I|, |S & J|) (it is a
function of the patches in S only).  Then, node by node in topological order:

- ``conv``/``output`` (a linear combination): rank <= the sum of the predecessors' bounds,
  where all pure-I predecessors together count 1 (their combination is again pure-I) and
  likewise the pure-J ones.  Each node also carries S: f = g_I + g_J + m with g_I pure-I,
  g_J pure-J and rank m <= S (S = 0 for an additively separable f); sums add the S's, and
  rank <= S + 2;
- ``act``: the predecessor's bound for the linear activation; for any other activation
  sigma(f) of a mixed f can have any rank up to T(S), so T(S) (pure stays pure);
- ``pool``: product pooling multiplies the children's bounds (the matricization of a
  product is the entrywise product of the matricizations, and rank(X o Y) <= rank X rank Y);
  sum and average pooling add them like ``conv``; max pooling gives T(S) (max(f(x_I), g(x_J))
  can have full rank);

each capped by T(S).  For a deep ConvAC this is the recursion of ICLR 2017 Theorem 1
(:func:`iclr_upper_bound`, whose value is also taken; the minimum of the
two is reported), e.g. rank [A]_halves <= r_{L-1}; for a shallow net with product pooling
and any activation it gives rank <= Z; with sum or average pooling the top pool is a sum of
functions of disjoint scopes, so rank [A]_halves <= 2 for every activation (the paper's
ReLU/average incompleteness) and a shallow sum/average network has rank <= 2 for every I.

The min-cut bound
-----------------
With the linear activation and product pooling the circuit *is* a tensor network: the
conv group at (layer l, position k) is the matrix W^{l,k}, the act group is the identity,
the pool group at (l, j) is a copy tensor delta (its output channel c is the product of
channel c of its w inputs: one index shared by w + 1 legs), rep(i) is F with the open leg
d_i, and output y is the vector a^{L,y}.  Summing explicitly over the indices of a set of
bonds (a bond of dimension D gives D terms) and of copy tensors (D terms: fixing the
shared index turns the delta into a product of unit vectors, which disconnects its legs)
that separates the legs of I from those of J writes A as a sum of prod(D) terms, each an
outer product of a tensor on the I legs and a tensor on the J legs; hence

    rank [A]_I <= product of the dimensions of the cut bonds and copy tensors.

The tensor network: one site per group of circuit nodes (kind, layer, position); a bond
between two adjacent groups has dimension min(#sources, #targets) of the circuit edges
between them (r for a channel-wise bundle, min(r_{l-1}, r_l) for a weight matrix), the leg
input -> rep(i) has dimension M; each copy tensor (product-pool group of r channels) may be
cut as a whole, for a factor r.  The network is a tree rooted at the output, so the least
product is found exactly by dynamic programming from the leaves up (:func:`_tree_min_cut`:
each site on the I side, on the J side or, for a copy tensor, cut; integers only).  For a
graph that is not a tree the minimum cut is found by maximum flow (:func:`_flow_min_cut`,
networkx, capacities the natural logs of the dimensions, copy tensors split into in/out
nodes): there floats only *search*, and the bound returned is the exact integer product over
the cut that was found, a valid bound for any separating cut.  The tests hold the two routes
and the kernel's own programme (:mod:`symbolic.kernel.linalg`) to the same values.

Why only ConvACs: for a ReLU/max network the circuit is no tensor network.  With N = 2,
M = 2 and one channel (r_0 = 1) the only bond between the patches has dimension 1, yet
A[d0, d1] = max(relu(u_{d0}), relu(v_{d1})) with u = (0, 2), v = (1, 3) is [[1, 3], [2, 3]],
of rank 2.  Sum pooling is no copy tensor either (a sum of w terms, not a shared index).

>>> from symbolic.spec.network import deep
>>> s = deep(N=8, M=3, widths=(2, 2, 2), seed=0)           # a deep ConvAC
>>> bounds(s, "odd-even")
{'trivial': 81, 'widths': 81, 'min_cut': 16}
>>> bounds(s, "halves")
{'trivial': 81, 'widths': 2, 'min_cut': 2}
>>> bounds(deep(N=8, M=2, activation="relu", pooling="sum", seed=0), "halves")
{'trivial': 16, 'widths': 2}
"""

from __future__ import annotations

import math
from collections.abc import Hashable

from symbolic.errors import ShapeError
from symbolic.rank.matricization import parse_partition

__all__ = ["trivial_bound", "widths_bound", "min_cut_bound", "min_cut", "bounds", "is_convac", "VALIDITY",
           "iclr_upper_bound", "iclr_lower_exponent"]

#: Which operators each bound is valid for (as reported by ``convac rank``).
VALIDITY = {
    "trivial": "every operator",
    "widths": "every operator (scope recursion; ICLR 2017 Thm 1 for ConvACs)",
    "min_cut": "linear activation with product pooling (ConvAC) only",
}


def _is_spec(obj) -> bool:
    """A Spec, not a circuit graph (networkx is imported only where a graph is built or searched)."""
    from symbolic.spec.network import Spec

    return isinstance(obj, Spec)


def _spec_and_graph(obj):
    """(spec, circuit graph) from a Spec or a circuit graph."""
    from symbolic.tensor.circuit_graph import circuit

    if not _is_spec(obj):
        return obj.graph.get("spec"), obj
    return obj, circuit(obj)


def _is_linear(act) -> bool:
    return act.name == "linear" or (act.name == "leaky_relu" and act.slope == 1)


def is_convac(spec_or_graph) -> bool:
    """True for linear activation with product pooling: the operators the min-cut bound holds for.

    >>> from symbolic.spec.network import shallow
    >>> is_convac(shallow(N=2, M=2, seed=0)), is_convac(shallow(N=2, M=2, activation="relu", pooling="max", seed=0))
    (True, False)
    """
    if not _is_spec(spec_or_graph):
        act, pool = spec_or_graph.graph["activation"], spec_or_graph.graph["pooling"]
    else:
        act, pool = spec_or_graph.activation, spec_or_graph.pooling
    return _is_linear(act) and pool.name == "product"


def trivial_bound(N: int, M: int, rows) -> int:
    """min(M^|I|, M^|J|): the number of rows or of columns of [A]_I.

    >>> trivial_bound(8, 8, "odd-even"), trivial_bound(5, 2, "0")
    (4096, 2)
    """
    I = parse_partition(rows, N)
    return M ** min(len(I), N - len(I))


# -- the widths (scope) recursion ------------------------------------------------------------
def _scopes(G) -> tuple[list, dict]:
    """The nodes in a topological order, and node -> the patches it depends on, as a bit mask."""
    import networkx as nx

    order = list(nx.topological_sort(G))
    scope: dict = {}
    pred = G.pred
    for v in order:
        a = G.nodes[v]
        if a["kind"] in ("input", "rep"):
            scope[v] = 1 << a["patch"]
        else:
            m = 0
            for u in pred[v]:
                m |= scope[u]
            scope[v] = m
    return order, scope


def _recursion_bound(G, I: frozenset, output: int) -> int:
    """The scope recursion; per node a pair (R, S): rank <= R, and f = g_I + g_J + m with rank m <= S."""
    M = G.graph["M"]
    act, pool = G.graph["activation"], G.graph["pooling"]
    linear = _is_linear(act)
    order, scope = _scopes(G)
    in_I = sum(1 << i for i in I)
    R: dict[Hashable, int] = {}  # per circuit node: rank <= R[v]
    S: dict[Hashable, int] = {}  # per circuit node: the mixed part m has rank <= S[v]

    def side(v):  # "I", "J" or None (mixed)
        s = scope[v]
        return "I" if s & in_I == s else ("J" if not (s & in_I) else None)

    def cap(v):
        s = scope[v]
        return M ** min((s & in_I).bit_count(), (s & ~in_I).bit_count())

    def additive(preds):  # a sum of the predecessors' functions
        sides = {side(u) for u in preds}
        s = sum(S[u] for u in preds)
        r = min(sum(R[u] for u in preds), s + 2,
                ("I" in sides) + ("J" in sides) + sum(R[u] for u in preds if side(u) is None))
        return r, s

    for v in order:
        kind = G.nodes[v]["kind"]
        if side(v) is not None:  # pure: a function of the I modes (or of the J modes) only
            R[v], S[v] = 1, 0
            continue
        preds = list(G.predecessors(v))
        if kind in ("conv", "output"):
            r, s = additive(preds)
        elif kind == "act" and linear:
            r, s = R[preds[0]], S[preds[0]]
        elif kind == "pool" and pool.name == "product":
            r = math.prod(R[u] for u in preds)
            s = r
        elif kind == "pool" and pool.name in ("sum", "average"):
            r, s = additive(preds)
        else:  # a non-linear activation or max pooling of a mixed function: only the cap
            r = s = cap(v)
        R[v] = min(r, cap(v))
        S[v] = min(s, R[v])
    outs = [v for v in G if G.nodes[v]["kind"] == "output" and G.nodes[v]["output"] == output]
    if len(outs) != 1:
        raise ShapeError(f"output={output!r}: the network has no such output")
    return R[outs[0]]


def widths_bound(spec, rows, output: int = 0) -> int:
    """The structural bound of the scope recursion (module docstring), valid for every operator.

    For deep ConvACs it is also compared with ICLR 2017 Theorem 1
    (:func:`iclr_upper_bound`) and the smaller value is returned.

    Parameters
    ----------
    spec : Spec or networkx.DiGraph
        A network, or its circuit graph (:func:`symbolic.tensor.circuit_graph.circuit`).
    rows : str or sequence of int
        The row modes I (anything :func:`~symbolic.rank.matricization.parse_partition` accepts).
    output : int
        Which output y.

    Examples
    --------
    >>> from symbolic.spec.network import deep, shallow
    >>> widths_bound(deep(N=8, M=4, widths=(4, 3, 2), seed=0), "halves")   # r_{L-1}
    2
    >>> widths_bound(shallow(N=4, M=3, Z=2, activation="relu", pooling="average", seed=0), "0,3")
    2
    """
    spec, G = _spec_and_graph(spec)
    N = G.graph["N"]
    I = frozenset(parse_partition(rows, N))
    b = _recursion_bound(G, I, output)
    if spec is not None and spec.architecture == "deep" and is_convac(G):
        b = min(b, iclr_upper_bound(N, spec.M, spec.window, list(spec.widths), list(spec.order), sorted(I)))
    return b


# -- the min-cut bound ------------------------------------------------------------------------
def _group(G, v):
    a = G.nodes[v]
    if a["kind"] == "input":
        return ("input", a["patch"])
    if a["kind"] == "rep":
        return ("rep", a["patch"])
    return (a["kind"], a["layer"], a["position"])


def _tensor_network(G, output: int):
    """Sites, bond dimensions and copy-tensor dimensions of a ConvAC circuit (module docstring)."""
    M = G.graph["M"]
    members: dict = {}
    group = {}
    for v, a in G.nodes(data=True):
        if a["kind"] == "output" and a["output"] != output:
            continue
        group[v] = g = _group(G, v)
        members.setdefault(g, []).append(v)
    pairs: dict = {}
    for u, succ in G.adj.items():
        gu = group.get(u)
        if gu is None:
            continue
        for v in succ:
            gv = group.get(v)
            if gv is not None and gv != gu:
                src, dst = pairs.setdefault((gu, gv), (set(), set()))
                src.add(u)
                dst.add(v)
    bonds = {}
    for (gu, gv), (src, dst) in pairs.items():
        bonds[(gu, gv)] = M if gu[0] == "input" else min(len(src), len(dst))
    copies = {g: len(vs) for g, vs in members.items() if g[0] == "pool"}
    return members, bonds, copies


def min_cut(G, rows, output: int = 0):
    """The minimum cut of a ConvAC's tensor network: (bound, cut) or None for other operators.

    ``cut`` lists what was cut: ``("bond", group_u, group_v, D)`` and ``("copy", group, D)``
    with groups named ``(kind, layer, position)`` (``("input", i)``, ``("rep", i)``).
    ``bound`` is the exact product of the D's.

    >>> from symbolic.spec.network import deep
    >>> from symbolic.tensor.circuit_graph import circuit
    >>> b, cut = min_cut(circuit(deep(N=4, M=3, widths=(2, 2), seed=0)), "halves")
    >>> b, cut
    (2, [('bond', ('pool', 0, 1), ('conv', 1, 1), 2)])
    """
    spec, G = _spec_and_graph(G)
    if not is_convac(G):
        return None
    N = G.graph["N"]
    I = set(parse_partition(rows, N))
    members, bonds, copies = _tensor_network(G, output)
    parent: dict = {}
    for gu, gv in bonds:
        parent.setdefault(gu, []).append(gv)
    roots = [g for g in members if g not in parent]
    if len(roots) == 1 and all(len(p) == 1 for p in parent.values()):
        return _tree_min_cut(members, bonds, copies, I, roots[0])
    return _flow_min_cut(members, bonds, copies, I, N)


def _tree_min_cut(members, bonds, copies, I, root):
    """The least cut of a tree-shaped tensor network, exactly, by dynamic programming from the leaves up.

    A group is on side ``"I"`` or ``"J"`` (an input group is fixed by its patch) or, for a copy tensor,
    ``"cut"`` (a factor of its dimension, its bonds free); a bond between the two sides multiplies the
    bound by its dimension.  ``best[g][s]`` is the least product in g's subtree with g on side s, with
    the choice that achieves it, from which the cut is read off top-down.
    """
    below: dict = {}
    for (gu, gv), D in bonds.items():
        below.setdefault(gv, []).append((gu, D))
    best: dict = {}
    choice: dict = {}
    order = [root]
    for g in order:  # breadth first from the root; reversed, every child comes before its parent
        order.extend(c for c, _ in below.get(g, ()))
    for g in reversed(order):
        if g[0] == "input":
            best[g] = {"I" if g[1] in I else "J": 1}
            continue
        sides = ("I", "J", "cut") if g in copies else ("I", "J")
        best[g] = {}
        for s in sides:
            total = copies[g] if s == "cut" else 1
            for c, D in below.get(g, ()):
                t, v = min(((t, v * (D if {s, t} == {"I", "J"} else 1)) for t, v in best[c].items()),
                           key=lambda tv: tv[1])
                choice[(c, s)] = t
                total *= v
            best[g][s] = total
    side = {root: min(best[root], key=best[root].get)}
    cut: list[tuple] = [("copy", root, copies[root])] if side[root] == "cut" else []
    for g in order:
        for c, D in below.get(g, ()):
            side[c] = choice[(c, side[g])]
            if side[c] == "cut":
                cut.append(("copy", c, copies[c]))
            if {side[c], side[g]} == {"I", "J"}:
                cut.append(("bond", c, g, D))
    return best[root][side[root]], sorted(cut, key=str)


def _flow_min_cut(members, bonds, copies, I, N):
    """The minimum cut by maximum flow (networkx), for a tensor network that is not a tree: log
    capacities choose the cut, whose exact product of dimensions is the bound."""
    import networkx as nx

    F = nx.DiGraph()
    src, sink = "source", "sink"

    def node_in(g):
        return ("in", g)

    def node_out(g):
        return ("out", g) if g in copies else ("in", g)

    for g in members:
        if g in copies:
            F.add_edge(node_in(g), node_out(g), capacity=math.log(copies[g]))
    for (gu, gv), D in bonds.items():
        c = math.log(D)
        F.add_edge(node_out(gu), node_in(gv), capacity=c)  # a bond is undirected: both ways
        F.add_edge(node_out(gv), node_in(gu), capacity=c)
    for i in range(N):
        g = ("input", i)
        if i in I:
            F.add_edge(src, node_in(g))  # no capacity attribute: infinite
        else:
            F.add_edge(node_out(g), sink)
    _, (S, _T) = nx.minimum_cut(F, src, sink)
    cut: list[tuple] = []  # ("copy", g, D) or ("bond", gu, gv, D)
    bound = 1
    for g, D in copies.items():
        if node_in(g) in S and node_out(g) not in S:
            cut.append(("copy", g, D))
            bound *= D
    for (gu, gv), D in bonds.items():
        if (node_out(gu) in S and node_in(gv) not in S) or (node_out(gv) in S and node_in(gu) not in S):
            cut.append(("bond", gu, gv, D))
            bound *= D
    return bound, sorted(cut, key=str)


def min_cut_bound(G, rows, output: int = 0):
    """rank [A]_I <= the product over the minimum cut of the ConvAC tensor network (module docstring).

    Parameters
    ----------
    G : networkx.DiGraph or Spec
        The circuit graph (:func:`symbolic.tensor.circuit_graph.circuit`) or the spec.
    rows : str or sequence of int
        The row modes I.
    output : int

    Returns
    -------
    int or None
        None unless the activation is linear and the pooling is product: for every other
        operator no cut bound holds (module docstring).

    Examples
    --------
    >>> from symbolic.spec.network import deep
    >>> from symbolic.tensor.circuit_graph import circuit
    >>> G = circuit(deep(N=8, M=8, widths=(8, 1, 8), seed=0))
    >>> min_cut_bound(G, "halves"), widths_bound(G, "halves")   # width 1 in the middle
    (1, 8)
    >>> min_cut_bound(circuit(deep(N=4, M=2, activation="relu", pooling="max", seed=0)), "halves") is None
    True
    """
    r = min_cut(G, rows, output)
    return None if r is None else r[0]


def bounds(spec, rows, output: int = 0, G=None) -> dict:
    """Every structural upper bound on rank [A]_I that is valid for the spec's operator, by name.

    [A]_I is the matricization of the grid tensor with the modes I as rows (ICLR 2017 eq. (1);
    docs/paper-notes.md D10). The bounds: ``trivial`` = min(M^|I|, M^|J|); ``widths``, the scope
    recursion over the network (for deep ConvACs also capped by the upper bound of ICLR 2017
    Thm 1); ``min_cut``, the minimum cut of the ConvAC tensor network (linear activation with
    product pooling only). See :data:`VALIDITY`.

    Parameters
    ----------
    spec : Spec or networkx.DiGraph
        The network, or its circuit graph.
    rows : str or sequence of int
        The row modes I: ``"odd-even"``, ``"halves"``, a comma list such as ``"0,3"``, or ints
        (0-based).
    output : int, default 0
        The output y.
    G : networkx.DiGraph, optional
        The spec's circuit graph, if already built (saves rebuilding it).

    Returns
    -------
    dict
        ``{name: int}``, with keys ``trivial`` and ``widths`` always and ``min_cut`` for ConvACs;
        each value is an upper bound on rank [A]_I.

    Raises
    ------
    ShapeError
        For a malformed partition.

    Examples
    --------
    >>> from symbolic.spec.network import deep
    >>> s = deep(N=4, M=2, activation="linear", pooling="product", seed=3, low=-3, high=3)
    >>> bounds(s, "odd-even"), bounds(s, [0, 1])
    ({'trivial': 4, 'widths': 4, 'min_cut': 4}, {'trivial': 4, 'widths': 2, 'min_cut': 2})
    >>> bounds(deep(N=4, M=2, activation="relu", pooling="max"), "odd-even")
    {'trivial': 4, 'widths': 4}
    """
    if G is None:
        _, G = _spec_and_graph(spec)
    out = {"trivial": trivial_bound(G.graph["N"], G.graph["M"], rows), "widths": widths_bound(G, rows, output)}
    mc = min_cut_bound(G, rows, output)
    if mc is not None:
        out["min_cut"] = mc
    return out


# -- ICLR 2017 Theorem 1 (the prover's copy; the kernel re-derives it with its own code) ------------
def iclr_upper_bound(N, M, window, widths, order, rows) -> int:
    """ICLR 2017 Theorem 1 upper bound on rank [A]_I of a deep ConvAC (pooling tree, patch order)."""
    pos_in_I = [order[k] in set(rows) for k in range(N)]
    c = [1] * N
    size = 1
    for l in range(len(widths)):
        size *= window
        nxt = []
        for k in range(N // size):
            block = pos_in_I[k * size:(k + 1) * size]
            i = sum(block)
            prod = 1
            for t in range(window):
                prod *= c[k * window + t]
            nxt.append(min(M ** min(i, size - i), widths[l] * prod) if l < len(widths) - 1 else prod)
        c = nxt
    i = sum(pos_in_I)
    return min(M ** min(i, N - i), widths[-1] * c[0])


def iclr_lower_exponent(N, window, order, rows) -> int:
    """S = number of size-w blocks (level 1) with modes on both sides of the partition."""
    inI = [order[k] in set(rows) for k in range(N)]
    return sum(1 for k in range(N // window) if 0 < sum(inI[k * window:(k + 1) * window]) < window)
