"""Tests of symbolic/rank/exact.py: one contract for every backend, agreement, generic ranks, errors."""

from fractions import Fraction

import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from symbolic.rank import nmod as nm
from symbolic.rank.certificates import check_rank_certificate
from symbolic.errors import DomainError, ShapeError
from symbolic.rank.matricization import matricize
from symbolic.rank.exact import RankResult, exact_rank, generic_rank, random_prime, rank_over_fraction_field
from symbolic.tensor.grid import GridTensor

BACKENDS = ("flint", "sympy", "modular")


def _obj(a):
    return np.array(a, dtype=object)


_rng = np.random.default_rng(7)
_U, _V = _rng.integers(-9, 10, (7, 3)), _rng.integers(-9, 10, (3, 6))

#: (name, matrix, its rank, known independently of the code under test)
KNOWN = [
    ("identity5", np.eye(5, dtype=np.int64), 5),
    ("zero3x4", np.zeros((3, 4), dtype=np.int64), 0),
    ("ones4x6", np.ones((4, 6), dtype=np.int64), 1),
    ("empty0x3", np.zeros((0, 3), dtype=np.int64), 0),
    ("kron", np.kron(np.array([[1, 2], [3, 4]]), np.array([[1, 1], [1, 1], [0, 1]])), 4),
    ("kron_singular", np.kron(np.array([[1, 2], [2, 4]]), np.eye(3, dtype=np.int64)), 3),
    ("product7x6_rank3", _U @ _V, 3),
    ("tall_full", np.arange(12).reshape(4, 3) ** 2, 3),
    ("wide_rank2", np.arange(15).reshape(3, 5), 2),
    ("fractions", _obj([[Fraction(1, 3), Fraction(2, 3), 1], [1, 2, 3], [0, 1, Fraction(-1, 7)]]), 2),
    ("sympy_numbers", _obj([[sympy.Rational(1, 2), 1], [sympy.Integer(1), 2]]), 1),
    ("big_ints", _obj([[10**30, 1], [10**30 + 7, 1]]), 2),
]


@pytest.mark.parametrize("method", BACKENDS)
@pytest.mark.parametrize("name, A, true_rank", KNOWN, ids=[k[0] for k in KNOWN])
def test_backend_contract(method, name, A, true_rank):
    """The same contract for every backend: certified bounds around the true rank."""
    r = exact_rank(A, method=method)
    assert isinstance(r, RankResult)
    assert r.lower <= true_rank <= r.upper and r.rank == r.lower
    assert r.exact == (r.lower == r.upper)
    check_rank_certificate(A, r.certificate)
    if method != "modular" or true_rank == min(A.shape):
        assert r.exact and r.rank == true_rank
    else:
        assert r.rank == true_rank and not r.exact and r.certificate.upper.kind == "trivial"
    assert r.method == method


@pytest.mark.parametrize("method", BACKENDS)
def test_lower_bound_only(method):
    A = _U @ _V
    r = exact_rank(A, method=method, lower_bound_only=True)
    assert (r.lower, r.upper, r.exact) == (3, 6, False)
    check_rank_certificate(A, r.certificate)


def test_kronecker_rank_is_product():
    a = np.array([[1, 2, 3], [2, 4, 6], [0, 1, 1]])  # rank 2
    b = np.array([[1, 0], [0, 0], [5, 0]])  # rank 1
    c = np.eye(2, dtype=np.int64)
    for x, y, expected in ((a, b, 2), (a, c, 4), (a, a, 4)):
        assert exact_rank(np.kron(x, y)).rank == expected


@st.composite
def integer_matrices(draw):
    n, m = draw(st.integers(1, 6)), draw(st.integers(1, 6))
    entries = st.integers(-50, 50)
    if draw(st.booleans()):  # a product U @ V of inner size r: rank <= r
        r = draw(st.integers(0, 3))
        U = np.array(draw(st.lists(st.lists(entries, min_size=r, max_size=r), min_size=n, max_size=n)),
                     dtype=object).reshape(n, r)
        V = np.array(draw(st.lists(st.lists(entries, min_size=m, max_size=m), min_size=r, max_size=r)),
                     dtype=object).reshape(r, m)
        return U.dot(V) if r else np.zeros((n, m), dtype=object)
    return np.array(draw(st.lists(st.lists(entries, min_size=m, max_size=m), min_size=n, max_size=n)), dtype=object)


@settings(max_examples=60, deadline=None)
@given(integer_matrices())
def test_flint_equals_sympy_domainmatrix(A):
    rf, rs = exact_rank(A, method="flint"), exact_rank(A, method="sympy")
    assert rf.exact and rs.exact and rf.rank == rs.rank
    assert exact_rank(A, method="modular").lower <= rf.rank
    check_rank_certificate(A, rf.certificate)
    check_rank_certificate(A, rs.certificate)


def test_unlucky_prime_is_retried():
    """rank mod p < rank over Q: the factorization check fails and another prime is used."""
    p = random_prime(0)
    A = _obj([[1, 0, 0], [0, p, 0], [0, 0, 0]])
    r = exact_rank(A, method="flint", prime=p)
    assert (r.rank, r.exact) == (2, True) and r.certificate.lower.prime != p
    check_rank_certificate(A, r.certificate)
    assert exact_rank(A, method="modular", prime=p).rank == 1  # honest: only a lower bound
    s = exact_rank(A, method="sympy", prime=p)
    assert s.rank == 2 and s.certificate.lower.prime != p


def test_fast_and_portable_nmod_paths_agree(monkeypatch):
    A = np.random.default_rng(3).integers(-1000, 1000, (40, 25)) @ np.random.default_rng(4).integers(-9, 9, (25, 60))
    fast = exact_rank(A)
    monkeypatch.setattr(nm, "_LAYOUT", [None])
    slow = exact_rank(A)
    assert fast.certificate == slow.certificate and fast.rank == 25


class TestModular:
    p = 1000003

    def test_residues(self):
        A = np.array([[3, 5], [6, 10]], dtype=np.int64)
        r = exact_rank(A, modulus=7)
        assert (r.rank, r.upper, r.exact, r.method) == (1, 2, False, "modular")
        check_rank_certificate(A, r.certificate, modulus=7)
        assert exact_rank(A, modulus=7, method="sympy").rank == 1

    def test_singular_only_mod_p(self):
        A = np.array([[1, 1], [0, self.p]], dtype=np.int64)
        assert exact_rank(A % self.p, modulus=self.p).rank == 1
        assert exact_rank(A).rank == 2

    def test_matricization_of_modular_tensor(self):
        T = GridTensor.from_entries((2, 2, 2, 2), range(16)).reduce_mod(self.p)
        m = matricize(T, "odd-even")
        r = exact_rank(m)
        assert r.rank == 2 and r.certificate.lower.prime == self.p
        check_rank_certificate(m, r.certificate)
        with pytest.raises(DomainError, match=r"modulus=7 differs from the matricization's modulus 1000003"):
            exact_rank(m, modulus=7)

    def test_full_rank_square_takes_the_cheap_path(self):
        A = np.random.default_rng(0).integers(0, self.p, (64, 64))
        r = exact_rank(A, modulus=self.p)
        assert r.exact and r.certificate.lower.rows == tuple(range(64)) == r.certificate.lower.cols


class TestGeneric:
    x, y, z = sympy.symbols("x y z")

    def cases(self):
        x, y, z = self.x, self.y, self.z
        return [
            _obj([[x, y], [x * y, y**2]]),
            _obj([[x, y, x + y], [x * y, y**2, x * y + y**2], [1, z, 1 + z]]),
            _obj([[x, 1 / y], [1, x * y]]),
            _obj([[x**2 - y**2, x - y], [x + y, 1]]),
            _obj([[x, 0, 0], [0, y, 0], [0, 0, z]]),
        ]

    def test_generic_matches_fraction_field(self):
        for A in self.cases():
            g = generic_rank(A, seed=1)
            f = rank_over_fraction_field(A)
            assert g.rank == f.rank and f.certificate is None
            check_rank_certificate(A, g.certificate)
            assert "Schwartz-Zippel" in g.statement and g.method == "generic/modular"

    def test_point_is_wide_and_recorded(self):
        g = generic_rank(self.cases()[1], seed=3, bits=20)
        point = dict(g.certificate.lower.point)
        assert sorted(point) == ["x", "y", "z"]
        assert all(abs(v) <= 2**20 and v.denominator == 1 for v in point.values())
        assert max(abs(v) for v in point.values()) > 100

    def test_exact_rank_dispatches_symbols(self):
        A = self.cases()[1]
        assert exact_rank(A).method == "generic/modular"
        assert exact_rank(A, method="sympy").method == "sympy-fraction-field"
        assert exact_rank(A, method="flint").method == "generic/flint"

    def test_matricization_of_symbolic_tensor(self):
        x, y = self.x, self.y
        T = GridTensor.from_entries((2, 2, 2, 2), [x ** (i % 3) * y ** (i // 5) for i in range(16)])
        m = matricize(T, "odd-even")
        g = generic_rank(m)
        assert g.rank == rank_over_fraction_field(m).rank
        check_rank_certificate(m, g.certificate)

    def test_numeric_input_falls_back(self):
        assert generic_rank(np.eye(3, dtype=np.int64)).rank == 3

    def test_refuses_non_rational_functions(self):
        with pytest.raises(DomainError, match=r"entry Max\(0, x\) is not a rational function"):
            generic_rank(_obj([[sympy.Max(self.x, 0), 1], [1, 1]]))
        with pytest.raises(DomainError, match="expected rational functions of symbols"):
            rank_over_fraction_field(_obj([[sympy.Max(self.x, 0), 1], [1, 1]]))


class TestErrors:
    def test_unknown_method(self):
        with pytest.raises(DomainError, match=r"method='gauss' is not one of \('auto', 'flint', 'sympy', 'modular'\)"):
            exact_rank(np.eye(2, dtype=np.int64), method="gauss")

    def test_floats_refused(self):
        with pytest.raises(DomainError, match="dtype float64: floats never decide a rank"):
            exact_rank(np.eye(2))
        with pytest.raises(DomainError, match=r"matrix\[0, 1\] = 2\.5: floats never decide a rank"):
            exact_rank(_obj([[1, 2.5]]))

    def test_not_rational(self):
        with pytest.raises(DomainError, match=r"matrix\[0, 0\] = sqrt\(2\): not rational"):
            exact_rank(_obj([[sympy.sqrt(2), 1]]))

    def test_shape(self):
        with pytest.raises(ShapeError, match=r"matrix has shape \(2, 2, 2\): expected a 2-D array"):
            exact_rank(np.zeros((2, 2, 2), dtype=np.int64))

    def test_bad_modulus_and_prime(self):
        with pytest.raises(DomainError, match=r"modulus=8: expected a prime below 2\^63"):
            exact_rank(np.eye(2, dtype=np.int64), modulus=8)
        with pytest.raises(DomainError, match=r"prime=9: expected a prime"):
            exact_rank(np.eye(2, dtype=np.int64), prime=9)
        with pytest.raises(DomainError, match=r"prime=3 divides the denominator 3"):
            exact_rank(_obj([[Fraction(1, 3), 1]]), prime=3)

    def test_result_validation(self):
        with pytest.raises(DomainError, match=r"rank=3: expected the certified lower bound 2"):
            RankResult(3, 2, 3, None, "flint", False)
        with pytest.raises(DomainError, match=r"lower=4, upper=3"):
            RankResult(4, 4, 3, None, "flint", False)


def test_random_prime():
    ps = {random_prime(s) for s in range(20)}
    assert len(ps) > 15 and all(2**25 <= p < 2**26 and sympy.isprime(p) for p in ps)
    p = random_prime(5)
    assert random_prime(5, avoid=p) != p


def test_fast_nmod_only_for_known_flint_versions(monkeypatch):
    """The memmove path into python-flint's C struct is taken only for an exact tested version (after its
    self-test); any other version takes the public constructors, with the same certified ranks."""
    import flint

    A = np.array([[1, 2, 3], [2, 4, 6], [1, 0, 1]], dtype=np.int64)
    fast = exact_rank(A, modulus=101)
    monkeypatch.setattr(nm, "_LAYOUT", [])
    monkeypatch.setattr(flint, "__version__", "0.0.0-untested")
    assert nm._nmod_offset() is None
    slow = exact_rank(A, modulus=101)
    assert fast.rank == slow.rank == 2 and fast.certificate == slow.certificate
    monkeypatch.setattr(nm, "_LAYOUT", [])
    monkeypatch.setattr(flint, "__version__", nm.FAST_NMOD_VERSIONS[0])
    monkeypatch.setenv("CONVAC_NO_FAST_NMOD", "1")
    assert nm._nmod_offset() is None
