"""The claim catalog (README.md, *The claim catalog*): every claim, its source, its proof method and its instances.

>>> [c.id for c in CATALOG][:3]
['laws', 'equivalence.shallow', 'equivalence.deep']
>>> len(CATALOG)
14
>>> get_claim("geometry").source
'Cohen & Shashua, ICLR 2017, Theorem 1'
>>> len(pooling_geometries(8))       # window-2 pooling trees of 8 patches, up to swapping siblings
315
>>> round(get_claim("geometry").estimate(dict(N=8, M=2, window=2)), 1)   # seconds, one core (127 partitions)
4.0
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

from symbolic.errors import DomainError

from theorems.depth import claims as de
from theorems.claims import equivalence as eq
from theorems.claims import geometry as geo
from theorems.claims import laws as lw
from theorems.claims import sharing as sh
from theorems.universality import claims as un
from theorems.claims.common import PAPER_OPERATORS
from theorems.claims.ids import SIZES
from theorems.claims.verdict import Verdict

__all__ = ["Claim", "CATALOG", "get_claim", "instances", "SIZES", "pooling_geometries"]


@dataclass(frozen=True)
class Claim:
    """One catalog entry: ``check(**instance, seed=...)`` returns a Verdict."""

    id: str
    statement: str
    source: str
    method: str
    check: Callable[..., Verdict] = field(repr=False)
    small: tuple = ()
    medium: tuple = ()
    large: tuple = ()
    cost: Callable[[dict], float] | None = field(default=None, repr=False, compare=False)
    statement_of: Callable[..., dict] | None = field(default=None, repr=False, compare=False)

    def statement_instance(self, instance: dict, seed: int = 0) -> dict:
        """The instance as the claim's statement writes it, without proving anything: what a result refused
        for size carries, so that the kernel validates its statement (fields the prover draws with the seed,
        such as F or a random patch order, written out; null fields, which mean their defaults, dropped).

        >>> get_claim("universality.convac").statement_instance({"N": 2, "M": 2}, seed=0)["F"]
        [[1, 1], [-5, -1]]
        """
        if self.statement_of is not None:
            return self.statement_of(**instance, seed=seed)
        return {k: v for k, v in instance.items() if v is not None}

    def instances(self, size: str) -> tuple:
        """The instances of a sweep: ``small``, ``medium`` (small ones too) or ``large`` (all)."""
        if size not in SIZES:
            raise DomainError(f"size={size!r} is not one of {SIZES}")
        return self.small + (self.medium if size != "small" else ()) + (self.large if size == "large" else ())

    def estimate(self, instance: dict) -> float:
        """The estimated seconds of one check on one core, kernel re-verification included: a cost model of
        the instance's size fitted to a measured medium sweep (README.md, *Sweeps on a cluster*). The sweeps
        start the costliest tasks first; the figure is an estimate, never a limit."""
        return float(self.cost(instance)) if self.cost else 0.1


# ----------------------------------------------------------------------------- cost model
# Seconds on one core, fitted by hand to a medium sweep measured on the 2-core machine class (2026-12) and to
# the CPU time of the large instances that were run (depth.relu_max.exists N=16 M=3: 96 s; the 315 window-2
# geometries of N=8: 0.22 s each); E = M^N grid entries. Only the order matters: longest tasks first.
def _E(i) -> int:
    return i.get("M", 2) ** i.get("N", 2)


def _r0(i) -> int:
    return (i.get("widths") or [i.get("M", 2)])[0]


def _universality_cost(i):  # M^N realizations of M^N entries each, in the prover and again in the kernel
    return 1.5e-4 * _E(i) ** 2


def _average_cost(i):  # symbolic identities of the rescaled net
    return 1.2e-3 * _E(i) ** 1.5 if i.get("architecture") == "deep" else 3e-3 * _E(i)


def _shallow_bound_cost(i):  # a factorization for each of the 2^(N-1) partitions
    return 9.3e-5 * 2 ** (i["N"] - 1) * _E(i) * i.get("Z", 2) ** 2


def _geometry_cost(i):  # a certified rank per partition: all 2^(N-1) - 1 up to complement when N <= 8, else 3
    n = 2 ** (i["N"] - 1) - 1 if i["N"] <= 8 else 3
    w = i.get("window", 2)
    terms = 1  # terms of one entry of the symbolic grid tensor (the kernel's factorization identities)
    for r in i.get("widths") or [i.get("M", 2)] * round(math.log(i["N"], w)):
        terms = r * terms ** w
    return n / 3 * (5.7e-6 * _E(i) * _r0(i) ** 2 + 0.07) + 1.5e-6 * n * _E(i) * min(math.isqrt(_E(i)), terms)


def pooling_geometries(N: int) -> list:
    """Every window-2 pooling geometry of N patches (N a power of 2), as a patch order: the pooling tree
    pools positions 2k and 2k+1, then pairs of pairs, and so on; orders that differ by swapping two
    sibling subtrees give the same tree, so each tree is listed once, with each pair of siblings ordered
    by their smallest patch. There are N! / 2^(N-1) of them.

    >>> pooling_geometries(4)
    [[0, 1, 2, 3], [0, 2, 1, 3], [0, 3, 1, 2]]
    """
    from itertools import combinations

    def trees(patches):
        if len(patches) == 1:
            return [list(patches)]
        first, rest = patches[0], patches[1:]
        out = []
        for others in combinations(rest, len(patches) // 2 - 1):
            left = (first,) + others
            right = tuple(p for p in rest if p not in others)
            out += [a + b for a in trees(left) for b in trees(right)]
        return out

    return trees(tuple(range(N)))


def _ops(**kw):
    return tuple(dict(kw, activation=a, pooling=p) for a, p in PAPER_OPERATORS)


_NM_SMALL = ((2, 2), (2, 3), (4, 2), (4, 3))
#: Instances of the two positive universality claims (constructions for shallow and deep nets).
_UNIVERSAL_SMALL = (tuple(dict(N=N, M=M, architecture="shallow") for N, M in _NM_SMALL)
                    + tuple(dict(N=N, M=M, architecture="deep") for N, M in _NM_SMALL[:3]))
_UNIVERSAL_MEDIUM = (dict(N=4, M=3, architecture="deep"), dict(N=8, M=2, architecture="shallow"),
                     dict(N=4, M=4, architecture="shallow"), dict(N=4, M=2, architecture="deep", window=4))

CATALOG = (
    Claim("laws",
          "product/linear, max/relu and sum/relu are commutative and associative (on the reals); average/relu and "
          "max/tanh are not associative",
          "Cohen & Shashua, ICML 2016, sec. 4 (networks as generalized tensor decompositions, whose generalized "
          "tensor product needs an associative, commutative g); README.md, Conventions (g(a, b) = P(sigma(a), "
          "sigma(b)))",
          "symbolic identity or case analysis over sign/order regions; exact (or "
          "interval-proved) counterexample triples",
          lw.prove_laws_claim, small=({},), cost=lambda i: 0.1),
    Claim("equivalence.shallow",
          "the shallow net's grid tensor equals the generalized CP decomposition of its weights",
          "Cohen & Shashua, ICML 2016, sec. 4 (the shallow network as a generalized CP decomposition)",
          "symbolic identity over all weights and F (decomposition vs forward pass)",
          eq.prove_equivalence_shallow,
          small=tuple(i for N, M in _NM_SMALL for i in _ops(N=N, M=M, Z=2)),
          medium=tuple(i for N, M in ((8, 2), (2, 4)) for i in _ops(N=N, M=M, Z=2)),
          cost=lambda i: 6e-4 * _E(i)),
    Claim("equivalence.deep",
          "the deep net's grid tensor equals the generalized hierarchical Tucker decomposition of its weights, for "
          "window w and any patch order",
          "Cohen & Shashua, ICML 2016, sec. 4 (the deep network as a generalized HT decomposition); "
          "Cohen, Sharir & Shashua, COLT 2016, eq. 5 (the HT recursion); docs/spec-format.md, Semantics "
          "(window and patch order)",
          "symbolic identity over all weights and F (decomposition vs forward pass)",
          eq.prove_equivalence_deep,
          small=tuple(i for N, M, w, po in ((2, 2, 2, None), (2, 3, 2, None), (4, 2, 2, [2, 0, 3, 1]), (4, 2, 4, None),
                                              (4, 3, 2, [1, 3, 0, 2]))
                      for i in _ops(N=N, M=M, window=w, patch_order=po)),
          medium=tuple(i for N, M, w, po in ((8, 2, 2, [0, 4, 1, 5, 2, 6, 3, 7]), (4, 4, 2, None), (9, 2, 3, None))
                       for i in _ops(N=N, M=M, window=w, patch_order=po, widths=[2, 2] if N == 9 else None)),
          cost=lambda i: 2e-3 * _E(i)),
    Claim("equivalence.average",
          "average and sum pooling nets realize the same grid tensors (weights rescaled by window sizes)",
          "Cohen & Shashua, ICML 2016, sec. 4 (average pooling as sum pooling, the factor "
          "absorbed in the next weights)",
          "explicit rescaling + symbolic tensor identity for all weights",
          eq.prove_equivalence_average, statement_of=eq.average_statement,
          small=tuple(dict(N=N, M=M, architecture=a) for a in ("shallow", "deep") for N, M in _NM_SMALL),
          medium=tuple(dict(N=N, M=M, architecture=a) for a in ("shallow", "deep") for N, M in ((8, 2), (4, 4))),
          cost=_average_cost),
    Claim("universality.convac",
          "with F invertible, shallow ConvACs with Z = M^N realize every tensor; deep ones with enough width too",
          "Cohen & Shashua, ICML 2016, sec. 5 and Cohen, Sharir & Shashua, COLT 2016 (universality "
          "of ConvACs, F invertible)",
          "M^N realizable, linearly independent tensors (certified rank) + construction for a target tensor",
          un.prove_universality_convac, statement_of=un.basis_statement,
          small=_UNIVERSAL_SMALL, medium=_UNIVERSAL_MEDIUM, cost=_universality_cost),
    Claim("universality.relu_max",
          "shallow ReLU/max nets realize every tensor (Claim 4; Z = M^N + 1 suffices); deep nets contain shallow "
          "ones channel-wise",
          "Cohen & Shashua, ICML 2016, sec. 5, Claim 4 (shallow ReLU/max nets are universal; deep "
          "nets contain shallow ones)",
          "constant and constant-minus-one-hot terms: certified rank M^N + construction for a target",
          un.prove_universality_relu_max, statement_of=un.basis_statement,
          small=_UNIVERSAL_SMALL, medium=_UNIVERSAL_MEDIUM, cost=_universality_cost),
    Claim("universality.relu_avg",
          "ReLU/average nets are not universal: shallow grid tensors are additively separable, deep ones have "
          "rank [A]_halves <= 2",
          "Cohen & Shashua, ICML 2016, abstract and sec. 5 (ReLU nets with average pooling are not universal)",
          "a linear functional vanishing for all weights (identity) + an explicit tensor outside",
          un.prove_universality_relu_avg,
          small=tuple(dict(N=N, M=M, architecture=a) for a in ("shallow", "deep") for N, M in _NM_SMALL),
          medium=tuple(dict(N=N, M=M, architecture=a) for a in ("shallow", "deep") for N, M in ((8, 2), (4, 4))),
          cost=lambda i: 7e-4 * _E(i)),
    Claim("sharing",
          "shared shallow nets realize only symmetric tensors; shared deep nets only tensors invariant under swapping "
          "sibling subtrees; so shared nets are not universal for N >= 2, M >= 2",
          "Cohen & Shashua, ICML 2016, sec. 5 (universality is a statement about unshared weights); "
          "Cohen, Sharir & Shashua, COLT 2016 (shared and unshared coefficients)",
          "invariance identity for all weights + an explicit non-invariant tensor",
          sh.prove_sharing, statement_of=sh.sharing_statement,
          small=tuple(i for a in ("shallow", "deep") for N, M in _NM_SMALL for i in _ops(N=N, M=M, architecture=a)),
          medium=tuple(i for a in ("shallow", "deep") for N, M in ((8, 2),) for i in _ops(N=N, M=M, architecture=a))
          + (dict(N=16, M=2, architecture="deep", window=4),),
          cost=lambda i: 1e-4 * _E(i) + 0.05),
    Claim("depth.convac.shallow_bound",
          "a shallow ConvAC with Z channels has rank [A]_I <= Z for every I",
          "Cohen, Sharir & Shashua, COLT 2016, proof of Theorem 1 (the CP-rank bounds every matricization rank)",
          "structure: explicit factorization [A]_I = U V of inner size Z over symbolic weights, for every I",
          de.prove_convac_shallow_bound,
          small=tuple(dict(N=N, M=M, Z=2) for N, M in _NM_SMALL),
          medium=(dict(N=6, M=2, Z=3), dict(N=4, M=4, Z=3)), cost=_shallow_bound_cost),
    Claim("depth.convac.generic",
          "deep ConvAC: rank [A]_odd-even >= min(r_0, M)^(N/2) except on a null set of weights",
          "Cohen, Sharir & Shashua, COLT 2016, Theorem 1 (complete depth efficiency; for grid tensors with "
          "F invertible, Cohen & Shashua, ICML 2016, sec. 5)",
          "witness point + nonzero minor (Schwartz-Zippel)",
          de.prove_convac_generic,
          small=tuple(dict(N=N, M=M) for N, M in _NM_SMALL) + (dict(N=4, M=3, widths=[2, 2]),),
          medium=(dict(N=8, M=2), dict(N=8, M=3), dict(N=8, M=4, widths=[3, 3, 3]), dict(N=4, M=4)),
          large=(dict(N=16, M=3),), cost=lambda i: 3.9e-6 * _E(i) + 0.005),
    Claim("depth.relu_max.term_bound",
          "one generalized rank-1 max term has rank [.]_odd-even <= N(M-1)/2 + 1 (values below max_i min_j v^i_j "
          "are never a row maximum), so shallow ReLU/max nets need Z >= rank / (N(M-1)/2 + 1)",
          "Cohen & Shashua, ICML 2016, sec. 5 (depth efficiency of ReLU/max nets: the rank of one max term)",
          "rows depend only on the max R over the odd modes; R takes at most |rows|(M-1)+1 values (a lemma)",
          de.prove_relu_max_term_bound,
          small=tuple(dict(N=N, M=M) for N, M in _NM_SMALL),
          medium=(dict(N=6, M=2), dict(N=4, M=4)), cost=lambda i: 3e-4 * _E(i)),
    Claim("depth.relu_max.exists",
          "some deep ReLU/max weights give rank [A]_odd-even >= min(r_0, M)^(N/2), so shallow nets need "
          "Z >= (2/(MN)) min(r_0, M)^(N/2)",
          "Cohen & Shashua, ICML 2016, sec. 5 (depth efficiency of ReLU/max nets exists)",
          "explicit construction r - prod_k [d_2k = d_2k+1 < r] + certified rank",
          de.prove_relu_max_exists,
          small=tuple(dict(N=N, M=M) for N, M in _NM_SMALL) + (dict(N=4, M=3, r0=2),),
          medium=(dict(N=8, M=2), dict(N=8, M=3), dict(N=8, M=4, r0=3), dict(N=4, M=4)),
          large=(dict(N=16, M=3),), cost=lambda i: 2.2e-6 * _E(i) + 0.005),
    Claim("depth.relu_max.incomplete",
          "an open set of deep ReLU/max weights (positive measure) has grid tensors that a ONE-channel shallow net "
          "realizes, while a certified witness forces Z_w = ceil(rank / T) >= 2 (instances where that has content)",
          "Cohen & Shashua, ICML 2016, abstract and sec. 5 (depth efficiency of ReLU nets is weaker: not complete)",
          "certified witness + explicit open box + identity valid on the whole box (exact interval arithmetic) + "
          "one-channel shallow weights",
          de.prove_relu_max_incomplete,
          small=tuple(dict(N=N, M=M) for N, M in _NM_SMALL if N >= 4),  # N = 2: Z_w = 1, no content
          medium=(dict(N=8, M=2), dict(N=4, M=4)), cost=lambda i: 3.5e-3 * _E(i)),
    Claim("geometry",
          "for deep ConvACs of window 2 or 4 and any pooling geometry, the generic rank of [A]_I lies between "
          "min(r_0, M)^S (almost everywhere) and the recursive upper bound (for all weights), over every partition "
          "up to complement when N <= 8; odd-even attains the lower bound, halves stays <= r_{L-1}",
          "Cohen & Shashua, ICLR 2017, Theorem 1",
          "per partition: certified exact rank at a witness (lower bound a.e. by Schwartz-Zippel) + the upper bound "
          "for all weights: a factorization [A]_I = U V of inner size B built over the pooling tree, which the "
          "kernel checks as an identity of polynomials in the weights",
          geo.prove_geometry, statement_of=geo.geometry_statement,
          small=(dict(N=2, M=2, window=2), dict(N=4, M=2, window=2, patch_order="random"), dict(N=4, M=3, window=2),
                 dict(N=4, M=2, window=4), dict(N=4, M=3, window=4, patch_order="random")),
          # N=8, M=3 with widths 3: 14,348,907 terms in the symbolic grid tensor, refused by the kernel's budget
          medium=(dict(N=8, M=2, window=2), dict(N=8, M=3, window=2, widths=[3, 1, 1], patch_order="random"),
                  # the identity order written out: a journal line of the random order can never answer it
                  dict(N=16, M=2, window=4, patch_order=list(range(16))),
                  dict(N=16, M=2, window=4, patch_order="random")),  # N=8, M=4: 127 partitions, ~4 min
          # every window-2 pooling geometry of N=8 but the identity order, which is the medium instance (the
          # same statement twice is refused by recheck); N=16 with every field of the statement written out,
          # so that a refusal for size still carries a statement the kernel validates
          large=tuple(dict(N=8, M=2, window=2, widths=[2, 2, 2], patch_order=po) for po in pooling_geometries(8)
                      if po != list(range(8)))
          + tuple(dict(N=16, M=3, window=w, patch_order=list(range(16)),
                       partitions=["odd-even", "halves", "0,3,4,6,9,10,13,15"]) for w in (4, 2)),
          cost=_geometry_cost),
)

_BY_ID = {c.id: c for c in CATALOG}


def get_claim(claim_id: str) -> Claim:
    """The catalog entry with this id.

    The catalog holds the checked claims of ICML 2016, COLT 2016 and ICLR 2017 (docs/paper-notes.md
    C1-C10, P1-P3), each with its statement, source in the papers, proof method and the instances
    of the sweeps (``convac verify``, :func:`theorems.verify_catalog`).

    Parameters
    ----------
    claim_id : str
        A claim id such as ``"laws"`` or ``"depth.relu_max.term_bound"`` (see docs: the claim catalog).

    Returns
    -------
    Claim
        Frozen: ``id``, ``statement``, ``source``, ``method``, the instances (``instances(size)``)
        and ``check(**instance, seed=...)``, which returns a Verdict.

    Raises
    ------
    DomainError
        For an unknown id; the message lists the known ones.

    Examples
    --------
    >>> c = get_claim("depth.relu_max.term_bound")
    >>> c.source
    'Cohen & Shashua, ICML 2016, sec. 5 (depth efficiency of ReLU/max nets: the rank of one max term)'
    >>> len(c.instances("small"))
    4
    """
    if claim_id not in _BY_ID:
        raise DomainError(f"claim {claim_id!r} is not one of: {', '.join(_BY_ID)}")
    return _BY_ID[claim_id]


def instances(size: str = "small", only=None) -> list:
    """(claim, instance) pairs of a sweep, in catalog order."""
    ids = [c.id for c in CATALOG] if not only else list(only)
    return [(get_claim(i), inst) for i in ids for inst in get_claim(i).instances(size)]
