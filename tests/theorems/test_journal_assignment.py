"""Journal lines come in the order results finish: each line must go back to the task that computed it
(theorems.run.sweep.assign_journal), whatever the order, and a second copy of a result is refused."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings, strategies as st

from symbolic.errors import ConvacError
from theorems.claims.catalog import SIZES, instances
from theorems.run.sweep import _plain, assign_journal, run_sweep, sweep_tasks

# claims whose instances differ only by defaults filled in (widths, r0) or by a random patch order
ONLY = ["depth.convac.generic", "depth.relu_max.exists", "geometry", "equivalence.deep"]


@pytest.fixture(scope="module")
def computed():
    tasks = sweep_tasks("small", ONLY, 0)
    rows = run_sweep("small", ONLY, show_progress=False)
    return tasks, [r["result"] for r in rows]  # result i was computed by task i


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_any_finishing_order_goes_back_to_the_right_tasks(computed, data):
    tasks, results = computed
    order = data.draw(st.permutations(range(len(results))))
    k = data.draw(st.integers(0, len(results)))
    lines = [results[i] for i in order[:k]]  # the journal of a run stopped after k results
    which = assign_journal(lines, tasks)
    assert which == {order[n]: n for n in range(k)}


def test_a_second_copy_of_a_result_is_refused(computed):
    tasks, results = computed
    with pytest.raises(ConvacError, match="line 3 answers .* which an earlier line answers already"):
        assign_journal([results[0], results[5], results[5]], tasks)


def _placeholder(v):
    return isinstance(v, str) and v == "random"


def _tell_apart(a: dict, b: dict) -> bool:
    """Can no statement answer both a and b? (Some parameter given concretely by one of them and differently,
    or as a placeholder, by the other.) Instances that differ only where one fills in a default are told
    apart by assign_journal's preference for the task that repeats most parameters exactly."""
    for k in set(a) & set(b):
        x, y = a[k], b[k]
        if x is None or y is None or (_placeholder(x) and _placeholder(y)):
            continue
        if _placeholder(x) != _placeholder(y) or _plain(x) != _plain(y):
            return True
    return not any(_placeholder(v) for v in list(a.values()) + list(b.values()))


@pytest.mark.parametrize("size", SIZES)
def test_no_two_tasks_of_a_sweep_can_be_confused(size):
    tasks = instances(size)
    same = [(c.id, a, b) for n, (c, a) in enumerate(tasks) for d, b in tasks[n + 1:]
            if c.id == d.id and not _tell_apart(a, b)]
    assert not same, json.dumps(same[:3])
