"""An unproved result says why in ``why`` (a reason in words); the kernel only lists such results, so ``why`` is
allowed there and nowhere else: a proved or refuted result cannot carry text the kernel did not check."""

from __future__ import annotations

import copy

from symbolic.kernel.recheck import check_result
from theorems import verify_catalog
from theorems.claims.catalog import get_claim

from .forgers import genuine


def _refused():
    c = get_claim("geometry")
    inst = c.statement_instance(dict(N=16, M=3, window=4), 0)
    return {"statement": {"type": "claim", "claim": "geometry", "instance": inst}, "status": "inconclusive",
            "certificate": None, "seconds": 0.1, "seed": 0, "why": "error: N=16, M=3: refused for size"}


def test_an_unproved_result_may_say_why_and_is_listed():
    line = check_result(_refused())
    assert line.listed and not line.malformed


def test_why_is_refused_on_a_proved_result_and_must_be_short_text():
    res = copy.deepcopy(genuine("rank")["results"][0])
    res["why"] = "because"
    line = check_result(res)
    assert line.malformed and "unexpected fields ['why']" in line.reason
    for bad in (7, None, "x" * 2001, ["a"]):
        line = check_result(dict(_refused(), why=bad))
        assert line.malformed and line.reason.startswith("why="), bad


def test_verify_json_says_why_a_result_was_refused():
    from symbolic.limits import Limits

    rows = verify_catalog(only=["depth.convac.generic"], limits=Limits(max_entries=8)).to_dict()["results"]
    unproved = [r for r in rows if r["status"] == "inconclusive"]
    assert unproved and all("the limit is 8 entries" in r["why"] for r in unproved)
    assert all("why" not in r for r in rows if r["status"] == "proved")
    assert all(check_result(r).listed for r in unproved)
