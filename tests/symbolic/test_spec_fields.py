"""Tests of symbolic/spec/fields.py: the field readers of a spec dict.

Every refusal is one SpecError line naming the field, the value and what is allowed; the
fast path of :func:`array` (rows of plain ints) gives what the general recursive path gives;
declared weight counts are checked against the count by formula before any leaf is parsed.
"""

from __future__ import annotations

import sys
from fractions import Fraction as Q

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from symbolic.cost import MAX_WEIGHTS
from symbolic.errors import SpecError, TooLarge
from symbolic.kernel.parse import ParseError
from symbolic.numbers import parse_exact
from symbolic.spec.fields import (LenOnly, array, validate_declared_weights, validate_nesting, contains_symbol_strings,
                                  int_field, width)


def _one_line(e, field):
    msg = str(e.value)
    assert msg.startswith(f"{field}:") and "\n" not in msg
    return msg


# ----------------------------------------------------------------------------- int_field
@given(st.integers(-5, 20), st.integers(0, 5), st.integers(5, 15))
def test_int_field_accepts_exactly_the_range(v, lo, hi):
    if lo <= v <= hi:
        assert int_field({"N": v}, "N", lo, hi=hi) == v
    else:
        with pytest.raises(SpecError) as e:
            int_field({"N": v}, "N", lo, hi=hi)
        assert f">= {lo} and <= {hi}" in _one_line(e, "N")


def test_int_field_defaults_and_refusals():
    assert int_field({}, "window", 2, default=2) == 2
    with pytest.raises(SpecError) as e:
        int_field({}, "N", 1)
    assert "required" in _one_line(e, "N")
    for bad in (True, 2.0, "2", None, [2]):
        with pytest.raises(SpecError):
            int_field({"N": bad}, "N", 1)


# ----------------------------------------------------------------------------- array
ints = st.integers(-10**17, 10**17)


@settings(max_examples=60)
@given(st.integers(1, 4), st.integers(1, 4), st.data())
def test_array_fast_path_equals_the_general_path(r, c, data):
    rows = data.draw(st.lists(st.lists(ints, min_size=c, max_size=c), min_size=r, max_size=r))
    fast = array(rows, "w", [(r, "rows"), (c, "values")], parse_exact)
    general = array(rows, "w", [(r, "rows"), (c, "values")], lambda v, p: parse_exact(v, p))  # no fast path
    assert fast == general == tuple(map(tuple, rows))


def test_array_parses_leaves_and_names_the_path():
    a = array([["1/2", 3], [-4, "6/4"]], "weights.hidden[0]", [(2, "positions"), (2, "channels")], parse_exact)
    assert a == ((Q(1, 2), 3), (-4, Q(3, 2)))
    with pytest.raises(SpecError) as e:
        array([[1, 2], [3, 2.5]], "weights.hidden[0]", [(2, "positions"), (2, "channels")], parse_exact)
    assert "floats are refused" in _one_line(e, "weights.hidden[0][1][1]")
    with pytest.raises(SpecError) as e:
        array([[1, 2], [3]], "w", [(2, "positions"), (2, "channels")], parse_exact)
    assert _one_line(e, "w[1]").endswith("got 1")  # the length, not the list
    with pytest.raises(SpecError) as e:
        array(7, "w", [(2, "positions")], parse_exact)
    assert "a list of 2 positions" in _one_line(e, "w")


def test_len_only_and_width():
    assert repr(LenOnly(10**6)) == "1000000"
    assert width([[1], [2], [3]], "weights.hidden", "channels") == 3
    for bad in ([], {}, "x", None):
        with pytest.raises(SpecError) as e:
            width(bad, "weights.hidden", "channels")
        assert "a nonempty list of channels" in _one_line(e, "weights.hidden")


# ----------------------------------------------------------------------------- declared weights
def _count_shallow(Z, N, M, Y, shared=False):
    return Z * (1 if shared else N) * M + Y * Z  # hidden Z x N x M (shared: Z x M), output Y x Z


@pytest.mark.parametrize("Z, N, M, shared", [(1024, 1024, 2, False), (3, 4, 2, False), (2048, 1024, 512, True),
                                             (4, 1024, 2, True)])
def test_declared_shallow_weights_are_counted_before_parsing(Z, N, M, shared):
    w = {"hidden": [None] * Z, "output": [None]}  # lengths only: no leaf is looked at
    n = _count_shallow(Z, N, M, 1, shared)
    if n > MAX_WEIGHTS:
        with pytest.raises(TooLarge) as e:
            validate_declared_weights("shallow", w, N, M, 2, shared)
        assert f"{n:,}" in str(e.value) and f"{MAX_WEIGHTS:,}" in str(e.value)
    else:
        assert validate_declared_weights("shallow", w, N, M, 2, shared) is None


def test_declared_deep_weights_and_malformed_arrays():
    N, M, r = 1 << 12, 2, 512  # layer 0 alone: 4096 positions x 512 x 2 = 4M weights
    lay0 = [[None] * r]  # only the first position's length is read
    with pytest.raises(TooLarge):
        validate_declared_weights("deep", {"layers": [lay0], "output": [None]}, N, M, 2, False)
    for w in ({"hidden": "x"}, {"hidden": []}, {"layers": "x"}, {"layers": [[]]}, {}):  # left to the parser
        validate_declared_weights("deep" if "layers" in w else "shallow", w, 4, 2, 2, False)


# ----------------------------------------------------------------------------- nesting and symbols
def test_check_nesting_is_iterative_and_exact_at_the_limit():
    def nested(depth):
        x = 0
        for _ in range(depth - 1):
            x = [x]
        return {"a": x}

    validate_nesting(nested(64))
    with pytest.raises(ParseError):
        validate_nesting(nested(65))
    deep = nested(sys.getrecursionlimit() * 3)  # past the recursion limit: no RecursionError
    with pytest.raises(ParseError):
        validate_nesting(deep)
    validate_nesting(nested(10), limit=11)
    with pytest.raises(ParseError):
        validate_nesting(nested(12), limit=11)


@pytest.mark.parametrize("x, has", [({"a": [1, "2/3", -4]}, False), ({"a": [[["w_0"]]]}, True), ("-1/2", False),
                                    ([1, {"b": "relu(x)"}], True), ({"F": ["_"]}, True), (["1/0", 3], False)])
def test_contains_symbol_strings(x, has):
    assert contains_symbol_strings(x) is has
