"""rank A <= k for one exact matrix: its (k+1)-minors vanish modulo primes whose product exceeds Hadamard's bound.

Proposition.  For the one matrix A = [A^y]_I of the stated net (its exact rational entries, recomputed by the
kernel's own forward pass): rank A <= k.

Quantifier: this one matrix (the net's numeric weights); nothing is said about other weights.

Certificate: ``{"certificate": "rank_upper_bound", "k": k, "kind": "multimodular", "primes": [p_1, ..., p_t]}``.
No relation matrix and no factor: the certificate is k and the primes, whatever the size of A's entries.

Why acceptance implies truth.  Let d > 0 be the lcm of the denominators of A and B = d A, an integer matrix with
rank B = rank A (scaling by d != 0 keeps the rank).

1. Every (k+1) x (k+1) minor of B is an integer of absolute value at most H, where H^2 <= H2 = the product of the
   k+1 largest squared Euclidean norms of B's columns (Hadamard's inequality: |det| <= the product of the norms of
   the minor's columns, each at most the norm of the whole column of B); the same holds for rows, and the kernel
   takes the smaller of the two products.  H2 is computed exactly, with Python ints.
2. The primes are distinct, each proven prime by FLINT's ``fmpz_is_prime`` (not a probable-prime test), below
   2^63, and none divides d; their product P satisfies P^2 > H2 (exact integers), so P > H.
3. For every p: rank(B mod p) <= k, by python-flint ``nmod_mat.rank``, or, for p < 2^21 and a smaller side of at
   least ``BLAS_SIDE``, by the exact float64 elimination of :mod:`symbolic.kernel.blas_elimination` (its proof
   is there).  Rank mod p <= k means every (k+1)-minor of B is 0 mod p; the primes being distinct, every
   (k+1)-minor is divisible by P.
4. A multiple of P of absolute value at most H < P is 0: every (k+1)-minor of B vanishes over Q, so rank A =
   rank B <= k.

Conversely rank(B mod p) <= rank B for every p, so a true bound k always passes step 3, and a k below the rank
fails it: a nonzero (k+1)-minor, of absolute value below P, is not divisible by every one of the primes.

k = 0 is refused here (kind ``factorization`` with k = 0 proves A = 0 entry by entry); k >= min(rows, cols)
needs no minor (there is none of size k+1) and is accepted after the fields are validated.

Cost, estimated before any work (:mod:`symbolic.kernel.cost`): the eliminations, at most sum_{i < min(n, m)}
(n - i)(m - i) multiply-adds modulo p per prime (about n^3 / 3 for a square n x n matrix; a word operation each
with python-flint, 1/64 of one in the float64 BLAS elimination: :func:`symbolic.kernel.cost.elimination`), plus the
n m products of the norms; the memory of the integer matrix and of one matrix of residues.

>>> import numpy as np
>>> A = np.array([[1, 2, 3], [2, 4, 6], [1, 0, 1]], dtype=object)
>>> check(A, {"certificate": "rank_upper_bound", "k": 2, "kind": "multimodular", "primes": [1000003]})
2
>>> check(A, {"certificate": "rank_upper_bound", "k": 1, "kind": "multimodular", "primes": [1000003, 1000033]})
Traceback (most recent call last):
...
symbolic.errors.CertificateError: multimodular: the rank of A modulo 1000003 is 2, above k=1
"""

from __future__ import annotations

import math
from fractions import Fraction

import flint
import numpy as np

from . import blas_elimination as blas, cost
from .failure import fail, need

MAX_PRIME = 1 << 63
#: From this smaller side on, primes below 2^21 are eliminated in float64 BLAS: at 1296 x 1296 one rank takes
#: 0.12 s there and 0.54 s with nmod_mat at a 62-bit prime, 6 against 9 ms per bit of P (2 cores, 2026-12-08).
BLAS_SIDE = 1024


def estimate(n: int, m: int, primes: list, bits: int):
    """Refuse (:class:`~symbolic.errors.TooLarge`) before work when the check of the ``primes`` on an n x m
    matrix of ``bits``-bit integers is over the budget (an elimination per prime, at the float64 BLAS weight for
    primes below 2^21 from ``BLAS_SIDE`` rows on: :func:`symbolic.kernel.cost.elimination`)."""
    words = 1 + bits // 64
    # the entries as Python ints three times (the list, the scaled matrix, the squares), int64 and float64 residues
    cost.memory(n * m * (3 * (bits // 8) + 160), f"the integer {n} x {m} matrix of the multimodular check")
    on_blas = sum(1 for p in primes if p < blas.MAX_PRIME) if min(n, m) >= BLAS_SIDE else 0
    e = cost.elimination_work(n, m)
    cost.work((len(primes) - on_blas) * e + on_blas * e // 64 + n * m * words * words,
              f"the multimodular check (ranks of the {n} x {m} matrix modulo {len(primes):,} primes)")


def hadamard_square(B: np.ndarray, k: int) -> int:
    """H2: the smaller of the products of the k+1 largest squared column norms and of the k+1 largest squared row
    norms of the integer matrix B (object array of ints); every (k+1)-minor of B has its square <= H2.

    >>> hadamard_square(np.array([[3, 0], [4, 1]], dtype=object), 1)
    25
    """
    sq = B * B
    cols = sorted((int(x) for x in sq.sum(axis=0)), reverse=True)
    rows = sorted((int(x) for x in sq.sum(axis=1)), reverse=True)
    return min(math.prod(cols[:k + 1]), math.prod(rows[:k + 1]))


def check(A: np.ndarray, c) -> int:
    """Verify a ``multimodular`` rank_upper_bound on the exact matrix A (steps 1-4 of the module docstring);
    return k."""
    need(isinstance(c, dict) and set(c) == {"certificate", "k", "kind", "primes"},
         f"rank_upper_bound: expected the fields certificate, k, kind, primes, got {sorted(map(str, c))[:8]}"
         if isinstance(c, dict) else "rank_upper_bound: expected an object")
    need(c["certificate"] == "rank_upper_bound" and c["kind"] == "multimodular",
         f"certificate={str(c['certificate'])[:30]}, kind={str(c['kind'])[:30]}: expected rank_upper_bound, "
         "multimodular")
    n, m = A.shape
    k, primes = c["k"], c["primes"]
    need(type(k) is int and 1 <= k <= min(n, m),
         f"multimodular: k={str(k)[:20]}: expected an int in 1..{min(n, m)} (k = 0: kind factorization)")
    if not isinstance(primes, list) or not primes or any(type(p) is not int or not 2 <= p < MAX_PRIME for p in primes):
        fail(f"multimodular: primes={str(primes)[:60]}: expected a nonempty list of ints in 2..2^63-1")
    need(len(set(primes)) == len(primes), f"multimodular: primes: {len(primes) - len(set(primes))} repeated")
    need(A.dtype == object, "multimodular: an exact matrix is needed, not residues")
    q = A.ravel().tolist()
    need(all(type(x) in (int, Fraction) for x in q), "multimodular: the matrix entries must be exact rationals")
    dens = [x.denominator for x in q if type(x) is Fraction]
    bits = max((abs(x.numerator).bit_length() for x in q), default=0) + cost.lcm_bits(dens)
    estimate(n, m, primes, bits)
    composite = next((p for p in primes if not flint.fmpz(p).is_prime()), None)
    need(composite is None, f"multimodular: primes: {composite} is not prime")
    d = math.lcm(1, *dens)
    divisor = next((p for p in primes if d % p == 0), None)
    need(divisor is None, f"multimodular: prime {divisor} divides the denominator of the matrix")
    if k == min(n, m):  # no (k+1)-minor exists
        return k
    B = np.array([int(x * d) for x in q], dtype=object).reshape(n, m)
    H2, P = hadamard_square(B, k), math.prod(primes)
    need(P * P > H2, f"multimodular: the product of the {len(primes)} primes has {P.bit_length():,} bits, not above "
                     f"Hadamard's bound on the {k + 1} x {k + 1} minors (~{(H2.bit_length() + 1) // 2:,} bits)")
    small = max((abs(x).bit_length() for x in B.flat), default=0) <= 62
    B64, F = (B.astype(np.int64) if small else None), None
    for p in primes:
        if p < blas.MAX_PRIME and min(n, m) >= BLAS_SIDE:
            res = (B64 % p if B64 is not None else B % p).astype(np.float64)
            r = blas.rank_mod_p(res, p, overwrite=True)[0]
        else:
            F = flint.fmpz_mat(B.tolist()) if F is None else F
            r = flint.nmod_mat(F, p).rank()
        need(r <= k, f"multimodular: the rank of A modulo {p} is {r}, above k={k}")
    return k


__all__ = ["check", "estimate", "hadamard_square", "BLAS_SIDE"]
