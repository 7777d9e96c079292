"""Deliberately false variants of catalog claims: the same machinery must refute each one
with a checked counterexample (issue 4; ``convac verify --variants``).

>>> v = relu_average_associative()
>>> v.status.value, v.method
('refuted', 'counterexample')
"""

from __future__ import annotations

import numpy as np

from symbolic.tensor.decompositions import grid_tensor
from symbolic.rank.matricization import matricize_array, parse_partition
from symbolic.rank.exact import exact_rank
from symbolic.spec.network import shallow

from theorems.claims.common import source
from theorems.depth.claims import prove_convac_shallow_bound
from theorems.claims.laws import decide_law
from theorems.claims.sharing import prove_sharing
from theorems.universality.decide import decide_universality
from theorems.claims.verdict import Status, Timer, conclude

__all__ = ["FALSE_VARIANTS", "relu_average_universal", "shallow_relu_max_rank_at_most_Z",
           "relu_max_depth_efficiency_complete", "shallow_max_channel_rank_1", "relu_average_associative",
           "shallow_convac_rank_at_most_Z_minus_1", "shared_shallow_universal"]


def relu_average_universal(*, N: int = 2, M: int = 2, architecture: str = "shallow", seed: int = 0):
    """False: "ReLU/average networks are universal"."""
    t = Timer()
    v = decide_universality(activation="relu", pooling="average", architecture=architecture, N=N, M=M, seed=seed)
    no = v.status is Status.PROVED and v.typed_status == "refuted"
    return conclude("false: universality of relu/average", "ReLU/average networks are universal", "",
                    dict(N=N, M=M, architecture=architecture), Status.REFUTED if no else Status.INCONCLUSIVE,
                    v.certificate, t, seed, v.detail, typed=v.typed)


def shared_shallow_universal(*, N: int = 2, M: int = 2, seed: int = 0):
    """False: "shared shallow ConvACs are universal" (refuted by the invariance certificate)."""
    t = Timer()
    v = prove_sharing(N=N, M=M, architecture="shallow", seed=seed)
    typed = dict(type="universality", architecture="shallow", N=N, M=M, activation="linear", pooling="product",
                 shared=True)
    return conclude("false: universality of shared nets", "shared shallow ConvACs are universal", "",
                    dict(N=N, M=M), Status.REFUTED if v.status is Status.PROVED else Status.INCONCLUSIVE,
                    v.certificate, t, seed, v.detail, typed=typed)


def shallow_relu_max_rank_at_most_Z(*, N: int = 4, M: int = 2, Z: int = 1, tries: int = 50, seed: int = 0):
    """False: "a shallow ReLU/max network has rank [A]_odd-even <= Z" (a certified witness)."""
    t = Timer()
    rows = parse_partition("odd-even", N)
    typed = {"type": "rank_bound", "family": dict(architecture="shallow", N=N, M=M, activation="relu", pooling="max",
                                                  shared=False, Z=Z), "rows": list(rows), "bound": "Z"}
    for k in range(tries):
        spec = shallow(N=N, M=M, Z=Z, activation="relu", pooling="max", seed=seed + k, low=-5, high=5)
        A = matricize_array(np.asarray(grid_tensor(spec).data), rows)
        r = exact_rank(A, seed=seed, lower_bound_only=True)
        if r.rank > Z:
            assert r.certificate is not None  # exact_rank always certifies (None only for rank_over_fraction_field)
            cert = {"kind": "matricization_rank", "source": source(spec), "rows": list(rows),
                    "certificate": r.certificate.lower.to_dict()}
            return conclude("false: shallow relu/max rank bound", "shallow ReLU/max nets have rank [A]_odd-even <= Z",
                            "", dict(N=N, M=M, Z=Z), Status.REFUTED, cert, t, seed,
                            f"witness (seed {seed + k}): rank {r.rank} > Z = {Z}", typed=typed)
    return conclude("false: shallow relu/max rank bound", "", "", dict(N=N, M=M, Z=Z), Status.INCONCLUSIVE,
                    None, t, seed, f"no witness in {tries} tries", typed=typed)


def relu_max_depth_efficiency_complete(*, N: int = 4, M: int = 2, seed: int = 0):
    """False: "depth efficiency of ReLU/max networks is complete": almost every deep weight gives the
    witness's rank (refuted by an open box of deep weights with a lower rank, from ``check depth``)."""
    from theorems.depth.decide import decide_depth

    t = Timer()
    c = decide_depth("relu", "max", N=N, M=M, seed=seed, tries=0).completeness
    assert c.typed is not None  # every completeness verdict carries its statement (theorems.depth.decide)
    st = {k: v for k, v in c.typed.items() if k not in ("Z_box", "box_rank")}
    ok = c.status is Status.PROVED and c.typed["answer"] == "incomplete"
    box = None
    if ok:
        assert c.certificate is not None  # conclude() keeps PROVED only with a certificate the kernel accepted
        box = c.certificate["parts"][2]
    return conclude("false: complete depth efficiency of relu/max",
                    "almost every deep ReLU/max weight gives rank [A]_odd-even >= the witness's rank", "",
                    dict(N=N, M=M), Status.REFUTED if ok else Status.INCONCLUSIVE,
                    box, t, seed, f"refuted by the box: {c.detail}", typed=dict(st, answer="complete"))


def shallow_max_channel_rank_1(*, N: int = 4, M: int = 2, tries: int = 50, seed: int = 0):
    """False: "a shallow max-pooling channel (ReLU/max, Z = 1) has rank [A]_odd-even <= 1" (a certified witness)."""
    t = Timer()
    rows = parse_partition("odd-even", N)
    typed = {"type": "depth", "part": "shallow_term_bound", "activation": "relu", "pooling": "max", "N": N, "M": M,
             "bound": 1}
    for k in range(tries):
        spec = shallow(N=N, M=M, Z=1, activation="relu", pooling="max", seed=seed + k, low=-5, high=5)
        r = exact_rank(matricize_array(np.asarray(grid_tensor(spec).data), rows), seed=seed, lower_bound_only=True)
        if r.rank > 1:
            assert r.certificate is not None  # exact_rank always certifies (None only for rank_over_fraction_field)
            cert = {"kind": "matricization_rank", "source": source(spec), "rows": list(rows),
                    "certificate": r.certificate.lower.to_dict()}
            return conclude("false: shallow max channels have rank 1", "one shallow ReLU/max channel has rank <= 1",
                            "", dict(N=N, M=M), Status.REFUTED, cert, t, seed,
                            f"witness (seed {seed + k}): one channel of rank {r.rank} > 1", typed=typed)
    return conclude("false: shallow max channels have rank 1", "", "", dict(N=N, M=M), Status.INCONCLUSIVE, None, t,
                    seed, f"no witness in {tries} tries", typed=typed)


def relu_average_associative(*, seed: int = 0):
    """False: "the ReLU/average operator is associative"."""
    return decide_law(activation="relu", pooling="average", law="associativity", holds=True, seed=seed)


def shallow_convac_rank_at_most_Z_minus_1(*, N: int = 4, M: int = 2, Z: int = 2, seed: int = 0):
    """False: "a shallow ConvAC has rank <= Z - 1"."""
    return prove_convac_shallow_bound(N=N, M=M, Z=Z, bound_offset=1, seed=seed)


FALSE_VARIANTS = {
    "relu_average_universal": relu_average_universal,
    "relu_average_universal_deep": lambda seed=0: relu_average_universal(N=4, M=2, architecture="deep", seed=seed),
    "shared_shallow_universal": shared_shallow_universal,
    "shallow_relu_max_rank_at_most_Z": shallow_relu_max_rank_at_most_Z,
    "relu_max_depth_efficiency_complete": relu_max_depth_efficiency_complete,
    "shallow_max_channel_rank_1": shallow_max_channel_rank_1,
    "relu_average_associative": relu_average_associative,
    "shallow_convac_rank_at_most_Z_minus_1": shallow_convac_rank_at_most_Z_minus_1,
}
