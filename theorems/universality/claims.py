"""Claims ``universality.*``: which networks realize every grid tensor (paper-notes C2-C5), and the
general decision procedure behind ``convac check universality`` (design.md section 6).

Universality on an instance (N, M) is a statement about all M^N-entry tensors:

- *yes* is proved by M^N realizable tensors that are linearly independent (a
  certified rank, recomputed by the forward pass; for tanh and sigmoid, whose values are
  not rational, an arb determinant ball excluding 0): every tensor is then a linear
  combination, which the output layer realizes with one channel per basis tensor;
  an explicit target is also realized, as a worked construction.
- *no* is proved by a nonzero linear functional phi with phi(A(w)) = 0 for every
  weight w (an identity over symbolic weights, recomputed by the forward pass),
  and an explicit tensor with phi != 0, which no network of the family realizes.

The general decision procedure behind ``convac check universality`` is
:mod:`theorems.universality.decide`.

>>> v = prove_universality_convac(N=2, M=2)
>>> v.status.value, v.detail
('proved', 'shallow: 4 one-hot tensors, rank 4 = M^N (certified); target realized')
"""

from __future__ import annotations

import itertools
import random

import numpy as np

from symbolic.tensor.decompositions import grid_tensors
from symbolic.errors import DomainError
from symbolic.rank.exact import exact_rank
from symbolic.spec.network import load_spec, shallow, spec_to_dict, tree_depth

from theorems.claims.common import apply, inverse, one_hot, random_invertible_F, source
from theorems.claims.verdict import Status, Timer, conclude

__all__ = ["prove_universality_convac", "prove_universality_relu_max", "prove_universality_relu_avg", "stack_spec",
           "indices", "js"]


def indices(M, N):
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
    base = {"N": N, "M": M, "activation": activation, "pooling": pooling, "F": js(F)}
    if architecture == "shallow":
        hidden = [[js(apply(Finv, vectors[z][i])) for i in range(N)] for z in range(Z)]
        return load_spec(dict(base, architecture="shallow", weights={"hidden": hidden, "output": ident}))
    L = tree_depth(N, window)
    layer0 = [[js(apply(Finv, vectors[z][k])) for z in range(Z)] for k in range(N)]
    layers = [layer0] + [[ident for _ in range(N // window**l)] for l in range(1, L)]
    d = dict(base, architecture="deep", weights={"layers": layers, "output": ident})
    if window != 2:
        d["window"] = window
    return load_spec(d)


def js(a):
    from symbolic.numbers import to_json_number

    return [js(b) for b in a] if isinstance(a, (list, tuple)) else to_json_number(a)


def _stack_matrix(spec):
    rows = [list(t.entries()) for t in grid_tensors(spec)]
    return np.array(rows, dtype=object)


def _rank_cert(spec, seed):
    A = _stack_matrix(spec)
    r = exact_rank(A, seed=seed, lower_bound_only=True)
    # the stack is the outputs of one network: its spec once (it was written once per output: 60 MB at N=8, M=2)
    cert = {"kind": "matricization_rank", "source": {"spec": spec_to_dict(spec), "outputs": list(range(spec.Y))},
            "certificate": r.certificate.lower.to_dict()}
    return r.rank, cert


def _target(M, N, seed):
    rng = random.Random(seed)
    return [rng.randint(-9, 9) for _ in range(M**N)]


def _realize_target(spec, coefficients):
    """The same network with one output: sum_z coefficients[z] * channel z."""
    d = spec.to_dict()
    d["weights"]["output"] = [js(coefficients)]
    return load_spec(d)


def basis_statement(*, N: int, M: int, architecture: str = "shallow", window: int = 2, seed: int = 0) -> dict:
    """The statement's instance of :func:`prove_universality_convac` and :func:`prove_universality_relu_max`:
    F is the random invertible matrix drawn with ``seed``; the window only for deep nets."""
    inst = dict(N=N, M=M, architecture=architecture, F=js(random_invertible_F(M, seed)))
    if architecture == "deep":
        inst["window"] = window
    return inst


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
    inst = basis_statement(N=N, M=M, architecture=architecture, window=window, seed=seed)
    detail = (f"{architecture}: {len(vectors)} {what} tensors, rank {k}{' = M^N' if k == M ** N else ''} "
              "(certified); target realized")
    return conclude(claim, statement, latex, inst, status, {"kind": "all", "parts": [rank_cert, eq]}, t, seed, detail)


def prove_universality_convac(*, N: int, M: int, architecture: str = "shallow", window: int = 2, seed: int = 0):
    """ConvACs with F invertible realize every grid tensor: shallow with Z = M^N channels
    (one-hot terms F a^{z,i} = e_{d_i}); deep with widths M^N (channel-wise, C5)."""
    idx = indices(M, N)
    vectors = [[[1 if j == d[i] else 0 for j in range(M)] for i in range(N)] for d in idx]
    return _basis_claim(
        "universality.convac",
        f"with F invertible, {architecture} ConvACs (linear/product) realize every tensor in R^(M^N): "
        "Z = M^N one-hot terms are linearly independent",
        r"\forall\mathcal{A}\in\mathbb{R}^{M\times\cdots\times M}\ \exists\,a:\ \mathcal{A}(h_y)=\mathcal{A}",
        architecture, N, M, "linear", "product", vectors, lambda H: H, "one-hot", seed, window)


def prove_universality_relu_max(*, N: int, M: int, architecture: str = "shallow", window: int = 2, seed: int = 0):
    """Claim 4: shallow ReLU/max nets realize every tensor with Z = M^N + 1: T(1, ..., 1) = 1 and
    T(1 - e_{j_1}, ..., 1 - e_{j_N}) = 1 - E^(j); deep nets contain them channel-wise."""
    idx = indices(M, N)
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
    N, M = inst["N"], inst["M"]
    cert = {"kind": "vanishing_functional", "source": source(spec), "coefficients": coefficients,
            "witness": one_hot(M, N, tuple(witness_index))}
    if inst["architecture"] == "deep":
        cert["reduction"] = "super-patch"
    return conclude(claim, statement, latex, inst, Status.PROVED, cert, t, seed, detail)


def prove_universality_relu_avg(*, N: int, M: int, architecture: str = "shallow", widths=None, seed: int = 0):
    """ReLU/average nets are not universal: a functional vanishing on every realizable tensor
    (for all weights), and a one-hot tensor outside."""
    if N < 2 or M < 2:
        raise DomainError(f"N={N}, M={M}: non-universality needs N >= 2 and M >= 2 (M^N <= 2 is trivial)")
    if architecture == "shallow":
        spec = shallow(N=N, M=M, Z=2, activation="relu", pooling="average", weights="symbolic")
        first = [0]
        why = "shallow grid tensors are additively separable, sum_i w^i(d_i)"
    else:  # any widths: the super-patch reduction (two top-level blocks of N/2 patches)
        tree_depth(N, 2)
        spec = shallow(N=2, M=M ** (N // 2), Z=1, activation="relu", pooling="average", weights="symbolic")
        first = list(range(N // 2))
        why = "deep grid tensors split as U(first half) + V(second half): rank [A]_halves <= 2"
    coeffs = _second_difference(M, N, first)
    inst = dict(N=N, M=M, architecture=architecture)
    return _functional_claim(
        "universality.relu_avg",
        f"{architecture} ReLU/average nets are not universal: {why}; the functional "
        "A[x,y] - A[x',y] - A[x,y'] + A[x',y'] vanishes for all weights, and a one-hot tensor has value 1",
        r"\varphi(\mathcal{A})=\mathcal{A}_{x,y}-\mathcal{A}_{x',y}-\mathcal{A}_{x,y'}+\mathcal{A}_{x',y'}\equiv 0",
        spec, coeffs, coeffs[0][0], seed, inst, why + "; phi(one-hot) = 1")


# ------------------------------------------------------------------- the general decision
#
# Realizable tensors.  The output layer is linear and widths are unbounded, so the set of
# tensors a family realizes is the linear span of its single-channel tensors:
#
# - shallow: T(v)[d] = P_i sigma(v^i_{d_i}) over all v in R^(N x M) (F invertible, so F a
#   ranges over all of R^M; we take F = identity);
# - deep: the top level pools w blocks of N/w patches: every output is a linear combination
#   of P_k sigma(x_k(d_{B_k})), where x_k is *some* function of block k's indices, built by
#   the lower levels.  Whatever the lower widths and weights, these tensors are realized by
#   a shallow net over w "super-patches" with M^(N/w) templates (block indices, row-major):
#   a functional that vanishes on that shallow family vanishes on every deep network, for
#   all widths.  With sharing, x_k is one function for every block (a shared shallow net).
#
# "yes" needs M^N realizable tensors that are independent: they are drawn (structured
# candidates, then random ones) and their independence is certified by a rank lower bound
# the checker recomputes by the forward pass of each network.  "no" needs a functional: a
# kernel vector of the span found, proved to vanish for all weights (canonical / expanded
# zero; for piecewise-linear operators, else by case analysis, :mod:`symbolic.identity.decide`).
