"""Cost before work: how large a computation will be, estimated from the sizes alone, and refused
before anything is allocated when it does not fit.

Every command that computes (``grid``, ``rank``, ``verify``, ``check``, ``search``, ``plot``,
``spec``) and the spec loader ask this module first. An estimate counts what the engines really
hold, per entry, at the peak of the work (measured on this code, see :func:`int_bytes`):

- ``exact``: int64 (8 bytes) while the proven bound of the values stays below 2^62, a Python
  int beyond (an 8-byte pointer plus the int object: 32 bytes up to 30 bits, 4 more per 30 bits).
  The bits are propagated level by level from the weights, as the engine does: a convolution adds
  the bits of the largest row sum of |weights|, product pooling over w children multiplies them
  by w, sum and average pooling add log2 w, square doubles them. At the top of the tree the
  engine holds every channel of the top layer over all M^N grid points, then the outputs, then
  a reduced copy of the outputs;
- ``modular``: int64 residues (8 bytes) for polynomial operators; the exact cost plus the
  residues for the others (relu, max, ...: their values are computed exactly, then reduced);
- ``symbolic``: sympy expressions, about 16 KB per entry (measured 2-10 KB), and at most
  :data:`MAX_SYMBOLIC_ENTRIES` entries;
- a rank also holds its matrix in python-flint: about 68 bytes per entry modulo p, three
  copies of an fmpz (8 bytes, plus 16 and the limbs above 62 bits) per entry exactly.

Limits (the defaults are conservative for a 2-core machine with 24 GiB):

=====================  ===========================  =========================================
limit                  default                      set by
=====================  ===========================  =========================================
memory of one job      4 GiB                        ``limits=``, ``--max-memory 8G``, ``CONVAC_MAX_MEMORY``
grid entries           2^24 = 16,777,216            ``limits=``, ``--max-entries N``, ``CONVAC_MAX_ENTRIES``
symbolic entries       4,096                        :data:`MAX_SYMBOLIC_ENTRIES`
symbols of a spec      65,536                       :data:`MAX_SYMBOLS`
numeric weights        1,048,576                    :data:`MAX_WEIGHTS`
spec file              4 MiB                        :data:`MAX_SPEC_BYTES`
=====================  ===========================  =========================================

Limits are arguments (:mod:`symbolic.limits`): the public functions take ``limits=``, the command
line's ``--max-memory`` and ``--max-entries`` set the limits of its process (the environment variables
are only the defaults of those flags, read by the command line), and the worker processes of
``verify --jobs`` receive them with each task; the checks here read :func:`symbolic.limits.limits`.
A refusal is a :class:`~symbolic.errors.TooLarge` (exit status 2 on the command line) in one line: the
fields, the estimate and the limit.

>>> grid_cost(N=26, M=2, widths=(2,)).check()
Traceback (most recent call last):
...
symbolic.errors.TooLarge: N=26, M=2: the grid tensor has 67,108,864 entries (about 21 GiB with the exact engine); the
limit is 16,777,216 entries (--max-entries)
>>> c = grid_cost(N=8, M=8, widths=(8, 8, 8), window=2)
>>> c.entries, c.bits, format_bytes(c.bytes)
(16777216, 195, '10 GiB')
>>> grid_cost(N=8, M=8, widths=(8, 8, 8), window=2, engine="modular").check() is None   # the rank benchmark fits
True
>>> rank_cost(N=16, M=3, widths=(3, 3, 3, 3), window=2, rows=8).check()
Traceback (most recent call last):
...
symbolic.errors.TooLarge: N=16, M=3: the grid tensor has 43,046,721 entries (a 6,561 x 6,561 matrix; about 29 GiB with
the exact engine); the limit is 16,777,216 entries (--max-entries)
>>> validate_weights("shallow", N=2, M=65536, widths=(65536,), Y=1, where="--M 65536")
Traceback (most recent call last):
...
symbolic.errors.TooLarge: --M 65536: the network has 8,590,000,128 weights (hidden 65,536 x 2 x 65,536, output 1 x
65,536); the limit is 1,048,576 weights
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from symbolic.errors import TooLarge
from symbolic.limits import Limits, limits

__all__ = ["format_bytes", "format_count", "Cost", "grid_cost", "spec_grid_cost", "rank_cost", "spec_rank_cost",
           "weights_count", "validate_weights", "validate_entries", "int_bytes", "MAX_SYMBOLIC_ENTRIES", "MAX_SYMBOLS",
           "MAX_WEIGHTS", "MAX_SPEC_BYTES", "l1_bits"]

#: Largest grid tensor of the symbolic engine (sympy: seconds to minutes at this size).
MAX_SYMBOLIC_ENTRIES = 4096
#: Most weight symbols a symbolic spec may declare (Z, widths, Y and M of ``"weights": "symbolic"``).
MAX_SYMBOLS = 1 << 16
#: Most numeric weights a spec may hold (loaded at about 5 us each).
MAX_WEIGHTS = 1 << 20
#: Largest spec file or text (JSON): 4 MiB, read in about 2 s (room for about a million small weights).
MAX_SPEC_BYTES = 4 << 20
#: Bytes per entry of a sympy grid tensor (measured 2-10 KB on relu/max and ConvAC nets; rounded up).
SYMBOLIC_ENTRY_BYTES = 16 << 10
_HUGE = 1 << 4096  # stands for "more than anything": sizes are never computed beyond it


# ----------------------------------------------------------------------------- formatting
def format_count(n, about: bool = True) -> str:
    """``67,108,864``; powers of ten beyond 10^15 (``about 1.3 x 10^36``).

    >>> format_count(2**26), format_count(8**40), format_count(8**20, about=False), format_count(_HUGE)
    ('67,108,864', 'about 1.3 x 10^36', '1.1 x 10^18', 'more than 10^1000')
    """
    if n >= _HUGE:
        return "more than 10^1000"
    if n < 10**15:
        return f"{n:,}"
    digits = str(n)
    return f"{'about ' if about else ''}{digits[0]}.{digits[1]} x 10^{len(digits) - 1}"


def format_bytes(b) -> str:
    """Two significant digits, binary units: ``9.1 GiB``, ``512 MiB``; ``about 8.6 x 10^37 bytes`` beyond YiB.

    >>> format_bytes(4 << 30), format_bytes(9.7 * 2**30), format_bytes(1500), format_bytes(2**80), format_bytes(10**30)
    ('4 GiB', '9.7 GiB', '1.5 KiB', '1 YiB', '1.0 x 10^30 bytes')
    """
    if b >= 1024 ** 9:
        return f"{format_count(int(b), about=False)} bytes"
    b = float(b)
    for unit in ("B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB", "ZiB", "YiB"):
        if b < 1024 or unit == "YiB":
            break
        b /= 1024
    text = f"{b:.1f}" if b < 10 else f"{b:.0f}"
    return f"{text.removesuffix('.0')} {unit}"


def _about(text: str) -> str:
    return text if text.startswith("more than") else f"about {text}"


def _power(M: int, N: int) -> int:
    """M^N, or :data:`_HUGE` when it would have more than 4096 bits (never computed)."""
    if M <= 1:
        return max(M, 0)
    if N * math.log2(M) > 4000:
        return _HUGE
    return M**N


# ----------------------------------------------------------------------------- per-entry bytes
#: The most bits an estimate counts (an entry of 2^40 bits already exceeds every limit); keeps inf out.
_MAX_BITS = float(1 << 40)


def _pyint_bytes(bits: float) -> int:
    """A Python int object of that many bits, as pymalloc allocates it (28 + 4 per 30 bits, rounded to 8)."""
    bits = min(bits, _MAX_BITS) if bits == bits else _MAX_BITS
    return 8 * math.ceil((28 + 4 * max(1, math.ceil(bits / 30))) / 8)


def object_entry_bytes(bits: float) -> int:
    """Bytes of one entry of a numpy object array of Python ints of ``bits`` bits: a pointer and the int.

    >>> object_entry_bytes(20), object_entry_bytes(286)
    (40, 80)
    """
    return 8 + _pyint_bytes(bits)


def int_bytes(bits: float) -> int:
    """Bytes of one exact integer in an array of the exact engine: 8 (int64) below 2^62, else a pointer and an int.

    >>> int_bytes(20), int_bytes(62), int_bytes(200)
    (8, 48, 64)
    """
    return 8 if bits < 62 else 8 + _pyint_bytes(bits)


def _fmpz_bytes(bits: float) -> int:
    bits = min(bits, _MAX_BITS) if bits == bits else _MAX_BITS
    return 8 if bits < 62 else 8 + 16 + 8 * math.ceil(bits / 64)


# ----------------------------------------------------------------------------- the cost of a grid tensor
@dataclass(frozen=True)
class Cost:
    """An estimate: ``entries`` of the grid tensor(s), peak ``bytes``, and what they are.

    ``where`` names the fields (``N=26, M=2``), ``what`` the object, ``engine`` the engine whose
    per-entry sizes were counted; ``shape`` is the matrix of a rank, ``bits`` the largest
    integers of the exact engine, ``symbolic`` whether the symbolic engine's limits apply.
    """

    where: str
    what: str
    entries: int
    bytes: int
    engine: str
    shape: tuple | None = None
    bits: int | None = None
    detail: str = ""

    def check(self, lim: Limits | None = None) -> None:
        """Raise :class:`TooLarge` (one line: the fields, the estimate, the limit) when the work does not fit."""
        lim = lim or limits()
        shape = (f"a {format_count(self.shape[0], about=False)} x {format_count(self.shape[1], about=False)} "
                 "matrix; " if self.shape else "")
        est = f"{_about(format_bytes(self.bytes))} with the {self.engine} engine"
        if self.engine == "symbolic" and self.entries > min(MAX_SYMBOLIC_ENTRIES, lim.max_entries):
            raise TooLarge(f"{self.where}: {self.what} has {format_count(self.entries)} entries ({shape}sympy "
                           f"expressions); the symbolic engine's limit is "
                           f"{min(MAX_SYMBOLIC_ENTRIES, lim.max_entries):,} entries")
        if self.entries > lim.max_entries:
            raise TooLarge(f"{self.where}: {self.what} has {format_count(self.entries)} entries ({shape}{est}); "
                           f"the limit is {lim.max_entries:,} entries (--max-entries)")
        if self.bytes > lim.max_memory:
            detail = f" ({self.detail})" if self.detail else ""
            raise TooLarge(f"{self.where}: {self.what} has {format_count(self.entries)} entries, {shape}{est}"
                           f"{detail}; the limit is {format_bytes(lim.max_memory)} (--max-memory)")


def _n(x) -> str:
    """A size as given (``1000000000``), or abbreviated when huge (``1.0 x 10^300``)."""
    return str(x) if x < 10**15 else format_count(x, about=False)


def _where(N, M, widths, architecture, Y=1, outputs=None) -> str:
    parts = [f"N={_n(N)}", f"M={_n(M)}"]
    if widths is not None and len(widths) and any(w != M for w in widths):
        parts.append(f"Z={_n(widths[0])}" if architecture == "shallow" else "widths " + ",".join(map(_n, widths)))
    if Y != 1 and (outputs is None or outputs > 1):
        parts.append(f"Y={_n(Y)}")
    return ", ".join(parts)


def _act_bits(activation, b: float) -> float:
    name = getattr(activation, "name", activation) or "linear"
    if name == "square":
        return 2 * b
    if name == "leaky_relu":
        s = getattr(activation, "slope", None)
        return b + (math.log2(max(s.denominator, abs(s.numerator), 1)) if s is not None else 0)
    return b


def _pool_bits(pooling, b: float, w: int) -> float:
    name = getattr(pooling, "name", pooling) or "product"
    if name == "product":
        return w * b
    if name in ("sum", "average"):
        return b + math.log2(w)
    return b


def _is_polynomial(activation, pooling) -> bool:
    a = getattr(activation, "name", activation) or "linear"
    p = getattr(pooling, "name", pooling) or "product"
    return a in ("linear", "square") and p in ("product", "sum", "average")


def grid_cost(*, N: int, M: int, widths=None, Y: int = 1, window: int | None = None, architecture: str | None = None,
              activation="linear", pooling="product", engine: str = "exact", outputs: int | None = None,
              weight_bits: float = 10.0, level_bits=None, output_bits: float | None = None, F_bits: float = 0.0,
              what: str = "the grid tensor", where: str | None = None) -> Cost:
    """The cost of the grid tensor(s) of a network, from its sizes.

    Parameters
    ----------
    N, M : int
    widths : sequence of int
        ``(Z,)`` for a shallow network, ``(r_0, ..., r_{L-1})`` for a deep one (default M each).
    Y : int
        Outputs of the network; ``outputs`` of them are computed (default all).
    window : int
        Pooling window of a deep network; None (or ``architecture="shallow"``): one global pooling.
    activation, pooling : names or the objects of :mod:`symbolic.tensor.operators`
    engine : ``exact``, ``modular`` or ``symbolic``
    weight_bits : float
        log2 of the largest |weight| (after clearing a layer's denominators); default 10 (|w| <= 1000).
    level_bits, output_bits : sequence of float, float
        log2 of the largest row sum of |weights| of each level and of the output layer (from a spec:
        :func:`spec_grid_cost`); default ``weight_bits`` plus log2 of the fan-in.
    F_bits : float
        log2 of the largest |entry| of F (0 for the identity).
    """
    architecture = architecture or ("shallow" if window is None else "deep")
    if architecture == "shallow":
        widths = tuple(widths) if widths is not None else (M,)
        levels = [(widths[0], N, N)]  # (channels, pooling window, positions)
    else:
        w = window or 2
        L = max(1, round(math.log(N, w))) if N > 1 else 1
        widths = tuple(widths) if widths is not None else (M,) * L
        levels = [(r, w, N // w**l) for l, r in enumerate(widths)]
    outputs = Y if outputs is None else outputs
    where = where or _where(N, M, widths, architecture, Y, outputs)
    P = _power(M, N)
    top = widths[-1]
    # the bits of the exact engine, level by level (as its proven bounds grow)
    b = F_bits
    fan_in = M
    for l, (r, w, _) in enumerate(levels):
        b += level_bits[l] if level_bits is not None else weight_bits + math.log2(max(fan_in, 1))
        b = _pool_bits(pooling, _act_bits(activation, b), w)
        fan_in = r
    top_bits = b
    out_bits = b + (output_bits if output_bits is not None else weight_bits + math.log2(max(top, 1)))
    rep = N * M * M  # the representation values of every position
    grid = P * outputs
    if engine == "symbolic":
        nbytes = grid * SYMBOLIC_ENTRY_BYTES + rep * 64
        detail = ""
    else:
        exact = P * (top * int_bytes(top_bits) + outputs * (int_bytes(out_bits) + _pyint_bytes(out_bits) + 16))
        if engine == "modular" and _is_polynomial(activation, pooling):
            # deep, product pooling of two children at the top: the modular engine fuses it with the output layer
            fused = architecture == "deep" and getattr(pooling, "name", pooling) == "product" and levels[-1][1] == 2 \
                and top < 2048
            nbytes = P * ((0 if fused else top * 8) + outputs * 24)
            detail = ("the top pooling fused with the output layer" if fused else f"{top} channels at the top") + \
                ", int64 residues"
        else:
            nbytes = exact + (P * outputs * 16 if engine == "modular" else 0)
            detail = (f"{top} channels at the top, {math.ceil(out_bits)}-bit integers" if out_bits >= 62 else
                      f"{top} channels at the top, int64 values")
        nbytes += rep * 8
        if rep * 8 > nbytes // 2:
            detail = f"the representation layer alone holds N x M x M = {format_count(rep)} values"
    return Cost(where, what, grid, min(nbytes, _HUGE), engine, None, math.ceil(out_bits), detail)


def _spec_sizes(spec):
    arch = spec.architecture
    return dict(N=spec.N, M=spec.M, widths=tuple(spec.widths), Y=spec.Y,
                window=None if arch == "shallow" else spec.window, architecture=arch,
                activation=spec.activation, pooling=spec.pooling)


def l1_bits(matrices) -> float:
    """log2 of the largest row sum of |w| after clearing the common denominator of the matrices."""
    from fractions import Fraction

    den = 1
    rows = [row for mat in matrices for row in mat]
    for row in rows:
        for x in row:
            if type(x) is not int:
                if isinstance(x, Fraction):
                    den = math.lcm(den, x.denominator)
    best = max((sum(map(abs, row)) for row in rows), default=0) * den
    try:
        bits = math.log2(best) if best > 1 else 0.0
    except (OverflowError, TypeError, ValueError):
        bits = math.inf
    if not math.isfinite(bits):  # e.g. exp(1000): past a float, but its log is not
        try:
            import sympy

            bits = float(sympy.log(sympy.sympify(best), 2).evalf(30))
        except Exception:  # noqa: BLE001 - any failure: as large as can be counted
            bits = math.inf
    return bits if math.isfinite(bits) else _MAX_BITS


def spec_grid_cost(spec, engine: str | None = None, outputs: int | None = None, what: str = "the grid tensor") -> Cost:
    """The cost of a loaded spec's grid tensor(s), with the bits of its actual weights.

    >>> from symbolic.spec.network import shallow
    >>> c = spec_grid_cost(shallow(N=20, M=2, seed=0))
    >>> c.entries, c.bits, format_bytes(c.bytes)
    (1048576, 228, '296 MiB')
    """
    engine = engine or ("symbolic" if spec.is_symbolic or not spec.operator.is_exact else "exact")
    sizes = _spec_sizes(spec)
    if engine == "symbolic" or spec.is_symbolic:
        return grid_cost(engine="symbolic", outputs=outputs, what=what, **sizes)
    if spec.architecture == "shallow":
        mats = [[spec.hidden_vector(z, i) for z in range(spec.Z)] for i in range(spec.N if not spec.shared else 1)]
        level_bits = [l1_bits(mats)]
    else:
        level_bits = [l1_bits(lay if not spec.shared else [lay]) for lay in spec.layers]
    out_bits = l1_bits([spec.output])
    F_bits = l1_bits([[[x] for row in spec.F for x in row]]) if spec.F is not None else 0.0
    return grid_cost(engine=engine, outputs=outputs, level_bits=level_bits, output_bits=out_bits, F_bits=F_bits,
                     what=what, **sizes)


def rank_cost(*, N: int, M: int, rows, widths=None, Y: int = 1, window: int | None = None,
              architecture: str | None = None, activation="linear", pooling="product", engine: str = "exact",
              grid: Cost | None = None, **kw) -> Cost:
    """The cost of a certified rank of [A]_I: the grid tensor of one output plus its matrix in
    python-flint. ``rows`` is the number of row modes |I| (or the modes)."""
    k = rows if isinstance(rows, int) else len(tuple(rows))
    g = grid or grid_cost(N=N, M=M, widths=widths, Y=Y, window=window, architecture=architecture,
                          activation=activation, pooling=pooling, engine=engine, outputs=1, **kw)
    shape = (_power(M, k), _power(M, N - k))
    if g.engine == "modular":  # a square ConvAC matrix: its copy, a uint64 copy and the nmod_mat, no Python list
        convac = (getattr(activation, "spec_name", activation) == "linear"
                  and getattr(pooling, "name", pooling) == "product")
        per = 24 if convac and shape[0] == shape[1] else 68  # (1.6 GB measured at 6561 x 6561); else the checker's list
    elif g.engine == "symbolic":
        per = 64
    else:
        per = 3 * (16 + _fmpz_bytes(g.bits or 0))
    return Cost(g.where, g.what, g.entries, min(g.bytes + g.entries * per, _HUGE), g.engine, shape, g.bits,
                g.detail + (", the matrix in python-flint" if g.detail else ""))


def spec_rank_cost(spec, rows, engine: str | None = None, output: int = 0) -> Cost:
    """:func:`rank_cost` of a loaded spec (``engine``: ``modular`` for polynomial operators, else ``exact``;
    ``symbolic`` for symbolic weights)."""
    if engine is None:
        engine = ("symbolic" if spec.is_symbolic or not spec.operator.is_exact else
                  "modular" if spec.operator.is_polynomial else "exact")
    g = spec_grid_cost(spec, engine=engine, outputs=1)
    return rank_cost(N=spec.N, M=spec.M, rows=rows, grid=g, activation=spec.activation, pooling=spec.pooling)


# ----------------------------------------------------------------------------- weights and symbols
def weights_count(architecture: str, *, N: int, M: int, widths, Y: int = 1, window: int = 2,
                  shared: bool = False) -> int:
    """The number of weights of a network (the symbols of a symbolic one), without building it.

    >>> weights_count("shallow", N=4, M=2, widths=(3,), Y=1), weights_count("deep", N=4, M=2, widths=(2, 2))
    (27, 26)
    """
    if architecture == "shallow":
        Z = widths[0]
        return Z * (1 if shared else N) * M + Y * Z
    total, prev = 0, M
    for l, r in enumerate(widths):
        total += (1 if shared else max(1, N // window**l)) * r * prev
        prev = r
    return total + Y * prev


def validate_weights(architecture: str, *, N: int, M: int, widths, Y: int = 1, window: int = 2, shared: bool = False,
                  symbolic: bool = False, where: str | None = None) -> int:
    """Refuse a network with more than :data:`MAX_WEIGHTS` weights (:data:`MAX_SYMBOLS` symbols when
    ``symbolic``) before any is drawn, parsed or created; returns the count."""
    n = weights_count(architecture, N=N, M=M, widths=widths, Y=Y, window=window, shared=shared)
    limit = MAX_SYMBOLS if symbolic else MAX_WEIGHTS
    if n > limit:
        c = lambda x: format_count(x, about=False)  # noqa: E731
        if architecture == "shallow":
            Z = widths[0]
            parts = (f"hidden {c(Z)} x {c(M)}" if shared else f"hidden {c(Z)} x {c(N)} x {c(M)}") + \
                f", output {c(Y)} x {c(Z)}"
        else:
            parts = "widths " + ",".join(c(r) for r in widths) + f", Y={c(Y)}"
        where = where or _where(N, M, widths, architecture, Y)
        kind = "weight symbols" if symbolic else "weights"
        raise TooLarge(f"{where}: the network has {format_count(n)} {kind} ({parts}); "
                       f"the limit is {limit:,} {kind}")
    return n


def validate_entries(entries: int, bytes_per_entry: int, what: str, limit_bytes: int | None = None, *,
                     grid: bool = True) -> None:
    """Refuse ``entries`` values of ``bytes_per_entry`` bytes each beyond the limits in force
    (the generic guard of :func:`symbolic.tensor.grid.validate_size`); ``grid=False``: not a grid tensor (the
    factors and cores of a structured rank), so only the memory limit applies.

    >>> validate_entries(10**12, 8, "a generalized product of shape (10, ...)")
    Traceback (most recent call last):
    ...
    symbolic.errors.TooLarge: a generalized product of shape (10, ...) would have 1,000,000,000,000 entries (about 7.3
    TiB); the limit is 16,777,216 entries (--max-entries)
    """
    lim = limits()
    need = entries * bytes_per_entry
    if grid and entries > lim.max_entries:
        raise TooLarge(f"{what} would have {format_count(entries)} entries ({_about(format_bytes(need))}); "
                       f"the limit is {lim.max_entries:,} entries (--max-entries)")
    cap = lim.max_memory if limit_bytes is None else min(limit_bytes, lim.max_memory)
    if need > cap:
        raise TooLarge(f"{what} would need {_about(format_bytes(need))} ({format_count(entries)} entries at "
                       f"{bytes_per_entry} bytes each); the limit is {format_bytes(cap)} (--max-memory)")
