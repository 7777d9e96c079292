"""Tests of symbolic/tensor/grid.py: construction, access, export, equality, immutability, size refusals."""

import dataclasses
import math
from fractions import Fraction as Fr

import numpy as np
import pytest
import sympy
from hypothesis import given
from hypothesis import strategies as st

from symbolic.tensor.circuit_graph import circuit, forward_tensor
from symbolic.tensor.decompositions import grid_tensor
from symbolic.errors import ShapeError, TooLarge
from symbolic.spec.network import deep, shallow
from symbolic.tensor.grid import MAX_ENTRIES, GridTensor, validate_size

A = GridTensor.from_entries((2, 3), [1, Fr(1, 2), 0, -3, Fr(-2, 3), 7])


class TestConstruction:
    def test_from_entries(self):
        assert A.shape == (2, 3) and A.order == 2 and A.size == 6
        assert A.denominator == 6
        assert A.data.tolist() == [[6, 3, 0], [-18, -4, 42]]
        assert A.modulus is None and not A.is_symbolic

    def test_entries_row_major(self):
        assert A.entries() == (1, Fr(1, 2), 0, -3, Fr(-2, 3), 7)
        assert [type(e) for e in A.entries()] == [int, Fr, int, int, Fr, int]
        assert list(A.indices()) == [(0, 0), (0, 1), (0, 2), (1, 0), (1, 1), (1, 2)]
        assert A[1, 1] == Fr(-2, 3) and A[(0, 2)] == 0
        B = GridTensor.from_entries((2, 2, 2), range(8))
        assert B[1, 0, 1] == 5  # d_0 slowest

    def test_int_index_of_order_one(self):
        assert GridTensor.from_entries((2,), [5, 6])[1] == 6

    def test_direct_construction_and_validation(self):
        T = GridTensor((2,), np.array([3, 4], dtype=object), 2)
        assert T.entries() == (Fr(3, 2), 2)
        with pytest.raises(ShapeError, match=r"data has shape \(2,\) but shape=\(3,\)"):
            GridTensor((3,), np.array([1, 2]))
        with pytest.raises(ShapeError, match=r"denominator=0: expected a positive int"):
            GridTensor((2,), np.array([1, 2]), 0)
        with pytest.raises(ShapeError, match=r"a modular grid tensor has denominator 1"):
            GridTensor((2,), np.array([1, 2]), 2, 7)
        with pytest.raises(ShapeError, match=r"5 entries given for shape \(2, 2\) \(4 expected\)"):
            GridTensor.from_entries((2, 2), range(5))

    def test_symbolic_entries(self):
        x, y = sympy.symbols("x y")
        T = GridTensor.from_entries((2,), [x + y, sympy.Rational(1, 2)])
        assert T.is_symbolic and T.denominator == 1
        assert T.entries() == (x + y, sympy.Rational(1, 2))
        assert T.to_dict() == {"shape": [2], "entries": ["x + y", "1/2"]}

    def test_order_zero_and_one(self):
        v = GridTensor.from_entries((3,), [Fr(1, 3), 0, 2])
        assert v.entries() == (Fr(1, 3), 0, 2) and v.denominator == 3


class TestExport:
    def test_to_dict(self):
        assert A.to_dict() == {"shape": [2, 3], "entries": [1, "1/2", 0, -3, "-2/3", 7]}

    def test_to_sympy(self):
        S = A.to_sympy()
        assert isinstance(S, sympy.ImmutableDenseNDimArray)
        assert S.shape == (2, 3) and S[1, 1] == sympy.Rational(-2, 3) and S[0, 0] == 1

    def test_to_numpy(self):
        X = A.to_numpy()
        assert X.dtype == object and X.shape == (2, 3)
        assert X.tolist() == [[1, Fr(1, 2), 0], [-3, Fr(-2, 3), 7]]
        X[0, 0] = 99  # a copy: the tensor is unchanged
        assert A[0, 0] == 1

    def test_reduce_mod(self):
        p = 7
        R = A.reduce_mod(p)
        assert R.modulus == 7 and R.denominator == 1 and R.data.dtype == np.int64
        expected = [e.numerator * pow(e.denominator, -1, p) % p if isinstance(e, Fr) else e % p for e in A.entries()]
        assert list(R.entries()) == expected == [1, 4, 0, 4, 4, 0]
        assert R.reduce_mod(7) is R
        with pytest.raises(ShapeError, match=r"tensor is modulo 7, cannot reduce modulo 11"):
            R.reduce_mod(11)
        with pytest.raises(ShapeError, match=r"prime 3 divides the denominator 6"):
            A.reduce_mod(3)

    @given(st.lists(st.fractions(max_denominator=50), min_size=4, max_size=4), st.sampled_from([5, 101, 67108859]))
    def test_reduce_mod_is_a_ring_map(self, vals, p):
        T = GridTensor.from_entries((2, 2), vals)
        if T.denominator % p == 0:
            return
        for e, r in zip(vals, T.reduce_mod(p).entries()):
            assert (e.numerator - r * e.denominator) % p == 0

    def test_reduce_mod_of_symbolic_engine_tensor(self):
        s = shallow(N=2, M=2, Z=1, weights={"hidden": [[["1/2", 1], [1, 1]]], "output": [[1]]})
        exact, sym = grid_tensor(s), grid_tensor(s, engine="symbolic")
        assert exact == sym
        assert sym.reduce_mod(7) == exact.reduce_mod(7)

    def test_repr(self):
        assert repr(A) == "GridTensor(shape=(2, 3), entries=[1, Fraction(1, 2), 0, -3, Fraction(-2, 3), 7])"
        big = GridTensor.from_entries((2,) * 5, range(32))
        assert repr(big) == "GridTensor(shape=(2, 2, 2, 2, 2), 32 entries)"
        assert "modulus=7" in repr(A.reduce_mod(7))


class TestEquality:
    def test_across_denominators(self):
        B = GridTensor((2, 3), np.array([[12, 6, 0], [-36, -8, 84]], dtype=object), 12)
        assert A == B and B == A
        C = GridTensor.from_entries((2, 3), [1, Fr(1, 2), 0, -3, Fr(-2, 3), 8])
        assert A != C

    def test_int64_and_object_data(self):
        X = GridTensor((2,), np.array([2, 4], dtype=np.int64), 2)
        Y = GridTensor.from_entries((2,), [1, 2])
        assert X == Y and Y == X

    def test_shape_and_modulus_matter(self):
        assert GridTensor.from_entries((4,), range(4)) != GridTensor.from_entries((2, 2), range(4))
        assert A.reduce_mod(7) != A
        assert A.reduce_mod(7) != A.reduce_mod(11)
        assert A.reduce_mod(7) == GridTensor.from_entries((2, 3), [1, 4, 0, 4, 4, 0]).reduce_mod(7)

    def test_symbolic_equality_expands(self):
        x = sympy.Symbol("x")
        P = GridTensor.from_entries((1,), [(x + 1) ** 2])
        Q = GridTensor.from_entries((1,), [x**2 + 2 * x + 1])
        assert P == Q and P != GridTensor.from_entries((1,), [x**2 + 1])
        assert GridTensor.from_entries((1,), [sympy.Rational(1, 2)]) == GridTensor.from_entries((1,), [Fr(1, 2)])

    def test_other_types(self):
        assert (A == [1, 2]) is False
        assert A.__eq__(3) is NotImplemented

    def test_unhashable(self):
        with pytest.raises(TypeError):
            hash(A)


class TestImmutability:
    def test_data_is_read_only(self):
        with pytest.raises(ValueError, match="read-only"):
            A.data[0, 0] = 5
        R = A.reduce_mod(7)
        with pytest.raises(ValueError, match="read-only"):
            R.data[0, 0] = 5
        assert A[0, 0] == 1

    def test_fields_are_frozen(self):
        with pytest.raises(dataclasses.FrozenInstanceError):
            A.denominator = 1
        with pytest.raises(dataclasses.FrozenInstanceError):
            A.shape = (6,)

    def test_input_array_frozen_on_construction(self):
        arr = np.array([1, 2], dtype=object)
        T = GridTensor((2,), arr)
        with pytest.raises(ValueError):
            T.data[0] = 3

    def test_engine_outputs_are_read_only(self):
        s = deep(N=4, M=2, seed=1, low=-3, high=3)
        for engine in ("exact", "modular", "symbolic"):
            T = grid_tensor(s, engine=engine)
            assert not T.data.flags.writeable
        assert not forward_tensor(circuit(s)).data.flags.writeable


class TestSizeRefusals:
    """Every size check goes through symbolic.cost: one line with the fields, the estimate and the limit."""

    def test_check_size_message(self):
        with pytest.raises(TooLarge, match=r"^grid tensor of N=40, M=2 would have 1,000,000,000,000 entries "
                                           r"\(about 7\.3 TiB\); the limit is 16,777,216 entries \(--max-entries\)$"):
            validate_size(10**12, 8, "grid tensor of N=40, M=2")
        with pytest.raises(TooLarge, match=r"^big would need about 8 GiB \(1,000,000 entries at 8589 bytes each\); "
                                           r"the limit is 4 GiB \(--max-memory\)$"):
            validate_size(10**6, 8589, "big")
        validate_size(1000, 8, "small")  # no error

    def test_deep_N32(self):
        s = deep(N=32, M=2, widths=(1,) * 5, seed=0)
        with pytest.raises(TooLarge, match=r"^N=32, M=2, widths 1,1,1,1,1: the grid tensor has 4,294,967,296 entries "
                                           r"\(about .* with the exact engine\); the limit is 16,777,216 entries"):
            grid_tensor(s)
        with pytest.raises(TooLarge, match=r"4,294,967,296 entries \(about .* with the modular engine"):
            grid_tensor(s, engine="modular")
        e = pytest.raises(TooLarge, grid_tensor, s).value
        assert isinstance(e, MemoryError)

    def test_shallow_N30_is_refused_naming_the_size(self):
        s = shallow(N=30, M=2, Z=1, seed=0)
        with pytest.raises(TooLarge, match=r"^N=30, M=2, Z=1: the grid tensor has 1,073,741,824 entries"):
            grid_tensor(s)

    def test_shallow_N30_raises_too_large(self):
        with pytest.raises(TooLarge):
            grid_tensor(shallow(N=30, M=2, Z=1, seed=0))

    def test_forward_pass_refused(self):
        with pytest.raises(TooLarge, match=r"^the forward pass over all grid points \(N=32, M=2\) would have "
                                           r"4,294,967,296 entries"):
            forward_tensor(circuit(shallow(N=32, M=2, Z=1, seed=0)))

    def test_max_entries(self):
        assert MAX_ENTRIES == 2**24 and math.log2(MAX_ENTRIES) == 24

    def test_limits_are_arguments(self):
        from symbolic.limits import Limits

        s = shallow(N=10, M=2, Z=1, seed=0)
        with pytest.raises(TooLarge, match=r"1,024 entries .*; the limit is 1,000 entries \(--max-entries\)$"):
            grid_tensor(s, limits=Limits(max_entries=1000))
        assert grid_tensor(s, limits=Limits(max_entries=2**10)).size == 1024
        with pytest.raises(TooLarge, match=r"1,024 entries .*; the limit is 1,000 entries \(--max-entries\)$"):
            forward_tensor(circuit(s), limits=Limits(max_entries=1000))
        with pytest.raises(TooLarge, match=r"; the limit is 1 MiB \(--max-memory\)$"):
            grid_tensor(shallow(N=16, M=2, Z=1, seed=0), limits=Limits(max_memory=1 << 20))

    def test_the_library_never_reads_the_environment(self, monkeypatch):
        """CONVAC_MAX_ENTRIES / CONVAC_MAX_MEMORY are the command line's defaults, not the library's."""
        from symbolic.limits import Limits, limits

        monkeypatch.setenv("CONVAC_MAX_ENTRIES", "1000")
        monkeypatch.setenv("CONVAC_MAX_MEMORY", "1M")
        assert limits() == Limits()
        assert grid_tensor(shallow(N=10, M=2, Z=1, seed=0)).size == 1024


def test_tensorly_missing_is_one_line_naming_the_extra(monkeypatch):
    import sys

    from symbolic.tensor.grid import GridTensor

    monkeypatch.setitem(sys.modules, "tensorly", None)
    with pytest.raises(ImportError, match=r"convac\[tensorly\]"):
        GridTensor.from_entries((2,), [1, 2]).to_tensorly()
