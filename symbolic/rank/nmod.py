"""Residue matrices in python-flint's ``nmod_mat``: fast construction, pivots, independent rows and columns.

python-flint builds an nmod_mat from a Python list one nmod at a time (about 5 s and a 36-byte
Python int per entry for 16M entries).  For the python-flint versions in ``FAST_NMOD_VERSIONS``
only, and when the object layout is recognised by a self-test (the word offset of the C struct
nmod_mat_struct {entries, r, c, stride, mod} inside the Python object, checked on two matrices
with known entries), residues are copied in and out with one memmove.  Any other version, a
failed self-test, or ``CONVAC_NO_FAST_NMOD=1`` takes the public route fmpz_mat -> nmod_mat
(``benchmarks/bench_rank_backends.py`` and ``benchmarks/bench_scale.py`` measure both).

>>> import numpy as np
>>> k, R, C = _independent_sets(np.array([[1, 2], [2, 4], [0, 1]], dtype=np.int64), 101)
>>> k, R, C
(2, (0, 2), (0, 1))
"""

from __future__ import annotations

import ctypes
import os

import numpy as np

__all__ = ["FAST_NMOD_VERSIONS"]


def _flint():
    import flint

    return flint


FAST_NMOD_VERSIONS = ("0.9.0",)
_LAYOUT: list = []


def _nmod_offset():
    if not _LAYOUT:
        fast = not os.environ.get("CONVAC_NO_FAST_NMOD") and _flint().__version__ in FAST_NMOD_VERSIONS
        _LAYOUT.append(_probe_layout() if fast else None)
    return _LAYOUT[0]


def _probe_layout():
    flint = _flint()
    offsets = None
    for r, c in ((3, 5), (4, 2)):
        vals = list(range(1001, 1001 + r * c))
        M = flint.nmod_mat(r, c, vals, 1000003)
        words = (ctypes.c_uint64 * (type(M).__basicsize__ // 8)).from_address(id(M))
        found = set()
        for k in range(2, len(words) - 3):
            if (words[k + 1], words[k + 2], words[k + 3]) == (r, c, c) and words[k] and words[k] % 8 == 0:
                if list((ctypes.c_uint64 * (r * c)).from_address(words[k])) == vals:
                    found.add(k)
        offsets = found if offsets is None else offsets & found
    return min(offsets) if offsets else None


def _nmod_mat(res: np.ndarray, p: int):
    """An nmod_mat holding the residues ``res`` (int64 values in [0, p))."""
    flint = _flint()
    n, m = res.shape
    off = _nmod_offset()
    if off is not None and n and m:
        M = flint.nmod_mat(n, m, p)
        w = (ctypes.c_uint64 * (off + 4)).from_address(id(M))
        if (w[off + 1], w[off + 2], w[off + 3]) == (n, m, m):
            src = np.ascontiguousarray(res, dtype=np.uint64)
            ctypes.memmove(w[off], src.ctypes.data, src.nbytes)
            return M
    return flint.nmod_mat(flint.fmpz_mat(n, m, res.ravel().tolist()), p)


def _nmod_rows(M, k: int) -> np.ndarray:
    """The first k rows of an nmod_mat as a uint64 array."""
    m = M.ncols()
    off = _nmod_offset()
    if off is not None and k and m:
        w = (ctypes.c_uint64 * (off + 4)).from_address(id(M))
        if w[off + 1] == M.nrows() and (w[off + 2], w[off + 3]) == (m, m):
            buf = (ctypes.c_uint64 * (k * m)).from_address(w[off])
            return np.frombuffer(buf, dtype=np.uint64).reshape(k, m).copy()
    return np.array([int(x) for x in M.entries()[: k * m]], dtype=np.uint64).reshape(k, m)


#: From this many rows and columns on, with a prime below 2^21, ranks of residues go to the kernel's float64
#: elimination (symbolic.kernel.blas_elimination): 0.6x flint's time at 2048, 0.1x at 4096 on 2 cores.
BLAS_SIDE = 1024


def _blas(res: np.ndarray, p: int) -> bool:
    from symbolic.kernel.blas_elimination import MAX_PRIME

    return p < MAX_PRIME and min(res.shape) >= BLAS_SIDE


def nonsingular(res: np.ndarray, p: int) -> bool:
    """Is the square residue matrix nonsingular mod p (the float64 elimination when large, else flint's det)?"""
    if _blas(res, p):
        from symbolic.kernel.blas_elimination import rank_mod_p

        return rank_mod_p(res, p)[0] == res.shape[0]
    return int(_nmod_mat(res, p).det()) != 0


def _pivots(res: np.ndarray, p: int):
    """(rank, pivot columns) of the residue matrix ``res`` mod p, from its rref."""
    if 0 in res.shape:
        return 0, ()
    R, k = _nmod_mat(res, p).rref()
    rows = _nmod_rows(R, k)
    return k, tuple(int(j) for j in (rows != 0).argmax(axis=1))


def _independent_sets(res: np.ndarray, p: int):
    """(k, R, C): the rank k mod p, k independent rows R and k independent columns C.

    Columns C independent and rows R of A[:, C] independent make A[R, C] nonsingular.
    A full-rank square matrix costs one construction and one ``rank()``.
    """
    n, m = res.shape
    if n == 0 or m == 0:
        return 0, (), ()
    if _blas(res, p):  # pivot rows and columns of one elimination: A[R, C] is nonsingular mod p
        from symbolic.kernel.blas_elimination import rank_mod_p

        k, R, C = rank_mod_p(res, p)
        return k, tuple(R), tuple(C)
    if n == m and _nmod_mat(res, p).rank() == n:
        return n, tuple(range(n)), tuple(range(n))
    if n <= m:
        k, C = _pivots(res, p)
        R = tuple(range(n)) if k == n else _pivots(np.ascontiguousarray(res[:, list(C)].T), p)[1]
    else:
        k, R = _pivots(np.ascontiguousarray(res.T), p)
        C = tuple(range(m)) if k == m else _pivots(res[list(R), :], p)[1]
    return k, R, C
