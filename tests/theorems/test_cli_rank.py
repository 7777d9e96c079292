"""Tests of ``convac rank`` (theorems/cli/rank.py) and ``convac recheck`` (theorems/cli/recheck.py).

Ranks are compared with the golden examples (tests/data/examples, computed independently)
and, for held-out specs, with a second route: the circuit's forward pass and sympy's
DomainMatrix.  Every answer must be accepted by the trusted kernel's ``recheck``; tampered
answers must not.  Exit statuses are checked in real subprocesses with the installed console
script too, and every command's ``--json`` answer makes a round trip through ``convac recheck``.
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

from symbolic.tensor.circuit_graph import circuit, forward_tensor
from symbolic.kernel.recheck import check_result, recheck
from symbolic.rank.matricization import matricize
from symbolic.rank.exact import exact_rank
from symbolic.spec.network import deep, dump_spec, load_spec, shallow, spec_to_dict
from tests.test_examples import EXAMPLES, FILES
from theorems.cli import main
from symbolic.rank.pipeline import rank_answer, rank_result
from theorems.claims.verdict import answer

#: ``convac`` as the console script runs it (theorems.entry: recheck loads the kernel only).
ENTRY = [sys.executable, "-c", "import sys; from theorems.entry import main; sys.exit(main())"]


def console_script():
    exe = Path(sys.executable).parent / "convac"
    return [str(exe)] if exe.exists() else ENTRY


def run(*args, stdin=None):
    return subprocess.run(console_script() + [str(a) for a in args], input=stdin, capture_output=True, text=True,
                          timeout=120)


def rank_json(capsys, *args):
    """``convac rank ... --json``: the answer envelope's one result."""
    assert main(["rank", *map(str, args), "--json"]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    env = json.loads(out)
    assert set(env) == {"convac", "command", "results", "versions"} and (env["convac"], env["command"]) == (1, "rank")
    assert {"convac", "python-flint", "sympy", "hypothesis"} <= set(env["versions"])  # what produced the answer
    assert len(env["results"]) == 1
    res = env["results"][0]
    assert set(res) == {"statement", "status", "lower", "upper", "bounds", "certificate", "seconds", "seed"}
    assert res["status"] == "proved" and res["statement"]["type"] == "rank"
    return res


def same_result(res, a, seed=0):
    """The command line's result is the internal answer's, converted (up to the seconds)."""
    want = rank_result(a, seed=seed)
    return {**res, "seconds": 0} == {**want, "seconds": 0}


def independent_rank(spec, rows, output=0):
    """Forward pass (not the decompositions) + sympy DomainMatrix (not python-flint)."""
    A = forward_tensor(circuit(spec), output)
    return exact_rank(matricize(A, rows), method="sympy").rank


def recheck_answer(capsys, a):
    """(exit code, rendered report) of the kernel's recheck of a rank answer (internal dict or result)."""
    res = a if isinstance(a.get("statement"), dict) else rank_result(a)
    report = recheck(answer("rank", [res]))
    return report.exit_code, report.render()


def write(tmp_path, obj, name="answer.json"):
    f = tmp_path / name
    f.write_text(json.dumps(obj))
    return f


# ----------------------------------------------------------------------------- golden examples
def test_examples_are_there():
    assert len(FILES) == 9, EXAMPLES


@pytest.mark.parametrize("path", FILES, ids=[f.stem for f in FILES])
@pytest.mark.parametrize("partition", ["odd-even", "halves"])
def test_examples(capsys, path, partition):
    expected = json.loads(path.read_text())["ranks"][partition]
    res = rank_json(capsys, path, "--partition", partition)
    assert (res["lower"], res["upper"]) == (expected, expected) and res["statement"]["partition"] == partition
    assert all(expected <= b for b in res["bounds"].values())
    a = rank_answer(load_spec(path.read_text()), partition)
    assert (a["rank"], a["exact"], a["certificate_verified"], a["kernel_verified"]) == (expected, True, True, True)
    assert same_result(res, a)
    code, out = recheck_answer(capsys, res)
    assert code == 0 and out.startswith("ok ")


def test_console_script_and_recheck_from_file_and_stdin(tmp_path):
    path = EXAMPLES / "deep_relu_sum_N8_M2.json"
    p = run("rank", path, "--partition", "halves", "--json")
    assert p.returncode == 0 and p.stderr == ""
    a = json.loads(p.stdout)
    res = a["results"][0]
    assert res["lower"] == res["upper"] == 2 and res["bounds"]["widths"] == 2
    f = write(tmp_path, a)
    q = run("recheck", f)
    assert q.returncode == 0 and q.stdout.startswith("ok ") and q.stdout.count("\n") == 2
    assert q.stdout.splitlines()[-1] == "1 of 1 statements verified"
    from tests.forkserver import completed

    q = completed(ZYGOTE.run(["recheck", "-"], stdin_text=p.stdout))  # the same entry point, forked (fast)
    assert q.returncode == 0 and "ok " in q.stdout
    bad = copy.deepcopy(a)
    W = bad["results"][0]["certificate"]["upper"]["W"]
    W[0][0] += 1
    q = convac("recheck", write(tmp_path, bad, "bad.json"))
    assert q.returncode == 1 and q.stdout.startswith("FAILED ") and "A[:, cols] W differs from A[:, D] e" in q.stdout
    assert q.stdout.splitlines()[-1] == "0 of 1 statements verified, 1 failed"


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
        res = rank_json(capsys, f, "--partition", P)
        a = rank_answer(spec, P)
        assert same_result(res, a)
        rows = [int(x) for x in P.split(",")] if P[0].isdigit() else a["rows"]
        assert a["rows"] == res["statement"]["rows"] == sorted(rows) and res["statement"]["partition"] == P
        assert a["rank"] == res["lower"] == res["upper"] == independent_rank(spec, rows) and a["exact"]
        assert a["cols"] == [i for i in range(spec.N) if i not in rows]
        assert a["shape"] == [spec.M ** len(rows), spec.M ** (spec.N - len(rows))]
        assert recheck_answer(capsys, res)[0] == 0


def test_engines_agree_and_second_output(capsys, tmp_path):
    s = deep(N=4, M=3, widths=(2, 2), seed=3, Y=2)
    f = write(tmp_path, spec_to_dict(s), "spec.json")
    for y in ("0", "1"):
        engines = ([], ["--engine", "exact"], ["--engine", "modular"])
        results = [rank_json(capsys, f, "-p", "0,3", "--output", y, *e) for e in engines]
        answers = [rank_answer(s, "0,3", output=int(y), engine=e[1] if e else None) for e in engines]
        assert all(same_result(r, a) for r, a in zip(results, answers))
        assert all(r["statement"]["output"] == int(y) for r in results)
        k = independent_rank(s, [0, 3], int(y))
        assert [a["lower"] for a in answers] == [k, k, k]
        assert answers[0]["exact"] and answers[1]["exact"] and answers[1]["engine"] == "exact"
        assert answers[2]["engine"] == "modular" and answers[2]["upper"] == (9 if k < 9 else k)
        assert all(recheck_answer(capsys, r)[0] == 0 for r in results)


def test_lower_bound_only(capsys, tmp_path):
    s = deep(N=4, M=3, widths=(3, 2), seed=1)  # halves has rank 2 < 9
    f = write(tmp_path, spec_to_dict(s), "spec.json")
    r = rank_json(capsys, f, "-p", "halves", "--lower-bound-only")
    assert (r["lower"], r["upper"], r["certificate"]["upper"]["kind"]) == (2, 9, "trivial")
    a = rank_answer(s, "halves", lower_bound_only=True)
    assert same_result(r, a) and (a["exact"], a["engine"]) == (False, "modular")
    assert recheck_answer(capsys, r)[0] == 0
    r = rank_json(capsys, f, "-p", "halves")
    assert (r["lower"], r["upper"], r["certificate"]["upper"]["kind"]) == (2, 2, "factors")  # U V off the HT
    assert rank_answer(s, "halves")["exact"] is True
    capsys.readouterr()


def test_seed_changes_the_prime(capsys, tmp_path):
    f = write(tmp_path, spec_to_dict(deep(N=4, M=2, seed=2)), "spec.json")
    r0 = rank_json(capsys, f, "--seed", "0")
    r1 = rank_json(capsys, f, "--seed", "1")
    p0, p1 = r0["certificate"]["lower"]["prime"], r1["certificate"]["lower"]["prime"]
    assert p0 != p1 and sympy.isprime(p0) and sympy.isprime(p1) and (r0["seed"], r1["seed"]) == (0, 1)


# ----------------------------------------------------------------------------- symbolic weights
def test_symbolic_generic_rank(capsys, tmp_path):
    s = deep(N=4, M=2, widths=(2, 2), weights="symbolic")
    f = write(tmp_path, spec_to_dict(s), "sym.json")
    r = rank_json(capsys, f, "-p", "odd-even")
    a = rank_answer(s, "odd-even")
    assert same_result(r, a) and r["lower"] == r["upper"] == 4
    assert a["engine"] == "symbolic" and a["rank"] == 4 and a["exact"] and a["generic"]["exact"]
    assert "Schwartz-Zippel" in a["statement"] and r["certificate"]["lower"]["point"]
    point = r["certificate"]["lower"]["point"]
    # a wide-range point
    assert len(point) == 4 * 2 * 2 + 2 * 2 * 2 + 2 and max(abs(Fraction(v)) for v in point.values()) > 1000
    hr = rank_json(capsys, f, "-p", "halves")
    h = rank_answer(s, "halves")
    assert same_result(hr, h) and (hr["lower"], hr["upper"]) == (2, 4)
    assert (h["rank"], h["upper"], h["exact"]) == (2, 4, False)
    assert h["generic"] == {**h["generic"], "lower": 2, "upper": 2, "exact": True}
    assert "generic rank is exactly 2" in h["generic"]["statement"]
    for res in (r, hr):
        code, out = recheck_answer(capsys, res)
        assert code == 0 and "almost all weights: rank" in out
    bad = copy.deepcopy(r)
    del bad["certificate"]["lower"]["point"]  # symbolic weights: the minor must be evaluated at a point
    code, out = recheck_answer(capsys, bad)
    assert code == 1 and "needs a point" in out
    assert main(["rank", str(f), "-p", "halves"]) == 0
    out = capsys.readouterr().out
    assert "generic rank    2 (exact: meets the structural bound)" in out and "Schwartz-Zippel" in out


def test_symbolic_fraction_field_rank_is_compared(capsys, tmp_path):
    """Square activations after mixing make the structural bound loose: both routes are reported."""
    s = deep(N=4, M=2, widths=(1, 1), activation="square", pooling="product", weights="symbolic")
    a = rank_answer(s, "odd-even")
    g = a["generic"]
    assert g["lower"] == 1 < g["upper"] and g["fraction_field_rank"] == 1 and not g["exact"]
    assert recheck_answer(capsys, a)[0] == 0
    capsys.readouterr()


# ----------------------------------------------------------------------------- errors
SPEC = {"architecture": "shallow", "N": 3, "M": 2, "activation": "linear", "pooling": "product",
        "weights": {"hidden": [[[0, 1], [-1, 2], ["-3/2", 1]], [[-4, -1], [-2, 2], [2, -2]]],
                    "output": [[3, 2], [1, 0]]}}


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
    p = convac("rank", f, "--partition", "0,9")
    assert p.returncode == 2 and p.stdout == "" and p.stderr.count("\n") == 1 and "mode 9 is out of range" in p.stderr
    p = convac("rank", tmp_path / "missing.json")
    assert p.returncode == 2 and p.stderr.count("\n") == 1
    p = convac("recheck", write(tmp_path, {"hello": 1}, "none.json"))
    assert p.returncode == 2 and p.stderr.count("\n") == 1 and "a --json answer of convac" in p.stderr


@pytest.mark.parametrize("content, pattern", [
    ("", r"empty"),
    ("{not json", r"not JSON \(line 1 column 2"),
    ("[1, 2]", r"a --json answer of convac"),
    ("{}", r"a --json answer of convac"),
    ('{"convac": 1, "command": "rank", "results": []}', r"results: expected a nonempty list"),
    ('{"convac": 1, "command": "prove everything", "results": [{}]}', r"command=prove everything: expected one of"),
    ("[" * 100_000 + "]" * 100_000, r"nested deeper than"),
])
def test_recheck_bad_input(capsys, tmp_path, content, pattern):
    f = tmp_path / "x.json"
    f.write_text(content)
    assert main(["recheck", str(f)]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1 and re.search(pattern, err) and err.startswith("convac recheck: ")
    assert main(["recheck", str(tmp_path / "missing.json")]) == 2
    assert "cannot be read" in capsys.readouterr().err


# ----------------------------------------------------------------------------- tampering
@pytest.fixture(scope="module")
def deficient():
    """A rank-deficient answer (column-span upper bound, the exact engine): deep ConvAC, halves rank 2 of 9 x 9."""
    return rank_answer(deep(N=4, M=3, widths=(3, 2), seed=7), "halves", engine="exact")


def tampered(a, change):
    """A copy of the answer file's result of ``a``, changed by ``change(result)``."""
    res = copy.deepcopy(rank_result(a))
    change(res)
    return res


def _rejected(capsys, res, reason):
    code, out = recheck_answer(capsys, res)  # 1: the certificate fails; 2: the statement or result is malformed
    assert (code, out.split()[0]) in ((1, "FAILED"), (2, "MALFORMED")) and re.search(reason, out), out
    assert check_result(res).ok is False


def test_untampered_is_accepted(capsys, deficient):
    assert deficient["certificate"]["upper"]["kind"] == "column_span" and deficient["rank"] == 2
    assert deficient["kernel_verified"] is True
    assert recheck_answer(capsys, deficient)[0] == 0


def test_tampered_index(capsys, deficient):
    low = deficient["certificate"]["lower"]

    def repeated_row(r):
        r["certificate"]["lower"]["rows"][0] = low["rows"][1]

    _rejected(capsys, tampered(deficient, repeated_row), "repeated index")

    def out_of_range(r):
        r["certificate"]["lower"]["cols"][0] = 81

    _rejected(capsys, tampered(deficient, out_of_range), r"expected a list of indices in 0\.\.8")

    def other_column(r):  # another column: A[:, C'] W != A[:, D'] e
        cols = r["certificate"]["upper"]["cols"]
        cols[0] = next(c for c in range(9) if c not in cols)

    _rejected(capsys, tampered(deficient, other_column), r"A\[:, cols\] W differs from A\[:, D\] e")


def test_tampered_index_singular_minor(capsys):
    """A(d0, d1, d2) = a0[d0] a1[d1] a2[d2] with a0 = (1, 0): row 1 of [A]_{0} is zero."""
    s = shallow(N=3, M=2, Z=1, weights={"hidden": [[[1, 0], [2, 3], [4, 5]]], "output": [[1]]})
    a = rank_answer(s, "0")
    assert a["rank"] == 1 and a["certificate"]["lower"]["rows"] == [0] and recheck_answer(capsys, a)[0] == 0
    _rejected(capsys, tampered(a, lambda r: r["certificate"]["lower"].update(rows=[1])), "minor is zero modulo")


def test_tampered_prime(capsys, deficient):
    p = deficient["certificate"]["lower"]["prime"]
    for q in (p + 1, 1):  # even: not a prime; 1
        _rejected(capsys, tampered(deficient, lambda r: r["certificate"]["lower"].update(prime=q)), "is not a prime")


def test_tampered_W_entry(capsys, deficient):
    def change(r):
        r["certificate"]["upper"]["W"][1][4] += 1

    _rejected(capsys, tampered(deficient, change), r"A\[:, cols\] W differs from A\[:, D\] e")

    def fraction(r):
        W = r["certificate"]["upper"]["W"]
        W[1][4] = str(Fraction(W[1][4]) + Fraction(1, 3))

    _rejected(capsys, tampered(deficient, fraction), r"W must hold integers")


def test_tampered_k(capsys, deficient):
    for part, k, reason in (("lower", 3, "a 3 x 3 minor needs 3 rows and 3 columns"),
                            ("upper", 1, "k=1 but 2 columns are given")):
        res = tampered(deficient, lambda r: r["certificate"][part].update(k=k))
        _rejected(capsys, res, reason)
        res[part] = k  # and with the answer changed to match, the kernel refuses it all the same
        _rejected(capsys, res, reason)

    def one_column(r):  # a consistent, smaller column span: one column cannot span A (rank 2)
        u = r["certificate"]["upper"]
        u.update(k=1, cols=u["cols"][:1], W=[[0] * 8])
        r["upper"] = 1

    _rejected(capsys, tampered(deficient, one_column), r"A\[:, cols\] W differs from A\[:, D\] e")
    # the answer's numbers must be the certificate's
    for key, value in (("upper", 3), ("lower", 1)):
        _rejected(capsys, tampered(deficient, lambda r: r.update({key: value})),
                  r"the answer says lower=\d+, upper=\d+; the certificate proves 2, 2")
    # a file can assert nothing the kernel did not check: derived fields are refused
    for key, value in (("rank", 3), ("exact", False), ("certificate_verified", True)):
        _rejected(capsys, tampered(deficient, lambda r: r.update({key: value})), f"unexpected fields \\['{key}'\\]")
    _rejected(capsys, tampered(deficient, lambda r: r["bounds"].update(min_cut=1)), "differ from the re-derived")
    _rejected(capsys, tampered(deficient, lambda r: r["statement"].update(rows=[0, 2])),
              r"partition='halves' does not give rows \[0, 2\]")
    _rejected(capsys, tampered(deficient, lambda r: r.update(status="refuted")), "status is proved")


def test_tampered_spec_weight(capsys, deficient):
    """[A]_halves = sum_c o_c L_c R_c^T: the column relations W depend only on the right half.

    (A changed weight of the left half, or of the output, keeps every column relation, so the
    certificate still holds for that changed spec, rightly.)"""
    def right_half(r):
        r["statement"]["spec"]["weights"]["layers"][0][2][0][1] += 1

    _rejected(capsys, tampered(deficient, right_half), r"W differs from A")

    def float_weight(r):  # a float: the spec no longer loads
        r["statement"]["spec"]["weights"]["output"][0][0] = 1.5

    _rejected(capsys, tampered(deficient, float_weight), r"output\[0\]\[0\]=1\.5: expected an exact number")


def test_tampered_full_rank_lower_bound(capsys):
    """A full-rank answer (trivial upper bound): a changed k, prime or minor index breaks it."""
    a = rank_answer(deep(N=4, M=2, widths=(2, 2), seed=9), "odd-even")
    assert a["exact"] and a["certificate"]["upper"]["kind"] == "trivial" and recheck_answer(capsys, a)[0] == 0

    def lower5(r):
        r["certificate"]["lower"]["k"] = 5
        r["lower"] = 5

    _rejected(capsys, tampered(a, lower5), r"k=5: expected an int in 0\.\.4")

    def upper3(r):
        r["certificate"]["upper"]["k"] = 3
        r["upper"] = 3

    _rejected(capsys, tampered(a, upper3), "trivial upper bound k=3, but min\\(rows, cols\\) = 4")
    _rejected(capsys, tampered(a, lambda r: r["certificate"]["lower"].update(prime=2 * 3 * 5 * 7 + 1 + 2)),
              "is not a prime")  # 213 = 3 * 71


# ----------------------------------------------------------------------------- verify answers
def test_recheck_verify_answer(capsys, tmp_path, deficient):
    from theorems.claims.catalog import get_claim

    good = get_claim("depth.convac.generic").check(N=4, M=3, seed=0).result()
    sb = get_claim("depth.convac.shallow_bound").check(N=2, M=2, Z=2, seed=0).result()
    tested = {"statement": {"type": "claim", "claim": "laws", "instance": {}}, "status": "tested", "certificate": None}
    results = [good, sb, tested, rank_result(deficient)]
    f = write(tmp_path, answer("verify", results, summary=True), "verify.json")
    assert main(["recheck", str(f)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("ok      proved       depth.convac.generic")
    assert out[1].startswith("ok      proved       depth.convac.shallow_bound")
    assert out[2].startswith("ok      proved       rank [A^0]_[0, 1] = 2 (deep linear/product net")
    assert out[3].startswith("not verified") and out[4].startswith("  tested       laws ")  # listed apart
    assert out[5] == "3 of 3 statements verified; 1 listed, not verified (tested or inconclusive)"
    bad = copy.deepcopy(good)  # the witness's minor changed: a repeated row
    bad["certificate"]["certificate"]["rows"][0] = bad["certificate"]["certificate"]["rows"][1]
    bad["statement"]["instance"] = {"N": 4, "M": 3}  # (another statement than ``good``'s)
    f = write(tmp_path, answer("verify", results + [bad], summary=True), "verify2.json")
    assert main(["recheck", str(f)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert (len(out) == 7 and out[3].startswith("FAILED  proved       depth.convac.generic")
            and "repeated index" in out[3])
    assert out[6] == "3 of 4 statements verified, 1 failed; 1 listed, not verified (tested or inconclusive)"
    # the same statement twice, a wrong summary, a tested result with a certificate: all refused
    # (a repeated statement and an unproved result with a certificate are malformed input: exit 2)
    for res, summ, reason, code in ((results + [good], True, "the same statement appears twice", 2),
                                    (results, {"proved": 4, "total": 4}, "differs from the results", 1),
                                    ([dict(tested, certificate=good["certificate"])], False, "may assert nothing", 2)):
        ans = answer("verify", res, summary=summ is True)
        if isinstance(summ, dict):
            ans["summary"] = summ
        report = recheck(ans)
        assert report.exit_code == code and any(reason in x.reason for x in report.lines), report.render()
    # bare certificates and lists of results are not answers: malformed (exit 2)
    for obj in ([rank_result(deficient)], deficient["certificate"], rank_result(deficient)):
        assert main(["recheck", str(write(tmp_path, obj, "bare.json"))]) == 2
        assert "a --json answer of convac" in capsys.readouterr().err
    assert recheck(answer("verify", np.array([bad], dtype=object).tolist())).exit_code == 1


# ----------------------------------------------------------------------------- the modular route of large specs
@pytest.mark.parametrize("partition, engine, upper_kind, modular", [("odd-even", None, "trivial", True),
                                                                     ("halves", "exact", "column_span", False)])
def test_recheck_large_specs_modulo_the_certificates_prime(capsys, monkeypatch, partition, engine, upper_kind, modular):
    """Above rank.SMALL grid points a full-rank ConvAC answer (trivial upper bound) is rechecked
    on the kernel's forward pass modulo the certificate's prime; a column span needs the exact tensor."""
    import symbolic.kernel.rank as st

    a = rank_answer(deep(N=4, M=3, widths=(3, 2), seed=4), partition, engine=engine)
    assert a["certificate"]["upper"]["kind"] == upper_kind
    seen = []
    real_grid = st.grid

    def spy(net, modulus=None):
        seen.append(modulus)
        return real_grid(net, modulus=modulus)

    monkeypatch.setattr(st, "SMALL", 20)
    monkeypatch.setattr(st, "grid", spy)
    code, out = recheck_answer(capsys, a)
    assert code == 0 and out.startswith("ok ")
    assert seen == [a["certificate"]["lower"]["prime"] if modular else None]
    res = tampered(a, lambda r: r["certificate"]["lower"]["cols"].__setitem__(0, r["certificate"]["lower"]["cols"][1]))
    assert recheck_answer(capsys, res)[0] == 1 and "repeated index" in recheck_answer(capsys, res)[1]


# ----------------------------------------------------------------------------- every command, through recheck
ZYGOTE = None


@pytest.fixture(autouse=True)
def _zygote(zygote):
    global ZYGOTE
    ZYGOTE = zygote


def convac(*args):
    """The console entry point (theorems.entry) as a real process, forked from the session's zygote."""
    from tests.forkserver import completed

    return completed(ZYGOTE.run(args, timeout=600))


def _flip(ans):
    bad = copy.deepcopy(ans)
    r = bad["results"][0]
    r["status"] = {"proved": "refuted", "refuted": "proved"}[r["status"]]
    return bad


@pytest.fixture(scope="module")
def spec_file(tmp_path_factory):
    f = tmp_path_factory.mktemp("spec") / "net.json"
    f.write_text(dump_spec(deep(N=4, M=2, activation="relu", pooling="max", seed=1)))
    return f


ROUND_TRIPS = {
    "rank": ["rank", "SPEC", "--json"],
    "check laws": ["check", "laws", "--activation", "relu", "--pooling", "average", "--json"],
    "check universality": ["check", "universality", "--activation", "relu", "--pooling", "average",
                           "--architecture", "deep", "--N", "4", "--M", "2", "--json"],
    "search": ["search", "rank-bound", "--architecture", "shallow", "--activation", "relu", "--pooling", "max",
               "--N", "4", "--M", "2", "--Z", "1", "--partition", "odd-even", "--bound", "Z", "--examples", "100",
               "--json"],
    "verify": ["verify", "--only", "laws", "sharing", "--json"],
    "verify --variants": ["verify", "--variants", "--save", "FILE"],
}


@pytest.mark.parametrize("command", list(ROUND_TRIPS))
def test_every_command_round_trips_through_recheck(tmp_path, spec_file, command):
    f = tmp_path / "answer.json"
    argv = [str(spec_file) if x == "SPEC" else str(f) if x == "FILE" else x for x in ROUND_TRIPS[command]]
    p = convac(*argv)
    assert p.returncode == 0, p.stderr
    if "FILE" not in ROUND_TRIPS[command]:
        f.write_text(p.stdout)
    ans = json.loads(f.read_text())
    assert ans["convac"] == 1 and ans["command"] == command
    n = len(ans["results"])
    assert n >= 1 and all(r["status"] in ("proved", "refuted") for r in ans["results"])
    q = convac("recheck", f)
    assert q.returncode == 0 and q.stderr == "", q.stdout + q.stderr
    lines = q.stdout.splitlines()
    assert len(lines) == n + 1 and all(x.startswith("ok      ") for x in lines[:-1])
    assert [x.split()[1] for x in lines[:-1]] == [r["status"] for r in ans["results"]]
    assert lines[-1] == f"{n} of {n} statements verified"
    bad = tmp_path / "tampered.json"
    bad.write_text(json.dumps(_flip(ans)))
    q = convac("recheck", bad)
    assert q.returncode == 1 and q.stderr == ""
    assert q.stdout.splitlines()[0].startswith("FAILED  ") and "failed" in q.stdout.splitlines()[-1]


@pytest.mark.parametrize("content", ["{not json", "{}", "[" * 100_000 + "]" * 100_000],
                         ids=["not-json", "empty-object", "deep-list"])
def test_recheck_malformed_exits_2_with_one_line(tmp_path, content):
    f = tmp_path / "bad.json"
    f.write_text(content)
    for argv, stdin in (((f,), None), (("-",), content)):
        from tests.forkserver import completed

        p = completed(ZYGOTE.run(["recheck", *map(str, argv)], stdin_text=stdin, timeout=120))
        assert p.returncode == 2 and p.stdout == "", p.stdout
        assert p.stderr.count("\n") == 1 and p.stderr.startswith("convac recheck: ") and "Traceback" not in p.stderr


def test_each_upper_bound_kind_has_its_own_words():
    """The table line of the upper bound names the argument of its kind (a multimodular bound is no factorization)."""
    from symbolic.rank.certificates import RankCertificate, RankLowerBound, RankUpperBound
    from theorems.cli.rank import _upper_words

    low = RankLowerBound(1, (0,), (0,), 101)
    uppers = [RankUpperBound(2, "trivial"), RankUpperBound(1, "factorization", (0,), ((1, 2),)),
              RankUpperBound(1, "factors", primes=(101,)), RankUpperBound(1, "column_span", (0,), ((2,),), e=1),
              RankUpperBound(1, "multimodular", primes=(101, 103))]
    words = [_upper_words(RankCertificate(low, u)) for u in uppers]
    assert len(set(words)) == len(words)
    assert "Hadamard" in words[-1] and "combination" in words[-2] and "U V" in words[2]
