"""A counterexample search split into seeded shards, one per worker (``convac search ... --executor dask``).

The budget of ``budget`` networks is split into ``k`` shards (``k`` the executor's workers unless given):
shard i searches ``budget // k`` networks (one more for the first ``budget % k``) with seed ``seed + i``,
and is an ordinary :func:`theorems.search.counterexample.find_counterexample` run, which shrinks and certifies its own
violation. The answer is the refutation of the *lowest-numbered* shard that found one (once every
shard before it has finished empty-handed, the rest are cancelled), so it depends only on ``seed``, ``k``
and the budget, never on which worker finished first; ``tried`` counts the networks of that shard and of
the shards before it. Without a refutation the answer is ``inconclusive`` (never "true").

>>> from theorems.search.counterexample import Family, find_counterexample, rank_bound
>>> fam = Family(architecture="shallow", activation="relu", pooling="max", N=4, M=2, widths=(1,))
>>> r = sharded_search(find_counterexample, rank_bound("odd-even", "Z"), fam, budget=100, seed=0, shards=2)
>>> r.status == "refuted", r.budget["shards"], r.budget["shard"], r.details["rank"]
(True, 2, 0, 2)
"""

from __future__ import annotations

import dataclasses
import time

__all__ = ["sharded_search", "shard_budgets"]


def shard_budgets(budget: int, shards: int) -> list:
    """The budgets of the shards: as equal as possible, the larger ones first, none empty.

    >>> shard_budgets(10, 4), shard_budgets(2, 3)
    ([3, 3, 2, 2], [1, 1])
    """
    k = max(1, min(shards, budget))
    return [budget // k + (1 if i < budget % k else 0) for i in range(k)]


def _shard(item):
    import warnings

    find, conjecture, family, budget, seed, seconds = item
    with warnings.catch_warnings():  # a worker process's first search may warn about the random module's state
        warnings.filterwarnings("ignore", message="Do not use the `random` module inside strategies")
        return find(conjecture, family, budget=budget, seed=seed, seconds=seconds)


def sharded_search(find, conjecture, family, *, budget: int, seed: int = 0, seconds=None, executor=None,
                   shards: int | None = None, progress=None):
    """:func:`theorems.search.counterexample.find_counterexample` (passed as ``find``) split into seeded shards run on
    ``executor`` (see :func:`theorems.run.executors.choose_executor`); a ``SearchResult`` whose ``budget``
    records the shards, their seeds and budgets, and which shard refuted."""
    from theorems.run.executors import choose_executor, open_executor

    t0 = time.perf_counter()
    with open_executor(choose_executor(executor)) as ex:
        budgets = shard_budgets(budget, shards or ex.slots)
        seeds = [seed + i for i in range(len(budgets))]
        items = [(find, conjecture, family, b, s, seconds) for b, s in zip(budgets, seeds)]
        done, winner = {}, None
        runs = ex.run(_shard, items, costs=[-i for i in range(len(items))],
                      names=[f"shard{i}" for i in range(len(items))])
        try:
            for i, r in runs:
                done[i] = r
                if progress is not None:
                    progress(sum(x.tried for x in done.values()))
                first = next((j for j in range(len(items)) if j not in done or done[j].status == "refuted"), None)
                if first is not None and first in done:  # every shard before it finished without a refutation
                    winner = first
                    break
        finally:
            runs.close()  # the later shards are not needed: cancelled
    spent = {"examples": budget, "seconds": seconds, "shards": len(budgets), "shard_seeds": seeds,
             "shard_examples": budgets, "shard": winner}
    elapsed = time.perf_counter() - t0
    if winner is not None:
        r = done[winner]
        note = (f"found by shard {winner} of {len(budgets)} (seed {seeds[winner]}, {budgets[winner]} networks); "
                f"replay it alone with --seed {seeds[winner]} --examples {budgets[winner]}"
                + (f"; {r.note}" if r.note else ""))
        return dataclasses.replace(r, tried=sum(done[j].tried for j in range(winner + 1)), seed=seed, seconds=elapsed,
                                   note=note, budget=spent)
    tried = sum(x.tried for x in done.values())
    r = done[0]
    return dataclasses.replace(r, tried=tried, seed=seed, seconds=elapsed, budget=spent,
                               note=f"no counterexample among {tried} networks in {len(budgets)} shards "
                                    "(this is not a proof that the conjecture holds)")
