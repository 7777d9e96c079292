"""Searches split into seeded shards (theorems/search/shards.py): the budget split exactly, the answer a function
of the seed and the number of shards (the same on one process and on a pool), the winner replayable alone."""

from __future__ import annotations

from hypothesis import given, strategies as st

from theorems.run.executors import choose_executor
from theorems.search.counterexample import Family, find_counterexample, rank_bound
from theorems.search.shards import shard_budgets

FAMILY = Family(architecture="shallow", activation="relu", pooling="max", N=4, M=2, widths=(1,))


@given(st.integers(1, 10**6), st.integers(1, 64))
def test_the_budget_is_split_exactly_and_evenly(budget, k):
    b = shard_budgets(budget, k)
    assert sum(b) == budget and len(b) == min(k, budget) and min(b) >= 1
    assert max(b) - min(b) <= 1 and b == sorted(b, reverse=True)


def _plain(r):
    d = r.to_dict()
    d.pop("seconds")
    return d


def test_shards_give_the_same_answer_on_one_process_and_on_a_pool():
    conj = rank_bound("odd-even", "Z")
    one = find_counterexample(conj, FAMILY, budget=60, seed=3, shards=3)  # three shards, one after the other
    pool = find_counterexample(conj, FAMILY, budget=60, seed=3, shards=3, executor=choose_executor(jobs=2))
    assert _plain(one) == _plain(pool) and one.status == "refuted"
    j = one.budget["shard"]
    assert one.budget["shard_seeds"] == [3, 4, 5] and one.budget["shard_examples"] == [20, 20, 20]
    # the winning shard replayed alone: the same counterexample and certificate
    alone = find_counterexample(conj, FAMILY, budget=20, seed=3 + j)
    assert alone.status == "refuted"
    assert _plain(alone)["counterexample"] == _plain(one)["counterexample"]


def test_a_single_shard_is_the_plain_search():
    conj = rank_bound("odd-even", "Z")
    plain = find_counterexample(conj, FAMILY, budget=40, seed=1)
    one = find_counterexample(conj, FAMILY, budget=40, seed=1, shards=1)
    assert _plain(plain)["counterexample"] == _plain(one)["counterexample"] and one.tried == plain.tried


def test_no_refutation_is_inconclusive_with_every_network_counted():
    fam = Family(architecture="shallow", activation="linear", pooling="product", N=4, M=2, widths=(2,))
    r = find_counterexample(rank_bound("odd-even", "Z"), fam, budget=12, seed=0, shards=3)
    assert r.status == "inconclusive" and r.budget["shard"] is None
    assert r.tried == sum(find_counterexample(rank_bound("odd-even", "Z"), fam, budget=4, seed=s).tried
                          for s in range(3))
