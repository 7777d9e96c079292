"""Forger, class 4 (issue 18): tested and inconclusive results are listed, never verified, and still validated.

A tested or inconclusive result asserts nothing: no certificate, no values.  Its statement is validated like
any other (a malformed one is exit 2), it is listed apart, and the total counts only what was verified.
"""

from __future__ import annotations

import copy

import pytest

from .forgers import assert_rejected, claim_result, envelope, genuine, run_limited, verdict


def _results():
    out = [("rank", r) for r in genuine("rank")["results"][:2]]
    out += [("check universality", r) for r in genuine("universality")["results"]]
    out += [("search", genuine("search")["results"][0]), ("check laws", genuine("laws")["results"][0])]
    out += [("verify", claim_result(c)) for c in ("geometry", "equivalence.deep", "universality.convac")]
    return out


RESULTS = _results()
MALFORM = [lambda st: st.update(type="nonsense"), lambda st: st.update(extra=1), lambda st: st.pop("type"),
           lambda st: st.update({sorted(k for k in st if k not in ("type", "window", "partition"))[-1]: [[]]}),
           lambda st: st.update({sorted(k for k in st if k not in ("type", "window", "partition"))[0]: -1})]


def _unproved(res, status):
    res = copy.deepcopy(res)
    res["status"], res["certificate"] = status, None
    for k in ("lower", "upper", "bounds"):
        res.pop(k, None)
    return res


@pytest.mark.parametrize("status", ["tested", "inconclusive"])
@pytest.mark.parametrize("n", range(len(RESULTS)),
                         ids=[f"{c}:{r['statement']['type']}{i}" for i, (c, r) in enumerate(RESULTS)])
def test_well_formed_unproved_results_are_listed_not_counted(n, status):
    cmd, res = RESULTS[n]
    code, text = verdict(envelope(cmd, _unproved(res, status)))
    assert code == 0 and text.splitlines()[-1].startswith("0 of 0 statements verified"), text
    assert "listed" in text and "ok " not in text, text


@pytest.mark.parametrize("status", ["tested", "inconclusive"])
@pytest.mark.parametrize("m", range(len(MALFORM)))
@pytest.mark.parametrize("n", range(len(RESULTS)),
                         ids=[f"{c}:{r['statement']['type']}{i}" for i, (c, r) in enumerate(RESULTS)])
def test_malformed_unproved_statements_are_exit_2(n, m, status):
    cmd, res = RESULTS[n]
    res = _unproved(res, status)
    MALFORM[m](res["statement"])
    assert_rejected(envelope(cmd, res), codes=(2,), why=f"malformed {status}")


@pytest.mark.parametrize("status", ["tested", "inconclusive"])
@pytest.mark.parametrize("n", range(len(RESULTS)),
                         ids=[f"{c}:{r['statement']['type']}{i}" for i, (c, r) in enumerate(RESULTS)])
def test_unproved_results_assert_nothing(n, status):
    """A certificate, or rank values, beside a tested/inconclusive status: exit 2."""
    cmd, res = RESULTS[n]
    cert = copy.deepcopy(res.get("certificate"))
    un = _unproved(res, status)
    un["certificate"] = cert if cert is not None else {}
    assert_rejected(envelope(cmd, un), codes=(2,))
    if cmd == "rank":
        for k, v in (("lower", 4), ("upper", 4), ("bounds", res["bounds"])):
            un = _unproved(res, status)
            un[k] = v
            assert_rejected(envelope(cmd, un), codes=(2,))


def test_a_listed_result_does_not_make_a_failed_one_pass():
    good = genuine("laws")["results"][0]
    bad = copy.deepcopy(good)
    bad["statement"]["law"] = "associativity"
    bad["certificate"] = {"kind": "identity", "method": "expansion"} if good["status"] == "refuted" else \
        {"kind": "counterexample", "point": {"a": 1, "b": 2, "c": 3}}
    bad["status"] = "proved" if good["status"] == "refuted" else "refuted"
    listed = _unproved(genuine("laws")["results"][-1], "tested")
    listed["statement"]["law"] = "window:3"
    code, text = verdict(envelope("check laws", good, bad, listed))
    assert code == 1, text
    assert text.splitlines()[-1].startswith("1 of 2 statements verified, 1 failed"), text


def test_cli_lists_unproved_results_apart():
    res = _unproved(genuine("universality")["results"][0], "inconclusive")
    r = run_limited(envelope("check universality", res, genuine("universality")["results"][1]))
    assert r["rc"] == 0, r
    lines = r["stdout"].splitlines()
    assert lines[-1].startswith("1 of 1 statements verified; 1 listed"), lines
    assert any(x.startswith("not verified") for x in lines), lines
    res["statement"]["window"] = 3
    r = run_limited(envelope("check universality", res))
    assert r["rc"] == 2 and "MALFORMED" in r["stdout"] and "Traceback" not in r["stderr"], r


def test_summary_counts_every_status():
    a = genuine("verify")
    a["results"][0] = _unproved(a["results"][0], "tested")
    code, text = verdict(a)
    assert code == 1 and "summary" in text, text  # the summary still says all proved
