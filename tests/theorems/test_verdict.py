"""Tests of theorems/claims/verdict.py: a verdict stands only when the kernel verifies its certificate.

``conclude`` with a genuine certificate keeps ``proved``/``refuted`` and marks it checked; with a
forged certificate or none it says ``inconclusive`` and why. ``answer`` wraps results in the
envelope ``recheck`` reads, with counts recomputed here by collections.Counter.
"""

from __future__ import annotations

import collections
import dataclasses

import pytest
from hypothesis import given
from hypothesis import strategies as st

from symbolic.kernel.recheck import recheck
from theorems.claims.verdict import (BADGE, Status, Timer, Verdict, answer, cert_kinds, conclude, instance_text,
                                     verdict_markdown)

LAW = {"type": "law", "activation": "relu", "pooling": "average", "law": "associativity"}
POINT = {"kind": "counterexample", "point": {"a": 1, "b": 0, "c": 0}}


def _law(status, cert, typed_status="refuted"):
    return conclude("laws", "relu/average is not associative", "", {"law": "associativity"}, status, cert, Timer(), 7,
                    "detail", typed=LAW, typed_status=typed_status)


def test_a_genuine_certificate_is_checked():
    v = _law(Status.PROVED, POINT)
    assert v.status is Status.PROVED and v.checked and v.method == "counterexample"
    r = v.result()
    assert r["statement"] == LAW and r["status"] == "refuted" and r["certificate"] == POINT and r["seed"] == 7
    assert recheck(answer("check laws", [r])).exit_code == 0


@pytest.mark.parametrize("cert, why", [(None, "no certificate"),
                                       ({"kind": "counterexample", "point": {"a": 0, "b": 0, "c": 0}},
                                        "kernel did not"),
                                       ({"kind": "identity", "method": "expansion"}, "kernel did not")])
def test_a_forged_or_missing_certificate_makes_the_verdict_inconclusive(cert, why):
    v = _law(Status.PROVED, cert)
    assert v.status is Status.INCONCLUSIVE and not v.checked and why in v.detail
    r = v.result()
    assert r["status"] == "inconclusive" and r["certificate"] is None  # asserts nothing
    assert recheck(answer("check laws", [r])).lines[0].ok


def test_tested_and_inconclusive_verdicts_are_not_sent_to_the_kernel():
    v = conclude("x", "s", "", {}, Status.TESTED, POINT, Timer(), 0, "sampled")
    assert v.status is Status.TESTED and not v.checked and v.result()["certificate"] is None
    assert v.result()["statement"] == {"type": "claim", "claim": "x", "instance": {}}


def test_verdicts_are_frozen_values():
    v = Verdict("demo", "1 = 1", "", {"N": 2}, Status.PROVED, None, "none", 0.5, 0)
    with pytest.raises(dataclasses.FrozenInstanceError):
        v.status = Status.REFUTED
    d = v.to_dict()
    assert d["status"] == "proved" and d["instance"] == {"N": 2} and d["checked"] is False
    assert v == Verdict("demo", "1 = 1", "", {"N": 2}, Status.PROVED, None, "none", 0.5, 0, typed={"x": 1})


@given(st.lists(st.sampled_from([s.value for s in Status]), max_size=12))
def test_answer_counts_by_status(statuses):
    results = [{"statement": {"n": i}, "status": s} for i, s in enumerate(statuses)]
    ans = answer("verify", results, summary=True)
    want = collections.Counter(statuses)
    assert ans["summary"] == {**{s.value: want.get(s.value, 0) for s in Status}, "total": len(statuses)}
    assert ans["results"] == results and ans["convac"] == 1
    assert "summary" not in answer("verify", results)


def test_cert_kinds_of_nested_certificates():
    assert cert_kinds(None) == cert_kinds({}) == "none"
    assert cert_kinds({"kind": "identity"}) == "identity"
    nested = {"kind": "all", "parts": [{"kind": "a"}, {"kind": "all", "parts": [{"kind": "b"}, {"kind": "a"}]},
                                       {"kind": "a"}]}
    assert cert_kinds(nested) == "a+b+a"  # first-seen order of each part's own description


def test_markdown_and_instance_text():
    assert instance_text({"N": 4, "F": [[1]], "M": 2}) == "N=4, M=2"
    v = _law(Status.PROVED, POINT)
    md = verdict_markdown(v.to_dict())
    assert md.splitlines()[0].startswith(f"**{BADGE['proved']}**") and "`laws`" in md
    assert "re-checked by the trusted checker: **yes**" in md and "seed 7" in md
    assert "**no**" in verdict_markdown(_law(Status.PROVED, None).to_dict())


def test_timer_counts_up():
    t = Timer()
    a = t.seconds
    assert 0 <= a <= t.seconds
