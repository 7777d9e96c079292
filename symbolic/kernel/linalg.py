"""Rank certificates and structural rank bounds, checked by the definitions.

- lower bound k: the k x k minor ``A[rows, cols]`` is nonzero modulo a prime p (python-flint
  ``nmod_mat.det``, or, for k >= ``BLAS_MIN`` and p < 2^21, rank k modulo p by the exact float64
  elimination of :mod:`symbolic.kernel.blas_elimination`); an integer (or p-integral rational) minor
  nonzero mod p is nonzero over Q, so rank A >= k.
- upper bound k: ``trivial`` (k >= min of the shape); ``factorization``: ``A == A[:, cols] V``
  exactly with k = len(cols) (python-flint ``fmpq_mat``), so rank A <= k; or ``column_span``:
  ``A[:, D] e == A[:, cols] W`` exactly, with D the other columns in increasing order, an integer
  k x |D| matrix W and an integer e != 0 (python-flint ``fmpz_mat``), so every column outside
  ``cols`` is the rational combination W[:, j] / e of the k columns ``cols``: the column space is
  spanned by k columns and rank A <= k. (The same bound as a factorization with V = [I | W / e],
  but the certificate has k (m - k) integers instead of k m rationals: at rank 236 of 256 it is 12x
  smaller and its check 12x cheaper.); or ``multimodular``: rank(A mod p) <= k for distinct primes whose product
  exceeds Hadamard's bound on the (k+1)-minors, so they all vanish (:mod:`symbolic.kernel.multimodular_rank`).
- structural bounds, re-derived from the network's tree: ``trivial``, ``widths`` (the scope
  recursion, and ICLR 2017 Theorem 1 for deep ConvACs) and ``min_cut`` (the least exact product of
  dimensions over the separating cuts of the ConvAC tensor network, a tree: dynamic programming, integers only).

>>> import numpy as np
>>> A = np.array([[1, 2], [2, 4]], dtype=object)
>>> check_rank(A, {"certificate": "rank", "lower": {"certificate": "rank_lower_bound", "k": 1, "rows": [0],
...     "cols": [0], "prime": 101}, "upper": {"certificate": "rank_upper_bound", "k": 1, "kind": "factorization",
...     "cols": [0], "V": [[1, 2]]}})
(1, 1)
"""

from __future__ import annotations

import math
from fractions import Fraction

import flint
import numpy as np

from . import blas_elimination as blas, cost, multimodular_rank
from .failure import fail as _fail, need
from .network import is_identity
from .parse import parse_rational

MAX_PRIME = 1 << 62
MAX_CERT_DIGITS = 100_000  # factorization entries of exact ranks can be long rationals
BLAS_MIN = 1024  # minors from this size on: the float64 elimination (as fast as flint's det at 1024, 1.6x at 2048)


def _fail_if(cond, msg):
    need(not cond, msg)


def index_list(x, n: int, what: str, *, distinct=True) -> list:
    """A list of ints in range(n), distinct; anything else is refused (a certificate's indices)."""
    if not isinstance(x, list) or any(isinstance(i, bool) or not isinstance(i, int) or not 0 <= i < n for i in x):
        _fail(f"{what}={str(x)[:60]}: expected a list of indices in 0..{n - 1}")
    _fail_if(distinct and len(set(x)) != len(x), f"{what}={str(x)[:60]}: repeated index")
    return x


def keys(d, required, optional=(), what="object"):
    """A certificate object with exactly the required fields and optional ones."""
    _fail_if(not isinstance(d, dict), f"{what}: expected an object")
    missing, extra = set(required) - set(d), set(d) - set(required) - set(optional)
    if missing or extra:
        _fail(f"{what}: missing {sorted(missing)}, unexpected {sorted(map(str, extra))}" if missing else
              f"{what}: unexpected fields {sorted(map(str, extra))}")
    return d


def matricize(flat: np.ndarray, N: int, M: int, rows) -> np.ndarray:
    """[A]_rows of a row-major order-N tensor: rows indexed by the modes in ``rows`` (increasing)."""
    cols = [i for i in range(N) if i not in rows]
    T = flat.reshape((M,) * N).transpose(list(rows) + cols)
    return T.reshape(M ** len(rows), M ** len(cols))


def _residue(x, p):
    if isinstance(x, (int, np.integer)):
        return int(x) % p
    if isinstance(x, Fraction):
        if x.denominator % p == 0:
            _fail(f"prime={p} divides a denominator of the matrix")
        return x.numerator * pow(x.denominator, -1, p) % p
    _fail(f"matrix entry {str(x)[:40]} is not an exact rational")


def check_lower(A: np.ndarray, c, modulus: int | None = None, consume: bool = False) -> int:
    """Verify a rank_lower_bound certificate on A (residues mod ``modulus`` if given: int64, or float64 for the
    float64 elimination); return k.  From ``BLAS_MIN`` rows on, with a prime below 2^21, the minor's rank mod p
    is computed by :func:`symbolic.kernel.blas_elimination.rank_mod_p` (the minor is nonsingular mod p iff its
    rank mod p is k); else its determinant by python-flint.  ``consume``: A may be overwritten."""
    keys(c, ("certificate", "k", "rows", "cols", "prime"), ("point",), "rank_lower_bound")
    _fail_if(c["certificate"] != "rank_lower_bound", f"certificate={c['certificate']!r}: expected rank_lower_bound")
    k, p = c["k"], c["prime"]
    if isinstance(k, bool) or not isinstance(k, int) or not 0 <= k <= min(A.shape):
        _fail(f"k={k!r}: expected an int in 0..{min(A.shape)}")
    rows = index_list(c["rows"], A.shape[0], "rows")
    cols = index_list(c["cols"], A.shape[1], "cols")
    if len(rows) != k or len(cols) != k:
        _fail(f"a {k} x {k} minor needs {k} rows and {k} columns, got {len(rows)} and {len(cols)}")
    if isinstance(p, bool) or not isinstance(p, int) or not 2 <= p < MAX_PRIME or not flint.fmpz(p).is_prime():
        _fail(f"prime={p!r} is not a prime below 2^62")
    _fail_if(modulus is not None and modulus != p,
             f"the matrix is known modulo {modulus}, the certificate uses prime={p}")
    if k == 0:
        return 0
    float64 = A.dtype == np.float64  # residues mod p (blas_elimination.matricize_residues), for the float64 route
    _fail_if(float64 and modulus != p, "float64 residues need the prime they were reduced by")
    on_blas = p < blas.MAX_PRIME and (k >= BLAS_MIN or float64)
    cost.elimination(k, k, f"the {k} x {k} minor modulo {p}", blas=on_blas)
    whole = rows == list(range(A.shape[0])) and cols == list(range(A.shape[1]))
    sub = A if whole else A[np.ix_(rows, cols)]
    if on_blas:
        if sub.dtype == object:
            sub = np.array([_residue(x, p) for x in sub.ravel()], np.int64).reshape(k, k)
        # rank_mod_p: elimination mod p with exact float64 products (symbolic/kernel/blas_elimination.py)
        rank = blas.rank_mod_p(sub, p, overwrite=consume or not whole)[0]
        _fail_if(rank != k, f"the {k} x {k} minor is zero modulo {p} (its rank mod p is {rank})")
        return k
    if sub.dtype == np.int64 and modulus is not None:
        mat = _nmod_by_rows(sub, p)
    else:
        mat = flint.nmod_mat(k, k, [_residue(x, p) for x in sub.ravel()], p)
    _fail_if(mat.det() == 0, f"the {k} x {k} minor is zero modulo {p}")
    return k


def _nmod_by_rows(res: np.ndarray, p: int):
    """An nmod_mat of int64 entries reduced mod p, filled one row at a time: never a Python list of all n^2
    entries (36 bytes each), only of one row."""
    mat = flint.nmod_mat(res.shape[0], res.shape[1], p)
    for i in range(res.shape[0]):
        for j, v in enumerate((res[i] % p).tolist()):
            mat[i, j] = v
    return mat


def _fmpq_mat(rows):
    return flint.fmpq_mat(len(rows), len(rows[0]), [flint.fmpq(q.numerator, q.denominator) for r in rows for q in r])


def check_upper(A: np.ndarray, c) -> int:
    """Verify a rank_upper_bound certificate on the exact matrix A; return k."""
    kind = c.get("kind") if isinstance(c, dict) else None
    _fail_if(c.get("certificate") != "rank_upper_bound",
             f"certificate={c.get('certificate')!r}: expected rank_upper_bound")
    if kind == "trivial":
        keys(c, ("certificate", "k", "kind"), (), "rank_upper_bound")
        if type(c["k"]) is not int or c["k"] != min(A.shape):
            _fail(f"trivial upper bound k={c['k']!r}, but min(rows, cols) = {min(A.shape)}")
        return c["k"]
    if kind == "column_span":
        return _check_column_span(A, c)
    if kind == "multimodular":  # k and primes: symbolic/kernel/multimodular_rank.py
        return multimodular_rank.check(A, c)
    _fail_if(kind != "factorization",
             f"rank_upper_bound kind={kind!r}: expected trivial, factorization, column_span or multimodular")
    keys(c, ("certificate", "k", "kind", "cols", "V"), (), "rank_upper_bound")
    cols = index_list(c["cols"], A.shape[1], "upper.cols")
    k = c["k"]
    _fail_if(isinstance(k, bool) or k != len(cols), f"factorization: k={k!r} but {len(cols)} columns are given")
    V = c["V"]
    if k == 0:  # rank 0: A is the zero matrix (V is empty), checked entry by entry
        _fail_if(V != [], "factorization: k=0 needs V = [] (A = 0)")
        _fail_if(A.dtype in (np.int64, np.float64), "factorization: an exact matrix is needed, not residues")
        _fail_if(any(x != 0 for x in A.ravel()), "factorization: k=0 but A has a nonzero entry")
        return 0
    if not isinstance(V, list) or len(V) != k or any(not isinstance(r, list) or len(r) != A.shape[1] for r in V):
        _fail(f"factorization: V must be {k} x {A.shape[1]}")
    _fail_if(A.dtype in (np.int64, np.float64), "factorization: an exact matrix is needed, not residues")
    words = 1 + max((len(str(x)) for r in V for x in r), default=1) // 19
    cost.work(A.shape[0] * k * A.shape[1] * words,
              f"the factorization check ({A.shape[0]} x {k} times {k} x {A.shape[1]})")
    Vq = [[parse_rational(x, field="V", max_digits=MAX_CERT_DIGITS) for x in r] for r in V]
    Aq = [[Fraction(x) for x in r] for r in A]
    C = [[r[j] for j in cols] for r in Aq]
    _fail_if(_fmpq_mat(C) * _fmpq_mat(Vq) != _fmpq_mat(Aq), "factorization: A[:, cols] V differs from A")
    return k


def _check_column_span(A: np.ndarray, c) -> int:
    """``column_span``: A[:, D] e == A[:, cols] W exactly (D: the columns not in ``cols``); return k."""
    keys(c, ("certificate", "k", "kind", "cols", "W", "e"), (), "rank_upper_bound")
    n, m = A.shape
    cols = index_list(c["cols"], m, "upper.cols")
    k, W, e = c["k"], c["W"], c["e"]
    _fail_if(type(k) is not int or k != len(cols), f"column_span: k={str(k)[:20]} but {len(cols)} columns are given")
    _fail_if(type(e) is not int or e == 0, f"column_span: e={str(e)[:20]}: expected a nonzero int")
    _fail_if(A.dtype in (np.int64, np.float64), "column_span: an exact matrix is needed, not residues")
    chosen = set(cols)
    D = [j for j in range(m) if j not in chosen]
    if not isinstance(W, list) or len(W) != k or any(not isinstance(r, list) or len(r) != len(D) for r in W):
        _fail(f"column_span: W must be {k} x {len(D)} (one column per column of A outside cols)")
    if k == 0:  # no columns span only 0
        _fail_if(any(x != 0 for x in A.ravel()), "column_span: k=0 but A has a nonzero entry")
        return 0
    if not D:
        return k
    Aq = [[Fraction(x) for x in r] for r in A]
    # A is scaled to integers by the lcm of its denominators (the same columns, the same span): its entries'
    # bits are estimated first, with W's, for the memory of the two integer matrices and the product
    bits = max(x.numerator.bit_length() for r in Aq for x in r) + cost.lcm_bits(x.denominator for r in Aq for x in r)
    cost.memory(2 * n * m * (bits // 8 + 32), f"the integer {n} x {m} matrix of the column-span check")
    words = 1 + max(len(str(x)) for r in W for x in r) // 19 + bits // 64
    cost.work(n * k * len(D) * words, f"the column-span check ({n} x {k} times {k} x {len(D)})")
    Wi = [[parse_rational(x, field="W", max_digits=MAX_CERT_DIGITS) for x in r] for r in W]
    _fail_if(any(x.denominator != 1 for r in Wi for x in r), "column_span: W must hold integers")
    scale = math.lcm(1, *(x.denominator for r in Aq for x in r))
    Ai = [[int(x * scale) for x in r] for r in Aq]
    lhs = flint.fmpz_mat([[Ai[i][j] for j in cols] for i in range(n)]) * flint.fmpz_mat([[int(x) for x in r]
                                                                                        for r in Wi])
    rhs = flint.fmpz_mat([[Ai[i][j] * e for j in D] for i in range(n)])
    _fail_if(lhs != rhs, "column_span: A[:, cols] W differs from A[:, D] e")
    return k


def entry_bound(net) -> int:
    """A bound on |A^y[d]| for every output y and grid point d of a net with integer weights, a linear or square
    activation and product or sum pooling: |sum_a w_a x_a| <= sum_a |w_a| b_a, |x^2| <= b^2, and a product (sum)
    of a window is at most the product (sum) of its bounds."""
    if any(type(x) is not int for x in net.weights()) or net.activation not in ("linear", "square") \
            or net.pooling not in ("product", "sum"):
        _fail("factors: needs integer weights, a linear or square activation and product or sum pooling")
    F = net.F or [[int(i == j) for j in range(net.M)] for i in range(net.M)]
    b = [[max(abs(row[j]) for row in F) for j in range(net.M)]] * net.N  # per position, per channel
    w, e = net.N if net.architecture == "shallow" else net.window, 2 if net.activation == "square" else 1
    for lay in net.layers:
        acts = [[sum(abs(x) * y for x, y in zip(v, bk)) ** e for v in (lay[0] if net.shared else lay[k])]
                for k, bk in enumerate(b)]
        b = [[(math.prod if net.pooling == "product" else sum)(c) for c in zip(*acts[j * w:(j + 1) * w])]
             for j in range(len(acts) // w)]
    return max(sum(abs(x) * y for x, y in zip(v, b[0])) for v in net.output)


def _int_matrix(x, r, c, what) -> np.ndarray:
    if not isinstance(x, list) or len(x) != r or any(not isinstance(row, list) or len(row) != c for row in x) \
            or any(isinstance(v, bool) or not isinstance(v, int) for row in x for v in row):
        _fail(f"factors: {what} must be an {r} x {c} matrix of ints")
    return np.array(x, dtype=object).reshape(r, c)


def check_factors(net, grid_mod, rows, c) -> int:
    """Verify a rank_upper_bound of kind ``factors``, ``[A]_rows == U V`` with integer U (n x k) and V (k x m):
    U V == A modulo distinct primes (``grid_mod(p)``: [A]_rows mod p) whose product exceeds the entry bound of A
    plus k max|U| max|V|, so that U V - A, divisible by their product and smaller, is 0; return k."""
    keys(c, ("certificate", "k", "kind", "U", "V", "primes"), (), "rank_upper_bound")
    _fail_if(c["certificate"] != "rank_upper_bound",
             f"certificate={str(c['certificate'])[:40]}: expected rank_upper_bound")
    n, m, k, primes = net.M ** len(rows), net.M ** (net.N - len(rows)), c["k"], c["primes"]
    if isinstance(k, bool) or not isinstance(k, int) or not 1 <= k <= min(n, m):
        _fail(f"factors: k={k!r}: expected an int in 1..{min(n, m)}")
    U, V = _int_matrix(c["U"], n, k, "U"), _int_matrix(c["V"], k, m, "V")
    if not isinstance(primes, list) or any(isinstance(p, bool) or not isinstance(p, int) or not 2 <= p < 1 << 26
                                           or not flint.fmpz(p).is_prime() for p in primes) \
            or len(set(primes)) != len(primes):
        _fail("factors: primes must be distinct primes below 2^26")
    bound = entry_bound(net) + k * max(abs(x) for x in U.flat) * max(abs(x) for x in V.flat)
    _fail_if(math.prod(primes) <= bound,
             f"factors: the primes' product is below the bound on |A| + |U V| ({bound.bit_length()} bits)")
    for p in primes:
        Up, Vp, UV = (U % p).astype(np.int64), (V % p).astype(np.int64), np.zeros((n, m), np.int64)
        for a in range(0, k, 1 << 11):  # int64: 2^11 products of residues below 2^26 at a time
            UV = (UV + Up[:, a:a + 2048] @ Vp[a:a + 2048]) % p
        _fail_if(not (UV == grid_mod(p)).all(), f"factors: U V differs from A modulo {p}")
    return k


def check_rank(A: np.ndarray, cert, modulus: int | None = None, consume: bool = False) -> tuple:
    """Verify a rank certificate {lower, upper}; return (lower k, upper k).  ``consume``: the lower bound's
    check may overwrite A (the upper bound then reads only its shape, or refuses residues)."""
    keys(cert, ("certificate", "lower", "upper"), (), "rank certificate")
    _fail_if(cert["certificate"] != "rank", f"certificate={cert['certificate']!r}: expected rank")
    lo = check_lower(A, cert["lower"], modulus, consume)
    up = check_upper(A, cert["upper"])
    _fail_if(lo > up, f"lower bound {lo} exceeds upper bound {up}")
    return lo, up


# -- structural bounds -------------------------------------------------------------------------
def trivial_bound(N, M, rows) -> int:
    return M ** min(len(rows), N - len(rows))


def iclr_upper_bound(N, M, window, widths, order, rows) -> int:
    """ICLR 2017 Theorem 1: the recursive upper bound on rank [A]_I of a deep ConvAC."""
    inI = [order[k] in set(rows) for k in range(N)]
    c, size = [1] * N, 1
    for l, r in enumerate(widths):
        size *= window
        nxt = []
        for k in range(N // size):
            i = sum(inI[k * size:(k + 1) * size])
            prod = math.prod(c[k * window:(k + 1) * window])
            nxt.append(min(M ** min(i, size - i), r * prod) if l < len(widths) - 1 else prod)
        c = nxt
    i = sum(inI)
    return min(M ** min(i, N - i), widths[-1] * c[0])


def widths_bound(net, rows) -> int:
    """The scope recursion over the pooling tree (valid for every operator); for deep ConvACs
    also ICLR 2017 Theorem 1, the smaller of the two."""
    I, M = set(rows), net.M

    def cap(s):
        return M ** min(len(s & I), len(s - I))

    def pure(s):
        return s <= I or not (s & I)

    def add(parts):  # parts: (scope, R, S, count) summed
        sides = {("I" if s <= I else "J") for s, _, _, _ in parts if pure(s)}
        s_ = sum(S * n for _, _, S, n in parts)
        tot = sum(R * n for _, R, _, n in parts)
        mixed = sum(R * n for s, R, _, n in parts if not pure(s))
        return min(tot, s_ + 2, len(sides) + mixed), s_

    def node(scope, r, s):
        if pure(scope):
            return scope, 1, 0
        R = min(r, cap(scope))
        return scope, R, min(s, R)

    groups = [(frozenset((net.order[k],)), 1, 0, net.M) for k in range(net.N)]  # rep groups per position
    linear = is_identity(net.activation)
    for lay in net.layers:
        w = net.N if net.architecture == "shallow" else net.window
        width = len(lay[0])
        acts = []
        for scope, R, S, n in groups:
            sc, r, s = node(scope, *add([(scope, R, S, n)]))
            if not pure(sc) and not linear:
                r = s = cap(sc)
            acts.append(node(sc, r, s))
        groups = []
        for j in range(len(acts) // w):
            win = acts[j * w:(j + 1) * w]
            sc = frozenset().union(*(a[0] for a in win))
            if net.pooling == "product":
                r = math.prod(a[1] for a in win)
                s = r
            elif net.pooling in ("sum", "average"):
                r, s = add([(a[0], a[1], a[2], 1) for a in win])
            else:
                r = s = cap(sc)
            groups.append(node(sc, r, s) + (width,))
    b = node(groups[0][0], *add(groups))[1]
    if net.architecture == "deep" and is_identity(net.activation) and net.pooling == "product":
        b = min(b, iclr_upper_bound(net.N, M, net.window, list(net.widths), list(net.order), sorted(I)))
    return b


def tensor_network(net):
    """Sites and bonds of a ConvAC as a tensor network: (bonds {(g, h): D}, copies {g: D})."""
    bonds, copies = {}, {}
    prev = [("rep", net.order[k]) for k in range(net.N)]
    for i in range(net.N):
        bonds[(("input", i), ("rep", i))] = net.M
    width_in = net.M
    for l, lay in enumerate(net.layers):
        w = net.N if net.architecture == "shallow" else net.window
        r = len(lay[0])
        for k, g in enumerate(prev):
            bonds[(g, ("conv", l, k))] = min(width_in, r)
            bonds[(("conv", l, k), ("act", l, k))] = r
            bonds[(("act", l, k), ("pool", l, k // w))] = r
        prev = [("pool", l, j) for j in range(len(prev) // w)]
        copies.update((g, r) for g in prev)
        width_in = r
    bonds[(prev[0], ("output",))] = min(width_in, 1)
    return bonds, copies


def min_cut_bound(net, rows) -> int:
    """rank [A]_I <= the product of the dimensions over a cut separating the I legs from the J legs
    of a ConvAC's tensor network (Levine et al., ICLR 2018); the least such product, exactly.

    The tensor network is a tree rooted at the output. A site is on the I side or the J side (its
    input legs are fixed: I or J); a bond of dimension D between sites on different sides is cut
    and multiplies the bound by D; a copy tensor (a pooling node) of dimension D may itself be cut,
    for a factor D, which frees all its bonds. Any such assignment is a cut and gives a valid bound;
    the dynamic programme below, from the leaves up, finds the least product over all of them with
    integers only: best[s] = the least product in a site's subtree with the site on side s (``"I"``,
    ``"J"``, or ``"cut"`` for a copy tensor).

    >>> from .network import read_net
    >>> net = read_net({"architecture": "deep", "N": 4, "M": 3, "activation": "linear", "pooling": "product",
    ...     "weights": {"layers": [[[[1, 2, 0], [3, -1, 1]]] * 4, [[[1, 1], [2, -3]]] * 2], "output": [[1, 1]]}})
    >>> min_cut_bound(net, {0, 1}), min_cut_bound(net, {0, 2})   # one pool of width 2 cut; two of them
    (2, 4)
    """
    bonds, copies = tensor_network(net)
    I = set(rows)
    below: dict = {}
    for (g, h), D in bonds.items():  # every bond joins a site to its parent: h is nearer the output than g
        below.setdefault(h, []).append((g, D))

    def best(g) -> dict:
        if g[0] == "input":
            return {"I" if g[1] in I else "J": 1}
        sides = ("I", "J", "cut") if g in copies else ("I", "J")
        out = {s: copies[g] if s == "cut" else 1 for s in sides}
        for child, D in below.get(g, ()):
            b = best(child)
            for s in sides:  # the bond costs D only between an I site and a J site
                out[s] *= min(v if s == "cut" or t in (s, "cut") else v * D for t, v in b.items())
        return out

    return min(best(("output",)).values())


def structural_bounds(net, rows) -> dict:
    """Every structural bound valid for the net's operator, by name (as in a rank answer).

    The bounds read the net's shape only (architecture, N, M, operator, window, patch order, widths), never its
    weights, so they are kept by that shape and the rows (a rank answer's bounds are derived once for the answer
    and once when the kernel verifies it; the second is a lookup of the kernel's own first derivation).
    """
    key = (net.architecture, net.N, net.M, net.activation, net.pooling, net.window, tuple(net.order), net.widths,
           frozenset(rows))
    out = _BOUNDS.get(key)
    if out is None:
        out = {"trivial": trivial_bound(net.N, net.M, rows), "widths": widths_bound(net, rows)}
        if is_identity(net.activation) and net.pooling == "product":
            out["min_cut"] = min_cut_bound(net, rows)
        if len(_BOUNDS) >= 256:
            _BOUNDS.clear()
        _BOUNDS[key] = out
    return dict(out)


#: structural_bounds by (shape, rows): the kernel's own values, at most 256 of them
_BOUNDS: dict = {}
