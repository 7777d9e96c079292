"""The one quantifier rule for "almost all weights".

Proposition: for almost every weight vector w (every weight and F entry, a point of R^n; all but a set of
Lebesgue measure zero), the statement's inequality holds, e.g. ``rank [A(w)]_I >= k``.

Accepted arguments (and nothing else), three separately named rules:

**Schwartz-Zippel (algebraic)** (:func:`require_schwartz_zippel`).  Requires that every grid-tensor entry is a
rational function of the weights.  The kernel reads this off its *own* operator definitions
(:func:`symbolic.kernel.network.activation` and :func:`~symbolic.kernel.network.pool`: sigma(x) a polynomial in
x, P(a, b) a polynomial in a, b) and off every weight expression of the network (a rational function of the
symbols: only ``+ - * / ^`` and rationals; no Max, Min, Abs, relu, exp, tanh or sigmoid).  Then a k x k minor
of [A] is a rational function p(w)/q(w); the certificate shows it is nonzero (mod a prime, so over Q) at one
rational point where q does not vanish, so p is not the zero polynomial, and the zero set of a nonzero
polynomial is Lebesgue-null (Schwartz-Zippel; Caron & Traynor 2005).  Off that null set rank >= k.

**Regions (piecewise linear, every region at once)** (:func:`require_regions`).  For a deep net of product
pooling, F = identity, and sigma(x) = c(x) x with c = s_+ on x > 0 and c = s_- on x < 0, both *nonzero*
rationals (read off the kernel's definition of sigma: abs, leaky_relu:p/q with p/q != 0; never relu).  Let
E be the set of weights where some pre-activation (some node, at some input of its receptive field) is 0.
E is null: a layer-0 pre-activation is a weight; a layer-l one is sum_alpha a_alpha g_alpha with g not
depending on the node's own weights a, so for fixed other weights it vanishes on a hyperplane unless every
g_alpha = 0, which (product pooling, sigma(x) = 0 only at x = 0) needs a child pre-activation = 0 (Fubini and
induction).  Off E the weights lie in an open *sign region* R_s (s = the slope at every pre-activation), on
which the net is P(w, s): the net with sigma replaced by multiplication by a fresh symbol C per
pre-activation, C := s.  So on R_s a k x k minor is the polynomial D_s(w) = det P(w, s)[rows, cols].  The
certificate is one numeric witness w*: the kernel evaluates P(w*, C) with the C symbolic and checks that the
minor is a generalized permutation matrix whose nonzero entries are single monomials in C; then
D_s(w*) = +- prod(monomials at C = s) != 0 for EVERY s (all slopes nonzero), so no D_s is the zero
polynomial, each R_s meets {rank < k} in a null set, and {rank < k} is inside E plus finitely many null
sets.  One point covers all regions because the check is symbolic in the slopes.

**Analyticity (arb)** (:func:`require_analytic`).  sigma in {tanh, sigmoid} and P in {product, sum,
average}: every entry is a real-analytic function of the weights on R^n (connected), and so is a minor D.
The certificate is a rational witness w* at which python-flint's arb ball arithmetic (rigorous error
bounds, no float decides) encloses D(w*) in a ball excluding 0.  A real-analytic function that is not
identically zero has a Lebesgue-null zero set (Mityagin 2015), so rank >= k off a null set.

Why nothing weaker will do: for relu, abs, max, min, leaky_relu, or a weight written ``relu(a)``, the
entries are only piecewise polynomial, and a minor nonzero at one point can vanish on a whole open set of
weights (another sign region), where the rank is lower: one numeric point proves nothing about almost all
weights (relu/product: dead units give rank 0 on an open box).  Each depth statement names its rule.

>>> polynomial_operator("square", "product"), polynomial_operator("relu", "product")
(True, False)
>>> polynomial_operator("leaky_relu:1", "sum")
True
"""

from __future__ import annotations

import functools
from fractions import Fraction

import flint
import numpy as np
from .lazy import sympy

from .failure import need
from .linalg import matricize
from .network import Net, activation, pool
from .schema import keys

SCHWARTZ_ZIPPEL, REGIONS, ANALYTIC = "schwartz-zippel", "regions", "analytic"
RULES = (SCHWARTZ_ZIPPEL, REGIONS, ANALYTIC)


def polynomial_operator(act: str, pl: str) -> bool:
    """sigma(x) and P(a, b) are polynomials, by the kernel's own definitions of the operators
    (``leaky_relu:1`` is the identity, so it counts as polynomial)."""
    x, a, b = sympy.symbols("x a b")
    return (sympy.sympify(activation(act)[1](x), strict=True).is_polynomial(x) is True
            and sympy.sympify(pool(pl, [a, b]), strict=True).is_polynomial(a, b) is True)


def rational_weights(net: Net) -> bool:
    """Every weight (and F entry) is a rational function of the network's symbols."""
    for w in net.weights():
        if isinstance(w, sympy.Basic):
            syms = sorted(w.free_symbols, key=str)
            if syms and w.is_rational_function(*syms) is not True:
                return False
            if not syms and not w.is_Rational:
                return False
    return True


def require_schwartz_zippel(net: Net, what: str) -> str:
    """Accept "for almost all weights of ``net``" from one nonzero minor only when Schwartz-Zippel applies:
    polynomial operators and rational weight expressions; returns the rule's name."""
    need(polynomial_operator(net.activation, net.pooling),
         f"{what}: almost all weights: {net.activation}/{net.pooling} is not polynomial (by the kernel's "
         f"definitions), so a nonzero minor at one point proves nothing for almost all weights")
    need(rational_weights(net), f"{what}: almost all weights: a weight expression is not a rational function "
         f"of the symbols (Max, Min, Abs, relu, exp, tanh or sigmoid), so Schwartz-Zippel does not apply")
    return SCHWARTZ_ZIPPEL




def slopes(act: str):
    """(s_+, s_-) when sigma(x) = s_+ x on x > 0 and s_- x on x < 0 (by the kernel's definition), else None."""
    f = activation(act)[1]
    xp, xn = sympy.Symbol("x", positive=True), sympy.Symbol("x", negative=True)
    s = [sympy.simplify(sympy.sympify(f(x), strict=True) / x) for x in (xp, xn)]
    return tuple(s) if all(v.is_Rational for v in s) else None


def tree_tensor(net: Net, y: int, act, combine) -> np.ndarray:
    """The flat row-major grid tensor of a deep net (F = identity) by its pooling tree, with sigma applied
    as ``act(values, (layer, position, channel))`` to each node's array of pre-activations (over its receptive
    field's inputs) and a window joined by ``combine`` (a list of arrays -> their outer combination)."""
    w, prev = net.window, None
    for l, lay in enumerate(net.layers):
        npos = net.N // w**l
        mats = [lay[0] if net.shared else lay[k] for k in range(npos)]
        if l == 0:
            pre = [[np.array(list(vec), dtype=object) for vec in m] for m in mats]
        else:
            pre = [[functools.reduce(lambda u, v: u + v, [a * t for a, t in zip(vec, prev[k])])  # type: ignore[index]
                    for vec in m]
                   for k, m in enumerate(mats)]
        acted = [[act(t, (l, k, c)) for c, t in enumerate(pk)] for k, pk in enumerate(pre)]
        prev = [[combine([acted[j * w + t][c] for t in range(w)]) for c in range(len(acted[0]))]
                for j in range(npos // w)]
    A = functools.reduce(lambda u, v: u + v, [o * t for o, t in zip(net.output[y], prev[0])])  # type: ignore[index]
    return np.transpose(A, [net.order.index(i) for i in range(net.N)]).ravel()


def outer(pl: str, one):
    """The window's pooling as an outer combination: product -> outer product, sum -> outer sum, average ->
    outer sum times ``one`` / w (``one``: the exact or arb 1)."""
    def f(ts):
        if pl == "product":
            return functools.reduce(np.multiply.outer, ts)
        s = functools.reduce(np.add.outer, ts)
        return s if pl == "sum" else s * (one / len(ts))
    return f


def _minor(cert, A_of, net, rows, what):
    """The k x k minor [A]_rows[r, c] named by ``cert["minor"]``; k."""
    keys(cert["minor"], ("rows", "cols"), (), f"{what}.minor")
    A = matricize(A_of(), net.N, net.M, rows)
    r, c = cert["minor"]["rows"], cert["minor"]["cols"]
    for x, n, name in ((r, A.shape[0], "rows"), (c, A.shape[1], "cols")):
        need(isinstance(x, list) and len(set(x)) == len(x) and all(
            isinstance(i, int) and not isinstance(i, bool) and 0 <= i < n for i in x), f"{what}.minor.{name}")
    need(len(r) == len(c) >= 1, f"{what}.minor: a square minor")
    return A[np.ix_(r, c)], len(r)


def require_regions(net: Net, cert, rows, what: str) -> int:
    """Rank >= k for almost all weights of the witness's family, by the regions rule (module docstring):
    returns k.  ``cert`` names the numeric witness (``net``) and the minor."""
    s = slopes(net.activation)
    need(net.pooling == "product" and net.architecture == "deep" and s is not None and 0 not in s,
         f"{what}: the regions rule needs product pooling and sigma(x) = s x with nonzero slopes on both signs "
         f"({net.activation}/{net.pooling} is not)")
    need(net.F is None or all(x == int(i == j) for i, r in enumerate(net.F) for j, x in enumerate(r)),
         f"{what}: the regions rule needs F = identity")
    need(all(not isinstance(x, sympy.Basic) for x in net.weights()), f"{what}: a numeric witness")

    def act(t, key):
        C = [sympy.Symbol("c_" + "_".join(map(str, key + (i,)))) for i in range(t.size)]
        return np.array([c * (x if isinstance(x, sympy.Basic) else sympy.Rational(str(Fraction(x)))) for c, x in
                         zip(C, t.ravel())], dtype=object).reshape(t.shape)
    B, k = _minor(cert, lambda: tree_tensor(net, cert["source"]["output"], act, outer("product", 1)), net, rows, what)
    for M_ in (B, B.T):
        for line in M_:
            nz = [e for e in line if sympy.expand(e) != 0]
            need(len(nz) == 1, f"{what}: the minor is not a generalized permutation matrix in the slopes")
            need(len(sympy.Add.make_args(sympy.expand(nz[0]))) == 1, f"{what}: an entry is not a single monomial")
    return k


def require_analytic(net: Net, cert, rows, what: str, prec: int = 256) -> int:
    """Rank >= k for almost all weights, by analyticity with an arb-certified nonzero minor at a rational
    witness (module docstring); returns k.  Also proves rank >= k at the witness itself."""
    need(net.activation in ("tanh", "sigmoid") and net.pooling in ("product", "sum", "average"),
         f"{what}: the analytic rule needs sigma in tanh, sigmoid and polynomial pooling")
    need(net.architecture == "deep" and (net.F is None or all(
        x == int(i == j) for i, r in enumerate(net.F) for j, x in enumerate(r))), f"{what}: a deep net, F = identity")
    return arb_minor_rank(net, cert, rows, what, prec)


def arb_minor_rank(net: Net, cert, rows, what: str, prec: int = 256) -> int:
    """rank [A]_rows >= k at a numeric witness of a tanh or sigmoid net: the minor's arb ball excludes 0."""
    need(net.activation in ("tanh", "sigmoid") and net.pooling in ("product", "sum", "average", "max"),
         f"{what}: arb minors are for tanh and sigmoid nets")
    need(all(not isinstance(x, sympy.Basic) for x in net.weights()), f"{what}: a numeric witness")
    # the arb forward pass below pools in the tree's windows and takes F = I: refuse anything else (red team 3)
    need(net.architecture == "deep" and net.F is None,
         f"{what}: arb minors are computed for deep nets with the identity F (no F field)")
    old = flint.ctx.prec
    flint.ctx.prec = prec
    try:
        def q(x):
            x = Fraction(x)
            return flint.arb(flint.fmpq(x.numerator, x.denominator))
        sig = (lambda x: x.tanh()) if net.activation == "tanh" else (lambda x: 1 / (1 + (-x).exp()))

        def act(t, key):
            return np.array([sig(q(x) if not isinstance(x, flint.arb) else x) for x in t.ravel()],
                            dtype=object).reshape(t.shape)
        comb = outer(net.pooling, flint.arb(1)) if net.pooling != "max" else \
            (lambda ts: functools.reduce(np.frompyfunc(lambda a, b: a.max(b), 2, 1).outer, ts))
        lifted = Net(net.architecture, net.N, net.M, net.activation, net.pooling, None, net.window, net.order,
                     net.shared, tuple(tuple(tuple(tuple(q(x) for x in ch) for ch in pos) for pos in lay)
                                       for lay in net.layers), tuple(tuple(q(x) for x in r) for r in net.output), False)
        B, k = _minor(cert, lambda: tree_tensor(lifted, cert["source"]["output"], act, comb), net, rows, what)
        det = flint.arb_mat([[B[i, j] for j in range(k)] for i in range(k)]).det()
        need(not det.contains(0), f"{what}: the minor's arb enclosure {det.str(5)} contains 0")
    finally:
        flint.ctx.prec = old
    return k


__all__ = ["polynomial_operator", "rational_weights", "require_schwartz_zippel", "require_regions",
           "require_analytic", "arb_minor_rank", "slopes", "tree_tensor", "outer", "RULES", "SCHWARTZ_ZIPPEL",
           "REGIONS", "ANALYTIC"]
