"""Tests of symbolic/kernel/blas_elimination.py: the rank mod p by elimination with exact float64 products.

Two routes agree exactly: the kernel's blocked elimination (numpy BLAS on integers below 2^53) and python-flint's
``nmod_mat`` rank; the minor it names is nonsingular by flint's determinant.  Random low-rank products U V mod p
(Hypothesis), zero rows and columns, wide and tall shapes, the largest prime it accepts with every entry p - 1
(the largest products), and tiny panels and inner limits that force every path: recursion, lazy reduction of
the trailing matrix, inner products cut into pieces.  Then the kernel's rank check through it: accepted minors,
refused singular ones, and residues of the wrong prime refused.
"""

from __future__ import annotations

import flint
import numpy as np
import pytest
import sympy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from symbolic.errors import CertificateError
from symbolic.kernel import blas_elimination as be
from symbolic.kernel.linalg import check_lower

P_MAX = int(sympy.prevprime(be.MAX_PRIME))  # 2097143: products of residues up to 2^42
PRIMES = (2, 3, 101, 1048573, P_MAX)


def flint_rank(A: np.ndarray, p: int) -> int:
    return flint.nmod_mat(A.shape[0], A.shape[1], [int(x) for x in A.ravel()], p).rank() if A.size else 0


def nonsingular(A: np.ndarray, p: int) -> bool:
    k = A.shape[0]
    return k == 0 or flint.nmod_mat(k, k, [int(x) for x in A.ravel()], p).det() != 0


def low_rank(rng, n, m, r, p) -> np.ndarray:
    """A random n x m matrix of rank at most r modulo p (a product U V of residues, exact in int64: r (p-1)^2
    < 2^63 for p < 2^21 and r < 2^20)."""
    U, V = rng.integers(0, p, (n, r)), rng.integers(0, p, (r, m))
    return (U @ V) % p if r else np.zeros((n, m), np.int64)


def agree(A: np.ndarray, p: int) -> int:
    """The two routes give one rank, and the named k x k minor is nonsingular mod p; return the rank."""
    k, R, C = be.rank_mod_p(A, p)
    assert k == flint_rank(A, p)
    assert len(R) == len(C) == k and R == sorted(set(R)) and C == sorted(set(C))
    assert nonsingular(A[np.ix_(R, C)], p)
    return k


def _tiny(mp):
    """Panels of 4 split in 2, base 2, and inner products of at most 9 terms before a reduction (below the
    exactness limit, so still exact): every path of the blocked elimination on small matrices (recursion,
    trailing updates left unreduced, then reduced, column chunks)."""
    for name, v in (("PANEL", 4), ("BASE", 2), ("SPLIT", 2), ("ROW_CHUNK", 5)):
        mp.setattr(be, name, v)
    mp.setattr(be, "inner_limit", lambda p: 9)


@pytest.fixture
def tiny_blocks(monkeypatch):
    _tiny(monkeypatch)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(n=st.integers(1, 40), m=st.integers(1, 40), r=st.integers(0, 40), p=st.sampled_from(PRIMES),
       seed=st.integers(0, 2**32 - 1), zero_lines=st.booleans(), tiny=st.booleans())
def test_agrees_with_flint_on_low_rank_matrices(monkeypatch, n, m, r, p, seed, zero_lines, tiny):
    rng = np.random.default_rng(seed)
    A = low_rank(rng, n, m, min(r, n, m), p)
    if zero_lines:
        A[:, rng.integers(0, m, m // 2)] = 0
        A[rng.integers(0, n, n // 3)] = 0
    with monkeypatch.context() as mp:
        if tiny:
            _tiny(mp)
        assert agree(A, p) <= min(r, n, m)


@pytest.mark.parametrize("shape", [(300, 300), (120, 410), (410, 120)])
def test_full_rank_and_deficient_with_every_path(tiny_blocks, shape):
    rng = np.random.default_rng(sum(shape))
    n, m = shape
    assert agree(rng.integers(0, P_MAX, shape), P_MAX) == min(n, m)
    assert agree(low_rank(rng, n, m, 37, P_MAX), P_MAX) == 37


def test_default_blocks_on_a_matrix_wider_than_a_panel():
    """600 x 1300: two levels of panels with the default sizes; rank 600 and rank 450."""
    rng = np.random.default_rng(5)
    assert agree(rng.integers(0, 1048573, (600, 1300)), 1048573) == 600
    assert agree(low_rank(rng, 600, 1300, 450, 1048573), 1048573) == 450


def test_largest_entries_and_prime():
    """Every entry p - 1 (products (p-1)^2, the largest sums the bound allows): rank 1; plus the identity."""
    for p in (P_MAX, 2):
        A = np.full((70, 90), p - 1, np.int64)
        A[:70, :70] += np.eye(70, dtype=np.int64)  # p - 1 + 1 = 0 mod p on the diagonal
        assert agree(A % p, p) == flint_rank(A % p, p)
    assert be.inner_limit(P_MAX) * (P_MAX - 1) ** 2 + P_MAX <= 2**53
    assert (be.inner_limit(P_MAX) + 1) * (P_MAX - 1) ** 2 + P_MAX > 2**53


def test_exactness_limit_on_the_largest_inner_products():
    """A product of exactly ``inner_limit(p)`` terms (p-1)^2 added to p - 1, with p just below 2^21 (the largest
    sum the elimination ever forms): equal to the exact integer, and reduced to the exact residue."""
    p, K = P_MAX, be.inner_limit(P_MAX)
    X, Y = np.full((3, K), p - 1.0), np.full((K, 2), p - 1.0)
    exact = (p - 1) + K * (p - 1) ** 2
    assert exact < 2**53
    acc = np.full((3, 2), p - 1.0)
    raw = acc + X @ Y
    assert (raw == float(exact)).all() and int(raw[0, 0]) == exact
    assert (be._mulmod(X, Y, p, K, acc.copy()) == exact % p).all()
    assert (be._mulmod(np.full((2, 3 * K + 1), p - 1.0), np.full((3 * K + 1, 2), p - 1.0), p, K)
            == (3 * K + 1) * (p - 1) ** 2 % p).all()


def test_zero_and_empty():
    assert be.rank_mod_p(np.zeros((0, 5), np.int64), 101) == (0, [], [])
    assert be.rank_mod_p(np.zeros((6, 5), np.int64), 101) == (0, [], [])


def test_refuses_primes_without_exact_products():
    with pytest.raises(CertificateError, match="below 2"):
        be.rank_mod_p(np.eye(3, dtype=np.int64), 1 << 21 | 1)
    with pytest.raises(CertificateError, match="integer"):
        be.residues(np.eye(3), 101)


def test_matricize_residues_matches_the_int64_matricization():
    from symbolic.kernel.linalg import matricize

    rng = np.random.default_rng(2)
    flat = rng.integers(-10**12, 10**12, 3**6)
    for rows in ([0, 2, 4], [0, 1, 2], [5], [1, 3]):
        A = be.matricize_residues(flat, 6, 3, rows, 101)
        assert A.dtype == np.float64 and (A == matricize(flat, 6, 3, rows) % 101).all()


def _cert(k, rows, cols, p):
    return {"certificate": "rank_lower_bound", "k": k, "rows": rows, "cols": cols, "prime": p}


def test_kernel_lower_bound_through_the_elimination(monkeypatch):
    """check_lower takes the float64 route (monkeypatched threshold): a nonsingular minor accepted, from int64,
    from Python ints and from float64 residues; a singular one and a wrong prime refused."""
    import symbolic.kernel.linalg as linalg

    monkeypatch.setattr(linalg, "BLAS_MIN", 4)
    p = 1048573
    rng = np.random.default_rng(3)
    A = low_rank(rng, 12, 12, 7, p)
    k, R, C = be.rank_mod_p(A, p)
    assert check_lower(A, _cert(k, R, C, p)) == 7
    assert check_lower(A.astype(object), _cert(k, R, C, p)) == 7
    res = be.residues(A, p)
    assert check_lower(res, _cert(k, R, C, p), modulus=p) == 7
    with pytest.raises(CertificateError, match="zero modulo"):
        check_lower(A, _cert(8, R + [max(set(range(12)) - set(R))], C + [max(set(range(12)) - set(C))], p))
    with pytest.raises(CertificateError, match="residues need the prime"):
        check_lower(res, _cert(k, R, C, p))
    full = rng.integers(0, p, (9, 9))
    whole = be.residues(full, p)
    assert check_lower(whole, _cert(9, list(range(9)), list(range(9)), p), modulus=p, consume=True) == 9
