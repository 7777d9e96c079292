"""The one whitelist parser for every string that comes from a file, standard input or a flag.

Nothing is evaluated by Python: expressions are tokenized and parsed by hand (operator precedence
on explicit stacks, no recursion) into sympy objects; JSON is read with limits on size, nesting and
digits. A refusal is a one-line :class:`ParseError` naming the field. Imports only the standard
library, sympy and :mod:`symbolic.errors`.

>>> parse_expr("relu(a) + 2^3 - 1/2")
Max(0, a) + 15/2
>>> parse_expr("__import__('os')", field="weights.output[0][0]")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
symbolic.kernel.parse.ParseError: weights.output[0][0]: the name '__import__' (names starting with '__' are refused) at
position 0 in "__import__('os')"; allowed: ...
"""

from __future__ import annotations

import json
import math
import keyword
import os
import sys
from fractions import Fraction

from .lazy import sympy

from symbolic.errors import ConvacError

__all__ = ["ParseError", "parse_expr", "parse_rational", "load_json", "read_json_file", "ALLOWED", "MAX_DIGITS",
           "unevaluated_max_min"]

ALLOWED = "integers, p/q rationals, declared symbols, + - * / ^, parentheses, Max, Min, Abs, relu, exp, tanh, sigmoid"
MAX_DIGITS = 1000
_BIG = 10**MAX_DIGITS
#: Nesting of calls (all; exp/tanh/sigmoid) and number of exp/tanh/sigmoid calls in one expression: sympy's
#: assumptions on nested transcendental calls grow exponentially (tanh nested 8 deep: seconds).
MAX_CALL_NESTING, MAX_TRANSCENDENTAL_NESTING, MAX_TRANSCENDENTAL = 32, 4, 64
_POW_BITS = 1 << 17  # bits of all numbers computed by ^ in one expression, together
_ARITY = {"Max": None, "Min": None, "Abs": 1, "exp": 1, "tanh": 1, "relu": 1, "sigmoid": 1}
_TRANSCENDENTAL = ("exp", "tanh", "sigmoid")
_PREC = {"+": 1, "-": 1, "*": 2, "/": 2, "u+": 3, "u-": 3}
_DIGITS, _START = set("0123456789"), set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_")
_NAME = _START | _DIGITS
_CHARS = {".": "attribute access or a decimal point '.'", "[": "subscripts '['", "]": "subscripts ']'",
          "'": "strings (quotes)", '"': "strings (quotes)", "=": "'='", ":": "':'", ";": "';'"}


def _clip(text, n: int = 40) -> str:
    return json.dumps(text if len(text) <= n else text[: n - 3] + "...")


class ParseError(ConvacError, ValueError):
    """Refused input, in one line: ``field: what is wrong[; allowed: ...]``. ``kind`` is one of syntax,
    digits, size, depth, json, empty, unreadable, zero_denominator; ``detail`` carries data for callers."""

    def __init__(self, field, what: str, *, kind: str = "syntax", hint: bool = True, detail=None):
        self.field, self.what, self.kind, self.detail = str(field), what, kind, detail
        msg = f"{field}: {what}" + (f"; allowed: {ALLOWED}" if hint else "")
        super().__init__(msg.replace("\r", "\\r").replace("\n", "\\n"))


def _ndigits(n: int) -> int:
    """Decimal digits of |n| without str() (which refuses more than 4300 digits)."""
    n = abs(n)
    d = max(1, int((n.bit_length() - 1) * 0.30102999566398120) + 1)
    return d + 1 if n >= 10**d else d


def _tokens(text: str, field: str) -> list:
    out, i, n = [], 0, len(text)
    while i < n:
        c, j = text[i], i + 1
        if c in " \t\r\n":
            i = j
            continue
        if c in _DIGITS or c in _START:
            kind = "num" if c in _DIGITS else "name"
            while j < n and text[j] in (_DIGITS if kind == "num" else _NAME):
                j += 1
            word = text[i:j]
            if kind == "num" and j < n and (text[j] == "."
                                            or (text[j] in "eE" and text[j + 1:j + 2] in _DIGITS | {"+", "-"})):
                raise ParseError(field, f"decimal (float) literals are refused, got {_clip(text[i:j + 2])}")
            if kind == "num" and j < n and text[j] in _NAME:
                raise ParseError(field, f"a number followed by a name at position {j} in {_clip(text)} (write 2*x)")
            if kind == "num" and j - i > MAX_DIGITS:
                raise ParseError(field, f"an integer literal with {j - i} digits; at most {MAX_DIGITS}", kind="digits")
            if kind == "name" and (word.startswith("__") or keyword.iskeyword(word)):
                why = "names starting with '__' are refused" if word.startswith("__") else "a Python keyword"
                raise ParseError(field, f"the name {word!r} ({why}) at position {i} in {_clip(text)}")
            out.append((kind, int(word) if kind == "num" else word, i))
        elif text.startswith("**", i):
            out.append(("op", "^", i))
            j = i + 2
        elif c in "+-*/^(),":
            out.append(("op", c, i))
        else:
            what = _CHARS.get(c, f"the character {c!r}")
            if c == "." and text[j:j + 1] in _DIGITS:
                what = "decimal (float) literals are refused, got '.'"
            raise ParseError(field, f"{what} at position {i} in {_clip(text)}")
        i = j
    return out


def unevaluated_max_min(cls, args):
    """Max/Min built as operators.sym_max builds them: flattened, numbers folded, sorted, unevaluated
    (sympy's own evaluation compares the arguments pairwise: seconds for 50 arguments)."""
    flat, nums, stack = [], [], list(args)
    while stack:
        x = stack.pop()
        if isinstance(x, cls):
            stack.extend(x.args)
        else:
            (nums if x.is_Number else flat).append(x)
    if nums:
        flat.append(max(nums) if cls is sympy.Max else min(nums))
    uniq = sorted(set(flat), key=sympy.default_sort_key)
    return uniq[0] if len(uniq) == 1 else cls(*uniq, evaluate=False)


def _pow(b, e: int):
    """b**e; a sum with symbols is left as it is (sympy's evaluation would only ask costly assumptions)."""
    return sympy.Pow(b, e, evaluate=False) if b.is_Add and not b.is_number and e not in (0, 1) else b**e


def _call(name: str, args: list):
    if name in ("Max", "Min", "relu"):
        cls = sympy.Min if name == "Min" else sympy.Max
        return unevaluated_max_min(cls, args + [sympy.Integer(0)] * (name == "relu"))
    (a,) = args
    if name == "Abs":  # sympy's sign rules, without its assumption queries (seconds on nested Abs)
        c, r = (a, sympy.Integer(1)) if a.is_Number else a.as_coeff_Mul()
        r = -r if r.could_extract_minus_sign() else r
        return abs(c) * (r if isinstance(r, sympy.Abs) or r.is_Number else sympy.Abs(r, evaluate=False))
    if name == "sigmoid":
        return _pow(1 + sympy.exp(-a, evaluate=bool((-a).is_Number)), -1)
    return getattr(sympy, name)(a, evaluate=bool(a.is_Number))  # tanh's evaluation is exponential in nesting


class _Chain(list):
    """A pending n-ary sum or product, built once at the end (sympy's binary + on long chains is quadratic)."""

    def __init__(self, op, items):
        super().__init__(items)
        self.op = op


def _m(v):
    return (sympy.Add if v.op == "+" else sympy.Mul)(*v) if isinstance(v, _Chain) else v


def parse_expr(text, *, field="expression", symbols=None, max_length=20000, max_depth=200, max_exponent=64):
    """Parse an exact expression of the whitelist grammar into sympy; nothing is evaluated by Python.

    Parameters
    ----------
    text : str
        Non-negative integers, names (plain ``sympy.Symbol``), ``+ - * /``, ``^`` or ``**`` with an
        integer literal exponent (``|e| <= max_exponent``), unary ``+ -``, parentheses and calls of
        Max, Min, Abs, exp, tanh, relu (``Max(x, 0)``) and sigmoid (``1/(1 + exp(-x))``).
    field : str
        Named in every error.
    symbols : mapping, optional
        When given, the only names allowed, mapped to these exact symbol objects.
    max_length, max_depth, max_exponent : int
        Limits on characters, nesting (parentheses, unary signs, calls) and exponents.

    Raises
    ------
    ParseError
        One line naming ``field``, what is wrong and what is allowed.

    >>> parse_expr("Max(a, 0)*b^2 + 3/4") == (sympy.Max(sympy.Symbol("a"), 0) * sympy.Symbol("b")**2
    ...                                        + sympy.Rational(3, 4))
    True
    """
    if not isinstance(text, str):
        raise ParseError(field, f"expected a string, got {type(text).__name__}")
    if len(text) > max_length:
        raise ParseError(field, f"{len(text)} characters; at most {max_length}", kind="size")
    toks = _tokens(text, field) + [("end", None, len(text))]
    if len(toks) == 1:
        raise ParseError(field, "empty expression")
    vals, ops, nest = [], [], {"depth": 0, "calls": 0, "trans": 0, "trans_total": 0, "bits": _POW_BITS}
    i, expect = 0, True

    def fail(what, k):
        at = f" at position {toks[k][2]}" if toks[k][0] != "end" else " at the end"
        raise ParseError(field, f"{what}{at} in {_clip(text)}")

    def reduce_top():
        op = ops.pop()
        nest["depth"] -= op[0] == "u"
        if op[0] == "u":
            vals[-1] = -_m(vals[-1]) if op == "u-" else vals[-1]
            return
        b, a = _m(vals.pop()), vals.pop()
        if op == "/" and b == 0:
            fail("division by zero", i - 1)
        b = -b if op == "-" else (_pow(b, -1) if op == "/" else b)
        kind = "+" if op in "+-" else "*"
        if isinstance(a, _Chain) and a.op == kind:
            a.append(b)  # the chain is referenced from the stack only
        else:
            a = _Chain(kind, [_m(a), b])
        vals.append(a)

    def power():  # a ^ [(] [+|-] integer [)] right after an operand
        nonlocal i
        if toks[i][1] != "^":
            return
        paren = toks[i + 1][1] == "("
        sign = toks[i + 1 + paren][1] if toks[i + 1 + paren][1] in ("+", "-") else ""
        k = i + 1 + paren + bool(sign)
        if toks[k][0] != "num" or (paren and toks[k + 1][1] != ")") or toks[k + 1 + paren][1] == "^":
            fail("an exponent must be an integer literal (a^b^c is a^(b^c))", k)
        e, i = (-toks[k][1] if sign == "-" else toks[k][1]), k + 1 + paren
        base = _m(vals[-1])
        if abs(e) > max_exponent:
            fail(f"the exponent {e} (at most {max_exponent} in absolute value)", k)
        if base == 0 and e < 0:
            fail("a negative power of zero", k)
        c = base.as_coeff_Mul()[0]
        nest["bits"] -= max(abs(c.p).bit_length(), c.q.bit_length()) * abs(e) if c.is_Rational else 0
        if nest["bits"] < 0:
            fail(f"powers of numbers too large (more than {_POW_BITS} bits)", k)
        vals[-1] = r = _pow(base, e)
        for t in (r.args if r.is_Mul else (r,)):
            if t.is_Pow and t.exp.is_Integer and abs(t.exp) > max_exponent:
                fail(f"the combined exponent {t.exp} (at most {max_exponent})", k)

    while toks[i][0] != "end":
        if nest["depth"] > max_depth:
            fail(f"nesting deeper than {max_depth}", i)
        kind, v, _ = toks[i]
        if expect and kind == "name" and toks[i + 1][1] == "(":
            if v not in _ARITY:
                fail(f"calls of {v!r} are not allowed", i)
            t = v in _TRANSCENDENTAL
            for key, add, limit, what in (("calls", 1, MAX_CALL_NESTING, "function calls nested more than {} deep"),
                                          ("trans", t, MAX_TRANSCENDENTAL_NESTING,
                                           "exp, tanh, sigmoid nested more than {} deep"),
                                          ("trans_total", t, MAX_TRANSCENDENTAL,
                                           "more than {} calls of exp, tanh and sigmoid"),
                                          ("depth", 1, max_depth, "nesting deeper than {}")):
                nest[key] += add
                if nest[key] > limit:
                    fail(what.format(limit), i)
            ops.append(("call", v, len(vals)))
            i += 2
        elif expect and kind in ("num", "name"):
            if kind == "name" and v in _ARITY:
                fail(f"{v!r} is a function, not a symbol", i)
            if kind == "name" and symbols is not None and v not in symbols:
                fail(f"unknown symbol {v!r}", i)
            vals.append(sympy.Integer(v) if kind == "num" else symbols[v] if symbols is not None else sympy.Symbol(v))
            i, expect = i + 1, False
            power()
        elif expect and v in ("(", "+", "-"):
            ops.append("(" if v == "(" else "u" + v)
            nest["depth"] += 1
            i += 1
        elif expect:
            empty = v == ")" and ops and isinstance(ops[-1], tuple) and len(vals) == ops[-1][2]
            fail(f"{ops[-1][1]} needs an argument" if empty else f"expected a number, a name or '(' but got {v!r}", i)
        elif v in _PREC:
            while ops and isinstance(ops[-1], str) and ops[-1] != "(" and _PREC[ops[-1]] >= _PREC[v]:
                reduce_top()
            ops.append(v)
            i, expect = i + 1, True
        elif v in (")", ","):
            while ops and ops[-1] != "(" and not isinstance(ops[-1], tuple):
                reduce_top()
            if not ops or (v == "," and ops[-1] == "("):
                fail("unbalanced ')'" if v == ")" else "',' outside a function call", i)
            i, expect = i + 1, v == ","
            if v == ")":
                top = ops.pop()
                nest["depth"] -= 1
                if isinstance(top, tuple):
                    _, name, start = top
                    args = [_m(a) for a in vals[start:]]
                    del vals[start:]
                    if _ARITY[name] is not None and len(args) != _ARITY[name]:
                        fail(f"{name} takes {_ARITY[name]} argument, got {len(args)}", i - 1)
                    vals.append(_call(name, args))
                    nest["calls"] -= 1
                    nest["trans"] -= name in _TRANSCENDENTAL
                power()
        else:
            fail(f"expected an operator but got {v!r} (write 2*x, not 2 x)", i)
    if expect:
        fail("an operand is missing", i)
    while ops:
        if not isinstance(ops[-1], str) or ops[-1] == "(":
            fail("unbalanced '('", i)
        reduce_top()
    return _m(vals[0])


def parse_rational(value, *, field, max_digits: int = MAX_DIGITS) -> Fraction:
    """An exact rational from an int (or Fraction) or a string ``"-3"``, ``"3/4"``, ``" -3 / 4 "``;
    floats, bools, other strings, zero denominators and more than 1000 digits are refused.

    >>> parse_rational(" -3 / 4 ", field="F[0][0]"), parse_rational(7, field="x")
    (Fraction(-3, 4), Fraction(7, 1))
    """
    if isinstance(value, bool) or not isinstance(value, (int, str, Fraction)):
        what = ("a boolean" if isinstance(value, bool) else "a float" if isinstance(value, float)
                else type(value).__name__)
        raise ParseError(field, f"expected an int or a string 'p/q', got {what}")
    if isinstance(value, str) and len(value) > 2 * max_digits + 64:
        raise ParseError(field, f"{len(value)} characters; at most {max_digits} digits each side of '/'", kind="digits")
    parts: list = [value.numerator, value.denominator] if not isinstance(value, str) else value.split("/")
    nums = []
    for k, p in enumerate(parts if len(parts) <= 2 else ()):
        if isinstance(p, str):
            p = p.strip(" \t\r\n")
            digits = p[1:] if p[:1] in ("+", "-") and k == 0 else p
            if not digits or any(ch not in _DIGITS for ch in digits):
                break
        n = len(digits) if isinstance(p, str) else _ndigits(p) if abs(p) >= _BIG else 0
        if n > max_digits:
            raise ParseError(field, f"an integer with {n} digits; at most {max_digits}", kind="digits", detail=n)
        nums.append(_int(p) if isinstance(p, str) and n > 4000 else int(p))
    if len(nums) != len(parts):
        raise ParseError(field, f"expected an integer or p/q, got {_clip(value)}")
    if len(nums) == 2 and nums[1] == 0:
        raise ParseError(field, f"a zero denominator in {_clip(str(value))}", kind="zero_denominator")
    return Fraction(*nums)


def _int(digits: str) -> int:
    """int() of a long decimal string (Python refuses more than 4300 digits by default)."""
    old = sys.get_int_max_str_digits()
    sys.set_int_max_str_digits(0)
    try:
        return int(digits)
    finally:
        sys.set_int_max_str_digits(old)


def load_json(text_or_bytes, *, field="FILE", max_bytes=64 * 2**20, max_depth=64, max_digits=MAX_DIGITS):
    """``json.loads`` with limits: size, integer digits, nesting (walked without recursion); NaN and
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
        if len(s.lstrip("-")) > max_digits:
            raise ParseError(field, f"an integer literal with {len(s.lstrip('-'))} digits; at most {max_digits}",
                             kind="digits", hint=False)
        return int(s)

    def parse_constant(s):
        raise ParseError(field, f"{s} is not an exact number", kind="json", hint=False)

    def parse_float(s):  # floats stay floats (callers refuse them by field), but never inf: 1e400 is refused
        x = float(s)
        if not math.isfinite(x):
            raise ParseError(field, f"the number {s[:40]} is not finite", kind="json", hint=False)
        return x

    def pairs(kv):  # one meaning per object: a repeated key is refused, never "the last one wins"
        out = {}
        for k, v in kv:
            if k in out:
                raise ParseError(field, f"the key {_clip(k)} appears twice in one object", kind="json", hint=False)
            out[k] = v
        return out

    deep = ParseError(field, f"nested deeper than {max_depth} levels", kind="depth", hint=False)
    try:
        obj = json.loads(data, parse_int=parse_int, parse_constant=parse_constant, parse_float=parse_float,
                         object_pairs_hook=pairs)
    except ParseError:
        raise
    except RecursionError:
        raise deep from None
    except json.JSONDecodeError as e:
        raise ParseError(field, f"not JSON (line {e.lineno} column {e.colno}: {e.msg})", kind="json", hint=False,
                         detail=(e.lineno, e.colno, e.msg)) from None
    except ValueError as e:  # undecodable bytes
        raise ParseError(field, f"not JSON ({type(e).__name__}: not UTF-8 text)", kind="json", hint=False) from None
    stack = [(obj, 1)] if isinstance(obj, (list, dict)) else []
    _text(obj, field)
    while stack:
        x, d = stack.pop()
        if d > max_depth:
            raise deep
        for y in (x.values() if isinstance(x, dict) else x):
            if isinstance(y, (list, dict)):
                stack.append((y, d + 1))
            else:
                _text(y, field)
        for k in (x if isinstance(x, dict) else ()):
            _text(k, field)
    return obj


def _text(s, field):
    """A JSON string must be Unicode text: a lone surrogate (``"\\ud800"``) is refused."""
    if isinstance(s, str):
        try:
            s.encode("utf-8")
        except UnicodeEncodeError:
            raise ParseError(field, "a string holds a lone surrogate (\\ud800-\\udfff): not Unicode text", kind="json",
                             hint=False) from None


def read_json_file(path, *, field=None, **limits):
    """:func:`load_json` of a regular file (its size checked before reading) or of standard input (``"-"``),
    at most ``max_bytes`` either way; a FIFO, a device or a folder is refused at once, never read or waited on.
    Unreadable and empty input are one-line errors too."""
    import stat

    max_bytes = limits.get("max_bytes", 64 * 2**20)
    field = field or ("stdin" if str(path) == "-" else str(path))
    try:
        if str(path) == "-":
            stream = getattr(sys.stdin, "buffer", sys.stdin)
            data = stream.read(max_bytes + 1) if stream is not None else ""
        else:
            fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)  # a FIFO without a writer opens at once
            with open(fd, "rb") as f:
                st = os.fstat(fd)
                if not stat.S_ISREG(st.st_mode):
                    raise ParseError(field, "cannot be read (not a regular file: a FIFO, device or folder)",
                                     kind="unreadable", hint=False, detail="not a regular file")
                if st.st_size > max_bytes:
                    raise ParseError(field, f"{st.st_size} bytes; at most {max_bytes} bytes", kind="size", hint=False)
                data = f.read(max_bytes + 1)
        if len(data) > max_bytes:
            raise ParseError(field, f"more than {max_bytes} bytes", kind="size", hint=False)
    except (OSError, ValueError) as e:
        if isinstance(e, ParseError):
            raise
        why = getattr(e, "strerror", None) or str(e)
        raise ParseError(field, f"cannot be read ({why})", kind="unreadable", hint=False, detail=why) from None
    if not data.strip():
        raise ParseError(field, "empty; expected JSON", kind="empty", hint=False)
    return load_json(data, field=field, **limits)
