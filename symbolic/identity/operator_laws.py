"""Laws of the activation-pooling operator g(a, b) = P(sigma(a), sigma(b)), decided exactly.

The generalized tensor product of the paper (paper-notes D5) needs g to be
commutative and associative; the deep decomposition iterates the binary form
over a pooling window, which equals the w-ary form P(sigma(a_1), ...,
sigma(a_w)) only when g is associative *and* sigma leaves pooled values
unchanged (design.md section 1, paper-notes D6). Each law is decided here for
a given :class:`~symbolic.tensor.operators.Operator`, never assumed:

- a law that holds is *proved*: the two sides are the same sympy expression
  (canonical form), or their difference expands to 0 (a polynomial identity),
  or :func:`symbolic.identity.decide.prove_zero` proves the piecewise-linear
  difference zero by case analysis (an identity certificate);
- a law that fails is *refuted* (``holds=False``, status ``proved``) by an
  exact counterexample: rationals where both sides, evaluated exactly with
  ints and Fractions, differ. For tanh and sigmoid, whose values are
  transcendental, the strict inequality of the two sides at a rational point
  is proved by rigorous interval arithmetic (python-flint ``arb``, outward rounding):
  the enclosures are disjoint. This is the only place where floating-point
  numbers enter, and only as the endpoints of rigorous enclosures;
- otherwise the status is ``inconclusive`` (``holds=None``).

>>> laws(operator("relu", "max")).associativity.holds
True
>>> r = associativity(operator("relu", "average"))
>>> r.holds, r.certificate["point"], r.certificate["lhs_value"], r.certificate["rhs_value"]
(False, {'a': 1, 'b': 0, 'c': 0}, '1/4', '1/2')
"""

from __future__ import annotations

import functools
import itertools
from dataclasses import dataclass, field
from fractions import Fraction

import sympy

from symbolic.errors import DomainError
from symbolic.identity.decide import evaluated, prove_zero
from symbolic.numbers import to_json_number
from symbolic.tensor.operators import Operator, operator
from symbolic.status import Status

__all__ = [
    "LawResult",
    "Laws",
    "commutativity",
    "associativity",
    "pooled_fixed",
    "window_equals_iterated",
    "laws",
]

_GRID = (0, 1, -1, 2, -2, Fraction(1, 2), Fraction(-1, 2), 3, -3)
_GRID_TRANSCENDENTAL = (0, 1, -1, 2, -2)
_STATUSES = (Status.PROVED, Status.INCONCLUSIVE)


@dataclass(frozen=True)
class LawResult:
    """The decision of one law for one operator.

    Attributes
    ----------
    law : str
        ``commutativity``, ``associativity``, ``pooled_fixed`` or ``window:w``.
    operator : str
        The operator's name, e.g. ``relu/max``.
    holds : bool or None
        The decided truth value; None when inconclusive.
    status : Status
        ``Status.PROVED`` (for ``holds`` True or False) or ``Status.INCONCLUSIVE`` (a string is converted).
    certificate : dict
        JSON data: ``kind`` is ``identity`` (with ``method`` ``canonical``,
        ``expand`` or ``case-analysis``) or ``counterexample`` (with the point
        and both sides' values), or ``none`` with a ``reason``.
    """

    law: str
    operator: str
    holds: bool | None
    status: Status
    certificate: dict = field(hash=False)

    def __post_init__(self):
        if self.status not in _STATUSES:
            raise DomainError(f"status={self.status!r} is not one of {tuple(s.value for s in _STATUSES)}")
        object.__setattr__(self, "status", Status(self.status))
        if (self.status == "proved") != (self.holds is not None):
            raise DomainError(f"status={self.status.value!r} with holds={self.holds!r}: only a "
                              "proved law has a truth value")

    def to_dict(self) -> dict:
        """JSON-serializable form.

        >>> commutativity(operator("linear", "product")).to_dict()["certificate"]["method"]
        'canonical'
        """
        return {"law": self.law, "operator": self.operator, "holds": self.holds, "status": self.status.value,
                "certificate": self.certificate}


@dataclass(frozen=True)
class Laws:
    """All laws of one operator, as :func:`laws` decides them."""

    operator: str
    commutativity: LawResult
    associativity: LawResult
    pooled_fixed: LawResult
    windows: tuple = ()

    @property
    def iterable(self) -> bool | None:
        """True when iterating the binary g is justified: associative and sigma fixes pooled values.

        >>> laws(operator("relu", "average"), windows=()).iterable
        False
        """
        a, p = self.associativity.holds, self.pooled_fixed.holds
        if a is False or p is False:
            return False
        return None if a is None or p is None else True

    def to_dict(self) -> dict:
        """JSON-serializable form.

        >>> laws(operator("linear", "sum"), windows=()).to_dict()["iterable"]
        True
        """
        return {"operator": self.operator, "commutativity": self.commutativity.to_dict(),
                "associativity": self.associativity.to_dict(), "pooled_fixed": self.pooled_fixed.to_dict(),
                "windows": [w.to_dict() for w in self.windows], "iterable": self.iterable}


# ----------------------------------------------------------------------------- deciding one law


def _symbols(names):
    return sympy.symbols(names, real=True)


def _json(x):
    return to_json_number(Fraction(x) if isinstance(x, int) else x)


def _point(names, values):
    return {n: _json(v) for n, v in zip(names, values)}


def _rat(x):
    x = Fraction(x)
    return sympy.Rational(x.numerator, x.denominator)


def _grid_points(k, values):
    """Points of values^k, simplest first: small numerators and denominators, then leading non-zeros, then signs."""

    def key(t):
        size = sum(abs(Fraction(x).numerator) + Fraction(x).denominator - 1 for x in t)
        return size, tuple(x == 0 for x in t), tuple(x < 0 for x in t)

    return sorted(itertools.product(values, repeat=k), key=key)


def _decide(law, op: Operator, lhs, rhs, names, exact_sides, *, max_regions=4096) -> LawResult:
    """Decide lhs == rhs as functions of the real variables ``names``."""
    variables = _symbols(" ".join(names)) if len(names) > 1 else (_symbols(names[0]),)
    sides = {"lhs": str(lhs), "rhs": str(rhs), "variables": list(names)}
    proved = functools.partial(LawResult, law, op.name, True, Status.PROVED)
    diff = lhs - rhs
    if diff == 0:
        return proved({"kind": "identity", "method": "canonical", **sides})
    if sympy.expand(diff) == 0:
        return proved({"kind": "identity", "method": "expand", **sides})
    if not op.is_exact:
        return _decide_transcendental(law, op, lhs, rhs, variables, names, sides)
    for values in _grid_points(len(names), _GRID):
        found = _exact_counterexample(law, op, diff, variables, names, values, exact_sides, sides, "grid search")
        if found is not None:
            return found
    try:
        # evaluated: the certificate is re-checked on the sides re-read from their text (sympy evaluates them)
        result = prove_zero(evaluated(diff), variables, max_regions=max_regions)
    except DomainError as e:
        return LawResult(law, op.name, None, Status.INCONCLUSIVE, {"kind": "none", "reason": str(e), **sides})
    if result.holds:
        return proved({"kind": "identity", "method": "case-analysis", **sides, "identity": result.certificate})
    # prove_zero returns a counterexample whenever holds is False (IdentityResult's contract, decide.py)
    assert result.counterexample is not None
    values = [sympy.Rational(result.counterexample["point"][n]) for n in names]
    values = [Fraction(int(v.p), int(v.q)) for v in values]
    found = _exact_counterexample(law, op, diff, variables, names, values, exact_sides, sides, "case analysis")
    if found is None:  # pragma: no cover - prove_zero re-verifies its counterexamples
        raise AssertionError(f"bug: the counterexample {result.counterexample} of {law} for {op.name} does not verify")
    return found


def _exact_counterexample(law, op, diff, variables, names, values, exact_sides, sides, how):
    left, right = exact_sides(*values)
    if left == right:
        return None
    # the sympy form must agree with the exact evaluation (two routes to the same values)
    symbolic = diff.xreplace({v: _rat(x) for v, x in zip(variables, values)})
    if symbolic != _rat(left - right):
        raise AssertionError(f"bug: {op.name} {law}: sympy gives {symbolic}, exact evaluation {left - right}")
    return LawResult(law, op.name, False, "proved", {
        "kind": "counterexample", "method": f"exact evaluation ({how})", **sides,
        "point": _point(names, values), "lhs_value": _json(left), "rhs_value": _json(right)})


# ----------------------------------------------------------------------------- transcendental: intervals


def _enclose(expr, env):
    """A rigorous enclosure (a python-flint ``arb`` ball, outward rounded) of a sympy expression at an
    exact rational point ``env``.

    >>> import flint, sympy
    >>> a = sympy.Symbol("a")
    >>> ball = _enclose(sympy.tanh(a) - a, {a: sympy.Rational(1, 2)})
    >>> ball.upper() < 0, ball.contains(flint.arb("0.5").tanh() - flint.arb("0.5"))
    (True, True)
    """
    import flint

    rec = lambda e: _enclose(e, env)  # noqa: E731
    if isinstance(expr, sympy.Symbol):
        expr = env[expr]
    if isinstance(expr, sympy.Rational):
        return flint.arb(int(expr.p)) / int(expr.q)
    if isinstance(expr, sympy.Add):
        return functools.reduce(lambda x, y: x + y, map(rec, expr.args))
    if isinstance(expr, sympy.Mul):
        return functools.reduce(lambda x, y: x * y, map(rec, expr.args))
    if isinstance(expr, sympy.Pow) and isinstance(expr.exp, sympy.Integer):
        x, n = rec(expr.base), int(expr.exp)
        return x ** n
    if isinstance(expr, sympy.exp) or expr is sympy.E:  # sympy writes exp(1) as the constant E
        return flint.arb(1).exp() if expr is sympy.E else rec(expr.args[0]).exp()
    if isinstance(expr, sympy.tanh):
        return rec(expr.args[0]).tanh()
    # Max, Min, Abs: the exact endpoints are compared and combined (a ball over [lo, hi]), never rounded
    if isinstance(expr, (sympy.Max, sympy.Min)):
        xs = [rec(e) for e in expr.args]
        pick = (lambda v: functools.reduce(lambda a, b: b if b > a else a, v)) if isinstance(expr, sympy.Max) else \
            (lambda v: functools.reduce(lambda a, b: b if b < a else a, v))
        return pick([x.lower() for x in xs]).union(pick([x.upper() for x in xs]))
    if isinstance(expr, sympy.Abs):
        x = rec(expr.args[0])
        if x.lower() >= 0:
            return x
        if x.upper() <= 0:
            return -x
        return flint.arb(0).union(x.upper() if x.upper() > -x.lower() else -x.lower())
    raise DomainError(f"cannot enclose {expr} ({type(expr).__name__}) with interval arithmetic")


def _endpoint(x):
    """The exact value of an exact ball (an endpoint of an enclosure) as an int or a "p/q" string."""
    man, exp = (int(v) for v in x.man_exp())
    return _json(Fraction(man) * 2**exp if exp >= 0 else Fraction(man, 2**-exp))


def _decide_transcendental(law, op, lhs, rhs, variables, names, sides):
    import flint

    old = flint.ctx.prec
    try:
        for values in _grid_points(len(names), _GRID_TRANSCENDENTAL):
            env = {v: sympy.Integer(x) for v, x in zip(variables, values)}
            for prec in (64, 256):
                flint.ctx.prec = prec
                left, right = _enclose(lhs, env), _enclose(rhs, env)
                if left.upper() < right.lower() or right.upper() < left.lower():
                    # display only (sympy's own evaluation); the decision is the disjoint enclosures
                    exact_l, exact_r = str(lhs.xreplace(env)), str(rhs.xreplace(env))
                    enc = lambda x: [_endpoint(x.lower()), _endpoint(x.upper())]  # noqa: E731
                    return LawResult(law, op.name, False, "proved", {
                        "kind": "counterexample", "method": "interval arithmetic (python-flint arb, outward rounding)",
                        **sides, "point": _point(names, values), "lhs_value": exact_l, "rhs_value": exact_r,
                        "lhs_enclosure": enc(left), "rhs_enclosure": enc(right), "precision_bits": prec})
    finally:
        flint.ctx.prec = old
    return LawResult(law, op.name, None, "inconclusive", {
        "kind": "none", **sides,
        "reason": "the sides differ symbolically (sympy), but no grid point separated them by interval arithmetic"})


# ----------------------------------------------------------------------------- the laws


def _op(op) -> Operator:
    if isinstance(op, Operator):
        return op
    if isinstance(op, tuple) and len(op) == 2:
        return operator(*op)
    raise DomainError(f"op={op!r}: expected an Operator, e.g. operator('relu', 'max')")


def commutativity(op, *, max_regions: int = 4096) -> LawResult:
    """Decide g(a, b) == g(b, a) for all real a, b (paper-notes D5).

    >>> commutativity(operator("tanh", "max")).holds
    True
    """
    op = _op(op)
    a, b = _symbols("a b")
    return _decide("commutativity", op, op.sympy(a, b), op.sympy(b, a), ("a", "b"),
                   lambda x, y: (op(x, y), op(y, x)), max_regions=max_regions)


def associativity(op, *, max_regions: int = 4096) -> LawResult:
    """Decide g(g(a, b), c) == g(a, g(b, c)) for all real a, b, c (paper-notes D5, D6).

    Note that sigma is applied again to the inner value: for square/product,
    g(g(a, b), c) = a^4 b^4 c^2 while g(a, g(b, c)) = a^2 b^4 c^4.

    >>> r = associativity(operator("tanh", "max"))
    >>> r.holds, r.certificate["point"]
    (False, {'a': 1, 'b': 0, 'c': 0})
    """
    op = _op(op)
    a, b, c = _symbols("a b c")
    return _decide("associativity", op, op.sympy(op.sympy(a, b), c), op.sympy(a, op.sympy(b, c)),
                   ("a", "b", "c"), lambda x, y, z: (op(op(x, y), z), op(x, op(y, z))), max_regions=max_regions)


def pooled_fixed(op, *, max_regions: int = 4096) -> LawResult:
    """Decide sigma(P(sigma(a), sigma(b))) == P(sigma(a), sigma(b)) for all real a, b.

    This is what iterating the binary form over a window needs besides
    associativity (design.md section 1).

    >>> pooled_fixed(operator("relu", "sum")).holds
    True
    >>> pooled_fixed(operator("square", "product")).certificate["point"]
    {'a': 1, 'b': 2}
    """
    op = _op(op)
    a, b = _symbols("a b")
    pooled = op.sympy(a, b)
    sigma = op.activation
    return _decide("pooled_fixed", op, sigma.sympy(pooled), pooled, ("a", "b"),
                   lambda x, y: (sigma(op(x, y)), op(x, y)), max_regions=max_regions)


def window_equals_iterated(op, w: int, *, max_regions: int = 4096) -> LawResult:
    """Decide P(sigma(a_1), ..., sigma(a_w)) == g(...g(g(a_1, a_2), a_3)..., a_w) for all reals.

    The right side is the left fold of the binary operator; when g is
    associative every bracketing gives the same function.

    >>> window_equals_iterated(operator("relu", "max"), 3).holds
    True
    >>> window_equals_iterated(operator("relu", "average"), 3).certificate["point"]
    {'a1': 1, 'a2': 0, 'a3': 0}
    >>> window_equals_iterated(operator("relu", "max"), 1)
    Traceback (most recent call last):
    ...
    symbolic.errors.DomainError: w=1: expected an int >= 2 (the window size)
    """
    op = _op(op)
    if not isinstance(w, int) or isinstance(w, bool) or w < 2:
        raise DomainError(f"w={w!r}: expected an int >= 2 (the window size)")
    names = tuple(f"a{i}" for i in range(1, w + 1))
    xs = _symbols(" ".join(names))
    folded = functools.reduce(lambda u, v: op.sympy(u, v), xs)
    return _decide(f"window:{w}", op, op.sympy(*xs), folded, names,
                   lambda *vals: (op.window(*vals), functools.reduce(op, vals)), max_regions=max_regions)


def laws(op, *, windows=(3,), max_regions: int = 4096) -> Laws:
    """Decide every law of an operator: commutativity, associativity, pooled_fixed and the windows.

    Parameters
    ----------
    op : Operator
        E.g. ``operator("relu", "max")``.
    windows : sequence of int
        Window sizes w >= 2 for :func:`window_equals_iterated`.
    max_regions : int
        Budget of the case analysis of each identity.

    Returns
    -------
    Laws

    Examples
    --------
    >>> L = laws(operator("relu", "sum"))
    >>> L.commutativity.holds, L.associativity.holds, L.pooled_fixed.holds, L.windows[0].holds, L.iterable
    (True, True, True, True, True)
    """
    op = _op(op)
    return Laws(op.name, commutativity(op, max_regions=max_regions), associativity(op, max_regions=max_regions),
                pooled_fixed(op, max_regions=max_regions),
                tuple(window_equals_iterated(op, w, max_regions=max_regions) for w in windows))
