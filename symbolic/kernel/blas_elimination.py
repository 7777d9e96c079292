"""The rank of a matrix modulo a prime p, by Gaussian elimination whose matrix products run in float64 BLAS.

Proposition: ``rank_mod_p(A, p)`` returns ``(k, rows, cols)`` where k is the rank of A over the field
GF(p) (A: integer residues in [0, p)), and ``A[rows][:, cols]`` is a k x k submatrix that is nonsingular
modulo p.

Why the result is true: the algorithm is Gaussian elimination over GF(p) with row pivoting (a right-looking
blocked LU factorization P A = L U, LAPACK's dgetrf order, in exact arithmetic modulo p), and every
arithmetic operation on the matrix is exact:

- entries are kept as float64 values that are integers in [0, p); the prime is below ``MAX_PRIME`` = 2^21,
  so every entry and every product of two entries, below 2^42, is an exactly representable integer;
- a matrix product is computed by BLAS (``numpy.matmul``) only with inner dimension at most
  ``inner_limit(p)`` = floor((2^53 - p) / (p - 1)^2), after which it is added to an entry below p: every
  partial sum that BLAS forms, in whatever order and with whatever blocking or FMA, is a sum of products of
  integers in [0, p), so an integer in [0, 2^53), and float64 represents every integer of [0, 2^53) exactly;
  a float addition of two such integers whose exact sum is below 2^53 is exact, so no rounding ever happens;
- the sum is then reduced modulo p in int64 (the conversion of an integer-valued float below 2^53 to int64 is
  exact); subtractions are additions of the negated residue p - x (so no partial sum is negative);
- scalar inverses are Python's ``pow(v, -1, p)`` of exact ints.

So every quantity equals the one Gaussian elimination over GF(p) computes by hand; floats never round and
never decide anything.  Elimination over GF(p) with row pivoting finds, column by column, the first column
(of the rows not yet used as pivots) with a nonzero entry; the pivot columns C and pivot rows R it chooses
give ``A[R][:, C] = L11 U11`` with L11 unit lower triangular and U11 upper triangular with the nonzero pivots
on its diagonal, so ``A[R][:, C]`` is nonsingular mod p, and no larger set is independent (the rows below
are reduced to zero), so k = |R| = |C| is the rank mod p.  The caller (:func:`symbolic.kernel.linalg.
check_lower`) relies only on the first half, and checks it: a k x k minor that is nonzero modulo p is nonzero
over Q (for an integer matrix), so rank over Q >= k; the upper bound comes from elsewhere (trivial, or a
factorization checked over Q).

The blocking: columns are eliminated in panels (``PANEL`` wide, recursively narrower down to ``BASE``); a
panel's pivots are found by elimination of the panel alone, their transformation is applied to the columns
to the right by one triangular solve (``L11^{-1}``, a product of exact inverses) and one product
``A22 += (-L21) U12``, the matrix product that dominates the O(n^3) cost and runs on every core.

>>> import numpy as np
>>> A = np.array([[1, 2, 3], [2, 4, 6], [1, 0, 1]], dtype=np.float64)
>>> rank_mod_p(A, 101)
(2, [0, 2], [0, 1])
"""

from __future__ import annotations

import numpy as np

from .failure import need

#: Primes are below 2^21: products of residues are below 2^42, and inner products of length 2047 stay below 2^53.
MAX_PRIME = 1 << 21
#: Width of the outer column panels, and the width below which a panel is eliminated column by column.
PANEL, BASE, SPLIT = 512, 16, 8
#: Rows of the trailing matrix updated per matrix product (bounds the temporary arrays).
ROW_CHUNK = 1024


def inner_limit(p: int) -> int:
    """The largest inner dimension t with t (p-1)^2 + (p-1) < 2^53: a matrix product of residues with inner
    dimension t, added to a residue, has every partial sum an integer below 2^53 (exact in float64)."""
    return ((1 << 53) - p) // ((p - 1) ** 2)


def residues(A: np.ndarray, p: int) -> np.ndarray:
    """A float64 copy of the integer (int64 or uint64) matrix A reduced into [0, p), a block of rows at a time."""
    need(type(p) is int and 2 <= p < MAX_PRIME, f"prime={p!r}: the float64 elimination needs a prime below 2^21")
    need(A.dtype in (np.int64, np.uint64), f"residues of an integer matrix are needed, not {A.dtype}")
    out = np.empty(A.shape, np.float64)
    for a in range(0, A.shape[0], ROW_CHUNK):
        out[a:a + ROW_CHUNK] = A[a:a + ROW_CHUNK] % p  # integers below 2^21: exact in float64
    return out


def matricize_residues(flat: np.ndarray, N: int, M: int, rows, p: int) -> np.ndarray:
    """[A]_rows of a row-major order-N tensor of integers (int64), as float64 residues mod p: written straight
    into the float64 matrix, one slice of the first row mode at a time (no int64 copy of the whole matrix)."""
    need(type(p) is int and 2 <= p < MAX_PRIME, f"prime={p!r}: the float64 elimination needs a prime below 2^21")
    need(flat.dtype == np.int64 and flat.size == M ** N, "an int64 tensor of M^N entries is needed")
    cols = [i for i in range(N) if i not in rows]
    T = flat.reshape((M,) * N).transpose(list(rows) + cols)
    out = np.empty((M ** len(rows), M ** len(cols)), np.float64)
    view = out.reshape((M,) * N)
    for i in range(M):  # int64 residues below 2^21, exact in float64
        view[i] = T[i] % p
    return out


def _neg(x: np.ndarray, p: int) -> np.ndarray:
    """-x mod p of residues: p - x, and 0 for 0 (an exact float subtraction of integers)."""
    return np.where(x == 0, 0.0, p - x)


def _reduce(x: np.ndarray, p: int, scratch=None):
    """x (float64, integers in [0, 2^53)) replaced by x mod p, exactly (through int64)."""
    s = np.empty(x.shape, np.int64) if scratch is None or scratch.shape != x.shape else scratch
    np.copyto(s, x, casting="unsafe")
    np.remainder(s, p, out=s)
    np.copyto(x, s, casting="unsafe")


def _mulmod(X: np.ndarray, Y: np.ndarray, p: int, K: int, acc=None) -> np.ndarray:
    """(acc + X Y) mod p for residue matrices, inner dimension cut into pieces of at most K."""
    out = np.zeros((X.shape[0], Y.shape[1])) if acc is None else acc
    for a in range(0, X.shape[1], K):
        out += X[:, a:a + K] @ Y[a:a + K]
        _reduce(out, p)
    return out


def _unit_lower_inverse(L: np.ndarray, p: int, K: int) -> np.ndarray:
    """The inverse modulo p of the unit lower triangular matrix L (its diagonal is taken as 1), by
    inv [[A, 0], [C, D]] = [[A^-1, 0], [-D^-1 C A^-1, D^-1]]."""
    s = L.shape[0]
    if s <= BASE:
        X = np.eye(s)
        for i in range(1, s):  # row i of X: -sum_{j<i} L[i, j] X[j, :], exact (s (p-1)^2 < 2^53)
            row = L[i:i + 1, :i] @ X[:i, :i]
            _reduce(row, p)
            X[i, :i] = _neg(row[0], p)
        return X
    h = s // 2
    Ai, Di = _unit_lower_inverse(L[:h, :h], p, K), _unit_lower_inverse(L[h:, h:], p, K)
    X = np.zeros((s, s))
    X[:h, :h], X[h:, h:] = Ai, Di
    CA = _mulmod(L[h:, :h], Ai, p, K)
    X[h:, :h] = _neg(_mulmod(Di, CA, p, K), p)
    return X


def _swap(A, perm, a, b):
    if a != b:
        tmp = A[a].copy()
        A[a] = A[b]
        A[b] = tmp
        perm[a], perm[b] = perm[b], perm[a]


def _base(A, perm, p, r0, c0, c1) -> list:
    """Column-by-column (left-looking) elimination of columns c0..c1-1 below row r0, on a transposed copy of
    the panel (a column is a contiguous row of ``T``): column j first receives the transformations of the t
    pivots found so far (a forward substitution on the pivot rows, in Python ints, then one product of inner
    dimension t <= BASE on the rows below), then gives the next pivot.  Multipliers are stored negated
    (-l mod p) below each pivot."""
    T = A[r0:, c0:c1].T.copy()  # a copy (never a view of A: the full rows of A are swapped below)
    w, h = T.shape
    LT = np.zeros((w, h))  # row k: -l of the k-th pivot, on the rows below it
    piv: list = []
    t = 0
    for j in range(w):
        if t == h:
            break
        col = T[j]
        if t:
            L11 = LT[:t, :t].astype(np.int64).tolist()
            u = [int(x) for x in col[:t]]
            for i in range(1, t):  # u_i - sum_k l_ik u_k, with -l_ik = L11[k][i] stored: Python ints
                u[i] = (u[i] + sum(L11[k][i] * u[k] for k in range(i))) % p
            col[:t] = u
            rest = col[t:]
            rest += np.array(u, np.float64) @ LT[:t, t:]  # below p + t (p-1)^2 < 2^53
            _reduce(rest, p)
        i = int(np.argmax(col[t:] != 0))
        if col[t + i] == 0:
            continue
        if i:
            T[:, [t, t + i]] = T[:, [t + i, t]]
            LT[:, [t, t + i]] = LT[:, [t + i, t]]
            _swap(A, perm, r0 + t, r0 + t + i)  # the other columns of the full rows (the panel is rewritten)
        inv = pow(int(col[t]), -1, p)
        LT[t, t + 1:] = (p - col[t + 1:].astype(np.int64)) * inv % p  # -l_i = -a_ij / a_tj, int64 below 2^42
        col[t + 1:] = LT[t, t + 1:]
        piv.append(j)
        t += 1
    A[r0:, c0:c1] = T.T
    return [c0 + j for j in piv]


def _eliminate(A, perm, p, K, r0, c0, c1) -> list:
    """Eliminate columns c0..c1-1 with the rows from r0 on (row swaps act on whole rows); return the pivot
    columns.  On entry A[r0:, c0:c1] holds residues; on exit rows r0..r0+k-1 hold U on these columns, with
    -L below each pivot, and zeros below the pivots elsewhere (all residues).

    The trailing columns are reduced lazily: after ``pending`` products of inner dimension at most b their
    entries are integers below p + pending b (p-1)^2, and another product is added only while
    (pending + 1) b <= K, so below 2^53; a panel's columns and its pivot rows are reduced before they are used."""
    w = c1 - c0
    if w <= BASE:
        return _base(A, perm, p, r0, c0, c1)
    b = min(PANEL if w > PANEL else max(BASE, w // SPLIT), K)
    n, r, piv, pending = A.shape[0], r0, [], 0
    for c in range(c0, c1, b):
        if r == n:
            break
        e = min(c + b, c1)
        if pending:
            _reduce(A[r:, c:e], p)
        pc = _eliminate(A, perm, p, K, r, c, e)
        s = len(pc)
        if s and e < c1:
            if pending:
                _reduce(A[r:r + s, e:c1], p)
            cols = slice(pc[0], pc[-1] + 1) if pc[-1] - pc[0] == s - 1 else pc
            L = _neg(np.tril(A[r:r + s, cols], -1), p)  # the strictly lower part of L11 (its diagonal is 1)
            U12 = _mulmod(_unit_lower_inverse(L, p, K), A[r:r + s, e:c1], p, K)
            A[r:r + s, e:c1] = U12
            if (pending + 1) * b > K:
                _reduce(A[r + s:, e:c1], p)
                pending = 0
            for a in range(r + s, n, ROW_CHUNK):  # A22 += (-L21) U12: integers below p + (pending+1) b (p-1)^2
                z = min(a + ROW_CHUNK, n)
                A[a:z, e:c1] += A[a:z, cols] @ U12
            pending += 1
        piv += pc
        r += s
    return piv


def rank_mod_p(A: np.ndarray, p: int, *, overwrite: bool = False) -> tuple:
    """(k, rows, cols): the rank k of A modulo the prime p, and k rows and k columns (increasing) of a
    submatrix nonsingular modulo p.

    Parameters
    ----------
    A : numpy.ndarray
        float64 residues (integers in [0, p)), or an integer array (reduced first, by :func:`residues`).
    p : int
        A prime below ``MAX_PRIME`` (2^21); primality is the caller's to check.
    overwrite : bool
        Eliminate in A itself (float64 residues only) instead of a copy: no second matrix in memory.

    Returns
    -------
    tuple
        ``(k, rows, cols)``.
    """
    need(type(p) is int and 2 <= p < MAX_PRIME, f"prime={p!r}: the float64 elimination needs a prime below 2^21")
    if A.dtype != np.float64:
        A = residues(A, p)
    elif not overwrite:
        A = A.copy()
    need(A.ndim == 2 and A.flags.c_contiguous, "a C-contiguous matrix is needed")
    n, m = A.shape
    if n == 0 or m == 0:
        return 0, [], []
    perm = list(range(n))
    cols = _eliminate(A, perm, p, inner_limit(p), 0, 0, m)
    k = len(cols)
    return k, sorted(perm[:k]), cols


__all__ = ["rank_mod_p", "residues", "inner_limit", "MAX_PRIME"]
