"""Tests of ``convac rank`` and ``convac recheck`` (theorems/cli_rank.py).

Ranks are compared with the golden examples (../shared/examples, computed independently)
and, for held-out specs, with a second route: the circuit's forward pass and sympy's
DomainMatrix.  Every answer must be accepted by ``recheck``; tampered answers must not.
Exit statuses are checked in real subprocesses with the installed console script too.
"""

import copy
import io
import json
import re
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
import sympy

from symbolic.circuit import circuit, forward_tensor
from symbolic.matricize import matricize
from symbolic.rank import exact_rank
from symbolic.spec import deep, dump_spec, load_spec, shallow, spec_to_dict
from theorems.cli import main
from theorems.cli_rank import rank_answer, recheck

EXAMPLES = (Path(__file__).resolve().parents[2].parent / "shared" / "examples")
FILES = sorted(EXAMPLES.glob("*.json")) if EXAMPLES.is_dir() else []
needs_examples = pytest.mark.skipif(not FILES, reason=f"golden examples not found at {EXAMPLES}")


def console_script():
    exe = Path(sys.executable).parent / "convac"
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "theorems.cli"]


def run(*args, stdin=None):
    return subprocess.run(console_script() + [str(a) for a in args], input=stdin, capture_output=True, text=True,
                          timeout=120)


def rank_json(capsys, *args):
    assert main(["rank", *map(str, args), "--json"]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    return json.loads(out)


def independent_rank(spec, rows, output=0):
    """Forward pass (not the decompositions) + sympy DomainMatrix (not python-flint)."""
    A = forward_tensor(circuit(spec), output)
    return exact_rank(matricize(A, rows), method="sympy").rank


def recheck_answer(capsys, answer):
    code = recheck(answer)
    return code, capsys.readouterr().out


def write(tmp_path, obj, name="answer.json"):
    f = tmp_path / name
    f.write_text(json.dumps(obj))
    return f


# ----------------------------------------------------------------------------- golden examples
@needs_examples
@pytest.mark.parametrize("path", FILES, ids=[f.stem for f in FILES])
@pytest.mark.parametrize("partition", ["odd-even", "halves"])
def test_examples(capsys, path, partition):
    expected = json.loads(path.read_text())["ranks"][partition]
    a = rank_json(capsys, path, "--partition", partition)
    assert (a["rank"], a["lower"], a["upper"], a["exact"]) == (expected, expected, expected, True)
    assert a["certificate_verified"] is True and a["partition"] == partition
    assert all(expected <= b for b in a["bounds"].values())
    code, out = recheck_answer(capsys, a)
    assert code == 0 and out.startswith("ok ")


@needs_examples
def test_console_script_and_recheck_from_file_and_stdin(tmp_path):
    path = EXAMPLES / "deep_relu_sum_N8_M2.json"
    p = run("rank", path, "--partition", "halves", "--json")
    assert p.returncode == 0 and p.stderr == ""
    a = json.loads(p.stdout)
    assert a["rank"] == 2 and a["exact"] and a["bounds"]["widths"] == 2
    f = write(tmp_path, a)
    q = run("recheck", f)
    assert q.returncode == 0 and q.stdout.startswith("ok ") and q.stdout.count("\n") == 1
    q = run("recheck", "-", stdin=p.stdout)
    assert q.returncode == 0 and "ok " in q.stdout
    bad = copy.deepcopy(a)
    bad["certificate"]["upper"]["V"][0][0] = str(Fraction(bad["certificate"]["upper"]["V"][0][0]) + 1)
    q = run("recheck", write(tmp_path, bad, "bad.json"))
    assert q.returncode == 1 and q.stdout.startswith("FAILED ") and "A[:, cols] V != A" in q.stdout


def test_text_output_spec_on_stdin(capsys, monkeypatch):
    s = deep(N=4, M=3, widths=(2, 2), seed=5)
    monkeypatch.setattr(sys, "stdin", io.StringIO(dump_spec(s)))
    assert main(["rank", "-", "--partition", "halves"]) == 0
    out = capsys.readouterr().out
    for needle in ("row modes I     0, 1", "column modes J  2, 3", "matrix shape    9 x 9", "rank            2 (exact)",
                   "exact           yes", "certificate", "prime", "seconds", "structural upper bounds",
                   "min_cut  2", "trivial  9"):
        assert needle in out, needle


# ----------------------------------------------------------------------------- held-out specs, partitions
HELD_OUT = [
    deep(N=4, M=3, widths=(3, 2), seed=11),
    deep(N=8, M=2, widths=(2, 2, 2), seed=12, patch_order=[3, 0, 6, 1, 7, 2, 5, 4]),
    deep(N=4, M=3, widths=(2, 2), activation="relu", pooling="max", seed=13),
    deep(N=9, M=2, widths=(2, 2), window=3, activation="abs", pooling="sum", seed=14),
    shallow(N=4, M=3, Z=4, activation="square", pooling="product", seed=15, denominators=(1, 2, 3)),
    shallow(N=5, M=2, Z=3, activation="leaky_relu:1/10", pooling="average", seed=16),
    deep(N=4, M=2, widths=(2, 2), shared=True, activation="relu", pooling="sum", seed=17),
]


@pytest.mark.parametrize("spec", HELD_OUT, ids=[repr(s) for s in HELD_OUT])
def test_held_out_specs_explicit_partitions(capsys, tmp_path, spec):
    f = write(tmp_path, spec_to_dict(spec), "spec.json")
    for P in ["0,3", "1", "odd-even", "halves"]:
        a = rank_json(capsys, f, "--partition", P)
        rows = [int(x) for x in P.split(",")] if P[0].isdigit() else a["rows"]
        assert a["rows"] == sorted(rows)
        assert a["rank"] == independent_rank(spec, rows) and a["exact"]
        assert a["cols"] == [i for i in range(spec.N) if i not in rows]
        assert a["shape"] == [spec.M ** len(rows), spec.M ** (spec.N - len(rows))]
        assert recheck_answer(capsys, a)[0] == 0


def test_engines_agree_and_second_output(capsys, tmp_path):
    s = deep(N=4, M=3, widths=(2, 2), seed=3, Y=2)
    f = write(tmp_path, spec_to_dict(s), "spec.json")
    for y in ("0", "1"):
        answers = [rank_json(capsys, f, "-p", "0,3", "--output", y, *e) for e in ([], ["--engine", "exact"],
                                                                                   ["--engine", "modular"])]
        k = independent_rank(s, [0, 3], int(y))
        assert [a["lower"] for a in answers] == [k, k, k]
        assert answers[0]["exact"] and answers[1]["exact"] and answers[1]["engine"] == "exact"
        assert answers[2]["engine"] == "modular" and answers[2]["upper"] == (9 if k < 9 else k)
        assert all(recheck_answer(capsys, a)[0] == 0 for a in answers)


def test_lower_bound_only(capsys, tmp_path):
    s = deep(N=4, M=3, widths=(3, 2), seed=1)  # halves has rank 2 < 9
    f = write(tmp_path, spec_to_dict(s), "spec.json")
    a = rank_json(capsys, f, "-p", "halves", "--lower-bound-only")
    assert (a["lower"], a["upper"], a["exact"], a["certificate"]["upper"]["kind"]) == (2, 9, False, "trivial")
    assert a["engine"] == "modular" and recheck_answer(capsys, a)[0] == 0
    b = rank_json(capsys, f, "-p", "halves")
    assert (b["lower"], b["upper"], b["exact"], b["certificate"]["upper"]["kind"]) == (2, 2, True, "factorization")
    capsys.readouterr()


def test_seed_changes_the_prime(capsys, tmp_path):
    f = write(tmp_path, spec_to_dict(deep(N=4, M=2, seed=2)), "spec.json")
    p0 = rank_json(capsys, f, "--seed", "0")["prime"]
    p1 = rank_json(capsys, f, "--seed", "1")["prime"]
    assert p0 != p1 and sympy.isprime(p0) and sympy.isprime(p1)


# ----------------------------------------------------------------------------- symbolic weights
def test_symbolic_generic_rank(capsys, tmp_path):
    s = deep(N=4, M=2, widths=(2, 2), weights="symbolic")
    f = write(tmp_path, spec_to_dict(s), "sym.json")
    a = rank_json(capsys, f, "-p", "odd-even")
    assert a["engine"] == "symbolic" and a["rank"] == 4 and a["exact"] and a["generic"]["exact"]
    assert "Schwartz-Zippel" in a["statement"] and a["certificate"]["lower"]["point"]
    point = a["certificate"]["lower"]["point"]
    assert len(point) == 4 * 2 * 2 + 2 * 2 * 2 + 2 and max(abs(Fraction(v)) for v in point.values()) > 1000  # a wide-range point
    h = rank_json(capsys, f, "-p", "halves")
    assert (h["rank"], h["upper"], h["exact"]) == (2, 4, False)
    assert h["generic"] == {**h["generic"], "lower": 2, "upper": 2, "exact": True}
    assert "generic rank is exactly 2" in h["generic"]["statement"]
    assert recheck_answer(capsys, a)[0] == 0 and recheck_answer(capsys, h)[0] == 0
    assert main(["rank", str(f), "-p", "halves"]) == 0
    out = capsys.readouterr().out
    assert "generic rank    2 (exact: meets the structural bound)" in out and "Schwartz-Zippel" in out


def test_symbolic_fraction_field_rank_is_compared(capsys, tmp_path):
    """Square activations after mixing make the structural bound loose: both routes are reported."""
    s = deep(N=4, M=2, widths=(1, 1), activation="square", pooling="product", weights="symbolic")
    a = rank_answer(s, "odd-even")
    g = a["generic"]
    assert g["lower"] == 1 < g["upper"] and g["fraction_field_rank"] == 1 and not g["exact"]
    assert recheck(a) == 0
    capsys.readouterr()


# ----------------------------------------------------------------------------- errors
SPEC = {"architecture": "shallow", "N": 3, "M": 2, "activation": "linear", "pooling": "product",
        "weights": {"hidden": [[[0, 1], [-1, 2], ["-3/2", 1]], [[-4, -1], [-2, 2], [2, -2]]], "output": [[3, 2], [1, 0]]}}


@pytest.mark.parametrize("spec, argv, pattern", [
    (SPEC, ["-p", "0,9"], r"^convac rank: partition '0,9': mode 9 is out of range 0\.\.2 for N=3$"),
    (SPEC, ["-p", "0,1,2"], r"^convac rank: partition '0,1,2': gives 3 row modes for N=3"),
    (SPEC, ["-p", "thirds"], r"^convac rank: partition 'thirds': expected 'odd-even', 'halves'"),
    (SPEC, ["--output", "2"], r"^convac rank: --output: 2 is out of range; the network has Y=2 outputs \(0\.\.1\)$"),
    (SPEC, ["--output", "y"], r"^convac rank: --output: expected an int in 0\.\.1, got 'y'$"),
    ({**SPEC, "weights": {**SPEC["weights"], "output": [[3.5, 2], [1, 0]]}}, [],
     r"^convac rank: weights\.output.*float"),
    ({**SPEC, "activation": "tanh"}, [], r"^convac rank: .*"),
])
def test_errors_exit_2_one_line(capsys, tmp_path, spec, argv, pattern):
    f = write(tmp_path, spec, "spec.json")
    assert main(["rank", str(f), *argv]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1 and re.match(pattern, err.strip()), err


def test_errors_in_subprocess(tmp_path):
    f = write(tmp_path, SPEC, "spec.json")
    p = run("rank", f, "--partition", "0,9")
    assert p.returncode == 2 and p.stdout == "" and p.stderr.count("\n") == 1 and "mode 9 is out of range" in p.stderr
    p = run("rank", tmp_path / "missing.json")
    assert p.returncode == 2 and p.stderr.count("\n") == 1
    p = run("recheck", write(tmp_path, {"hello": 1}, "none.json"))
    assert p.returncode == 2 and p.stderr.count("\n") == 1 and "no certificate found" in p.stderr


@pytest.mark.parametrize("content, pattern", [
    ("", r"empty"),
    ("{not json", r"not JSON \(line 1 column 2"),
    ("[1, 2]", r"no certificate found"),
])
def test_recheck_bad_input(capsys, tmp_path, content, pattern):
    f = tmp_path / "x.json"
    f.write_text(content)
    assert main(["recheck", str(f)]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1 and re.search(pattern, err)
    assert main(["recheck", str(tmp_path / "missing.json")]) == 2
    assert "cannot be read" in capsys.readouterr().err


# ----------------------------------------------------------------------------- tampering
@pytest.fixture(scope="module")
def deficient():
    """A rank-deficient answer (factorization upper bound): deep ConvAC, halves rank 2 of 9 x 9."""
    return rank_answer(deep(N=4, M=3, widths=(3, 2), seed=7), "halves")


def _rejected(capsys, a, reason):
    code, out = recheck_answer(capsys, a)
    assert code == 1 and out.startswith("FAILED ") and re.search(reason, out), out


def test_untampered_is_accepted(capsys, deficient):
    assert deficient["certificate"]["upper"]["kind"] == "factorization" and deficient["rank"] == 2
    assert recheck_answer(capsys, deficient)[0] == 0


def test_tampered_index(capsys, deficient):
    low = deficient["certificate"]["lower"]
    a = copy.deepcopy(deficient)
    a["certificate"]["lower"]["rows"][0] = low["rows"][1]  # a repeated row
    _rejected(capsys, a, "distinct indices")
    a = copy.deepcopy(deficient)
    a["certificate"]["lower"]["cols"][0] = 81  # out of range
    _rejected(capsys, a, "out of range")
    a = copy.deepcopy(deficient)
    cols = a["certificate"]["upper"]["cols"]
    cols[0] = next(c for c in range(9) if c not in cols)  # another column: A[:, C'] V != A
    _rejected(capsys, a, r"A\[:, cols\] V != A")


def test_tampered_index_singular_minor(capsys):
    """A(d0, d1, d2) = a0[d0] a1[d1] a2[d2] with a0 = (1, 0): row 1 of [A]_{0} is zero."""
    s = shallow(N=3, M=2, Z=1, weights={"hidden": [[[1, 0], [2, 3], [4, 5]]], "output": [[1]]})
    a = rank_answer(s, "0")
    assert a["rank"] == 1 and a["certificate"]["lower"]["rows"] == [0] and recheck_answer(capsys, a)[0] == 0
    a["certificate"]["lower"]["rows"] = [1]
    _rejected(capsys, a, "minor is singular")


def test_tampered_prime(capsys, deficient):
    a = copy.deepcopy(deficient)
    a["certificate"]["lower"]["prime"] += 1  # even: not a prime
    _rejected(capsys, a, "is not prime")
    a = copy.deepcopy(deficient)
    a["certificate"]["lower"]["prime"] = 1
    _rejected(capsys, a, "is not prime")


def test_tampered_V_entry(capsys, deficient):
    a = copy.deepcopy(deficient)
    V = a["certificate"]["upper"]["V"]
    V[1][4] = str(Fraction(V[1][4]) + Fraction(1, 3))
    _rejected(capsys, a, r"A\[:, cols\] V != A")


def test_tampered_k(capsys, deficient):
    for part, k in (("lower", 3), ("upper", 1)):
        a = copy.deepcopy(deficient)
        a["certificate"][part]["k"] = k
        _rejected(capsys, a, "the answer says (rank|lower|upper)=")  # the answer's numbers must be the certificate's
        a[part] = k  # and with the answer changed to match, the checker itself refuses it
        a.update(rank=a["lower"], exact=a["lower"] == a["upper"])
        _rejected(capsys, a, "expected 3 distinct|exceeds|V: expected a 1 x 9")
    for key, value in (("rank", 3), ("upper", 3), ("exact", False), ("lower", 1)):
        a = copy.deepcopy(deficient)
        a[key] = value
        _rejected(capsys, a, f"the answer says {key}={value}, its certificate states")
    a = copy.deepcopy(deficient)
    a["bounds"]["min_cut"] = 1
    _rejected(capsys, a, "structural bounds")
    a = copy.deepcopy(deficient)
    a["rows"] = [0, 2]
    _rejected(capsys, a, "partition 'halves' does not give rows")


def test_tampered_spec_weight(capsys, deficient):
    """[A]_halves = sum_c o_c L_c R_c^T: the column relations V depend only on the right half.

    (A changed weight of the left half, or of the output, keeps every column relation, so the
    certificate still holds for that changed spec, rightly.)"""
    a = copy.deepcopy(deficient)
    a["spec"]["weights"]["layers"][0][2][0][1] += 1
    _rejected(capsys, a, r"V != A")
    a = copy.deepcopy(deficient)
    a["spec"]["weights"]["output"][0][0] = 1.5  # a float: the spec no longer loads
    _rejected(capsys, a, "spec does not load")


def test_tampered_full_rank_lower_bound(capsys):
    """A full-rank answer (trivial upper bound): a changed prime or minor index breaks it."""
    a = rank_answer(deep(N=4, M=2, widths=(2, 2), seed=9), "odd-even")
    assert a["exact"] and a["certificate"]["upper"]["kind"] == "trivial" and recheck_answer(capsys, a)[0] == 0
    b = copy.deepcopy(a)
    b["certificate"]["lower"]["k"] = 5
    b.update(rank=5, lower=5, exact=False)
    _rejected(capsys, b, "exceeds|expected 5 distinct indices")
    b = copy.deepcopy(a)
    b["certificate"]["upper"]["k"] = 3
    b["upper"], b["exact"] = 3, False
    _rejected(capsys, b, "trivial upper bound k=3 is below|lower bound 4 exceeds upper bound 3")
    b = copy.deepcopy(a)
    b["certificate"]["lower"]["prime"] = 2 * 3 * 5 * 7 + 1 + 2  # 213 = 3 * 71
    _rejected(capsys, b, "is not prime")


# ----------------------------------------------------------------------------- verify answers
def test_recheck_verify_answer(capsys, tmp_path, deficient):
    good = {"kind": "matricization_rank", "source": {"spec": deficient["spec"], "output": 0},
            "rows": deficient["rows"], "certificate": deficient["certificate"]}
    bad = copy.deepcopy(good)
    bad["certificate"]["upper"]["V"][0][0] = str(Fraction(bad["certificate"]["upper"]["V"][0][0]) - 1)
    sb = {"kind": "structural_bound", "formula": "shallow_terms", "Z": 3, "per_term": 1, "bound": 3}
    answer = {"results": [
        {"claim": "depth.convac.generic", "status": "proved", "certificate": good},
        {"claim": "depth.convac.shallow_bound", "status": "proved", "certificate": sb},
        {"claim": "laws", "status": "tested"},
    ]}
    f = write(tmp_path, answer, "verify.json")
    assert main(["recheck", str(f)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("ok      depth.convac.generic") and out[1].startswith("ok      depth.convac.shallow_bound")
    assert out[2].startswith("-       laws: no certificate")
    answer["results"].append({"claim": "tampered", "status": "proved", "certificate": bad})
    f = write(tmp_path, answer, "verify2.json")
    assert main(["recheck", str(f)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 4 and out[3].startswith("FAILED  tampered:")
    # a list of rank answers and a bare certificate are accepted too
    assert recheck([deficient, good]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 2
    assert recheck(np.array([bad], dtype=object).tolist()) == 1
    capsys.readouterr()


# ----------------------------------------------------------------------------- the chunked forward route
@pytest.mark.parametrize("partition, upper_kind", [("odd-even", "trivial"), ("halves", "factorization")])
def test_recheck_in_chunks_with_progress(capsys, monkeypatch, partition, upper_kind):
    """Large specs are rechecked by the forward pass in chunks of grid points, with progress notes."""
    import theorems.cli_rank as cr

    a = rank_answer(deep(N=4, M=3, widths=(3, 2), seed=4), partition)
    assert a["certificate"]["upper"]["kind"] == upper_kind
    monkeypatch.setattr(cr, "CHUNK_POINTS", 20)
    code = recheck(a, notes=cr._Notes(True, "convac recheck"))
    out, err = capsys.readouterr()
    assert code == 0 and out.startswith("ok ")
    assert "forward pass 20/81 grid points" in err and "forward pass 81/81 grid points (100.0%" in err
    a["certificate"]["lower"]["cols"][0] = a["certificate"]["lower"]["cols"][1]
    assert recheck(a, notes=cr._Notes(False)) == 1
    assert "distinct indices" in capsys.readouterr().out
