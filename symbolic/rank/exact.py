"""Exact, certified matrix rank behind one facade, :func:`exact_rank` (``method=``).

Every result carries a certificate that :mod:`symbolic.rank.certificates` re-checks by the
definitions (design.md section 3).  The backends share one result contract,
:class:`RankResult`:

``"flint"``
    Exact rank over Q with python-flint.  Lower bound: a prime p in [2^25, 2^26) (from
    ``seed``), k independent rows R and columns C of A mod p (pivots of reduced row
    echelon forms of ``nmod_mat``), so the k x k minor A[R, C] is nonzero mod p and rank A
    >= k.  Upper bound: min(rows, cols) when that meets k, otherwise the exact
    factorization A = A[:, C] V with V = A[R, C]^-1 A[R, :] (``fmpz_mat.solve``), checked
    exactly; if that check fails the prime was unlucky (rank over Q > rank mod p) and the
    next prime is tried.  When those relations would not fit a quarter of ``--max-memory``, or
    would have more digits than ``convac recheck`` reads (1000), the upper bound is
    ``multimodular`` instead: rank(A mod p) <= k for consecutive primes (from ``seed``) whose
    product exceeds Hadamard's bound on the (k+1)-minors, so that every (k+1)-minor, a multiple
    of their product and smaller, is 0 (``upper=`` forces one of the two).
``"sympy"``
    An independent route: sympy ``DomainMatrix`` (its sparse, pure-Python rref over QQ)
    gives the pivots and the CR factorization A = A[:, C] rref(A)[:k]; a prime is then
    chosen with the minor nonzero mod p.  Slow beyond a hundred or so rows.
``"modular"``
    Only the lower bound mod p (``nmod_mat``); the upper bound is the trivial one, so the
    result is exact only for full-rank matrices.  This is the route for residues (a
    ``modulus``): their rank mod p is a lower bound for any rational matrix they reduce from.

Symbolic matrices (sympy expressions in weights) go to :func:`generic_rank` (a certified
lower bound of the generic rank at a random wide-range point, Schwartz-Zippel) or, for tiny
cases, to :func:`rank_over_fraction_field`.  Floats are refused; sympy's ``Matrix.rank``
is never called.

>>> import numpy as np
>>> A = np.array([[1, 2, 3], [2, 4, 6], [1, 0, 1]], dtype=object)
>>> r = exact_rank(A)
>>> r.rank, r.exact, r.certificate.upper.kind
(2, True, 'column_span')
>>> exact_rank(A, method="sympy").rank
2
>>> from symbolic.rank.certificates import check
>>> check(A, r.certificate)
True
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING

import numpy as np

from symbolic.rank.certificates import RankCertificate, RankLowerBound, RankUpperBound
from symbolic.errors import BackendUnavailable, DomainError, ShapeError
from symbolic.rank.matricization import Matricization
from symbolic.rank.nmod import FAST_NMOD_VERSIONS, _independent_sets, _nmod_mat, _nmod_offset, _pivots  # noqa: F401 (re-exported)

if TYPE_CHECKING:  # the structured route imports this module
    from symbolic.rank.structured import KroneckerCertificate

__all__ = [
    "METHODS",
    "RankResult",
    "exact_rank",
    "generic_rank",
    "rank_over_fraction_field",
    "random_prime",
    "flint_available",
]

METHODS = ("auto", "flint", "sympy", "modular")
UPPER = ("auto", "column_span", "multimodular")  # the exact upper bound of a rank-deficient matrix (flint)
_ATTEMPTS = 4  # primes tried before giving up on an exact upper bound


# -- the python-flint shim --------------------------------------------------------------------
def _flint():
    try:
        import flint
    except ImportError:  # pragma: no cover - flint is a dependency, but optional here
        raise BackendUnavailable(
            "method='flint'/'modular' needs python-flint (pip install python-flint); use method='sympy'"
        ) from None
    return flint


def flint_available() -> bool:
    """True when python-flint can be imported."""
    try:
        _flint()
    except BackendUnavailable:  # pragma: no cover
        return False
    return True


# -- the result ---------------------------------------------------------------------------
@dataclass(frozen=True)
class RankResult:
    """The outcome of a rank computation.

    Parameters
    ----------
    rank : int
        The certified lower bound; it is the rank exactly when ``exact``.
    lower, upper : int
        Certified bounds, ``lower <= rank A <= upper``.
    certificate : RankCertificate, KroneckerCertificate or None
        Checkable by :func:`symbolic.rank.certificates.check_rank_certificate` (None only for
        :func:`rank_over_fraction_field`, an uncertified exact computation).
    method : str
        The backend that produced the result.
    exact : bool
        ``lower == upper``.
    statement : str
        What was proved, in words (e.g. the Schwartz-Zippel statement of a generic rank).

    Examples
    --------
    >>> RankResult(2, 2, 3, None, "modular", False)
    RankResult(rank=2, lower=2, upper=3, certificate=None, method='modular', exact=False, statement='')
    >>> RankResult(2, 2, 3, None, "modular", True)
    Traceback (most recent call last):
    ...
    symbolic.errors.DomainError: exact=True but lower=2 != upper=3
    """

    rank: int
    lower: int
    upper: int
    certificate: RankCertificate | KroneckerCertificate | None
    method: str
    exact: bool
    statement: str = ""

    def __post_init__(self):
        if not 0 <= self.lower <= self.upper:
            raise DomainError(f"lower={self.lower}, upper={self.upper}: expected 0 <= lower <= upper")
        if self.rank != self.lower:
            raise DomainError(f"rank={self.rank}: expected the certified lower bound {self.lower}")
        if self.exact != (self.lower == self.upper):
            raise DomainError(f"exact={self.exact} but lower={self.lower} "
                              f"{'!=' if self.exact else '=='} upper={self.upper}")


# -- primes --------------------------------------------------------------------------------
def next_prime(n: int) -> int:
    """The smallest prime > n (as ``sympy.nextprime``), by python-flint's proven primality test, without
    importing sympy (0.3 s of start-up).

    >>> next_prime(7), next_prime(2**25)
    (11, 33554467)
    """
    m = n + 1
    while not _flint().fmpz(m).is_prime():
        m += 1
    return m


def random_prime(seed: int = 0, attempt: int = 0, *, avoid: int = 1) -> int:
    """A prime in [2^25, 2^26) determined by ``(seed, attempt)`` that does not divide ``avoid``.

    Primes below 2^26 are the fastest for python-flint's ``nmod_mat``.

    >>> p = random_prime(0)
    >>> 2**25 <= p < 2**26, p == random_prime(0), p != random_prime(1)
    (True, True, True)
    """
    rng = random.Random(f"convac-prime:{seed}:{attempt}")
    while True:
        p = next_prime(rng.randrange(2**25, 2**26))
        if p < 2**26 and avoid % p:
            return p


def small_prime(seed: int = 0, attempt: int = 0) -> int:
    """A prime in [2^20, 2^21) determined by ``(seed, attempt)``: products of its residues stay exact in float64
    for the kernel's elimination (:mod:`symbolic.kernel.blas_elimination`, inner products of 2047 terms).

    >>> p = small_prime(0)
    >>> 2**20 <= p < 2**21, p == small_prime(0), p != small_prime(1)
    (True, True, True)
    """
    rng = random.Random(f"convac-small-prime:{seed}:{attempt}")
    while True:
        p = next_prime(rng.randrange(2**20, 2**21))
        if p < 2**21:
            return p


def _residues(data: np.ndarray, p: int) -> np.ndarray:
    """int64 residues in [0, p) of an int64 or object (Python int) array."""
    if data.dtype != object:
        return np.mod(data.astype(np.int64, copy=False), p)
    try:
        return np.mod(data.astype(np.int64), p)
    except OverflowError:
        return np.mod(data, p).astype(np.int64)


# -- input ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Input:
    kind: str  # "integer" (exact: data / denominator), "modular" (residues) or "symbolic"
    data: np.ndarray
    denominator: int = 1
    modulus: int | None = None


def _is_rational(x) -> bool:
    if isinstance(x, (bool, float, np.floating)):
        return False
    return isinstance(x, (int, np.integer, Fraction)) or bool(getattr(x, "is_Rational", False))


def _sympify_entry(x, idx):
    """A matrix entry as sympy; strings are refused, never parsed (parse them with
    :func:`symbolic.kernel.parse.parse_expr` first)."""
    import sympy

    try:
        return sympy.sympify(x, strict=True)
    except sympy.SympifyError:
        raise DomainError(f"matrix[{idx[0]}, {idx[1]}] = {x!r:.60}: expected an int, a Fraction or a sympy "
                          f"expression ({type(x).__name__} is not converted)") from None


def _array(matrix, dtype=None) -> np.ndarray:
    """``matrix`` as a numpy array; rows of different lengths are refused in one line."""
    try:
        return np.asarray(matrix, dtype=dtype)
    except ValueError as e:  # numpy: "inhomogeneous shape"
        raise ShapeError(f"matrix: rows of different lengths ({str(e)[:80]}); expected a 2-D array") from None


def _prepare(matrix, modulus) -> _Input:
    denominator = 1
    if isinstance(matrix, Matricization):
        if modulus is not None and matrix.modulus is not None and modulus != matrix.modulus:
            raise DomainError(f"modulus={modulus} differs from the matricization's modulus {matrix.modulus}")
        modulus = matrix.modulus if matrix.modulus is not None else modulus
        denominator, matrix = matrix.denominator, matrix.matrix
    A = _array(matrix)
    if A.ndim != 2:
        raise ShapeError(f"matrix has shape {A.shape}: expected a 2-D array")
    if A.dtype.kind == "f" or A.dtype.kind == "c":
        raise DomainError(f"matrix has dtype {A.dtype}: floats never decide a rank; pass ints, "
                          "Fractions or sympy numbers")
    if A.dtype.kind not in "biuO":
        raise DomainError(f"matrix has dtype {A.dtype}: expected integers, Fractions or sympy expressions")
    if modulus is not None:
        if (isinstance(modulus, bool) or not isinstance(modulus, int) or not 2 <= modulus < 2**63
            or not _flint().fmpz(modulus).is_prime()):
            raise DomainError(f"modulus={modulus!r}: expected a prime below 2^63")
        if A.dtype == object and not all(isinstance(x, (int, np.integer)) and not isinstance(x, bool) for x in A.flat):
            raise DomainError("matrix: residues modulo a prime must be integers")
        return _Input("modular", _residues(A.astype(np.int64) if A.dtype.kind == "b" else A, modulus), 1, modulus)
    if A.dtype.kind in "biu":
        return _Input("integer", A.astype(np.int64) if A.dtype.kind == "b" else A, denominator)
    types = {type(x) for x in A.flat}
    if types <= {int}:
        return _Input("integer", A, denominator)
    for idx, x in np.ndenumerate(A):
        if isinstance(x, (bool, float, np.floating)) or getattr(x, "is_Float", False):
            raise DomainError(f"matrix[{idx[0]}, {idx[1]}] = {x!r}: floats never decide a rank; use exact numbers")
    if all(_is_rational(x) for x in A.flat):
        q = [Fraction(int(x.p), int(x.q)) if hasattr(x, "is_Rational") else Fraction(x) for x in A.flat]
        d = math.lcm(1, *(x.denominator for x in q))
        data = np.array([int(x * d) for x in q], dtype=object).reshape(A.shape)
        return _Input("integer", data, denominator * d)
    data = np.empty(A.shape, dtype=object)
    for idx, x in np.ndenumerate(A):
        e = data[idx] = _sympify_entry(x, idx)
        if not e.free_symbols and not e.is_Rational:
            raise DomainError(f"matrix[{idx[0]}, {idx[1]}] = {x}: not rational; expected rationals "
                              "or expressions in symbols")
    return _Input("symbolic", data, denominator)


# -- backends ------------------------------------------------------------------------------
def _trivial(n, m):
    return RankUpperBound(min(n, m), "trivial")


def _result(lower: RankLowerBound, upper: RankUpperBound, method: str, statement: str = "") -> RankResult:
    cert = RankCertificate(lower, upper)
    if not statement and upper.k == 0:
        statement = "every entry of A is 0 (A = A[:, C] V with no columns C), so rank = 0"
    if not statement:
        k = lower.k
        statement = f"a {k} x {k} minor is nonzero mod {lower.prime}, so rank >= {k}"
        if upper.kind == "factorization":
            statement += f"; A = A[:, C] V with {k} columns C and a rational V, so rank <= {k}"
        elif upper.kind == "column_span":
            statement += f"; every other column is a rational combination of {k} columns C, so rank <= {k}"
        elif upper.kind == "multimodular":
            statement += (f"; rank A mod p <= {k} for {len(upper.primes)} primes whose product exceeds Hadamard's "
                          f"bound H on every {k + 1} x {k + 1} minor, so each minor, a multiple of the product of "
                          f"absolute value <= H, is 0: rank <= {k}")
        elif upper.k == k:
            statement += f"; rank <= min(rows, cols) = {k}"
    return RankResult(lower.k, lower.k, upper.k, cert, method, lower.k == upper.k, statement)


def _check_prime(prime, avoid: int) -> int:
    if (isinstance(prime, bool) or not isinstance(prime, int) or not 2 <= prime < 2**63
            or not _flint().fmpz(prime).is_prime()):
        raise DomainError(f"prime={prime!r}: expected a prime below 2^63")
    if avoid % prime == 0:
        raise DomainError(f"prime={prime} divides the denominator {avoid}; choose another prime")
    return prime


def _flint_column_span(data: np.ndarray, R: tuple, C: tuple):
    """(W, e) with A[:, C] W == A[:, D] e exactly (D: the other columns), or None when no such W exists.

    Only the |D| = m - k columns outside C are solved for (B = A[R, C] is invertible, the lower
    bound's minor), so at rank 236 of 256 this is 12x less than the factorization A = A[:, C] V.
    """
    flint = _flint()
    A = data.astype(object)
    chosen = set(C)
    D = [j for j in range(A.shape[1]) if j not in chosen]
    if not R:
        return ((), 1) if all(x == 0 for x in A.flat) else None
    if not D:
        return (tuple(() for _ in C), 1)
    B = flint.fmpz_mat(A[np.ix_(R, C)].tolist())
    W, e = B.solve(flint.fmpz_mat(A[np.ix_(R, D)].tolist())).numer_denom()
    if flint.fmpz_mat(A[:, list(C)].tolist()) * W != flint.fmpz_mat(A[:, D].tolist()) * e:
        return None
    d = len(D)
    return tuple(tuple(int(x) for x in W.entries()[i * d:(i + 1) * d]) for i in range(len(C))), int(e)


def _entry_bits(data: np.ndarray) -> int:
    return max(1, max((abs(int(x)).bit_length() for x in data.flat), default=0))


def _relation_bits(k: int, entry_bits: int) -> int:
    """Hadamard's bound on the bits of one column relation's entry (a k x k determinant of such entries)."""
    return k * (entry_bits + k.bit_length())


def multimodular_primes(H2: int, *, small: bool = False, seed: int = 0, avoid: int = 1) -> tuple:
    """Consecutive primes going down from a start fixed by ``seed`` (below 2^62, or below 2^21 when ``small``:
    the kernel's float64 elimination), skipping divisors of ``avoid``, until their product P has P^2 > H2.

    >>> ps = multimodular_primes(10**40, small=True)
    >>> len(ps), all(p < 2**21 for p in ps), multimodular_primes(10**40, small=True) == ps
    (4, True, True)
    """
    flint = _flint()
    p = (1 << 21) - (seed % 64 << 13) if small else (1 << 62) - (seed % (1 << 20) << 32)
    primes, P = [], 1
    while P * P <= H2:
        p -= 1
        while not flint.fmpz(p).is_prime():
            p -= 1
        if avoid % p:
            primes.append(p)
            P *= p
    return tuple(primes)


def _multimodular(inp: _Input, lower: RankLowerBound, seed: int):
    """rank A <= lower.k by ranks modulo primes past Hadamard's bound (:mod:`symbolic.kernel.multimodular_rank`):
    the RankUpperBound; a RankLowerBound above ``lower`` when a prime shows a larger rank (``lower``'s prime was
    unlucky); or the reason (str) when the kernel's estimate of the check is over the limits."""
    from symbolic.errors import TooLarge
    from symbolic.kernel import cost as kernel_cost
    from symbolic.kernel.multimodular_rank import BLAS_SIDE, estimate
    from symbolic.limits import limits
    from symbolic.rank.certificates import hadamard_square, rank_mod

    flint = _flint()
    B, k = inp.data, lower.k
    n, m = B.shape
    primes = multimodular_primes(hadamard_square(B, k), small=min(n, m) >= BLAS_SIDE, seed=seed, avoid=inp.denominator)
    lim = limits()
    try:  # the kernel's own estimate, under the budget it will be given
        with kernel_cost.budget(kernel_cost.Budget(memory=lim.max_memory, entries=lim.max_entries)):
            estimate(n, m, list(primes), _entry_bits(B) + inp.denominator.bit_length())
    except TooLarge as e:
        return str(e).removeprefix("not re-checked: ")
    small = B.dtype == np.int64 or _entry_bits(B) <= 62
    B = B.astype(np.int64) if small else B
    fz = flint.fmpz_mat(B.tolist()) if min(n, m) < BLAS_SIDE else None
    for p in primes:
        if rank_mod(B, p, fz) > k:
            r, R, C = _independent_sets(_residues(B, p), p)
            return RankLowerBound(r, R, C, p)
    return RankUpperBound(k, "multimodular", primes=primes)


def _modular_lower(inp: _Input, seed: int, attempt: int, prime) -> RankLowerBound:
    if inp.kind == "modular":
        assert inp.modulus is not None  # a modular input is built with its modulus (_prepare)
        p = inp.modulus
        res = inp.data
    else:
        p = (_check_prime(prime, inp.denominator) if prime is not None and attempt == 0
             else random_prime(seed, attempt, avoid=inp.denominator))
        res = _residues(inp.data, p)
    k, R, C = _independent_sets(res, p)
    return RankLowerBound(k, R, C, p)


def _flint_rank(inp: _Input, seed, prime, lower_bound_only: bool, method: str, upper: str = "auto") -> RankResult:
    from symbolic.kernel.parse import MAX_DIGITS
    from symbolic.limits import limits

    n, m = inp.data.shape
    best: RankLowerBound | None = None
    found: RankLowerBound | None = None  # a larger rank shown by a prime of the multimodular bound
    entry_bits: int | None = None  # computed once, when an exact upper bound is first needed
    for attempt in range(1 if inp.kind == "modular" or method == "modular" else _ATTEMPTS):
        lower = found or _modular_lower(inp, seed, attempt, prime)
        found = None
        if best is None or lower.k > best.k:
            best = lower
        if lower.k == min(n, m) or lower_bound_only or method == "modular" or inp.kind == "modular":
            break
        # the column relations W, k x (m - k) integers, are estimated before they are solved for; past a quarter
        # of the memory limit, or past the digits `convac recheck` reads, the multimodular bound is tried instead
        k = lower.k
        if entry_bits is None:
            entry_bits = _entry_bits(inp.data)
        size = k * (m - k) * (_relation_bits(k, entry_bits) // 8 + 16)
        too_big = size > limits().max_memory // 4
        why = ""
        if k and (upper == "multimodular" or upper == "auto" and (
                too_big or _relation_bits(k, entry_bits) * 30103 > MAX_DIGITS * 100_000)):  # log10(2) digits
            mm = _multimodular(inp, lower, seed)
            if isinstance(mm, RankUpperBound):
                return _result(lower, mm, method)
            if isinstance(mm, RankLowerBound):
                found = mm
                continue
            why = f"the multimodular bound is over the limits{' too' if too_big else ''}: {mm}"
        if too_big or why and upper == "multimodular":
            relations = (f"its column relations, rationals of about {_relation_bits(k, entry_bits):,} bits each, "
                         f"would take about {size / 2**30:.1f} GiB, over a quarter of --max-memory")
            return _result(lower, _trivial(n, m), method,
                           f"a {k} x {k} minor is nonzero mod {lower.prime}, so rank >= {k}; rank <= min(rows, cols) = "
                           f"{min(n, m)} (no exact upper bound: "
                           + "; ".join(x for x in (relations if too_big else "", why) if x) + ")")
        span = _flint_column_span(inp.data, lower.rows, lower.cols)
        if span is not None:
            W, e = span
            return _result(lower, RankUpperBound(lower.k, "column_span", lower.cols, W, e=e), method)
    assert best is not None  # at least one attempt ran
    return _result(best, _trivial(n, m), method)


def _sympy_rank(inp: _Input, seed, prime, lower_bound_only: bool) -> RankResult:
    from sympy import GF, ZZ
    from sympy.polys.matrices import DomainMatrix

    n, m = inp.data.shape
    K = GF(inp.modulus) if inp.kind == "modular" else ZZ
    dM = DomainMatrix([[K(int(x)) for x in row] for row in inp.data.tolist()], (n, m), K).to_sparse()
    rref, C = dM.rref() if n and m else (None, ())
    k = len(C)
    R = tuple(range(n)) if k == n else (dM.extract(list(range(n)), list(C)).transpose().rref()[1] if k else ())
    if inp.kind == "modular":
        assert inp.modulus is not None  # a modular input is built with its modulus (_prepare)
        p = inp.modulus
    else:
        minor = dM.extract(list(R), list(C))
        for attempt in range(64):
            p = (_check_prime(prime, inp.denominator) if prime is not None and attempt == 0
                 else random_prime(seed, attempt, avoid=inp.denominator))
            if minor.convert_to(GF(p)).rank() == k:
                break
        else:  # pragma: no cover - the minor's determinant would need 64 prime factors near 2^25
            raise DomainError(f"no prime found with the {k} x {k} minor nonzero; try another seed")
    lower = RankLowerBound(k, tuple(R), tuple(C), p)
    if k == min(n, m) or lower_bound_only or inp.kind == "modular":
        return _result(lower, _trivial(n, m), "sympy")
    assert rref is not None  # k < min(n, m) here, so n, m > 0 and rref was computed
    QQ = rref.domain
    V = tuple(tuple(Fraction(int(QQ.numer(x)), int(QQ.denom(x))) for x in row) for row in rref.to_dense().to_list()[:k])
    return _result(lower, RankUpperBound(k, "factorization", tuple(C), V), "sympy")


# -- the facade ------------------------------------------------------------------------------
def exact_rank(matrix, *, method: str = "auto", modulus: int | None = None, seed: int = 0,
               lower_bound_only: bool = False, prime: int | None = None, upper: str = "auto",
               limits=None) -> RankResult:
    """The certified rank of a matrix (or certified bounds on it).

    Used on matricizations [A]_I of grid tensors (ICLR 2017 eq. (1)), whose ranks carry the
    paper's claims: rank >= k is certified by a nonzero k x k minor (row and column indices), an
    exact upper bound by an explicit elimination; a rank modulo p alone is only a lower bound.

    Parameters
    ----------
    matrix : numpy.ndarray or Matricization
        2-D: Python ints, Fractions or sympy numbers (exact over Q), int64 (exact
        integers, or residues when ``modulus`` is given), or sympy expressions in symbols
        (then the generic rank: see :func:`generic_rank`).
    method : {"auto", "flint", "sympy", "modular"}, default ``"auto"``
        The backend (module docstring).  "auto" is "flint" when python-flint is installed
        (else "sympy"), "modular" for residues and :func:`generic_rank` for symbols.
    modulus : int, optional
        The prime the int64 entries are residues modulo (taken from a Matricization).
    seed : int, default 0
        Chooses the prime(s) of the lower-bound certificate (:func:`random_prime`).
    lower_bound_only : bool, default False
        Skip the exact upper bound (the trivial min(rows, cols) is reported).
    prime : int, optional
        Use this prime for the first attempt instead of a random one.
    upper : {"auto", "column_span", "multimodular"}, default ``"auto"``
        The exact upper bound of a rank-deficient matrix (method "flint"): the column relations, or ranks
        modulo primes past Hadamard's bound (no relations; a certificate of k and the primes).  "auto": column
        relations unless they would exceed a quarter of the memory limit or the 1000 digits per number that
        ``convac recheck`` reads.
    limits : symbolic.limits.Limits, optional
        The resource limits of this call (the memory an upper-bound certificate may take); default: the limits in
        force (:func:`symbolic.limits.limits`).

    Returns
    -------
    RankResult
        Frozen: ``rank`` (the certified lower bound, the rank when ``exact``), ``lower`` and
        ``upper`` bounds, and the ``certificate`` (its ``lower`` minor and upper-bound evidence).

    Raises
    ------
    DomainError
        Unknown method, floats, a non-prime modulus.
    ShapeError
        Not a 2-D array.
    BackendUnavailable
        method="flint" or "modular" without python-flint.

    Examples
    --------
    >>> r = exact_rank(np.eye(3, dtype=np.int64), method="modular")
    >>> r.rank, r.exact, r.certificate.lower.rows
    (3, True, (0, 1, 2))
    >>> exact_rank(np.ones((2, 2), dtype=np.int64), method="gauss")
    Traceback (most recent call last):
    ...
    symbolic.errors.DomainError: method='gauss' is not one of ('auto', 'flint', 'sympy', 'modular')
    """
    if method not in METHODS:
        raise DomainError(f"method={method!r} is not one of {METHODS}")
    if upper not in UPPER:
        raise DomainError(f"upper={upper!r} is not one of {UPPER}")
    if limits is not None:
        from symbolic.limits import use_limits

        with use_limits(limits):
            return exact_rank(matrix, method=method, modulus=modulus, seed=seed, lower_bound_only=lower_bound_only,
                              prime=prime, upper=upper)
    inp = _prepare(matrix, modulus)
    if inp.kind == "symbolic":
        if method == "sympy":
            return rank_over_fraction_field(inp.data)
        return generic_rank(inp.data, seed=seed, method="modular" if method == "auto" else method)
    if method == "auto":
        method = "modular" if inp.kind == "modular" else ("flint" if flint_available() else "sympy")
    if method == "sympy":
        return _sympy_rank(inp, seed, prime, lower_bound_only)
    return _flint_rank(inp, seed, prime, lower_bound_only, method, upper)


def generic_rank(matrix, *, seed: int = 0, bits: int = 20, method: str = "modular") -> RankResult:
    """A certified lower bound on the generic rank of a matrix of expressions in symbols.

    The symbols (sorted by name) are given independent random integers from
    [-2^bits, 2^bits]; small ranges are often degenerate (design.md section 3).  The rank
    k at that point is certified by a k x k minor nonzero mod a prime; the certificate
    records the point.  That minor is a rational function of the symbols that is not
    identically zero, so rank >= k for all values outside the zero set of a nonzero
    polynomial, a set of measure zero (Schwartz-Zippel).  The upper bound is the trivial
    min(rows, cols); ``exact`` means the generic rank is full.

    Parameters
    ----------
    matrix : numpy.ndarray or Matricization
        Entries: polynomials or rational functions of sympy symbols (or numbers).
    seed : int
        Chooses the point and the prime.
    bits : int
        The point's coordinates lie in [-2^bits, 2^bits].
    method : {"modular", "flint", "sympy"}
        Backend for the rank at the point.

    Examples
    --------
    >>> import sympy
    >>> x, y = sympy.symbols("x y")
    >>> r = generic_rank(np.array([[x, y], [x * y, y**2]], dtype=object))
    >>> r.rank, r.exact, sorted(dict(r.certificate.lower.point))
    (1, False, ['x', 'y'])
    >>> generic_rank(np.array([[x, y], [1, x]], dtype=object)).exact
    True
    """
    import sympy

    if method not in ("modular", "flint", "sympy", "auto"):
        raise DomainError(f"method={method!r} is not one of ('modular', 'flint', 'sympy')")
    inp = _prepare(matrix, None)
    if inp.kind != "symbolic":
        return exact_rank(matrix, method=method, seed=seed, lower_bound_only=True)
    A = inp.data
    distinct = {x for x in A.flat}
    symbols = sorted(set().union(*(x.free_symbols for x in distinct)), key=lambda s: s.name)
    for x in distinct:
        if not x.is_rational_function(*symbols):
            raise DomainError(
                f"entry {x} is not a rational function of the symbols; substitute values and use exact_rank"
            )
    n, m = A.shape
    for attempt in range(16):
        rng = random.Random(f"convac-point:{seed}:{attempt}")
        point = {s: rng.randint(-(2**bits), 2**bits) for s in symbols}
        sub = {s: sympy.Integer(v) for s, v in point.items()}
        values = {x: x.xreplace(sub) for x in distinct}
        if all(v.is_Rational for v in values.values()):
            break
    else:  # pragma: no cover - 16 poles in a row
        raise DomainError("could not find a point outside the poles of the entries")
    at_point = np.array([values[x] for x in A.flat], dtype=object).reshape(n, m)
    r = exact_rank(at_point, method="modular" if method == "auto" else method, seed=seed, lower_bound_only=True)
    assert isinstance(r.certificate, RankCertificate)  # a numeric matrix's dense rank: a minor and a bound
    lower = r.certificate.lower
    lower = RankLowerBound(lower.k, lower.rows, lower.cols, lower.prime, tuple((s.name, v) for s, v in point.items()))
    names = ", ".join(s.name for s in symbols[:6]) + (", ..." if len(symbols) > 6 else "")
    statement = (
        f"Schwartz-Zippel: the {lower.k} x {lower.k} minor on the certificate's rows and columns is a rational "
        f"function of ({names}) that is nonzero at the recorded point (its determinant is nonzero mod {lower.prime}), "
        f"so rank >= {lower.k} for all values outside the zero set of a nonzero polynomial (measure zero)"
    )
    return _result(lower, _trivial(n, m), f"generic/{r.method}", statement)


def rank_over_fraction_field(matrix) -> RankResult:
    """The rank over the field of rational functions QQ(symbols), by sympy ``DomainMatrix``.

    For tiny matrices, to compare with :func:`generic_rank`.  Exact but uncertified
    (``certificate`` is None).

    >>> import sympy
    >>> x, y = sympy.symbols("x y")
    >>> rank_over_fraction_field(np.array([[x, y], [x * y, y**2]], dtype=object)).rank
    1
    """
    import sympy
    from sympy.polys.matrices import DomainMatrix

    if isinstance(matrix, Matricization):
        matrix = matrix.matrix
    A = _array(matrix, dtype=object)
    if A.ndim != 2:
        raise ShapeError(f"matrix has shape {A.shape}: expected a 2-D array")
    n, m = A.shape
    dM = DomainMatrix.from_list_sympy(n, m, [[_sympify_entry(x, (i, j)) for j, x in enumerate(row)]
                                            for i, row in enumerate(A.tolist())])
    K = dM.domain
    if K.is_EX or any(not isinstance(g, sympy.Symbol) for g in getattr(K, "symbols", ())):
        raise DomainError(f"entries span the domain {K}: expected rational functions of symbols")
    k = dM.to_field().rank() if n and m else 0
    return RankResult(k, k, k, None, "sympy-fraction-field", True,
                      f"rank over {dM.to_field().domain}, by sympy DomainMatrix")
