"""Bad arguments to the theorems API refused in one line before any work: a negative or non-int seed once gave
silently inconclusive depth and universality answers, a negative time budget an inconclusive search, a misspelled
partition a conjecture that failed only inside the search, and ``verify_catalog(only="laws")`` read the id letter by
letter."""

from __future__ import annotations

import pytest

from symbolic.errors import DomainError, ShapeError
from theorems import Family, decide_depth, decide_universality, find_counterexample, rank_bound, verify_catalog

FAMILY = Family(N=4, M=2, activation="relu", pooling="max")


@pytest.mark.parametrize("seed", [-1, "x", 1.0, True])
def test_seeds_are_ints_at_least_zero(seed):
    for call in (lambda: decide_depth("relu", "max", N=4, seed=seed),
                 lambda: decide_universality(activation="relu", pooling="max", N=2, M=2, seed=seed),
                 lambda: find_counterexample(rank_bound("odd-even", "Z"), FAMILY, seed=seed, budget=2)):
        with pytest.raises(DomainError, match=r"^seed=.*: expected an int >= 0$"):
            call()


@pytest.mark.parametrize("seconds", [-1, 0, float("inf"), float("nan"), "10"])
def test_a_search_time_budget_is_a_finite_positive_number(seconds):
    with pytest.raises(DomainError, match=r"^seconds=.*: expected a finite number of seconds > 0, or None$"):
        find_counterexample(rank_bound("odd-even", "Z"), FAMILY, seconds=seconds)


@pytest.mark.parametrize("partition, error", [("zz", "expected 'odd-even', 'halves'"), ([0, 0], "mode 0 is repeated"),
                                              ("0,-1", "mode -1 is not a mode"), ([], "no row modes")])
def test_a_conjectures_partition_is_read_when_it_is_made(partition, error):
    with pytest.raises(ShapeError, match=error):
        rank_bound(partition, "Z")


@pytest.mark.parametrize("partition", ["odd-even", "halves", "0,3", (1, 2), [0]])
def test_good_partitions_make_conjectures(partition):
    assert rank_bound(partition, "Z").statement.startswith("rank [A]_")


def test_one_claim_id_as_a_string_is_that_claim():
    one, listed = verify_catalog(only="depth.relu_max.term_bound"), verify_catalog(only=["depth.relu_max.term_bound"])
    def key(s):
        return [(r["claim"], r["instance"], r["status"]) for r in s.rows]

    assert key(one) == key(listed) and {r["claim"] for r in one.rows} == {"depth.relu_max.term_bound"}


@pytest.mark.parametrize("N, M, N_max", [(32, 2, None), (16, 3, None), (4, 2, 32)])
def test_depth_past_the_kernels_limit_is_refused_before_any_work(N, M, N_max):
    import time

    from symbolic.errors import TooLarge

    cpu = time.process_time()
    with pytest.raises(TooLarge, match=r"the kernel re-verifies every part on the M\^N = .* grid points; the limit "
                                       r"is 16,777,216 entries \(--max-entries 2\^\d+ lifts it\)"):
        decide_depth("linear", "product", N=N, M=M, N_max=N_max)
    assert time.process_time() - cpu < 10  # once 45 s of symbolic rows were built before the kernel refused
