"""Certificates for the depth verdicts beyond a witness and a box (issue 19).

- :func:`colt_witness`: the COLT 2016 witness (layer 0: e_alpha; the first combination sums the channels,
  above it channel 0 only), numeric; for product pooling its [A]_odd-even is diagonal of rank M^(N/2), and
  with sigma replaced by a symbol per pre-activation it stays a diagonal of monomials: the ``regions`` rule.
- :func:`arb_witness`: a rational deep tanh/sigmoid net and a minor whose arb enclosure excludes 0.
- :func:`none_identity`: the deep net as a ONE-channel shallow net for all weights (linear sum/average).
- :func:`courant_fischer`: a subspace X and eps^2 with sigma_m(A) >= eps (exact check by the kernel).

>>> colt_witness("abs", "product", 4, 2).widths
(2, 2)
"""

from __future__ import annotations

import functools
from fractions import Fraction

import numpy as np
import sympy

from symbolic.kernel import generic
from symbolic.kernel.network import read_net
from symbolic.kernel.sources import tensor_of
from symbolic.rank.matricization import parse_partition
from symbolic.spec.network import deep, load_spec, spec_to_dict, tree_depth

from theorems.claims.common import source

__all__ = ["colt_witness", "regions_certificate", "arb_witness", "none_identity", "courant_fischer"]


def colt_witness(act, pl, N, M):
    """Layer 0: a^{0,j,alpha} = e_alpha; the first combination (level 1, or the output at N = 2): channel 0 = all
    ones, the others 0; above it channel 0 = e_0.  A[d] != 0 only where d_2k = d_2k+1 for every k."""
    L = tree_depth(N, 2)
    layer0 = [[[int(j == a) for j in range(M)] for a in range(M)] for _ in range(N)]
    ups = [[[[1] * M if l == 1 else [1] + [0] * (M - 1)] + [[0] * M for _ in range(M - 1)] for _ in range(N // 2**l)]
           for l in range(1, L)]
    out = [[1] * M if L == 1 else [1] + [0] * (M - 1)]
    return load_spec({"architecture": "deep", "N": N, "M": M, "activation": act, "pooling": pl,
                      "weights": {"layers": [layer0] + ups, "output": out}})


def _diag_minor(N, M):
    """Rows and columns of the nonzero diagonal of [A]_odd-even at the COLT witness (row r <-> column r)."""
    k = M ** (N // 2)
    return {"rows": list(range(k)), "cols": list(range(k))}


def regions_certificate(act, N, M) -> tuple:
    """(k, certificate) for the ``regions`` rule: the COLT witness of act/product and its diagonal minor."""
    spec = colt_witness(act, "product", N, M)
    minor = _diag_minor(N, M)
    return len(minor["rows"]), {"kind": "regions", "source": source(spec), "rows": list(range(0, N, 2)),
                                "minor": minor}


def _float_tensor(net):
    sig = np.tanh if net.activation == "tanh" else (lambda x: 1 / (1 + np.exp(-x)))
    comb = (lambda ts: functools.reduce(np.maximum.outer, ts)) if net.pooling == "max" else \
        generic.outer(net.pooling, 1.0)
    lifted = type(net)(net.architecture, net.N, net.M, net.activation, net.pooling, None, net.window, net.order,
                       net.shared, tuple(tuple(tuple(tuple(float(x) for x in ch) for ch in pos) for pos in lay)
                                         for lay in net.layers), tuple(tuple(float(x) for x in r) for r in net.output),
                       False)
    return generic.tree_tensor(lifted, 0, lambda t, key: sig(t.astype(float)).astype(object), comb)


def _pivot_minor(A, tol=1e-9):
    """Rows and columns of a well-conditioned minor, by Gaussian elimination with full pivoting (a guess: the
    kernel decides with arb)."""
    A = np.array(A, dtype=float)
    rows, cols, B = [], [], A.copy()
    scale = max(np.abs(A).max(), 1e-300)
    for _ in range(min(A.shape)):
        i, j = np.unravel_index(np.argmax(np.abs(B)), B.shape)
        if abs(B[i, j]) <= tol * scale:
            break
        rows.append(int(i))
        cols.append(int(j))
        B = B - np.outer(B[:, j], B[i, :]) / B[i, j]
    return rows, cols


def arb_witness(act, pl, N, M, seed=0, tries=4):
    """(k, certificate) of a rational deep tanh/sigmoid net with an arb-certified nonzero k x k minor of
    [A]_odd-even; None when no try certifies a minor."""
    rows_oe = list(parse_partition("odd-even", N))
    best = None
    for t in range(tries):
        spec = deep(N=N, M=M, activation=act, pooling=pl, weights="random", seed=seed + t, low=-16, high=16,
                    denominators=(8,))
        d = spec_to_dict(spec)
        net = read_net(d)
        A = _float_tensor(net).astype(float).reshape((M,) * N)
        cols_oe = [i for i in range(N) if i not in rows_oe]
        A = A.transpose(rows_oe + cols_oe).reshape(M ** len(rows_oe), -1)
        r, c = _pivot_minor(A)
        while r:
            cert = {"kind": "arb_minor", "source": {"spec": d, "output": 0}, "rows": rows_oe,
                    "minor": {"rows": sorted(r), "cols": sorted(c)}}
            try:
                generic.arb_minor_rank(net, cert, rows_oe, "witness")
            except Exception:
                r, c = r[:-1], c[:-1]
                continue
            if best is None or len(r) > best[0]:
                best = (len(r), cert)
            break
        if best and best[0] == min(A.shape):
            break
    return best


def none_identity(act, pl, N, M):
    """A deep linear sum/average net as a one-channel shallow net, for all weights: A = sum_i g_i(d_i), the
    g_i read off the symbolic tensor (g_0(j) = A[j, 0, ..], g_i(j) = A[.., j at i, ..] - A[0, ..]); the kernel
    expands the difference of the two tensors.  None unless sigma is the identity and P is sum or average."""
    if generic.slopes(act) != (1, 1) or pl not in ("sum", "average"):
        return None
    spec = deep(N=N, M=M, activation=act, pooling=pl, weights="symbolic")
    flat = tensor_of(source(spec))  # the kernel's forward pass: fast on symbolic linear nets

    def T(d):
        return flat[sum(x * M ** (N - 1 - i) for i, x in enumerate(d))]
    zero = (0,) * N
    g = [[sympy.expand(T(tuple(j if t == i else 0 for t in range(N))) - (T(zero) if i else 0)) for j in range(M)]
         for i in range(N)]
    scale = N if pl == "average" else 1  # shallow average pooling divides by N once
    sh = load_spec({"architecture": "shallow", "N": N, "M": M, "activation": act, "pooling": pl,
                    "weights": {"hidden": [[[str(x) for x in gi] for gi in g]], "output": [[scale]]}})
    return {"kind": "all_weights_identity", "left": source(spec), "right": source(sh)}


def courant_fischer(A, m, tries=12):
    """(eps2, certificate): X = m coordinate vectors (columns of A picked by pivoted elimination, a float
    guess), so X^T A^T A X = A[:, S]^T A[:, S] exactly, and eps2 just below its least eigenvalue, lowered until
    the kernel's exact LDL^T check passes; None when it never does."""
    from symbolic.kernel import approximation

    scale = max(abs(Fraction(x)) for x in A.ravel()) or Fraction(1)
    Af = np.array([[float(Fraction(x) / scale) for x in row] for row in A.tolist()])  # entries in [-1, 1]
    _, cols = _pivot_minor(Af, tol=1e-12)
    if len(cols) < m:
        return None
    S = sorted(cols[:m])
    X = [["1" if j == S[c] else "0" for c in range(m)] for j in range(A.shape[1])]
    cert = {"kind": "courant_fischer", "X": X}
    lam = float(np.linalg.eigvalsh(Af[:, S].T @ Af[:, S])[0])
    if not lam > 0:
        return None
    e = Fraction(lam * 0.9).limit_denominator(10**6) or Fraction(lam * 0.9)
    for _ in range(tries):
        e2 = e * scale**2
        if e2 > 0:
            try:
                approximation.check(A, cert, m, f"{e2.numerator}/{e2.denominator}", "approximation")
                return f"{e2.numerator}/{e2.denominator}" if e2.denominator != 1 else str(e2.numerator), cert
            except Exception:
                pass
        e = Fraction(float(e) / 4)
    return None
