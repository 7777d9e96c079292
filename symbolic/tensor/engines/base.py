"""The engine interface: values are arrays of shape (positions, channels, K), K = M^(modes so far).

A value is a pair ``(array, scale)`` standing for ``array / scale`` (scale a
positive int; 1 for the symbolic and modular engines).
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from symbolic.errors import DomainError

__all__ = ["Arithmetic", "ENGINES", "DEFAULT_PRIME", "outer_pool", "as_fraction"]

ENGINES = ("symbolic", "exact", "modular")
#: The largest prime below 2^26: products of two residues and sums of up to 2^11 of them fit in int64.
DEFAULT_PRIME = 67108859


class Arithmetic:
    """Base class: how an engine represents numbers. Subclasses override every method."""

    name = "?"

    def matrix(self, rows) -> tuple[np.ndarray, int]:
        """A nested tuple of exact numbers as (array, scale)."""
        raise NotImplementedError

    def rep(self, F, P: int):
        """The representation layer: X[i, j, d] = F[d][j] at each of P positions (shape (P, M, M))."""
        raise NotImplementedError

    def conv(self, W, X):
        """Channel mixing: W (P, C_out, C_in) or (C_out, C_in) applied to X (P, C_in, K)."""
        raise NotImplementedError

    def activate(self, act, X):
        raise NotImplementedError

    def pool(self, pool, X, w: int):
        """Pool consecutive windows of w positions: (P, C, K) -> (P/w, C, K^w) (generalized outer product)."""
        raise NotImplementedError

    def finish(self, X, shape, axes):
        """The output value (Y, K) as GridTensors of the given shape, axes transposed."""
        raise NotImplementedError


def outer_pool(arr: np.ndarray, w: int, combine) -> np.ndarray:
    """Generalized outer product over windows of w consecutive positions.

    ``arr`` has shape (P, C, K); returns (P // w, C, K^w) with
    out[j, c, (k_0, ..., k_{w-1})] = combine(... combine(arr[jw, c, k_0], arr[jw+1, c, k_1]) ...),
    the last index fastest (row-major over the w sub-blocks).
    """
    P, C, K = arr.shape
    blocks = arr.reshape(P // w, w, C, K)
    res = blocks[:, 0]
    for t in range(1, w):
        nxt = blocks[:, t]
        res = combine(res[:, :, :, None], nxt[:, :, None, :]).reshape(P // w, C, -1)
    return res


def as_fraction(x) -> Fraction:
    if isinstance(x, Fraction):
        return x
    if isinstance(x, int) and not isinstance(x, bool):
        return Fraction(x)
    raise DomainError(f"value {x!r} is not an exact rational; use engine='symbolic' for symbolic weights")
