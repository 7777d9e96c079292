"""Shared helpers of the claim modules: symbolic specs, random invertible F, sources for certificates."""

from __future__ import annotations

import random
from fractions import Fraction

import sympy

from symbolic.numbers import rational
from symbolic.spec.network import Spec, load_spec, spec_to_dict

__all__ = ["source", "symbolic_F", "random_invertible_F", "inverse", "with_F", "PAPER_OPERATORS", "one_hot"]

#: The paper's three activation/pooling pairs (average is the sum form scaled, see equivalence.average).
PAPER_OPERATORS = (("linear", "product"), ("relu", "max"), ("relu", "sum"))


def source(spec: Spec, output: int = 0) -> dict:
    """A certificate source: the spec (weights included) and the output index."""
    return {"spec": spec_to_dict(spec), "output": output}


def symbolic_F(M: int) -> list:
    """An M x M representation matrix of symbols F_d_j (sympy strings)."""
    return [[f"F_{d}_{j}" for j in range(M)] for d in range(M)]


def random_invertible_F(M: int, seed: int, low: int = -5, high: int = 5) -> list:
    """A random integer M x M matrix with nonzero determinant (exact), from a seed."""
    rng = random.Random(seed)
    while True:
        F = [[rng.randint(low, high) for _ in range(M)] for _ in range(M)]
        if sympy.Matrix(F).det() != 0:
            return F


def inverse(F) -> list:
    """The exact inverse of F as rows of Fractions/ints."""
    from flint import fmpq, fmpq_mat

    inv = fmpq_mat([[fmpq(q.numerator, q.denominator) for q in map(rational, row)] for row in F]).inv()  # exact
    return [[rational(str(inv[i, j])) for j in range(inv.ncols())] for i in range(inv.nrows())]


def apply(Finv, v) -> list:
    """F^{-1} v as exact numbers (so that F a = v)."""
    out = []
    for row in Finv:
        s = sum(Fraction(a) * Fraction(b) for a, b in zip(row, v))
        out.append(int(s) if s.denominator == 1 else s)
    return out


def with_F(d: dict, F) -> Spec:
    d = dict(d)
    d["F"] = [[_json(x) for x in row] for row in F]
    return load_spec(d)


def _json(x):
    from symbolic.numbers import to_json_number

    return to_json_number(x) if not isinstance(x, str) else x


def one_hot(M: int, N: int, index: tuple) -> dict:
    """A tensor (JSON form) with a single 1 at ``index``."""
    size = M**N
    flat = 0
    for d in index:
        flat = flat * M + d
    return {"shape": [M] * N, "entries": [1 if k == flat else 0 for k in range(size)]}
