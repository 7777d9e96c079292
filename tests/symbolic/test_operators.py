"""Tests of symbolic/tensor/operators.py: exact values of g for every pair, sympy forms, integer and residue forms,
errors."""

from fractions import Fraction as Fr
from itertools import product

import numpy as np
import pytest
import sympy
from hypothesis import given
from hypothesis import strategies as st

from symbolic.errors import DomainError
from symbolic.tensor.operators import (ACTIVATIONS, POOLINGS, Activation, Operator, Pooling, activation, operator,
                                       pooling)

EXACT_ACTS = ("linear", "relu", "abs", "square", "leaky_relu:1/10", "leaky_relu:-1/2", "leaky_relu:3/2")
a, b, c = sympy.symbols("a b c")

# g(a, b) = P(sigma(a), sigma(b)), computed by hand.
# sigma(-3), sigma(2): linear -3, 2 | relu 0, 2 | abs 3, 2 | square 9, 4 | leaky 1/10: -3/10, 2
# sigma(1/2), sigma(-1/3): linear 1/2, -1/3 | relu 1/2, 0 | abs 1/2, 1/3 | square 1/4, 1/9 | leaky 1/10: 1/2, -1/30
G_TABLE = [
    ("linear", "product", -3, 2, -6), ("linear", "max", -3, 2, 2), ("linear", "sum", -3, 2, -1),
    ("linear", "average", -3, 2, Fr(-1, 2)),
    ("relu", "product", -3, 2, 0), ("relu", "max", -3, 2, 2), ("relu", "sum", -3, 2, 2), ("relu", "average", -3, 2, 1),
    ("relu", "max", -3, -1, 0), ("relu", "sum", -3, -1, 0),
    ("abs", "product", -3, 2, 6), ("abs", "max", -3, 2, 3), ("abs", "sum", -3, 2, 5),
    ("abs", "average", -3, 2, Fr(5, 2)),
    ("square", "product", -3, 2, 36), ("square", "max", -3, 2, 9), ("square", "sum", -3, 2, 13),
    ("square", "average", -3, 2, Fr(13, 2)),
    ("leaky_relu:1/10", "product", -3, 2, Fr(-3, 5)), ("leaky_relu:1/10", "max", -3, 2, 2),
    ("leaky_relu:1/10", "sum", -3, 2, Fr(17, 10)), ("leaky_relu:1/10", "average", -3, 2, Fr(17, 20)),
    ("leaky_relu:1/10", "max", -3, -1, Fr(-1, 10)), ("leaky_relu:1/10", "sum", -10, 5, 4),
    ("linear", "product", Fr(1, 2), Fr(-1, 3), Fr(-1, 6)), ("linear", "max", Fr(1, 2), Fr(-1, 3), Fr(1, 2)),
    ("linear", "sum", Fr(1, 2), Fr(-1, 3), Fr(1, 6)), ("linear", "average", Fr(1, 2), Fr(-1, 3), Fr(1, 12)),
    ("relu", "product", Fr(1, 2), Fr(-1, 3), 0), ("relu", "average", Fr(1, 2), Fr(-1, 3), Fr(1, 4)),
    ("abs", "product", Fr(1, 2), Fr(-1, 3), Fr(1, 6)), ("abs", "sum", Fr(1, 2), Fr(-1, 3), Fr(5, 6)),
    ("square", "sum", Fr(1, 2), Fr(-1, 3), Fr(13, 36)), ("square", "max", Fr(1, 2), Fr(-1, 3), Fr(1, 4)),
    ("leaky_relu:1/10", "product", Fr(1, 2), Fr(-1, 3), Fr(-1, 60)),
    ("leaky_relu:1/10", "sum", Fr(1, 2), Fr(-1, 3), Fr(7, 15)),
    ("leaky_relu:-1/2", "max", -4, 1, 2), ("leaky_relu:3/2", "sum", -2, 2, -1),
]


POINTS = [sympy.Rational(v) for v in (-3, Fr(-1, 2), 0, Fr(1, 3), 2)]


def same(got, expected) -> bool:
    """Equal as functions: structurally, or else at every point of a small rational grid (exactly)."""
    if got == expected:
        return True
    syms = sorted(got.free_symbols | expected.free_symbols, key=str)
    return all((got - expected).xreplace(dict(zip(syms, pt))) == 0 for pt in product(POINTS, repeat=len(syms)))


@pytest.mark.parametrize("act, pool, x, y, expected", G_TABLE)
def test_g_values(act, pool, x, y, expected):
    g = operator(act, pool)
    got = g(x, y)
    assert got == expected
    assert type(got) in (int, Fr)
    assert g.window(x, y) == expected
    assert g.sympy(sympy.Rational(x), sympy.Rational(y)) == sympy.Rational(expected)


# windows of three values: (-1, 1/2, 3)
WINDOW_TABLE = [
    ("linear", "product", Fr(-3, 2)), ("linear", "max", 3), ("linear", "sum", Fr(5, 2)),
    ("linear", "average", Fr(5, 6)),
    ("relu", "product", 0), ("relu", "max", 3), ("relu", "sum", Fr(7, 2)), ("relu", "average", Fr(7, 6)),
    ("abs", "product", Fr(3, 2)), ("abs", "sum", Fr(9, 2)), ("square", "product", Fr(9, 4)),
    ("square", "sum", Fr(41, 4)),
    ("leaky_relu:1/10", "sum", Fr(17, 5)), ("leaky_relu:1/10", "product", Fr(-3, 20)),
]


@pytest.mark.parametrize("act, pool, expected", WINDOW_TABLE)
def test_window_values(act, pool, expected):
    assert operator(act, pool).window(-1, Fr(1, 2), 3) == expected


def test_doc_pairs():
    """The paper's pairs as in design.md: a*b, max(a, b, 0), max(a, 0) + max(b, 0)."""
    assert operator("linear", "product").sympy(a, b) == a * b
    assert same(operator("relu", "max").sympy(a, b), sympy.Max(a, b, 0))
    assert same(operator("relu", "sum").sympy(a, b), sympy.Max(a, 0) + sympy.Max(b, 0))


SYMPY_FORMS = [
    ("linear", "max", sympy.Max(a, b)), ("linear", "average", (a + b) / 2),
    ("relu", "product", sympy.Max(a, 0) * sympy.Max(b, 0)),
    ("relu", "average", (sympy.Max(a, 0) + sympy.Max(b, 0)) / 2),
    ("abs", "max", sympy.Max(sympy.Abs(a), sympy.Abs(b))), ("abs", "product", sympy.Abs(a * b)),
    ("square", "product", a**2 * b**2), ("square", "sum", a**2 + b**2),
    ("leaky_relu:1/10", "sum", sympy.Max(a, a / 10) + sympy.Max(b, b / 10)),
    ("leaky_relu:1/10", "max", sympy.Max(a, a / 10, b, b / 10)),
    ("tanh", "sum", sympy.tanh(a) + sympy.tanh(b)),
    ("sigmoid", "product", 1 / ((1 + sympy.exp(-a)) * (1 + sympy.exp(-b)))),
]


@pytest.mark.parametrize("act, pool, expected", SYMPY_FORMS)
def test_sympy_forms(act, pool, expected):
    got = operator(act, pool).sympy(a, b)
    assert same(got, expected)


def test_same_detects_differences():
    assert not same(sympy.Max(a, 0), a) and not same(sympy.Max(a, b), sympy.Max(a, b, 0))


def test_sympy_window_and_symbols_in_call():
    g = operator("relu", "max")
    assert same(g.window(a, b, c), sympy.Max(0, a, b, c))  # sympy in, sympy out
    assert same(operator("linear", "average").window(a, b, c), (a + b + c) / 3)
    assert same(activation("relu")(a), sympy.Max(a, 0))
    assert pooling("sum")(a, 1) == a + 1


@pytest.mark.parametrize("slope", ["1/10", "-1/2", "3/2", "0", "2"])
def test_leaky_relu_sympy_is_piecewise_exact(slope):
    s = activation(f"leaky_relu:{slope}")
    for v in (Fr(-7, 3), Fr(-1), 0, Fr(1, 5), 4):
        assert s.sympy(a).subs(a, sympy.Rational(v)) == sympy.Rational(s(v))


@given(st.sampled_from(EXACT_ACTS), st.fractions(max_denominator=20),
       st.fractions(min_value=Fr(1, 20), max_value=20, max_denominator=20))
def test_homogeneity_and_sympy_agree(act, x, t):
    """sigma(t x) = t^degree sigma(x) for t > 0, and the sympy form agrees with the exact value."""
    s = activation(act)
    assert s(t * x) == t**s.degree * s(x)
    assert s.sympy(sympy.Rational(x.numerator, x.denominator)) == sympy.Rational(s(x))


@given(st.sampled_from(EXACT_ACTS), st.lists(st.integers(-10**6, 10**6), min_size=1, max_size=12), st.integers(1, 50))
def test_on_integers(act, ints, scale):
    """on_integers(arr) = (out, factor) with sigma(arr / s) = out / (s^degree * factor)."""
    s = activation(act)
    arr = np.array(ints, dtype=np.int64)
    out, factor = s.on_integers(arr)
    for x, o in zip(ints, out):
        assert s(Fr(x, scale)) == Fr(int(o), scale**s.degree * factor)
    out_obj, f2 = s.on_integers(arr.astype(object))
    assert f2 == factor and list(out_obj) == [int(o) for o in out]


def test_on_residues():
    p = 101
    arr = np.array([0, 5, 100, 57], dtype=np.int64)
    assert list(activation("linear").on_residues(arr, p)) == [0, 5, 100, 57]
    assert list(activation("square").on_residues(arr, p)) == [0, 25, 1, 57 * 57 % p]
    with pytest.raises(DomainError, match=r"activation='relu' is not polynomial"):
        activation("relu").on_residues(arr, p)
    with pytest.raises(DomainError, match=r"leaky_relu:1/10"):
        activation("leaky_relu:1/10").on_residues(arr, p)


def test_properties():
    assert [activation(n).degree
            for n in ("linear", "relu", "abs", "square", "leaky_relu:1/3", "tanh")] == [1, 1, 1, 2, 1, 0]
    assert [activation(n).is_polynomial for n in ("linear", "square", "relu")] == [True, True, False]
    assert activation("tanh").is_exact is False and activation("abs").is_exact
    assert [pooling(n).is_polynomial for n in POOLINGS] == [True, False, True, True]
    assert operator("square", "sum").is_polynomial and not operator("square", "max").is_polynomial
    assert not operator("relu", "product").is_polynomial
    g = operator("leaky_relu:2/20", "max")
    assert g.name == "leaky_relu:1/10/max"
    assert repr(g) == "operator('leaky_relu:1/10', 'max')"
    assert g == Operator(Activation("leaky_relu", Fr(1, 10)), Pooling("max"))
    assert activation("leaky_relu:3").spec_name == "leaky_relu:3"
    assert activation(activation("relu")) == activation("relu") and pooling(pooling("max")) == pooling("max")
    assert ACTIVATIONS[:4] == ("linear", "relu", "abs", "square") and POOLINGS == ("product", "max", "sum", "average")


def test_pooling_combine():
    x, y = np.array([1, -2]), np.array([3, -5])
    assert list(pooling("product").combine(x, y)) == [3, 10]
    assert list(pooling("max").combine(x, y)) == [3, -2]
    assert list(pooling("sum").combine(x, y)) == [4, -7]
    assert pooling("max").combine(2, 7) == 7


def test_average_is_exact():
    assert pooling("average")(1, 2) == Fr(3, 2)
    assert pooling("average")(1, 3) == 2 and type(pooling("average")(1, 3)) is int
    assert pooling("average")(Fr(1, 3), Fr(2, 3), 0) == Fr(1, 3)


class TestErrors:
    def test_gelu(self):
        with pytest.raises(DomainError,
                           match=r"^activation='gelu' is not one of \('linear', 'relu', 'abs', 'square', "
                                 r"'leaky_relu:p/q', 'tanh', 'sigmoid'\)$"):
            activation("gelu")
        with pytest.raises(DomainError, match=r"activation='gelu'"):
            operator("gelu", "max")

    def test_mean(self):
        with pytest.raises(DomainError, match=r"^pooling='mean' is not one of \('product', 'max', 'sum', 'average'\)$"):
            pooling("mean")
        with pytest.raises(DomainError, match=r"pooling='mean'"):
            operator("relu", "mean")

    @pytest.mark.parametrize("name, pattern", [
        ("leaky_relu:0.1", r"slope must be an exact rational p/q, not a decimal"),
        ("leaky_relu:1e-1", r"not a decimal"),
        ("leaky_relu", r"expected leaky_relu:p/q with an exact rational slope"),
        ("leaky_relu:1/0", r"expected leaky_relu:p/q"),
        ("leaky_relu:x", r"expected leaky_relu:p/q"),
    ])
    def test_leaky_relu_slopes(self, name, pattern):
        with pytest.raises(DomainError, match=pattern):
            activation(name)

    def test_other(self):
        with pytest.raises(DomainError, match=r"activation=3"):
            activation(3)
        with pytest.raises(DomainError, match=r"a slope is given exactly for leaky_relu"):
            Activation("relu", Fr(1, 2))
        with pytest.raises(DomainError, match=r"a slope is given exactly for leaky_relu"):
            Activation("leaky_relu")
        with pytest.raises(DomainError, match=r"pooling needs at least one value"):
            pooling("max")()
        with pytest.raises(DomainError, match=r"activation='tanh' has no exact rational values; use engine='symbolic'"):
            activation("tanh")(1)
        with pytest.raises(DomainError, match=r"activation='sigmoid' has no exact rational values"):
            activation("sigmoid").on_integers(np.array([1]))
