"""Timings of the exact-rank backends (not a test).

Run:  python benchmarks/bench_rank_backends.py [--n 4096] [--small 256] [--slow-construction]

Prints
1. exact_rank of a random n x n int64 matrix of residues mod a 26-bit prime (full rank):
   the total, and its nmod_mat construction part (fast memmove path vs python-flint's
   list constructor);
2. a random 256 x 256 integer matrix: exact_rank with method="flint" and method="sympy",
   and the raw backend calls (fmpz_mat.rank, DomainMatrix.rank).
"""

from __future__ import annotations

import argparse
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from symbolic.rank import exact as rk  # noqa: E402
from symbolic.rank.certificates import check_rank_certificate  # noqa: E402


def timed(label, fn):
    t = time.perf_counter()
    out = fn()
    dt = time.perf_counter() - t
    print(f"  {label:<58s} {dt:8.2f} s")
    return out, dt


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=4096)
    ap.add_argument("--small", type=int, default=256)
    ap.add_argument("--slow-construction", action="store_true", help="also time flint.nmod_mat(n, n, list, p)")
    ap.add_argument("--check", action="store_true", help="also time the trusted checker on the big certificate")
    args = ap.parse_args(argv)

    import flint
    import sympy
    from sympy import ZZ
    from sympy.polys.matrices import DomainMatrix

    n = args.n
    p = rk.random_prime(0)
    rng = np.random.default_rng(0)
    A = rng.integers(0, p, (n, n), dtype=np.int64)
    print(f"python-flint {flint.__version__}, sympy {sympy.__version__}, numpy {np.__version__}")
    print(f"fast nmod_mat construction available: {rk._nmod_offset() is not None}")
    print(f"\n1. {n} x {n} int64 residues mod p = {p} ({p.bit_length()} bits)")
    timed("nmod_mat construction (memmove path)", lambda: rk._nmod_mat(A, p))
    if args.slow_construction:
        timed("nmod_mat construction (flint.nmod_mat(n, n, list, p))",
              lambda: flint.nmod_mat(n, n, A.ravel().tolist(), p))
        timed("nmod_mat construction (fmpz_mat(list) -> nmod_mat)",
              lambda: flint.nmod_mat(flint.fmpz_mat(n, n, A.ravel().tolist()), p))
    M = rk._nmod_mat(A, p)
    timed("nmod_mat.rank() alone", M.rank)
    r, _ = timed("exact_rank(A, modulus=p) total", lambda: rk.exact_rank(A, modulus=p))
    print(f"  -> rank {r.rank}, exact={r.exact}, method={r.method}")
    if args.check:
        timed("certificates.check_rank_certificate (nmod_mat det of the minor)",
              lambda: check_rank_certificate(A, r.certificate, modulus=p))

    s = args.small
    B = np.random.default_rng(1).integers(-100, 101, (s, s)).astype(object)
    print(f"\n2. {s} x {s} random integers in [-100, 100]")
    timed("flint: fmpz_mat(list).rank()", lambda: flint.fmpz_mat(B.tolist()).rank())
    timed("sympy: DomainMatrix(ZZ).rank()  (sparse Gauss-Jordan)",
          lambda: DomainMatrix.from_list(B.tolist(), ZZ).to_sparse().rank())
    rf, _ = timed("exact_rank(method='flint')", lambda: rk.exact_rank(B, method="flint"))
    rs, _ = timed("exact_rank(method='sympy')", lambda: rk.exact_rank(B, method="sympy"))
    print(f"  -> ranks {rf.rank} (flint), {rs.rank} (sympy)")
    C = (np.random.default_rng(2).integers(-100, 101, (s, s // 2))
         @ np.random.default_rng(3).integers(-100, 101, (s // 2, s))).astype(object)
    print(f"\n3. {s} x {s} of rank {s // 2} (a product U V): exact rank with a factorization certificate")
    rf, _ = timed("exact_rank(method='flint')", lambda: rk.exact_rank(C, method="flint"))
    rs, _ = timed("exact_rank(method='sympy')", lambda: rk.exact_rank(C, method="sympy"))
    timed("certificates.check_rank_certificate (flint result)", lambda: check_rank_certificate(C, rf.certificate))
    print(f"  -> ranks {rf.rank} (flint, exact={rf.exact}), {rs.rank} (sympy, exact={rs.exact})")


if __name__ == "__main__":
    main()
