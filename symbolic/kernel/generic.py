"""The one quantifier rule for "almost all weights".

Proposition: for almost every weight vector w (every weight and F entry, a point of R^n; all but a set of
Lebesgue measure zero), the statement's inequality holds, e.g. ``rank [A(w)]_I >= k``.

Accepted argument (and nothing else):

**Schwartz-Zippel (algebraic).**  Requires that every grid-tensor entry is a rational function of the
weights.  The kernel reads this off its *own* operator definitions (:func:`symbolic.kernel.network.activation`
and :func:`~symbolic.kernel.network.pool`: sigma(x) a polynomial in x, P(a, b) a polynomial in a, b) and
off every weight expression of the network (a rational function of the symbols: only ``+ - * / ^`` and
rationals; no Max, Min, Abs, relu, exp, tanh or sigmoid).  Then a k x k minor of [A] is a rational function
p(w)/q(w); the certificate shows it is nonzero (mod a prime, so over Q) at one rational point where q does
not vanish, so p is not the zero polynomial, and the zero set of a nonzero polynomial is Lebesgue-null
(Schwartz-Zippel; Caron & Traynor 2005).  Off that null set the minor is nonzero and rank >= k.

Why nothing weaker will do: for relu, abs, max, min, leaky_relu, or a weight written ``relu(a)``, the
entries are only piecewise polynomial, and a minor nonzero at one point can vanish on a whole open set of
weights (another sign region), where the rank is lower: one point proves nothing about almost all weights.
Piecewise and analytic arguments (a witness in every region; an arb-certified minor for tanh and sigmoid)
are separate rules with their own certificates; this module states which one a statement used.

>>> polynomial_operator("square", "product"), polynomial_operator("relu", "product")
(True, False)
>>> polynomial_operator("leaky_relu:1", "sum")
True
"""

from __future__ import annotations

import sympy

from .failure import need
from .network import Net, activation, pool

SCHWARTZ_ZIPPEL = "schwartz-zippel"


def polynomial_operator(act: str, pl: str) -> bool:
    """sigma(x) and P(a, b) are polynomials, by the kernel's own definitions of the operators
    (``leaky_relu:1`` is the identity, so it counts as polynomial)."""
    x, a, b = sympy.symbols("x a b")
    return (sympy.sympify(activation(act)[1](x), strict=True).is_polynomial(x) is True
            and sympy.sympify(pool(pl, [a, b]), strict=True).is_polynomial(a, b) is True)


def rational_weights(net: Net) -> bool:
    """Every weight (and F entry) is a rational function of the network's symbols."""
    for w in net.weights():
        if isinstance(w, sympy.Basic):
            syms = sorted(w.free_symbols, key=str)
            if syms and w.is_rational_function(*syms) is not True:
                return False
            if not syms and not w.is_Rational:
                return False
    return True


def require_schwartz_zippel(net: Net, what: str) -> str:
    """Accept "for almost all weights of ``net``" from one nonzero minor only when Schwartz-Zippel applies:
    polynomial operators and rational weight expressions; returns the rule's name."""
    need(polynomial_operator(net.activation, net.pooling),
         f"{what}: almost all weights: {net.activation}/{net.pooling} is not polynomial (by the kernel's "
         f"definitions), so a nonzero minor at one point proves nothing for almost all weights")
    need(rational_weights(net), f"{what}: almost all weights: a weight expression is not a rational function "
         f"of the symbols (Max, Min, Abs, relu, exp, tanh or sigmoid), so Schwartz-Zippel does not apply")
    return SCHWARTZ_ZIPPEL


__all__ = ["polynomial_operator", "rational_weights", "require_schwartz_zippel", "SCHWARTZ_ZIPPEL"]
