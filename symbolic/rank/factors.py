"""Factor matrices ``[A]_I = U V`` read off the generalized CP / HT decomposition, for any partition I.

Every node of the pooling tree (a patch, or a pooled block of patches) holds one tensor per channel
over the templates of its patches.  Matricized by the modes of I inside the node, the channel-c
tensor is kept as ``U G_c V^T``, with U and V shared by the channels (so a 1x1 convolution, which
mixes channels, acts on the small cores G_c only):

- a patch: U = F (its templates in I) or V = F (otherwise), G_j = the unit vector e_j;
- convolution with W: G'_c = sum_a W[c, a] G_a;  square activation: U -> rows of U (x) U, V likewise,
  G_c -> G_c (x) G_c;
- product pooling of w children: the Kronecker products of their U, G_c and V (the generalized outer
  product of the paper is a Kronecker product of matricizations for product pooling), restricted to
  the inner indices some channel uses;
- after each node, the inner size a of U is cut to the smallest of a, the rows of the node (U := I,
  G_c := U G_c) and r b (U := U [G_1 ... G_r], G_c := the c-th block selector), and V likewise.

At the root, A = U (sum_c o_c G_c) V^T gives U and V with inner size min(a, b).  For the halves of a
deep ConvAC that is r_{L-1} (ICLR 2017); a shallow ConvAC gives Z.  Integer weights give integer U, V
(Python ints).  Sum pooling puts the children's terms side by side (each broadcast over the other
children's patches by all-ones columns, equal columns merged) with block-diagonal cores; its inner
size can exceed the structural bounds (then U or V is not of full inner rank and the rank pipeline
takes the exact route).  Partitions whose cores outgrow
``max_entries`` return None (the rank pipeline then takes another route).

>>> from symbolic.spec.network import deep
>>> from symbolic.tensor.decompositions import grid_tensor
>>> from symbolic.rank.matricization import matricize
>>> s = deep(N=4, M=3, widths=(3, 2), seed=0)
>>> f = factor_matrices(s, (0, 1))
>>> f.k, f.U.shape, f.V.shape
(2, (9, 2), (2, 9))
>>> bool((f.U.dot(f.V) == matricize(grid_tensor(s), (0, 1)).matrix).all())
True
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

__all__ = ["Factors", "factor_matrices"]

MAX_ENTRIES = 1 << 22


class _TooBig(Exception):
    pass


@dataclass(frozen=True, eq=False)
class Factors:
    """``[A^output]_rows = U V`` exactly: U (n x k) and V (k x m), numpy object arrays of Python ints."""

    rows: tuple
    U: np.ndarray
    V: np.ndarray

    @property
    def k(self) -> int:
        return self.U.shape[1]

    def __repr__(self):
        return f"Factors(rows={self.rows}, U={self.U.shape[0]} x {self.k}, V={self.k} x {self.V.shape[1]})"


def _obj(a) -> np.ndarray:
    return np.array(a, dtype=object)


def _guard(*arrays, limit):
    if sum(int(np.prod(a.shape)) for a in arrays) > limit:
        raise _TooBig


def _unit(n: int, j: int) -> np.ndarray:
    e = np.zeros(n, dtype=object)
    e[j] = 1
    return e


class _Node:
    """Channel tensors of a node as U G_c V^T: U (R x a), V (C x b), G (r, a, b)."""

    def __init__(self, U, V, G):
        self.U, self.V, self.G = U, V, G


def _leaf(F: np.ndarray, in_rows: bool) -> _Node:
    M = F.shape[0]
    one = np.ones((1, 1), dtype=object)
    E = np.stack([_unit(M, j) for j in range(M)])  # (channels, M)
    if in_rows:
        return _Node(F.copy(), one, E[:, :, None])
    return _Node(one, F.copy(), E[:, None, :])


def _conv(node: _Node, W: np.ndarray) -> _Node:
    r_in, a, b = node.G.shape
    G = W.dot(node.G.reshape(r_in, a * b)).reshape(W.shape[0], a, b)
    return _Node(node.U, node.V, G)


def _rowkron(X: np.ndarray) -> np.ndarray:
    return (X[:, :, None] * X[:, None, :]).reshape(X.shape[0], -1)


def _square(node: _Node, limit: int) -> _Node:
    r, a, b = node.G.shape
    _guard(np.empty((node.U.shape[0], a * a)), np.empty((node.V.shape[0], b * b)), np.empty((r, a * a, b * b)),
           limit=limit)
    G = (node.G[:, :, None, :, None] * node.G[:, None, :, None, :]).reshape(r, a * a, b * b)
    return _node_trim(_Node(_rowkron(node.U), _rowkron(node.V), G))


def _node_trim(node: _Node) -> _Node:
    """Drop the inner indices no channel uses."""
    nz = node.G != 0
    ra, rb = nz.any(axis=(0, 2)), nz.any(axis=(0, 1))
    if ra.all() and rb.all():
        return node
    ra, rb = np.flatnonzero(ra), np.flatnonzero(rb)
    if len(ra) == 0 or len(rb) == 0:  # every channel is 0: keep one inner index
        ra, rb = np.array([0]), np.array([0])
    return _Node(node.U[:, ra], node.V[:, rb], node.G[:, ra][:, :, rb])


def _used(g: np.ndarray, rows: bool) -> list:
    """The inner indices (rows or columns of the core g) where g is nonzero."""
    return np.flatnonzero((g != 0).any(axis=1 if rows else 0)).tolist()


def _kron_columns(mats, picks) -> np.ndarray:
    """Columns kron(m_0[:, t_0], ..., m_{w-1}[:, t_{w-1}]) for the index tuples ``picks``."""
    out = mats[0][:, [t[0] for t in picks]]
    for s in range(1, len(mats)):
        nxt = mats[s][:, [t[s] for t in picks]]
        out = (out[:, None, :] * nxt[None, :, :]).reshape(-1, len(picks))
    return out


def _pure_pool(kids: list, limit: int):
    """Children each on rows only or on columns only: channel c of the pooled node is x_c y_c^T, with x_c
    (y_c) the Kronecker product of the row (column) children's channel-c vectors (a Khatri-Rao product).
    None when the dense Kronecker product of the cores is smaller."""
    r = kids[0].G.shape[0]
    if not all(k.U.shape[0] == 1 or k.V.shape[0] == 1 for k in kids):
        return None
    rowkids, colkids = [k for k in kids if k.V.shape[0] == 1], [k for k in kids if k.V.shape[0] != 1]
    ra, rb = (r if rowkids else 1), (r if colkids else 1)
    if ra * rb >= np.prod([k.G.shape[1] for k in kids]) * np.prod([k.G.shape[2] for k in kids]):
        return None

    def khatri_rao(group):
        out = np.ones((1, r), dtype=object)
        for k in group:
            vec = np.stack([k.U.dot(g).dot(k.V.T).ravel() for g in k.G], axis=1)  # its channels, as columns
            out = (out[:, None, :] * vec[None, :, :]).reshape(-1, r)
            _guard(out, limit=limit)
        return out

    U, V = khatri_rao(rowkids), khatri_rao(colkids)
    G = np.zeros((r, ra, rb), dtype=object)
    for c in range(r):
        G[c, c if rowkids else 0, c if colkids else 0] = 1
    return _Node(U if rowkids else np.ones((1, 1), dtype=object), V if colkids else np.ones((1, 1), dtype=object), G)


def _kron(mats) -> np.ndarray:
    out = mats[0]
    for m in mats[1:]:
        out = (out[:, None, :, None] * m[None, :, None, :]).reshape(out.shape[0] * m.shape[0], -1)
    return out


def _sum_pool(kids: list, limit: int) -> _Node:
    """Sum pooling: child t's tensor broadcast over the others' patches is its U G V^T with the Kronecker
    factors of the others all-ones columns; the terms side by side (U, V) with block-diagonal cores."""
    r = kids[0].G.shape[0]
    ones = [(np.ones((k.U.shape[0], 1), dtype=object), np.ones((k.V.shape[0], 1), dtype=object)) for k in kids]
    Us = [_kron([k.U if s == t else ones[s][0] for s, k in enumerate(kids)]) for t in range(len(kids))]
    Vs = [_kron([k.V if s == t else ones[s][1] for s, k in enumerate(kids)]) for t in range(len(kids))]
    a, b = sum(k.G.shape[1] for k in kids), sum(k.G.shape[2] for k in kids)
    _guard(*Us, *Vs, np.empty((r, a, b)), limit=limit)
    G, i, j = np.zeros((r, a, b), dtype=object), 0, 0
    for k in kids:
        G[:, i:i + k.G.shape[1], j:j + k.G.shape[2]] = k.G
        i, j = i + k.G.shape[1], j + k.G.shape[2]
    return _node_trim(_merge_equal(_Node(np.concatenate(Us, axis=1), np.concatenate(Vs, axis=1), G)))


def _merge_equal(node: _Node) -> _Node:
    """Equal columns of U (of V) merged into one, their rows (columns) of the cores added (the all-ones
    columns of the children of a sum)."""
    U, V, G = node.U, node.V, node.G.copy()
    for side in (1, 2):
        X = U if side == 1 else V
        first: dict[tuple, int] = {}  # a column of X -> the index of its first occurrence
        keep: list[int] = []
        for i in range(X.shape[1]):
            j = first.setdefault(tuple(X[:, i]), i)
            if j != i:
                G[:, j] += G[:, i] if side == 1 else 0
                G[:, :, j] += G[:, :, i] if side == 2 else 0
            else:
                keep.append(i)
        U, V, G = (U[:, keep], V, G[:, keep]) if side == 1 else (U, V[:, keep], G[:, :, keep])
    return _Node(U, V, G)


def _product_pool(kids: list, limit: int) -> _Node:
    pure = _pure_pool(kids, limit)
    if pure is not None:
        return pure
    r = kids[0].G.shape[0]
    row_sets: set[tuple[int, ...]] = set()  # tuples of used core rows (columns), one index per kid
    col_sets: set[tuple[int, ...]] = set()
    for c in range(r):
        rows_c = [_used(k.G[c], True) for k in kids]
        cols_c = [_used(k.G[c], False) for k in kids]
        n_r, n_c = np.prod([len(x) for x in rows_c]), np.prod([len(x) for x in cols_c])
        if n_r * n_c > limit:
            raise _TooBig
        row_sets.update(itertools.product(*rows_c))
        col_sets.update(itertools.product(*cols_c))
    rs, cs = sorted(row_sets), sorted(col_sets)
    R = int(np.prod([k.U.shape[0] for k in kids]))
    C = int(np.prod([k.V.shape[0] for k in kids]))
    _guard(np.empty((R, len(rs))), np.empty((C, len(cs))), np.empty((r, len(rs), len(cs))), limit=limit)
    U, V = _kron_columns([k.U for k in kids], rs), _kron_columns([k.V for k in kids], cs)
    G = np.ones((r, len(rs), len(cs)), dtype=object)
    for s, k in enumerate(kids):
        ri, ci = np.array([t[s] for t in rs]), np.array([t[s] for t in cs])
        G = G * k.G[:, ri][:, :, ci]
    return _node_trim(_Node(U, V, G))


def _compress(node: _Node, limit: int) -> _Node:
    """Cut the inner sizes: a -> min(a, R, r b), then b -> min(b, C, r a)."""
    r, a, b = node.G.shape
    R, C = node.U.shape[0], node.V.shape[0]
    if min(R, r * b) < a:
        if R <= r * b:
            _guard(np.empty((r, R, b)), limit=limit)
            G = np.stack([node.U.dot(g) for g in node.G])
            node = _Node(np.eye(R, dtype=int).astype(object), node.V, G)
        else:
            H = np.concatenate(list(node.G), axis=1)  # a x (r b)
            sel = np.zeros((r, r * b, b), dtype=object)
            for c in range(r):
                sel[c, c * b:(c + 1) * b] = np.eye(b, dtype=int)
            node = _Node(node.U.dot(H), node.V, sel)
        a = node.G.shape[1]
    if min(C, r * a) < b:
        if C <= r * a:
            _guard(np.empty((r, a, C)), limit=limit)
            G = np.stack([g.dot(node.V.T) for g in node.G])
            node = _Node(node.U, np.eye(C, dtype=int).astype(object), G)
        else:
            K = np.concatenate(list(node.G), axis=0)  # (r a) x b
            sel = np.zeros((r, a, r * a), dtype=object)
            for c in range(r):
                sel[c, :, c * a:(c + 1) * a] = np.eye(a, dtype=int)
            node = _Node(node.U, node.V.dot(K.T), sel)
    return node


def _blocks(G: np.ndarray) -> list:
    """The blocks (rows, columns) of G connected by its nonzero entries (a zero matrix: one block)."""
    nz = G != 0
    row_of: dict[int, int] = {}  # row -> index of its block
    blocks: list[tuple[list[int], list[int]]] = []
    for i in range(G.shape[0]):
        if i in row_of:
            continue
        rows, todo = {i}, [i]
        cols: set[int] = set()
        while todo:
            new_cols = set(np.flatnonzero(nz[todo].any(axis=0)).tolist()) - cols
            cols |= new_cols
            todo = sorted(set(np.flatnonzero(nz[:, sorted(new_cols)].any(axis=1)).tolist()) - rows) if new_cols else []
            rows.update(todo)
        row_of.update((r, len(blocks)) for r in rows)
        blocks.append((sorted(rows), sorted(cols) or [0]))
    return blocks


def _levels(spec):
    N = spec.N
    if spec.architecture == "shallow":
        return [([_obj([spec.hidden_vector(z, i) for z in range(spec.Z)]) for i in range(N)], N)]
    return [([_obj(spec.layer_matrix(l, k)) for k in range(N // spec.window**l)], spec.window) for l in range(spec.L)]


def _order_rows(X: np.ndarray, patches: list, M: int) -> np.ndarray:
    """Rows indexed row-major by the templates of ``patches`` (tree order) -> by the increasing patches."""
    if len(patches) <= 1:
        return X
    perm = [patches.index(i) for i in sorted(patches)]
    return X.reshape((M,) * len(patches) + (-1,)).transpose(perm + [len(patches)]).reshape(X.shape)


def factor_matrices(spec, rows, output: int = 0, *, max_entries: int = MAX_ENTRIES):
    """Integer factors ``[A^output]_rows = U V`` from the decomposition (module docstring), or None.

    Parameters
    ----------
    spec : Spec
        Integer weights and F, a linear or square activation, product or sum pooling.
    rows : tuple of int
        The row modes I (increasing).
    max_entries : int
        The largest number of matrix entries held at once; beyond it, None.

    Returns
    -------
    Factors or None
    """
    from symbolic.tensor.multimodular import supports

    if not supports(spec):
        return None
    I = set(rows)
    F = _obj(spec.representation)
    order = spec.order
    try:
        nodes = [_leaf(F, order[k] in I) for k in range(spec.N)]
        for mats, w in _levels(spec):
            nodes = [_compress(_conv(n, W), max_entries) for n, W in zip(nodes, mats)]
            if spec.activation.spec_name == "square":
                nodes = [_compress(_square(n, max_entries), max_entries) for n in nodes]
            pool = _product_pool if spec.pooling.name == "product" else _sum_pool
            nodes = [_compress(pool(nodes[j * w:(j + 1) * w], max_entries), max_entries)
                     for j in range(len(nodes) // w)]
        root = nodes[0]
        G = np.tensordot(_obj(spec.output[output]), root.G, axes=1)  # a x b
        nz_r, nz_c = np.flatnonzero((G != 0).any(axis=1)), np.flatnonzero((G != 0).any(axis=0))
        if len(nz_r) == 0:
            nz_r, nz_c = np.array([0]), np.array([0])
        U, G, V = root.U[:, nz_r], G[nz_r][:, nz_c], root.V[:, nz_c]
        lefts, rights = [], []
        for R, C in _blocks(G):  # U G V^T = sum over the blocks of G (connected by its nonzeros)
            _guard(np.empty((U.shape[0], min(len(R), len(C)))), np.empty((V.shape[0], min(len(R), len(C)))),
                   limit=max_entries)
            B = G[R][:, C]
            lefts.append(U[:, R] if len(R) <= len(C) else U[:, R].dot(B))
            rights.append(B.dot(V[:, C].T) if len(R) <= len(C) else V[:, C].T)
        left, right = np.concatenate(lefts, axis=1), np.concatenate(rights, axis=0)
    except _TooBig:
        return None
    in_I = [order[k] for k in range(spec.N) if order[k] in I]
    out_I = [order[k] for k in range(spec.N) if order[k] not in I]
    left = _order_rows(left, in_I, spec.M)
    right = _order_rows(right.T, out_I, spec.M).T
    return Factors(tuple(sorted(I)), np.ascontiguousarray(left), np.ascontiguousarray(right))


def _mulmod(U: np.ndarray, V: np.ndarray, p: int) -> np.ndarray:
    """U V mod p for int64 residues below 2^26, exactly in int64 (2^11 products summed at a time)."""
    out = np.zeros((U.shape[0], V.shape[1]), dtype=np.int64)
    for a in range(0, U.shape[1], 1 << 11):
        out = (out + U[:, a:a + 2048] @ V[a:a + 2048]) % p
    return out


def factor_certificate(spec, rows, output: int = 0, *, seed: int = 0, notes=None):
    """The rank of ``[A^output]_rows`` certified both ways from the factors, without the exact tensor, or None.

    Upper bound: the factors U V (kind ``factors``) with primes (drawn with ``seed``) whose product exceeds
    the proven entry bound of A (:func:`symbolic.tensor.multimodular.entry_bound`) plus k max|U| max|V|; U V == A
    is verified here modulo each prime against the modular engine's residues.  Lower bound: k rows R of U
    and k columns C of V independent modulo the first prime, so A[R, C] = U[R] V[:, C] is nonsingular.
    None when the factors do not apply or are not of full inner rank modulo that prime.

    >>> from symbolic.spec.network import deep
    >>> r = factor_certificate(deep(N=4, M=3, widths=(3, 2), seed=0), (0, 1))
    >>> r.rank, r.exact, r.certificate.upper.kind, len(r.certificate.upper.primes)
    (2, True, 'factors', 3)
    """
    from symbolic.rank.certificates import RankCertificate, RankLowerBound, RankUpperBound
    from symbolic.errors import CertificateError
    from symbolic.rank.matricization import matricize
    from symbolic.tensor.multimodular import entry_bound, primes_above, residue_tensors
    from symbolic.rank.exact import RankResult, _pivots

    notes = notes or (lambda text: None)
    notes("factors U V from the decomposition")
    f = factor_matrices(spec, rows, output)
    if f is None:
        return None
    k = f.k
    size = k * max(abs(x) for x in f.U.flat) * max(abs(x) for x in f.V.flat)
    primes = primes_above(entry_bound(spec, output) + size, seed)
    p = primes[0]
    kU, R = _pivots(np.ascontiguousarray((f.U % p).astype(np.int64).T), p)
    kV, C = _pivots((f.V % p).astype(np.int64), p)
    if kU < k or kV < k:
        return None
    for q, T in residue_tensors(spec, output, primes):
        notes(f"checking U V == A modulo {q} ({primes.index(q) + 1} of {len(primes)} primes)")
        if not (_mulmod((f.U % q).astype(np.int64), (f.V % q).astype(np.int64), q) == matricize(T, rows).matrix).all():
            raise CertificateError(f"internal error: the factors differ from A modulo {q}: a bug, please report")
    lower = RankLowerBound(k, R, C, p)
    upper = RankUpperBound(k, "factors", V=f.V.tolist(), U=f.U.tolist(), primes=primes)
    statement = (f"a {k} x {k} minor is nonzero mod {p}, so rank >= {k}; A = U V with inner size {k}, checked "
                 f"modulo {len(primes)} primes whose product exceeds the bound on |A| + |U V|, so rank <= {k}")
    return RankResult(k, k, k, RankCertificate(lower, upper), "factors", True, statement)
