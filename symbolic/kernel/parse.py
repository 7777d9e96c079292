"""The one whitelist parser for every string that comes from a file, standard input or a flag.

Nothing is evaluated by Python: an expression is tokenized and parsed by hand (operator
precedence with explicit stacks, no recursion) into sympy objects, and JSON is read with
limits on size, nesting and digits. Every refusal is a one-line :class:`ParseError` that
names the field. Imports only the standard library, sympy and :mod:`symbolic.errors`.

>>> parse_expr("relu(a) + 2^3 - 1/2")
Max(0, a) + 15/2
>>> parse_expr("__import__('os')", field="weights.output[0][0]")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
symbolic.kernel.parse.ParseError: weights.output[0][0]: the name '__import__' (names starting with '__' are refused) at position 0 in "__import__('os')"; allowed: ...
"""

from __future__ import annotations

import json
import keyword
import os
import sys
from fractions import Fraction

import sympy

from symbolic.errors import ConvacError

__all__ = ["ParseError", "parse_expr", "parse_rational", "load_json", "read_json_file", "ALLOWED", "MAX_DIGITS"]

ALLOWED = "integers, p/q rationals, declared symbols, + - * / ^, parentheses, Max, Min, Abs, relu, exp, tanh, sigmoid"
MAX_DIGITS = 1000
#: Calls nested deeper, or more calls of exp/tanh/sigmoid in one expression, are refused: sympy's
#: assumptions on such expressions grow exponentially with the nesting and take ~0.03 s per call.
MAX_CALL_NESTING, MAX_TRANSCENDENTAL = 4, 64
_POW_BITS = 1 << 17  # all numbers computed by ^ in one expression together: at most this many bits
_ARITY = {"Max": None, "Min": None, "Abs": 1, "exp": 1, "tanh": 1, "relu": 1, "sigmoid": 1}
_PREC = {"+": 1, "-": 1, "*": 2, "/": 2, "u+": 3, "u-": 3}
_DIGITS, _START = set("0123456789"), set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_")
_NAME = _START | _DIGITS
_CHARS = {".": "attribute access or a decimal point '.'", "[": "subscripts '['", "]": "subscripts ']'",
          "'": "strings (quotes)", '"': "strings (quotes)", "=": "'='", ":": "':'", ";": "';'"}


def _clip(text, n: int = 40) -> str:
    text = str(text)
    return json.dumps(text if len(text) <= n else text[: n - 3] + "...")


class ParseError(ConvacError, ValueError):
    """Refused input: one line, ``field: what is wrong[; allowed: ...]``. ``kind`` tells the class of refusal
    (``syntax``, ``digits``, ``size``, ``depth``, ``json``, ``empty``, ``unreadable``, ``zero_denominator``)."""

    def __init__(self, field, what: str, *, kind: str = "syntax", hint: bool = True, detail=None):
        self.field, self.what, self.kind, self.detail = str(field), what, kind, detail
        msg = f"{field}: {what}" + (f"; allowed: {ALLOWED}" if hint else "")
        super().__init__(msg.replace("\r", "\\r").replace("\n", "\\n"))


def _ndigits(n: int) -> int:
    """Decimal digits of |n| without str() (which refuses more than 4300 digits)."""
    n, d = abs(n), max(1, int((abs(n).bit_length() - 1) * 0.30102999566398120) + 1)
    return d + 1 if n >= 10**d else d


def _tokens(text: str, field: str):
    out, i, n = [], 0, len(text)
    while i < n:
        c = text[i]
        if c in " \t\r\n":
            i += 1
        elif c in _DIGITS:
            j = i
            while j < n and text[j] in _DIGITS:
                j += 1
            if j < n and (text[j] == "." or (text[j] in "eE" and text[j + 1:j + 2] in _DIGITS | {"+", "-"})):
                raise ParseError(field, f"decimal (float) literals are refused, got {_clip(text[i:j + 2])}")
            if j < n and text[j] in _NAME:
                raise ParseError(field, f"a number followed by a name at position {j} in {_clip(text)} (write 2*x)")
            if j - i > MAX_DIGITS:
                raise ParseError(field, f"an integer literal with {j - i} digits; at most {MAX_DIGITS}", kind="digits")
            out.append(("num", int(text[i:j]), i))
            i = j
        elif c in _START:
            j = i
            while j < n and text[j] in _NAME:
                j += 1
            name = text[i:j]
            if name.startswith("__") or keyword.iskeyword(name):
                why = "names starting with '__' are refused" if name.startswith("__") else "a Python keyword"
                raise ParseError(field, f"the name {name!r} ({why}) at position {i} in {_clip(text)}")
            out.append(("name", name, i))
            i = j
        elif text.startswith("**", i):
            out.append(("op", "^", i))
            i += 2
        elif c in "+-*/^(),":
            out.append(("op", c, i))
            i += 1
        else:
            what = _CHARS.get(c, f"the character {c!r}")
            if c == "." and text[i + 1:i + 2] in _DIGITS:
                what = "decimal (float) literals are refused, got '.'"
            raise ParseError(field, f"{what} at position {i} in {_clip(text)}")
    return out


def _max_min(cls, args):
    """Max/Min as operators.sym_max builds them: flattened, numbers folded, sorted, unevaluated
    (sympy's own evaluation compares arguments pairwise and is very slow on many arguments)."""
    flat, nums, stack = [], [], list(args)
    while stack:
        x = stack.pop()
        if isinstance(x, cls):
            stack.extend(x.args)
        elif x.is_Number:
            nums.append(x)
        else:
            flat.append(x)
    if nums:
        flat.append(max(nums) if cls is sympy.Max else min(nums))
    uniq = sorted(set(flat), key=sympy.default_sort_key)
    return uniq[0] if len(uniq) == 1 else cls(*uniq, evaluate=False)


def _call(name: str, args: list):
    if name in ("Max", "Min"):
        return _max_min(getattr(sympy, name), args)
    (a,) = args
    if name == "relu":
        return _max_min(sympy.Max, [a, sympy.Integer(0)])
    if name == "Abs":
        return sympy.Abs(a)
    ev = bool(a.is_Number)  # tanh's own evaluation is exponential in nesting: only on numbers
    return sympy.tanh(a, evaluate=ev) if name == "tanh" else (
        sympy.exp(a, evaluate=ev) if name == "exp" else _pow(1 + sympy.exp(-a, evaluate=bool((-a).is_Number)), -1))


def _pow(b, e: int):
    """b**e; a sum with symbols is left as it is (sympy's evaluation would only ask costly assumptions)."""
    return sympy.Pow(b, e, evaluate=False) if b.is_Add and not b.is_number and e not in (0, 1) else b**e


class _Chain:
    """A pending n-ary sum or product (built once: sympy's binary + on long chains is quadratic)."""

    def __init__(self, op, items):
        self.op, self.items = op, items


def _m(v):
    if isinstance(v, _Chain):
        return sympy.Add(*v.items) if v.op == "+" else sympy.Mul(*v.items)
    return v


def parse_expr(text, *, field="expression", symbols=None, max_length=20000, max_depth=200, max_exponent=64):
    """Parse an exact expression of the whitelist grammar into sympy, never evaluating Python.

    Parameters
    ----------
    text : str
        Integers, names (``sympy.Symbol``), ``+ - * /``, ``^`` or ``**`` with an integer literal
        exponent (``|e| <= max_exponent``), unary ``+ -``, parentheses and calls of Max, Min, Abs,
        exp, tanh, relu (``Max(x, 0)``) and sigmoid (``1/(1 + exp(-x))``).
    field : str
        Named in every error.
    symbols : mapping, optional
        When given, the only names allowed, mapped to these exact symbol objects.

    Raises
    ------
    ParseError
        One line naming ``field``, what is wrong and what is allowed.

    >>> parse_expr("Max(a, 0)*b^2 + 3/4") == sympy.Max(sympy.Symbol("a"), 0) * sympy.Symbol("b")**2 + sympy.Rational(3, 4)
    True
    """
    if not isinstance(text, str):
        raise ParseError(field, f"expected a string, got {type(text).__name__}")
    if len(text) > max_length:
        raise ParseError(field, f"{len(text)} characters; at most {max_length}", kind="size")
    toks = _tokens(text, field)
    if not toks:
        raise ParseError(field, "empty expression")
    vals, ops, budget = [], [], [_POW_BITS]  # ops: operators, ("(",) and ("call", name, first value)
    depth = calls = trans = i = 0

    def fail(what, k=None):
        at = f" at position {toks[k][2]}" if k is not None and k < len(toks) else " at the end"
        raise ParseError(field, f"{what}{at} in {_clip(text)}")

    def reduce_top():
        op = ops.pop()
        if op in ("u-", "u+"):
            vals[-1] = -_m(vals[-1]) if op == "u-" else vals[-1]
            return
        b, a = vals.pop(), vals.pop()
        if op in "+-":
            b = _m(b) if op == "+" else -_m(b)
            vals.append(_Chain("+", a.items + [b]) if isinstance(a, _Chain) and a.op == "+" else _Chain("+", [_m(a), b]))
            return
        b = _m(b)
        if op == "/":
            if b == 0:
                fail("division by zero", i - 1)
            b = _pow(b, -1)
        vals.append(_Chain("*", a.items + [b]) if isinstance(a, _Chain) and a.op == "*" else _Chain("*", [_m(a), b]))

    def exponent():  # ^ [(] [+|-] integer [)]
        nonlocal i
        paren = i < len(toks) and toks[i][1] == "("
        i += paren
        sign = toks[i][1] if i < len(toks) and toks[i][1] in ("+", "-") else ""
        i += bool(sign)
        if i >= len(toks) or toks[i][0] != "num" or (paren and (i + 1 >= len(toks) or toks[i + 1][1] != ")")):
            fail("an exponent must be an integer literal", i)
        e = -toks[i][1] if sign == "-" else toks[i][1]
        i += 1 + paren
        if i < len(toks) and toks[i][1] == "^":
            fail("an exponent must be an integer literal (a^b^c is a^(b^c))", i)
        if abs(e) > max_exponent:
            fail(f"the exponent {e} (at most {max_exponent} in absolute value)", i - 1)
        return e

    def power():  # apply a following ^ to the operand just completed
        nonlocal i
        if i < len(toks) and toks[i][1] == "^":
            i += 1
            e, base = exponent(), _m(vals[-1])
            if base == 0 and e < 0:
                fail("a negative power of zero", i - 1)
            c = base.as_coeff_Mul()[0]
            budget[0] -= max(abs(c.p).bit_length(), c.q.bit_length()) * abs(e) if c.is_Rational else 0
            if budget[0] < 0:
                fail(f"powers of numbers too large (more than {_POW_BITS} bits)", i - 1)
            r = _pow(base, e)
            for t in (r.args if r.is_Mul else (r,)):
                if t.is_Pow and t.exp.is_Integer and abs(t.exp) > max_exponent:
                    fail(f"the combined exponent {t.exp} (at most {max_exponent})", i - 1)
            vals[-1] = r

    expect = True
    while i < len(toks):
        if depth > max_depth:
            fail(f"nesting deeper than {max_depth}", i)
        kind, v, _ = toks[i]
        if expect:
            if kind == "num":
                vals.append(sympy.Integer(v))
            elif kind == "name":
                if i + 1 < len(toks) and toks[i + 1][1] == "(":
                    if v not in _ARITY:
                        fail(f"calls of {v!r} are not allowed", i)
                    calls, depth, i = calls + 1, depth + 1, i + 2
                    trans += v in ("exp", "tanh", "sigmoid")
                    if calls > MAX_CALL_NESTING:
                        fail(f"function calls nested more than {MAX_CALL_NESTING} deep", i - 2)
                    if trans > MAX_TRANSCENDENTAL:
                        fail(f"more than {MAX_TRANSCENDENTAL} calls of exp, tanh and sigmoid", i - 2)
                    ops.append(("call", v, len(vals)))
                    continue
                if v in _ARITY:
                    fail(f"{v!r} is a function, not a symbol", i)
                if symbols is not None and v not in symbols:
                    fail(f"unknown symbol {v!r}", i)
                vals.append(symbols[v] if symbols is not None else sympy.Symbol(v))
            elif v in ("(", "+", "-"):
                ops.append("(" if v == "(" else "u" + v)
                depth, i = depth + 1, i + 1
                continue
            elif v == ")" and ops and isinstance(ops[-1], tuple) and len(vals) == ops[-1][2]:
                fail(f"{ops[-1][1]} needs an argument", i)
            else:
                fail(f"expected a number, a name or '(' but got {v!r}", i)
            i += 1
            power()
            expect = False
        elif v in _PREC:
            while ops and isinstance(ops[-1], str) and ops[-1] != "(" and _PREC[ops[-1]] >= _PREC[v]:
                depth -= ops[-1][0] == "u"
                reduce_top()
            ops.append(v)
            expect, i = True, i + 1
        elif v in (")", ","):
            while ops and ops[-1] != "(" and not isinstance(ops[-1], tuple):
                depth -= ops[-1][0] == "u"
                reduce_top()
            if not ops or (v == "," and ops[-1] == "("):
                fail(f"unbalanced ')'" if v == ")" else "',' outside a function call", i)
            i += 1
            if v == ",":
                expect = True
                continue
            top = ops.pop()
            depth -= 1
            if isinstance(top, tuple):
                _, name, start = top
                args = [_m(a) for a in vals[start:]]
                del vals[start:]
                if _ARITY[name] is not None and len(args) != _ARITY[name]:
                    fail(f"{name} takes {_ARITY[name]} argument, got {len(args)}", i - 1)
                vals.append(_call(name, args))
                calls -= 1
            power()
        else:
            fail(f"expected an operator but got {v!r} (write 2*x, not 2 x)", i)
    if expect:
        fail("a function needs at least one argument" if ops and isinstance(ops[-1], tuple) else "an operand is missing")
    while ops:
        if not isinstance(ops[-1], str) or ops[-1] == "(":
            fail("unbalanced '('")
        reduce_top()
    return _m(vals[0])


def parse_rational(value, *, field) -> Fraction:
    """An exact rational from an int or a string ``"-3"``, ``"3/4"``, ``" -3 / 4 "``; floats, bools,
    zero denominators and more than 1000 digits are refused.

    >>> parse_rational(" -3 / 4 ", field="F[0][0]"), parse_rational(7, field="x")
    (Fraction(-3, 4), Fraction(7, 1))
    """
    if isinstance(value, bool) or not isinstance(value, (int, str, Fraction)):
        kind = "a boolean" if isinstance(value, bool) else ("a float" if isinstance(value, float) else type(value).__name__)
        raise ParseError(field, f"expected an int or a string 'p/q', got {kind}")
    if isinstance(value, (int, Fraction)):
        for part in (value.numerator, value.denominator):
            if abs(part) >= 10**MAX_DIGITS:
                n = _ndigits(part)
                raise ParseError(field, f"an integer with {n} digits; at most {MAX_DIGITS}", kind="digits", detail=n)
        return Fraction(value)
    if len(value) > 2 * MAX_DIGITS + 64:
        raise ParseError(field, f"{len(value)} characters; at most {MAX_DIGITS} digits each side of '/'", kind="digits")
    parts = value.split("/")
    nums = []
    for k, part in enumerate(parts if len(parts) <= 2 else ()):
        p = part.strip(" \t\r\n")
        sign = p[:1] if p[:1] in ("+", "-") and k == 0 else ""
        digits = p[len(sign):]
        if not digits or any(ch not in _DIGITS for ch in digits):
            break
        if len(digits) > MAX_DIGITS:
            raise ParseError(field, f"an integer with {len(digits)} digits; at most {MAX_DIGITS}", kind="digits",
                             detail=len(digits))
        nums.append(-int(digits) if sign == "-" else int(digits))
    if not nums or len(nums) != len(parts):
        raise ParseError(field, f"expected an integer or p/q, got {_clip(value)}")
    if len(nums) == 2 and nums[1] == 0:
        raise ParseError(field, f"a zero denominator in {_clip(value)}", kind="zero_denominator")
    return Fraction(*nums)


def load_json(text_or_bytes, *, field="FILE", max_bytes=64 * 2**20, max_depth=64, max_digits=MAX_DIGITS):
    """``json.loads`` with limits: size, integer digits, nesting (checked without recursion); NaN and
    Infinity refused. Floats stay floats (callers refuse them, naming their fields).

    >>> load_json('{"a": [1, "2/3"]}')
    {'a': [1, '2/3']}
    >>> load_json("[" * 100 + "]" * 100, field="spec.json")
    Traceback (most recent call last):
    ...
    symbolic.kernel.parse.ParseError: spec.json: nested deeper than 64 levels
    """
    data = text_or_bytes
    if not isinstance(data, (str, bytes, bytearray)):
        raise ParseError(field, f"expected JSON text, got {type(data).__name__}", hint=False)
    size = len(data)
    if isinstance(data, str) and size <= max_bytes < 4 * size:
        size = len(data.encode("utf-8", "surrogatepass"))
    if size > max_bytes:
        raise ParseError(field, f"{size} bytes; at most {max_bytes} bytes", kind="size", hint=False)

    def parse_int(s):
        if len(s) - s.startswith("-") > max_digits:
            raise ParseError(field, f"an integer literal with {len(s) - s.startswith('-')} digits; at most {max_digits}",
                             kind="digits", hint=False)
        return int(s)

    def parse_constant(s):
        raise ParseError(field, f"{s} is not an exact number", kind="json", hint=False)

    try:
        obj = json.loads(data, parse_int=parse_int, parse_constant=parse_constant)
    except ParseError:
        raise
    except RecursionError:
        raise ParseError(field, f"nested deeper than {max_depth} levels", kind="depth", hint=False) from None
    except json.JSONDecodeError as e:
        raise ParseError(field, f"not JSON (line {e.lineno} column {e.colno}: {e.msg})", kind="json", hint=False,
                         detail=(e.lineno, e.colno, e.msg)) from None
    except ValueError as e:  # undecodable bytes
        raise ParseError(field, f"not JSON ({type(e).__name__}: not UTF-8 text)", kind="json", hint=False) from None
    stack = [(obj, 1)] if isinstance(obj, (list, dict)) else []
    while stack:
        x, d = stack.pop()
        if d > max_depth:
            raise ParseError(field, f"nested deeper than {max_depth} levels", kind="depth", hint=False)
        stack.extend((y, d + 1) for y in (x.values() if isinstance(x, dict) else x) if isinstance(y, (list, dict)))
    return obj


def read_json_file(path, *, field=None, **limits):
    """:func:`load_json` of a file (its size checked before reading) or of standard input (``"-"``)."""
    max_bytes = limits.get("max_bytes", 64 * 2**20)
    if str(path) == "-":
        field = field or "stdin"
        stream = getattr(sys.stdin, "buffer", sys.stdin)
        data = stream.read(max_bytes + 1) if stream is not None else ""
    else:
        field = field or str(path)
        try:
            size = os.stat(path).st_size
            if size > max_bytes:
                raise ParseError(field, f"{size} bytes; at most {max_bytes} bytes", kind="size", hint=False)
            with open(path, "rb") as f:
                data = f.read(max_bytes + 1)
        except (OSError, ValueError) as e:
            if isinstance(e, ParseError):
                raise
            why = getattr(e, "strerror", None) or str(e)
            raise ParseError(field, f"cannot be read ({why})", kind="unreadable", hint=False, detail=why) from None
    if not data.strip():
        raise ParseError(field, "empty; expected JSON", kind="empty", hint=False)
    return load_json(data, field=field, **limits)
