"""The approximation certificate: a shallow net of few channels cannot even approximate a deep net's tensor.

Proposition: for a matrix A = [A]_odd-even (exact rationals) and m >= 1, sigma_m(A) >= eps, where
eps^2 = ``eps2`` > 0; hence every matrix B of rank <= m - 1 has ||A - B||_F >= ||A - B||_2 >= eps (Weyl:
sigma_m(A) <= sigma_m(B) + ||A - B||_2 = ||A - B||_2).  A shallow net with Z channels whose one channel has
rank <= T for all weights has rank [.] <= Z T (subadditivity), so with m = Z T + 1 its grid tensor is at
Frobenius distance >= eps from A's (the grid tensor's Frobenius norm is its matricization's).  Quantifier: for
ALL shallow nets with at most Z channels (all weights).

Certificate ``{"kind": "courant_fischer", "X": n x m rational matrix (columns span a subspace)}``.  The
kernel computes, exactly in rationals, G = X^T (A^T A) X - eps2 X^T X and H = X^T X, and an LDL^T of each
(symmetric Gaussian elimination, no pivoting): H has m positive pivots (X has full column rank m), G has no
negative pivot and a zero pivot only with a zero remaining row (G is positive semidefinite).  Then for every
x = X c != 0, ||A x||^2 - eps2 ||x||^2 = c^T G c >= 0, so min over the m-dimensional subspace X of
||A x|| / ||x|| is >= eps, and by Courant-Fischer (sigma_m = max over m-dimensional subspaces of that
minimum) sigma_m(A) >= eps.  Nothing is floating point; a tampered eps2 makes G indefinite and is rejected.

>>> import numpy as np
>>> A = np.array([[2, 0], [0, 1]], dtype=object)
>>> check(A, {"kind": "courant_fischer", "X": [["1", "0"], ["0", "1"]]}, 2, "1", "cf")
2
>>> check(A, {"kind": "courant_fischer", "X": [["1", "0"], ["0", "1"]]}, 2, "5/4", "cf")
Traceback (most recent call last):
...
symbolic.errors.CertificateError: cf: X^T A^T A X - eps2 X^T X is not positive semidefinite (pivot 1 = -1/4)
"""

from __future__ import annotations

from fractions import Fraction

from .failure import need
from .parse import parse_rational
from .schema import fields, need as need_statement


def positive_rational(x, what) -> Fraction:
    """An exact positive rational given as an int or a "p/q" string (a statement field)."""
    need_statement(isinstance(x, (int, str)) and not isinstance(x, bool), f"{what}={str(x)[:40]!r}: an exact rational")
    try:
        q = Fraction(parse_rational(x, field=what))
    except Exception:  # the parser's own error names the field
        need_statement(False, f"{what}={str(x)[:40]!r}: an exact rational")
    need_statement(q > 0, f"{what}={x!r}: must be positive")
    return q


def _pivots(G, what, name, strict):
    """Symmetric Gaussian elimination: PSD (or PD when strict) by the signs of the pivots."""
    G = [row[:] for row in G]
    n = len(G)
    for i in range(n):
        d = G[i][i]
        need(d > 0 or (d == 0 and not strict and all(G[i][j] == 0 for j in range(i + 1, n))),
             f"{what}: {name} is not positive {'definite' if strict else 'semidefinite'} (pivot {i} = {d})")
        if d == 0:
            continue
        for j in range(i + 1, n):
            f = G[j][i] / d
            if f:
                for t in range(i, n):
                    G[j][t] -= f * G[i][t]


def check(A, cert, m: int, eps2, what="certificate") -> int:
    """sigma_m(A) >= sqrt(eps2) by the Courant-Fischer certificate; returns m."""
    fields(cert, ("kind", "X"), (), what)
    need(cert["kind"] == "courant_fischer", f"{what}: expected courant_fischer")
    e2 = positive_rational(eps2, "eps2")
    n = A.shape[1]
    X = cert["X"]
    need(isinstance(X, list) and len(X) == n and all(isinstance(r, list) and len(r) == m for r in X),
         f"{what}.X: expected {n} x {m} (columns: a basis of an m = {m} dimensional subspace)")
    X = [[Fraction(parse_rational(x, field=f"{what}.X")) for x in r] for r in X]
    Af = [[Fraction(x) for x in row] for row in A.tolist()]
    AX = [[sum(Af[i][t] * X[t][j] for t in range(n)) for j in range(m)] for i in range(len(Af))]
    H = [[sum(X[t][a] * X[t][b] for t in range(n)) for b in range(m)] for a in range(m)]
    G = [[sum(AX[t][a] * AX[t][b] for t in range(len(Af))) - e2 * H[a][b] for b in range(m)] for a in range(m)]
    _pivots(H, what, "X^T X", True)
    _pivots(G, what, "X^T A^T A X - eps2 X^T X", False)
    return m


__all__ = ["check", "positive_rational"]
