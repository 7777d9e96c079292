"""The exact engine: integers after clearing denominators.

Every value is ``(ints, scale)`` meaning ``ints / scale``. Weights of one layer
share one denominator D (their lcm), so a convolution multiplies the scale by D;
activations are positively homogeneous (relu, abs, leaky_relu: degree 1;
square: degree 2), so they act on the integers directly; max and sum pooling
keep the scale, product pooling raises it to the power w, average multiplies
it by w. Integers are int64 while a proven bound keeps them below 2^62, and
Python ints (object arrays) beyond.
"""

from __future__ import annotations

import math

import numpy as np

from symbolic.errors import DomainError
from symbolic.numbers import lcm_of_denominators
from symbolic.tensor.grid import GridTensor
from symbolic.tensor.engines.base import Arithmetic, as_fraction, outer_pool

_LIMIT = 1 << 62


class ExactValue:
    __slots__ = ("arr", "scale", "bound")

    def __init__(self, arr, scale, bound):
        self.arr, self.scale, self.bound = arr, scale, bound


def _ints(rows_flat, D):
    return [int(as_fraction(x) * D) for x in rows_flat]


def _array(ints, shape, bound):
    if bound < _LIMIT:
        return np.array(ints, dtype=np.int64).reshape(shape)
    a = np.empty(len(ints), dtype=object)
    a[:] = ints
    return a.reshape(shape)


def _widen(v: ExactValue, bound: int) -> np.ndarray:
    """The array as object ints when the coming bound may overflow int64."""
    if bound >= _LIMIT and v.arr.dtype != object:
        return v.arr.astype(object)
    return v.arr


class ExactArithmetic(Arithmetic):
    name = "exact"

    def matrix(self, rows):
        flat = np.array(rows, dtype=object)
        shape = flat.shape
        vals = list(flat.flat)
        D = lcm_of_denominators(as_fraction(x) for x in vals)
        ints = _ints(vals, D)
        bound = max((abs(i) for i in ints), default=0)
        return _array(ints, shape, bound), D, bound

    def rep(self, F, P):
        """Representation values: X[i, j, d] = F[d][j] for each of P positions."""
        arr, D, bound = self.matrix(F)
        X = np.broadcast_to(arr.T[None, :, :], (P,) + arr.T.shape).copy()
        return ExactValue(X, D, bound)

    def conv(self, W, X: ExactValue):
        Wa, D, wb = self.matrix(W)
        # bound on |sum_a W[c, a] X[a]|: max row l1-norm times the bound of X
        row_l1 = int(np.abs(Wa.astype(object)).sum(axis=-1).max()) if Wa.size else 0
        bound = row_l1 * X.bound
        xa = _widen(X, max(bound, wb * X.bound))
        wa = Wa.astype(object) if xa.dtype == object else Wa
        out = np.matmul(wa, xa)
        return ExactValue(out, X.scale * D, bound)

    def activate(self, act, X: ExactValue):
        if not act.is_exact:
            raise DomainError(f"activation={act.spec_name!r} has no exact rational values; use engine='symbolic'")
        deg = act.degree
        if act.name == "leaky_relu":
            bound = X.bound * max(act.slope.denominator, abs(act.slope.numerator))
        else:
            bound = X.bound**deg
        xa = _widen(X, bound)
        out, factor = act.on_integers(xa)
        return ExactValue(out, X.scale**deg * factor, bound)

    def pool(self, pool, X: ExactValue, w: int):
        n = pool.name
        bound = X.bound**w if n == "product" else (X.bound * w if n in ("sum", "average") else X.bound)
        xa = _widen(X, bound)
        if n == "product":
            out, scale = outer_pool(xa, w, lambda a, b: a * b), X.scale**w
        elif n == "max":
            out, scale = outer_pool(xa, w, np.maximum), X.scale
        else:
            out = outer_pool(xa, w, lambda a, b: a + b)
            scale = X.scale * (w if n == "average" else 1)
        return ExactValue(out, scale, bound)

    def finish_mod(self, X: ExactValue, shape, axes, p: int):
        """The exact values reduced modulo a prime p, vectorised (for non-polynomial operators)."""
        if X.scale % p == 0:
            raise DomainError(f"the prime {p} divides the common denominator {X.scale}; choose another modulus")
        inv = pow(X.scale, -1, p)
        out = []
        for y in range(X.arr.shape[1]):
            res = np.mod(X.arr[0, y], p).astype(np.int64) * inv % p
            out.append(GridTensor(shape, np.ascontiguousarray(res.reshape(shape).transpose(axes)), 1, p))
        return out

    def finish(self, X: ExactValue, shape, axes):
        out = []
        for y in range(X.arr.shape[1]):
            ints = X.arr[0, y]
            g = X.scale
            if g > 1:  # reduce the fraction data / scale
                if ints.dtype == object:
                    g = math.gcd(g, *map(int, ints))
                else:
                    g = math.gcd(g, int(np.gcd.reduce(ints)))
                g = g or X.scale
            data = (ints // g).astype(object).reshape(shape).transpose(axes)
            out.append(GridTensor(shape, np.ascontiguousarray(data), X.scale // g))
        return out
