"""Tests of symbolic/kernel/linalg.py: rank certificates and structural bounds, checked by definitions.

Hand-made matrices of known rank (products U V of random integer factors); the truth comes
from two libraries that agree (python-flint's exact rank over Q and sympy's), the
certificates are built here by brute force (a nonzero minor found by enumeration, the CR
factorization A = A[:, pivots] R from sympy's rref), and every forgery is refused. The
kernel's structural bounds are compared with the prover's own implementation
(symbolic.rank.bounds) and with exact ranks of the kernel's grid tensors.
"""

from __future__ import annotations

import itertools
import random
from fractions import Fraction as Q

import flint
import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from symbolic.rank.bounds import bounds as prover_bounds
from symbolic.rank.bounds import iclr_upper_bound as prover_iclr
from symbolic.errors import CertificateError
from symbolic.kernel.linalg import (check_lower, check_rank, check_upper, iclr_upper_bound, index_list, keys, matricize,
                                    structural_bounds, trivial_bound)
from symbolic.kernel.network import grid, read_net
from symbolic.rank.matricization import matricize_array
from symbolic.spec.network import deep, shallow, spec_to_dict

PRIMES = (101, 65537, 67108859, 2305843009213693951)  # the last is 2^61 - 1


def _ranks(A):
    """The rank of an exact matrix by flint and by sympy: two libraries, one answer."""
    rows = [[Q(x) for x in r] for r in A.tolist()]
    m = flint.fmpq_mat(len(rows), len(rows[0]), [flint.fmpq(q.numerator, q.denominator) for r in rows for q in r])
    r1, r2 = m.rank(), sympy.Matrix(rows).rank()
    assert r1 == r2
    return r1


def _low_rank(n, m, r, seed, denominators=(1,)):
    rng = random.Random(seed)
    U = [[Q(rng.randint(-3, 3), rng.choice(denominators)) for _ in range(r)] for _ in range(n)]
    V = [[Q(rng.randint(-3, 3)) for _ in range(m)] for _ in range(r)]
    A = [[sum(U[i][k] * V[k][j] for k in range(r)) for j in range(m)] for i in range(n)]
    return np.array([[x.numerator if x.denominator == 1 else x for x in row] for row in A], dtype=object)


def _nonzero_minor(A, k):
    """A k x k minor with nonzero determinant, by enumeration (sympy's det): (rows, cols, det)."""
    for rows in itertools.combinations(range(A.shape[0]), k):
        for cols in itertools.combinations(range(A.shape[1]), k):
            d = sympy.Matrix([[sympy.Rational(str(A[i, j])) for j in cols] for i in rows]).det()
            if d != 0:
                return list(rows), list(cols), d
    return None


def _good_prime(d):
    num, den = sympy.fraction(sympy.Rational(d))
    return next(p for p in PRIMES if num % p and den % p)


def _lower(k, rows, cols, p):
    return {"certificate": "rank_lower_bound", "k": k, "rows": rows, "cols": cols, "prime": p}


def _upper(A):
    """The CR factorization: A = A[:, pivots] R with R the nonzero rows of rref(A)."""
    R, piv = sympy.Matrix([[sympy.Rational(str(x)) for x in r] for r in A.tolist()]).rref()
    V = [[str(R[i, j]) for j in range(A.shape[1])] for i in range(len(piv))]
    return {"certificate": "rank_upper_bound", "k": len(piv), "kind": "factorization", "cols": list(piv), "V": V}


def _cert(A, seed=0):
    r = _ranks(A)
    rows, cols, d = _nonzero_minor(A, r)
    return {"certificate": "rank", "lower": _lower(r, rows, cols, _good_prime(d)), "upper": _upper(A)}, r


# ----------------------------------------------------------------------------- rank certificates
@settings(max_examples=30, deadline=None)
@given(st.integers(1, 4), st.integers(1, 4), st.integers(1, 3), st.integers(0, 10**6))
def test_a_true_rank_certificate_is_accepted(n, m, r, seed):
    A = _low_rank(n, m, r, seed, denominators=(1, 2, 3))
    if _ranks(A) == 0:
        return
    cert, rank = _cert(A)
    assert check_rank(A, cert) == (rank, rank)


@settings(max_examples=60, deadline=None)
@given(st.integers(2, 4), st.integers(1, 3), st.integers(0, 10**6), st.sampled_from(PRIMES[:2]))
def test_a_minor_is_accepted_iff_its_determinant_is_nonzero_mod_p(n, k, seed, p):
    rng = random.Random(seed)
    A = np.array([[rng.randint(-2, 2) for _ in range(n)] for _ in range(n)], dtype=object)
    k = min(k, n)
    rows, cols = sorted(rng.sample(range(n), k)), sorted(rng.sample(range(n), k))
    det = sympy.Matrix([[int(A[i, j]) for j in cols] for i in rows]).det()
    if det % p:
        assert check_lower(A, _lower(k, rows, cols, p)) == k
    else:
        with pytest.raises(CertificateError, match="zero modulo"):
            check_lower(A, _lower(k, rows, cols, p))


def test_no_minor_beyond_the_rank_is_accepted():
    A = _low_rank(4, 4, 2, seed=3)
    assert _ranks(A) == 2
    for rows in itertools.combinations(range(4), 3):
        for cols in itertools.combinations(range(4), 3):
            with pytest.raises(CertificateError):
                check_lower(A, _lower(3, list(rows), list(cols), 101))


def test_forged_factorizations_are_refused():
    A = _low_rank(4, 5, 2, seed=7, denominators=(1, 2))
    cert, r = _cert(A)
    assert check_upper(A, cert["upper"]) == r == 2
    bad = dict(cert["upper"], V=[list(row) for row in cert["upper"]["V"]])
    bad["V"][0][-1] = str(Q(bad["V"][0][-1]) + 1)
    with pytest.raises(CertificateError, match="differs"):
        check_upper(A, bad)
    with pytest.raises(CertificateError, match="k="):
        check_upper(A, dict(cert["upper"], k=1))
    with pytest.raises(CertificateError, match="must be"):
        check_upper(A, dict(cert["upper"], V=cert["upper"]["V"][:1]))
    with pytest.raises(CertificateError):  # too few columns to span A
        R1 = _upper(A[:, :1])
        check_upper(A, dict(R1, V=[R1["V"][0] + ["0"] * 4]))
    with pytest.raises(CertificateError, match="residues"):
        check_upper(np.zeros(A.shape, np.int64), cert["upper"])


def test_trivial_upper_bounds_and_kinds():
    A = _low_rank(3, 5, 3, seed=1)
    assert check_upper(A, {"certificate": "rank_upper_bound", "k": 3, "kind": "trivial"}) == 3
    for k in (2, 4, True):
        with pytest.raises(CertificateError):
            check_upper(A, {"certificate": "rank_upper_bound", "k": k, "kind": "trivial"})
    with pytest.raises(CertificateError, match="kind"):
        check_upper(A, {"certificate": "rank_upper_bound", "k": 3, "kind": "guess"})


@pytest.mark.parametrize("change, match", [
    (dict(prime=100), "not a prime"), (dict(prime=2**62 + 135), "below 2"), (dict(prime=True), "not a prime"),
    (dict(k=3), "3 x 3 minor needs"), (dict(k=-1), "k=-1"), (dict(k=True), "k=True"),
    (dict(rows=[0, 0]), "repeated"), (dict(cols=[0, 9]), "indices in"), (dict(rows=[0, True]), "indices in"),
    (dict(certificate="rank"), "expected rank_lower_bound"), (dict(extra=1), "unexpected"),
])
def test_malformed_lower_bounds_are_refused(change, match):
    A = np.array([[1, 2, 0], [3, 4, 0], [0, 0, 0]], dtype=object)
    assert check_lower(A, _lower(2, [0, 1], [0, 1], 101)) == 2
    with pytest.raises(CertificateError, match=match):
        check_lower(A, {**_lower(2, [0, 1], [0, 1], 101), **change})


def test_residue_matrices_and_denominators():
    A = np.array([[Q(1, 7), 1], [0, 1]], dtype=object)
    with pytest.raises(CertificateError, match="divides a denominator"):
        check_lower(A, _lower(2, [0, 1], [0, 1], 7))
    assert check_lower(A, _lower(2, [0, 1], [0, 1], 101)) == 2
    R = np.array([[3, 5], [6, 10 + 101]], dtype=np.int64)  # residues mod 101 of a singular matrix plus 101
    with pytest.raises(CertificateError, match="zero modulo 101"):
        check_lower(R, _lower(2, [0, 1], [0, 1], 101), modulus=101)
    with pytest.raises(CertificateError, match="known modulo 101"):
        check_lower(R, _lower(2, [0, 1], [0, 1], 103), modulus=101)


def test_keys_and_index_lists():
    assert keys({"a": 1, "b": 2}, ("a",), ("b",)) == {"a": 1, "b": 2}
    with pytest.raises(CertificateError, match="missing"):
        keys({"b": 1}, ("a",), ("b",), "thing")
    with pytest.raises(CertificateError, match="unexpected fields"):
        keys({"a": 1, "c": 1}, ("a",))
    with pytest.raises(CertificateError, match="expected an object"):
        keys([1], ("a",))
    assert index_list([2, 0], 3, "rows") == [2, 0]
    assert index_list([1, 1], 3, "rows", distinct=False) == [1, 1]
    for bad in ([3], [-1], "01", [0.0], None):
        with pytest.raises(CertificateError):
            index_list(bad, 3, "rows")


# ----------------------------------------------------------------------------- matricization
@settings(max_examples=40, deadline=None)
@given(st.integers(2, 5), st.integers(1, 3), st.data())
def test_matricize_agrees_with_the_provers_matricization(N, M, data):
    rows = sorted(data.draw(st.sets(st.integers(0, N - 1), min_size=1, max_size=N - 1)))
    flat = np.array(data.draw(st.lists(st.integers(-9, 9), min_size=M**N, max_size=M**N)), dtype=object)
    mine = matricize(flat, N, M, rows)
    theirs = matricize_array(flat.reshape((M,) * N), rows)
    assert mine.shape == theirs.shape == (M ** len(rows), M ** (N - len(rows)))
    assert (mine == theirs).all()
    # an entry by its definition: row index = the I digits, column index = the J digits, both row-major
    idx = data.draw(st.tuples(*[st.integers(0, M - 1)] * N))
    cols = [i for i in range(N) if i not in rows]
    r = sum(idx[i] * M ** (len(rows) - 1 - n) for n, i in enumerate(rows))
    c = sum(idx[i] * M ** (len(cols) - 1 - n) for n, i in enumerate(cols))
    assert mine[r, c] == flat[np.ravel_multi_index(idx, (M,) * N)]


# ----------------------------------------------------------------------------- structural bounds
NETS = [
    deep(N=4, M=2, seed=1, low=-5, high=5), deep(N=4, M=3, widths=(2, 1), seed=2, low=-5, high=5),
    deep(N=4, M=2, widths=(1, 2), patch_order=[0, 2, 1, 3], seed=3, low=-5, high=5),
    shallow(N=4, M=2, Z=2, seed=4, low=-5, high=5), shallow(N=3, M=3, Z=1, activation="relu", pooling="max", seed=5),
    deep(N=4, M=2, activation="relu", pooling="max", seed=6), deep(N=4, M=2, widths=(1, 1), activation="square",
                                                                   pooling="sum", seed=7, low=-5, high=5),
    shallow(N=4, M=2, Z=3, activation="abs", pooling="average", seed=8), deep(N=8, M=2, widths=(2, 1, 2), seed=9,
                                                                              low=-5, high=5),
]


@pytest.mark.parametrize("spec", NETS, ids=repr)
def test_structural_bounds_hold_and_agree_with_the_prover(spec):
    net = read_net(spec_to_dict(spec))
    A = np.asarray(grid(net)[0])
    N, M = spec.N, spec.M
    subsets = [list(s) for k in range(1, N) for s in itertools.combinations(range(N), k)]
    for rows in random.Random(N * M).sample(subsets, min(len(subsets), 8)):
        b = structural_bounds(net, rows)
        assert b == prover_bounds(spec, tuple(rows))  # two implementations, one answer
        assert b["trivial"] == trivial_bound(N, M, rows) == M ** min(len(rows), N - len(rows))
        rank = _ranks(matricize(A, N, M, rows))
        assert all(rank <= v for v in b.values()), (rows, rank, b)


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(NETS), st.sampled_from(NETS), st.data())
def test_structural_bounds_kept_by_shape_are_the_bounds_of_that_shape(a, b, data):
    # the kernel keeps its bounds by the net's shape and the rows: a kept value is what a fresh derivation gives
    # for that net, whatever nets were asked before, and changing a returned dict changes nothing kept
    from symbolic.kernel import linalg

    rows_a = sorted(data.draw(st.sets(st.integers(0, a.N - 1), min_size=1, max_size=a.N - 1)))
    rows_b = sorted(data.draw(st.sets(st.integers(0, b.N - 1), min_size=1, max_size=b.N - 1)))
    net_a, net_b = read_net(spec_to_dict(a)), read_net(spec_to_dict(b))
    kept = [structural_bounds(net_a, rows_a), structural_bounds(net_b, rows_b)]
    kept[0]["trivial"] = -1
    again = [structural_bounds(net_a, rows_a), structural_bounds(net_b, rows_b)]
    linalg._BOUNDS.clear()
    fresh = [structural_bounds(net_a, rows_a), structural_bounds(net_b, rows_b)]
    assert again == fresh
    assert fresh[0] == prover_bounds(a, tuple(rows_a)) and fresh[1] == prover_bounds(b, tuple(rows_b))


@settings(max_examples=40, deadline=None)
@given(st.sampled_from([(4, 2), (8, 2), (16, 4), (9, 3)]), st.integers(1, 3), st.data())
def test_iclr_bound_agrees_with_the_provers_copy(Nw, M, data):
    N, w = Nw
    L = round(np.log(N) / np.log(w))
    widths = data.draw(st.lists(st.integers(1, 4), min_size=L, max_size=L))
    order = data.draw(st.permutations(range(N)))
    rows = sorted(data.draw(st.sets(st.integers(0, N - 1), min_size=1, max_size=N - 1)))
    k = iclr_upper_bound(N, M, w, widths, list(order), rows)
    assert k == prover_iclr(N, M, w, widths, list(order), rows)
    assert 1 <= k <= M ** min(len(rows), N - len(rows))


@pytest.mark.parametrize("N, w", [(4, 2), (8, 2), (16, 2), (16, 4)])
def test_iclr_bound_of_the_halves_is_the_top_width(N, w):
    # with the identity order the halves are unions of the top node's children: each child is pure, so
    # c = 1 and the theorem gives min(M^(N/2), r_{L-1}) (ICLR 2017: rank [A]_halves <= r_{L-1})
    L = round(np.log(N) / np.log(w))
    for M, top in itertools.product((2, 3), (1, 2, 5)):
        widths = [M] * (L - 1) + [top]
        assert iclr_upper_bound(N, M, w, widths, list(range(N)), list(range(N // 2))) == min(M ** (N // 2), top)
