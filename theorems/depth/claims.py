"""Claims ``depth.*``: depth efficiency, complete for ConvACs and incomplete for ReLU/max nets
(paper-notes C6-C9, COLT 2016 Theorem 1).

- ``depth.convac.shallow_bound``: a shallow ConvAC with Z channels has rank [A]_I <= Z for
  every I: each term matricizes to a Kronecker product of rank 1 (an explicit factorization
  [A]_I = U V of inner size Z, over symbolic weights).
- ``depth.convac.generic``: for a deep ConvAC, rank [A]_odd-even >= min(r_0, M)^(N/2) except on a
  null set of weights: a certified nonzero minor at a rational witness (Schwartz-Zippel).
- ``depth.relu_max.term_bound``: one generalized rank-1 max term has rank [.]_odd-even <= |I|(M - 1) + 1
  = N(M - 1)/2 + 1 (the paper's MN/2, sharpened; ``depth.relu_max.exists`` keeps the paper's Z >= 2/(MN) ...).
- ``depth.relu_max.exists``: explicit deep ReLU/max weights with rank >= min(r_0, M)^(N/2).
- ``depth.relu_max.incomplete``: an open box of deep ReLU/max weights on which a shallow net
  with Z = 2 realizes the same grid tensor (identity on the whole box).

>>> prove_relu_max_exists(N=2, M=2).detail
'rank [A]_odd-even = 2 >= min(r_0, M)^(N/2) = 2 (certified); shallow ReLU/max nets need Z >= 2/(MN) * 2 = 1'
"""

from __future__ import annotations

import itertools
from fractions import Fraction

import numpy as np
import sympy

from symbolic.tensor.decompositions import grid_tensor
from symbolic.rank.matricization import matricize_array, parse_partition
from symbolic.numbers import to_json_number
from symbolic.tensor.operators import activation as make_activation
from symbolic.rank.exact import exact_rank
from symbolic.spec.network import Spec, deep, load_spec, shallow, tree_depth

from theorems.claims.common import random_invertible_F, source
from theorems.claims.verdict import Status, Timer, conclude

__all__ = ["prove_convac_shallow_bound", "prove_convac_generic", "prove_relu_max_term_bound",
           "prove_relu_max_exists", "prove_relu_max_incomplete", "rank_witness"]


def _q(x):
    return to_json_number(x)


def rank_witness(spec, partition="odd-even", output=0, seed=0, exact=False):
    """Certified rank of [A]_partition at a concrete spec: (k, certificate dict, rows).

    A lower bound (``exact`` False) whose exact grid tensor would not fit the limits is certified on the
    multi-modular route (:func:`symbolic.rank.pipeline.matricization_rank`): the same kind of minor
    modulo a prime, without the tensor of Python ints (N=16, M=3: 6561 x 6561).
    """
    from symbolic.errors import TooLarge

    rows = parse_partition(partition, spec.N)
    try:
        T = grid_tensor(spec, output=output)
    except TooLarge:
        if exact:
            raise
        from symbolic.rank.pipeline import Notes, matricization_rank

        r = matricization_rank(spec, rows, output=output, lower_bound_only=True, engine="modular", seed=seed,
                               notes=Notes(False), kernel_check=False)  # conclude() has the kernel check the claim
        return r, {"kind": "matricization_rank", "source": source(spec, output), "rows": list(rows),
                   "certificate": r.certificate.lower.to_dict()}
    A = matricize_array(np.asarray(T.data), rows)
    r = exact_rank(A, seed=seed, lower_bound_only=not exact)
    cert = r.certificate.to_dict() if exact else r.certificate.lower.to_dict()
    return r, {"kind": "matricization_rank", "source": source(spec, output), "rows": list(rows), "certificate": cert}


# ------------------------------------------------------------------ ConvAC, shallow bound
def _kron_rows(vectors, modes, M):
    """Entries of the Kronecker product of vectors[i] over the modes (row-major)."""
    out = []
    for d in itertools.product(range(M), repeat=len(modes)):
        e = sympy.Integer(1)
        for i, di in zip(modes, d):
            e = e * vectors[i][di]
        out.append(e)
    return out


def prove_convac_shallow_bound(*, N: int, M: int, Z: int = 2, bound_offset: int = 0, seed: int = 0):
    """rank [A]_I <= Z - bound_offset for every I, for a shallow ConvAC with Z channels.

    With ``bound_offset = 0`` (the claim) this is proved by explicit factorizations over
    symbolic weights (F = identity: F a^{z,i} then ranges over all vectors). A positive
    offset is the false variant "rank <= Z - 1", refuted by a certified witness.
    """
    t = Timer()
    inst: dict[str, int | str] = dict(N=N, M=M, Z=Z)
    subsets = [I for k in range(1, N) for I in itertools.combinations(range(N), k)]
    if bound_offset:
        inst["bound"] = f"Z - {bound_offset}"
        spec = shallow(N=N, M=M, Z=Z, seed=seed, low=-10**6, high=10**6, F=random_invertible_F(M, seed))
        best = None
        for I in subsets:
            r, cert = rank_witness(spec, I, seed=seed)
            if r.rank > Z - bound_offset:
                best = (I, r, cert)
                break
        status = Status.REFUTED if best else Status.INCONCLUSIVE
        fam = dict(architecture="shallow", N=N, M=M, activation="linear", pooling="product", shared=False, Z=Z)
        typed = {"type": "rank_bound", "family": fam, "rows": list(best[0]) if best else [0],
                 "bound": f"Z - {bound_offset}"}
        return conclude("depth.convac.shallow_bound",
                        f"a shallow ConvAC with Z channels has rank [A]_I <= Z - {bound_offset}",
                        "", inst, status, best[2] if best else None, t, seed,
                        f"witness: rank [A]_{list(best[0])} = {best[1].rank} > {Z - bound_offset}" if best
                        else "no witness found",
                        typed=typed)
    spec = shallow(N=N, M=M, Z=Z, weights="symbolic")
    assert spec.hidden is not None  # a shallow Spec has hidden weights (invariant of shallow())
    vec = [[spec.hidden[z][i] for i in range(N)] for z in range(Z)]
    parts = []
    for I in subsets:
        J = [i for i in range(N) if i not in I]
        cols_U = [[spec.output[0][z] * x for x in _kron_rows(vec[z], I, M)] for z in range(Z)]
        rows_V = [_kron_rows(vec[z], J, M) for z in range(Z)]
        U = [[str(cols_U[z][r]) for z in range(Z)] for r in range(M ** len(I))]
        V = [[str(x) for x in rows_V[z]] for z in range(Z)]
        parts.append({"kind": "factorization", "source": source(spec), "rows": list(I), "U": U, "V": V})
    return conclude("depth.convac.shallow_bound",
                    "a shallow ConvAC with Z channels has rank [A]_I <= Z for every partition I (each term "
                    "matricizes to a Kronecker product of rank 1)",
                    r"\mathrm{rank}[\mathcal{A}]_I\le Z\quad\forall I",
                    inst, Status.PROVED, {"kind": "all", "parts": parts}, t, seed,
                    f"{len(subsets)} partitions, each [A]_I = U V with inner size Z = {Z}, for all weights")


# ------------------------------------------------------------------ ConvAC, generic depth efficiency
def prove_convac_generic(*, N: int, M: int, widths=None, seed: int = 0):
    """rank [A]_odd-even >= min(r_0, M)^(N/2) for almost every weight of a deep ConvAC (COLT Thm 1)."""
    t = Timer()
    spec = deep(N=N, M=M, widths=widths, seed=seed, low=-10**6, high=10**6, F=random_invertible_F(M, seed))
    target = min(spec.widths[0], M) ** (N // 2)
    r, cert = rank_witness(spec, "odd-even", seed=seed)
    status = Status.PROVED if r.rank >= target else Status.INCONCLUSIVE
    return conclude("depth.convac.generic",
                    "for all deep ConvAC weights outside a null set, rank [A]_odd-even >= min(r_0, M)^(N/2), "
                    "so a shallow ConvAC needs Z >= min(r_0, M)^(N/2) (COLT 2016 Theorem 1)",
                    r"\mathrm{rank}[\mathcal{A}]_{\text{odd-even}}\ge\min\{r_0,M\}^{N/2}\ \text{a.e.}",
                    dict(N=N, M=M, widths=list(spec.widths)), status, cert, t, seed,
                    f"rank {r.rank} >= {target} at a witness drawn from [-10^6, 10^6] (seed {seed}); "
                    f"the {r.rank} x {r.rank} "
                    "minor is a nonzero polynomial in the weights, so rank < {0} only on its "
                    "zero set (measure zero)".format(target))


# ------------------------------------------------------------------ ReLU/max
def prove_relu_max_term_bound(*, N: int, M: int, seed: int = 0):
    """T = max(0, v^0_{d_0}, ..., v^{N-1}_{d_{N-1}}) has rank [T]_odd-even <= |rows|(M - 1) + 1 = N(M - 1)/2 + 1
    for all v: the row maximum R is >= max_i min_j v^i_j, so it takes at most that many values."""
    t = Timer()
    rows = parse_partition("odd-even", N)
    bound = len(rows) * (M - 1) + 1
    channel = shallow(N=N, M=M, Z=1, activation="relu", pooling="max", weights="symbolic")
    cert = {"kind": "max_term_rows", "source": source(channel), "rows": list(rows), "bound": bound}
    return conclude("depth.relu_max.term_bound",
                    f"a generalized rank-1 max term has rank [T]_odd-even <= |I|(M - 1) + 1 = {bound} for all v: [T] = "
                    "max(R(rows), C(cols)), and R >= max_i min_j v^i_j takes at most |I|(M - 1) + 1 values, so shallow "
                    "ReLU/max nets need Z >= rank / (N(M - 1)/2 + 1)",
                    r"\mathrm{rank}[T]_{\text{odd-even}}\le\tfrac{N(M-1)}{2}+1",
                    dict(N=N, M=M), Status.PROVED, cert, t, seed,
                    f"rows depend only on R = max over the row modes; R takes at most {bound} values")


def relu_max_witness_spec(N: int, M: int, r: int) -> Spec:
    """The construction of paper-notes C7: F a^{0,alpha} = 1 - e_alpha (alpha < r), r_l = 1 above, all ones."""
    L = tree_depth(N, 2)
    layer0 = [[[0 if j == a else 1 for j in range(M)] for a in range(r)] for _ in range(N)]
    layers = [layer0] + [[[[1] * (r if l == 1 else 1)] for _ in range(N // 2**l)] for l in range(1, L)]
    return load_spec({"architecture": "deep", "N": N, "M": M, "activation": "relu", "pooling": "max",
                      "weights": {"layers": layers, "output": [[1] * (r if L == 1 else 1)]}})


def prove_relu_max_exists(*, N: int, M: int, r0: int | None = None, seed: int = 0):
    """Some deep ReLU/max weights give rank [A]_odd-even >= min(r_0, M)^(N/2) (an explicit construction)."""
    t = Timer()
    r = min(r0 or M, M)
    spec = relu_max_witness_spec(N, M, r)
    target = r ** (N // 2)
    res, cert = rank_witness(spec, "odd-even", seed=seed)
    need = Fraction(2 * target, M * N)
    status = Status.PROVED if res.rank >= target else Status.REFUTED
    return conclude("depth.relu_max.exists",
                    "there are deep ReLU/max weights (r_0 = r, r_l = 1 above) with rank "
                    "[A]_odd-even >= min(r_0, M)^(N/2), "
                    "so a shallow ReLU/max net realizing it needs Z >= (2/(MN)) min(r_0, M)^(N/2)",
                    r"\exists a:\ \mathrm{rank}[\mathcal{A}]\ge\min\{r_0,M\}^{N/2},"
                    r"\ Z\ge\tfrac{2}{MN}\min\{r_0,M\}^{N/2}",
                    dict(N=N, M=M, r0=r), status, cert, t, seed,
                    f"rank [A]_odd-even = {res.rank} >= min(r_0, M)^(N/2) = {target} "
                    "(certified); shallow ReLU/max nets "
                    f"need Z >= 2/(MN) * {target} = {need}")


def prove_relu_max_incomplete(*, N: int, M: int, widths=None, seed: int = 0):
    """Not complete, with content: a certified witness (the construction) forces Z_w = ceil(k / T) >= 2 shallow
    channels, and on an open box of deep ReLU/max weights (positive measure; every interval of length 1) ONE
    shallow channel realizes the deep net: position 0's first-layer weights in (1, 2), the other positions'
    in (-2, -1) (dead under relu), everything above in (1, 2), so A[d] = g(d_0) > 0 = max(g(d_0), 0, ...)."""
    from symbolic.tensor.circuit_graph import circuit, forward
    from symbolic.kernel.intervals import resolve_on_box

    t = Timer()
    wspec = construction("relu", "max", N, M, widths)
    r, wcert = rank_witness(wspec, "odd-even", seed=seed)
    T = len(parse_partition("odd-even", N)) * (M - 1) + 1
    Zw = -(-r.rank // T)
    spec = deep(N=N, M=M, widths=widths, activation="relu", pooling="max", weights="symbolic")
    box = {}
    assert spec.layers is not None  # a deep Spec has layers (invariant of deep())
    for l, lay in enumerate(spec.layers):
        for k, mat in enumerate(lay):
            for row in mat:
                for w in row:
                    box[w.name] = ["-2", "-1"] if (l == 0 and k != 0) else ["1", "2"]
    for w in spec.output[0]:
        box[w.name] = ["1", "2"]
    boxq = {k: (sympy.Rational(a), sympy.Rational(b)) for k, (a, b) in box.items()}
    G = circuit(spec)
    g = [resolve_on_box(sympy.sympify(forward(G, [(j,) + (0,) * (N - 1)])[0][0], strict=True), boxq) for j in range(M)]
    hidden = [[[str(gj) for gj in g]] + [[-1] * M for _ in range(N - 1)]]  # relu(-1) = 0: max(g(d_0), 0) = g(d_0)
    sh = load_spec({"architecture": "shallow", "N": N, "M": M, "activation": "relu", "pooling": "max",
                    "weights": {"hidden": hidden, "output": [[1]]}})
    cert = {"kind": "box_identity", "left": source(spec), "right": source(sh), "box": box}
    ok = Zw > 1
    return conclude("depth.relu_max.incomplete",
                    "an open box of deep ReLU/max weights (positive Lebesgue measure) is "
                    "realized by a shallow ReLU/max "
                    "net with Z = 1, below the Z_w = ceil(k / T) >= 2 that a certified witness of rank k forces: depth "
                    "efficiency of ReLU/max nets is not complete",
                    r"\exists\ \text{open } B:\ \forall a\in "
                    r"B:\ \mathcal{A}^{\text{deep}}(a)=\mathcal{A}^{\text{shallow}}_{Z=1},"
                    r"\ 1<\lceil k/T\rceil",
                    dict(N=N, M=M, widths=list(spec.widths)), Status.PROVED if ok else Status.INCONCLUSIVE,
                    {"kind": "all", "parts": [wcert, cert]} if ok else None, t, seed,
                    f"witness rank {r.rank}, T = {T}: Z_w = {Zw}; a box of {len(box)} weights (intervals of length 1) "
                    f"realized by Z_box = 1 channel, identity proved on the whole box")


def construction(act, pl, N, M, widths=None) -> Spec | None:
    """The ReLU/max construction of depth.relu_max.exists for any max-pooling pair with sigma(0) = 0 <
    sigma(1) = 1: F a^{0, alpha} = 1 - e_alpha (alpha < min(r_0, M); other channels 0), above it channel 0
    sums its inputs and the other channels are 0.  None for other pairs.

    >>> construction("abs", "max", 4, 2).widths, construction("square", "sum", 4, 2)
    ((2, 2), None)
    """
    sig = make_activation(act)
    if pl != "max" or not sig.is_exact or sig(0) != 0 or sig(1) != 1:
        return None
    L = tree_depth(N, 2)
    r = list(widths) if widths is not None else [M] * L
    layer0 = [[[int(j != a) if a < M else 0 for j in range(M)] for a in range(r[0])] for _ in range(N)]
    upper = [[[[1] * r[l - 1]] + [[0] * r[l - 1] for _ in range(r[l] - 1)] for _ in range(N // 2**l)]
             for l in range(1, L)]
    return load_spec({"architecture": "deep", "N": N, "M": M, "activation": act, "pooling": pl,
                      "weights": {"layers": [layer0] + upper, "output": [[1] + [0] * (r[-1] - 1)]}})
