"""Reading the fields of a spec dict (docs/spec-format.md): ints with their ranges, nested weight arrays
with their shapes, declared weight counts checked before parsing, nesting depth. Each refusal is one
:class:`~symbolic.errors.SpecError` naming the field, the value and what is allowed."""

from __future__ import annotations


from symbolic.cost import validate_weights
from symbolic.errors import SpecError
from symbolic.kernel.parse import ParseError
from symbolic.numbers import _SMALL, parse_exact

__all__ = ["int_field", "array", "LenOnly", "width", "validate_declared_weights", "validate_nesting",
           "contains_symbol_strings"]


def int_field(d: dict, name: str, lo: int, default=None, hi: int | None = None) -> int:
    if name not in d:
        if default is None:
            raise SpecError(name, "<missing>", f"an int >= {lo} (the field is required)")
        return default
    v = d[name]
    if isinstance(v, bool) or not isinstance(v, int) or v < lo or (hi is not None and v > hi):
        bound = f">= {lo}" + (f" and <= {hi}" if hi is not None else "")
        raise SpecError(name, v, f"an int {bound}")
    return v


def array(value, path: str, dims: list, parse) -> tuple:
    """Parse a nested list with the given dims [(size, description)], leaves parsed by ``parse``."""
    if not dims:
        return parse(value, path)
    size, what = dims[0]
    if not isinstance(value, list):
        raise SpecError(path, value, f"a list of {size} {what}")
    if len(value) != size:
        raise SpecError(path, LenOnly(len(value)), f"{size} {what}")
    if parse is parse_exact and len(dims) <= 2:  # rows of plain ints: nothing to parse, no paths to build
        rows = [value] if len(dims) == 1 else value
        width = len(rows[0]) if len(dims) == 1 else dims[1][0]
        if all(type(r) is list and len(r) == width and all(type(v) is int and -_SMALL < v < _SMALL for v in r)
               for r in rows):
            return tuple(value) if len(dims) == 1 else tuple(map(tuple, value))
    return tuple(array(v, f"{path}[{i}]", dims[1:], parse) for i, v in enumerate(value))


class LenOnly:
    def __init__(self, n):
        self.n = n

    def __repr__(self):
        return str(self.n)


def width(value, path: str, what: str) -> int:
    if not isinstance(value, list) or not value:
        raise SpecError(path, value, f"a nonempty list of {what}")
    return len(value)


def validate_declared_weights(arch, w, N, M, window, shared) -> None:
    """Refuse, before any leaf is parsed, a spec whose arrays declare more weights than
    :data:`symbolic.cost.MAX_WEIGHTS` (their lengths only; malformed arrays are left to the parser)."""
    out = w.get("output")
    Y = len(out) if isinstance(out, list) else 1
    widths: list[int]
    if arch == "shallow":
        hid = w.get("hidden")
        if not isinstance(hid, list) or not hid:
            return
        widths = [len(hid)]
    else:
        lays = w.get("layers")
        if not isinstance(lays, list):
            return
        widths = []
        for lay in lays:
            first = lay if shared else (lay[0] if isinstance(lay, list) and lay else None)
            if not isinstance(first, list) or not first:
                return
            widths.append(len(first))
        if not widths:
            return
    validate_weights(arch, N=N, M=M, widths=tuple(widths), Y=Y, window=window, shared=shared, where="weights")


def validate_nesting(d, limit: int = 64) -> None:
    """Refuse a dict nested deeper than ``limit`` (iteratively: a Python dict given to load_spec may be
    nested past the recursion limit, and every error message shows its value)."""
    stack = [(d, 1)]
    while stack:
        x, depth = stack.pop()
        if depth > limit:
            raise ParseError("spec", f"nested deeper than {limit} levels", kind="depth", hint=False)
        stack.extend((y, depth + 1) for y in (x.values() if isinstance(x, dict) else x) if isinstance(y, (list, dict)))


def contains_symbol_strings(x) -> bool:
    stack = [x]  # iterative: a spec given as a Python dict may be nested arbitrarily deep
    while stack:
        x = stack.pop()
        if isinstance(x, dict):
            stack.extend(x.values())
        elif isinstance(x, list):
            stack.extend(x)
        elif isinstance(x, str) and any(c.isalpha() or c == "_" for c in x):
            return True
    return False
