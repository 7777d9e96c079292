"""Statement schemas: what every field of a statement may be, validated once, before any certificate is read.

A statement is the proposition a result asserts; the certificate only ever proves *that* proposition.  A
field the kernel does not validate can change what is asserted while the check still passes (a refuted
universality whose window and patch order feed the super-patch reduction unvalidated; "almost all
weights" for an operator where the quantifier rule does not apply).  So every statement type's
``validate`` runs these checks on every field, whatever the status (proved, refuted, tested,
inconclusive), and its ``check`` starts by calling it.

The primitives here name the field, the value and what is allowed:

>>> geometry(8, 2, [0, 2, 1, 3, 4, 6, 5, 7], "statement")
(2, (0, 2, 1, 3, 4, 6, 5, 7))
>>> geometry(8, 4, None, "statement")
Traceback (most recent call last):
...
symbolic.errors.StatementError: statement.N=8: a deep network needs N = window^L with L >= 1 (window=4)
>>> rows([0, 2], 4, "statement.rows")
[0, 2]
"""

from __future__ import annotations

from fractions import Fraction

from ..errors import StatementError
from .parse import ParseError, parse_rational

MAX_N = 64          # modes (the kernel's reading of a spec allows the same)
MAX_M = 4096        # templates per mode
MAX_WIDTH = 4096    # channels per layer
ARCHITECTURES = ("shallow", "deep")
POOLINGS = ("product", "max", "sum", "average")
ACTIVATIONS = ("linear", "relu", "abs", "square", "tanh", "sigmoid")  # and leaky_relu:p/q


def fail(msg: str):
    """Reject a statement: :class:`StatementError` (malformed input, exit 2 in recheck)."""
    raise StatementError(msg)


def need(cond, msg: str) -> None:
    if not cond:
        raise StatementError(msg)


def _show(x, n: int = 60) -> str:
    s = repr(x)
    return s if len(s) <= n else s[:n - 3] + "..."


def fields(d, required, optional=(), what="object") -> dict:
    """``d`` is an object with every required field and no field outside required + optional."""
    need(isinstance(d, dict), f"{what}: expected an object, got {type(d).__name__}")
    missing, extra = set(required) - set(d), set(d) - set(required) - set(optional)
    if missing or extra:
        fail(f"{what}: missing {sorted(missing)}, unexpected {sorted(map(str, extra))}" if missing else
             f"{what}: unexpected fields {sorted(map(str, extra))}")
    return d


keys = fields  # the historical name, used by the certificate checks


def nat(x, what, lo=1, hi=1 << 16) -> int:
    """An int (not a bool) in [lo, hi]."""
    need(not isinstance(x, bool) and isinstance(x, int) and lo <= x <= hi,
         f"{what}={_show(x)}: expected an int in [{lo}, {hi}]")
    return x


def boolean(x, what) -> bool:
    need(isinstance(x, bool), f"{what}={_show(x)}: expected true or false")
    return x


def choice(x, allowed, what):
    need(isinstance(x, str) and x in allowed, f"{what}={_show(x)}: expected one of {list(allowed)}")
    return x


def index_list(x, n: int, what: str, *, distinct=True) -> list:
    """A list of ints in range(n) (distinct unless told otherwise)."""
    if not isinstance(x, list) or any(isinstance(i, bool) or not isinstance(i, int) or not 0 <= i < n for i in x):
        fail(f"{what}={_show(x)}: expected a list of indices in 0..{n - 1}")
    need(not distinct or len(set(x)) == len(x), f"{what}={_show(x)}: repeated index")
    return x


def activation_name(act, what="activation") -> str:
    """linear, relu, abs, square, tanh, sigmoid, or leaky_relu:p/q with an exact rational slope."""
    if isinstance(act, str) and act.startswith("leaky_relu:"):
        try:
            parse_rational(act.split(":", 1)[1], field=f"{what} slope")
        except ParseError:
            fail(f"{what}={_show(act)}: leaky_relu:p/q needs an exact rational slope")
        return act
    return choice(act, ACTIVATIONS, what)


def operator(act, pl, what="statement") -> tuple:
    """An activation and a pooling of the kernel's operator library."""
    return activation_name(act, f"{what}.activation"), choice(pl, POOLINGS, f"{what}.pooling")


def geometry(N, window, patch_order, what) -> tuple:
    """A deep pooling tree: N = window^L with L >= 1, and a permutation of 0..N-1 (default: identity).
    Returns (window, patch order as a tuple)."""
    nat(window, f"{what}.window", 2, MAX_N)
    L, size = 0, 1
    while size < N:
        size, L = size * window, L + 1
    need(size == N and L >= 1, f"{what}.N={N}: a deep network needs N = window^L with L >= 1 (window={window})")
    if patch_order is None:  # absent (an explicit null is refused by the callers)
        return window, tuple(range(N))
    need(isinstance(patch_order, list) and all(not isinstance(i, bool) and isinstance(i, int) for i in patch_order)
         and sorted(patch_order) == list(range(N)), f"{what}.patch_order={_show(patch_order)}: expected a "
         f"permutation of 0..{N - 1}")
    return window, tuple(patch_order)


def depth_of(N, window) -> int:
    L, size = 0, 1
    while size < N:
        size, L = size * window, L + 1
    return L


def widths(w, L, what) -> list:
    need(isinstance(w, list) and len(w) == L, f"{what}={_show(w)}: expected {L} widths (one per layer)")
    for i, r in enumerate(w):
        nat(r, f"{what}[{i}]", 1, MAX_WIDTH)
    return w


def rows(r, N, what="rows") -> list:
    """The row modes I of a matricization [A]_I: increasing, between 1 and N-1 of them."""
    index_list(r, N, what)
    need(r == sorted(r) and 1 <= len(r) <= N - 1, f"{what}={_show(r)}: expected increasing modes, 1 to N-1 of them")
    return r


def partition_rows(label, N) -> list:
    """odd-even (the even 0-based modes), halves (the first N/2) or a comma list of modes."""
    if label == "odd-even":
        return list(range(0, N, 2))
    if label == "halves":
        return list(range(N // 2))
    need(isinstance(label, str) and label and all(p.strip().isascii() and p.strip().isdigit() and len(p.strip()) <= 3
                                                  for p in label.split(",")),
         f"partition={_show(label)}: expected odd-even, halves or a comma list of modes")
    return sorted(int(x) for x in label.split(","))


def rational_matrix(F, n, what) -> tuple:
    """An n x n matrix of exact rationals (ints or "p/q" strings)."""
    need(isinstance(F, list) and len(F) == n and all(isinstance(r, list) and len(r) == n for r in F),
         f"{what}: expected an {n} x {n} matrix")
    out: tuple = ()  # fail() raises: never returned empty
    for i, r in enumerate(F):
        for j, x in enumerate(r):
            need(not isinstance(x, (bool, float)) and isinstance(x, (int, str)),
                 f"{what}[{i}][{j}]={_show(x)}: expected an exact number (int or 'p/q')")
    try:
        out = tuple(tuple(parse_rational(x, field=f"{what}[{i}][{j}]") for j, x in enumerate(r))
                    for i, r in enumerate(F))
    except ParseError as e:
        fail(str(e))
    return out


def family(fam, what, *, required_size=True) -> dict:
    """A family of networks: everything a statement fixes except the weight values.

    ``{architecture, N, M, activation, pooling, shared}`` plus ``Z`` (shallow) or ``widths`` (deep, with
    optional ``window`` and ``patch_order``).  Returns the family with defaults filled in (window 2,
    identity patch order), ready to compare with :meth:`Net.family`.  ``required_size``: Z or widths
    must be given (a family "of any width" leaves them out).
    """
    base = ("architecture", "N", "M", "activation", "pooling", "shared")
    fields(fam, base, ("Z", "widths", "window", "patch_order"), what)
    arch = choice(fam["architecture"], ARCHITECTURES, f"{what}.architecture")
    N = nat(fam["N"], f"{what}.N", 1, MAX_N)
    nat(fam["M"], f"{what}.M", 1, MAX_M)
    operator(fam["activation"], fam["pooling"], what)
    boolean(fam["shared"], f"{what}.shared")
    out = {k: fam[k] for k in base}
    if arch == "shallow":
        need(not {"widths", "window", "patch_order"} & set(fam), f"{what}: widths, window and patch_order are "
             f"fields of deep families; a shallow family has Z")
        if "Z" in fam or required_size:
            need("Z" in fam, f"{what}: a shallow family needs Z")
            out["Z"] = nat(fam["Z"], f"{what}.Z", 1, MAX_WIDTH)
        return out
    need("Z" not in fam, f"{what}.Z: a field of shallow families; a deep family has widths")
    need(N >= 2, f"{what}.N={N}: a deep network needs N >= 2")
    need(fam.get("patch_order", []) is not None and fam.get("widths", []) is not None,
         f"{what}: patch_order and widths may be absent (identity order; any width), not null")
    window, order = geometry(N, fam.get("window", 2), fam.get("patch_order"), what)
    out.update(window=window, patch_order=list(order))
    if "widths" in fam or required_size:
        need("widths" in fam, f"{what}: a deep family needs widths")
        out["widths"] = widths(fam["widths"], depth_of(N, window), f"{what}.widths")
    return out


def status(x, allowed, what="status") -> str:
    return choice(x, allowed, what)


def describe_family(fam) -> str:
    """Every field of a family that changes its meaning, in one line."""
    s = f"{fam['architecture']} {fam['activation']}/{fam['pooling']} nets (N={fam['N']}, M={fam['M']}"
    if fam["architecture"] == "deep":
        s += f", window={fam.get('window', 2)}"
        order = fam.get("patch_order")
        if order is not None and list(order) != list(range(fam["N"])):
            s += f", patch_order={list(order)}"
        if "widths" in fam:
            s += f", widths={list(fam['widths'])}"
    elif "Z" in fam:
        s += f", Z={fam['Z']}"
    return s + (", shared" if fam["shared"] else "") + ")"


def fraction_text(q: Fraction) -> str:
    return str(q.numerator) if q.denominator == 1 else f"{q.numerator}/{q.denominator}"


__all__ = ["fields", "keys", "nat", "boolean", "choice", "index_list", "activation_name", "operator", "geometry",
           "depth_of", "widths", "rows", "partition_rows", "rational_matrix", "family", "status", "describe_family"]
