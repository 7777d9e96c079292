"""Tests of ``convac check laws|universality`` and ``convac search rank-bound`` (theorems/cli_check.py).

Answers, JSON shapes, certificates re-checked (as ``convac recheck`` does), exit statuses
(0 decided / refuted, 1 inconclusive, 2 bad input with one stderr line and no traceback).
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from symbolic.checker import check_certificate
from theorems.cli import main


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
    assert rc == 0 and a["status"] == "proved"
    assert (a["commutative"], a["associative"], a["pooled_fixed"]) == (comm, assoc, fixed)
    assert set(a["certificates"]) == {"commutativity", "associativity", "pooled_fixed"}
    for law, cert in a["certificates"].items():
        check_certificate(cert)
        assert cert["law"] == law
    check_certificate(a["certificate"])
    assert len(a["results"]) == 3
    if act in ("tanh", "sigmoid"):
        assert "lhs_enclosure" in a["certificates"]["associativity"]["certificate"]


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
    assert rc == 0
    assert a["answer"] is answer and a["status"] == "proved"
    check_certificate(a["certificate"])
    assert a["results"][0]["certificate"] == a["certificate"]
    if answer:
        assert len(a["networks"]) == 2 ** a["N"]
    else:
        assert a["functional"] and a["unrealizable"]["shape"] == [2] * a["N"]


def test_universality_text_and_inconclusive(capsys):
    rc, out, _ = run_main(capsys, "check", "universality", "--activation", "abs", "--pooling", "sum", "--N", "2",
                          "--M", "2")
    assert rc == 0 and "answer: no" in out and "A(0, 0) - A(0, 1) - A(1, 0) + A(1, 1)" in out
    rc, a = run_json(capsys, "check", "universality", "--activation", "tanh", "--pooling", "product", "--N", "2",
                     "--M", "2")
    assert rc == 1 and a["answer"] is None and a["status"] == "inconclusive"


def test_answers_pass_recheck(capsys, tmp_path):
    pytest.importorskip("theorems.cli_rank")
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


# ----------------------------------------------------------------------------- search rank-bound
RB = ["search", "rank-bound", "--architecture", "shallow", "--activation", "relu", "--pooling", "max", "--N", "4",
      "--M", "2", "--partition", "odd-even"]


def test_rank_bound_refuted(capsys, tmp_path):
    save = tmp_path / "ce.json"
    rc, out, err = run_main(capsys, *RB, "--Z", "1", "--bound", "Z", "--examples", "100", "--json", "--save", str(save))
    assert rc == 0 and "seed 0" in err
    a = json.loads(out)
    assert a["status"] == "refuted" and a["seed"] == 0 and a["tried"] >= 1
    ce = a["counterexample"]
    assert set(ce) >= {"spec", "rank", "certificate", "latex"}
    assert ce["rank"] == 2 and ce["certificate"]["kind"] == "matricization_rank"
    check_certificate(ce["certificate"])
    assert json.loads(save.read_text()) == ce["spec"]
    # replayable with convac rank
    rc, out, _ = run_main(capsys, "rank", str(save), "--partition", "odd-even", "--json")
    assert rc == 0 and json.loads(out)["rank"] == 2


def test_rank_bound_text(capsys):
    rc, out, _ = run_main(capsys, *RB, "--Z", "1", "--bound", "Z", "--examples", "100")
    assert rc == 0 and "status: refuted" in out and "replay:" in out and r"\begin{gather*}" in out


def test_rank_bound_true_conjecture_is_inconclusive(capsys):
    rc, out, _ = run_main(capsys, "search", "rank-bound", "--architecture", "deep", "--activation", "linear",
                          "--pooling", "product", "--N", "4", "--M", "2", "--widths", "2,1", "--partition", "halves",
                          "--bound", "r1", "--examples", "30", "--json")
    a = json.loads(out)
    assert rc == 1 and a["status"] == "inconclusive" and a["counterexample"] is None and a["tried"] >= 1


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
    assert p.returncode == 0 and json.loads(p.stdout)["associative"] is True
    p = subprocess.run(cmd + ["check", "universality", "--activation", "relu", "--pooling", "max", "--N", "-1",
                              "--M", "2"], capture_output=True, text=True, timeout=120)
    assert p.returncode == 2 and len(p.stderr.strip().splitlines()) == 1 and "Traceback" not in p.stderr
