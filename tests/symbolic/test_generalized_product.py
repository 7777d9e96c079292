"""Tests of symbolic/tensor/generalized_product.py: the binary and window generalized tensor products."""

from fractions import Fraction as Fr
from itertools import product

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from symbolic.errors import ShapeError
from symbolic.tensor.generalized_product import (generalized_tensor_product, generalized_window_product,
                                                 iterated_product, vector)
from symbolic.tensor.operators import operator
from symbolic.tensor.grid import GridTensor

u, v = vector([1, -2]), vector([3, 0])
ACTS = ("linear", "relu", "abs", "square", "leaky_relu:1/10")
POOLS = ("product", "max", "sum", "average")


def small_tensors(order_max=2):
    """Small exact tensors of order 1 or 2 with M in 1..3."""
    return st.integers(1, order_max).flatmap(lambda k: st.tuples(*[st.integers(1, 3)] * k)).flatmap(
        lambda shape: st.lists(st.fractions(min_value=-5, max_value=5, max_denominator=4),
                               min_size=int(np.prod(shape)), max_size=int(np.prod(shape))).map(
            lambda vals: GridTensor.from_entries(shape, vals)))


def test_vector():
    assert vector([Fr(1, 2), 3]).entries() == (Fr(1, 2), 3)
    assert vector((x for x in range(3))).shape == (3,)


@pytest.mark.parametrize("act, pool, expected", [
    ("linear", "product", (3, 0, -6, 0)),
    ("relu", "max", (3, 1, 3, 0)),
    ("relu", "sum", (4, 1, 3, 0)),
    ("linear", "sum", (4, 1, 1, -2)),
    ("abs", "max", (3, 1, 3, 2)),
    ("square", "sum", (10, 1, 13, 4)),
    ("linear", "average", (2, Fr(1, 2), Fr(1, 2), -1)),
    ("leaky_relu:1/2", "product", (3, 0, -3, 0)),
])
def test_binary_values(act, pool, expected):
    """(u (x)_g v)[i, j] = g(u[i], v[j]) with u = (1, -2), v = (3, 0)."""
    P = generalized_tensor_product(u, v, operator(act, pool))
    assert P.shape == (2, 2)
    assert P.entries() == expected


def test_window_values():
    w = vector([-1, 2])
    P = generalized_window_product([u, v, w], operator("relu", "average"))
    assert P.shape == (2, 2, 2)
    for (i, j, k), e in zip(P.indices(), P.entries()):
        assert e == Fr(max(u[(i,)], 0) + max(v[(j,)], 0) + max(w[(k,)], 0), 3)
    assert P.entries()[:2] == (Fr(4, 3), 2)


def test_modes_are_concatenated_row_major():
    A = GridTensor.from_entries((2, 3), range(6))
    B = GridTensor.from_entries((2,), [10, 20])
    P = generalized_window_product([A, B], operator("linear", "sum"))
    assert P.shape == (2, 3, 2)
    for (i, j, k), e in zip(P.indices(), P.entries()):
        assert e == A[i, j] + B[(k,)]
    Q = generalized_window_product([B, A], operator("linear", "sum"))
    assert Q.shape == (2, 2, 3) and Q[1, 0, 2] == 20 + 2


@given(small_tensors(), small_tensors())
def test_linear_product_is_the_tensor_product(A, B):
    P = generalized_tensor_product(A, B, operator("linear", "product"))
    expected = np.multiply.outer(A.to_numpy(), B.to_numpy())
    assert P == GridTensor.from_entries(expected.shape, expected.ravel().tolist())


@given(st.sampled_from(ACTS), st.sampled_from(POOLS), st.lists(small_tensors(1), min_size=1, max_size=3))
def test_window_product_by_definition(act, pool, tensors):
    g = operator(act, pool)
    P = generalized_window_product(tensors, g)
    assert P.shape == tuple(s for t in tensors for s in t.shape)
    for idx in product(*(range(t.shape[0]) for t in tensors)):
        assert P[idx] == g.window(*(t[(i,)] for t, i in zip(tensors, idx)))


# associative pairs with sigma idempotent on pooled values: iterating the binary form = the window form
EQUAL = [("linear", "product"), ("linear", "sum"), ("linear", "max"), ("relu", "max"), ("relu", "sum"),
         ("relu", "product"),
         ("abs", "max"), ("abs", "sum"), ("abs", "product")]


@pytest.mark.parametrize("act, pool", EQUAL)
@settings(max_examples=15)
@given(st.lists(small_tensors(1), min_size=3, max_size=3))
def test_iterated_equals_window(act, pool, tensors):
    g = operator(act, pool)
    assert iterated_product(tensors, g) == generalized_window_product(tensors, g)


@pytest.mark.parametrize("act, pool", [("relu", "average"), ("square", "sum"), ("linear", "average"),
                                       ("leaky_relu:1/10", "sum"), ("square", "product")])
def test_iterated_differs_from_window(act, pool):
    """Nothing assumes the laws: for these pairs, the iterated binary form is not the window form."""
    g = operator(act, pool)
    ts = [vector([-1, 2]), vector([-3, Fr(1, 2)]), vector([-2, 1])]
    assert iterated_product(ts, g) != generalized_window_product(ts, g)


def test_relu_average_counterexample():
    g = operator("relu", "average")
    # ((1 avg 1) avg 4) = (1 + 4)/2 = 5/2, but avg(1, 1, 4) = 2
    ts = [vector([1]), vector([1]), vector([4])]
    assert iterated_product(ts, g).entries() == (Fr(5, 2),)
    assert generalized_window_product(ts, g).entries() == (2,)


def test_single_tensor_applies_sigma_and_pool():
    assert generalized_window_product([vector([-2, 3])], operator("relu", "product")).entries() == (0, 3)
    assert generalized_window_product([vector([-2, 3])], operator("square", "average")).entries() == (4, 9)


def test_errors():
    with pytest.raises(ShapeError, match=r"needs at least one tensor"):
        generalized_window_product([], operator("relu", "max"))
    with pytest.raises(ShapeError, match=r"defined on exact tensors, not residues"):
        generalized_tensor_product(u.reduce_mod(7), v, operator("linear", "product"))
