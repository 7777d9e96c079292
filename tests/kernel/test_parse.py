"""Tests of symbolic/kernel/parse.py: the whitelist parser of every string from a file, stdin or a flag.

Valid expressions must give exactly the sympy objects built by hand; every refused class must be
refused with one line naming the field, quickly (nothing evaluated, no recursion into Python's
limit); arbitrary text must never raise anything but ParseError.
"""

import io
import json
import sys
import time
from fractions import Fraction

import pytest
import sympy
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from symbolic.errors import ConvacError
from symbolic.kernel.parse import (MAX_CALL_NESTING, ParseError, load_json, parse_expr, parse_rational,
                                   read_json_file)

a, b, c, x, y = sympy.symbols("a b c x y")
FAST = 2.0  # CPU seconds: every refusal (generous; CPU time, not wall-clock, on a shared machine)


def refused(text, pattern=None, **kw):
    """parse_expr(text) raises a one-line ParseError (matching pattern) in under FAST seconds."""
    t = time.process_time()
    with pytest.raises(ParseError) as info:
        parse_expr(text, **kw)
    cpu_seconds = time.process_time() - t
    msg = str(info.value)
    assert cpu_seconds < FAST, (text[:60], cpu_seconds)
    assert "\n" not in msg and len(msg) < 400, msg
    assert msg.startswith(f"{kw.get('field', 'expression')}: "), msg
    if pattern:
        assert pattern in msg, msg
    return msg


# ----------------------------------------------------------------------------- valid expressions
@pytest.mark.parametrize("text, expected", [
    ("0", sympy.Integer(0)),
    ("42", sympy.Integer(42)),
    ("3/4", sympy.Rational(3, 4)),
    (" -3 / 4 ", sympy.Rational(-3, 4)),
    ("x", x),
    ("x + 2*y", x + 2 * y),
    ("a - (b - c)", a - b + c),
    ("a*-b + c", -a * b + c),
    ("-x^2", -x**2),
    ("-x**2", -x**2),
    ("x**-2", x**-2),
    ("x^(-2)", x**-2),
    ("(x+1)^3", (x + 1)**3),
    ("2^-1", sympy.Rational(1, 2)),
    ("x/y/c", x / (y * c)),
    ("2*x/3", 2 * x / 3),
    ("---x", -x),
    ("+x", x),
    ("Max(a, b, 0)", sympy.Max(a, b, 0)),
    ("Min(a, 1, 2)", sympy.Min(a, 1)),
    ("Max(1, 3)", sympy.Integer(3)),
    ("Max(x)", x),
    ("relu(x)", sympy.Max(x, 0)),
    ("Abs(x - 1)", sympy.Abs(x - 1)),
    ("Abs(-3)", sympy.Integer(3)),
    ("exp(x)", sympy.exp(x)),
    ("exp(0)", sympy.Integer(1)),
    ("tanh(x)", sympy.tanh(x)),
    ("tanh(0)", sympy.Integer(0)),
    ("sigmoid(x)", 1 / (1 + sympy.exp(-x))),
    ("sigmoid(0)", sympy.Rational(1, 2)),
    ("relu(a)*b^2 + 3/4", sympy.Max(a, 0) * b**2 + sympy.Rational(3, 4)),
    ("0^0", sympy.Integer(1)),
    ("E + I + pi + N + S", sum(sympy.symbols("E I pi N S"))),  # plain symbols, not sympy's constants
    ("w0_1_2", sympy.Symbol("w0_1_2")),
    ("x^64", x**64),
    ("9" * 1000, sympy.Integer(int("9" * 1000))),
])
def test_valid(text, expected):
    got = parse_expr(text)
    assert got == expected and sympy.expand(got - expected) == 0, (got, expected)


def test_names_are_plain_symbols():
    for name in ("E", "I", "pi", "gamma", "Q", "beta", "x_1"):
        s = parse_expr(name)
        assert isinstance(s, sympy.Symbol) and s == sympy.Symbol(name)


def test_declared_symbols():
    p = sympy.Symbol("p", positive=True)
    assert parse_expr("p + 1", symbols={"p": p}) == p + 1
    assert parse_expr("p", symbols={"p": p}) is p
    msg = refused("p + q", "unknown symbol 'q'", symbols={"p": p})
    assert "allowed: integers" in msg


def test_field_is_named():
    msg = refused("1.5", "decimal (float) literals are refused", field="weights.output[0][0]")
    assert msg.startswith("weights.output[0][0]: ")


def test_nested_calls_within_the_limits():
    e = parse_expr("relu(" * MAX_CALL_NESTING + "x" + ")" * MAX_CALL_NESTING)
    assert e == sympy.Max(x, 0)  # relu(relu(x)) = Max(0, x): flattened
    e = parse_expr("Abs(" * MAX_CALL_NESTING + "x - 1" + ")" * MAX_CALL_NESTING)
    assert e == sympy.Abs(x - 1)
    assert parse_expr("tanh(exp(sigmoid(tanh(x))))") == sympy.tanh(sympy.exp(1 / (1 + sympy.exp(-sympy.tanh(x)))))


def test_long_chains_are_fast():
    t = time.process_time()
    assert parse_expr("+".join(f"a{i}" for i in range(3000))) == sympy.Add(*sympy.symbols("a0:3000"))
    assert parse_expr("*".join(f"a{i}" for i in range(3000))) == sympy.Mul(*sympy.symbols("a0:3000"))
    assert parse_expr("Max(" + ",".join(f"a{i}" for i in range(3000)) + ")").func is sympy.Max
    assert time.process_time() - t < 10


# ----------------------------------------------------------------------------- refusals
@pytest.mark.parametrize("text, pattern", [
    ("9**9**9", "an exponent must be an integer literal"),
    ("x*9**9**9", "an exponent must be an integer literal"),
    ("2^2^2", "an exponent must be an integer literal"),
    ("(lambda: 1)()", "the name 'lambda' (a Python keyword)"),
    ("a.__class__", "attribute access"),
    ("a[0]", "subscripts"),
    ("1.5", "decimal (float) literals are refused"),
    ("1e3", "decimal (float) literals are refused"),
    ("1E-3", "decimal (float) literals are refused"),
    (".5", "decimal (float) literals are refused"),
    ("'a'", "strings"),
    ('"a"', "strings"),
    ("__x", "names starting with '__' are refused"),
    ("a if b else c", "a Python keyword"),
    ("True", "a Python keyword"),
    ("foo(x)", "calls of 'foo' are not allowed"),
    ("x(1)", "calls of 'x' are not allowed"),
    ("abs(x)", "calls of 'abs' are not allowed"),
    ("sqrt(x)", "calls of 'sqrt' are not allowed"),
    ("Max", "'Max' is a function, not a symbol"),
    ("relu + 1", "'relu' is a function, not a symbol"),
    ("a, b", "',' outside a function call"),
    ("(a, b)", "',' outside a function call"),
    ("", "empty expression"),
    ("   ", "empty expression"),
    ("x^y", "an exponent must be an integer literal"),
    ("x^(1/2)", "an exponent must be an integer literal"),
    ("x^(2+1)", "an exponent must be an integer literal"),
    ("x^65", "the exponent 65"),
    ("x^-65", "the exponent -65"),
    ("(x^8)^16", "the combined exponent 128"),
    ("((((2^64)^64)^64)^64)", "powers of numbers too large"),
    ("0^-1", "a negative power of zero"),
    ("(x-x)^-2", "a negative power of zero"),
    ("1/0", "division by zero"),
    ("x/(y-y)", "division by zero"),
    ("1/tanh(0)", "division by zero"),
    ("Max()", "Max needs an argument"),
    ("Max(a,)", "expected a number, a name or '('"),
    ("relu(x, y)", "relu takes 1 argument, got 2"),
    ("a b", "expected an operator"),
    ("2x", "a number followed by a name"),
    ("(a", "unbalanced '('"),
    ("a)", "unbalanced ')'"),
    ("x**", "an exponent must be an integer literal"),
    ("*x", "expected a number, a name or '('"),
    ("a=1", "'='"),
    ("a;b", "';'"),
    ("\x00", "the character"),
    ("é", "the character"),
    ("x\n+\ny\\", "the character"),
    ("tanh(tanh(tanh(tanh(tanh(x)))))", "exp, tanh, sigmoid nested more than 4 deep"),
    ("exp(Abs(sigmoid(relu(tanh(Max(exp(tanh(x))))))))", "exp, tanh, sigmoid nested more than 4 deep"),
    ("Abs(" * (MAX_CALL_NESTING + 1) + "x" + ")" * (MAX_CALL_NESTING + 1),
     f"function calls nested more than {MAX_CALL_NESTING} deep"),
    ("+".join(["exp(x)"] * 65), "more than 64 calls of exp, tanh and sigmoid"),
    ("1" * 1001, "an integer literal with 1001 digits; at most 1000"),
    ("x + " + "1" * 5000, "an integer literal with 5000 digits; at most 1000"),
    ("-" * 201 + "x", "nesting deeper than 200"),
    ("(" * 201 + "x" + ")" * 201, "nesting deeper than 200"),
    ("Max(" * 3 + "(" * 200 + "x", "nesting deeper than 200"),
])
def test_refused(text, pattern):
    msg = refused(text, pattern)
    assert msg.endswith("allowed: integers, p/q rationals, declared symbols, + - * / ^, parentheses, "
                        "Max, Min, Abs, relu, exp, tanh, sigmoid")


def test_refusals_are_convac_value_errors():
    with pytest.raises(ConvacError):
        parse_expr("1.5")
    with pytest.raises(ValueError):
        parse_expr("1.5")


def test_nothing_is_executed(tmp_path):
    target = tmp_path / "pwned"
    for text in (f"__import__('os').system('touch {target}')", f"exec(\"open('{target}', 'w')\")",
                 "eval('1')", "getattr(x, '__class__')", "x.__class__.__bases__[0].__subclasses__()",
                 "Symbol('x')", "Lambda(x, x)"):
        refused(text)
    assert not target.exists()


def test_megabyte_input_refused_before_any_work():
    text = "x+" * 500_000
    t = time.process_time()
    msg = refused(text, "1000000 characters; at most 20000")
    assert time.process_time() - t < 0.5, msg
    assert len(msg) < 300
    refused("x" * 101, "101 characters; at most 100", max_length=100)


def test_limits_are_parameters():
    assert parse_expr("x^100", max_exponent=100) == x**100
    refused("((x))", "nesting deeper than 1", max_depth=1)
    assert parse_expr("((x))", max_depth=2) == x


def test_not_a_string():
    with pytest.raises(ParseError, match="expected a string, got int"):
        parse_expr(3)


def test_echo_is_truncated():
    msg = refused("x + " * 3000 + "[", "subscripts")
    assert len(msg) < 300


# ----------------------------------------------------------------------------- parse_rational
@pytest.mark.parametrize("value, expected", [
    (3, Fraction(3)), (-7, Fraction(-7)), ("-3", Fraction(-3)), ("3/4", Fraction(3, 4)),
    (" -3 / 4 ", Fraction(-3, 4)), ("+6/4", Fraction(3, 2)), (Fraction(1, 3), Fraction(1, 3)), ("0", Fraction(0)),
])
def test_parse_rational(value, expected):
    assert parse_rational(value, field="F[0][0]") == expected


@pytest.mark.parametrize("value, pattern", [
    (1.5, "got a float"), (True, "got a boolean"), (None, "got NoneType"), ("1.5", "expected an integer or p/q"),
    ("1e3", "expected an integer or p/q"), ("3/-4", "expected an integer or p/q"),
    ("1/2/3", "expected an integer or p/q"),
    ("", "expected an integer or p/q"), ("x", "expected an integer or p/q"), ("- 3", "expected an integer or p/q"),
    ("1/0", "a zero denominator"), ("1" * 1001, "an integer with 1001 digits; at most 1000"),
    ("1/" + "1" * 1001, "an integer with 1001 digits"), (10**1000, "an integer with 1001 digits"),
    pytest.param(-(10**5000), "an integer with 5001 digits", id="int-5001-digits"),
    pytest.param("1" * 10**6, "characters", id="str-1M-digits"),
])
def test_parse_rational_refused(value, pattern):
    t = time.process_time()
    with pytest.raises(ParseError) as info:
        parse_rational(value, field="weights.hidden[0][0][0]")
    assert time.process_time() - t < FAST
    msg = str(info.value)
    assert msg.startswith("weights.hidden[0][0][0]: ") and pattern in msg and "\n" not in msg, msg


def test_parse_rational_kinds():
    with pytest.raises(ParseError) as info:
        parse_rational("1/0", field="f")
    assert info.value.kind == "zero_denominator"
    with pytest.raises(ParseError) as info:
        parse_rational(10**2000, field="f")
    assert info.value.kind == "digits" and info.value.detail == 2001


# ----------------------------------------------------------------------------- load_json / read_json_file
def test_load_json_valid():
    assert load_json('{"a": [1, "2/3", -4, 1.5, null, true]}') == {"a": [1, "2/3", -4, 1.5, None, True]}
    assert load_json(b'[1, 2]') == [1, 2]
    assert load_json("[" * 64 + "]" * 64) is not None


@pytest.mark.parametrize("text, pattern, kind", [
    ("[" * 100_000, "nested deeper than 64 levels", "depth"),
    ("[" * 100_000 + "]" * 100_000, "nested deeper than 64 levels", "depth"),
    ("[" * 65 + "]" * 65, "nested deeper than 64 levels", "depth"),
    ('{"a": ' * 70 + "1" + "}" * 70, "nested deeper than 64 levels", "depth"),
    ("[" + "1" * 5000 + "]", "an integer literal with 5000 digits; at most 1000", "digits"),
    ("[-" + "1" * 1001 + "]", "an integer literal with 1001 digits; at most 1000", "digits"),
    ("[NaN]", "NaN is not an exact number", "json"),
    ("[-Infinity]", "-Infinity is not an exact number", "json"),
    ('{"a": ', "not JSON (line 1 column 7: Expecting value)", "json"),
    ("{}\n{}", "not JSON (line 2 column 1: Extra data)", "json"),
    (b"\xff\xfe[", "not JSON", "json"),
])
def test_load_json_refused(text, pattern, kind):
    t = time.process_time()
    with pytest.raises(ParseError) as info:
        load_json(text, field="net.json")
    assert time.process_time() - t < FAST
    msg = str(info.value)
    assert msg.startswith("net.json: ") and pattern in msg and "\n" not in msg, msg
    assert info.value.kind == kind


def test_load_json_size_limit():
    with pytest.raises(ParseError, match=r"^FILE: 101 bytes; at most 100 bytes$"):
        load_json("[" + "1," * 49 + "1]", max_bytes=100)
    with pytest.raises(ParseError, match="bytes; at most 10 bytes"):
        load_json("[\"ééééééé\"]", max_bytes=10)  # counted in UTF-8 bytes, not characters


def test_load_json_limits_are_parameters():
    assert load_json("[[[1]]]", max_depth=3) == [[[1]]]
    with pytest.raises(ParseError, match="nested deeper than 2"):
        load_json("[[[1]]]", max_depth=2)
    with pytest.raises(ParseError, match="3 digits; at most 2"):
        load_json("[123]", max_digits=2)


def test_read_json_file(tmp_path, monkeypatch):
    f = tmp_path / "a.json"
    f.write_text('{"x": [1, 2]}')
    assert read_json_file(f) == {"x": [1, 2]} == read_json_file(str(f))
    with pytest.raises(ParseError, match=r"a\.json: cannot be read \(No such file or directory\)") as info:
        read_json_file(tmp_path / "missing" / "a.json")
    assert info.value.kind == "unreadable"
    with pytest.raises(ParseError, match="cannot be read"):
        read_json_file(tmp_path)
    (tmp_path / "empty.json").write_text(" \n")
    with pytest.raises(ParseError, match=r"empty\.json: empty; expected JSON") as info:
        read_json_file(tmp_path / "empty.json")
    assert info.value.kind == "empty"
    big = tmp_path / "big.json"
    big.write_text("[" + "0," * 100 + "0]")
    with pytest.raises(ParseError, match=r"^SPEC: 203 bytes; at most 100 bytes$"):
        read_json_file(big, field="SPEC", max_bytes=100)
    monkeypatch.setattr(sys, "stdin", io.StringIO('[1, "2"]'))
    assert read_json_file("-") == [1, "2"]
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    with pytest.raises(ParseError, match="^stdin: empty"):
        read_json_file("-")


# ----------------------------------------------------------------------------- properties
LEAVES = st.one_of(st.integers(min_value=0, max_value=10**6).map(sympy.Integer),
                   st.fractions(min_value=-50, max_value=50, max_denominator=20)
                   .map(lambda q: sympy.Rational(q.numerator, q.denominator)),
                   st.sampled_from(sympy.symbols("a b c x y w0_1")))


def _extend(children):
    unary = st.sampled_from([sympy.Abs, sympy.exp, sympy.tanh, lambda e: sympy.Max(e, 0),
                             lambda e: 1 / (1 + sympy.exp(-e)),
                             lambda e: -e])
    return st.one_of(
        st.tuples(unary, children).map(lambda t: t[0](t[1])),
        st.tuples(st.sampled_from([sympy.Add, sympy.Mul, sympy.Max, sympy.Min]),
                  st.lists(children, min_size=1, max_size=3))
        .map(lambda t: t[0](*t[1])),
        st.tuples(children, st.integers(min_value=-3, max_value=4)).map(lambda t: t[0] ** t[1]),
        st.tuples(children, children).map(lambda t: t[0] / t[1] if t[1] != 0 else t[0]),
    )


EXPRS = st.recursive(LEAVES, _extend, max_leaves=8)
GRAMMAR = {sympy.Abs, sympy.exp, sympy.tanh, sympy.Max, sympy.Min}


def _in_grammar(e) -> bool:
    """Expressions whose str() stays inside the grammar (sympy may introduce re(), sqrt, E, zoo, ...)."""
    if e.has(sympy.zoo, sympy.oo, -sympy.oo, sympy.nan, sympy.E, sympy.I, sympy.pi):
        return False
    if any(f.func not in GRAMMAR for f in e.atoms(sympy.Function)):
        return False
    if any(not p.exp.is_Integer or abs(p.exp) > 64 for p in e.atoms(sympy.Pow)):
        return False
    return len(str(e)) < 2000


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(EXPRS)
def test_roundtrip_through_str(e):
    assume(_in_grammar(e))
    try:
        got = parse_expr(str(e))
    except ParseError as err:  # only the limits on calls may refuse a printed expression
        assert "nested more than" in str(err) or "exponent" in str(err), (str(e), str(err))
        return
    assert got == e or sympy.expand(got - e) == 0, (str(e), got)


@settings(max_examples=500, deadline=None)
@given(st.text())
def test_arbitrary_text_only_parse_errors(text):
    t = time.process_time()
    try:
        r = parse_expr(text)
        assert isinstance(r, sympy.Expr)
    except ParseError as e:
        assert "\n" not in str(e)
    assert time.process_time() - t < FAST


TOKENS = ["x", "y", "0", "1", "2", "64", "65", "10", "+", "-", "*", "/", "^", "**", "(", ")", ",", " ",
          "Max(", "Min(", "Abs(", "exp(", "tanh(", "relu(", "sigmoid(", "-1", "1/2", "x-x", "9**9"]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(TOKENS), max_size=40))
def test_token_soup_only_parse_errors(tokens):
    t = time.process_time()
    try:
        r = parse_expr("".join(tokens))
        assert isinstance(r, sympy.Expr) and not r.has(sympy.zoo, sympy.nan)
    except ParseError as e:
        assert "\n" not in str(e)
    assert time.process_time() - t < FAST


@settings(max_examples=200, deadline=None)
@given(st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=5),
                    lambda ch: st.lists(ch, max_size=3) | st.dictionaries(st.text(max_size=3), ch, max_size=3)))
def test_load_json_roundtrip(obj):
    assert load_json(json.dumps(obj)) == obj


@settings(max_examples=300, deadline=None)
@given(st.text() | st.binary())
def test_load_json_arbitrary_input_only_parse_errors(data):
    try:
        load_json(data)
    except ParseError as e:
        assert "\n" not in str(e)
