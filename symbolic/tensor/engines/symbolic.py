"""The symbolic engine: sympy expressions in numpy object arrays (tiny sizes only).

Used for symbolic weights and for proofs on tiny instances. Entries are kept
in the factored form the decomposition builds (``sympy.expand`` them at will).
"""

from __future__ import annotations

import numpy as np
import sympy

from symbolic.tensor.operators import sym_max
from symbolic.tensor.grid import GridTensor
from symbolic.tensor.engines.base import Arithmetic, outer_pool

_max = np.frompyfunc(sym_max, 2, 1)


class SymbolicArithmetic(Arithmetic):
    name = "symbolic"

    def matrix(self, rows):
        a = np.array(rows, dtype=object)
        out = np.empty(a.size, dtype=object)
        out[:] = [sympy.sympify(x, strict=True) for x in a.flat]  # never parses a string
        return out.reshape(a.shape)

    def rep(self, F, P):
        arr = self.matrix(F)
        return np.broadcast_to(arr.T[None], (P,) + arr.T.shape).copy()

    def conv(self, W, X):
        return np.matmul(self.matrix(W), X)

    def activate(self, act, X):
        return np.frompyfunc(act.sympy, 1, 1)(X)

    def pool(self, pool, X, w: int):
        n = pool.name
        if n == "product":
            return outer_pool(X, w, lambda a, b: a * b)
        if n == "max":
            return outer_pool(X, w, _max)
        out = outer_pool(X, w, lambda a, b: a + b)
        return out / sympy.Integer(w) if n == "average" else out

    def finish(self, X, shape, axes):
        return [GridTensor(shape, np.ascontiguousarray(X[0, y].reshape(shape).transpose(axes)), 1)
                for y in range(X.shape[1])]
