"""An exact linear-programming kernel over Fractions (dense two-phase simplex, Bland's rule).

Used by :mod:`symbolic.identity.decide` to decide the sign of linear forms on polyhedral
regions. sympy's ``lpmax`` is exact too, but slow (milliseconds per call) and
sympy 1.14 returns wrong answers on some infeasible LPs (a point violating a
constraint; sympy/sympy#28089). Every answer here is checked before it is
returned: an optimum by a dual vector y >= 0 with A^T y = c and b.y = value, an
infeasibility by a Farkas vector y >= 0 with A^T y = 0 and b.y < 0, an unbounded
objective by a feasible point and a ray d with A d <= 0, c.d > 0. These
certificates are returned (the dual vector of an optimum, the ray of an unbounded
objective) or carried by the exception (``Infeasible.farkas``), so that
:mod:`symbolic.identity.decide` can put them into its certificates, which the kernel
(:mod:`symbolic.kernel.regions`) checks by linear combinations alone.

>>> from fractions import Fraction as Q
>>> simplex([Q(1), Q(1)], [[Q(1), Q(0)], [Q(0), Q(1)]], [Q(1), Q(2)])[:2]
('optimal', Fraction(3, 1))
>>> simplex([Q(1), Q(1)], [[Q(1), Q(0)], [Q(0), Q(1)]], [Q(1), Q(2)])[3]  # the dual y: A^T y = c, b.y = 3
(Fraction(1, 1), Fraction(1, 1))
>>> try:
...     simplex([Q(1)], [[Q(1)], [Q(-1)]], [Q(0), Q(-1)])
... except Infeasible as e:
...     e.farkas  # y >= 0, A^T y = 0, b.y = -1 < 0
(Fraction(1, 1), Fraction(1, 1))
"""

from __future__ import annotations

from fractions import Fraction

__all__ = ["simplex", "Infeasible"]


class Infeasible(Exception):
    """The constraint set of an LP is empty; ``farkas`` is y >= 0 with A^T y = 0 and b.y < 0."""

    def __init__(self, farkas=()):
        super().__init__()
        self.farkas = tuple(farkas)


def _pivot(T, d, basis, r, j):
    piv = T[r][j]
    T[r] = [x / piv for x in T[r]]
    for i, row in enumerate(T):
        if i != r and row[j] != 0:
            f = row[j]
            T[i] = [x - f * y for x, y in zip(row, T[r])]
    if d[j] != 0:
        f = d[j]
        d[:] = [x - f * y for x, y in zip(d, T[r])]
    basis[r] = j


def _run(T, d, basis, ncols):
    """Maximise; d holds the reduced costs. Returns a column along which the objective is unbounded, or None."""
    while True:
        j = next((k for k in range(ncols) if d[k] > 0), None)  # Bland: the smallest improving column
        if j is None:
            return None
        rows = [i for i, row in enumerate(T) if row[j] > 0]
        if not rows:
            return j
        r = min(rows, key=lambda i: (T[i][-1] / T[i][j], basis[i]))
        _pivot(T, d, basis, r, j)


def _dot(u, v):
    return sum((x * y for x, y in zip(u, v)), Fraction(0))


def simplex(c, A, b):
    """max c.x subject to A x <= b, x free, exactly.

    Returns ``("optimal", value, x, y)`` with the dual y >= 0 (A^T y = c, b.y = value), or
    ``("unbounded", None, x, ray)`` with A ray <= 0 and c.ray > 0.

    Columns: u, v (x = u - v), the slacks s, the artificials of the rows with b_i < 0.
    Raises Infeasible, carrying a Farkas vector.
    """
    m, n = len(A), len(c)
    flipped = [i for i in range(m) if b[i] < 0]
    ncol = 2 * n + m + len(flipped)
    zero, one = Fraction(0), Fraction(1)
    T, basis = [], []
    for i in range(m):
        row = list(A[i]) + [-x for x in A[i]] + [one if k == i else zero for k in range(m)] + [zero] * len(flipped)
        rhs = b[i]
        if i in flipped:
            row, rhs = [-x for x in row], -rhs
            row[2 * n + m + flipped.index(i)] = one
            basis.append(2 * n + m + flipped.index(i))
        else:
            basis.append(2 * n + i)
        T.append(row + [rhs])
    cols = lambda k: [row[k] for row in A]  # noqa: E731
    duals = lambda dd: [-dd[2 * n + i] for i in range(m)]  # noqa: E731 - y_i = minus the reduced cost of slack i
    d = [zero] * (ncol + 1)  # phase 1: maximise minus the sum of the artificials
    for i in flipped:
        d = [x + y for x, y in zip(d, T[i])]
    for k in range(2 * n + m, ncol):
        d[k] = zero
    _run(T, d, basis, ncol)
    if d[-1] > 0:
        y = duals(d)
        if not (min(y, default=zero) >= 0 and all(_dot(y, cols(k)) == 0 for k in range(n)) and _dot(y, b) < 0):
            raise AssertionError("bug: the simplex found no Farkas certificate of infeasibility")
        raise Infeasible(y)
    for r, j in enumerate(basis):  # drive the artificials (now 0) out of the basis
        if j >= 2 * n + m:
            _pivot(T, d, basis, r, next(k for k in range(2 * n + m) if T[r][k] != 0))
    cost = list(c) + [-x for x in c] + [zero] * (ncol - 2 * n)
    d = cost + [zero]
    for i, j in enumerate(basis):
        if cost[j] != 0:
            d = [x - cost[j] * y for x, y in zip(d, T[i])]
    ray_col = _run(T, d, basis, 2 * n + m)
    z = [zero] * ncol
    for i, j in enumerate(basis):
        z[j] = T[i][-1]
    x = [z[k] - z[n + k] for k in range(n)]
    if any(_dot(A[i], x) > b[i] for i in range(m)):
        raise AssertionError("bug: the simplex returned an infeasible point")
    if ray_col is not None:
        dz = [zero] * ncol
        dz[ray_col] = one
        for i, j in enumerate(basis):
            dz[j] = -T[i][ray_col]
        ray = [dz[k] - dz[n + k] for k in range(n)]
        if not (all(_dot(A[i], ray) <= 0 for i in range(m)) and _dot(c, ray) > 0):
            raise AssertionError("bug: the simplex found no unbounded ray")
        return "unbounded", None, tuple(x), tuple(ray)
    value, y = _dot(c, x), duals(d)
    if not (min(y, default=zero) >= 0 and all(_dot(y, cols(k)) == c[k] for k in range(n)) and _dot(y, b) == value):
        raise AssertionError("bug: the simplex found no dual certificate of optimality")
    return "optimal", value, tuple(x), tuple(y)
