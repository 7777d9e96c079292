"""rank [A(w)]_I <= B(I) for EVERY weight w of a deep ConvAC: a factorization [A]_I = U V checked as an identity
of polynomials in the weights (Cohen & Shashua, ICLR 2017, Theorem 1, its upper bound).

Proposition.  For a deep ConvAC (linear activation, product pooling) with window w, patch order pi, widths
r_0..r_{L-1}, M templates and any representation F, and a partition (I, J) of the patches: for ALL weights,
rank [A]_I <= the inner size of the factorization built below, which is the theorem's recursive bound B(I).

Quantifier: for all weights (and all F).  The weights are free variables of python-flint ``fmpz_mpoly``
polynomials; nothing is evaluated at a point.

Why acceptance implies truth.
1. The kernel computes the grid tensor by its own forward pass over polynomials, from the statement alone
   (no certificate data): the templates are one-hot (F = I), layer l convolves the r_{l-1} channels of every
   position with free weights, product pooling multiplies the w children's tensors (child 0 slowest), the
   output layer convolves the r_{L-1} channels of the root.  Any other F gives A_F(a_0, a') = A_I(a_0 F^T, a')
   (the first convolution absorbs F), the same polynomial at other weights, so "for all weights at F = I"
   covers every F.
2. The kernel builds U, V from the same tree: a leaf (one patch's channel, a vector of M weights) is a column
   (patch in I) or a row (in J) times [1]; a node with children t and channel gamma, psi = sum_alpha a_alpha
   (x)_t psi_{t,alpha}, gets U = [a_alpha (x)_t U_{t,alpha}]_alpha (blocks side by side), V = [(x)_t
   V_{t,alpha}]_alpha (stacked), of inner size r * prod_t c_t; where M^min(|I_S|, |J_S|) is smaller, the node's
   own matricization times an identity instead.  Rows and columns are the node's modes in tree order.
3. It checks U V == [A]_I as polynomials (exact integer coefficients), one row i at a time: with marker
   variables x_{p,m} (none of them a weight), y_j = prod_{p in J} x_{p, j_p} are distinct monomials, so
   sum_j y_j (U V)[i, j] == sum_j y_j [A]_I[i, j] holds iff every entry of row i agrees.  It skips this only
   when the inner size is already the smaller side of [A]_I (every matrix has rank <= its smaller side).  A
   polynomial identity holds at every point, so for every weight rank [A(w)]_I = rank U(w) V(w) <= inner size.
   The matrices are [A]_I up to a fixed permutation of rows and of columns (tree order instead of patch
   order), which keeps the rank.  Step 2 is therefore never trusted: a wrong construction fails step 3.
4. The caller compares the inner size with the statement's bound.

Cost (estimated before any polynomial is made, :mod:`symbolic.kernel.cost`): the weight count; the terms of
the symbolic grid tensor, M^N times the terms of one entry (prod over the tree of the fan-in times the
children's terms); and the work, those terms times 8 per partition (measured: 0.06 to 0.5 us per term and partition).

>>> bounds(4, 2, 2, [2, 2], [0, 1, 2, 3], [[0, 2], [0, 1]])
[4, 2]
"""

from __future__ import annotations

import functools
import operator
import math

import flint
import numpy as np

from . import cost
from .failure import need


def _outer(s: list, t: list) -> list:
    return [x * y for x in s for y in t]


def _total(xs, zero):
    """The sum of polynomials, added in pairs (a running sum would copy the growing total each time)."""
    xs = list(xs)
    while len(xs) > 1:
        xs = [xs[i] + xs[i + 1] if i + 1 < len(xs) else xs[i] for i in range(0, len(xs), 2)]
    return xs[0] if xs else zero


def _kron(A: list, B: list) -> list:
    return [[x * y for x in ra for y in rb] for ra in A for rb in B]


def estimate(N: int, M: int, window: int, widths: list, partitions: int) -> int:
    """Refuse (:class:`~symbolic.errors.TooLarge`) before work when the check is over the budget; the terms of
    the symbolic grid tensor."""
    L = len(widths)
    weights = sum(N // window ** l * r * (M if l == 0 else widths[l - 1]) for l, r in enumerate(widths))
    cost.symbols(weights + widths[-1], "the symbolic ConvAC of the factorization check")
    terms = 1
    for l in range(1, L + 1):
        terms = widths[l - 1] * terms ** window
    total = M ** N * terms
    cost.entries(total, f"terms of the symbolic grid tensor (N={N}, M={M}, widths={widths})")
    cost.work(8 * total * partitions, f"the factorization checks of {partitions} partition(s)")
    return total


def forward(N: int, M: int, window: int, widths: list):
    """The symbolic forward pass: per level, per node, per channel, (tensor, weights); tensors are flat row-major
    lists of polynomials over the node's patches in tree order; leaves have no weights row (None).  The ring
    also holds N * M marker variables (the last ones), for :func:`bounds`."""
    nv = sum(N // window ** l * r * (M if l == 0 else widths[l - 1]) for l, r in enumerate(widths)) + widths[-1]
    ctx = flint.fmpz_mpoly_ctx.get(("w", nv + N * M))
    gens = iter(ctx.gens())
    level: list = [[([next(gens) for _ in range(M)], None) for _ in range(widths[0])] for _ in range(N)]
    levels: list = [level]
    for l in range(1, len(widths) + 1):
        fan, out = widths[l - 1], widths[l] if l < len(widths) else 1
        nxt: list = []
        for j in range(len(level) // window):
            kids = level[j * window:(j + 1) * window]
            pooled = [functools.reduce(_outer, (k[a][0] for k in kids)) for a in range(fan)]  # product pooling
            node = []
            for _ in range(out):
                a = [next(gens) for _ in range(fan)]
                node.append(([sum((x * p[i] for x, p in zip(a, pooled)), ctx.constant(0))
                              for i in range(len(pooled[0]))], a))
            nxt.append(node)
        level = nxt
        levels.append(level)
    return ctx, levels


def _matricize(T: list, M: int, side: list) -> list:
    """[T]_side of a flat row-major tensor: rows = the modes with side True, in order."""
    n = len(side)
    rows, cols = [i for i, s in enumerate(side) if s], [i for i, s in enumerate(side) if not s]
    perm = np.arange(M ** n).reshape((M,) * n).transpose(rows + cols).ravel().tolist()
    nc = M ** len(cols)
    return [[T[k] for k in perm[i:i + nc]] for i in range(0, len(perm), nc)]


def factor(ctx, levels, M: int, window: int, side: list) -> tuple:
    """U, V of the root and its tree-order side (step 2 of the module docstring); ``side[k]``: tree position k
    holds a patch of I."""
    one, zero = ctx.constant(1), ctx.constant(0)

    def eye(n):
        return [[one if i == j else zero for j in range(n)] for i in range(n)]

    fac = [[([[x] for x in t], [[one]]) if side[k] else ([[one]], [list(t)]) for t, _ in node]
           for k, node in enumerate(levels[0])]
    sides = [[s] for s in side]
    for level in levels[1:]:
        new, new_sides = [], []
        for j, node in enumerate(level):
            kids, sd = fac[j * window:(j + 1) * window], sum(sides[j * window:(j + 1) * window], [])
            nr, nc = M ** sum(sd), M ** (len(sd) - sum(sd))
            inner = len(node[0][1]) * math.prod(len(k[0][1]) for k in kids)
            out = []
            for T, a in node:
                if inner > min(nr, nc):
                    mat = _matricize(T, M, sd)
                    out.append((eye(nr), mat) if nr <= nc else (mat, eye(nc)))
                    continue
                U: list = [[] for _ in range(nr)]
                V: list = []
                for al, x in enumerate(a):
                    Uk = functools.reduce(_kron, (k[al][0] for k in kids))
                    for row, ext in zip(U, Uk):
                        row.extend(x * y for y in ext)
                    Vk: list = functools.reduce(_kron, [k[al][1] for k in kids])
                    V.extend(Vk)
                out.append((U, V))
            new.append(out)
            new_sides.append(sd)
        fac, sides = new, new_sides
    return fac[0][0][0], fac[0][0][1], sides[0]


def bounds(N: int, M: int, window: int, widths: list, order: list, partitions: list, what: str = "factorization"):
    """Per partition (rows I, increasing patches), the inner size of a factorization [A]_I = U V checked as an
    identity of polynomials in the weights (so rank [A(w)]_I <= it for every w)."""
    estimate(N, M, window, widths, len(partitions))
    ctx, levels = forward(N, M, window, widths)
    root = levels[-1][0][0][0]
    zero, one, out = ctx.constant(0), ctx.constant(1), []
    x = ctx.gens()[-N * M:]  # markers x_{p,m}, variables of no weight
    marks = [[x[p * M + m] for m in range(M)] for p in range(N)]
    for rows in partitions:
        U, V, sd = factor(ctx, levels, M, window, [order[k] in set(rows) for k in range(N)])
        A = _matricize(root, M, sd)
        if len(V) >= min(len(A), len(A[0])):  # no identity needed: every matrix has rank <= its smaller side
            out.append(min(len(A), len(A[0])))
            continue
        need(len(U) == len(A) and all(len(r) == len(V) for r in U) and all(len(r) == len(A[0]) for r in V),
             f"{what}: rows {rows}: U, V are not {len(A)} x n and n x {len(A[0])}")
        # row i: sum_j y_j (U V)[i, j] == sum_j y_j A[i, j], y_j = prod_{p in J} x_{p, j_p} distinct monomials
        y = functools.reduce(_outer, [m for m, s in zip(marks, sd) if not s], [one])
        v = [_total((b * c for b, c in zip(y, row) if not c.is_zero()), zero) for row in V]
        for i, (u, arow) in enumerate(zip(U, A)):
            uv = _total((a * b for a, b in zip(u, v) if not a.is_zero()), zero)
            need(uv == _total(map(operator.mul, y, arow), zero),
                 f"{what}: rows {rows}: row {i} of U V differs from [A]_I as polynomials")
        out.append(len(V))
    return out


__all__ = ["bounds", "estimate", "forward", "factor"]
