"""Claim ``sharing``: coefficient sharing (a true convolution) limits what networks realize
(paper-notes D9, C10).

A shared shallow net is a symmetric function of its patches: its grid tensor is
invariant under every permutation of the modes. A shared deep net is invariant
under swapping sibling subtrees of its pooling tree. So shared nets are not
universal for N >= 2, M >= 2: a one-hot tensor at (1, 0, ..., 0) is not invariant.

Proof per instance: symbolic shared weights; the checker recomputes the grid tensor
by the forward pass and checks A_d == A_{pi(d)} for generating permutations pi, for
all weights at once.

>>> prove_sharing(N=2, M=2, architecture="shallow").status.value
'proved'
"""

from __future__ import annotations

from symbolic.spec.network import deep, shallow

from theorems.claims.common import one_hot, source, symbolic_F
from theorems.claims.verdict import Status, Timer, conclude

__all__ = ["prove_sharing", "generating_permutations"]


def generating_permutations(N: int, architecture: str, window: int = 2) -> list:
    """Generators of the invariance group: adjacent transpositions (shallow: the symmetric group);
    for a deep tree, the swap of each node's first two children subtrees (with window w, also
    the cyclic shift of its children), which generate the tree's automorphism group."""
    def swap(blocks_a, blocks_b):
        p = list(range(N))
        for x, y in zip(blocks_a, blocks_b):
            p[x], p[y] = y, x
        return p
    if architecture == "shallow":
        return [swap([i], [i + 1]) for i in range(N - 1)]
    perms, size = [], 1
    while size < N:
        block = size * window
        for start in range(0, N, block):
            kids = [list(range(start + t * size, start + (t + 1) * size)) for t in range(window)]
            perms.append(swap(kids[0], kids[1]))
            if window > 2:  # cycle the children: child t goes to child t+1
                p = list(range(N))
                for t in range(window):
                    for x, y in zip(kids[t], kids[(t + 1) % window]):
                        p[x] = y
                perms.append(p)
        size = block
    return perms


def sharing_statement(*, N: int, M: int, architecture: str = "shallow", activation: str = "linear",
                      pooling: str = "product", window: int = 2, seed: int = 0) -> dict:
    """The statement's instance of :func:`prove_sharing` (the window only for deep nets)."""
    inst = dict(N=N, M=M, architecture=architecture, activation=activation, pooling=pooling)
    if architecture == "deep":
        inst["window"] = window
    return inst


def prove_sharing(*, N: int, M: int, architecture: str = "shallow", activation: str = "linear",
                  pooling: str = "product", window: int = 2, seed: int = 0):
    """Shared nets realize only invariant tensors (so are not universal): proved for all weights."""
    t = Timer()
    if architecture == "shallow":
        spec = shallow(N=N, M=M, Z=2, activation=activation, pooling=pooling, weights="symbolic", shared=True,
                       F=symbolic_F(M))
        what = "symmetric (invariant under every permutation of the patches)"
    else:
        spec = deep(N=N, M=M, window=window, activation=activation, pooling=pooling, weights="symbolic",
                    shared=True, F=symbolic_F(M))
        what = "invariant under swapping sibling subtrees of the pooling tree"
    perms = generating_permutations(N, architecture, window)
    witness = [0] * N
    witness[0] = 1
    cert = {"kind": "invariance", "source": source(spec), "permutations": perms,
            "witness": one_hot(M, N, tuple(witness))}
    inst = sharing_statement(N=N, M=M, architecture=architecture, activation=activation, pooling=pooling,
                             window=window)
    return conclude("sharing",
                    f"shared {architecture} {activation}/{pooling} nets realize only tensors {what}; "
                    "a one-hot tensor at (1, 0, ..., 0) is not, so shared nets are not universal",
                    r"\mathcal{A}_{d_{\pi(1)}\ldots d_{\pi(N)}}=\mathcal{A}_{d_1\ldots d_N}\ \ \forall a,\ \pi\in G",
                    inst, Status.PROVED, cert, t, seed, f"{len(perms)} generating permutations, for all weights")
