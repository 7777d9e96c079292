"""Hostile network specs: code in weights, power towers, huge integers, deep nesting, huge files.

Every one must be refused with exit status 2 and exactly one line on stderr naming the field,
no traceback, quickly, and nothing in it may run (the weight strings go through the whitelist
parser symbolic.kernel.parse, never through sympy.sympify / eval).
"""

import importlib.util
import json
import time
from types import SimpleNamespace

import pytest
import sympy

from symbolic.errors import SpecError
from symbolic.kernel.parse import ParseError
from symbolic.spec.network import load_spec

NUMERIC = {"architecture": "shallow", "N": 2, "M": 2, "activation": "linear", "pooling": "product",
           "weights": {"hidden": [[[1, 0], [0, 1]]], "output": [[1]]}}
SYMBOLIC = {"architecture": "shallow", "N": 2, "M": 2, "activation": "relu", "pooling": "max",
            "weights": {"hidden": [[["a", 0], [0, "b"]]], "output": [["c"]]}}
HAS_MPL = importlib.util.find_spec("matplotlib") is not None


def with_weight(base, value, where=("output", 0, 0)):
    d = json.loads(json.dumps(base))
    leaf = d["weights"]
    for k in where[:-1]:
        leaf = leaf[k]
    leaf[where[-1]] = value
    return d


ZYGOTE = None


@pytest.fixture(autouse=True)
def _zygote(zygote):
    global ZYGOTE
    ZYGOTE = zygote


def run_cli(args, stdin=None, timeout=60):
    """``convac ARGS`` as a real process (forked from the session's zygote, tests/forkserver.py); the child's
    CPU seconds (from wait4), never wall-clock: the machine is shared."""
    r = ZYGOTE.run(args, stdin_text=stdin, timeout=timeout)
    return SimpleNamespace(returncode=r["rc"], stdout=r["stdout"], stderr=r["stderr"]), r["cpu"]


def assert_refused(r, cpu_seconds, *needles, limit=10.0):
    assert r.returncode == 2, (r.returncode, r.stdout[-300:], r.stderr[-300:])
    assert r.stderr.count("\n") == 1 and r.stderr.endswith("\n"), r.stderr[-500:]
    assert "Traceback" not in r.stderr and r.stdout == ""
    for n in needles:
        assert n in r.stderr, r.stderr
    assert cpu_seconds < limit, cpu_seconds
    assert len(r.stderr) < 600, r.stderr


def _plot_args(f, tmp_path):
    return ["plot", "circuit", f, "--out", tmp_path / "c.png"]


# ----------------------------------------------------------------------------- code in a weight, on the command line
COMMANDS = [
    pytest.param(lambda f, tmp: ["grid", f], id="grid"),
    pytest.param(lambda f, tmp: ["rank", f], id="rank"),
    pytest.param(_plot_args, id="plot-circuit",
                 marks=pytest.mark.skipif(not HAS_MPL, reason="matplotlib not installed")),
]


@pytest.mark.parametrize("command", COMMANDS)
def test_code_in_a_weight_is_not_run(tmp_path, command):
    target = tmp_path / "pwned"
    spec = with_weight(NUMERIC, f"__import__('os').system('touch {target}')")
    f = tmp_path / "net.json"
    f.write_text(json.dumps(spec))
    r, cpu_seconds = run_cli(command(f, tmp_path))
    assert_refused(r, cpu_seconds, "weights.output[0][0]", "names starting with '__' are refused")
    assert not target.exists()


@pytest.mark.parametrize("command", COMMANDS)
def test_code_in_a_weight_on_stdin_is_not_run(tmp_path, command):
    target = tmp_path / "pwned"
    spec = with_weight(SYMBOLIC, f"exec(\"open('{target}', 'w')\")", where=("hidden", 0, 1, 1))
    r, cpu_seconds = run_cli(command("-", tmp_path), stdin=json.dumps(spec))
    assert_refused(r, cpu_seconds, "weights.hidden[0][1][1]", "strings (quotes)")
    assert not target.exists()


# ----------------------------------------------------------------------------- resource exhaustion, on the command line
@pytest.mark.parametrize("weight, needles", [
    ("x*9**9**9", ("weights.output[0][0]", "an exponent must be an integer literal")),
    ("((((2^64)^64)^64)^64)^64", ("weights.output[0][0]", "powers of numbers too large")),
    ("x+" * 500_000 + "x", ("weights.output[0][0]", "1000001 characters; at most 20000")),
    ("1" * 5000, ("weights.output[0][0]", "an integer literal with 5000 digits; at most 1000")),
    ("(" * 100 + "a" + ")" * 100, ("weights.output[0][0]", "nesting deeper than 50")),
    ("a.__class__", ("weights.output[0][0]", "attribute access")),
    ("1.5*a", ("weights.output[0][0]", "decimal (float) literals are refused")),
])
def test_symbolic_spec_weights(tmp_path, weight, needles):
    f = tmp_path / "net.json"
    f.write_text(json.dumps(with_weight(SYMBOLIC, weight)))
    r, cpu_seconds = run_cli(["grid", f])
    assert_refused(r, cpu_seconds, *needles)


def test_huge_integer_weight_in_a_file(tmp_path):
    f = tmp_path / "net.json"
    f.write_text(json.dumps(NUMERIC).replace('"output": [[1]]', '"output": [[' + "7" * 5000 + "]]"))
    r, cpu_seconds = run_cli(["grid", f])
    assert_refused(r, cpu_seconds, f"{f}: an integer literal with 5000 digits; at most 1000")
    assert "4300" not in r.stderr and "sys.set_int_max_str_digits" not in r.stderr


def test_huge_integer_weight_on_stdin():
    text = json.dumps(NUMERIC).replace('"output": [[1]]', '"output": [[-' + "7" * 5000 + "]]")
    r, cpu_seconds = run_cli(["rank", "-"], stdin=text)
    assert_refused(r, cpu_seconds, "stdin: an integer literal with 5000 digits; at most 1000")


def test_huge_integer_string_weight_names_the_field(tmp_path):
    f = tmp_path / "net.json"
    f.write_text(json.dumps(with_weight(NUMERIC, "7" * 5000)))
    r, cpu_seconds = run_cli(["grid", f])
    assert_refused(r, cpu_seconds, "weights.output[0][0]: expected an exact number with at most 1000 digits")


@pytest.mark.parametrize("via", ["file", "stdin"])
def test_deeply_nested_lists(tmp_path, via):
    text = "[" * 100_000 + "]" * 100_000
    if via == "file":
        f = tmp_path / "net.json"
        f.write_text(text)
        r, cpu_seconds = run_cli(["grid", f])
        assert_refused(r, cpu_seconds, f"{f}: nested deeper than 64 levels")
    else:
        r, cpu_seconds = run_cli(["grid", "-"], stdin=text)
        assert_refused(r, cpu_seconds, "stdin: nested deeper than 64 levels")


def test_deeply_nested_weights(tmp_path):
    f = tmp_path / "net.json"
    f.write_text(json.dumps(NUMERIC).replace('"output": [[1]]', '"output": ' + "[" * 1000 + "1" + "]" * 1000))
    r, cpu_seconds = run_cli(["grid", f])
    assert_refused(r, cpu_seconds, "nested deeper than 64 levels")


def test_nan_weight(tmp_path):
    f = tmp_path / "net.json"
    f.write_text(json.dumps(NUMERIC).replace('"output": [[1]]', '"output": [[NaN]]'))
    r, cpu_seconds = run_cli(["grid", f])
    assert_refused(r, cpu_seconds, "NaN is not an exact number")


def test_hostile_leaky_relu_slope(tmp_path):
    f = tmp_path / "net.json"
    # Fraction() would compute 10**999999999
    f.write_text(json.dumps(dict(NUMERIC, activation="leaky_relu:1e999999999")))
    r, cpu_seconds = run_cli(["grid", f])
    assert_refused(r, cpu_seconds, "activation", "leaky_relu:p/q")
    f.write_text(json.dumps(dict(NUMERIC, activation="leaky_relu:1/" + "3" * 5000)))
    r, cpu_seconds = run_cli(["grid", f])
    assert_refused(r, cpu_seconds, "activation", "leaky_relu:p/q")


# ----------------------------------------------------------------------------- the same through load_spec, in process
@pytest.mark.parametrize("weight, field, pattern", [
    ("__import__('os').system('true')", "weights.output[0][0]", "names starting with '__' are refused"),
    ("x*9**9**9", "weights.output[0][0]", "an exponent must be an integer literal"),
    ("(lambda: 1)()", "weights.output[0][0]", "a Python keyword"),
    ("a[0]", "weights.output[0][0]", "subscripts"),
    ("sqrt(a)", "weights.output[0][0]", "calls of 'sqrt' are not allowed"),
    ("1/0", "weights.output[0][0]", "a rational with a nonzero denominator"),
    ("a/0", "weights.output[0][0]", "division by zero"),
    pytest.param(10**5000, "weights.output[0][0]",
                 "expected an exact number with at most 1000 digits, got <an integer with 5001 digits>",
                 id="int-5001-digits"),
    ("9" * 5000, "weights.output[0][0]", "expected an exact number with at most 1000 digits"),
])
def test_load_spec_refuses(weight, field, pattern):
    t = time.process_time()
    with pytest.raises(SpecError) as info:
        load_spec(with_weight(NUMERIC, weight) if not isinstance(weight, int) else _int_weight(weight))
    msg = str(info.value)
    assert msg.startswith(field + ": ") and pattern in msg and "\n" not in msg, msg
    assert time.process_time() - t < 2.0  # CPU seconds (generous)


def _int_weight(value):
    d = json.loads(json.dumps(NUMERIC))
    d["weights"]["output"][0][0] = value
    return d


def test_load_spec_json_text_and_deep_dicts():
    with pytest.raises(ParseError, match=r"^json: nested deeper than 64 levels$"):
        load_spec("{" + '"a": {' * 100 + "}" * 101)
    with pytest.raises(ParseError, match=r"^json: an integer literal with 5000 digits"):
        load_spec(json.dumps(NUMERIC).replace('"output": [[1]]', '"output": [[' + "1" * 5000 + "]]"))
    deep = json.loads(json.dumps(NUMERIC))
    nested = "a"
    for _ in range(100_000):
        nested = [nested]
    deep["weights"]["output"] = nested  # a Python dict nested past the recursion limit: refused, no RecursionError
    with pytest.raises(ParseError, match=r"^spec: nested deeper than 64 levels$"):
        load_spec(deep)
    cyclic = json.loads(json.dumps(NUMERIC))
    cyclic["weights"]["output"].append(cyclic["weights"]["output"])
    with pytest.raises(ParseError, match=r"^spec: nested deeper than 64 levels$"):
        load_spec(cyclic)


def test_spec_expressions_keep_their_meaning():
    s = load_spec(with_weight(SYMBOLIC, "relu(a) + b^2/2 - 3"))
    a, b = sympy.symbols("a b")
    assert s.output[0][0] == sympy.Max(a, 0) + b**2 / 2 - 3
    assert all(type(x) is sympy.Symbol and not x.assumptions0.get("real") for x in s.output[0][0].free_symbols)
