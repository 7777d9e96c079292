"""Bounds of conjectures as safe expressions: ``"Z"``, ``"min(r0, M)^(N/2)"`` parsed by a whitelist
(never evaluated by Python), their values on a network, and the LaTeX of a rank statement."""

from __future__ import annotations

import ast

import sympy

from symbolic.errors import DomainError
from symbolic.kernel.parse import unevaluated_max_min
from symbolic.spec.network import Spec

__all__ = ["parse_bound", "bound_values", "evaluate_bound", "latex_rank"]


_NAMES = ("N", "M", "Z", "L", "w")


_FUNCS = {"min": sympy.Min, "max": sympy.Max, "floor": sympy.floor, "ceil": sympy.ceiling,
          "ceiling": sympy.ceiling}


def parse_bound(text: str):
    """Parse a bound such as ``"Z"``, ``"min(r0, M)^(N/2)"`` or ``"2*M*N/2"`` into sympy, safely.

    Only integers, the names N, M, Z, L, w, r0, r1, ..., the operators + - * / ** ^ and the
    functions min, max, floor, ceil are allowed; nothing is evaluated by Python (the text is
    walked as a syntax tree). Decimals are refused: bounds are exact.

    >>> parse_bound("min(r0, M)^(N/2)")
    Min(M, r0)**(N/2)
    >>> parse_bound("Z + 1/2")
    Z + 1/2
    >>> parse_bound("open(1)")
    Traceback (most recent call last):
    ...
    symbolic.errors.DomainError: --bound 'open(1)': 'open' is not allowed (use integers, N, M, Z, L, w, r0, r1, ..., + -
    * / ^, min, max, floor, ceil)
    """
    allowed = "use integers, N, M, Z, L, w, r0, r1, ..., + - * / ^, min, max, floor, ceil"
    if not isinstance(text, str) or not text.strip():
        raise DomainError(f"--bound {text!r}: expected an expression such as 'Z' or 'min(r0, M)^(N/2)'")
    if len(text) > 500:
        raise DomainError(f"--bound: {len(text)} characters; at most 500")
    try:
        tree = ast.parse(text.replace("^", "**"), mode="eval")
    except SyntaxError:
        raise DomainError(f"--bound {text!r}: not a valid expression ({allowed})") from None

    def bad(what):
        return DomainError(f"--bound {text!r}: {what} is not allowed ({allowed})")

    def conv(node):
        if isinstance(node, ast.Expression):
            return conv(node.body)
        if isinstance(node, ast.Constant):
            if isinstance(node.value, bool) or not isinstance(node.value, int):
                raise bad(f"the constant {node.value!r}")
            return sympy.Integer(node.value)
        if isinstance(node, ast.Name):
            if node.id in _NAMES or (node.id.startswith("r") and node.id[1:].isdigit()):
                return sympy.Symbol(node.id, positive=True, integer=True)
            raise bad(f"{node.id!r}")
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            v = conv(node.operand)
            return -v if isinstance(node.op, ast.USub) else v
        if isinstance(node, ast.BinOp):
            a, b = conv(node.left), conv(node.right)
            ops = {ast.Add: lambda: a + b, ast.Sub: lambda: a - b, ast.Mult: lambda: a * b,
                   ast.Div: lambda: a / b, ast.FloorDiv: lambda: sympy.floor(a / b)}
            if type(node.op) in ops:
                return ops[type(node.op)]()
            if isinstance(node.op, ast.Pow):
                if b.is_Number and abs(b) > 64:
                    raise bad(f"the exponent {b}")
                _pow_guard(a, b, text)
                return a**b
            raise bad(f"the operator {type(node.op).__name__}")
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and not node.keywords:
            f = _FUNCS.get(node.func.id)
            if f is None:
                raise bad(f"{node.func.id!r}")
            args = [conv(a) for a in node.args]
            if not args or (f not in (sympy.Min, sympy.Max) and len(args) != 1):
                raise bad(f"{node.func.id} with {len(args)} arguments")
            return unevaluated_max_min(f, args) if f in (sympy.Min, sympy.Max) else f(*args)  # sympy's Max is slow
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            raise bad(f"{node.func.id!r}")
        raise bad(f"'{ast.unparse(node)}'" if hasattr(ast, "unparse") else "this syntax")

    return conv(tree)


_MAX_BITS = 1 << 17


def _pow_guard(a, b, text):
    """Refuse a power of numbers whose value would have more than _MAX_BITS bits (a tower such as
    ((9^64)^64)^64 or N^N^N at N = 16 would never finish)."""
    if a.is_Rational and b.is_Rational and abs(a) != 1 and a != 0:
        if max(abs(a.p).bit_length(), a.q.bit_length()) * abs(b) > _MAX_BITS:
            raise DomainError(f"--bound {text!r}: a power with more than {_MAX_BITS} bits; refused")


def _bounded_xreplace(expr, subs, text=""):
    """``expr.xreplace(subs)``, refusing powers of numbers that would be too large to compute."""
    if expr in subs:
        return subs[expr]
    if not expr.args:
        return expr
    args = [_bounded_xreplace(a, subs, text) for a in expr.args]
    if isinstance(expr, sympy.Pow):
        _pow_guard(args[0], args[1], text or str(expr))
    return expr.func(*args)


def bound_values(spec: Spec) -> dict:
    """The values of the names a bound may use, for one network: N, M, Z, L, w and r0, r1, ...

    >>> from symbolic.spec.network import deep
    >>> bound_values(deep(N=4, M=2, widths=(3, 1), seed=0))
    {'N': 4, 'M': 2, 'Z': 3, 'L': 2, 'w': 2, 'r0': 3, 'r1': 1}
    """
    ws = tuple(spec.widths)
    vals = {"N": spec.N, "M": spec.M, "Z": ws[0], "L": spec.L,
            "w": spec.window if spec.architecture == "deep" else spec.N}
    vals.update({f"r{l}": r for l, r in enumerate(ws)})
    return vals


def evaluate_bound(expr, spec: Spec):
    vals = bound_values(spec)
    subs = {}
    for s in expr.free_symbols:
        if s.name not in vals:
            names = ", ".join(vals)
            raise DomainError(f"--bound: {s.name} is not defined for a {spec.architecture} network with "
                              f"{spec.L} level(s) (defined: {names})")
        subs[s] = sympy.Integer(vals[s.name])
    v = _bounded_xreplace(expr, subs)
    v = sympy.nsimplify(v) if not v.is_Rational else v
    if not v.is_Rational:
        if v.is_real and v.is_finite:
            return v  # an algebraic number such as 2**(1/2): compared exactly by sympy
        raise DomainError(f"--bound: evaluates to {v} for {vals}, not a real number")
    return v


def _latex_vector(v):
    return "(" + ", ".join(sympy.latex(sympy.Rational(str(x))) for x in v) + ")"


def latex_rank(spec: Spec, t, details, expr) -> str:
    from symbolic.rank.matricization import matricize_array

    rows = tuple(details["rows"])
    lines = [r"\begin{gather*}",
             rf"\text{{{spec.architecture} {spec.operator.name} network}},\ N={spec.N},\ M={spec.M},\ "
             + (rf"Z={spec.Z}" if spec.architecture == "shallow" else
                r"(r_0,\ldots,r_{L-1})=(" + ", ".join(map(str, spec.widths)) + ")") + r"\\"]
    if spec.architecture == "shallow":
        for z in range(spec.Z):
            vecs = [spec.hidden_vector(z, i) for i in range(spec.N)]
            if spec.shared:
                lines.append(rf"a^{{{z}}} = {_latex_vector(vecs[0])}\\")
            else:
                lines.append(r",\ ".join(rf"a^{{{z},{i}}} = {_latex_vector(v)}" for i, v in enumerate(vecs)) + r"\\")
        lines.append(rf"a^{{y}} = {_latex_vector(spec.output[0])}\\")
    else:
        for l in range(spec.L):
            mats = [spec.layer_matrix(l, k) for k in range(1 if spec.shared else spec.N // spec.window**l)]
            lines.append(r",\ ".join(rf"W^{{{l},{k}}} = "
                                     rf"{sympy.latex(sympy.Matrix([[sympy.Rational(str(x)) for x in r] for r in m]))}"
                                     for k, m in enumerate(mats)) + r"\\")
        lines.append(rf"a^{{y}} = {_latex_vector(spec.output[0])}\\")
    A = matricize_array(t.to_numpy(), rows)
    mat = sympy.Matrix([[sympy.Rational(str(x)) for x in r] for r in A.tolist()])
    lines.append(rf"[\mathcal{{A}}]_{{\{{{','.join(map(str, rows))}\}}}} = {sympy.latex(mat)},\quad "
                 rf"\operatorname{{rank}} = {details['rank']} > {sympy.latex(expr)} = {details['bound']}")
    lines.append(r"\end{gather*}")
    return "\n".join(lines)
