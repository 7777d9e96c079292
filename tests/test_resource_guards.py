"""Resource guards and hostile input (issue 13), through the command line.

Every case of the issue is run as a real process (``theorems.entry.main``), forked from a zygote
that has imported convac once (tests/forkserver.py) and measured alone (``os.wait4``), under an
address-space limit of 3 GB as a safety net. Each must exit with status 2 and exactly one line
on stderr naming the field, without a traceback, within 10 s of CPU time (user + system, from
``wait4``: a loaded machine slows the wall clock, not this) and under 1 GB peak RSS, and must not
have written anything it was refused. No test here asserts wall-clock time (issue 21).
"""

from __future__ import annotations

import json
import os

import pytest

from symbolic.spec.network import deep, dump_spec, shallow

CPU_SECONDS, RSS_MB, AS_LIMIT = 10.0, 1024, 3 << 30


def run_guarded(zygote, args, stdin_path="-", timeout=120.0):
    """``convac ARGS`` as a real process forked from the zygote, under RLIMIT_AS: rc, seconds, the child's
    peak RSS, stdout and stderr."""
    return zygote.run(args, "/dev/null" if stdin_path == "-" else stdin_path, timeout=timeout, limit=AS_LIMIT)


# ----------------------------------------------------------------------------- the inputs
SYMBOLIC = {"architecture": "shallow", "N": 2, "M": 2, "activation": "linear", "pooling": "product",
            "weights": "symbolic"}
NUMERIC = {"architecture": "shallow", "N": 2, "M": 2, "activation": "linear", "pooling": "product",
           "weights": {"hidden": [[[1, 0], [0, 1]]], "output": [[1]]}}


def _with_output(value) -> dict:
    d = json.loads(json.dumps(NUMERIC))
    d["weights"]["output"] = [[value]]
    return d


def _outputs_text(n: int, Z: int = 1) -> str:
    """A shallow N=2, M=2 spec with Z channels and n outputs, as JSON text (no list of n lists built)."""
    head = json.dumps(dict(NUMERIC, weights={"hidden": [[[1, 0], [0, 1]]] * Z})).rstrip("}")
    row = "[" + ",".join(["12345" if Z == 1 else "1"] * Z) + "]"
    return head + ', "output": [' + ",".join([row] * n) + "]}}"


FILES = {
    "shallow_N26": lambda: dump_spec(shallow(N=26, M=2, seed=0)),
    "shallow_N27": lambda: dump_spec(shallow(N=27, M=2, seed=0)),
    "deep_N16_M3": lambda: dump_spec(deep(N=16, M=3, seed=0)),
    "deep_N16_M3_relu": lambda: dump_spec(deep(N=16, M=3, activation="relu", pooling="max", seed=0)),
    "symbolic_Z": lambda: json.dumps(dict(SYMBOLIC, Z=10**9)),
    "symbolic_Y": lambda: json.dumps(dict(SYMBOLIC, Y=10**9)),
    "symbolic_M": lambda: json.dumps(dict(SYMBOLIC, M=65536)),
    "symbolic_widths": lambda: json.dumps(dict(SYMBOLIC, architecture="deep", N=4, widths=[10**8, 1])),
    "numeric_M65536": lambda: json.dumps({"architecture": "shallow", "N": 1, "M": 65536, "activation": "relu",
                                          "pooling": "max", "weights": {"hidden": [[[1] * 65536]], "output": [[1]]}}),
    "outputs_50MB": lambda: _outputs_text(50 * 2**20 // 8),  # 6.5 million outputs
    "outputs_600k": lambda: _outputs_text(600_000, Z=2),  # 3.6 MB, 1.2 million weights
    "nested_lists": lambda: "[" * 100_000 + "]" * 100_000,
    "nested_objects": lambda: '{"a": ' * 100_000 + "1" + "}" * 100_000,
    "megabyte_expression": lambda: json.dumps(dict(NUMERIC, weights={"hidden": [[["a", 0], [0, "b"]]],
                                                                    "output": [["x+" * 500_000 + "x"]]})),
    "power_tower": lambda: json.dumps(dict(NUMERIC, weights={"hidden": [[["a", 0], [0, "b"]]],
                                                             "output": [["x*9**9**9"]]})),
    "digits_5000": lambda: json.dumps(NUMERIC).replace('"output": [[1]]', '"output": [[' + "7" * 5000 + "]]"),
    "digits_5000_string": lambda: json.dumps(_with_output("7" * 5000)),
    "code_in_weight": lambda: json.dumps(_with_output("__import__('os').system('touch {pwned}')")),
    "small": lambda: dump_spec(shallow(N=10, M=2, seed=0)),
}


def _write(tmp_path, name: str) -> str:
    f = tmp_path / f"{name}.json"
    text = FILES[name]()
    f.write_text(text.replace("{pwned}", str(tmp_path / "pwned")))
    return str(f)


SEARCH = ["search", "rank-bound", "--architecture", "shallow", "--activation", "relu", "--pooling", "max",
          "--partition", "odd-even", "--bound", "Z", "--Z", "1"]
LIMIT = "the limit is"

#: (id, argv with {name} for the files above and {tmp} for the test's folder, text the one line must hold)
CASES = [
    # sizes that cannot fit: refused from the estimate, before any work
    ("grid N=26 M=2", ["grid", "{shallow_N26}"], ["N=26, M=2", "67,108,864 entries", LIMIT]),
    # (a ConvAC this size is certified by the structured route, never formed; the dense route is refused)
    ("rank N=26 M=2", ["rank", "{shallow_N26}", "--engine", "exact"],
     ["N=26, M=2", "67,108,864 entries", "8,192 x 8,192 matrix", LIMIT]),
    ("grid N=27 M=2", ["grid", "{shallow_N27}"], ["N=27, M=2", "134,217,728 entries", LIMIT]),
    ("grid deep N=16 M=3", ["grid", "{deep_N16_M3}"], ["N=16, M=3", "43,046,721 entries", LIMIT]),
    ("rank deep N=16 M=3", ["rank", "{deep_N16_M3}", "--engine", "exact"],
     ["N=16, M=3", "6,561 x 6,561 matrix", LIMIT]),
    ("rank deep N=16 M=3 relu/max", ["rank", "{deep_N16_M3_relu}", "--partition", "halves"],
     ["N=16, M=3", "exact engine", LIMIT]),
    ("grid symbolic Z=10^9", ["grid", "{symbolic_Z}"], ["Z=1000000000", "weight symbols", "65,536"]),
    ("grid symbolic Y=10^9", ["grid", "{symbolic_Y}"], ["Y=1000000000", "weight symbols", "65,536"]),
    ("grid symbolic M=65536", ["grid", "{symbolic_M}"], ["M=65536", "weight symbols", "65,536"]),
    ("grid symbolic widths 10^8", ["grid", "{symbolic_widths}"], ["widths 100000000,1", "weight symbols"]),
    ("rank symbolic M=65536", ["rank", "{symbolic_M}"], ["M=65536", "weight symbols"]),
    ("grid numeric M=65536 (F is M x M)", ["grid", "{numeric_M65536}"],
     ["N=1, M=65536", "N x M x M = 4,294,967,296", "(--max-memory)"]),
    ("spec --M 65536", ["spec", "shallow", "--N", "2", "--M", "65536"], ["--M 65536", "weights", LIMIT]),
    ("spec --widths 10^8", ["spec", "deep", "--N", "2", "--M", "2", "--widths", "100000000"],
     ["--widths 100000000", "weights", LIMIT]),
    ("spec --Y 10^9", ["spec", "shallow", "--N", "2", "--M", "2", "--Y", "1000000000"], ["--Y 1000000000", LIMIT]),
    ("spec --Z 10^9", ["spec", "shallow", "--N", "2", "--M", "2", "--Z", "1000000000"], ["--Z 1000000000", LIMIT]),
    ("spec symbolic --M 65536", ["spec", "shallow", "--N", "2", "--M", "65536", "--weights", "symbolic"],
     ["--M 65536", "weight symbols"]),
    ("grid, one output of 6.5 million (50 MB)", ["grid", "{outputs_50MB}", "--output", "0"],
     ["outputs_50MB.json", "bytes; at most 4194304 bytes"]),
    ("grid, one output of 600,000 (1.2 million weights)", ["grid", "{outputs_600k}", "--output", "0"],
     ["weights: the network has 1,200,008 weights", "output 600,000 x 2", "the limit is 1,048,576 weights"]),
    ("plot matricization N=16 M=3", ["plot", "matricization", "{deep_N16_M3}", "-o", "{tmp}/m.png"],
     ["N=16, M=3", "43,046,721", LIMIT]),
    ("plot tensor N=26", ["plot", "tensor", "{shallow_N26}", "-o", "{tmp}/t.png"], ["N=26, M=2", LIMIT]),
    ("plot box --N 64", ["plot", "box", "--N", "64", "-o", "{tmp}/b.png"], ["N=64, M=2", LIMIT]),
    ("plot box --N 16 (the slice)", ["plot", "box", "--N", "16", "-o", "{tmp}/b.png"],
     ["--resolution 25", "625 grid tensors", LIMIT]),
    ("plot circuit of 65,537 edges", ["plot", "circuit", "{numeric_M65536}", "-o", "{tmp}/c.png"],
     ["65,537 weighted edges", "20,000 edges"]),
    ("plot --dpi 100000", ["plot", "rank-growth", "--dpi", "100000", "-o", "{tmp}/r.png"],
     ["--dpi: expected an int in 10..600, got 100000"]),
    ("plot rank-growth --N-max 64", ["plot", "rank-growth", "--N-max", "64", "-o", "{tmp}/r.png"], ["N_max=64"]),
    ("search N=40 M=8", SEARCH + ["--N", "40", "--M", "8"], ["N=40, M=8, Z=1", LIMIT]),
    ("search N=24 M=4", SEARCH + ["--N", "24", "--M", "4"], ["N=24, M=4, Z=1", "281,474,976,710,656", LIMIT]),
    ("check universality N=40 M=8", ["check", "universality", "--activation", "relu", "--pooling", "max",
                                     "--N", "40", "--M", "8"], ["N=40, M=8"]),
    ("grid --max-entries 1000", ["grid", "{small}", "--max-entries", "1000"],
     ["N=10, M=2", "1,024 entries", "the limit is 1,000 entries (--max-entries)"]),
    ("convac --max-memory 1M grid", ["--max-memory", "1M", "grid", "{shallow_N26}", "--max-entries", "2^30"],
     ["N=26, M=2", "the limit is 1 MiB (--max-memory)"]),
    ("grid --max-memory lots", ["grid", "{small}", "--max-memory", "lots"], ["--max-memory: expected a size"]),
    ("grid --max-entries 0", ["grid", "{small}", "--max-entries", "0"], ["--max-entries: expected a positive"]),
    # bounded parsing
    ("grid 100,000 nested lists", ["grid", "{nested_lists}"], ["nested_lists.json: nested deeper than 64 levels"]),
    ("grid 100,000 nested objects", ["grid", "{nested_objects}"], ["nested deeper than 64 levels"]),
    ("grid 100,000 nested lists on stdin", ["grid", "-", "<{nested_lists}"], ["stdin: nested deeper than 64 levels"]),
    ("grid a megabyte expression", ["grid", "{megabyte_expression}"],
     ["weights.output[0][0]", "1000001 characters; at most 20000"]),
    ("grid x*9**9**9", ["grid", "{power_tower}"], ["weights.output[0][0]", "an exponent must be an integer literal"]),
    ("grid a 5000-digit integer", ["grid", "{digits_5000}"], ["an integer literal with 5000 digits; at most 1000"]),
    ("grid a 5000-digit string", ["grid", "{digits_5000_string}"],
     ["weights.output[0][0]: expected an exact number with at most 1000 digits"]),
    ("rank a 5000-digit integer on stdin", ["rank", "-", "<{digits_5000}"], ["stdin: an integer literal with 5000"]),
    # code in a weight: refused by the whitelist parser, never run
    ("grid code in a weight", ["grid", "{code_in_weight}"], ["weights.output[0][0]", "names starting with '__'"]),
    ("rank code in a weight", ["rank", "{code_in_weight}"], ["weights.output[0][0]", "names starting with '__'"]),
    ("plot circuit code in a weight", ["plot", "circuit", "{code_in_weight}", "-o", "{tmp}/c.png"],
     ["weights.output[0][0]", "names starting with '__'"]),
    # outputs checked before work
    ("verify --save DIR", ["verify", "--save", "{tmp}"], ["--save", "is a folder"]),
    ("verify --save /nonexistent/x.json", ["verify", "--save", "/nonexistent/x.json"],
     ["the folder /nonexistent does not exist"]),
    ("verify --journal /nonexistent/j.jsonl", ["verify", "--journal", "/nonexistent/j.jsonl"],
     ["--journal /nonexistent/j.jsonl: the folder /nonexistent does not exist"]),
    ("search --save DIR", SEARCH + ["--N", "4", "--M", "2", "--save", "{tmp}"], ["--save", "is a folder"]),
    ("plot -o /nonexistent/c.png", ["plot", "circuit", "{small}", "-o", "/nonexistent/c.png"],
     ["the folder /nonexistent does not exist"]),
]

if os.geteuid() != 0:  # root may write into a read-only folder
    CASES.append(("plot -o into a read-only folder", ["plot", "circuit", "{small}", "-o", "{tmp}/ro/c.png"],
                  ["not writable"]))


def _argv(template, tmp_path):
    argv, stdin = [], "-"
    for a in template:
        for name in FILES:
            if "{" + name + "}" in a:
                a = a.replace("{" + name + "}", _write(tmp_path, name))
        a = a.replace("{tmp}", str(tmp_path))
        if a.startswith("<"):
            stdin = a[1:]
        else:
            argv.append(a)
    return argv, stdin


@pytest.mark.parametrize("template, needles", [pytest.param(t, n, id=i) for i, t, n in CASES])
def test_hostile_case_is_refused(zygote, tmp_path, template, needles):
    (tmp_path / "ro").mkdir()
    (tmp_path / "ro").chmod(0o555)
    argv, stdin = _argv(template, tmp_path)
    r = run_guarded(zygote, argv, stdin)
    err = r["stderr"]
    assert r["rc"] == 2, (r["rc"], err[-600:], r["stdout"][-300:])
    assert err.count("\n") == 1 and err.endswith("\n"), err[-1500:]
    assert "Traceback" not in err and "Error:" not in err.split(": ", 1)[0], err
    assert err.startswith("convac"), err
    for n in needles:
        assert n in err, (n, err)
    assert r["cpu"] < CPU_SECONDS, (r["cpu"], err)
    assert r["rss_mb"] < RSS_MB, (r["rss_mb"], err)
    assert len(err) < 600, err
    assert not (tmp_path / "pwned").exists()
    assert not any(p.suffix == ".png" for p in tmp_path.rglob("*"))


def test_the_limits_are_passed_down_and_restored(tmp_path):
    """--max-entries reaches the library as an argument (symbolic.limits.set_limits) for one run only: the
    environment is never written, and main() restores the limits in force."""
    from symbolic.limits import limits
    from theorems.cli import main

    f = _write(tmp_path, "small")
    before, lim = dict(os.environ), limits()
    assert main(["grid", f, "--max-entries", "1000"]) == 2
    assert dict(os.environ) == before and limits() == lim
    assert main(["grid", f, "--max-entries", "2^10", "--json"]) == 0


def test_one_output_of_many_is_computed_alone(zygote, tmp_path):
    """Asking one output computes that one only: a spec with 200,000 outputs answers at once."""
    f = tmp_path / "outs.json"
    f.write_text(_outputs_text(200_000).replace("[12345]]}}", "[-7]]}}"))  # the last output differs
    r = run_guarded(zygote, ["grid", str(f), "--output", "199999", "--json"])
    assert r["rc"] == 0, r["stderr"]
    assert json.loads(r["stdout"]) == {"shape": [2, 2], "entries": [0, -7, 0, 0]}  # -7 [d0 = 0] [d1 = 1]
    assert r["cpu"] < CPU_SECONDS and r["rss_mb"] < RSS_MB
