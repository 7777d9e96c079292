"""Tensors as numpy and TensorLy see them (issue 22): ``np.asarray`` is the M^N array, exact by default;
a shallow linear/product net exports its CP decomposition."""

from fractions import Fraction

import numpy as np
import pytest

from symbolic import deep, grid_tensor, shallow
from symbolic.errors import DomainError
from symbolic.tensor.grid import GridTensor

tl = pytest.importorskip("tensorly")

from symbolic.tensor.export import to_cp_tensor  # noqa: E402


def test_asarray_is_the_exact_array():
    A = GridTensor.from_entries((2, 2), [1, Fraction(1, 2), 0, -3])
    a = np.asarray(A)
    assert a.shape == (2, 2) and a.dtype == object and a[0, 1] == Fraction(1, 2)
    assert np.asarray(A, dtype=float)[0, 1] == 0.5
    assert A.to_numpy(float).dtype == np.float64
    assert A.to_dict() == {"shape": [2, 2], "entries": [1, "1/2", 0, -3]}


@pytest.mark.parametrize("seed", range(4))
def test_cp_export_is_the_grid_tensor(seed):
    s = shallow(N=3, M=3, Z=2, seed=seed, denominators=(1, 2, 3), F=[[1, 2, 0], [0, 1, -1], [3, 0, 1]])
    assert (tl.cp_to_tensor(to_cp_tensor(s)) == grid_tensor(s).to_numpy()).all()
    assert (tl.to_numpy(grid_tensor(s).to_tensorly()) == grid_tensor(s).to_numpy()).all()


def test_cp_export_refuses_what_is_not_ordinary():
    with pytest.raises(DomainError, match="HT"):
        to_cp_tensor(deep(N=4, M=2, seed=0))
    with pytest.raises(DomainError, match="ordinary CP"):
        to_cp_tensor(shallow(N=2, M=2, activation="relu", pooling="max", seed=0))
