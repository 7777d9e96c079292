"""The kernel's own cost model: every step it takes on input is estimated, and refused over the limit, first.

A small answer file can ask for enormous work: a 2^26-point forward pass, a 2^24-entry symbolic tensor,
integers raised to huge powers during a substitution, a certificate expression such as
``(a1 + ... + a9)^64`` to expand.  Before each such step the kernel estimates it from the (already
validated) sizes alone, with nothing computed, and refuses what exceeds its :class:`Budget`
(:class:`~symbolic.errors.TooLarge`: one line naming the step, the estimate and the limit; recheck exits 2).

The budget is set by ``convac recheck --max-memory SIZE --max-entries N`` (the same flags as the other
commands, the same defaults: 4 GiB, 2^24 entries) or, in Python, ``recheck(obj, budget=Budget(...))``.

Estimates (each an upper bound of the order of what the step holds or does):

- grid points of a forward pass: M^N per output, <= ``entries``; bytes: 8 per point modulo a prime,
  ~120 per exact rational point, ``symbolic_bytes`` per symbolic entry (tree size of one entry);
- symbols of a symbolic network (``"weights": "symbolic"``): the weight count, <= ``entries``;
- expansion of an expression: the number of terms of its full expansion (multinomial counts for powers,
  products for products), <= ``entries / 16``;
- integers: the bit size of a value after substitution (degree x bits of the point) or of an exact grid
  entry, <= memory / 4096 bits, and the word operations of an exact forward pass of big numbers;
- matrix products in a certificate: rows x inner x columns x word size of the entries, <= 64 * entries;
- Gaussian elimination modulo a prime of an n x m matrix: sum_{i < min(n, m)} (n - i)(m - i) multiply-adds, each
  a word operation for python-flint's ``nmod_mat`` and 1/64 of one in the float64 BLAS elimination (0.17 ns
  against 0.7 ns a multiply-add, 2 cores: :mod:`~symbolic.kernel.blas_elimination`, vectorized), per prime.

>>> with budget(Budget(memory=1 << 30, entries=1 << 20)):
...     grid_points(2, 26, 1, "exact")
Traceback (most recent call last):
...
symbolic.errors.TooLarge: not re-checked: grid points of the forward pass (M=2, N=26): 67,108,864, over the kernel's
limit of 1,048,576 (--max-entries 2^26 lifts it)
>>> import sympy
>>> a = sympy.symbols("a0:9")
>>> expansion_terms(sum(a) ** 64) > 10**10
True
"""

from __future__ import annotations

import contextlib
import contextvars
import math
from dataclasses import dataclass

from .lazy import sympy

from ..errors import TooLarge

GiB = 1 << 30


@dataclass(frozen=True)
class Budget:
    """What the kernel may spend on one answer: bytes of memory and entries (grid points, symbols)."""

    memory: int = 4 * GiB
    entries: int = 1 << 24

    @property
    def terms(self) -> int:
        return max(1 << 12, self.entries // 16)


_BUDGET = contextvars.ContextVar("kernel_budget", default=Budget())


def current() -> Budget:
    return _BUDGET.get()


@contextlib.contextmanager
def budget(b: Budget):
    """Run the enclosed checks under budget ``b``."""
    token = _BUDGET.set(b)
    try:
        yield b
    finally:
        _BUDGET.reset(token)


def refuse(what: str, size: int, limit: int, flag: str, unit: str = "", needed: int | None = None):
    """Raise TooLarge naming the step, its size, the limit and the value of ``flag`` (of convac recheck, verify,
    rank, ...) that lifts it: ``needed`` entries (as the next power of two) or bytes (in whole GiB)."""
    need = needed if needed is not None else size
    value = f"2^{max(0, need - 1).bit_length()}" if flag == "--max-entries" else f"{-(-need // GiB)}G"
    raise TooLarge(f"not re-checked: {what}: {size:,}{unit}, over the kernel's limit of {limit:,}{unit} "
                   f"({flag} {value} lifts it)")


def parse_size(text: str, field: str = "--max-memory") -> int:
    """``8G``, ``500M``, ``2^30`` or an int: bytes."""
    t = str(text).strip().upper().removesuffix("B").removesuffix("I")
    mult = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40}.get(t[-1:], 1)
    v = _count(t[:-1] if mult > 1 else t, field)
    return v * mult


def parse_count(text: str, field: str = "--max-entries") -> int:
    """``2^26``, ``1000000`` or ``1e6``-free integers: a count."""
    return _count(str(text).strip(), field)


def _count(t: str, field: str) -> int:
    if "^" in t:
        b, _, e = t.partition("^")
        if b.isdigit() and e.isdigit() and len(b) <= 4 and len(e) <= 3 and int(e) <= 80:
            return max(1, int(b) ** int(e))
    elif t.isdigit() and len(t) <= 30:
        return max(1, int(t))
    raise TooLarge(f"{field}={t[:20]!r}: expected a positive integer, 2^k, or a size such as 8G")


# -- the estimates ------------------------------------------------------------------------------
def grid_points(M: int, N: int, outputs: int, kind: str, entry_size: int = 1, bits: int = 0, weights: int = 1):
    """A forward pass over M^N grid points (``kind``: modular, exact or symbolic; ``entry_size``: the tree
    size of one symbolic entry; ``bits``: the bit size of one exact entry)."""
    b = current()
    points = M ** N
    if points > b.entries:
        refuse(f"grid points of the forward pass (M={M}, N={N})", points, b.entries, "--max-entries")
    limit = value_bits_limit()
    if bits > limit:
        refuse(f"bits of one grid entry of the forward pass (M={M}, N={N})", bits, limit, "--max-memory",
               needed=bits * 4096)
    # big numbers: about one multiplication per weight per point, each (bits / 64)^1.6 word operations; at most
    # 4096 per allowed entry (2^36 at the default 2^24 entries)
    ops = points * max(1, weights) * max(1, int((bits / 64) ** 1.6))
    if bits > 64 and ops > b.entries << 12:
        refuse(f"word operations of the exact forward pass (M={M}, N={N}, {bits:,}-bit entries)", ops,
               b.entries << 12, "--max-entries", needed=-(-ops >> 12))
    per = {"modular": 24, "exact": 120 + bits // 8}.get(kind, 120 * max(1, entry_size))
    need_bytes = points * outputs * per
    if need_bytes > b.memory:
        refuse(f"memory of the {kind} forward pass (M={M}, N={N}, {outputs} output(s))", need_bytes, b.memory,
               "--max-memory", " bytes")


def symbols(count: int, what: str = "the symbolic network"):
    b = current()
    if count > b.entries:
        refuse(f"weights of {what}", count, b.entries, "--max-entries")


def entries(count: int, what: str):
    """A step that holds ``count`` exact entries (stacked tensors, a matrix product's output, ...)."""
    b = current()
    if count > b.entries:
        refuse(what, count, b.entries, "--max-entries", " entries")


def memory(nbytes: int, what: str):
    """A step holding ``nbytes`` bytes at once: at most the memory budget."""
    b = current()
    if nbytes > b.memory:
        refuse(f"memory of {what}", nbytes, b.memory, "--max-memory", unit=" B")


def lcm_bits(denominators) -> int:
    """The bits of the lcm of ``denominators`` (positive ints), computed over the distinct ones and stopped past
    2^24 bits (then the sum of their bits, an upper bound, is returned: any budget refuses that anyway)."""
    ds, L = set(denominators), 1
    for q in ds:
        L = L // math.gcd(L, q) * q
        if L.bit_length() > 1 << 24:
            return sum(d.bit_length() for d in ds)
    return L.bit_length()


def elimination_work(n: int, m: int) -> int:
    """Multiply-adds modulo p of Gaussian elimination of an n x m matrix, at most: sum_{i < min(n, m)} (n-i)(m-i).

    >>> elimination_work(3, 3), elimination_work(256, 256)
    (14, 5625216)
    """
    r = min(n, m)
    return r * n * m - (n + m) * r * (r - 1) // 2 + (r - 1) * r * (2 * r - 1) // 6


def elimination(n: int, m: int, what: str, *, blas: bool, primes: int = 1):
    """Eliminations of an n x m matrix modulo ``primes`` primes, by python-flint (a word operation per
    multiply-add) or by the float64 BLAS elimination (``blas``: 1/64 of one)."""
    units = primes * elimination_work(n, m)
    work(units // 64 if blas else units, what)


def work(units: int, what: str):
    """A step of ``units`` word operations (matrix products of big numbers): at most 64 per allowed entry."""
    b = current()
    if units > 64 * b.entries:
        refuse(f"word operations of {what}", units, 64 * b.entries, "--max-entries", needed=-(-units // 64))


def expansion_terms(e, memo=None) -> int:
    """An upper bound on the number of terms of ``sympy.expand(e)`` (computed from the tree, nothing
    expanded): sums add, products multiply, a power of a t-term base with exponent k has at most
    C(t + k - 1, k) terms; a function application counts as one term (its arguments are expanded
    separately, and counted by :func:`expansion_work`)."""
    memo = {} if memo is None else memo
    if not isinstance(e, sympy.Basic) or e.is_Atom:
        return 1
    if e in memo:
        return memo[e]
    if e.is_Add:
        t = sum(expansion_terms(a, memo) for a in e.args)
    elif e.is_Mul:
        t = math.prod(expansion_terms(a, memo) for a in e.args)
    elif e.is_Pow and e.exp.is_Integer and e.exp > 0:
        k, base = int(e.exp), expansion_terms(e.base, memo)
        t = math.comb(base + k - 1, k) if base > 1 else 1
    else:
        t = 1
    memo[e] = t
    return t


def expansion_work(e) -> int:
    """The terms of the expansion of ``e`` and of every function argument inside it (Max, Min, Abs, ...)."""
    if not isinstance(e, sympy.Basic):
        return 1
    memo: dict = {}
    total, stack, seen = expansion_terms(e), [e], set()
    while stack:
        x = stack.pop()
        for a in x.args:
            if isinstance(a, sympy.Basic) and not a.is_Atom and a not in seen:
                seen.add(a)
                if not (a.is_Add or a.is_Mul or a.is_Pow):
                    total += sum(expansion_terms(y, memo) for y in a.args)
                stack.append(a)
    return total


def expansion(e, what: str = "a zero test"):
    """Refuse to expand ``e`` when its expansion would have more terms than the budget allows."""
    t = expansion_work(e)
    b = current()
    if t > b.terms:
        refuse(f"terms of the expansion in {what}", t, b.terms, "--max-entries", needed=16 * t)


def degree(e, memo=None) -> int:
    """An upper bound on the total degree of a rational expression (numerator and denominator together)."""
    memo = {} if memo is None else memo
    if not isinstance(e, sympy.Basic) or e.is_Number:
        return 0
    if e.is_Symbol:
        return 1
    if e in memo:
        return memo[e]
    if e.is_Pow and e.exp.is_Integer:
        d = degree(e.base, memo) * abs(int(e.exp))
    elif e.is_Add:
        d = sum(degree(a, memo) for a in e.args)  # a sum of fractions: denominators multiply
    else:
        d = sum(degree(a, memo) for a in e.args)
    memo[e] = d
    return d


def value_bits_limit() -> int:
    """The largest exact value the kernel computes with: memory / 4096 bits (1 Mbit at the default 4 GiB;
    sympy's rational arithmetic on such numbers is already slow: a product of 40 of them takes seconds)."""
    return max(1 << 16, current().memory // 4096)


def substitution(exprs, point_bits: int, what: str = "the substitution of the point"):
    """Values of degree-d expressions at a point of ``point_bits``-bit rationals have about d * point_bits bits."""
    limit = value_bits_limit()
    memo: dict = {}
    for e in exprs:
        bits = degree(e, memo) * max(1, point_bits)
        if bits > limit:
            refuse(f"bits of a value in {what}", bits, limit, "--max-memory", needed=bits * 4096)


__all__ = ["Budget", "budget", "current", "grid_points", "symbols", "entries", "work", "expansion",
           "expansion_terms", "substitution", "parse_size", "parse_count"]
