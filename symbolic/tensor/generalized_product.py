"""Generalized tensor products (paper-notes D5, design.md section 1).

Binary form: (A (x)_g B)[i_1..i_P, j_1..j_Q] = g(A[i_1..i_P], B[j_1..j_Q]),
g(a, b) = P(sigma(a), sigma(b)). Window form over w tensors:
P(sigma(A_1[.]), ..., sigma(A_w[.])). With g = a*b (linear/product) this is
the ordinary tensor product. Iterating the binary form equals the window form
only when g is associative and sigma leaves pooled values unchanged
(:mod:`symbolic.identity.operator_laws` decides both); nothing here assumes it.

>>> from symbolic.tensor.operators import operator
>>> a = GridTensor.from_entries((2,), [1, -2]); b = GridTensor.from_entries((2,), [3, 0])
>>> generalized_tensor_product(a, b, operator("linear", "product")).entries()
(3, 0, -6, 0)
>>> generalized_tensor_product(a, b, operator("relu", "max")).entries()
(3, 1, 3, 0)
>>> generalized_window_product([a, b, a], operator("relu", "average")).entries()[:2]
(Fraction(5, 3), Fraction(4, 3))
"""

from __future__ import annotations

from functools import reduce

import numpy as np

from symbolic.errors import ShapeError
from symbolic.tensor.operators import Operator
from symbolic.tensor.grid import GridTensor, validate_size

__all__ = ["generalized_tensor_product", "generalized_window_product", "iterated_product", "vector"]


def vector(values) -> GridTensor:
    """An order-1 grid tensor from exact values (e.g. F a^{z,i})."""
    values = list(values)
    return GridTensor.from_entries((len(values),), values)


def generalized_window_product(tensors, op: Operator) -> GridTensor:
    """P(sigma(A_1), ..., sigma(A_w)) over the disjoint modes of w tensors, exactly.

    The result has the modes of A_1, then A_2, ..., row-major.
    """
    tensors = list(tensors)
    if not tensors:
        raise ShapeError("generalized_window_product needs at least one tensor")
    for t in tensors:
        if t.modulus is not None:
            raise ShapeError("generalized products are defined on exact tensors, not residues")
    shape = tuple(s for t in tensors for s in t.shape)
    validate_size(int(np.prod(shape, dtype=object)), 32, f"a generalized product of shape {shape}")
    k = len(tensors)
    arrays = []
    for pos, t in enumerate(tensors):
        vals = np.empty(t.size, dtype=object)
        vals[:] = [op.activation(x) for x in t.entries()]
        idx = [1] * len(shape)
        start = sum(len(u.shape) for u in tensors[:pos])
        idx[start:start + t.order] = t.shape
        arrays.append(vals.reshape(idx))
    pool = op.pooling
    full = [np.broadcast_to(a, shape) for a in arrays]
    flat = [a.reshape(-1) for a in full]
    out = [pool(*col) for col in zip(*flat)]
    _ = k
    return GridTensor.from_entries(shape, out)


def generalized_tensor_product(A: GridTensor, B: GridTensor, op: Operator) -> GridTensor:
    """The binary generalized tensor product A (x)_g B (D5)."""
    return generalized_window_product([A, B], op)


def iterated_product(tensors, op: Operator) -> GridTensor:
    """((A_1 (x)_g A_2) (x)_g A_3) ...: the binary form iterated from the left."""
    return reduce(lambda a, b: generalized_tensor_product(a, b, op), tensors)
