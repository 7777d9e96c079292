"""Exact interval arithmetic on a box, and rigorous enclosures of closed-form constants.

- :func:`resolve_on_box` replaces every Max/Min/Abs of an expression by the argument that
  dominates on a whole closed box, with exact rational interval bounds (sympy Rationals).
- :func:`nonzero_constant` decides that a closed-form constant (rationals, + * integer powers,
  exp, tanh, Max, Min, Abs) is nonzero: exactly if it is rational, else by a python-flint
  ``arb`` ball (outward rounded) that excludes 0.

>>> import sympy
>>> a = sympy.Symbol("a")
>>> resolve_on_box(sympy.Max(a, 0) + sympy.Abs(a - 5), {"a": (sympy.Integer(1), sympy.Integer(2))})
5
>>> nonzero_constant(sympy.tanh(sympy.tanh(1)) - sympy.tanh(1))
True
"""

from __future__ import annotations

from fractions import Fraction

import flint
from .lazy import sympy

from .failure import fail


_fail = fail


def _mul(x, y):
    c = [x[0] * y[0], x[0] * y[1], x[1] * y[0], x[1] * y[1]]
    return min(c), max(c)


def interval(e, box, memo=None) -> tuple:
    """Exact bounds (lo, hi), as Fractions, of an expression of + * integer powers, Max, Min, Abs over the
    box {name: (lo, hi)} (``memo`` caches the bounds of subexpressions on this box)."""
    memo = {} if memo is None else memo
    if e in memo:
        return memo[e]
    if e.is_Rational:
        out: tuple = (Fraction(int(e.p), int(e.q)),) * 2
    elif e.is_Symbol:
        if e.name not in box:
            _fail(f"box_identity: the symbol {e} has no interval in the box")
        out = tuple(Fraction(int(sympy.Rational(x).p), int(sympy.Rational(x).q)) for x in box[e.name])
    elif e.is_Add or e.is_Mul:
        out = interval(e.args[0], box, memo)
        for a in e.args[1:]:
            x = interval(a, box, memo)
            out = (out[0] + x[0], out[1] + x[1]) if e.is_Add else _mul(out, x)
    elif e.is_Pow and e.exp.is_Integer and 0 < e.exp <= 64:
        x, out = interval(e.base, box, memo), (Fraction(1), Fraction(1))
        for _ in range(int(e.exp)):
            out = _mul(out, x)
    elif isinstance(e, (sympy.Max, sympy.Min)):  # max / min of the bounds, argument by argument
        ivs = [interval(a, box, memo) for a in e.args]
        f = max if isinstance(e, sympy.Max) else min
        out = f(lo for lo, _ in ivs), f(hi for _, hi in ivs)
    elif isinstance(e, sympy.Abs):
        lo, hi = interval(e.args[0], box, memo)
        out = (lo, hi) if lo >= 0 else (-hi, -lo) if hi <= 0 else (Fraction(0), max(-lo, hi))
    else:
        _fail(f"box_identity: cannot bound {str(e)[:60]}")
    memo[e] = out
    return out


def resolve_on_box(e, box, memo=None):
    """Replace each Max/Min/Abs by the argument that dominates on the whole closed box, outermost
    first (an argument dominated on the whole box is dropped with whatever it contains)."""
    memo = {} if memo is None else memo
    if not e.args:
        return e
    if isinstance(e, (sympy.Max, sympy.Min)):
        ivs = [interval(a, box, memo) for a in e.args]
        for a, (lo, hi) in zip(e.args, ivs):
            if isinstance(e, sympy.Max) and all(lo >= h for b, (_, h) in zip(e.args, ivs) if b is not a):
                return resolve_on_box(a, box, memo)
            if isinstance(e, sympy.Min) and all(hi <= l for b, (l, _) in zip(e.args, ivs) if b is not a):
                return resolve_on_box(a, box, memo)
        _fail(f"box_identity: {e.func.__name__} is not resolved on the box: {str(e)[:80]}")
    if isinstance(e, sympy.Abs):
        lo, hi = interval(e.args[0], box, memo)
        if lo >= 0 or hi <= 0:
            return resolve_on_box(e.args[0] if lo >= 0 else -e.args[0], box, memo)
        _fail(f"box_identity: the sign of {e.args[0]} changes on the box")
    return e.func(*(resolve_on_box(a, box, memo) for a in e.args))


def _arb(e):
    if e.is_Rational:
        return flint.arb(flint.fmpq(int(e.p), int(e.q)))
    if e.is_Add or e.is_Mul:
        vals = [_arb(a) for a in e.args]
        out = vals[0]
        for v in vals[1:]:
            out = out + v if e.is_Add else out * v
        return out
    if e.is_Pow and e.exp.is_Integer and abs(e.exp) <= 64:
        x, out = _arb(e.base), flint.arb(1)
        for _ in range(abs(int(e.exp))):
            out = out * x
        return 1 / out if e.exp < 0 else out
    if isinstance(e, sympy.exp) or e is sympy.E:  # sympy writes exp(1) as the constant E
        return _arb(e.args[0] if e.args else sympy.Integer(1)).exp()
    if isinstance(e, sympy.tanh):
        return _arb(e.args[0]).tanh()
    if isinstance(e, sympy.Abs):
        return abs(_arb(e.args[0]))
    if isinstance(e, (sympy.Max, sympy.Min)):
        xs = [_arb(a) for a in e.args]
        out = xs[0]
        for x in xs[1:]:
            out = out.max(x) if isinstance(e, sympy.Max) else out.min(x)
        return out
    _fail(f"cannot enclose {str(e)[:60]}")


def nonzero_constant(e) -> bool:
    """True when the constant e is provably nonzero (exactly, or by an arb ball excluding 0)."""
    if e.free_symbols:
        _fail(f"{str(e)[:60]} is not a constant")
    if e.is_Rational:
        return e != 0
    old = flint.ctx.prec
    try:
        flint.ctx.prec = 256
        v = _arb(e)
    finally:
        flint.ctx.prec = old
    return not v.contains(0)
