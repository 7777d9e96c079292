"""Structured rank certificates (``"certificate": "kronecker"``): rank [A]_I without forming A.

Proposition (a ``rank`` statement, :mod:`symbolic.kernel.rank`): for a ConvAC with numeric weights, a
linear activation and product pooling (deep of any window and patch order, or shallow: one pooling of
window N), ``rank [A^y]_I = k``.  Quantifier: the one network.

What the kernel derives itself, from the weights, with the code below (nothing of it is read from the
certificate).  Cut the pooling tree into *blocks*: block (l, k) is the output of the convolution of
layer l at position k, a channel tensor chi_c (c < r_l) over the patches of its receptive field;
matricize each by the patches of that field in I (rows) and the rest (columns), in tree order (child 0
slowest; a row and column permutation of [A]_I, so of the same rank).  A block is *pure* when its patches
are all in I or all outside, *mixed* otherwise.  By induction over the tree, every block has

    [chi_c]_I = P diag(delta_c) Q^T    (P: R x K, Q: C x K, delta_c in Q^K; the same P, Q for all c)

- a maximal pure block on the I side with r_l <= R = M^(patches): P = V (its R x r_l channel vectors,
  computed by the forward pass of its subtree), Q = the 1 x r_l row of ones, delta_c = e_c (the
  *diagonal* form); with r_l > R: P = identity, delta_c = V[:, c] (the *dense* form).  J side: swap P, Q.
- a mixed block of layer l pools w blocks t (product pooling: the outer product, whose matricization is
  the Kronecker product of the children's), so channel c of the pool is
  (kron_t P_t) diag(kron_t delta_{t,c}) (kron_t Q_t)^T; kron_t delta_{t,c} vanishes outside
  S = {s : s_t = c for every diagonal child t, s_t any for the others, some c}, so P = (kron_t P_t)[:, S],
  Q = (kron_t Q_t)[:, S], and the convolution W of layer l acts on delta only: delta'_c' = sum_c W[c', c]
  (kron_t delta_{t,c})[S].  K = |S|: the inner size, a product of small per-level sizes.
- the root (the last pooling and the output weights o_y) gives [A^y]_I = P diag(g) Q^T, g = sum_c o_c
  (kron_t delta_{t,c})[S]: g is computed exactly (Python ints or Fractions), |S| entries.

Why acceptance implies truth.  Upper bound: A = P diag(g) Q^T is an identity, so rank A <= the number of
nonzero entries of g (<= the inner size |S|), with no condition.  Lower bound: if P and Q have full
column rank, rank A = rank diag(g) = that number.  Full column rank by induction: at a mixed block,
column s of P is kron_{t in T} P_t[:, s_t] (T: the children not pure on the J side, whose P is a row of
ones), and the kernel requires (refusing otherwise) that s -> (s_t)_{t in T} is injective on S (every dense
child is in T, and T holds a diagonal child when there is one); so the columns of P are distinct columns
of kron_{t in T} P_t, which has full column rank when every P_t has (rank(X kron Y) = rank X rank Y).  The
same for Q.  At the maximal pure blocks, P = identity (dense form) or V, whose r x r minor at the
certificate's ``rows`` is nonzero modulo the certificate's prime p (V has integer, or p-integral, entries;
a minor nonzero mod p is nonzero over Q).  So the kernel accepts exactly k = #{s : g_s != 0} as both
bounds, and the certificate only names the prime, the pivot rows of each diagonal pure block, the inner
size and k.

Cost (estimated before each step, :mod:`symbolic.kernel.cost`, refused over the run's ``--max-memory``): the
channel vectors of a pure block, R x (r + the columns of its input) residues of 8 bytes; the cores of a pool,
E x r_in pooled entries and r_out x K products, exact integers of at most ``bits`` bits each, where ``bits``
bounds the entries of a block of layer l: b_0 = b_F + b_W + log2 M + 1 and b_l = w b_{l-1} + b_W + log2 r_l + 1
(b_F, b_W: the bits of the largest numerator and denominator of F and of the weights; a product of w children's
entries adds their bits, a convolution sums r_l products).

>>> import json
>>> net = read_net({"architecture": "deep", "N": 4, "M": 2, "activation": "linear", "pooling": "product",
...     "weights": {"layers": [[[[1, 2], [3, -1]]] * 4, [[[1, 1], [2, -3]]] * 2], "output": [[1, 1]]}})
>>> derive(net, [0, 2], 0, 101)[:2]
(4, 4)
"""

from __future__ import annotations

from fractions import Fraction

import flint
import numpy as np

from . import cost
from .failure import fail, need
from .network import read_net  # noqa: F401  (the doctest)
from .schema import keys


def _bits(xs) -> int:
    """The most bits of the numerator and the denominator of exact numbers ``xs`` (ints: the denominator 1, 1 bit)."""
    ints = [abs(x) for x in xs if type(x) is int]
    qs = [Fraction(x) for x in xs if type(x) is not int]
    return max([max(ints, default=0).bit_length() + 1] + [q.numerator.bit_length() + q.denominator.bit_length()
                                                          for q in qs])


def _entry_bytes(bits: int, fractions: bool) -> int:
    """An object array's entry: a pointer and a Python int of ``bits`` bits (two, and a Fraction, for rationals)."""
    one = 8 * -(-(28 + 4 * max(1, -(-bits // 30))) // 8)
    return 8 + (2 * one + 56 if fractions else one)


def _residues(X, p) -> np.ndarray:
    A = np.array(X, dtype=object).reshape(len(X), -1)
    if all(type(x) is int for x in A.flat):  # integers: x mod p, in [0, p)
        return (A % p).astype(np.int64)

    def res(x):
        q = Fraction(x)
        need(q.denominator % p != 0, f"kronecker: prime={p} divides a denominator of the weights")
        return q.numerator * pow(q.denominator, -1, p) % p
    return np.array([res(x) for x in A.flat], dtype=np.int64).reshape(A.shape)


def _mulmod(X, Y, p) -> np.ndarray:
    out = np.zeros((X.shape[0], Y.shape[1]), np.int64)
    for a in range(0, X.shape[1], 1 << 11):  # 2^11 products of residues below 2^26 fit in int64
        out = (out + X[:, a:a + 2048] @ Y[a:a + 2048]) % p
    return out


def _khatri_rao(mats, p=None) -> np.ndarray:
    """Column c: the Kronecker product of the columns c of ``mats`` (first slowest)."""
    out = mats[0]
    for m in mats[1:]:
        out = (out[:, None, :] * m[None, :, :]).reshape(-1, m.shape[1])
        out = out % p if p else out
    return out


class _Tree:
    def __init__(self, net, rows):
        need(not net.symbolic and net.activation == "linear" and net.pooling == "product",
             "kronecker: needs numeric weights, a linear activation and product pooling")
        self.net, self.I = net, set(rows)
        self.w = net.N if net.architecture == "shallow" else net.window
        self.L = len(net.layers)
        F = net.F or tuple(tuple(int(i == j) for j in range(net.M)) for i in range(net.M))
        self.F = np.array(F, dtype=object).reshape(net.M, net.M)
        weights = [x for lay in net.layers for pos in lay for ch in pos for x in ch] + \
            [x for row in net.output for x in row]
        self.fractions = any(type(x) is not int for x in weights + list(self.F.flat))
        bw = _bits(weights)
        b = _bits(list(self.F.flat)) + bw + net.M.bit_length() + 1
        self.bits = [b]  # self.bits[l]: bits of the entries of a block of layer l (module docstring, Cost)
        for lay in net.layers[1:]:
            b = self.w * b + bw + len(lay[0][0]).bit_length() + 1
            self.bits.append(b)
        self.bits.append(self.w * b + bw + len(net.output[0]).bit_length() + 1)  # the root

    def W(self, l, k):
        lay = self.net.layers[l]
        return np.array(lay[0] if self.net.shared else lay[k], dtype=object)

    def side(self, l, k):
        size = self.w ** l
        ins = {self.net.order[i] in self.I for i in range(k * size, (k + 1) * size)}
        return "mixed" if len(ins) == 2 else ("I" if True in ins else "J")

    def vectors(self, l, k, p=None):
        """V of block (l, k): its channel vectors, rows = the templates of its patches in tree order."""
        W = self.W(l, k)
        R = self.net.M ** (self.w ** l)  # rows: the templates of the block's patches; estimated before X is made
        cost.memory(R * (W.shape[1] + W.shape[0]) * (8 if p else _entry_bytes(self.bits[l], self.fractions)),
                    f"the channel vectors of block ({l}, {k}) ({R:,} x {W.shape[0]}, kronecker)")
        if l == 0:
            X = _residues(self.F, p) if p else self.F
        else:
            X = _khatri_rao([self.vectors(l - 1, self.w * k + t, p) for t in range(self.w)], p)
        return _mulmod(X, _residues(W, p).T, p) if p else X.dot(W.T)

    def block(self, l, k, pure, p):
        """(side, K, delta) of block (l, k); delta None for the diagonal form (delta_c = e_c)."""
        side = self.side(l, k)
        if side != "mixed":
            R, r = self.net.M ** (self.w ** l), self.W(l, k).shape[0]
            if r <= R:
                pure.append((l, k, side))
                return side, r, None
            return side, R, self.vectors(l, k).T
        kids = [self.block(l - 1, self.w * k + t, pure, p) for t in range(self.w)]
        return "mixed", *self.pool(kids, self.W(l, k), f"block ({l}, {k})", self.bits[l])

    def pool(self, kids, W, what, bits):
        diag = [t for t, kid in enumerate(kids) if kid[2] is None]
        dense = [t for t, kid in enumerate(kids) if kid[2] is not None]
        for other in ("J", "I"):  # P's columns (other = J), then Q's: injective projection of S
            keep = {t for t, kid in enumerate(kids) if kid[0] != other}
            need(set(dense) <= keep and (not diag or keep & set(diag)),
                 f"kronecker: at {what} the inner indices do not stay independent (a dense child on the "
                 f"{other} side, or only {other}-side diagonal children); not a structured case")
        r_in = W.shape[1]
        E = 1
        for t in dense:
            E *= kids[t][1]
        K = E * (r_in if diag else 1)
        cost.memory((E * r_in + W.shape[0] * K) * _entry_bytes(bits, self.fractions),
                    f"the cores of {what} (inner size {K:,}, entries of up to {bits:,} bits, kronecker)")
        pooled = _khatri_rao([kids[t][2].T for t in dense]) if dense else np.ones((1, r_in), dtype=object)
        if diag:  # delta'[c', (c, s)] = W[c', c] pooled[s, c]
            return K, (W[:, :, None] * pooled.T[None, :, :]).reshape(W.shape[0], K)
        return K, W.dot(pooled.T)


def derive(net, rows, output, p):
    """(k, inner size, diagonal pure blocks [(l, k, side)], g): the structured form of [A^output]_rows."""
    tree, pure = _Tree(net, rows), []
    L, w = tree.L, tree.w
    kids = [tree.block(L - 1, t, pure, p) for t in range(w)]
    need(any(kid[0] == "mixed" for kid in kids) or {kid[0] for kid in kids} == {"I", "J"},
         "kronecker: rows must be a proper nonempty subset of the modes")
    K, g = tree.pool(kids, np.array([net.output[output]], dtype=object), "the root", tree.bits[-1])
    return sum(1 for x in g[0] if x != 0), K, pure, tree


def check(net, rows, output, cert) -> tuple:
    """Verify a kronecker certificate for rank [A^output]_rows of ``net``; return (lower, upper)."""
    keys(cert, ("certificate", "k", "inner", "prime", "pivots"), (), "certificate")
    p = cert["prime"]
    need(type(p) is int and 2 <= p < 1 << 26 and flint.fmpz(p).is_prime(),
         f"kronecker: prime={p!r}: expected a prime below 2^26")
    k, K, pure, tree = derive(net, rows, output, p)
    need(cert["inner"] == K, f"kronecker: inner={cert['inner']!r}, but the derived inner size is {K}")
    need(cert["k"] == k, f"kronecker: k={cert['k']!r}, but g has {k} nonzero entries")
    piv = cert["pivots"]
    need(isinstance(piv, list) and len(piv) == len(pure), f"kronecker: pivots for {len(pure)} pure blocks expected")
    for (l, b, side), item in zip(pure, piv):
        need(isinstance(item, list) and len(item) == 3 and item[:2] == [l, b],
             f"kronecker: pivots {str(item)[:40]}: expected [{l}, {b}, rows] (the diagonal pure blocks in order)")
        V = tree.vectors(l, b, p)
        r, rw = V.shape[1], item[2]
        if not isinstance(rw, list) or len(rw) != r or len(set(rw)) != r or any(
                isinstance(i, bool) or not isinstance(i, int) or not 0 <= i < V.shape[0] for i in rw):
            fail(f"kronecker: block ({l}, {b}): rows must be {r} distinct indices below {V.shape[0]}")
        need(flint.nmod_mat(r, r, V[rw].ravel().tolist(), p).det() != 0,
             f"kronecker: block ({l}, {b}): the {r} x {r} minor of its channel vectors is zero modulo {p}")
    return k, k


__all__ = ["check", "derive"]
