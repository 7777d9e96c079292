"""Open boxes of deep weights on which a deep net of any operator is a small shallow net.

Depth efficiency is *incomplete* (ICML 2016, the ReLU/max case) when a set of deep weights of
positive measure gives grid tensors that small shallow nets realize.  Each recipe here picks an
interval for every deep weight (window 2, identity patch order, F = identity):

Every interval has length 1/10 (narrow boxes keep interval arithmetic tight); "positive" means in [1, 11/10].

- ``dominant``: patch 0's first-layer weights in [B, B + 1/10], every other weight positive; with max
  pooling and sigma increasing on the positives, patch 0 wins every max: A depends on d_0 only, A = g(d_0)
  (for square/max one shallow channel with weights sqrt(g_j), real as g_j > 0 on the box);
- ``one_live``: patch 0's first-layer weights positive, the other patches' negative; sigma = 0 on the
  negatives (relu) kills them: A depends on d_0 only;
- ``positive``: every weight in [1, 2]; sigma is the identity on the positives (relu, abs, leaky relu),
  so with sum or average pooling A is additively separable, sum_i g_i(d_i): rank <= 2;
- ``dead``: every first-layer weight negative; sigma = 0 there: A = 0.

The deep tensor is resolved on the whole box by exact interval arithmetic (the kernel's
:func:`symbolic.kernel.intervals.resolve_on_box`), a shallow net of the same operator whose weights are
expressions in the deep ones is built to equal it, and [A]_odd-even = U V gives the rank on the box.

>>> b = find_box("relu", "max", N=4, M=2)
>>> b.recipe, b.Z, b.rank
('one_live', 1, 1)
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Mapping
from dataclasses import dataclass

import sympy

from symbolic.tensor.decompositions import grid_tensor
from symbolic.errors import ConvacError
from symbolic.frozen import freeze, thaw
from symbolic.kernel.intervals import interval, resolve_on_box
from symbolic.rank.matricization import parse_partition
from symbolic.tensor.operators import activation as make_activation
from symbolic.spec.network import deep, load_spec

from theorems.claims.common import source

__all__ = ["Box", "find_box", "RECIPES", "leaky_as_extremum"]

RECIPES = ("one_live", "dominant", "positive", "dead")


@dataclass(frozen=True)
class Box:
    """A box certificate: ``recipe``, the shallow width ``Z`` that realizes the deep net on the box,
    ``rank`` (inner size of the factorization of [A]_odd-even on the box) and the certificate dict."""

    recipe: str
    Z: int
    rank: int
    certificate: Mapping

    def __post_init__(self):
        object.__setattr__(self, "certificate", freeze(self.certificate))  # a value: no nested dict to edit

    def to_dict(self) -> dict:
        """Fresh plain data: recipe, Z, rank and the certificate (a part of a depth answer's certificate)."""
        return {"recipe": self.recipe, "Z": self.Z, "rank": self.rank, "certificate": thaw(self.certificate)}

    def __repr__(self):
        return f"Box({self.recipe}: shallow Z = {self.Z}, rank <= {self.rank} on the box)"


def leaky_as_extremum(e):
    """Piecewise((x, x > 0), (s x, True)) (leaky relu of slope s > 1) as the equal Min(x, s x)."""
    def fold(*args):
        (a, _), (b, _) = args
        return sympy.Min(a, b)
    return e.replace(lambda n: isinstance(n, sympy.Piecewise) and len(n.args) == 2, lambda n: fold(*n.args))


def _intervals(spec, recipe, B):
    """{symbol name: [lo, hi]} for every weight of a symbolic deep spec."""
    out = {}
    for l, lay in enumerate(spec.layers):
        for k, mat in enumerate(lay):
            for row in mat:
                for w in row:
                    lo = 1 if l > 0 else {"dominant": B if k == 0 else 1, "one_live": 1 if k == 0 else -2,
                                          "dead": -2}.get(recipe, 1)
                    out[w.name] = [str(lo), str(lo + sympy.Rational(1, 10))]
    for w in spec.output[0]:
        out[w.name] = ["1", "11/10"]
    return out


def _positive_on_box(e, box) -> bool:
    return interval(sympy.expand(e), {k: tuple(map(sympy.Rational, v)) for k, v in box.items()})[0] > 0


def _layer0_position(term):
    ks = {int(s.name.split("_")[1]) for s in term.free_symbols if s.name.startswith("w0_")}
    return ks.pop() if len(ks) == 1 else None


def _shallow(act, pl, N, M, E, box):
    """A shallow net of the operator realizing the resolved deep tensor E (a dict index -> expr), or None."""
    sig = make_activation(act)
    idx, roots = list(E), {}
    zero = all(E[d] == 0 for d in idx)
    scale = N if pl == "average" else 1
    ident = sig.name in ("linear", "relu", "abs", "leaky_relu")  # sigma(x) = x for x > 0
    fill = 1 if pl == "product" else 0  # sigma(fill) is the neutral value of the pooling (sigma(0) = 0)
    if zero:
        hidden, out = [[[0] * M for _ in range(N)]], [1]
    elif all(E[d] == E[(d[0],) + (0,) * (N - 1)] for d in idx):  # a function of d_0
        g = [E[(j,) + (0,) * (N - 1)] for j in range(M)]
        if ident and all(_positive_on_box(x, box) for x in g):
            hidden, out = [[[str(x) for x in g]] + [[fill] * M for _ in range(N - 1)]], [scale]
        elif sig.name == "square" and pl == "max" and all(_positive_on_box(x, box) for x in g):
            # one square channel of weights root_j = sqrt(g_j) (real: g_j > 0 on the box): root_j^2 = g_j; the
            # other patches give 0. The certificate lists roots {root_j: g_j}; the kernel checks g_j > 0 on the box
            hidden, out = [[[f"root_{j}" for j in range(M)]] + [[0] * M for _ in range(N - 1)]], [1]
            roots = {f"root_{j}": str(x) for j, x in enumerate(g)}
        else:  # one channel per template j: indicator of d_0 = j, weighted by g(j)
            hidden = [[[int(i == j) for i in range(M)]] + [[fill] * M for _ in range(N - 1)] for j in range(M)]
            out = [str(scale * x) for x in g]
    elif pl in ("sum", "average") and ident:  # additively separable: per patch i, the terms of its layer-0 weights
        unit = [tuple(j if i == k else 0 for i in range(N)) for k in range(N) for j in range(M)]
        if any(_layer0_position(t) is None for d in unit for t in sympy.Add.make_args(sympy.expand(E[d]))):
            return None
        parts = [[sum((t for t in sympy.Add.make_args(sympy.expand(E[tuple(j if i == k else 0 for i in range(N))]))
                       if _layer0_position(t) == k), sympy.Integer(0)) for j in range(M)] for k in range(N)]
        if not all(_positive_on_box(x, box) for p in parts for x in p):
            return None
        hidden, out = [[[str(x) for x in p] for p in parts]], [scale]
    else:
        return None
    if roots:
        return load_spec({"architecture": "shallow", "N": N, "M": M, "activation": act, "pooling": pl,
                          "weights": {"hidden": hidden, "output": [out]}}), roots
    return load_spec({"architecture": "shallow", "N": N, "M": M, "activation": act, "pooling": pl,
                      "weights": {"hidden": hidden, "output": [out]}})


def _factor(E, N, M, seed=0):
    """[E]_odd-even = U V: rank 1 (a function of the row modes), or 2 (additively separable); or None.
    The form is guessed from E at two random rational points (the kernel then checks U V = [E] exactly)."""
    rows = parse_partition("odd-even", N)
    cols = [i for i in range(N) if i not in rows]
    rng = random.Random(seed)
    syms = sorted({s for e in E.values() for s in sympy.sympify(e, strict=True).free_symbols}, key=str)
    points = [{s: sympy.Rational(rng.randint(-10**6, 10**6), rng.randint(1, 10**3)) for s in syms} for _ in range(2)]
    vals = {d: [sympy.sympify(e, strict=True).xreplace(p) for p in points] for d, e in E.items()}

    def at(r, c, table=E):
        d = [0] * N
        for i, x in zip(rows, r):
            d[i] = x
        for i, x in zip(cols, c):
            d[i] = x
        return table[tuple(d)]
    R = list(itertools.product(range(M), repeat=len(rows)))
    C = list(itertools.product(range(M), repeat=len(cols)))
    r0, c0 = R[0], C[0]

    def holds(f):  # f(value, r, c) == 0 at both points, for every row r and column c
        return all(f(lambda r_, c_: at(r_, c_, vals)[k], r, c) == 0 for k in range(2) for r in R for c in C)
    if holds(lambda v, r, c: v(r, c) - v(r, c0)):
        return [[str(at(r, c0))] for r in R], [["1"] * len(C)], 1
    if holds(lambda v, r, c: v(r, c) - v(r, c0) - v(r0, c) + v(r0, c0)):
        return ([[str(sympy.expand(at(r, c0) - at(r0, c0))), "1"] for r in R],
                [["1"] * len(C), [str(at(r0, c)) for c in C]], 2)
    return None


def find_box(act: str, pl: str, *, N: int, M: int, widths=None, recipes=RECIPES, tried=None) -> Box | None:
    """The first recipe whose box resolves, with a shallow net and a factorization; None if none does.

    ``tried`` (a list) receives one line per recipe that failed, and why.
    """
    tried = [] if tried is None else tried
    spec = deep(N=N, M=M, widths=widths, activation=act, pooling=pl, weights="symbolic")
    T = None
    for recipe in recipes:
        for B in ((10, 1000, 10**6) if recipe == "dominant" else (None,)):
            box = _intervals(spec, recipe, B)
            boxq = {k: (sympy.Rational(a), sympy.Rational(b)) for k, (a, b) in box.items()}
            try:
                if T is None:
                    T = grid_tensor(spec, engine="symbolic").data
                memo: dict[sympy.Expr, tuple] = {}  # subexpression -> its exact bounds (lo, hi) on this box
                E = {d: resolve_on_box(leaky_as_extremum(sympy.sympify(T[d], strict=True)), boxq, memo)
                     for d in itertools.product(range(M), repeat=N)}
            except ConvacError as e:
                why = f"{recipe}{'' if B is None else f' (B = {B})'}: {str(e)[:80]}"
                continue
            sh, roots = _shallow(act, pl, N, M, E, box), {}
            if isinstance(sh, tuple):
                sh, roots = sh
            fac = _factor(E, N, M) if sh is not None else None
            if sh is None or fac is None:
                why = f"{recipe}: the tensor on the box is not " + ("a small shallow net" if sh is None else
                                                                     "of rank <= 2 by a known form")
                continue
            U, V, r = fac
            cert = {"kind": "box_identity", "left": source(spec), "right": source(sh), "box": box, "U": U, "V": V}
            if roots:
                cert["roots"] = roots
            return Box(recipe, sh.Z, r, cert)
        tried.append(why)
    return None
