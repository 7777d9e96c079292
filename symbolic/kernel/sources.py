"""Shared pieces of the kernel's checks: networks named by a certificate, their grid tensors,
families and quantifiers, literal tensors, and the generalized decompositions (the second
route of the equivalence claims).

A *source* is ``{"spec": <spec object>, "output": y}``; its tensor is recomputed by the
kernel's forward pass (:func:`symbolic.kernel.network.grid`).  A *family* is everything a
statement fixes about a network except the weight values (:meth:`Net.family`).
"""

from __future__ import annotations

import functools
import json
import math
from fractions import Fraction

import numpy as np
from .lazy import sympy

from . import cost
from .failure import need
from .linalg import keys
from .network import Net, activation, entry_size, grid, is_numeric, normalizer, pool, read_net
from .parse import parse_expr, parse_rational


def nat(x, what, lo=1, hi=1 << 16) -> int:
    need(not isinstance(x, bool) and isinstance(x, int) and lo <= x <= hi,
         f"{what}={x!r}: expected an int in [{lo}, {hi}]")
    return x


@functools.lru_cache(maxsize=32)
def _net(spec_json: str) -> Net:
    return read_net(json.loads(spec_json))


@functools.lru_cache(maxsize=16)
def _grid(spec_json: str) -> tuple:
    return tuple(grid(_net(spec_json)))


def net_of(source, what="source") -> Net:
    keys(source, ("spec", "output"), (), what)
    net = _net(json.dumps(source["spec"], sort_keys=True))
    nat(source["output"], f"{what}.output", 0, net.Y - 1)
    return net


def tensor_of(source, what="source") -> np.ndarray:
    """The flat row-major grid tensor of a source, by the kernel's forward pass."""
    net_of(source, what)
    return _grid(json.dumps(source["spec"], sort_keys=True))[source["output"]]


def literal(t, shape, what="tensor", *, numbers_only=False) -> np.ndarray:
    """A literal tensor {"shape", "entries"} of the expected shape (exact numbers; expressions
    too unless ``numbers_only``: a witness must be a concrete tensor)."""
    keys(t, ("shape", "entries"), (), what)
    need(t["shape"] == list(shape), f"{what}: shape {t['shape']} differs from {list(shape)}")
    n = math.prod(shape)
    need(isinstance(t["entries"], list) and len(t["entries"]) == n, f"{what}: expected {n} entries")
    out = []
    for e in t["entries"]:
        if isinstance(e, str) and any(c.isalpha() for c in e):
            need(not numbers_only, f"{what}: a witness holds exact numbers, not expressions")
            out.append(parse_expr(e, field=what))
        else:
            need(not isinstance(e, (bool, float)), f"{what}: {e!r} is not exact")
            q = parse_rational(e, field=what)
            out.append(q.numerator if q.denominator == 1 else q)
    return np.array(out, dtype=object)


def zero(x) -> bool:
    """x == 0 identically (numbers exactly; expressions by expansion)."""
    if isinstance(x, sympy.Basic):  # first without expanding inside Max/Min (cheap), then fully
        cost.expansion(x)
        return sympy.expand(x, deep=False) == 0 or sympy.expand(x) == 0
    return x == 0


def same(a: np.ndarray, b: np.ndarray) -> bool:
    """Entrywise equal for all values of the symbols: identical, or the difference expands to 0."""
    return a.shape == b.shape and all(x == y or (isinstance(x, sympy.Basic) or isinstance(y, sympy.Basic))
                                      and zero(sympy.sympify(x, strict=True) - sympy.sympify(y, strict=True))
                                      for x, y in zip(a, b))


def for_all_weights(net: Net, what: str):
    """The net quantifies over every weight: symbolic weights, and F absent (identity, which is
    no loss: F folds into the first layer's weights) or distinct fresh symbols."""
    need(net.symbolic, f"{what}: a statement for all weights needs \"weights\": \"symbolic\"")
    if net.F is not None:
        flat = [x for row in net.F for x in row]
        ident = all(x == int(i == j) for i, row in enumerate(net.F) for j, x in enumerate(row))
        ws = {x for x in net.weights()[:-len(flat)]}
        need(ident or (all(isinstance(x, sympy.Symbol) for x in flat) and len(set(flat)) == len(flat)
                       and not set(flat) & ws), f"{what}: F must be the identity or distinct fresh symbols")


def identity_F(net: Net, what: str):
    need(net.F is None or all(x == int(i == j) for i, row in enumerate(net.F) for j, x in enumerate(row)),
         f"{what}: F must be the identity here")


def family_is(net: Net, fam: dict, what: str):
    """Every field of ``fam`` equals the net's (architecture, N, M, operator, sharing, geometry, widths)."""
    have = net.family()
    for k, v in fam.items():
        need(have.get(k) == v, f"{what}: {k}={have.get(k)!r}, the statement says {v!r}")


def numeric(net: Net, what: str):
    # the kernel's reader makes every number an int or a Fraction, and every expression a sympy object
    need(not net.symbolic and set(map(type, net.weights())) <= {int, Fraction},
         f"{what}: a witness needs numeric (exact rational) weights")


def default_widths(N, M, window=2):
    L = round(math.log(N, window))
    return [M] * L


def coefficients(c, N, M, what="coefficients") -> list:
    """[[index tuple, rational], ...] with indices in range and distinct; not all zero."""
    need(isinstance(c, list) and c, f"{what}: expected a nonempty list")
    out, seen = [], set()
    for item in c:
        need(isinstance(item, list) and len(item) == 2, f"{what}: expected [index, coefficient] pairs")
        idx, q = item
        need(isinstance(idx, list) and len(idx) == N and all(
            not isinstance(i, bool) and isinstance(i, int) and 0 <= i < M for i in idx),
            f"{what}: index {idx!r} out of range")
        need(tuple(idx) not in seen, f"{what}: index {idx} repeated")
        seen.add(tuple(idx))
        need(not isinstance(q, (bool, float)), f"{what}: {q!r} is not exact")
        out.append((tuple(idx), parse_rational(q, field=what)))
    need(any(q != 0 for _, q in out), f"{what}: the functional is zero")
    return out


def flat_index(idx, M) -> int:
    n = 0
    for i in idx:
        n = n * M + i
    return n


def apply_functional(coeffs, T: np.ndarray, M: int):
    return sum((sympy.Rational(q.numerator, q.denominator) * sympy.sympify(T[flat_index(i, M)], strict=True)
                for i, q in coeffs),
               sympy.Integer(0))


# -- the generalized decompositions (ICML 2016: generalized CP and HT), as tensors ---------------
def _gprod(net: Net, tensors: list) -> np.ndarray:
    """(T_0 (x)_g ... (x)_g T_{w-1})[d_S0, ..., d_Sw-1] = P(sigma(T_0[d_S0]), ...), modes concatenated."""
    sig, norm = np.frompyfunc(activation(net.activation)[1], 1, 1), normalizer(net.activation)
    acted = [sig(norm(np.asarray(t, dtype=object))) for t in tensors]
    out_shape = tuple(s for a in acted for s in a.shape)
    views, before = [], 0
    for a in acted:
        shape = (1,) * before + a.shape + (1,) * (len(out_shape) - before - a.ndim)
        views.append(np.broadcast_to(a.reshape(shape), out_shape))
        before += a.ndim
    flat = [v.ravel() for v in views]
    return np.array([pool(net.pooling, [sympy.sympify(x, strict=True) for x in col]) for col in zip(*flat)],
                    dtype=object).reshape(out_shape)


def decomposition(net: Net, y: int) -> np.ndarray:
    """The grid tensor of output y by the generalized CP (shallow) or HT (deep) decomposition."""
    M, N = net.M, net.N
    cost.grid_points(M, N, 1, "exact" if is_numeric(net) else "symbolic", entry_size(net))
    F = np.array(net.F if net.F else [[int(i == j) for j in range(M)] for i in range(M)], dtype=object)
    w = N if net.architecture == "shallow" else net.window
    phi = None
    for l, lay in enumerate(net.layers):
        mats = [lay[0] if net.shared else lay[k] for k in range(N // w**l)]
        if l == 0:
            phi = [[F.dot(np.array(vec, dtype=object)) for vec in m] for m in mats]
        else:
            phi = [[sum((a * t for a, t in zip(vec, prev_k)), np.zeros(prev_k[0].shape, dtype=object)) for vec in m]
                   for m, prev_k in zip(mats, phi)]  # type: ignore[arg-type]
        if l < len(net.layers) - 1:
            phi = [[_gprod(net, [phi[j * w + t][c] for t in range(w)]) for c in range(len(phi[0]))]
                   for j in range(len(phi) // w)]
    top = [_gprod(net, [phi[t][c] for t in range(w)]) for c in range(len(phi[0]))]  # type: ignore[index]
    A = sum((o * t for o, t in zip(net.output[y], top)), np.zeros(top[0].shape, dtype=object))
    inv = [net.order.index(i) for i in range(N)]  # tree position of each patch
    return np.transpose(A, inv).ravel()


def fractions(x):
    return Fraction(x) if not isinstance(x, sympy.Basic) else x
