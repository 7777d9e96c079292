"""Tests of symbolic/kernel/factorization.py: [A]_I = U V for ALL weights of a deep ConvAC (ICLR 2017, Thm 1).

Second routes: the inner size equals the prover's recursion (:func:`symbolic.rank.bounds.iclr_upper_bound`,
not the kernel's copy); at random integer weights the exact rank of [A]_I, from the prover's engine
(:func:`symbolic.tensor.decompositions.grid_tensor`, python-flint's rank over Q), is <= the inner size; a
tampered construction (U with two rows swapped) fails the identity.
"""

from __future__ import annotations

import itertools
import random

import flint
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from symbolic.errors import CertificateError, TooLarge
from symbolic.kernel import cost, factorization as fz
from symbolic.rank.bounds import iclr_upper_bound
from symbolic.rank.matricization import matricize_array
from symbolic.spec.network import deep
from symbolic.tensor.decompositions import grid_tensor


def _every(N):
    """Every partition up to complement: the sets I that contain patch 0."""
    return [[0, *c] for k in range(N - 1) for c in itertools.combinations(range(1, N), k)]


def _order(N, seed):
    order = list(range(N))
    random.Random(seed).shuffle(order)
    return order


@pytest.mark.parametrize("N, M, window, widths", [
    (4, 2, 2, [2, 2]), (4, 3, 2, [2, 1]), (4, 2, 2, [3, 4]),      # window 2: widths at, below and above M
    (4, 3, 4, [2]), (4, 2, 4, [3]),                              # window 4
    (8, 2, 2, [2, 2, 2]), (8, 2, 2, [3, 2, 1]), (8, 2, 2, [1, 3, 4]),
])
def test_identity_and_inner_size_equal_the_theorem(N, M, window, widths):
    """Every partition up to complement, a random patch order: each identity holds (bounds would raise
    otherwise) and the inner size is the prover's ICLR 2017 bound."""
    order = _order(N, seed=N * M + window)
    parts = _every(N)
    got = fz.bounds(N, M, window, widths, order, parts)
    assert got == [iclr_upper_bound(N, M, window, widths, order, I) for I in parts]
    assert any(b < M ** min(len(I), N - len(I)) for b, I in zip(got, parts)) or max(widths) >= M ** (N // 2)


def test_the_identity_is_checked_not_trusted(monkeypatch):
    """A construction that is wrong (two rows of U swapped, or one row doubled) is rejected by the identity (on
    partitions whose inner size is below the smaller side, where the identity is needed)."""
    real = fz.factor

    def swapped(*a, **k):
        U, V, side = real(*a, **k)
        return [U[1], U[0]] + U[2:], V, side

    monkeypatch.setattr(fz, "factor", swapped)
    with pytest.raises(CertificateError, match=r"rows \[0, 1\]: row 0 of U V differs from \[A\]_I"):
        fz.bounds(4, 2, 2, [2, 2], [0, 1, 2, 3], [[0, 1]])

    def scaled(*a, **k):
        U, V, side = real(*a, **k)
        return [[x * 2 for x in U[0]]] + U[1:], V, side

    monkeypatch.setattr(fz, "factor", scaled)
    with pytest.raises(CertificateError, match="differs from"):
        fz.bounds(8, 2, 2, [2, 2, 2], list(range(8)), [[0, 1, 2, 3]])


def test_cost_is_estimated_before_work():
    """N = 8, M = 3, widths 3 (14,348,907 terms in the symbolic grid tensor) over 127 partitions is refused
    with one line naming the step and the size; a smaller budget refuses N = 8, M = 2 too."""
    with pytest.raises(TooLarge, match=r"word operations of the factorization checks of 127 partition\(s\)"):
        fz.bounds(8, 3, 2, [3, 3, 3], list(range(8)), _every(8))
    with cost.budget(cost.Budget(entries=1 << 12)):
        with pytest.raises(TooLarge, match=r"terms of the symbolic grid tensor \(N=8, M=2") as e:
            fz.bounds(8, 2, 2, [2, 2, 2], list(range(8)), [[0, 1, 2, 3]])
    assert "\n" not in str(e.value)
    assert fz.estimate(4, 2, 2, [2, 2], 1) == 16 * 2 * 2 ** 2  # M^N entries x (r_1 (r_0 * 1^2)^2) terms


def _rank(A):
    return flint.fmpz_mat([[int(x) for x in row] for row in A.tolist()]).rank()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(N_w=st.sampled_from([(2, 2), (4, 2), (4, 4)]), M=st.integers(2, 3), data=st.data())
def test_rank_at_random_weights_is_at_most_the_inner_size(N_w, M, data):
    """Property: the kernel's inner size bounds the exact rank of [A]_I at random rational weights (the
    prover's forward pass), for random widths (1..4), patch order and partition."""
    N, window = N_w
    L = 1 if window == N else 2
    widths = data.draw(st.lists(st.integers(1, 4), min_size=L, max_size=L))
    order = data.draw(st.permutations(range(N)))
    I = sorted(data.draw(st.sets(st.integers(0, N - 1), min_size=1, max_size=N - 1)))
    seed = data.draw(st.integers(0, 10**6))
    inner = fz.bounds(N, M, window, widths, list(order), [I])[0]
    spec = deep(N=N, M=M, widths=widths, window=window, patch_order=list(order), seed=seed, low=-50, high=50)
    assert _rank(matricize_array(grid_tensor(spec).to_numpy(), I)) <= inner <= M ** min(len(I), N - len(I))
