"""Exact grid tensors without Python-int arrays: residues modulo several word-size primes.

A grid tensor of a network with integer weights, a polynomial activation (linear, square) and
product or sum pooling has integer entries.  :func:`entry_bound` proves a bound B on their
absolute values by interval propagation through the layers (``|sum_a w_a x_a| <= sum_a |w_a| b_a``,
``|x^2| <= b^2``, a product (sum) of a window is at most the product (sum) of its bounds).  The
residues modulo primes p_1, ..., p_s whose product P exceeds 2B then determine every entry (the
Chinese remainder theorem, in the symmetric range (-P/2, P/2]), and the int64 arrays of residues are
computed by the modular engine at float speed.  Exact integers are rebuilt only where a value itself
is needed (:meth:`MultiModularTensor.values`).

>>> from symbolic.spec.network import deep
>>> s = deep(N=4, M=2, seed=0)
>>> T = multimodular_tensor(s)
>>> len(T.primes), T.bound.bit_length()
(3, 70)
>>> from symbolic.tensor.decompositions import grid_tensor
>>> T.values() == [int(x) for x in grid_tensor(s).entries()]
True
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from symbolic.errors import DomainError

__all__ = ["MultiModularTensor", "entry_bound", "primes_above", "multimodular_tensor", "residue_tensors", "crt"]


def _integral(spec) -> bool:
    arrays = spec.all_weights() + ((spec.F,) if spec.F is not None else ())

    def ints(x):
        return all(ints(y) for y in x) if isinstance(x, tuple) else type(x) is int

    return all(ints(a) for a in arrays)


def supports(spec) -> bool:
    """True when the multi-modular route applies: integer weights (and F), a linear or square activation,
    product or sum pooling (average pooling divides, max has no meaning modulo p).

    >>> from symbolic.spec.network import deep
    >>> supports(deep(N=4, M=2)), supports(deep(N=4, M=2, activation="relu", pooling="max"))
    (True, False)
    """
    return (not spec.is_symbolic and spec.activation.spec_name in ("linear", "square")
            and spec.pooling.name in ("product", "sum") and _integral(spec))


def entry_bound(spec, output: int = 0) -> int:
    """A proven bound on |A^y[d]| over every grid point d (module docstring).

    >>> from symbolic.spec.network import shallow
    >>> entry_bound(shallow(N=2, M=2, Z=1, weights={"hidden": [[[1, -2], [3, 0]]], "output": [[5]]}))
    45
    """
    if not supports(spec):
        raise DomainError(f"entry_bound: {spec!r} needs integer weights, a linear or square activation and "
                          "product or sum pooling")
    F, M, N = spec.representation, spec.M, spec.N
    b = [[max(abs(row[j]) for row in F) for j in range(M)]] * N  # per position, per channel
    e = 2 if spec.activation.spec_name == "square" else 1
    if spec.architecture == "shallow":
        levels = [([tuple(spec.hidden_vector(z, i) for z in range(spec.Z)) for i in range(N)], N)]
    else:
        levels = [([spec.layer_matrix(l, k) for k in range(N // spec.window**l)], spec.window) for l in range(spec.L)]
    combine = math.prod if spec.pooling.name == "product" else sum
    for mats, w in levels:
        acts = [[sum(abs(x) * y for x, y in zip(v, bk)) ** e for v in W] for W, bk in zip(mats, b)]
        b = [[combine(c) for c in zip(*acts[j * w:(j + 1) * w])] for j in range(len(acts) // w)]
    return sum(abs(x) * y for x, y in zip(spec.output[output], b[0]))


def primes_above(bound: int, seed: int = 0) -> tuple:
    """Distinct primes in [2^25, 2^26), drawn with ``seed``, whose product exceeds ``bound``.

    >>> ps = primes_above(2**60)
    >>> len(ps), math.prod(ps) > 2**60
    (3, True)
    """
    from symbolic.rank.exact import random_prime

    primes: list[int] = []
    attempt = 0
    while not primes or math.prod(primes) <= bound:
        p = random_prime(seed, attempt)
        attempt += 1
        if p not in primes:
            primes.append(p)
    return tuple(primes)


def crt(residues, primes) -> list:
    """The integers x in (-P/2, P/2] with x = r_i mod p_i (P the product of the primes), one per column.

    >>> crt([[1, 2, 2], [2, 0, 4]], (3, 5))   # 7 = 1 mod 3 = 2 mod 5; -1 = 2 mod 3 = 4 mod 5
    [7, 5, -1]
    """
    P = math.prod(primes)
    total = [0] * len(residues[0])
    for r, p in zip(residues, primes):
        q = P // p
        c = q * pow(q, -1, p)
        total = [t + c * int(x) for t, x in zip(total, r)]
    return [t % P - P if t % P > P // 2 else t % P for t in total]


@dataclass(frozen=True, eq=False)
class MultiModularTensor:
    """A grid tensor as int64 residues modulo several primes, with a proven bound on its entries.

    Parameters
    ----------
    shape : tuple
    primes : tuple of int
        Distinct primes with product > 2 ``bound``.
    residues : tuple of numpy.ndarray
        One flat row-major int64 array per prime.
    bound : int
        |entry| <= bound for every entry.
    """

    shape: tuple
    primes: tuple
    residues: tuple
    bound: int

    def __post_init__(self):
        if math.prod(self.primes) <= 2 * self.bound:
            raise DomainError(f"primes={self.primes}: their product must exceed twice the bound {self.bound}")
        if len(self.residues) != len(self.primes):
            raise DomainError(f"{len(self.residues)} residue arrays for {len(self.primes)} primes")

    def values(self, index=None) -> list:
        """The exact entries at the flat indices ``index`` (default all), rebuilt by CRT."""
        idx = slice(None) if index is None else np.asarray(index, dtype=np.int64)
        return crt([r[idx].tolist() for r in self.residues], self.primes)

    def __repr__(self):
        return f"MultiModularTensor(shape={self.shape}, primes={len(self.primes)}, bound=2^{self.bound.bit_length()})"


def residue_tensors(spec, output: int, primes):
    """The grid tensor A^y modulo each prime, one at a time (a generator of (p, GridTensor)): memory holds
    one residue array at a time."""
    from symbolic.tensor.decompositions import grid_tensor

    for p in primes:
        yield p, grid_tensor(spec, output, engine="modular", modulus=p)


def multimodular_tensor(spec, output: int = 0, *, seed: int = 0) -> MultiModularTensor:
    """The grid tensor A^y as residues modulo enough primes (drawn with ``seed``) to determine it."""
    bound = entry_bound(spec, output)
    primes = primes_above(2 * bound, seed)
    res = tuple(np.asarray(T.data, dtype=np.int64).ravel() for _, T in residue_tensors(spec, output, primes))
    return MultiModularTensor((spec.M,) * spec.N, primes, res, bound)
