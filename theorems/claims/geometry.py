"""Claim ``geometry``: pooling geometry decides which matricization ranks are high
(Cohen & Shashua, ICLR 2017, Theorem 1), for deep ConvACs of window 2 or 4 and any patch order.

For a partition (I, J) of the patches (every partition up to complement when N <= 8; odd-even, halves and
one random partition at N = 16), the generic rank of [A]_I satisfies

    min(r_0, M)^S  <=  rank  <=  min(M^min(|I|,|J|), r_{L-1} prod_t c^{L-1,t}),

with S the number of first-level windows meeting both I and J and c the recursion of
the theorem. Per partition: a rational witness with a certified exact rank between the two, so the
lower bound holds almost everywhere (Schwartz-Zippel); the upper bound holds for ALL weights by a
``symbolic_factorization`` part (the partition and the bound B only): the kernel computes the grid tensor with
the weights as polynomial variables, builds [A]_I = U V over the pooling tree (Kronecker products of the
children's factors, concatenated over channels) and checks the identity entry by entry
(:mod:`symbolic.kernel.factorization`), never by comparing at one point.  The check's cost grows with M^N times
the terms of one entry: every N <= 8 instance with M = 2 (and N = 4 with M = 3) takes seconds; N = 8 with M = 3
and widths 3 is refused by the kernel's budget.

>>> v = prove_geometry(N=4, M=2, window=2)
>>> v.status.value
'proved'
"""

from __future__ import annotations

import itertools
import random

from symbolic.rank.bounds import iclr_lower_exponent, iclr_upper_bound
from symbolic.rank.matricization import parse_partition
from symbolic.spec.network import deep, tree_depth

from theorems.claims.common import random_invertible_F
from theorems.depth.claims import rank_witness
from theorems.claims.verdict import Status, Timer, conclude

__all__ = ["prove_geometry", "geometry_statement"]


def geometry_statement(*, N: int, M: int, window: int = 2, widths=None, patch_order=None, partitions=None,
                       seed: int = 0) -> dict:
    """The statement's instance of :func:`prove_geometry`, without proving it: the patch order (``"random"``:
    drawn with ``seed``) and the partitions (every one up to complement when N <= 8, else odd-even, halves and
    one drawn with ``seed``) written out. A refusal for size carries it, so that the kernel validates it.

    >>> st = geometry_statement(N=4, M=2)
    >>> st["widths"], st["patch_order"]
    ([2, 2], [0, 1, 2, 3])
    >>> st["partitions"]  # 2^(N-1) - 1 = 7: every partition up to complement
    ['odd-even', 'halves', '0', '0,3', '0,1,2', '0,1,3', '0,2,3']
    >>> geometry_statement(N=16, M=3, patch_order="random", seed=1)["partitions"][2]
    '0,6,7,9,12,13,14,15'
    """
    rng = random.Random(seed)
    if patch_order == "random":
        patch_order = list(range(N))
        rng.shuffle(patch_order)
    if partitions is None and N <= 8:  # every partition up to complement: the sets I that contain mode 0
        partitions = ["odd-even", "halves"]
        named = {frozenset(range(0, N, 2)), frozenset(range(N // 2))}
        partitions += [",".join(map(str, (0,) + c)) for k in range(N - 1)
                       for c in itertools.combinations(range(1, N), k)
                       if frozenset((0,) + c) not in named]
    elif partitions is None:
        partitions = ["odd-even", "halves"]
        extra = sorted(rng.sample(range(N), N // 2))
        partitions.append(",".join(map(str, extra)))
    return dict(N=N, M=M, window=window, widths=list(widths) if widths is not None else [M] * tree_depth(N, window),
                patch_order=list(patch_order) if patch_order is not None else list(range(N)),
                partitions=list(partitions))


def prove_geometry(*, N: int, M: int, window: int = 2, widths=None, patch_order=None, partitions=None,
                   seed: int = 0):
    """ICLR 2017 Theorem 1 on one instance: every partition's certified rank lies between the bounds."""
    t = Timer()
    st = geometry_statement(N=N, M=M, window=window, widths=widths, patch_order=patch_order, partitions=partitions,
                            seed=seed)
    partitions = st["partitions"]
    spec = deep(N=N, M=M, widths=widths, window=window, patch_order=st["patch_order"], seed=seed,
                low=-10**6, high=10**6, F=random_invertible_F(M, seed))
    parts, rows_out, bad = [], [], []
    for P in partitions:
        rows = parse_partition(P, N)
        S = iclr_lower_exponent(N, window, spec.order, rows)
        lo = min(spec.widths[0], M) ** S
        hi = iclr_upper_bound(N, M, window, list(spec.widths), list(spec.order), rows)
        # the witness gives the generic lower bound only (a minor; Schwartz-Zippel): the upper bound for all weights
        # is the factorization below, so an exact upper bound of this one witness would prove nothing more (its
        # multimodular certificate took 120 primes and about 2 s in the prover and 2 s in the kernel at N=16)
        r, cert = rank_witness(spec, rows, seed=seed)
        parts.append(cert)
        # the kernel rebuilds the symbolic grid tensor and U, V from the statement and checks U V == [A]_I
        parts.append({"kind": "symbolic_factorization", "rows": list(rows), "bound": hi})
        rows_out.append(f"{P}: {lo} <= {r.rank} <= generic rank <= {hi}")
        if not lo <= r.rank <= hi:
            bad.append(P)
    status = Status.PROVED if not bad else Status.INCONCLUSIVE
    return conclude("geometry",
                    "for a deep ConvAC with any pooling geometry, the generic rank of [A]_I lies between "
                    "min(r_0, M)^S and the recursive upper bound of ICLR 2017 Theorem 1",
                    r"\min\{r_0,M\}^{S}\le\mathrm{rank}[\mathcal{A}]_{I,J}\le\min\{M^{\min(|I|,|J|)},\,r_{L-1}\prod_t "
                    r"c^{L-1,t}\}",
                    dict(N=N, M=M, window=window, widths=list(spec.widths), patch_order=list(spec.order),
                         partitions=list(partitions)),
                    status, {"kind": "all", "parts": parts}, t, seed,
                    "; ".join(rows_out) + (f"; out of bounds: {bad}" if bad else ""))
