"""Tests of theorems/claims/variants.py: every deliberately false variant is refuted, kernel-checked.

Second routes: rank witnesses are recomputed by python-flint's exact rank over Q from the
certificate's network; the vanishing functional of relu/average is evaluated exactly on random
numeric networks of the family (it must vanish on each) and on the witness (it must not); the
invariance witness is moved by a permutation; the law counterexample is evaluated in Fractions.
"""

from __future__ import annotations

from fractions import Fraction as Q

import flint
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from symbolic.tensor.decompositions import grid_tensor
from symbolic.kernel.recheck import recheck
from symbolic.rank.matricization import matricize_array
from symbolic.spec.network import deep, load_spec, shallow
from theorems.claims.variants import (FALSE_VARIANTS, relu_average_associative, relu_average_universal,
                                      shallow_convac_rank_at_most_Z_minus_1, shallow_max_channel_rank_1,
                                      shallow_relu_max_rank_at_most_Z, shared_shallow_universal)
from theorems.claims.verdict import Status, answer


def _rank(spec, rows):
    A = matricize_array(grid_tensor(spec).to_numpy(), rows)
    return flint.fmpq_mat([[flint.fmpq(Q(x).numerator, Q(x).denominator) for x in r] for r in A.tolist()]).rank()


def test_every_variant_is_refuted_and_rechecks():
    results = []
    for name, f in FALSE_VARIANTS.items():
        v = f(seed=0)
        assert v.status is Status.REFUTED and v.checked, (name, v.detail)
        results.append(v.result())
    assert recheck(answer("verify --variants", results, summary=True)).exit_code == 0


@settings(max_examples=4, deadline=None)
@given(st.integers(0, 1000))
def test_rank_witnesses_exceed_the_false_bounds(seed):
    for v, bound in ((shallow_relu_max_rank_at_most_Z(Z=1, seed=seed), 1), (shallow_max_channel_rank_1(seed=seed), 1),
                     (shallow_convac_rank_at_most_Z_minus_1(Z=2, seed=seed), 1)):
        assert v.status is Status.REFUTED
        c = v.certificate
        spec = load_spec(c["source"]["spec"])
        assert _rank(spec, c["rows"]) > bound
        assert c["certificate"]["k"] > bound


@pytest.mark.parametrize("architecture, N", [("shallow", 2), ("deep", 4)])
def test_the_vanishing_functional_vanishes_on_every_network_and_not_on_the_witness(architecture, N):
    v = relu_average_universal(N=N, M=2, architecture=architecture)
    c = v.certificate
    coeffs = [(tuple(i), Q(q)) for i, q in c["coefficients"]]

    def apply(T):
        return sum((q * Q(T[i]) for i, q in coeffs), Q(0))

    for seed in range(6):
        net = (shallow(N=N, M=2, Z=1 + seed % 3, activation="relu", pooling="average", seed=seed, low=-9, high=9,
                       denominators=(1, 2)) if architecture == "shallow" else
               deep(N=N, M=2, widths=(1 + seed % 2, 2), activation="relu", pooling="average", seed=seed, low=-9,
                    high=9))
        assert apply(grid_tensor(net).to_numpy()) == 0
    W = np.array([Q(x) for x in c["witness"]["entries"]], dtype=object).reshape((2,) * N)
    assert apply(W) != 0


def test_shared_networks_are_not_universal():
    v = shared_shallow_universal(N=3, M=2)
    W = np.array(v.certificate["witness"]["entries"]).reshape((2,) * 3)
    assert any((np.transpose(W, p) != W).any() for p in v.certificate["permutations"])
    assert v.result()["statement"]["shared"] is True and v.result()["status"] == "refuted"


def test_relu_average_counterexample():
    v = relu_average_associative()
    pt = {k: Q(x) for k, x in v.certificate["point"].items()}
    g = lambda x, y: (max(x, 0) + max(y, 0)) / 2  # noqa: E731
    assert g(g(pt["a"], pt["b"]), pt["c"]) != g(pt["a"], g(pt["b"], pt["c"]))
