"""Tests of symbolic/rank/matricization.py: the convention, the named partitions, fold, errors."""

import math
from fractions import Fraction

import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from symbolic.errors import ShapeError
from symbolic.rank.matricization import Matricization, fold, fold_array, matricize, matricize_array, parse_partition
from symbolic.tensor.grid import GridTensor

A16 = GridTensor.from_entries((2, 2, 2, 2), range(16))


class TestConvention:
    def test_odd_even_4x4(self):
        """The doctest matrix: row (d0, d2), column (d1, d3); value 8 d0 + 4 d1 + 2 d2 + d3."""
        m = matricize(A16, "odd-even")
        assert m.matrix.tolist() == [[0, 1, 4, 5], [2, 3, 6, 7], [8, 9, 12, 13], [10, 11, 14, 15]]
        assert (m.rows, m.cols) == ((0, 2), (1, 3))
        assert [m.row_index(r) for r in range(4)] == [(0, 0), (0, 1), (1, 0), (1, 1)]

    def test_halves_4x4(self):
        m = matricize(A16, "halves")
        assert m.matrix.tolist() == [list(range(4 * r, 4 * r + 4)) for r in range(4)]

    def test_entry_by_definition(self):
        A = GridTensor.from_entries((2, 3, 2, 3, 2), range(72))
        m = matricize(A, "1,2,4")
        for r in range(m.matrix.shape[0]):
            for c in range(m.matrix.shape[1]):
                idx = [0] * 5
                for mode, v in zip(m.rows, m.row_index(r)):
                    idx[mode] = v
                for mode, v in zip(m.cols, m.col_index(c)):
                    idx[mode] = v
                assert m.matrix[r, c] == A.data[tuple(idx)]

    def test_matrix_is_read_only(self):
        m = matricize(A16, "odd-even")
        with pytest.raises(ValueError):
            m.matrix[0, 0] = 5

    def test_keeps_denominator_modulus_and_symbols(self):
        A = GridTensor.from_entries((2, 2), [1, Fraction(1, 2), 0, 3])
        m = matricize(A, [1])
        assert m.denominator == 2 and m.matrix.tolist() == [[2, 0], [1, 6]]
        mod = matricize(A.reduce_mod(7), [0])
        assert mod.modulus == 7 and mod.matrix.dtype == np.int64
        x = sympy.Symbol("x")
        sym = matricize(GridTensor.from_entries((2, 2), [x, 1, 2, x**2]), [1])
        assert sym.matrix.tolist() == [[x, 2], [1, x**2]]
        assert fold(sym) == GridTensor.from_entries((2, 2), [x, 1, 2, x**2])


class TestParsePartition:
    @pytest.mark.parametrize(
        "partition, N, expected",
        [
            ("odd-even", 2, (0,)),
            ("odd-even", 5, (0, 2, 4)),
            ("halves", 4, (0, 1)),
            ("halves", 5, (0, 1)),
            ("0,3,5", 6, (0, 3, 5)),
            (" 5, 0 ", 6, (0, 5)),
            ([2, 1], 3, (1, 2)),
            ((np.int64(0),), 2, (0,)),
        ],
    )
    def test_accepted(self, partition, N, expected):
        assert parse_partition(partition, N) == expected

    @pytest.mark.parametrize(
        "partition, N, match",
        [
            ("0,7", 4, r"partition '0,7': mode 7 is out of range 0\.\.3 for N=4"),
            ("-1", 4, r"mode -1 is out of range"),
            ("odd", 4, r"partition 'odd': expected 'odd-even', 'halves'"),
            ("", 4, r"expected 'odd-even'"),
            ("1,1", 4, r"mode 1 is repeated"),
            ([0, 1, 2, 3], 4, r"gives 4 row modes for N=4; allowed: a nonempty proper subset of 0\.\.3"),
            ([], 4, r"gives 0 row modes"),
            ([0.5], 4, r"mode 0\.5 is not an int"),
            ("odd-even", 1, r"N=1: expected an int >= 2"),
        ],
    )
    def test_refused(self, partition, N, match):
        with pytest.raises(ShapeError, match=match):
            parse_partition(partition, N)


class TestValidation:
    def test_cols_must_be_complement(self):
        with pytest.raises(ShapeError, match=r"cols=\(1,\): expected the complement \(1, 2\)"):
            Matricization((0,), (1,), np.zeros((2, 4), dtype=object), (2, 2, 2))

    def test_matrix_shape(self):
        with pytest.raises(ShapeError, match=r"matrix has shape \(4, 2\)"):
            Matricization((0,), (1, 2), np.zeros((4, 2), dtype=object), (2, 2, 2))

    def test_fold_array_shape(self):
        with pytest.raises(ShapeError, match=r"needs \(2, 4\)"):
            fold_array(np.zeros((4, 2)), (2, 2, 2), [0])

    def test_matricize_needs_tensor(self):
        with pytest.raises(ShapeError, match="expected a GridTensor"):
            matricize(np.zeros((2, 2)), [0])


@st.composite
def tensors_and_rows(draw):
    N = draw(st.integers(2, 5))
    shape = tuple(draw(st.lists(st.integers(1, 3), min_size=N, max_size=N)))
    rows = draw(st.lists(st.integers(0, N - 1), min_size=1, max_size=N - 1, unique=True))
    return shape, rows


@settings(max_examples=60, deadline=None)
@given(tensors_and_rows())
def test_fold_inverts_matricize(case):
    shape, rows = case
    A = GridTensor.from_entries(shape, range(math.prod(shape)))
    m = matricize(A, rows)
    assert m.matrix.shape == (math.prod(shape[d] for d in m.rows), math.prod(shape[d] for d in m.cols))
    assert fold(m) == A
    assert np.array_equal(fold_array(matricize_array(A.data, rows), shape, rows), A.data)
    assert sorted(m.matrix.ravel().tolist()) == list(range(math.prod(shape)))
