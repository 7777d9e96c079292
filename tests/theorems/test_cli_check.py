"""Tests of ``convac check laws|universality`` and ``convac search rank-bound`` (theorems/cli/check.py).

Answers, JSON shapes (the answer envelope of docs/answers.md: typed statements, statuses,
certificates), every answer re-verified by the trusted kernel (as ``convac recheck`` does) and
tampered ones rejected, exit statuses (0 decided / refuted, 1 inconclusive, 2 bad input with one
stderr line and no traceback).
"""

import copy
import json
import subprocess
import sys
from pathlib import Path

import pytest

from symbolic.kernel.recheck import check_result, recheck
from theorems.cli import main
from theorems.claims.laws import laws_answer
from theorems.search.rank_bound import rank_bound_answer
from theorems.universality.decide import universality_json


def run_main(capsys, *argv):
    try:
        rc = main(list(argv))
    except SystemExit as e:  # argparse errors
        rc = e.code
    out, err = capsys.readouterr()
    return rc, out, err


def run_json(capsys, *argv):
    rc, out, err = run_main(capsys, *argv, "--json")
    return rc, json.loads(out)


# ----------------------------------------------------------------------------- laws
@pytest.mark.parametrize("act,pool,comm,assoc,fixed", [
    ("linear", "product", True, True, True),
    ("relu", "max", True, True, True),
    ("relu", "sum", True, True, True),
    ("relu", "average", True, False, True),
    ("abs", "max", True, True, True),
    ("square", "product", True, False, False),
    ("tanh", "max", True, False, False),
    ("sigmoid", "sum", True, False, False),
])
def test_laws(capsys, act, pool, comm, assoc, fixed):
    rc, a = run_json(capsys, "check", "laws", "--activation", act, "--pooling", pool)
    assert rc == 0 and set(a) == {"convac", "command", "results", "versions"} and a["command"] == "check laws"
    laws = {r["statement"]["law"]: r for r in a["results"]}
    assert list(laws) == ["commutativity", "associativity", "pooled_fixed"] and len(a["results"]) == 3
    for law, holds in zip(laws, (comm, assoc, fixed)):
        r = laws[law]
        assert r["statement"] == {"type": "law", "activation": act, "pooling": pool, "law": law}
        assert r["status"] == ("proved" if holds else "refuted")
        assert r["certificate"]["kind"] == ("identity" if holds else "counterexample")
        line = check_result(r)
        assert line.ok, line.reason
        assert check_result(dict(r, status="refuted" if holds else "proved")).ok is False
    report = recheck(a)
    assert report.exit_code == 0 and len(report.lines) == 3
    # the internal answer: the same decisions, with a text per law
    b = laws_answer(act, pool)
    assert b["status"] == "proved" and (b["commutative"], b["associative"], b["pooled_fixed"]) == (comm, assoc, fixed)
    assert b["iterable"] is (assoc and fixed) and b["results"] == a["results"]
    assert len(b["details"]) == 3
    if act in ("tanh", "sigmoid"):  # refuted by disjoint interval enclosures of the two sides
        assert "disjoint enclosures" in b["details"][1] and "point" in laws["associativity"]["certificate"]


def test_tampered_law_certificates_rejected():
    """relu/average is not associative (a point); relu/sum is, by case analysis; abs/max by expansion."""
    a = laws_answer("relu", "average")
    ce = copy.deepcopy(a["results"][1])
    assert ce["status"] == "refuted" and check_result(ce).ok
    ce["certificate"]["point"] = {"a": 1, "b": 1, "c": 1}  # both sides equal there
    line = check_result(ce)
    assert line.ok is False and "not proved different" in line.reason
    ce["certificate"]["point"] = {"a": 1, "b": 0}  # a variable missing
    assert check_result(ce).ok is False
    b = laws_answer("relu", "sum")["results"][1]
    assert b["statement"]["law"] == "associativity" and b["status"] == "proved"
    assert b["certificate"]["method"] == "case-analysis" and check_result(b).ok
    bad = copy.deepcopy(b)
    bad["certificate"] = {"kind": "identity", "method": "expansion"}  # the zero is not a canonical form
    line = check_result(bad)
    assert line.ok is False and "does not expand to 0" in line.reason
    bad = copy.deepcopy(b)
    bad["certificate"]["identity"]["regions"] = bad["certificate"]["identity"]["regions"][:-1]  # a region missing
    assert check_result(bad).ok is False
    bad = copy.deepcopy(b)
    bad["statement"]["pooling"] = "average"  # the same certificate for a false law
    assert check_result(bad).ok is False


def test_laws_text(capsys):
    rc, out, err = run_main(capsys, "check", "laws", "--activation", "relu", "--pooling", "average")
    assert rc == 0 and not err
    assert "associativity" in out and "counterexample at a=1, b=0, c=0" in out and "re-verified" in out


# ----------------------------------------------------------------------------- universality
@pytest.mark.parametrize("args,answer", [
    (["--activation", "abs", "--pooling", "max"], True),
    (["--activation", "relu", "--pooling", "product"], True),
    (["--activation", "abs", "--pooling", "sum"], False),
    (["--activation", "relu", "--pooling", "average"], False),
    (["--activation", "relu", "--pooling", "product", "--shared"], False),
    (["--activation", "relu", "--pooling", "max", "--architecture", "deep", "--N", "4"], True),
    (["--activation", "relu", "--pooling", "average", "--architecture", "deep", "--N", "4"], False),
])
def test_universality_json(capsys, args, answer):
    argv = ["check", "universality", "--M", "2"] + args + ([] if "--N" in args else ["--N", "2"])
    rc, a = run_json(capsys, *argv)
    assert rc == 0 and a["command"] == "check universality" and len(a["results"]) == 1
    res = a["results"][0]
    st, cert = res["statement"], res["certificate"]
    N = st["N"]
    assert st["type"] == "universality" and st["M"] == 2 and st["shared"] is ("--shared" in args)
    assert res["status"] == ("proved" if answer else "refuted")
    assert recheck(a).exit_code == 0
    flipped = copy.deepcopy(a)
    flipped["results"][0]["status"] = "refuted" if answer else "proved"
    assert recheck(flipped).exit_code == 1
    if answer:
        assert cert["kind"] == "matricization_rank" and len(cert["source"]["stack"]) == 2 ** N
    else:
        assert cert["kind"] in ("vanishing_functional", "invariance") and cert["witness"]["shape"] == [2] * N
        if cert["kind"] == "vanishing_functional":
            assert cert["coefficients"] and ("reduction" in cert) is (st["architecture"] == "deep")


def test_universality_json_internal_answer():
    from theorems.universality.decide import decide_universality

    for act, pool, answer in (("abs", "max", True), ("abs", "sum", False)):
        v = decide_universality(activation=act, pooling=pool, N=2, M=2)
        a = universality_json(v, question="?")
        assert a["answer"] is answer and a["status"] == "proved" and a["results"] == [v.result()]
        if answer:
            assert len(a["networks"]) == 4
        else:
            assert a["functional"] and a["unrealizable"]["shape"] == [2, 2]


def test_universality_text_and_inconclusive(capsys):
    rc, out, _ = run_main(capsys, "check", "universality", "--activation", "abs", "--pooling", "sum", "--N", "2",
                          "--M", "2")
    assert rc == 0 and "answer: no" in out and "A(0, 0) - A(0, 1) - A(1, 0) + A(1, 1)" in out
    rc, a = run_json(capsys, "check", "universality", "--activation", "tanh", "--pooling", "product", "--N", "10",
                     "--M", "2")  # above the arb route's limit (M^N = 1024 > 512)
    res = a["results"][0]
    assert rc == 1 and res["status"] == "inconclusive" and res["certificate"] is None
    report = recheck(a)  # nothing asserted, nothing to verify: listed, not counted as a proof
    assert report.exit_code == 0 and report.lines[0].status == "inconclusive"


def test_answers_pass_recheck(capsys, tmp_path):
    files = []
    for n, argv in enumerate([
        ["check", "laws", "--activation", "abs", "--pooling", "max"],
        ["check", "universality", "--activation", "relu", "--pooling", "average", "--N", "2", "--M", "2"],
        ["check", "universality", "--activation", "abs", "--pooling", "max", "--N", "2", "--M", "2"],
        ["search", "rank-bound", "--architecture", "shallow", "--activation", "relu", "--pooling", "max", "--N", "4",
         "--M", "2", "--Z", "1", "--partition", "odd-even", "--bound", "Z", "--examples", "100"],
    ]):
        rc, out, _ = run_main(capsys, *argv, "--json")
        assert rc == 0
        p = tmp_path / f"a{n}.json"
        p.write_text(out)
        files.append(p)
    for p in files:
        rc, out, err = run_main(capsys, "recheck", str(p))
        assert rc == 0, (p.read_text()[:300], out, err)
        assert "ok" in out and "FAILED" not in out
        n = len(json.loads(p.read_text())["results"])
        assert out.splitlines()[-1] == f"{n} of {n} statements verified"


# ----------------------------------------------------------------------------- search rank-bound
RB = ["search", "rank-bound", "--architecture", "shallow", "--activation", "relu", "--pooling", "max", "--N", "4",
      "--M", "2", "--partition", "odd-even"]


def test_rank_bound_refuted(capsys, tmp_path):
    save = tmp_path / "ce.json"
    rc, out, err = run_main(capsys, *RB, "--Z", "1", "--bound", "Z", "--examples", "100", "--json", "--save", str(save))
    assert rc == 0 and "seed 0" in err
    a = json.loads(out)
    assert a["command"] == "search" and len(a["results"]) == 1
    res = a["results"][0]
    assert res["status"] == "refuted" and res["seed"] == 0
    assert res["statement"] == {"type": "rank_bound", "rows": [0, 2], "bound": "Z", "family": dict(
        architecture="shallow", N=4, M=2, activation="relu", pooling="max", shared=False, Z=1)}
    cert = res["certificate"]
    assert cert["kind"] == "matricization_rank" and cert["certificate"]["k"] == 2
    assert recheck(a).exit_code == 0
    bad = copy.deepcopy(a)
    bad["results"][0]["statement"]["bound"] = "2*Z"  # rank 2 does not exceed it
    assert recheck(bad).exit_code == 1
    assert json.loads(save.read_text()) == cert["source"]["spec"]
    # the internal answer: the shrunk counterexample, its rank and LaTeX
    d = rank_bound_answer(architecture="shallow", activation="relu", pooling="max", N=4, M=2, widths=(1,),
                          partition="odd-even", bound="Z", examples=100)
    assert d["status"] == "refuted" and d["seed"] == 0 and d["tried"] >= 1 and d["results"] == [
        dict(res, seconds=d["results"][0]["seconds"])]
    ce = d["counterexample"]
    assert set(ce) >= {"spec", "rank", "certificate", "latex"} and ce["rank"] == 2 and ce["certificate"] == cert
    # replayable with convac rank
    rc, out, _ = run_main(capsys, "rank", str(save), "--partition", "odd-even", "--json")
    r = json.loads(out)["results"][0]
    assert rc == 0 and (r["lower"], r["upper"]) == (2, 2) and r["statement"]["spec"] == cert["source"]["spec"]


def test_rank_bound_text(capsys):
    rc, out, _ = run_main(capsys, *RB, "--Z", "1", "--bound", "Z", "--examples", "100")
    assert rc == 0 and "status: refuted" in out and "replay:" in out and r"\begin{gather*}" in out


def test_rank_bound_true_conjecture_is_inconclusive(capsys):
    rc, out, _ = run_main(capsys, "search", "rank-bound", "--architecture", "deep", "--activation", "linear",
                          "--pooling", "product", "--N", "4", "--M", "2", "--widths", "2,1", "--partition", "halves",
                          "--bound", "r1", "--examples", "30", "--json")
    res = json.loads(out)["results"][0]
    assert rc == 1 and res["status"] == "inconclusive" and res["certificate"] is None
    assert res["statement"]["family"]["widths"] == [2, 1] and res["statement"]["bound"] == "r1"
    d = rank_bound_answer(architecture="deep", activation="linear", pooling="product", N=4, M=2, widths=(2, 1),
                          partition="halves", bound="r1", examples=30)
    assert d["status"] == "inconclusive" and d["counterexample"] is None and d["tried"] >= 1


@pytest.mark.parametrize("extra", [
    ["--Z", "1", "--bound", "__import__('os')"],
    ["--Z", "1", "--bound", "1.5"],
    ["--Z", "1", "--bound", "r3"],
    ["--Z", "1", "--bound", "Z", "--budget", "0"],
    ["--Z", "1", "--widths", "1", "--bound", "Z"],
    ["--bound", "Z"],
    ["--Z", "1", "--bound", "Z", "--low", "3", "--high", "1"],
])
def test_rank_bound_bad_input(capsys, extra):
    rc, out, err = run_main(capsys, *RB, *extra)
    assert rc == 2 and not out
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


@pytest.mark.parametrize("argv", [
    ["check", "laws", "--activation", "gelu", "--pooling", "max"],
    ["check", "laws", "--activation", "relu", "--pooling", "median"],
    ["check", "universality", "--activation", "relu", "--pooling", "max", "--N", "3", "--M", "2",
     "--architecture", "deep"],
    ["check", "universality", "--activation", "relu", "--pooling", "max", "--N", "x", "--M", "2"],
    ["check", "universality", "--activation", "relu", "--pooling", "max", "--N", "2", "--M", "2", "--widths", "2"],
    ["check"],
    ["search", "rank-bound", "--architecture", "deep", "--activation", "relu", "--pooling", "max", "--N", "4",
     "--M", "2", "--Z", "1", "--partition", "odd-even", "--bound", "Z"],
    ["search", "rank-bound", "--architecture", "shallow", "--activation", "tanh", "--pooling", "max", "--N", "4",
     "--M", "2", "--Z", "1", "--partition", "odd-even", "--bound", "Z"],
    ["search", "rank-bound", "--architecture", "shallow", "--activation", "relu", "--pooling", "max", "--N", "4",
     "--M", "2", "--Z", "1", "--partition", "0,9", "--bound", "Z"],
])
def test_bad_input_exit_2_one_line(capsys, argv):
    rc, out, err = run_main(capsys, *argv)
    assert rc == 2 and not out
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_console_script_exit_statuses():
    exe = Path(sys.executable).parent / "convac"
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "theorems.cli"]
    p = subprocess.run(cmd + ["check", "laws", "--activation", "relu", "--pooling", "max", "--json"],
                       capture_output=True, text=True, timeout=120)
    assert p.returncode == 0
    laws = {r["statement"]["law"]: r["status"] for r in json.loads(p.stdout)["results"]}
    assert laws == {"commutativity": "proved", "associativity": "proved", "pooled_fixed": "proved"}
    p = subprocess.run(cmd + ["check", "universality", "--activation", "relu", "--pooling", "max", "--N", "-1",
                              "--M", "2"], capture_output=True, text=True, timeout=120)
    assert p.returncode == 2 and len(p.stderr.strip().splitlines()) == 1 and "Traceback" not in p.stderr
