"""Matricization [A]_I of a grid tensor: rows indexed by the modes in I, columns by the rest.

The convention (design.md section 1; spec-format.md, *Matricization*): the row modes
``I`` and the column modes (the complement) are each taken in increasing mode order and
flattened row-major, so the first mode of a group varies slowest.  In numpy terms,
``[A]_I = A.transpose(I + J).reshape(prod(shape[I]), prod(shape[J]))``.

Named partitions: ``odd-even`` is I = {0, 2, 4, ...} (the paper's odd modes, counted
from 1) and ``halves`` is I = {0, ..., floor(N/2) - 1}.

Example: the 2 x 2 x 2 x 2 tensor with A[d0, d1, d2, d3] = 8 d0 + 4 d1 + 2 d2 + d3 (its
entries 0..15 in row-major order).  Matricized ``odd-even``, row r is the row-mode
index tuple (d0, d2) with r = 2 d0 + d2, and column c is (d1, d3) with c = 2 d1 + d3:

>>> from symbolic.tensor.grid import GridTensor
>>> A = GridTensor.from_entries((2, 2, 2, 2), range(16))
>>> m = matricize(A, "odd-even")
>>> m.rows, m.cols
((0, 2), (1, 3))
>>> for r, row in enumerate(m.matrix):
...     print(m.row_index(r), *row)
(0, 0) 0 1 4 5
(0, 1) 2 3 6 7
(1, 0) 8 9 12 13
(1, 1) 10 11 14 15
>>> m.col_index(2)
(1, 0)

So the entry in row (d0, d2) = (0, 1) and column (d1, d3) = (1, 0) is A[0, 1, 1, 0] = 6.
``halves`` puts (d0, d1) on the rows and (d2, d3) on the columns, which for this tensor
is the plain row-major reshape:

>>> for row in matricize(A, "halves").matrix:
...     print(*row)
0 1 2 3
4 5 6 7
8 9 10 11
12 13 14 15
>>> fold(m) == A
True
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from symbolic.errors import ShapeError
from symbolic.tensor.grid import GridTensor

__all__ = [
    "NAMED_PARTITIONS",
    "parse_partition",
    "Matricization",
    "matricize",
    "fold",
    "matricize_array",
    "fold_array",
]

#: Partition names understood by :func:`parse_partition`.
NAMED_PARTITIONS = ("odd-even", "halves")

_ALLOWED = "'odd-even', 'halves', a comma list such as '0,3,5', or a sequence of ints"


def parse_partition(partition, N: int) -> tuple:
    """The row modes I of a partition of the modes 0..N-1, in increasing order.

    Parameters
    ----------
    partition : str or sequence of int
        ``"odd-even"`` (I = {0, 2, 4, ...}), ``"halves"`` (I = {0, ..., floor(N/2) - 1}),
        a comma list string such as ``"0,3,5"``, or a sequence of ints.
    N : int
        Number of modes (patches), at least 2.

    Returns
    -------
    tuple of int
        The row modes, sorted; a nonempty proper subset of ``range(N)``.

    Raises
    ------
    ShapeError
        For an unknown name, a mode out of range, a repeated mode, or a set that is
        empty or contains every mode.

    Examples
    --------
    >>> parse_partition("odd-even", 6), parse_partition("halves", 5), parse_partition("3,0", 4)
    ((0, 2, 4), (0, 1), (0, 3))
    >>> parse_partition("0,7", 4)
    Traceback (most recent call last):
    ...
    symbolic.errors.ShapeError: partition '0,7': mode 7 is out of range 0..3 for N=4
    """
    if isinstance(N, bool) or not isinstance(N, (int, np.integer)) or N < 2:
        raise ShapeError(f"N={N!r}: expected an int >= 2 (a partition needs two nonempty groups)")
    N = int(N)
    label = f"partition {partition!r}"
    text = partition.strip() if isinstance(partition, str) else None
    if text == "odd-even":
        modes = list(range(0, N, 2))
    elif text == "halves":
        modes = list(range(N // 2))
    else:
        modes = _listed_modes(partition, label)
    for x in modes:
        if not 0 <= x < N:
            raise ShapeError(f"{label}: mode {x} is out of range 0..{N - 1} for N={N}")
    if not 0 < len(modes) < N:
        raise ShapeError(
            f"{label}: gives {len(modes)} row modes for N={N}; allowed: a nonempty proper subset of 0..{N - 1}"
        )
    return tuple(sorted(modes))


def _listed_modes(partition, label: str) -> list:
    """The modes of a comma list or a sequence of ints, distinct (any ints: the range depends on N)."""
    if isinstance(partition, str):
        text = partition.strip()
        parts = [s.strip() for s in text.split(",")]
        if not text or not all(s.lstrip("-").isdigit() for s in parts):
            raise ShapeError(f"{label}: expected {_ALLOWED}")
        modes = [int(s) for s in parts]
    else:
        try:
            modes = list(partition)
        except TypeError:
            raise ShapeError(f"{label}: expected {_ALLOWED}") from None
        for x in modes:
            if isinstance(x, bool) or not isinstance(x, (int, np.integer)):
                raise ShapeError(f"{label}: mode {x!r} is not an int; expected {_ALLOWED}")
        modes = [int(x) for x in modes]
    if len(set(modes)) != len(modes):
        dup = sorted(x for x in set(modes) if modes.count(x) > 1)
        raise ShapeError(f"{label}: mode {dup[0]} is repeated")
    return modes


def check_partition_spelling(partition) -> None:
    """Read a partition before N is known (a conjecture about a family): a name, or distinct modes >= 0, at least
    one; :func:`parse_partition` checks the rest against each network's N.

    >>> check_partition_spelling("0,3")
    >>> check_partition_spelling("0,-1")
    Traceback (most recent call last):
    ...
    symbolic.errors.ShapeError: partition '0,-1': mode -1 is not a mode (modes are 0, 1, ..., N - 1)
    """
    if isinstance(partition, str) and partition.strip() in ("odd-even", "halves"):
        return
    label = f"partition {partition!r}"
    modes = _listed_modes(partition, label)
    bad = next((x for x in modes if x < 0), None)
    if bad is not None:
        raise ShapeError(f"{label}: mode {bad} is not a mode (modes are 0, 1, ..., N - 1)")
    if not modes:
        raise ShapeError(f"{label}: gives no row modes; allowed: a nonempty proper subset of 0..N-1")


def _complement(rows: tuple, N: int) -> tuple:
    return tuple(d for d in range(N) if d not in rows)


def matricize_array(array: np.ndarray, rows) -> np.ndarray:
    """The matricization of an order-N numpy array (a new read-only array of the same dtype).

    ``rows`` is anything :func:`parse_partition` accepts.

    >>> matricize_array(np.arange(8).reshape(2, 2, 2), "odd-even").tolist()
    [[0, 2], [1, 3], [4, 6], [5, 7]]
    """
    array = np.asarray(array)
    rows = parse_partition(rows, array.ndim)
    cols = _complement(rows, array.ndim)
    shape = array.shape
    out = np.ascontiguousarray(np.transpose(array, rows + cols)).reshape(
        math.prod(shape[d] for d in rows), math.prod(shape[d] for d in cols)
    )
    out.setflags(write=False)
    return out


def fold_array(matrix: np.ndarray, shape, rows) -> np.ndarray:
    """The inverse of :func:`matricize_array`: the order-N array of ``shape`` (read-only).

    >>> a = np.arange(24).reshape(2, 3, 4)
    >>> bool((fold_array(matricize_array(a, "1"), a.shape, "1") == a).all())
    True
    """
    matrix = np.asarray(matrix)
    shape = tuple(int(s) for s in shape)
    rows = parse_partition(rows, len(shape))
    cols = _complement(rows, len(shape))
    want = (math.prod(shape[d] for d in rows), math.prod(shape[d] for d in cols))
    if matrix.shape != want:
        raise ShapeError(
            f"matrix has shape {matrix.shape} but shape={shape} with row modes {rows} needs {want}"
        )
    perm = rows + cols
    inverse = tuple(int(i) for i in np.argsort(perm))
    out = np.ascontiguousarray(np.transpose(matrix.reshape([shape[d] for d in perm]), inverse))
    out.setflags(write=False)
    return out


@dataclass(frozen=True, eq=False)
class Matricization:
    """The matrix [A]_I of a grid tensor, with what is needed to fold it back.

    Parameters
    ----------
    rows, cols : tuple of int
        Row modes I and column modes (the complement), each increasing.
    matrix : numpy.ndarray
        Read-only 2-D array with the dtype of the tensor data (object: Python ints or
        sympy expressions; int64 residues when ``modulus`` is set).  Row r is the index
        tuple of the row modes given by ``np.unravel_index(r, shape[rows])``.
    shape : tuple of int
        Shape of the matricized tensor.
    denominator : int
        Positive; the exact entries are ``matrix / denominator``.
    modulus : int or None
        Set when the entries are residues modulo this prime.

    Examples
    --------
    >>> m = matricize(GridTensor.from_entries((2, 2), [1, 2, 3, 4]), [1])
    >>> m
    Matricization(rows=(1,), cols=(0,), shape=(2, 2), matrix=[[1, 3], [2, 4]])
    """

    rows: tuple
    cols: tuple
    matrix: np.ndarray
    shape: tuple
    denominator: int = 1
    modulus: int | None = None

    def __post_init__(self):
        shape = tuple(int(s) for s in self.shape)
        rows = parse_partition(self.rows, len(shape))
        cols = tuple(int(c) for c in self.cols)
        if cols != _complement(rows, len(shape)):
            raise ShapeError(
                f"cols={cols}: expected the complement {_complement(rows, len(shape))} of rows={rows}"
            )
        matrix = np.asarray(self.matrix)
        want = (math.prod(shape[d] for d in rows), math.prod(shape[d] for d in cols))
        if matrix.shape != want:
            raise ShapeError(f"matrix has shape {matrix.shape}; rows={rows} of shape={shape} need {want}")
        if isinstance(self.denominator, bool) or not isinstance(self.denominator, int) or self.denominator < 1:
            raise ShapeError(f"denominator={self.denominator!r}: expected a positive int")
        if self.modulus is not None and self.denominator != 1:
            raise ShapeError(f"denominator={self.denominator}: a modular matricization has denominator 1")
        if matrix.flags.writeable:
            matrix = matrix.copy()
            matrix.setflags(write=False)
        for name, value in (("rows", rows), ("cols", cols), ("matrix", matrix), ("shape", shape)):
            object.__setattr__(self, name, value)

    @property
    def row_shape(self) -> tuple:
        """Sizes of the row modes."""
        return tuple(self.shape[d] for d in self.rows)

    @property
    def col_shape(self) -> tuple:
        """Sizes of the column modes."""
        return tuple(self.shape[d] for d in self.cols)

    def row_index(self, r: int) -> tuple:
        """The values (d_i for i in rows) that row ``r`` stands for."""
        return tuple(int(x) for x in np.unravel_index(r, self.row_shape))

    def col_index(self, c: int) -> tuple:
        """The values (d_j for j in cols) that column ``c`` stands for."""
        return tuple(int(x) for x in np.unravel_index(c, self.col_shape))

    def fold(self) -> GridTensor:
        """Delegates to :func:`fold`."""
        return fold(self)

    def __repr__(self):
        body = self.matrix.tolist() if self.matrix.size <= 16 else f"<{self.matrix.shape[0]} x {self.matrix.shape[1]}>"
        extra = (f", denominator={self.denominator}" if self.denominator != 1 else "") + (
            f", modulus={self.modulus}" if self.modulus is not None else ""
        )
        return f"Matricization(rows={self.rows}, cols={self.cols}, shape={self.shape}, matrix={body}{extra})"


def matricize(tensor: GridTensor, rows) -> Matricization:
    """The matricization [A]_I of a grid tensor (rows: the modes in I).

    [A]_{I,J} arranges the entries of A as a matrix whose rows are indexed by the modes in I and
    columns by the complement J, both in row-major order (ICLR 2017 eq. (1); docs/paper-notes.md
    D10). ``"odd-even"`` is the odd/even matricization of ICML 2016 and COLT 2016 (0-based modes
    0, 2, 4, ... as rows), whose rank bounds the shallow net's channels Z from below.

    Parameters
    ----------
    tensor : GridTensor
        The grid tensor A, of order N.
    rows : str or sequence of int
        The row modes I: anything :func:`parse_partition` accepts (``"odd-even"``, ``"halves"``,
        ``"0,3"``, or 0-based ints).

    Returns
    -------
    Matricization
        Frozen: ``matrix`` (read-only, prod_{i in I} M_i rows), the ``rows`` and ``cols`` modes,
        and the tensor's shape, denominator and modulus (to fold it back).

    Raises
    ------
    ShapeError
        If ``tensor`` is not a GridTensor or ``rows`` is not a partition of its modes.

    Examples
    --------
    >>> A = GridTensor.from_entries((2, 2, 2), range(8))
    >>> matricize(A, "odd-even").matrix.tolist()
    [[0, 2], [1, 3], [4, 6], [5, 7]]
    """
    if not isinstance(tensor, GridTensor):
        raise ShapeError(f"tensor: expected a GridTensor, got {type(tensor).__name__}")
    row_modes = parse_partition(rows, tensor.order)
    return Matricization(
        rows=row_modes,
        cols=_complement(row_modes, tensor.order),
        matrix=matricize_array(tensor.data, row_modes),
        shape=tensor.shape,
        denominator=tensor.denominator,
        modulus=tensor.modulus,
    )


def fold(matricization: Matricization) -> GridTensor:
    """The grid tensor a :class:`Matricization` came from (the inverse of :func:`matricize`).

    >>> A = GridTensor.from_entries((2, 3), range(6))
    >>> fold(matricize(A, [1])) == A
    True
    """
    m = matricization
    if not isinstance(m, Matricization):
        raise ShapeError(f"matricization: expected a Matricization, got {type(m).__name__}")
    data = fold_array(m.matrix, m.shape, m.rows)
    return GridTensor(m.shape, data, m.denominator, m.modulus)
