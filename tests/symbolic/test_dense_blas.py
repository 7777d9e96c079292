"""The dense route past 2^20 grid points (issue 23): the float64 elimination, kernel-verified before it is printed.

- a polynomial net that the structured route does not cover (square activation, product pooling), 1089 x 1089
  odd-even (1,185,921 grid points): the full-rank proposal, verified by the kernel's elimination modulo a prime
  below 2^21, and the prover's own route (propose=False: the grid modulo the prime, the elimination's pivots)
  give one rank; both answers are re-verified by ``convac recheck``;
- a rank-deficient net whose structural bounds allow full rank: the kernel refuses the proposal, and the answer
  is computed (rank mod p, then the exact factorization), kernel-verified;
- the prover's residue rank (``_independent_sets``) through the elimination agrees with flint's.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

import symbolic.kernel.linalg as kernel_linalg
import symbolic.rank.nmod as nmod
from symbolic.kernel.recheck import check_result
from symbolic.rank.pipeline import PROPOSAL, rank_answer, rank_result
from symbolic.spec.network import deep, load_spec, spec_to_dict


@pytest.fixture(scope="module")
def square33():
    return deep(N=4, M=33, widths=(33, 33), activation="square", pooling="product", seed=0)


def test_above_2_20_points_kernel_verified_before_it_is_returned(square33):
    assert square33.M ** square33.N > 1 << 20
    a = rank_answer(square33, "odd-even")
    assert a["method"] == PROPOSAL and a["kernel_verified"] and (a["lower"], a["upper"]) == (1089, 1089)
    assert a["certificate"]["lower"]["prime"] < 1 << 21
    assert check_result(rank_result(a)).ok


def test_prover_route_agrees_with_the_proposal(square33):
    b = rank_answer(square33, "odd-even", propose=False)
    assert b["method"] != PROPOSAL and b["kernel_verified"] and (b["lower"], b["upper"]) == (1089, 1089)
    assert b["certificate"]["lower"]["prime"] < 1 << 21  # the grid modulo a prime the elimination takes


def test_refused_proposal_falls_back_to_the_computed_rank(monkeypatch):
    """A deep square/product net N=4, M=8 whose first layer sees only 3 templates: rank 9 of 64 while every
    structural bound says 64 (BLAS_SIDE lowered to 64 so that the proposal applies at this size)."""
    monkeypatch.setattr(nmod, "BLAS_SIDE", 64)
    monkeypatch.setattr(kernel_linalg, "BLAS_MIN", 64)
    d = spec_to_dict(deep(N=4, M=8, widths=(8, 8), activation="square", pooling="product", seed=1, low=-3, high=3))
    for pos in d["weights"]["layers"][0]:
        for ch in pos:
            ch[3:] = [0] * (len(ch) - 3)
    spec = load_spec(json.dumps(d))
    notes: list = []
    a = rank_answer(spec, "odd-even", notes=notes.append)
    assert any(n.startswith("the kernel refused the full-rank proposal") for n in notes), notes
    assert a["method"] != PROPOSAL and a["kernel_verified"] and a["exact"] and a["rank"] == 9
    assert min(a["bounds"].values()) == 64


def test_prover_residue_ranks_through_the_elimination_agree_with_flint(monkeypatch):
    rng = np.random.default_rng(4)
    p = 1048573
    A = (rng.integers(0, p, (70, 40)) @ rng.integers(0, p, (40, 90))) % p
    k0, R0, C0 = nmod._independent_sets(A, p)
    monkeypatch.setattr(nmod, "BLAS_SIDE", 16)
    k1, R1, C1 = nmod._independent_sets(A, p)
    assert k0 == k1 == 40
    assert nmod._nmod_mat(np.ascontiguousarray(A[np.ix_(R1, C1)]), p).det() != 0
    assert nmod.nonsingular(np.ascontiguousarray(A[np.ix_(R1, C1)]), p)
