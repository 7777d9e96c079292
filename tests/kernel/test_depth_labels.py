"""The kernel derives depth labels from certified numbers (issue 19) and rejects every label that does not
follow: contentless incomplete/complete, an edited label, a rule used outside its hypotheses, a tampered epsilon."""

from __future__ import annotations

import copy
import json

import pytest

from symbolic.kernel.recheck import check_result, recheck
from theorems import decide_depth
from theorems.depth.boxes import find_box
from theorems.depth.certificates import arb_witness, colt_witness, regions_certificate
from theorems.claims.common import source


def _res(v):
    return json.loads(json.dumps(v.result()))


@pytest.fixture(scope="module")
def R():
    return {k: decide_depth(*k, N=4, M=2, tries=1, approximation=True) for k in
            [("relu", "max"), ("abs", "product"), ("linear", "sum"), ("linear", "product")]}


def _completeness(st, parts):
    return {"statement": st, "status": "proved", "certificate": {"kind": "all", "parts": parts}}


def test_contentless_incomplete_is_rejected():
    """relu/max at N = 2: T = 2 and the witness's rank 2 force only Z_w = 1; a box with Z_box = 1 is certified,
    but 'incomplete' needs Z_box < Z_w: rejected (the prover answers unknown)."""
    r = decide_depth("relu", "max", N=2, M=2, tries=1)
    assert r.answer == "unknown"
    w, term = r.deep_witness, r.shallow_term_bound
    b = find_box("relu", "max", N=2, M=2)
    st = {"type": "depth", "part": "completeness", "activation": "relu", "pooling": "max", "N": 2, "M": 2,
          "answer": "incomplete", "widths": [2], "rank": 2, "term_bound": 2, "family_bound": False, "Z": 1,
          "Z_box": b.Z, "box_rank": b.rank}
    line = check_result(_completeness(st, [term.certificate, w.certificate, b.certificate]))
    assert not line.ok and "Z_box < the witness's Z = 1" in line.reason


def test_contentless_complete_is_rejected(R):
    """linear/sum: the witness's rank 2 is proved a.e. (Schwartz-Zippel), but forces only Z = 1: not complete."""
    r = R[("linear", "sum")]
    assert r.answer == "none"
    w = r.deep_witness
    st = {"type": "depth", "part": "completeness", "activation": "linear", "pooling": "sum", "N": 4, "M": 2,
          "answer": "complete", "widths": [2, 2], "rank": w.typed["rank"], "term_bound": 2, "family_bound": True,
          "Z": 1, "rule": "schwartz-zippel"}
    line = check_result(_completeness(st, [r.shallow_term_bound.certificate, w.certificate]))
    assert not line.ok and "no content" in line.reason


@pytest.mark.parametrize("key, other", [(("relu", "max"), "complete"), (("abs", "product"), "incomplete"),
                                        (("linear", "sum"), "complete"), (("abs", "product"), "none")])
def test_edited_label_is_rejected(R, key, other):
    res = _res(R[key].completeness)
    assert check_result(res).ok
    m = copy.deepcopy(res)
    m["statement"]["answer"] = other
    assert not check_result(m).ok


def test_edited_numbers_are_rejected(R):
    res = _res(R[("relu", "max")].completeness)
    for k, v in (("Z", 1), ("Z", 3), ("Z_box", 2), ("Z", "unbounded"), ("term_bound", 4), ("family_bound", True)):
        m = copy.deepcopy(res)
        m["statement"][k] = v
        assert not check_result(m).ok, (k, v)


def test_regions_rule_refuses_relu():
    """The COLT witness of relu/product has the same diagonal of monomials, but relu's slope 0 on the
    negatives kills regions (dead units): the regions rule must refuse it."""
    _, cert = regions_certificate("abs", 4, 2)
    spec = colt_witness("relu", "product", 4, 2)
    cert = dict(cert, source=source(spec))
    st = {"type": "depth", "part": "completeness", "activation": "relu", "pooling": "product", "N": 4, "M": 2,
          "answer": "complete", "widths": [2, 2], "rank": 4, "term_bound": 1, "family_bound": False, "Z": 4,
          "rule": "regions"}
    term = decide_depth("relu", "product", N=4, M=2, tries=0).shallow_term_bound.certificate
    line = check_result(_completeness(st, [term, cert]))
    assert not line.ok and "nonzero slopes" in line.reason


def test_analytic_rule_refuses_max_pooling():
    k, cert = arb_witness("tanh", "max", 4, 2)
    st = {"type": "depth", "part": "completeness", "activation": "tanh", "pooling": "max", "N": 4, "M": 2,
          "answer": "complete", "widths": [2, 2], "rank": k, "term_bound": 3, "family_bound": False,
          "Z": -(-k // 3), "rule": "analytic"}
    term = decide_depth("tanh", "max", N=4, M=2, tries=0).shallow_term_bound.certificate
    assert not check_result(_completeness(st, [term, cert])).ok


@pytest.mark.parametrize("key", [("linear", "product"), ("relu", "max")])
def test_tampered_eps_is_rejected(R, key):
    """The approximation bound: the genuine eps2 rechecks; a larger eps2 (or an edited subspace) does not."""
    a = R[key].approximation
    assert a is not None and a.checked
    res = _res(a)
    assert check_result(res).ok
    from fractions import Fraction
    e = Fraction(res["statement"]["eps2"])
    for bad in (e * 2, e * 1000):
        m = copy.deepcopy(res)
        m["statement"]["eps2"] = f"{bad.numerator}/{bad.denominator}"
        line = check_result(m)
        assert not line.ok and "positive semidefinite" in line.reason
    m = copy.deepcopy(res)
    m["certificate"]["parts"][2]["X"][0] = ["0"] * len(m["certificate"]["parts"][2]["X"][0])
    m["certificate"]["parts"][2]["X"] = [["0"] * len(r) for r in m["certificate"]["parts"][2]["X"]]
    assert not check_result(m).ok
    m = copy.deepcopy(res)
    m["statement"]["Z"] = res["statement"]["Z"] + 1  # more channels: the subspace dimension no longer fits
    assert not check_result(m).ok


def test_unknown_answer_with_values_is_malformed_or_listed():
    ans = {"convac": 1, "command": "check depth", "results": [
        {"statement": {"type": "depth", "part": "completeness", "activation": "relu", "pooling": "max", "N": 4,
                       "M": 2, "answer": "maybe"}, "status": "inconclusive", "certificate": None}]}
    assert recheck(ans).exit_code == 2
