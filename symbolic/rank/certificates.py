"""The trusted checker of rank certificates: short, plain, and independent of rank.py.

A certificate is data; this module re-verifies it by the definitions (design.md section 3):

- ``RankLowerBound(k, rows, cols, prime)``: the k x k minor A[rows, cols] has a nonzero
  determinant modulo the prime, so it is nonzero over Q and rank A >= k.  With a ``point``
  (symbol name -> rational), the minor is evaluated there: its determinant is a rational
  function of the symbols that is not identically zero, so rank >= k outside the zero
  set of a nonzero polynomial (Schwartz-Zippel; a set of measure zero).
- ``RankUpperBound(k, "trivial")``: k >= min(rows, cols).
  ``RankUpperBound(k, "factorization", cols, V)``: A[:, cols] V == A exactly with V a
  rational k x n matrix, so every column of A is in the span of k columns: rank A <= k.
  ``RankUpperBound(k, "column_span", cols, W, e=e)``: A[:, D] e == A[:, cols] W exactly with D the
  other columns, W an integer k x |D| matrix and e != 0: the same argument, k (m - k) integers.
  ``RankUpperBound(k, "multimodular", primes=(p_1, ..., p_t))``: rank(B mod p) <= k for each of the distinct
  primes, none dividing the denominator d of A (B = d A, integers), and P = p_1 ... p_t exceeds Hadamard's bound
  H on the (k+1)-minors of B (H^2 <= the product of the k+1 largest squared column norms, or row norms): every
  (k+1)-minor is a multiple of P of absolute value at most H < P, so 0, and rank A <= k.
- ``RankCertificate(lower, upper)``: both; with lower.k == upper.k it proves the rank.

The matrix is the integer data with its ``denominator`` (or any rational entries), or
residues with ``modulus`` (then only lower bounds with prime == modulus are meaningful).

>>> import numpy as np
>>> A = np.array([[1, 2], [2, 4]], dtype=object)
>>> cert = RankCertificate(RankLowerBound(1, (0,), (0,), 33554393),
...                        RankUpperBound(1, "factorization", (0,), ((1, 2),)))
>>> check_rank_certificate(A, cert)
>>> check(A, RankLowerBound(2, (0, 1), (0, 1), 33554393))
False
>>> cert.to_dict()["upper"]
{'certificate': 'rank_upper_bound', 'k': 1, 'kind': 'factorization', 'cols': [0], 'V': [[1, 2]]}
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from math import lcm, prod

import numpy as np
from symbolic.kernel.lazy import sympy

from symbolic.errors import CertificateError
from symbolic.kernel.linalg import MAX_CERT_DIGITS
from symbolic.numbers import rational, residue

__all__ = ["RankLowerBound", "RankUpperBound", "RankCertificate", "check_rank_certificate", "check", "from_dict",
           "hadamard_square", "rank_mod"]


def _q(x) -> Fraction:
    """An exact rational, refusals as CertificateError, of up to the kernel's certificate digits (not 1000)."""
    return rational(x, CertificateError, max_digits=MAX_CERT_DIGITS)


def _json(x: Fraction):
    return x.numerator if x.denominator == 1 else f"{x.numerator}/{x.denominator}"


def _ints(xs, what: str) -> tuple:
    if any(isinstance(x, bool) or not isinstance(x, (int, np.integer)) for x in xs):
        raise CertificateError(f"{what}: expected ints, got {list(xs)[:8]!r}")
    return tuple(int(x) for x in xs)


@dataclass(frozen=True)
class RankLowerBound:
    """rank >= k: the minor A[rows, cols] (at ``point``, if symbolic) is nonzero mod ``prime``."""

    k: int
    rows: tuple
    cols: tuple
    prime: int
    point: tuple = ()  # ((symbol name, Fraction), ...), sorted by name

    def __post_init__(self):
        object.__setattr__(self, "k", _ints([self.k], "k")[0])
        object.__setattr__(self, "prime", _ints([self.prime], "prime")[0])
        object.__setattr__(self, "rows", _ints(self.rows, "rows"))
        object.__setattr__(self, "cols", _ints(self.cols, "cols"))
        pt = dict(self.point)
        object.__setattr__(self, "point", tuple(sorted((str(s), _q(v)) for s, v in pt.items())))

    def to_dict(self) -> dict:
        d = {"certificate": "rank_lower_bound", "k": self.k, "rows": list(self.rows), "cols": list(self.cols),
             "prime": self.prime}
        if self.point:
            d["point"] = {s: _json(v) for s, v in self.point}
        return d


@dataclass(frozen=True)
class RankUpperBound:
    """rank <= k: ``kind`` "trivial" (k >= min shape), "factorization" (A[:, cols] V == A), "column_span"
    (A[:, cols] V == A[:, other columns] e, V integer), "factors" (A == U V, integer U and V, checked modulo
    ``primes``: :func:`symbolic.kernel.linalg.check_factors`) or "multimodular" (rank A mod p <= k for the
    ``primes``, whose product exceeds Hadamard's bound on the (k+1)-minors: :mod:`symbolic.kernel.multimodular_rank`).

    >>> RankUpperBound(2, "multimodular", primes=(1000003,)).to_dict()
    {'certificate': 'rank_upper_bound', 'k': 2, 'kind': 'multimodular', 'primes': [1000003]}
    """

    k: int
    kind: str
    cols: tuple = ()
    V: tuple = ()  # k rows of Fractions (factorization), of ints (factors, column_span: its W)
    U: tuple = ()  # n rows of k ints (factors)
    primes: tuple = ()  # factors, multimodular
    e: int = 1  # column_span: the common denominator of W

    def __post_init__(self):
        kinds = ("trivial", "factorization", "factors", "column_span", "multimodular")
        if self.kind not in kinds:
            raise CertificateError(f"kind={self.kind!r} is not one of {kinds}")
        object.__setattr__(self, "k", _ints([self.k], "k")[0])
        object.__setattr__(self, "cols", _ints(self.cols, "cols"))
        object.__setattr__(self, "e", _ints([self.e], "e")[0])
        if self.e == 0:
            raise CertificateError("e=0: the common denominator of W must be nonzero")
        if self.kind == "column_span":
            object.__setattr__(self, "V", tuple(_ints(r, "W") for r in self.V))
        elif self.kind == "multimodular":
            object.__setattr__(self, "primes", _ints(self.primes, "primes"))
            if not self.primes or self.k < 1:
                raise CertificateError(f"multimodular: k={self.k}, {len(self.primes)} primes: expected k >= 1 and "
                                       "at least one prime (k = 0: kind factorization)")
        elif self.kind == "factors":
            for name in ("U", "V", "primes"):
                x = getattr(self, name)
                object.__setattr__(self, name, _ints(x, name) if name == "primes" else tuple(_ints(r, name) for r in x))
        else:
            object.__setattr__(self, "V", tuple(tuple(_q(x) for x in row) for row in self.V))

    def to_dict(self) -> dict:
        d = {"certificate": "rank_upper_bound", "k": self.k, "kind": self.kind}
        if self.kind == "factorization":
            d.update(cols=list(self.cols), V=[[_json(x) for x in row] for row in self.V])
        elif self.kind == "factors":
            d.update(U=[list(row) for row in self.U], V=[list(row) for row in self.V], primes=list(self.primes))
        elif self.kind == "column_span":
            d.update(cols=list(self.cols), W=[list(row) for row in self.V], e=self.e)
        elif self.kind == "multimodular":
            d.update(primes=list(self.primes))
        return d


@dataclass(frozen=True)
class RankCertificate:
    """Both bounds; proves rank == k when ``lower.k == upper.k``."""

    lower: RankLowerBound
    upper: RankUpperBound

    def to_dict(self) -> dict:
        return {"certificate": "rank", "lower": self.lower.to_dict(), "upper": self.upper.to_dict()}


def from_dict(d: dict):
    """Rebuild a certificate from its ``to_dict()`` (JSON) form."""
    kind = d.get("certificate")
    if kind == "rank":
        return RankCertificate(from_dict(d["lower"]), from_dict(d["upper"]))
    if kind == "rank_lower_bound":
        return RankLowerBound(d["k"], d["rows"], d["cols"], d["prime"], tuple(d.get("point", {}).items()))
    if kind == "rank_upper_bound":
        return RankUpperBound(d["k"], d["kind"], d.get("cols", ()), d.get("W", d.get("V", ())), d.get("U", ()),
                              d.get("primes", ()), d.get("e", 1))
    raise CertificateError(f"certificate={kind!r} is not one of ('rank', 'rank_lower_bound', 'rank_upper_bound')")


def _det_nonzero_mod(M: list | np.ndarray, p: int) -> bool:
    """Is det M != 0 mod p?  Plain Gaussian elimination (python-flint's nmod_mat for large k)."""
    k = len(M)
    if k >= 1024 and p < 2**21 and isinstance(M, np.ndarray):  # the kernel's float64 elimination: rank k mod p
        from symbolic.kernel.blas_elimination import rank_mod_p

        return rank_mod_p(M.astype(np.int64, copy=False), p)[0] == k
    if k > 48 and p < 2**63:
        import flint

        flat = M.ravel().tolist() if isinstance(M, np.ndarray) else [x for r in M for x in r]
        return int(flint.nmod_mat(flint.fmpz_mat(k, k, flat), p).det()) != 0  # flat fmpz_mat: fast
    M = [list(map(int, row)) for row in M]
    for c in range(k):
        piv = next((r for r in range(c, k) if M[r][c]), None)
        if piv is None:
            return False
        M[c], M[piv] = M[piv], M[c]
        inv = pow(M[c][c], -1, p)
        for r in range(c + 1, k):
            f = M[r][c] * inv % p
            if f:
                M[r] = [(a - f * b) % p for a, b in zip(M[r], M[c])]
    return True


def _check_indices(idx: tuple, k: int, size: int, what: str) -> None:
    if len(idx) != k or len(set(idx)) != k:
        raise CertificateError(f"{what}: expected {k} distinct indices, got {len(idx)} ({len(set(idx))} distinct)")
    if any(not 0 <= i < size for i in idx):
        raise CertificateError(f"{what}: an index is out of range 0..{size - 1}")


def _residue(x, p: int, point: dict, where: tuple) -> int:
    """x mod p; a symbolic entry is first evaluated at the point (it must be a rational function)."""
    syms: set = getattr(x, "free_symbols", set())
    if syms:
        if not x.is_rational_function() or any(s.name not in point for s in syms):
            raise CertificateError(f"entry {list(where)} = {x} is not a rational function of the point's symbols")
        x = x.xreplace({s: sympy.Rational(point[s.name].numerator, point[s.name].denominator) for s in syms})
    if getattr(x, "is_finite", True) is False:
        raise CertificateError(f"entry {list(where)} has a pole at the point")
    q = _q(x)
    if q.denominator % p == 0:
        raise CertificateError(f"prime={p} divides the denominator of entry {list(where)}")
    return residue(q, p)


def _check_lower(A, c: RankLowerBound, denominator: int, modulus) -> None:
    p = c.prime
    _check_indices(c.rows, c.k, A.shape[0], "rows")
    _check_indices(c.cols, c.k, A.shape[1], "cols")
    import flint

    if not flint.fmpz(p).is_prime():  # FLINT's fmpz_is_prime: a proof, not a probable-prime test
        raise CertificateError(f"prime={p} is not prime")
    if modulus is not None and p != modulus:
        raise CertificateError(f"prime={p} differs from the modulus {modulus} of the residues")
    if denominator % p == 0:
        raise CertificateError(f"prime={p} divides the denominator {denominator}")
    point = dict(c.point)
    whole = c.rows == tuple(range(A.shape[0])) and c.cols == tuple(range(A.shape[1]))  # skip the copy
    sub = A if whole else A[np.ix_(c.rows, c.cols)] if c.k else np.empty((0, 0), dtype=object)
    if sub.dtype == np.int64:  # int64 data (exact integers or residues): reduce in one pass
        minor = sub % p
    elif all(type(x) is int for x in sub.flat):  # integer data: reduce entrywise
        minor = (sub % p).tolist()
    else:
        minor = [[_residue(sub[a, b], p, point, (i, j)) for b, j in enumerate(c.cols)] for a, i in enumerate(c.rows)]
    if not _det_nonzero_mod(minor, p):
        raise CertificateError(f"the {c.k} x {c.k} minor is singular modulo prime={p}")


def hadamard_square(B: np.ndarray, k: int) -> int:
    """H2 >= (every (k+1)-minor of the integer matrix B)^2: the smaller of the products of the k+1 largest squared
    column norms and of the k+1 largest squared row norms (Hadamard's inequality).

    >>> hadamard_square(np.array([[3, 0], [4, 1]], dtype=object), 1)
    25
    """
    sq = np.asarray(B, dtype=object) ** 2
    return min(prod(sorted(map(int, sq.sum(axis=a)), reverse=True)[:k + 1]) for a in (0, 1))


def rank_mod(B: np.ndarray, p: int, fmpz=None) -> int:
    """The rank of the integer matrix B mod the prime p: the kernel's float64 elimination for p < 2^21 from 1024
    rows and columns on, else python-flint's ``nmod_mat`` (``fmpz``: B as an ``fmpz_mat``, reused)."""
    import flint
    from symbolic.kernel.blas_elimination import MAX_PRIME, rank_mod_p

    if p < MAX_PRIME and min(B.shape) >= 1024:
        return rank_mod_p(np.array(B % p, dtype=np.float64), p, overwrite=True)[0]
    return flint.nmod_mat(fmpz if fmpz is not None else flint.fmpz_mat(B.tolist()), p).rank()


def _check_multimodular(B: np.ndarray, c: RankUpperBound, denominator: int) -> None:
    """rank(B mod p) <= k for every prime, whose product P has P^2 > Hadamard's bound H2 (B: integers)."""
    import flint

    bad = next((p for p in c.primes if not 2 <= p < 2**63 or not flint.fmpz(p).is_prime() or denominator % p == 0),
               None)
    if not 1 <= c.k <= min(B.shape) or len(set(c.primes)) != len(c.primes) or bad is not None:
        raise CertificateError(f"multimodular: k={c.k} (1..{min(B.shape)}), the primes must be distinct primes below "
                               f"2^63 not dividing the denominator {denominator} (not {bad})")
    P, H2 = prod(c.primes), hadamard_square(B, c.k) if c.k < min(B.shape) else 0
    if P * P <= H2:
        raise CertificateError(f"multimodular: the {len(c.primes)} primes' product ({P.bit_length()} bits) does not "
                               f"exceed Hadamard's bound on the {c.k + 1}-minors ({(H2.bit_length() + 1) // 2} bits)")
    B = B.astype(np.int64) if max(abs(int(x)).bit_length() for x in B.flat) <= 62 else B.astype(object)
    fz = flint.fmpz_mat(B.tolist()) if H2 and (min(B.shape) < 1024 or max(c.primes) >= 2**21) else None
    for p in c.primes if H2 else ():
        if (r := rank_mod(B, p, fz)) > c.k:
            raise CertificateError(f"multimodular: the rank modulo {p} is {r} > k={c.k}")


def _check_upper(A, c: RankUpperBound, modulus, denominator: int = 1) -> None:
    n, m = A.shape
    if c.kind == "trivial":
        if c.k < min(n, m):
            raise CertificateError(f"trivial upper bound k={c.k} is below min(rows, cols) = {min(n, m)}")
        return
    if modulus is not None:
        raise CertificateError(f"a {c.kind} certificate needs the exact matrix, not residues")
    if c.kind == "factors":  # exactly, on an exact matrix (the kernel checks it modulo its primes)
        U, V = np.array(c.U, dtype=object).reshape(n, c.k), np.array(c.V, dtype=object).reshape(c.k, m)
        if not (U.dot(V) == A).all():
            raise CertificateError(f"U V != A: the factors of inner size {c.k} are wrong")
        return
    Aq = [_q(x) for x in A.flat]  # rational entries: scale A to integers (changes neither rank nor the relations)
    d = lcm(1, *(x.denominator for x in Aq))
    Ai = np.array([int(x * d) for x in Aq], dtype=object).reshape(n, m)
    if c.kind == "multimodular":
        return _check_multimodular(Ai, c, denominator * d)
    _check_indices(c.cols, c.k, m, "cols")
    import flint

    # factorization: A[:, cols] W == A e with W = e V; column_span: A[:, cols] W == A[:, D] e (D: other columns)
    span, chosen = c.kind == "column_span", set(c.cols)
    D = [j for j in range(m) if j not in chosen] if span else list(range(m))
    if len(c.V) != c.k or any(len(row) != len(D) for row in c.V):
        raise CertificateError(f"{'W' if span else 'V'}: expected a {c.k} x {len(D)} matrix")
    e = c.e if span else lcm(1, *(x.denominator for row in c.V for x in row))
    W = [list(row) for row in c.V] if span else [[int(x * e) for x in row] for row in c.V]
    ok = (all(x == 0 for x in Ai.flat) if c.k == 0 else not D or
          flint.fmpz_mat(Ai[:, list(c.cols)].tolist()) * flint.fmpz_mat(W) == flint.fmpz_mat((Ai[:, D] * e).tolist()))
    if not ok:
        raise CertificateError(f"A[:, cols] W != A[:, D] e: the column span of size {c.k} is wrong" if span else
                               f"A[:, cols] V != A: the factorization of inner size {c.k} is wrong")


def check_rank_certificate(matrix, cert, *, denominator: int = 1, modulus: int | None = None) -> None:
    """Verify a rank certificate against a matrix; raise CertificateError with the reason if it fails.

    Parameters
    ----------
    matrix : array-like or Matricization
        2-D exact entries (ints, Fractions, sympy numbers or expressions); a
        Matricization brings its own denominator and modulus.
    cert : RankCertificate, RankLowerBound or RankUpperBound
    denominator, modulus : int
        How the data encode the matrix, as in GridTensor (value = data / denominator;
        residues modulo ``modulus``).

    Raises
    ------
    CertificateError
        With a one-line reason, when any check fails.

    Examples
    --------
    >>> check_rank_certificate([[2, 0], [0, 0]], RankUpperBound(1, "trivial"))
    Traceback (most recent call last):
    ...
    symbolic.errors.CertificateError: trivial upper bound k=1 is below min(rows, cols) = 2
    """
    if hasattr(matrix, "matrix") and hasattr(matrix, "denominator"):
        matrix, denominator, modulus = matrix.matrix, matrix.denominator, matrix.modulus
    A = matrix if isinstance(matrix, np.ndarray) and matrix.dtype == np.int64 else np.asarray(matrix, dtype=object)
    if A.ndim != 2:
        raise CertificateError(f"matrix has {A.ndim} dimensions; expected 2")
    if isinstance(cert, RankCertificate):
        if cert.lower.k > cert.upper.k:
            raise CertificateError(f"lower bound {cert.lower.k} exceeds upper bound {cert.upper.k}")
        _check_lower(A, cert.lower, denominator, modulus)
        _check_upper(A, cert.upper, modulus, denominator)
    elif isinstance(cert, RankLowerBound):
        _check_lower(A, cert, denominator, modulus)
    elif isinstance(cert, RankUpperBound):
        _check_upper(A, cert, modulus, denominator)
    else:
        raise CertificateError(f"cert: expected a rank certificate, got {type(cert).__name__}")


def check(matrix, cert, **kwargs) -> bool:
    """True when :func:`check_rank_certificate` accepts the certificate, False otherwise."""
    try:
        check_rank_certificate(matrix, cert, **kwargs)
    except CertificateError:
        return False
    return True
