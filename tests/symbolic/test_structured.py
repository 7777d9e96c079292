"""The structured route (symbolic.rank.structured) against the dense routes, wherever both fit."""

import random

import pytest

from symbolic.errors import DomainError
from symbolic.rank.pipeline import rank_answer
from symbolic.spec.network import deep, shallow
from symbolic.rank.structured import structured_rank


def _cases():
    rnd = random.Random(0)
    out = []
    for seed in range(14):
        N, w, L = rnd.choice([(4, 2, 2), (8, 2, 3), (4, 4, 1), (9, 3, 2)])
        M = rnd.choice([2, 3]) if N < 8 else 2
        widths = tuple(rnd.choice([1, 2, M]) for _ in range(L))
        order = list(range(N))
        if seed % 3 == 0:
            rnd.shuffle(order)
        rows = rnd.choice([tuple(range(0, N, 2)), tuple(range(N // 2)), tuple(sorted(rnd.sample(range(N), N // 2)))])
        out.append((deep(N=N, M=M, widths=widths, window=w, patch_order=order, seed=seed, low=-9, high=9), rows))
    out.append((shallow(N=4, M=3, Z=2, seed=1), (0, 1)))
    out.append((shallow(N=3, M=2, Z=2, seed=2), (1,)))
    return out


@pytest.mark.parametrize("spec,rows", _cases())
def test_structured_agrees_with_dense(spec, rows):
    s = structured_rank(spec, rows)
    dense = rank_answer(spec, list(rows), engine="exact")
    if s is None:  # not a structured case (or a one-sided block without full column rank)
        return
    assert (s.lower, s.upper) == (dense["lower"], dense["upper"])
    a = rank_answer(spec, list(rows), engine="structured")
    assert a["engine"] == "structured" and a["kernel_verified"] and a["rank"] == dense["rank"]


def test_structured_applies_to_the_odd_even_convac():
    s = deep(N=8, M=3, widths=(3, 3, 3), seed=4, low=-50, high=50)
    r = structured_rank(s, (0, 2, 4, 6))
    assert r is not None and r.rank == 81 and r.certificate.inner == 81


def test_not_structured_is_refused_or_none():
    relu = deep(N=4, M=2, activation="relu", pooling="max", seed=0)
    assert structured_rank(relu, (0, 2)) is None
    with pytest.raises(DomainError, match="structured"):
        rank_answer(relu, "odd-even", engine="structured")


def test_past_the_dense_limit_kernel_verified():
    """2^32 grid points (N=16, M=4): never formed; the kernel verifies the answer before it is returned."""
    s = deep(N=16, M=4, widths=(4, 4, 4, 4), seed=0, low=-1000, high=1000)
    a = rank_answer(s, "odd-even")
    assert a["engine"] == "structured" and a["kernel_verified"] and a["rank"] == 4 ** 8 and a["exact"]
