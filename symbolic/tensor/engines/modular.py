"""The modular engine: residues modulo a word-size prime p < 2^26, in numpy int64.

Polynomial operators (linear or square activation; product, sum or average
pooling) are computed modulo p all the way. Other operators (relu, max, ...)
have no meaning modulo p: their values are computed exactly and then reduced.
Residues of an integer matrix give certified rank *lower* bounds (a minor
nonzero modulo p is nonzero over Q), at float speed.
"""

from __future__ import annotations

import numpy as np

from symbolic.errors import DomainError
from symbolic.numbers import residue
from symbolic.tensor.grid import GridTensor
from symbolic.tensor.engines.base import Arithmetic, as_fraction, outer_pool
from symbolic.tensor.engines.exact import ExactArithmetic


def _residue(x, p: int) -> int:
    return residue(as_fraction(x), p)  # as_fraction refuses symbolic values, naming engine='symbolic'


class ModularArithmetic(Arithmetic):
    name = "modular"

    def __init__(self, p: int):
        import flint

        if not isinstance(p, int) or p < 2 or p >= 1 << 31 or not flint.fmpz(p).is_prime():  # proven primality
            raise DomainError(f"modulus={p!r}: expected a prime below 2^31 (2^26 recommended)")
        self.p = p
        self._exact = None  # delegate for non-polynomial operators

    def matrix(self, rows):
        a = np.array(rows, dtype=object)
        return np.array([_residue(x, self.p) for x in a.flat], dtype=np.int64).reshape(a.shape)

    def rep(self, F, P):
        arr = self.matrix(F)
        return np.broadcast_to(arr.T[None], (P,) + arr.T.shape).copy()

    def conv(self, W, X):
        Wa = self.matrix(W)
        cin = Wa.shape[-1]
        if cin * (self.p - 1) ** 2 < 1 << 63:
            return np.matmul(Wa, X) % self.p
        out = np.zeros(np.broadcast_shapes(Wa.shape[:-2] + (1, 1), X.shape[:-2] + (1, 1))[:-2]
                       + (Wa.shape[-2], X.shape[-1]), dtype=np.int64)
        for a in range(cin):  # one term at a time, reducing as we go
            out = (out + Wa[..., :, a:a + 1] * X[..., a:a + 1, :] % self.p) % self.p
        return out

    def activate(self, act, X):
        return act.on_residues(X, self.p)

    def pool(self, pool, X, w: int):
        p = self.p
        if pool.name == "product":
            return outer_pool(X, w, lambda a, b: a * b % p)
        if pool.name == "max":
            raise DomainError("pooling='max' has no meaning modulo a prime")
        out = outer_pool(X, w, lambda a, b: (a + b) % p)
        if pool.name == "average":
            out = out * pow(w, -1, p) % p
        return out

    def pool_output(self, pool, X, w: int, out_w):
        """Top-level product pooling of two children fused with the output weights:
        out[y] = sum_c o[y, c] X_0[c] (x) X_1[c] = (X_0^T diag(o_y)) X_1, one matrix product
        instead of the order-N outer product per channel. None when not applicable."""
        if pool.name != "product" or w != 2 or X.shape[0] != 2:
            return None
        O = self.matrix(out_w)  # (Y, C)
        C = X.shape[1]
        if C * (self.p - 1) ** 2 >= 1 << 63:
            return None
        X0, X1 = X[0], X[1]  # (C, K0), (C, K1)
        out = [((X0.T * O[y]) % self.p) @ X1 % self.p for y in range(O.shape[0])]
        return np.stack([o.reshape(-1) for o in out])[None]

    def finish(self, X, shape, axes):
        return [GridTensor(shape, np.ascontiguousarray(X[0, y].reshape(shape).transpose(axes)), 1, self.p)
                for y in range(X.shape[1])]


def reduce_tensors(tensors, p: int):
    """Reduce exact grid tensors modulo p."""
    return [t.reduce_mod(p) for t in tensors]


__all__ = ["ModularArithmetic", "reduce_tensors", "ExactArithmetic"]
