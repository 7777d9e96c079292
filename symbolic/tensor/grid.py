"""Grid tensors: immutable, exact, row-major (mode 0 slowest).

A grid tensor A of a network with N patches and M templates has
A[d_0, ..., d_{N-1}] = h(x^(d_0), ..., x^(d_{N-1})) (eq. 3 of the ICML paper).
Its values are held as a read-only numpy array ``data`` together with a
positive integer ``denominator`` (the exact value is ``data / denominator``;
``data`` holds Python ints or sympy expressions), or, for the modular engine,
as int64 residues modulo a prime ``modulus``.

>>> import numpy as np
>>> A = GridTensor.from_entries((2, 2), [1, Fraction(1, 2), 0, -3])
>>> A.shape, A.denominator
((2, 2), 2)
>>> A[0, 1]
Fraction(1, 2)
>>> A.entries()
(1, Fraction(1, 2), 0, -3)
>>> A.to_dict()
{'shape': [2, 2], 'entries': [1, '1/2', 0, -3]}
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from itertools import product as _iproduct

import numpy as np

from symbolic.cost import validate_entries
from symbolic.limits import DEFAULT_MAX_ENTRIES
from symbolic.errors import ShapeError
from symbolic.numbers import lcm_of_denominators, to_json_number

__all__ = ["GridTensor", "validate_size", "MAX_ENTRIES"]


def require_tensorly():
    """TensorLy, or a one-line error naming the optional extra."""
    try:
        import tensorly
    except ImportError:
        raise ImportError("TensorLy export needs tensorly: pip install 'convac[tensorly]'") from None
    return tensorly

#: Default largest number of grid-tensor entries any engine agrees to build (``--max-entries`` changes it;
#: see :mod:`symbolic.cost`, which every size check goes through).
MAX_ENTRIES = DEFAULT_MAX_ENTRIES


def validate_size(entries: int, bytes_per_entry: int, what: str, limit_bytes: int | None = None) -> None:
    """Refuse work that would not fit, saying how large it would be: the limits of :mod:`symbolic.cost`
    (``--max-entries``, ``--max-memory``; ``limit_bytes`` lowers the memory limit).

    >>> validate_size(10**12, 8, "the grid tensor of N=40, M=2")
    Traceback (most recent call last):
    ...
    symbolic.errors.TooLarge: the grid tensor of N=40, M=2 would have 1,000,000,000,000 entries (about 7.3 TiB); the
    limit is 16,777,216 entries (--max-entries)
    """
    validate_entries(entries, bytes_per_entry, what, limit_bytes)


def _frozen(a: np.ndarray) -> np.ndarray:
    a = np.asarray(a)
    a.setflags(write=False)
    return a


@dataclass(frozen=True, eq=False)
class GridTensor:
    """An immutable order-N tensor with exact entries.

    Parameters
    ----------
    shape : tuple of int
        ``(M, ..., M)``, one entry per mode (patch).
    data : numpy.ndarray
        Read-only array of that shape: Python ints or sympy expressions
        (``dtype=object``), or int64 residues when ``modulus`` is set.
    denominator : int
        Positive; the exact entries are ``data / denominator``.
    modulus : int or None
        When set, entries are residues modulo this prime (the modular engine).
    """

    shape: tuple
    data: np.ndarray
    denominator: int = 1
    modulus: int | None = None

    def __post_init__(self):
        shape = tuple(int(s) for s in self.shape)
        object.__setattr__(self, "shape", shape)
        data = np.asarray(self.data)
        if data.shape != shape:
            raise ShapeError(f"data has shape {data.shape} but shape={shape}")
        if not isinstance(self.denominator, int) or self.denominator < 1:
            raise ShapeError(f"denominator={self.denominator!r}: expected a positive int")
        if self.modulus is not None and self.denominator != 1:
            raise ShapeError("a modular grid tensor has denominator 1")
        object.__setattr__(self, "data", _frozen(data))

    # -- construction -------------------------------------------------------------
    @classmethod
    def from_entries(cls, shape, entries) -> "GridTensor":
        """Build from row-major exact entries (ints, Fractions or sympy expressions)."""
        shape = tuple(shape)
        entries = list(entries)
        if len(entries) != math.prod(shape):
            raise ShapeError(f"{len(entries)} entries given for shape {shape} ({math.prod(shape)} expected)")
        if all(isinstance(e, (int, Fraction)) and not isinstance(e, bool) for e in entries):
            den = lcm_of_denominators(entries)
            ints = [int(e * den) for e in entries]
            return cls(shape, np.array(ints, dtype=object).reshape(shape), den)
        arr = np.empty(len(entries), dtype=object)
        arr[:] = entries
        return cls(shape, arr.reshape(shape), 1)

    # -- access ---------------------------------------------------------------------
    @property
    def order(self) -> int:
        return len(self.shape)

    @property
    def size(self) -> int:
        return math.prod(self.shape)

    @property
    def is_symbolic(self) -> bool:
        return self.modulus is None and self.data.dtype == object and any(
            hasattr(x, "free_symbols") for x in self.data.flat
        )

    def _value(self, x):
        if self.modulus is not None:
            return int(x)
        if isinstance(x, (int, np.integer)):
            x = int(x)
            if self.denominator == 1:
                return x
            q = Fraction(x, self.denominator)
            return q.numerator if q.denominator == 1 else q
        if self.denominator == 1:
            return x
        return x / self.denominator

    def __getitem__(self, index):
        if isinstance(index, (int, np.integer)):
            index = (index,)
        return self._value(self.data[tuple(index)])

    def entries(self) -> tuple:
        """All entries, row-major (d_0 slowest), as ints, Fractions or sympy expressions."""
        return tuple(self._value(x) for x in self.data.flat)

    def indices(self):
        """The index tuples in row-major order."""
        return _iproduct(*(range(s) for s in self.shape))

    # -- comparison -----------------------------------------------------------------
    def __eq__(self, other):
        if not isinstance(other, GridTensor):
            return NotImplemented
        if self.shape != other.shape or self.modulus != other.modulus:
            return False
        if self.modulus is not None:
            return bool(np.array_equal(self.data, other.data))
        if self.data.dtype == object or other.data.dtype == object:
            a = self.data.astype(object) * other.denominator
            b = other.data.astype(object) * self.denominator
            diff = a - b
            return all((d == 0) if isinstance(d, (int, np.integer)) else _sym_zero(d) for d in diff.flat)
        return bool(np.array_equal(self.data * other.denominator, other.data * self.denominator))

    # No __hash__: a class that defines __eq__ gets __hash__ = None from Python, and @dataclass(eq=False) leaves it
    # so; a GridTensor is unhashable, like the numpy array of its entries.

    def reduce_mod(self, p: int) -> "GridTensor":
        """The residues of the entries modulo a prime p (the denominator inverted mod p)."""
        from sympy import isprime

        if not isprime(p):
            raise ShapeError(f"modulus={p} is not a prime")
        if self.modulus is not None:
            if self.modulus != p:
                raise ShapeError(f"tensor is modulo {self.modulus}, cannot reduce modulo {p}")
            return self
        if self.denominator % p == 0:
            raise ShapeError(f"prime {p} divides the denominator {self.denominator}")
        inv = pow(self.denominator, -1, p)
        if self.data.dtype != object:
            res = (self.data.astype(np.int64) % p) * inv % p
        elif all(type(x) is int for x in self.data.flat):
            res = np.array([x % p for x in self.data.flat], dtype=np.int64).reshape(self.shape) * inv % p
        else:  # Fractions or sympy rationals: reduce numerator and denominator separately
            vals = []
            for x in self.data.flat:
                q = Fraction(str(x)) if not isinstance(x, (int, Fraction)) else Fraction(x)
                if q.denominator % p == 0:
                    raise ShapeError(f"prime {p} divides the denominator of the entry {q}")
                vals.append(q.numerator % p * pow(q.denominator, -1, p) % p)
            res = np.array(vals, dtype=np.int64).reshape(self.shape) * inv % p
        return GridTensor(self.shape, res, 1, p)

    # -- export ----------------------------------------------------------------------
    def to_sympy(self):
        """An immutable sympy ``Array`` with the exact entries."""
        import sympy

        return sympy.ImmutableDenseNDimArray([sympy.sympify(e, strict=True) for e in self.entries()], self.shape)

    def to_numpy(self, dtype=object) -> np.ndarray:
        """The M^N array of entries, as numpy holds it.

        Parameters
        ----------
        dtype : numpy dtype, default ``object``
            ``object`` keeps the exact entries (Python ints, ``Fraction`` s, sympy expressions, or the
            residues of a modular tensor); a float dtype rounds, and only on explicit request.

        Returns
        -------
        numpy.ndarray
            A fresh array of shape ``self.shape``.

        Examples
        --------
        >>> A = GridTensor.from_entries((2, 2), [1, Fraction(1, 2), 0, -3])
        >>> A.to_numpy()
        array([[1, Fraction(1, 2)],
               [0, -3]], dtype=object)
        >>> A.to_numpy(float)
        array([[ 1. ,  0.5],
               [ 0. , -3. ]])
        >>> np.asarray(A).shape
        (2, 2)
        """
        out = np.empty(self.size, dtype=object)
        out[:] = list(self.entries())
        out = out.reshape(self.shape)
        return out if np.dtype(dtype) == np.dtype(object) else out.astype(dtype)

    def __array__(self, dtype=None, copy=None):
        """``np.asarray(A)``: :meth:`to_numpy` (exact, object dtype unless ``dtype`` asks otherwise)."""
        if copy is False:
            raise ValueError("a GridTensor's exact entries cannot be exposed without a copy")
        return self.to_numpy(object if dtype is None else dtype)

    def to_tensorly(self):
        """This tensor as a dense TensorLy tensor (``pip install convac[tensorly]``), exact entries in an
        object array; see :func:`symbolic.tensor.decompositions.to_tensorly` for the CP form of a shallow net.

        Returns
        -------
        tensorly tensor (numpy backend)
        """
        tl = require_tensorly()
        return tl.tensor(self.to_numpy(), dtype=object)

    def to_dict(self) -> dict:
        """``{"shape": [...], "entries": [...]}`` with JSON ints, ``"p/q"`` strings or sympy strings."""
        return {"shape": list(self.shape), "entries": [to_json_number(e) for e in self.entries()]}

    def __repr__(self):
        kind = f", modulus={self.modulus}" if self.modulus else ""
        if self.size <= 16:
            return f"GridTensor(shape={self.shape}, entries={list(self.entries())}{kind})"
        return f"GridTensor(shape={self.shape}, {self.size} entries{kind})"

    def _repr_latex_(self):  # pragma: no cover - notebook rendering
        """Order >= 2: the matrix [A]_halves, with the convention stated; None when large."""
        import sympy

        if self.size > 256:
            return None
        if self.order == 1:
            body, note = [list(self.entries())], r"\mathcal{A}[d_0]"
        else:
            h = self.order // 2  # [A]_halves: modes 0..h-1 on the rows, row-major, so a plain reshape
            body = [[self._value(x) for x in row] for row in self.data.reshape(math.prod(self.shape[:h]), -1)]
            r, c = (", ".join(f"d_{i}" for i in g) for g in (range(h), range(h, self.order)))
            note = (rf"[\mathcal{{A}}]_{{\text{{halves}}}}:\ \text{{rows }}({r}),\ \text{{columns "
                    rf"}}({c}),\ \text{{row-major}}")
        mod = rf"\ (\mathrm{{mod}}\ {self.modulus})" if self.modulus else ""
        return ("$" + sympy.latex(sympy.Matrix([[sympy.sympify(x, strict=True) for x in row] for row in body])) + mod
                + r"\quad " + note + "$")


def _sym_zero(d) -> bool:
    import sympy

    if d == 0:
        return True
    return sympy.expand(sympy.sympify(d, strict=True)) == 0
