"""Certificate pieces shared by several statement types: witness ranks, symbolic factorizations, open boxes
and the max-term row structure.  Each function checks one piece completely and returns what it proved.

- :func:`witness_rank`: a numeric network of the family and a certified rank (lower, and upper when a full
  rank certificate is given) of its [A]_rows, recomputed by the kernel's forward pass.
- :func:`factorization`: [A]_rows = U V for ALL weights of a symbolic network (entries expand to 0),
  so rank <= the inner size everywhere.
- :func:`box`: an open box of deep weights on which the deep grid tensor equals a shallow net's, by exact
  interval arithmetic on the whole box (:func:`symbolic.kernel.intervals.resolve_on_box`).
- :func:`max_rows`: one max-pooling channel's rows depend only on a max over the row modes, which takes at
  most |rows|(M - 1) + 1 values (a lemma proved in its docstring).
- :func:`identity_all_weights`: a deep net equals a shallow net for ALL weights (expansion).
"""

from __future__ import annotations

import functools
import itertools
import operator

import flint
import numpy as np
from .lazy import sympy

from . import cost
from .failure import need
from .intervals import interval, resolve_on_box
from .linalg import check_lower, check_rank, matricize
from .network import activation, grid, kmax
from .parse import parse_expr, parse_rational
from .schema import keys, rows as rows_of
from .sources import family_is, for_all_weights, identity_F, net_of, numeric, tensor_of, zero


def parts(cert, what="certificate"):
    if isinstance(cert, dict) and cert.get("kind") == "all":
        keys(cert, ("kind", "parts"), (), what)
        need(isinstance(cert["parts"], list) and cert["parts"], f"{what}: no parts")
        return cert["parts"]
    return [cert]


def odd_even(N):
    return list(range(0, N, 2))


def factorized(A, U, V, syms, what) -> int:
    """[A] = U V exactly (entries expand to 0), with U, V read by the whitelist parser; the inner size."""
    need(isinstance(U, list) and isinstance(V, list) and all(isinstance(r, list) for r in U + V),
         f"{what}: U, V are lists of rows")
    cost.entries(len(U) * len(V) * max((len(r) for r in V), default=1),
                 f"{what}: the product U V (rows x inner x columns)")
    U = [[parse_expr(x, field="U", symbols=syms) for x in r] for r in U]
    V = [[parse_expr(x, field="V", symbols=syms) for x in r] for r in V]
    n = len(V)
    need(len(U) == A.shape[0] and all(len(r) == n for r in U) and n >= 1 and all(len(r) == A.shape[1] for r in V),
         f"{what}: U, V must be {A.shape[0]} x n and n x {A.shape[1]}")
    P = sympy.Matrix(U) * sympy.Matrix(V)
    need(all(zero(sympy.sympify(A[i, j], strict=True) - P[i, j]) for i in range(A.shape[0]) for j in range(A.shape[1])),
         f"{what}: [A]_rows != U V")
    return n


def factorization(part, fam, what):
    """A factorization [A]_rows = U V over a symbolic network of the family, for all weights: (rows, inner size)."""
    keys(part, ("kind", "source", "rows", "U", "V"), (), what)
    need(part["kind"] == "factorization", f"{what}: expected a factorization")
    net = net_of(part["source"], what)
    for_all_weights(net, what)
    family_is(net, fam, what)
    rows = rows_of(part["rows"], net.N, f"{what}.rows")
    syms = {str(s): s for x in net.weights() for s in sympy.sympify(x, strict=True).free_symbols}
    A = matricize(tensor_of(part["source"]), net.N, net.M, rows)
    return rows, factorized(A, part["U"], part["V"], syms, what)


def witness_rank(part, fam, rows, what):
    keys(part, ("kind", "source", "rows", "certificate"), (), what)
    need(part["kind"] == "matricization_rank" and part["rows"] == rows, f"{what}: matricization_rank of rows {rows}")
    net = net_of(part["source"], what)
    numeric(net, what)
    family_is(net, fam, what)
    c = part["certificate"]
    full = isinstance(c, dict) and c.get("certificate") == "rank"
    low, up = (c.get("lower"), c.get("upper")) if full else (c, None)
    p = low.get("prime") if isinstance(low, dict) else None
    # polynomial operators and a minor (with at most the trivial upper bound): the residues of the grid tensor
    # modulo the certificate's prime are those of the exact tensor, so a minor nonzero mod p is nonzero over Q
    # (as for rank statements, symbolic/kernel/rank.py); N=16, M=3 then takes seconds instead of 8 GB
    if (type(p) is int and 2 <= p < 1 << 26 and net.pooling != "max" and net.activation in ("linear", "square")
            and (up is None or isinstance(up, dict) and up.get("kind") == "trivial")):
        A = matricize(np.asarray(grid(net, modulus=p)[part["source"]["output"]]), net.N, net.M, rows)
        return check_rank(A, c, modulus=p) if full else (check_lower(A, c, p), None)
    A = matricize(np.asarray(tensor_of(part["source"])), net.N, net.M, rows)
    return check_rank(A, c) if full else (check_lower(A, c), None)


def max_term_bound(N, M) -> int:
    """The tightest proved bound on one max channel's rank [.]_odd-even: |rows| (M - 1) + 1 = ceil(N/2)(M - 1) + 1
    (N(M - 1)/2 + 1 for even N only: odd-even takes the ceil(N/2) even 0-based modes)."""
    return len(odd_even(N)) * (M - 1) + 1


def max_rows(cert, fam, what="certificate"):
    """One max-pooling channel o max_i sigma(a_{i, d_i}) of a symbolic shallow net (Z = 1, F = identity) is
    o max(R(rows), C(cols)), R = max_{i in rows} v^i_{d_i} with v^i_j = sigma(a_{i, j}): checked entry by entry
    for all weights.  Equal R gives equal rows, so rank [.]_rows <= #{values of R}, and

    **Lemma.**  For reals v^i_j (i in rows, n = |rows|, j < M), R = max_i v^i_{d_i} takes at most n(M - 1) + 1
    values.  *Proof.*  Let m_i = min_j v^i_j and m* = max_i m_i = m_{i*}.  Every value of R is >= m* (each
    v^i_{d_i} >= m_i) and is one of the v^i_j, so it lies in S = {v^i_j >= m*}.  Mode i* gives at most M
    elements of S; any other mode i gives at most M - 1 elements of S different from m*: if m_i < m*, its
    minimum is not in S, and if m_i = m*, its minimum is the value m* already counted.  So
    |S| <= M + (n - 1)(M - 1) = n(M - 1) + 1.  QED.  (M |rows|, the earlier bound, counted every v^i_j.)

    So rank [.]_rows <= |rows|(M - 1) + 1 for all weights; the certificate's bound must be exactly that."""
    keys(cert, ("kind", "source", "rows", "bound"), (), what)
    net = net_of(cert["source"], f"{what}.source")
    N, M, rows = net.N, net.M, odd_even(net.N)
    need(cert["kind"] == "max_term_rows" and cert["rows"] == rows and cert["bound"] == max_term_bound(N, M),
         f"{what}: max_term_rows for the odd modes and bound |rows|(M - 1) + 1 = {max_term_bound(N, M)}")
    for_all_weights(net, what)
    identity_F(net, what)
    family_is(net, dict(fam, Z=1), what)
    sig = activation(net.activation)[1]
    v = [[sig(net.layers[0][i][0][j]) for j in range(M)] for i in range(N)]
    for d, t in zip(itertools.product(range(M), repeat=N), tensor_of(cert["source"])):
        R, C = kmax(*(v[i][d[i]] for i in rows)), kmax(*(v[i][d[i]] for i in range(N) if i not in rows))
        need(zero(sympy.sympify(t, strict=True) - net.output[0][0] * kmax(R, C)), f"{what}: entry {d} != o max(R, C)")
    return cert["bound"]


def additive(U, V) -> bool:
    """U = [r, u 1] and V = [v 1^T; c^T] (column 1 of U and row 0 of V constant): [A] = (v r) 1^T + 1 (u c)^T is
    additively separable, and a sum of such matrices is again one, so rank <= 2 at ANY number of channels."""
    return (len(V) == 2 and all(len(r) == 2 for r in U) and len({str(r[1]) for r in U}) == 1
            and len(set(map(str, V[0]))) == 1)


def polynomials_equal(a, b, syms) -> bool:
    """a == b as polynomials with rational coefficients (python-flint fmpq_mpoly, exact); expressions other than
    + * and nonnegative integer powers of the symbols and rationals are compared by expansion instead."""
    names = tuple(sorted(map(str, syms))) or ("_",)
    ctx = flint.fmpq_mpoly_ctx.get(names)
    gens, memo = dict(zip(names, ctx.gens())), {}

    def conv(e):
        if e not in memo:
            if e.is_Symbol:
                memo[e] = gens[e.name]
            elif e.is_Rational:
                memo[e] = ctx.constant(flint.fmpq(int(e.p), int(e.q)))
            elif e.is_Add or e.is_Mul:
                memo[e] = functools.reduce(operator.add if e.is_Add else operator.mul, map(conv, e.args))
            elif e.is_Pow and e.exp.is_Integer and e.exp >= 0:
                memo[e] = conv(e.base) ** int(e.exp)
            else:
                raise TypeError("not a polynomial")
        return memo[e]
    try:
        return all(conv(sympy.sympify(x, strict=True)) == conv(sympy.sympify(y, strict=True)) for x, y in zip(a, b))
    except TypeError:
        return all(zero(sympy.sympify(x, strict=True) - sympy.sympify(y, strict=True)) for x, y in zip(a, b))


def identity_all_weights(cert, deep_fam, what="certificate"):
    """The deep net of the family equals a shallow net of the same operator for ALL weights (the shallow
    weights are expressions in the deep symbols; every entry's difference expands to 0).  Returns Z."""
    keys(cert, ("kind", "left", "right"), (), what)
    need(cert["kind"] == "all_weights_identity", f"{what}: all_weights_identity")
    deep = net_of(cert["left"], f"{what}.left")
    for_all_weights(deep, f"{what}.left")
    identity_F(deep, f"{what}.left")
    family_is(deep, deep_fam, f"{what}.left")
    sh = net_of(cert["right"], f"{what}.right")
    identity_F(sh, f"{what}.right")
    family_is(sh, {k: deep_fam[k] for k in ("N", "M", "activation", "pooling", "shared")} | {"architecture": "shallow"},
              f"{what}.right")
    syms = {s for x in deep.weights() for s in sympy.sympify(x, strict=True).free_symbols}
    need(all(sympy.sympify(x, strict=True).free_symbols <= syms for x in sh.weights()),
         f"{what}.right: weights of the deep symbols")
    need(polynomials_equal(tensor_of(cert["left"]), tensor_of(cert["right"]), syms), f"{what}: the tensors differ")
    return sh.widths[0]


def box(cert, fam, what="certificate"):
    """An open box of deep weights of the family on which the deep grid tensor equals a shallow net's of the
    same operator and F (weights: expressions in the deep ones, or ``roots`` r = sqrt(g) with g > 0 on the whole
    box, so r is real there and r^2 = g exactly), by exact interval arithmetic on the whole box.
    Returns the deep tensor resolved on the box, the symbols, and the shallow width Z."""
    keys(cert, ("kind", "left", "right", "box"), ("U", "V", "roots"), what)
    need(cert["kind"] == "box_identity", f"{what}: box_identity")
    deep = net_of(cert["left"], f"{what}.left")
    for_all_weights(deep, f"{what}.left")
    family_is(deep, fam, f"{what}.left")
    sh = net_of(cert["right"], f"{what}.right")
    family_is(sh, {k: fam[k] for k in ("N", "M", "activation", "pooling", "shared")} | {"architecture": "shallow"},
              f"{what}.right")
    need(sh.F == deep.F, f"{what}.right: the same representation F as the deep net")
    syms = {str(s): s for x in deep.weights() for s in sympy.sympify(x, strict=True).free_symbols}
    need(isinstance(cert["box"], dict) and set(cert["box"]) == set(syms),
         f"{what}.box: an interval for every deep weight")
    need(isinstance(cert.get("roots", {}), dict), f"{what}.roots: {{name: expression}}")
    need(all(set(map(str, sympy.sympify(x, strict=True).free_symbols)) <= set(syms) | set(cert.get("roots", {}))
             for x in sh.weights()), f"{what}.right: weights of the deep symbols (and of the roots)")
    B = {}
    for name, iv in cert["box"].items():
        need(isinstance(iv, list) and len(iv) == 2, f"{what}.box.{name}: [lo, hi]")
        lo, hi = (sympy.Rational(str(parse_rational(x, field=f"box.{name}"))) for x in iv)
        need(lo < hi, f"{what}.box.{name}: the interval is empty or a point")
        B[name] = (lo, hi)
    memo = {}
    roots = {}  # shallow weights r with r^2 = g, g > 0 on the whole box: r = sqrt(g) is real and continuous there
    for name, text in cert.get("roots", {}).items():
        need(name not in syms and name.isidentifier(), f"{what}.roots.{name}: a fresh name")
        g = parse_expr(text, field=f"{what}.roots.{name}", symbols={k: sympy.Symbol(k) for k in syms})
        need(interval(g, B, memo)[0] > 0, f"{what}.roots.{name}: sqrt({str(g)[:40]}) is not real on the whole box")
        roots[sympy.Symbol(name)] = sympy.sqrt(g)
    left = [resolve_on_box(sympy.sympify(a, strict=True), B, memo) for a in tensor_of(cert["left"])]
    for a, b in zip(left, tensor_of(cert["right"])):
        need(zero(a - resolve_on_box(sympy.sympify(b, strict=True).xreplace(roots), B, memo)),
             f"{what}: the two tensors differ on the box")
    return np.array(left, dtype=object), syms, sh.widths[0]


__all__ = ["parts", "odd_even", "factorized", "factorization", "witness_rank", "max_rows", "max_term_bound", "additive",
           "identity_all_weights", "box"]
