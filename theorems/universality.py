"""Claims ``universality.*``: which networks realize every grid tensor (paper-notes C2-C5), and the
general decision procedure behind ``convac check universality`` (design.md section 6).

Universality on an instance (N, M) is a statement about all M^N-entry tensors:

- *yes* is proved by M^N realizable tensors that are linearly independent (a
  certified rank, recomputed by the forward pass): every tensor is then a linear
  combination, which the output layer realizes with one channel per basis tensor;
  an explicit target is also realized, as a worked construction.
- *no* is proved by a nonzero linear functional phi with phi(A(w)) = 0 for every
  weight w (an identity over symbolic weights, recomputed by the forward pass),
  and an explicit tensor with phi != 0, which no network of the family realizes.

>>> v = check_universality_convac(N=2, M=2)
>>> v.status.value, v.detail
('proved', 'shallow: 4 one-hot tensors, rank 4 = M^N (certified); target realized')
"""

from __future__ import annotations

import itertools
import random
from fractions import Fraction

import numpy as np
import sympy

from symbolic.decompositions import grid_tensor, grid_tensors
from symbolic.errors import DomainError
from symbolic.operators import operator as make_operator
from symbolic.rank import exact_rank
from symbolic.spec import deep, load_spec, shallow

from .common import apply, inverse, one_hot, random_invertible_F, source
from .verdict import Status, Timer, conclude

__all__ = ["check_universality_convac", "check_universality_relu_max", "check_universality_relu_avg",
           "decide_universality", "stack_spec"]


def _indices(M, N):
    return list(itertools.product(range(M), repeat=N))


def stack_spec(architecture, N, M, activation, pooling, F, vectors, window=2):
    """A network with one channel per entry of ``vectors`` (each a list of N vectors v^{z,i})
    and one output per channel (output y reads channel y only), so output y is the
    single-channel tensor of channel y. Hidden weights are F^{-1} v so that F a = v.
    For deep nets the channels are carried up the tree by identity matrices (deep nets
    contain shallow ones channel-wise, paper-notes C5)."""
    Finv = inverse(F)
    Z = len(vectors)
    ident = [[1 if i == j else 0 for j in range(Z)] for i in range(Z)]
    base = {"N": N, "M": M, "activation": activation, "pooling": pooling, "F": _js(F)}
    if architecture == "shallow":
        hidden = [[_js(apply(Finv, vectors[z][i])) for i in range(N)] for z in range(Z)]
        return load_spec(dict(base, architecture="shallow", weights={"hidden": hidden, "output": ident}))
    L, n = 0, 1
    while n < N:
        n, L = n * window, L + 1
    layer0 = [[_js(apply(Finv, vectors[z][k])) for z in range(Z)] for k in range(N)]
    layers = [layer0] + [[ident for _ in range(N // window**l)] for l in range(1, L)]
    d = dict(base, architecture="deep", weights={"layers": layers, "output": ident})
    if window != 2:
        d["window"] = window
    return load_spec(d)


def _js(a):
    from symbolic.numbers import to_json_number

    return [_js(b) for b in a] if isinstance(a, (list, tuple)) else to_json_number(a)


def _stack_matrix(spec):
    rows = [list(t.entries()) for t in grid_tensors(spec)]
    return np.array(rows, dtype=object)


def _rank_cert(spec, seed):
    A = _stack_matrix(spec)
    r = exact_rank(A, seed=seed, lower_bound_only=True)
    cert = {"kind": "matricization_rank", "source": {"stack": [source(spec, y) for y in range(spec.Y)]},
            "certificate": r.certificate.lower.to_dict()}
    return r.rank, cert


def _target(M, N, seed):
    rng = random.Random(seed)
    return [rng.randint(-9, 9) for _ in range(M**N)]


def _realize_target(spec, coefficients):
    """The same network with one output: sum_z coefficients[z] * channel z."""
    d = spec.to_dict()
    d["weights"]["output"] = [_js(coefficients)]
    return load_spec(d)


def _basis_claim(claim, statement, latex, architecture, N, M, activation, pooling, vectors, coeffs_of_target,
                 what, seed, window=2):
    t = Timer()
    F = random_invertible_F(M, seed)
    spec = stack_spec(architecture, N, M, activation, pooling, F, vectors, window)
    k, rank_cert = _rank_cert(spec, seed)
    H = _target(M, N, seed)
    target_spec = _realize_target(spec, coeffs_of_target(H))
    eq = {"kind": "tensor_equality", "items": [source(target_spec), {"tensor": {"shape": [M] * N, "entries": H}}]}
    status = Status.PROVED if k == M**N else Status.INCONCLUSIVE
    inst = dict(N=N, M=M, architecture=architecture, F=_js(F))
    if architecture == "deep":
        inst["window"] = window
    detail = f"{architecture}: {len(vectors)} {what} tensors, rank {k}{' = M^N' if k == M ** N else ''} (certified); target realized"
    return conclude(claim, statement, latex, inst, status, {"kind": "all", "parts": [rank_cert, eq]}, t, seed, detail)


def check_universality_convac(*, N: int, M: int, architecture: str = "shallow", window: int = 2, seed: int = 0):
    """ConvACs with F invertible realize every grid tensor: shallow with Z = M^N channels
    (one-hot terms F a^{z,i} = e_{d_i}); deep with widths M^N (channel-wise, C5)."""
    idx = _indices(M, N)
    vectors = [[[1 if j == d[i] else 0 for j in range(M)] for i in range(N)] for d in idx]
    return _basis_claim(
        "universality.convac",
        f"with F invertible, {architecture} ConvACs (linear/product) realize every tensor in R^(M^N): "
        "Z = M^N one-hot terms are linearly independent",
        r"\forall\mathcal{A}\in\mathbb{R}^{M\times\cdots\times M}\ \exists\,a:\ \mathcal{A}(h_y)=\mathcal{A}",
        architecture, N, M, "linear", "product", vectors, lambda H: H, "one-hot", seed, window)


def check_universality_relu_max(*, N: int, M: int, architecture: str = "shallow", window: int = 2, seed: int = 0):
    """Claim 4: shallow ReLU/max nets realize every tensor with Z = M^N + 1: T(1, ..., 1) = 1 and
    T(1 - e_{j_1}, ..., 1 - e_{j_N}) = 1 - E^(j); deep nets contain them channel-wise."""
    idx = _indices(M, N)
    ones = [[1] * M for _ in range(N)]
    vectors = [ones] + [[[0 if j == d[i] else 1 for j in range(M)] for i in range(N)] for d in idx]

    def coeffs(H):  # H = (sum_j H_j) T(1) - sum_j H_j T(1 - e_j)
        return [sum(H)] + [-h for h in H]

    return _basis_claim(
        "universality.relu_max",
        f"(Claim 4) with F invertible, {architecture} ReLU/max nets realize every tensor: Z = M^N + 1 "
        "terms (a constant and constant-minus-one-hot) span R^(M^N)",
        r"\mathcal{H}=\Big(\sum_j\mathcal{H}_j\Big)T(\mathbf{1},\ldots,\mathbf{1})-\sum_j\mathcal{H}_j\,T(\mathbf{1}-e_{j_1},\ldots,\mathbf{1}-e_{j_N})",
        architecture, N, M, "relu", "max", vectors, coeffs, "constant / constant-minus-one-hot", seed, window)


# ---------------------------------------------------------------------------------- no
def _second_difference(M, N, first):
    """phi(A) = A[x, y] - A[x', y] - A[x, y'] + A[x', y'] across the split of modes ``first`` | rest,
    with x = 0.., x' = first mode set to 1, y = 0.., y' = first other mode set to 1."""
    rest = [i for i in range(N) if i not in first]
    base = [0] * N
    def at(fx, fy):
        d = list(base)
        if fx:
            d[first[0]] = 1
        if fy:
            d[rest[0]] = 1
        return d
    return [[at(0, 0), 1], [at(1, 0), -1], [at(0, 1), -1], [at(1, 1), 1]]


def _functional_claim(claim, statement, latex, spec, coefficients, witness_index, seed, inst, detail):
    t = Timer()
    M, N = spec.M, spec.N
    cert = {"kind": "vanishing_functional", "source": source(spec), "coefficients": coefficients,
            "witness": one_hot(M, N, tuple(witness_index))}
    return conclude(claim, statement, latex, inst, Status.PROVED, cert, t, seed, detail)


def check_universality_relu_avg(*, N: int, M: int, architecture: str = "shallow", widths=None, seed: int = 0):
    """ReLU/average nets are not universal: a functional vanishing on every realizable tensor
    (for all weights), and a one-hot tensor outside."""
    if N < 2 or M < 2:
        raise DomainError(f"N={N}, M={M}: non-universality needs N >= 2 and M >= 2 (M^N <= 2 is trivial)")
    if architecture == "shallow":
        spec = shallow(N=N, M=M, Z=2, activation="relu", pooling="average", weights="symbolic")
        first = [0]
        why = "shallow grid tensors are additively separable, sum_i w^i(d_i)"
    else:
        spec = deep(N=N, M=M, widths=widths, activation="relu", pooling="average", weights="symbolic")
        first = list(range(N // 2))
        why = "deep grid tensors split as U(first half) + V(second half): rank [A]_halves <= 2"
    coeffs = _second_difference(M, N, first)
    inst = dict(N=N, M=M, architecture=architecture)
    if architecture == "deep":
        inst["widths"] = list(spec.widths)
    return _functional_claim(
        "universality.relu_avg",
        f"{architecture} ReLU/average nets are not universal: {why}; the functional "
        "A[x,y] - A[x',y] - A[x,y'] + A[x',y'] vanishes for all weights, and a one-hot tensor has value 1",
        r"\varphi(\mathcal{A})=\mathcal{A}_{x,y}-\mathcal{A}_{x',y}-\mathcal{A}_{x,y'}+\mathcal{A}_{x',y'}\equiv 0",
        spec, coeffs, coeffs[0][0], seed, inst, why + "; phi(one-hot) = 1")


# ------------------------------------------------------------------- the general decision
def _random_channel(rng, N, M, low=-3, high=3):
    return [[Fraction(rng.randint(low, high)) for _ in range(M)] for _ in range(N)]


def _rank(rows):
    if not rows:
        return 0
    return exact_rank(np.array(rows, dtype=object), lower_bound_only=True).rank


def decide_universality(*, activation: str, pooling: str, architecture: str = "shallow", N: int, M: int,
                        window: int = 2, shared: bool = False, widths=None, samples: int = 200, seed: int = 0):
    """Decide whether networks of a family realize every M^N grid tensor (unbounded widths).

    Returns a Verdict for the claim ``universality`` with ``answer`` in the detail:
    yes (proved: M^N linearly independent realizable tensors, weights given), no (proved:
    a functional vanishing for all weights, an explicit tensor outside), or inconclusive.
    """
    t = Timer()
    op = make_operator(activation, pooling)
    if not op.is_exact:
        raise DomainError(f"activation={activation!r}: universality needs exact rational values")
    rng = random.Random(seed)
    full = M**N
    F = [[1 if i == j else 0 for j in range(M)] for i in range(M)]
    inst = dict(activation=activation, pooling=pooling, architecture=architecture, N=N, M=M, shared=shared)
    if architecture == "deep":
        inst["window"] = window
    # 1. realizable single-channel tensors: structured candidates first, then random ones
    cands = []
    if not shared:
        for d in _indices(M, N):
            cands.append([[Fraction(1 if j == d[i] else 0) for j in range(M)] for i in range(N)])
            cands.append([[Fraction(0 if j == d[i] else 1) for j in range(M)] for i in range(N)])
        cands.append([[Fraction(1)] * M for _ in range(N)])
    else:
        for d in range(M):
            cands.append([[Fraction(1 if j == d else 0) for j in range(M)]] * N)
    for _ in range(samples):
        v = _random_channel(rng, 1 if shared else N, M)
        cands.append(v * N if shared else v)
    basis, rows = [], []
    for v in cands:
        spec = _single(architecture, N, M, activation, pooling, v, window, shared)
        row = list(grid_tensor(spec).entries())
        if _rank(rows + [row]) > len(rows):
            rows.append(row)
            basis.append(v)
        if len(rows) == full:
            break
    if len(rows) == full:
        if shared:
            raise AssertionError("shared nets cannot be universal")  # pragma: no cover
        spec = stack_spec(architecture, N, M, activation, pooling, F, basis, window)
        k, cert = _rank_cert(spec, seed)
        return conclude("universality", f"{architecture} {op.name} nets realize every tensor of R^(M^N)", "",
                        inst, Status.PROVED if k == full else Status.INCONCLUSIVE, cert, t, seed,
                        f"answer yes: {full} linearly independent realizable tensors (rank certified)")
    # 2. a functional: a kernel vector of the span found, proved to vanish for all weights
    sym = _symbolic_single(architecture, N, M, activation, pooling, window, shared, widths)
    A = np.array(rows, dtype=object)
    kernel = sympy.Matrix(A.tolist()).nullspace() if rows else [sympy.eye(full)[:, 0]]
    for vec in kernel:
        den = sympy.ilcm(*[sympy.Rational(x).q for x in vec])
        coeffs = [[list(d), str(sympy.Rational(vec[n]) * den)] for n, d in enumerate(_indices(M, N)) if vec[n] != 0]
        witness = max(coeffs, key=lambda c: abs(sympy.Rational(c[1])))[0]
        cert = {"kind": "vanishing_functional", "source": source(sym), "coefficients": coeffs,
                "witness": one_hot(M, N, tuple(witness))}
        v = conclude("universality", f"{architecture} {op.name} nets are not universal on R^(M^N)", "",
                     inst, Status.PROVED, cert, t, seed,
                     f"answer no: span of realizable tensors found has dimension {len(rows)} < {full}; "
                     f"a functional with {len(coeffs)} terms vanishes for all weights")
        if v.status is Status.PROVED:
            return v
    return conclude("universality", f"{architecture} {op.name} nets: universality undecided", "", inst,
                    Status.INCONCLUSIVE, None, t, seed,
                    f"answer unknown: span found has dimension {len(rows)} < {full}, but no vanishing functional "
                    "was proved for all weights")


def _single(architecture, N, M, activation, pooling, v, window, shared):
    """A one-channel network whose layer-0 vectors are v (F = identity)."""
    if architecture == "shallow":
        w = {"hidden": [_js(v[0])] if shared else [_js(v)], "output": [[1]]}
        return load_spec({"architecture": "shallow", "N": N, "M": M, "activation": activation, "pooling": pooling,
                          "shared": shared, "weights": w})
    L, n = 0, 1
    while n < N:
        n, L = n * window, L + 1
    layer0 = [_js(v[0])] if shared else [[_js(v[k])] for k in range(N)]
    layers = [layer0] + [([[1]] if shared else [[[1]] for _ in range(N // window**l)]) for l in range(1, L)]
    return load_spec({"architecture": "deep", "N": N, "M": M, "activation": activation, "pooling": pooling,
                      "window": window, "shared": shared, "weights": {"layers": layers, "output": [[1]]}})


def _symbolic_single(architecture, N, M, activation, pooling, window, shared, widths):
    if architecture == "shallow":
        return shallow(N=N, M=M, Z=1, activation=activation, pooling=pooling, weights="symbolic", shared=shared)
    return deep(N=N, M=M, widths=widths or None, window=window, activation=activation, pooling=pooling,
                weights="symbolic", shared=shared)
