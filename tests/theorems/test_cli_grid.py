"""Tests of ``convac grid`` and ``convac spec`` (theorems/cli/): text, JSON, engines, stdin, errors.

Exit statuses and stderr are checked in real subprocesses with the installed console
script; the rest runs ``main()`` in-process.
"""

import contextlib
import io
import json
import re
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import pytest

from symbolic.tensor.decompositions import grid_tensor, grid_tensors
from symbolic.tensor.engines import DEFAULT_PRIME
from symbolic.spec.network import deep, dump_spec, load_spec, shallow
from symbolic.tensor.grid import GridTensor
from theorems.cli import main

from tests.test_examples import EXAMPLES
SPEC = {"architecture": "shallow", "N": 3, "M": 2, "activation": "linear", "pooling": "product",
        "weights": {"hidden": [[[0, 1], [-1, 2], ["-3/2", 1]], [[-4, -1], [-2, 2], [2, -2]]],
                    "output": [[3, 2], [1, 0]]}}
ENTRIES_0 = [32, -32, -32, 32, "25/2", -11, -17, 14]  # shallow_convac_N3_M2 (output 0)


def console_script():
    """The installed ``convac`` script beside the running interpreter, else ``python -m theorems.cli``."""
    exe = Path(sys.executable).parent / "convac"
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "theorems.cli"]


def run(*args, stdin=None):
    return subprocess.run(console_script() + list(args), input=stdin, capture_output=True, text=True, timeout=120)


@pytest.fixture
def spec_file(tmp_path):
    f = tmp_path / "net.json"
    f.write_text(json.dumps(SPEC))
    return f


def grid_json(capsys, *args):
    assert main(["grid", *map(str, args), "--json"]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    return json.loads(out)


def fractions(entries):
    return [Fraction(e) for e in entries]


# ----------------------------------------------------------------------------- grid, in process
class TestGrid:
    def test_json(self, capsys, spec_file):
        got = grid_json(capsys, spec_file)
        assert got == {"shape": [2, 2, 2], "entries": ENTRIES_0}

    def test_json_output_1_and_all(self, capsys, spec_file):
        s = load_spec(SPEC)
        assert grid_json(capsys, spec_file, "--output", "1") == grid_tensor(s, 1).to_dict()
        both = grid_json(capsys, spec_file, "--output", "all")
        assert both == {"outputs": [t.to_dict() for t in grid_tensors(s)]}

    def test_text(self, capsys, spec_file):
        assert main(["grid", str(spec_file)]) == 0
        out, err = capsys.readouterr()
        lines = out.splitlines()
        assert lines[0] == "<Spec shallow N=3 M=2 linear/product Z=2, Y=2>, output 0 of 2, engine exact"
        assert lines[1] == "grid tensor, shape (2, 2, 2), 8 entries, common denominator 2"
        assert lines[2].split() == ["index", "(d_0,", "...,", "d_N-1)", "value"]
        rows = [line.rsplit(None, 1) for line in lines[4:]]
        assert [r[1] for r in rows] == [str(e) for e in ENTRIES_0]
        assert rows[4][0].strip() == "(1, 0, 0)"
        assert err == ""

    def test_text_all_outputs(self, capsys, spec_file):
        assert main(["grid", str(spec_file), "--output", "all"]) == 0
        out = capsys.readouterr().out
        assert "output 0 of 2" in out and "output 1 of 2" in out

    def test_text_large_tensor_is_summarised(self, capsys, tmp_path):
        f = tmp_path / "big.json"
        f.write_text(dump_spec(deep(N=8, M=2, seed=0, low=-3, high=3)))
        assert main(["grid", str(f)]) == 0
        out = capsys.readouterr().out
        assert "256 entries" in out and "(use --json for every entry)" in out and "first entries (row-major)" in out

    def test_engine_modular(self, capsys, spec_file):
        got = grid_json(capsys, spec_file, "--engine", "modular")
        expected = GridTensor.from_entries((2, 2, 2), fractions(ENTRIES_0)).reduce_mod(DEFAULT_PRIME)
        assert got == {"shape": [2, 2, 2], "entries": list(expected.entries()), "modulus": DEFAULT_PRIME}
        got7 = grid_json(capsys, spec_file, "--engine", "modular", "--modulus", "7")
        assert got7["modulus"] == 7 and got7["entries"] == [4, 3, 3, 4, 2, 3, 4, 0]
        assert main(["grid", str(spec_file), "--engine", "modular", "--modulus", "7"]) == 0
        assert "residues modulo 7" in capsys.readouterr().out

    def test_engine_symbolic(self, capsys, spec_file):
        got = grid_json(capsys, spec_file, "--engine", "symbolic")
        assert got == {"shape": [2, 2, 2], "entries": ENTRIES_0}

    def test_symbolic_weights_default_to_symbolic_engine(self, capsys, tmp_path):
        f = tmp_path / "sym.json"
        f.write_text(dump_spec(shallow(N=2, M=2, Z=1, weights="symbolic")))
        got = grid_json(capsys, f)
        import sympy

        assert sympy.expand(sympy.sympify(got["entries"][1]) - sympy.sympify("a_0_0_0*a_0_1_1*o_0_0")) == 0
        assert main(["grid", str(f)]) == 0
        assert "engine symbolic" in capsys.readouterr().out

    def test_stdin(self, capsys, monkeypatch):
        monkeypatch.setattr(sys, "stdin", io.StringIO(json.dumps(SPEC)))
        assert main(["grid", "-", "--json"]) == 0
        assert json.loads(capsys.readouterr().out)["entries"] == ENTRIES_0

    def test_example_wrapper_file(self, capsys):
        """An examples/ file ({"spec": ..., "grid_tensor": ...}) is accepted as a spec."""
        path = EXAMPLES / "shallow_convac_N3_M2.json"
        got = grid_json(capsys, path)
        assert fractions(got["entries"]) == fractions(json.loads(path.read_text())["grid_tensor"]["entries"])

    @pytest.mark.parametrize("argv, pattern", [
        (["--output", "5"], r"^convac grid: --output: 5 is out of range; the network has Y=2 outputs \(0\.\.1\)$"),
        (["--output", "-1"], r"^convac grid: --output: -1 is out of range"),
        (["--output", "x"], r"^convac grid: --output: expected an int in 0\.\.1 or 'all', got 'x'$"),
        (["--engine", "modular", "--modulus", "2"], r"^convac grid: the prime 2 divides the denominator of -3/2"),
    ])
    def test_errors_in_process(self, capsys, spec_file, argv, pattern):
        assert main(["grid", str(spec_file), *argv]) == 2
        out, err = capsys.readouterr()
        assert out == "" and err.count("\n") == 1 and re.match(pattern, err.strip())


# ----------------------------------------------------------------------------- spec -> grid round trips
class TestSpecCommand:
    @pytest.mark.parametrize("argv, build", [
        (["shallow", "--N", "3", "--M", "2", "--Z", "3", "--seed", "4", "--activation", "relu", "--pooling", "max",
          "--Y", "2"],
         lambda: shallow(N=3, M=2, Z=3, seed=4, activation="relu", pooling="max", Y=2)),
        (["deep", "--N", "9", "--M", "2", "--window", "3", "--widths", "2,1", "--patch-order", "8,7,6,5,4,3,2,1,0",
          "--activation", "leaky_relu:1/10", "--pooling", "average", "--low", "-5", "--high", "5", "--shared"],
         lambda: deep(N=9, M=2, window=3, widths=(2, 1), patch_order=list(range(8, -1, -1)),
                      activation="leaky_relu:1/10",
                      pooling="average", low=-5, high=5, shared=True)),
    ])
    def test_round_trip_through_grid(self, capsys, tmp_path, argv, build):
        assert main(["spec", *argv]) == 0
        out, err = capsys.readouterr()
        assert err.startswith("# seed")
        s = load_spec(out)
        assert s == build()
        f = tmp_path / "s.json"
        f.write_text(out)
        got = grid_json(capsys, f, "--output", "all" if s.Y > 1 else "0")
        objs = got["outputs"] if s.Y > 1 else [got]
        assert objs == [t.to_dict() for t in grid_tensors(s)]

    def test_symbolic_spec(self, capsys):
        assert main(["spec", "deep", "--N", "4", "--M", "2", "--weights", "symbolic", "--widths", "1,2", "--Y",
                     "2"]) == 0
        out, err = capsys.readouterr()
        assert json.loads(out) == {"architecture": "deep", "N": 4, "M": 2, "activation": "linear", "pooling": "product",
                                   "weights": "symbolic", "widths": [1, 2], "Y": 2}
        assert err == ""

    @pytest.mark.parametrize("argv, pattern", [
        (["deep", "--N", "6", "--M", "2"],
         r"^convac spec: --N: expected a power of the window 2 \(N = 2\^L, L >= 1\), got 6$"),
        (["shallow", "--N", "2", "--M", "2", "--activation", "gelu"],
         r"^convac spec: activation: expected one of .*'gelu'"),
        (["shallow", "--N", "2", "--M", "2", "--Z", "0"], r"^convac spec: --Z: expected an int >= 1, got 0$"),
        (["deep", "--N", "4", "--M", "2", "--widths", "2"],
         r"^convac spec: --widths: expected 2 ints >= 1, one per layer \(L = log_2 4 = 2\), got 2$"),
        (["deep", "--N", "4", "--M", "2", "--widths", "a,b"],
         r"^convac: argument --widths: expected a comma list of ints"),
    ])
    def test_errors(self, capsys, argv, pattern):
        with pytest.raises(SystemExit) if argv[-1] == "a,b" else contextlib.nullcontext():
            assert main(["spec", *argv]) == 2
        out, err = capsys.readouterr()
        assert out == "" and err.count("\n") == 1 and re.match(pattern, err), err


# ----------------------------------------------------------------------------- the real console script
class TestConsoleScript:
    def test_grid_json_and_stdin(self, spec_file):
        r = run("grid", str(spec_file), "--json")
        assert r.returncode == 0 and r.stderr == ""
        assert json.loads(r.stdout) == {"shape": [2, 2, 2], "entries": ENTRIES_0}
        r2 = run("grid", "-", "--json", stdin=json.dumps(SPEC))
        assert r2.returncode == 0 and r2.stdout == r.stdout

    def test_spec_piped_into_grid(self):
        spec = run("spec", "deep", "--N", "4", "--M", "3", "--seed", "2", "--activation", "relu", "--pooling", "max")
        assert spec.returncode == 0 and spec.stderr == "# seed 2\n"
        r = run("grid", "-", "--json", "--engine", "modular", stdin=spec.stdout)
        assert r.returncode == 0, r.stderr
        s = load_spec(spec.stdout)
        assert json.loads(r.stdout) == dict(grid_tensor(s).reduce_mod(DEFAULT_PRIME).to_dict(), modulus=DEFAULT_PRIME)

    @pytest.mark.parametrize("args, stdin, pattern", [
        (("--output", "2"), None, "convac grid: --output: 2 is out of range; the network has Y=2 outputs (0..1)"),
        (("--engine", "float"), None, "convac: argument --engine: invalid choice: 'float'"),
        ((), None, None),  # filled below: missing file
    ])
    def test_exit_status_and_one_line(self, spec_file, tmp_path, args, stdin, pattern):
        if pattern is None:
            argv, pattern = ("grid", str(tmp_path / "missing.json")), "convac grid: file: expected a readable JSON file"
        else:
            argv = ("grid", str(spec_file), *args)
        r = run(*argv, stdin=stdin)
        assert r.returncode == 2
        assert r.stdout == ""
        assert r.stderr.count("\n") == 1 and r.stderr.startswith(pattern), r.stderr
        assert "Traceback" not in r.stderr

    @pytest.mark.parametrize("text, pattern", [
        (json.dumps(dict(SPEC, weights={"hidden": [[[1.5, 0], [0, 1], [1, 1]]], "output": [[1]]})),
         "convac grid: weights.hidden[0][0][0]: expected an exact number (an int or a string 'p/q'); "
         "floats are refused, got 1.5"),
        (json.dumps(dict(SPEC, F=[[1, 0], [0, 0.5]])), "convac grid: F[1][1]: expected an exact number"),
        ('{"architecture": "shallow", "N": 3,', "convac grid: stdin: expected valid JSON"),
        (json.dumps(dict(SPEC, pooling="mean")),
         "convac grid: pooling: expected one of product, max, sum, average, got 'mean'"),
        ("{}", "convac grid: architecture: expected 'shallow' or 'deep', got '<missing>'"),
        ("", "convac grid: stdin: expected a JSON spec on standard input (it was empty)"),
    ])
    def test_bad_specs_on_stdin(self, text, pattern):
        r = run("grid", "-", stdin=text)
        assert r.returncode == 2 and r.stdout == ""
        assert r.stderr.count("\n") == 1 and r.stderr.startswith(pattern), r.stderr
        assert "Traceback" not in r.stderr

    def test_bad_file(self, tmp_path):
        f = tmp_path / "bad.json"
        f.write_text(json.dumps(dict(SPEC, N=4)))
        r = run("grid", str(f))
        assert r.returncode == 2 and "Traceback" not in r.stderr
        assert r.stderr.startswith("convac grid: weights.hidden[0]: expected 4 positions (N), got 3")


def test_blank_stdin_is_not_a_file(capsys, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO("\n"))
    assert main(["grid", "-"]) == 2
    assert "readable JSON file" not in capsys.readouterr().err


def test_composite_modulus_refused():
    from symbolic.errors import DomainError

    with pytest.raises(DomainError, match="prime"):
        grid_tensor(deep(N=4, M=2, seed=0, low=-5, high=5), engine="modular", modulus=91)
