"""Activations, poolings and the activation-pooling operator g.

The operator of a network with activation sigma and pooling P is
g(a, b) = P(sigma(a), sigma(b)); over a window of w values it is
P(sigma(a_1), ..., sigma(a_w)) (design.md section 1, paper-notes D6). For the
paper's pairs: linear/product gives a*b, relu/max gives max(a, b, 0) and
relu/sum gives max(a, 0) + max(b, 0).

Values are exact: ints and Fractions in, ints and Fractions out; sympy
expressions give sympy expressions. ``tanh`` and ``sigmoid`` have no exact
rational values and are symbolic only.

>>> g = operator("relu", "max")
>>> g(-3, 2), g(-3, -1)
(2, 0)
>>> g.window(-1, Fraction(1, 2), 3)
3
>>> operator("relu", "average").window(1, 2, -5)
1
>>> operator("leaky_relu:1/10", "sum")(-10, 5)
4
>>> import sympy; a, b = sympy.symbols("a b")
>>> operator("linear", "product").sympy(a, b)
a*b
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from symbolic.errors import DomainError

__all__ = [
    "sym_max",
    "canonical",
    "ACTIVATIONS",
    "POOLINGS",
    "Activation",
    "Pooling",
    "Operator",
    "activation",
    "pooling",
    "operator",
]

ACTIVATIONS = ("linear", "relu", "abs", "square", "leaky_relu:p/q", "tanh", "sigmoid")
POOLINGS = ("product", "max", "sum", "average")
_EXACT_ACTS = ("linear", "relu", "abs", "square", "leaky_relu")
_SYMBOLIC_ACTS = ("tanh", "sigmoid")


def sym_max(*args):
    """max of sympy expressions in a canonical form, fast: nested maxima are flattened,
    numbers are reduced to their maximum, duplicates dropped and the arguments sorted.

    Every step is an identity of max (associative, commutative, idempotent), so two
    routes that build the same maximum get structurally equal expressions; sympy's own
    ``Max`` would compare arguments pairwise, which is slow on large circuits.

    >>> import sympy; a, b = sympy.symbols("a b")
    >>> sym_max(a, sym_max(b, 0), 0, -2) == sym_max(0, b, a)
    True
    >>> sym_max(1, 3), sym_max(a)
    (3, a)
    """
    import sympy

    flat, numbers = [], []
    stack = [sympy.sympify(a, strict=True) for a in args]
    while stack:
        x = stack.pop()
        if isinstance(x, sympy.Max):
            stack.extend(x.args)
        elif x.is_Number:
            numbers.append(x)
        else:
            flat.append(x)
    if numbers:
        flat.append(max(numbers))
    uniq = sorted(set(flat), key=sympy.default_sort_key)
    if len(uniq) == 1:
        return uniq[0]
    return sympy.Max(*uniq, evaluate=False)


def canonical(e):
    """A normal form for expressions built from +, *, powers, max and abs: polynomials
    (expanded) over atoms that are symbols or canonical ``Max``/``Abs`` nodes.

    Every rewrite is an identity, so ``canonical(e) == 0`` proves e is identically zero
    (sound; complete for polynomials, not for every piecewise-linear identity, for which
    :func:`symbolic.identity.decide.prove_zero` does the case analysis).

    >>> import sympy; a, b = sympy.symbols("a b")
    >>> canonical(2 * sym_max(a + b, 0) * (a - b) - sym_max(0, b + a) * 2 * a + 2 * b * sym_max(a + b, 0))
    0
    """
    import sympy

    e = sympy.sympify(e, strict=True)
    if not e.args or e.is_Number:
        return e
    args = [canonical(a) for a in e.args]
    if isinstance(e, sympy.Max):
        return sym_max(*args)
    if isinstance(e, sympy.Abs):
        a = args[0]
        return abs(a) if a.is_Number else sympy.Abs(a, evaluate=False)
    if isinstance(e, (sympy.Add, sympy.Mul, sympy.Pow)):
        return sympy.expand(e.func(*args), deep=False)
    return e.func(*args)


@dataclass(frozen=True)
class Activation:
    """A point-wise non-linearity sigma.

    Parameters
    ----------
    name : str
        ``linear``, ``relu``, ``abs``, ``square``, ``leaky_relu``, ``tanh`` or ``sigmoid``.
    slope : Fraction or None
        The negative-side slope of ``leaky_relu`` (``leaky_relu:1/10``).
    """

    name: str
    slope: Fraction | None = None

    def __post_init__(self):
        if self.name not in _EXACT_ACTS + _SYMBOLIC_ACTS:
            raise DomainError(f"activation={self.name!r} is not one of {ACTIVATIONS}")
        if (self.name == "leaky_relu") != (self.slope is not None):
            raise DomainError(f"activation={self.name!r}: a slope is given exactly for leaky_relu:p/q")

    @property
    def _slope(self) -> Fraction:
        """The slope of leaky_relu, which __post_init__ requires exactly for that name."""
        assert self.slope is not None, "leaky_relu has a slope (checked in __post_init__)"
        return self.slope

    @property
    def spec_name(self) -> str:
        """The name as written in a spec (``leaky_relu:1/10``)."""
        if self.name == "leaky_relu":
            s = self._slope
            return f"leaky_relu:{s.numerator}/{s.denominator}" if s.denominator != 1 else f"leaky_relu:{s.numerator}"
        return self.name

    @property
    def is_exact(self) -> bool:
        """True when rational inputs give rational outputs (everything but tanh and sigmoid)."""
        return self.name in _EXACT_ACTS

    @property
    def is_polynomial(self) -> bool:
        """True for linear and square: computable modulo a prime."""
        return self.name in ("linear", "square")

    @property
    def degree(self) -> int:
        """Homogeneity degree: sigma(t x) = t^degree sigma(x) for t > 0 (0 when not homogeneous)."""
        return {"linear": 1, "relu": 1, "abs": 1, "leaky_relu": 1, "square": 2}.get(self.name, 0)

    def __call__(self, x):
        """sigma(x), exactly: ints/Fractions give ints/Fractions, sympy gives sympy."""
        if hasattr(x, "free_symbols"):
            return self.sympy(x)
        n = self.name
        if n == "linear":
            return x
        if n == "relu":
            return x if x > 0 else 0
        if n == "abs":
            return -x if x < 0 else x
        if n == "square":
            return x * x
        if n == "leaky_relu":
            y = x if x > 0 else self._slope * x
            return int(y) if isinstance(y, Fraction) and y.denominator == 1 else y
        raise DomainError(f"activation={n!r} has no exact rational values; use engine='symbolic'")

    def sympy(self, x):
        """sigma(x) as a sympy expression."""
        import sympy

        x = sympy.sympify(x, strict=True)
        n = self.name
        if n == "linear":
            return x
        if n == "relu":
            return sym_max(x, 0)
        if n == "abs":
            return sympy.Abs(x)
        if n == "square":
            return x**2
        if n == "leaky_relu":
            s = sympy.Rational(self._slope.numerator, self._slope.denominator)
            return sympy.Piecewise((x, x > 0), (s * x, True)) if s > 1 else sym_max(x, s * x)
        if n == "tanh":
            return sympy.tanh(x)
        return 1 / (1 + sympy.exp(-x))

    def on_integers(self, arr: np.ndarray) -> tuple[np.ndarray, int]:
        """Apply sigma to an integer array ``arr`` standing for ``arr / s`` (any s > 0).

        Returns ``(out, factor)`` with sigma(arr / s) = out / (s**degree * factor):
        the clearing-denominators form used by the exact engine.
        """
        n = self.name
        if n == "linear":
            return arr, 1
        if n == "relu":
            return np.where(arr > 0, arr, 0).astype(arr.dtype), 1
        if n == "abs":
            return np.where(arr < 0, -arr, arr).astype(arr.dtype), 1
        if n == "square":
            return arr * arr, 1
        if n == "leaky_relu":
            q, p = self._slope.denominator, self._slope.numerator
            return np.where(arr > 0, q * arr, p * arr).astype(arr.dtype), q
        raise DomainError(f"activation={n!r} has no exact rational values; use engine='symbolic'")

    def on_residues(self, arr: np.ndarray, p: int) -> np.ndarray:
        """sigma modulo a prime p (polynomial activations only)."""
        if self.name == "linear":
            return arr
        if self.name == "square":
            return arr * arr % p
        raise DomainError(
            f"activation={self.spec_name!r} is not polynomial, so it has no meaning modulo a prime; "
            "the modular engine reduces the exact values instead"
        )


@dataclass(frozen=True)
class Pooling:
    """A pooling P over a window of values: ``product``, ``max``, ``sum`` or ``average``."""

    name: str

    def __post_init__(self):
        if self.name not in POOLINGS:
            raise DomainError(f"pooling={self.name!r} is not one of {POOLINGS}")

    @property
    def is_polynomial(self) -> bool:
        return self.name in ("product", "sum", "average")

    def __call__(self, *values):
        """P(values), exactly."""
        if not values:
            raise DomainError("pooling needs at least one value")
        if any(hasattr(v, "free_symbols") for v in values):
            return self.sympy(*values)
        n = self.name
        if n == "product":
            return math.prod(values)
        if n == "max":
            return max(values)
        s = sum(values)
        if n == "sum":
            return s
        q = Fraction(s, len(values)) if isinstance(s, int) else s / len(values)
        return int(q) if isinstance(q, Fraction) and q.denominator == 1 else q

    def sympy(self, *values):
        import sympy

        vals = [sympy.sympify(v, strict=True) for v in values]
        n = self.name
        if n == "product":
            return sympy.Mul(*vals)
        if n == "max":
            return sym_max(*vals)
        if n == "sum":
            return sympy.Add(*vals)
        return sympy.Add(*vals) / len(vals)

    def combine(self, a, b):
        """The binary combination used by broadcasting: product, max or sum (average sums, then scales)."""
        n = self.name
        if n == "product":
            return a * b
        if n == "max":
            return np.maximum(a, b) if isinstance(a, np.ndarray) or isinstance(b, np.ndarray) else max(a, b)
        return a + b


@dataclass(frozen=True)
class Operator:
    """The activation-pooling operator g(a, b) = P(sigma(a), sigma(b)) and its window form."""

    activation: Activation
    pooling: Pooling

    @property
    def name(self) -> str:
        return f"{self.activation.spec_name}/{self.pooling.name}"

    def __call__(self, a, b):
        """g(a, b) = P(sigma(a), sigma(b))."""
        return self.pooling(self.activation(a), self.activation(b))

    def window(self, *values):
        """P(sigma(a_1), ..., sigma(a_w))."""
        return self.pooling(*(self.activation(v) for v in values))

    def sympy(self, *values):
        """The window form as a sympy expression."""
        return self.pooling.sympy(*(self.activation.sympy(v) for v in values))

    @property
    def is_exact(self) -> bool:
        return self.activation.is_exact

    @property
    def is_polynomial(self) -> bool:
        return self.activation.is_polynomial and self.pooling.is_polynomial

    def __repr__(self):
        return f"operator({self.activation.spec_name!r}, {self.pooling.name!r})"


def activation(name: str) -> Activation:
    """Parse an activation name as written in a spec (``relu``, ``leaky_relu:1/10``, ...).

    >>> activation("leaky_relu:1/10").slope
    Fraction(1, 10)
    >>> activation("gelu")
    Traceback (most recent call last):
    ...
    symbolic.errors.DomainError: activation='gelu' is not one of ('linear', 'relu', 'abs', 'square', 'leaky_relu:p/q',
    'tanh', 'sigmoid')
    """
    if isinstance(name, Activation):
        return name
    if not isinstance(name, str):
        raise DomainError(f"activation={name!r} is not one of {ACTIVATIONS}")
    if name.startswith("leaky_relu"):
        from symbolic.kernel.parse import ParseError, parse_rational

        _, _, slope = name.partition(":")
        shown = name if len(name) <= 60 else name[:57] + "..."
        if "." in slope or "e" in slope.lower():
            raise DomainError(f"activation={shown!r}: the slope must be an exact rational p/q, not a decimal")
        try:
            s = parse_rational(slope, field="activation")  # never Fraction(str): "1e99999999" would hang
        except ParseError:
            raise DomainError(f"activation={shown!r}: expected leaky_relu:p/q with an exact rational slope, "
                              f"e.g. leaky_relu:1/10 (at most 1000 digits)") from None
        return Activation("leaky_relu", s)
    return Activation(name)


def pooling(name: str) -> Pooling:
    """Parse a pooling name (``product``, ``max``, ``sum``, ``average``)."""
    if isinstance(name, Pooling):
        return name
    return Pooling(name)


def operator(act, pool) -> Operator:
    """The operator g of an activation and a pooling, e.g. ``operator("relu", "max")``."""
    return Operator(activation(act), pooling(pool))
