"""Tests of theorems/run/sweep.py: the catalog sweep, its summary counts and its journal.

Second routes: the summary of synthetic rows is recomputed with collections.Counter and the
per-claim rule (all proved, else refuted if any, else inconclusive if any, else tested); a real
sweep's rows are in catalog order and re-verify with the kernel; a journal holds exactly the
results and a rerun reads them back.
"""

from __future__ import annotations

import collections
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from symbolic.errors import ConvacError
from symbolic.kernel.recheck import recheck
from theorems.claims.catalog import get_claim, instances
from theorems.run.sweep import Task, _read_journal, assign_journal, fmt_instance, run_sweep, summary, sweep_tasks
from theorems.claims.verdict import answer

STATUSES = ("proved", "tested", "refuted", "inconclusive")


@given(st.lists(st.tuples(st.sampled_from("abc"), st.sampled_from(STATUSES), st.integers(0, 1000)), max_size=20))
def test_summary_counts(rows):
    results = [{"claim": c, "status": s, "seconds": t / 100} for c, s, t in rows]
    s = summary(results)
    counts = collections.Counter(st_ for _, st_, _ in rows)
    assert all(s[k] == counts.get(k, 0) for k in STATUSES) and s["results"] == len(rows)
    by_claim = collections.defaultdict(set)
    for c, st_, _ in rows:
        by_claim[c].add(st_)
    want = {}
    for c, sts in by_claim.items():
        want[c] = ("proved" if sts == {"proved"} else "refuted" if "refuted" in sts else
                   "inconclusive" if "inconclusive" in sts else "tested")
    assert s["per_claim"] == want and s["claims"] == len(want)
    assert s["claims_proved"] == sum(v == "proved" for v in want.values())
    assert s["all_proved"] == all(st_ == "proved" for _, st_, _ in rows)
    assert s["seconds"] == round(sum(t / 100 for _, _, t in rows), 2)


def test_fmt_instance():
    assert fmt_instance({"N": 4, "widths": [2, 1], "F": [[1]], "statement": "x", "pooling": "max"}) == \
        "N=4 widths=2,1 pooling=max"
    # partitions read apart: each set of modes in braces, the list joined by ';' once an item holds a comma
    assert fmt_instance({"partitions": ["odd-even", "halves", "0", "0,3", "0,1,2"], "rows": [0, 2]}) == \
        "partitions=odd-even;halves;{0};{0,3};{0,1,2} rows=0,2"
    assert fmt_instance({"partitions": ["odd-even", "halves", "0"]}) == "partitions=odd-even,halves,{0}"
    assert fmt_instance({"partitions": [[0, 1], [2]]}) == "partitions={0,1};{2}"


def test_tasks_are_the_catalog_instances():
    only = ["laws", "sharing", "geometry"]
    tasks = sweep_tasks("small", only, seed=5)
    assert tasks == [Task(c.id, inst, 5) for c, inst in instances("small", only)]
    assert len(tasks) == sum(len(get_claim(i).small) for i in only)


def test_a_sweep_is_proved_in_catalog_order_and_rechecks(tmp_path):
    only = ["laws", "sharing"]
    journal = tmp_path / "j.jsonl"
    rows = run_sweep("small", only, show_progress=False, journal=str(journal))
    tasks = sweep_tasks("small", only)
    assert [r["claim"] for r in rows] == [t.claim for t in tasks]
    assert all(r["status"] == "proved" and r["checked"] for r in rows)
    assert recheck(answer("verify", [r["result"] for r in rows], summary=True)).exit_code == 0
    lines = [json.loads(x) for x in journal.read_text().splitlines()]
    key = lambda r: json.dumps(r["statement"], sort_keys=True)  # noqa: E731
    assert sorted(map(key, lines)) == sorted(key(r["result"]) for r in rows)
    again = run_sweep("small", only, show_progress=False, journal=str(journal))  # everything from the journal
    assert [r["result"]["statement"] for r in again] == [r["result"]["statement"] for r in rows]
    assert all(r["detail"].startswith("from the journal") for r in again)
    assert len(journal.read_text().splitlines()) == len(rows)  # nothing appended twice


def test_journal_lines(tmp_path):
    j = tmp_path / "j.jsonl"
    good = {"statement": {"type": "claim", "claim": "laws", "instance": {}}, "status": "proved", "seed": 0}
    j.write_text(json.dumps(good) + "\n" + '{"statement": {"ty')  # a cut last line
    assert _read_journal(str(j), 0) == [good]
    assert j.read_text() == json.dumps(good) + "\n"  # cut from the file
    with pytest.raises(ConvacError, match="seed 0, but this run has seed 1"):
        _read_journal(str(j), 1)
    j.write_text('{"x": 1}\n')
    with pytest.raises(ConvacError, match="not a result of convac verify"):
        _read_journal(str(j), 0)
    assert _read_journal(str(tmp_path / "none.jsonl"), 0) == []


def test_assign_journal_refuses_foreign_and_repeated_lines():
    tasks = [Task("laws", {}, 0), Task("sharing", {"N": 2}, 0), Task("sharing", {"N": 3}, 0)]
    line = lambda c, inst: {"statement": {"claim": c, "instance": inst}}  # noqa: E731
    assert assign_journal([line("sharing", {"N": 3}), line("laws", {})], tasks) == {2: 0, 0: 1}
    with pytest.raises(ConvacError, match="not a task of this sweep"):
        assign_journal([line("sharing", {"N": 5})], tasks)
    with pytest.raises(ConvacError, match="earlier line answers already"):
        assign_journal([line("laws", {}), line("laws", {})], tasks)
