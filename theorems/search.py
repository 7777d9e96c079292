"""Counterexample search: find a network of a family that violates a conjecture (design.md section 6).

A *conjecture* is a predicate on a network and its grid tensor, ``holds(spec, tensor) -> bool``
(a plain callable, or a :class:`Conjecture` that can also certify a violation and render it).
A *family* (:class:`Family`) fixes the architecture, the operators and the size ranges.
Hypothesis strategies for specs (:mod:`symbolic.strategies`) drive the search and shrink a
violation to a minimal one, along the documented order of simplicity: fewer patches, then
smaller M, then smaller widths, then smaller |weights| and fewer nonzero weights.

Honesty rules (design.md section 3):

- a reported counterexample is re-checked exactly by an independent route before it is
  reported: its grid tensor is recomputed by the checker's forward pass of the circuit (not
  the decomposition the search used), the conjecture is evaluated on that tensor again, and
  the conjecture's certificate (e.g. a rank lower bound) is verified by the trusted checker;
- "no counterexample found" is ``inconclusive``, never "true".

>>> fam = Family(architecture="shallow", activation="relu", pooling="max", N=4, M=2, widths=(1,))
>>> r = find_counterexample(rank_bound("odd-even", "Z"), fam, budget=100, seed=0)
>>> r.status, r.details["rank"], r.details["bound"]
('refuted', 2, '1')
>>> fam = Family(architecture="shallow", activation="linear", pooling="product", N=4, M=2, widths=(2,))
>>> find_counterexample(rank_bound("odd-even", "Z"), fam, budget=30, seed=0).status
'inconclusive'
"""

from __future__ import annotations

import ast
import math
import random
import time
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Callable

import numpy as np
import sympy

from symbolic.errors import CertificateError, ConvacError, DomainError
from symbolic.kernel.parse import _max_min
from symbolic.spec import Spec, load_spec, spec_to_dict, tree_depth

from .common import source

__all__ = ["Family", "Conjecture", "SearchResult", "find_counterexample", "rank_bound", "parse_bound",
           "bound_values", "simplicity"]


# ----------------------------------------------------------------------------- families
@dataclass(frozen=True)
class Family:
    """A family of networks to search: architecture, operators and size ranges.

    Parameters
    ----------
    architecture : ``"shallow"`` or ``"deep"``
    activation, pooling : a name, or a tuple of names (the first is the simplest)
    N, M : an int or a tuple of ints (the smallest is the simplest)
    widths : fixed widths, ``(Z,)`` for shallow or ``(r_0, ..., r_{L-1})`` for deep; None draws
        every width in 1..``max_width`` (smaller is simpler)
    window : pooling window of deep networks
    shared : coefficient sharing
    weight_range : numerators of weights, drawn in this closed range (shrinking towards 0)
    denominators : denominators of weights (default integers only)
    """

    architecture: str = "shallow"
    activation: object = "linear"
    pooling: object = "product"
    N: object = 2
    M: object = 2
    widths: tuple | None = None
    max_width: int = 3
    window: int = 2
    shared: bool = False
    weight_range: tuple = (-10, 10)
    denominators: tuple = (1,)

    def __post_init__(self):
        if self.architecture not in ("shallow", "deep"):
            raise DomainError(f"architecture={self.architecture!r} is not one of ('shallow', 'deep')")
        for name in ("activation", "pooling", "N", "M", "weight_range", "denominators"):
            v = getattr(self, name)
            if isinstance(v, list):
                object.__setattr__(self, name, tuple(v))
        if self.widths is not None:
            ws = tuple(self.widths)
            if not ws or any(isinstance(w, bool) or not isinstance(w, int) or w < 1 for w in ws):
                raise DomainError(f"widths={self.widths!r}: expected a nonempty sequence of ints >= 1")
            if self.architecture == "shallow" and len(ws) != 1:
                raise DomainError(f"widths={self.widths!r}: a shallow network has one width, Z")
            object.__setattr__(self, "widths", ws)
        for n in self._Ns():
            if self.architecture == "deep" and self.widths is not None and _levels(n, self.window) != len(self.widths):
                raise DomainError(f"widths={self.widths!r}: N={n} with window {self.window} has "
                                  f"{_levels(n, self.window)} levels, so {_levels(n, self.window)} widths are needed")
        self.strategy()  # validates the operators and ranges

    def _Ns(self) -> tuple:
        return (self.N,) if isinstance(self.N, int) else tuple(self.N)

    def strategy(self):
        """The Hypothesis strategy of specs of this family (documented order of simplicity)."""
        from symbolic import strategies as S

        acts = (self.activation,) if isinstance(self.activation, str) else tuple(self.activation)
        pools = (self.pooling,) if isinstance(self.pooling, str) else tuple(self.pooling)
        for a in acts:
            from symbolic.operators import activation as parse

            if not parse(a).is_exact:
                raise DomainError(f"activation={a!r}: the search evaluates networks exactly; "
                                  "tanh and sigmoid have no exact values")
        if self.widths is None:
            return S.specs(self.architecture, acts, pools, N=self.N, M=self.M, max_width=self.max_width,
                           windows=(self.window,), shared=self.shared, weight_range=self.weight_range,
                           denominators=self.denominators, F=False, patch_order=False, max_outputs=1,
                           max_entries=4096)
        return _fixed_width_specs(self, acts, pools)

    def to_dict(self) -> dict:
        d = {"architecture": self.architecture, "activation": self.activation, "pooling": self.pooling,
             "N": self.N, "M": self.M, "window": self.window, "shared": self.shared,
             "weight_range": list(self.weight_range), "denominators": list(self.denominators)}
        if self.widths is not None:
            d["widths"] = list(self.widths)
        else:
            d["max_width"] = self.max_width
        if self.architecture == "shallow":
            d.pop("window")
        return d


_levels = tree_depth


def _fixed_width_specs(fam: Family, acts, pools):
    """Specs with the family's fixed widths, drawn in the order of :mod:`symbolic.strategies`
    (operators, then N, then M, then the weights: numerators shrink towards 0)."""
    from hypothesis import strategies as st

    from symbolic.strategies import numbers

    Ns = tuple(sorted(set(fam._Ns())))
    Ms = tuple(sorted(set((fam.M,) if isinstance(fam.M, int) else fam.M)))
    for name, vals, lo in (("N", Ns, 1), ("M", Ms, 1)):
        if not vals or any(isinstance(v, bool) or not isinstance(v, int) or v < lo for v in vals):
            raise DomainError(f"{name}={getattr(fam, name)!r}: expected ints >= {lo}")
    num = numbers(fam.weight_range, fam.denominators)

    @st.composite
    def draw(draw):
        act = draw(st.sampled_from(acts))
        pool = draw(st.sampled_from(pools))
        n = draw(st.sampled_from(Ns))
        m = draw(st.sampled_from(Ms))

        def arr(*shape):
            return draw(num) if not shape else [arr(*shape[1:]) for _ in range(shape[0])]

        d = {"architecture": fam.architecture, "N": n, "M": m, "activation": act, "pooling": pool}
        if fam.shared:
            d["shared"] = True
        if fam.architecture == "shallow":
            Z = fam.widths[0]
            d["weights"] = {"hidden": arr(Z, m) if fam.shared else arr(Z, n, m), "output": arr(1, Z)}
        else:
            if fam.window != 2:
                d["window"] = fam.window
            layers, prev = [], m
            for l, r in enumerate(fam.widths):
                layers.append(arr(r, prev) if fam.shared else arr(n // fam.window**l, r, prev))
                prev = r
            d["weights"] = {"layers": layers, "output": arr(1, prev)}
        return d

    return draw().map(load_spec)


def simplicity(spec: Spec) -> tuple:
    """The documented order of simplicity as a sort key: N, M, widths, sum of |weights|
    (numerators and denominators), number of nonzero weights.

    >>> from symbolic.spec import shallow
    >>> simplicity(shallow(N=2, M=2, Z=1, weights={"hidden": [[[1, 0], [0, -2]]], "output": [[1]]}))
    (2, 2, (1,), 4, 3)
    """
    flat = []

    def walk(x):
        if isinstance(x, (tuple, list)):
            for y in x:
                walk(y)
        else:
            flat.append(Fraction(x) if not hasattr(x, "free_symbols") else Fraction(0))

    walk(spec.all_weights())
    size = sum(abs(q.numerator) + q.denominator - 1 for q in flat)
    return spec.N, spec.M, tuple(spec.widths), size, sum(1 for q in flat if q)


# ----------------------------------------------------------------------------- conjectures
@dataclass(frozen=True)
class Conjecture:
    """A statement about every network of a family.

    Attributes
    ----------
    statement : str
        What is claimed, in words.
    holds : callable
        ``holds(spec, tensor) -> bool``: whether the network satisfies the statement (exactly).
    certify : callable, optional
        ``certify(spec, tensor) -> (certificate, details)``: a certificate the trusted checker
        accepts that proves the violation (e.g. a rank lower bound), and JSON details.
    latex : callable, optional
        ``latex(spec, tensor, details) -> str``: a LaTeX rendering of a counterexample.
    """

    statement: str
    holds: Callable
    certify: Callable | None = None
    latex: Callable | None = None


@dataclass(frozen=True)
class SearchResult:
    """The outcome of :func:`find_counterexample`: ``refuted`` (with a re-checked
    counterexample) or ``inconclusive`` (none found within the budget; never "true")."""

    status: str
    statement: str
    family: dict
    counterexample: Spec | None
    tensor: object
    certificate: dict | None
    details: dict
    tried: int
    seed: int
    seconds: float
    note: str = ""
    latex: str = ""
    budget: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        ce = None
        if self.counterexample is not None:
            ce = {"spec": spec_to_dict(self.counterexample), **self.details, "certificate": self.certificate,
                  "latex": self.latex, "tensor": self.tensor.to_json() if self.tensor is not None else None}
        return {"status": self.status, "conjecture": self.statement, "family": self.family, "counterexample": ce,
                "tried": self.tried, "budget": self.budget, "seed": self.seed, "seconds": round(self.seconds, 3),
                "note": self.note, "certificate": self.certificate}


class _OutOfTime(Exception):
    pass


def check_family_cost(family: Family) -> None:
    """Refuse, before the search starts, a family with fixed widths whose networks would not fit the
    limits of :mod:`symbolic.cost`: the grid tensor (exact engine) and the rank of a matricization, for
    every N and M the family may draw (families without fixed widths draw at most 4096 entries).

    >>> check_family_cost(Family(architecture="shallow", activation="relu", pooling="max", N=40, M=8, widths=(1,)))
    Traceback (most recent call last):
    ...
    symbolic.errors.TooLarge: N=40, M=8, Z=1: the grid tensor has about 1.3 x 10^36 entries (a 1.1 x 10^18 x 1.1 x 10^18 matrix; about 1.8 x 10^38 bytes with the exact engine); the limit is 16,777,216 entries (--max-entries)
    """
    from symbolic.cost import rank_cost

    if family.widths is None:
        return
    lo, hi = family.weight_range
    den = 1
    for q in family.denominators:
        den = math.lcm(den, abs(int(q)) or 1)
    bits = math.log2(max(abs(lo), abs(hi), 1) * den)
    acts = (family.activation,) if isinstance(family.activation, str) else tuple(family.activation)
    pools = (family.pooling,) if isinstance(family.pooling, str) else tuple(family.pooling)
    Ms = (family.M,) if isinstance(family.M, int) else tuple(family.M)
    for n in family._Ns():
        for m in Ms:
            for a in acts:
                for p in pools:
                    rank_cost(N=n, M=m, rows=n // 2, widths=family.widths, window=None if family.architecture == "shallow"
                              else family.window, architecture=family.architecture, activation=a.split(":")[0],
                              pooling=p, engine="exact", weight_bits=bits).check()


def find_counterexample(conjecture, family: Family, *, budget: int = 200, seed: int = 0,
                        seconds: float | None = None, progress=None, executor=None,
                        shards: int | None = None) -> SearchResult:
    """Search ``family`` for a network that violates ``conjecture``; shrink it; re-check it.

    Parameters
    ----------
    conjecture : Conjecture or callable ``(spec, tensor) -> bool`` (True when the network
        satisfies the conjecture)
    family : Family
    budget : int
        Maximum number of networks Hypothesis generates (shrinking comes on top).
    seed : int
        The search is a deterministic function of the seed (no example database).
    seconds : float, optional
        Wall-clock limit; when it runs out during shrinking, the simplest violation seen so
        far (by :func:`simplicity`) is re-checked and reported.
    progress : callable, optional
        Called as ``progress(tried)`` after each network (e.g. :class:`theorems.report.progress`'s update).
    executor, shards : optional
        Split the budget into ``shards`` seeded shards (default: one per worker of ``executor``,
        ``"processes"``, ``"dask"`` or a :func:`theorems.executors.choose_executor` choice), shard i
        with seed ``seed + i``; the refutation of the lowest-numbered shard that found one is reported
        (:mod:`theorems.search_shards`), so the result depends on ``seed`` and the shards only.

    Raises
    ------
    TooLarge
        Before the search, when the family's networks would not fit (:func:`check_family_cost`).

    Returns
    -------
    SearchResult
        ``refuted`` only with a counterexample that passed the exact re-check.
    """
    from hypothesis import HealthCheck, Phase, find, settings
    from hypothesis.errors import NoSuchExample, Unsatisfiable

    from symbolic.decompositions import grid_tensor

    if not isinstance(conjecture, Conjecture):
        if not callable(conjecture):
            raise DomainError(f"conjecture={conjecture!r}: expected a Conjecture or a callable (spec, tensor) -> bool")
        conjecture = Conjecture(getattr(conjecture, "__doc__", None) or getattr(conjecture, "__name__", "conjecture"),
                                conjecture)
    if isinstance(budget, bool) or not isinstance(budget, int) or budget < 1:
        raise DomainError(f"budget={budget!r}: expected an int >= 1 (networks to try)")
    check_family_cost(family)
    if executor is not None or shards is not None:
        from .search_shards import sharded_search

        return sharded_search(find_counterexample, conjecture, family, budget=budget, seed=seed, seconds=seconds,
                              executor=executor, shards=shards, progress=progress)
    t0 = time.perf_counter()
    deadline = None if seconds is None else t0 + seconds
    state = {"tried": 0, "best": None, "timeout": False}

    def violated(spec):
        if deadline is not None and time.perf_counter() > deadline:
            state["timeout"] = True
            raise _OutOfTime()
        state["tried"] += 1
        if progress is not None:
            progress(state["tried"])
        bad = not conjecture.holds(spec, grid_tensor(spec))
        if bad and (state["best"] is None or simplicity(spec) < simplicity(state["best"])):
            state["best"] = spec
        return bad

    cfg = settings(database=None, max_examples=budget, deadline=None, derandomize=False,
                   phases=(Phase.generate, Phase.shrink), suppress_health_check=list(HealthCheck))
    found, note = None, ""
    try:
        found = find(family.strategy(), violated, settings=cfg, random=random.Random(seed))
    except (NoSuchExample, Unsatisfiable):
        found = None
    except _OutOfTime:
        found = state["best"]
        note = "the time budget ran out" + (" while shrinking: the simplest violation seen is reported"
                                            if found is not None else "")
    except BaseException as e:  # hypothesis wraps errors raised inside the condition
        if state["timeout"] or isinstance(getattr(e, "__cause__", None), _OutOfTime):
            found = state["best"]
            note = "the time budget ran out"
        else:
            raise
    if found is not None and state["best"] is not None and simplicity(state["best"]) < simplicity(found):
        found = state["best"]
    if found is not None:
        found = _polish(found, violated, deadline)
    elapsed = lambda: time.perf_counter() - t0  # noqa: E731
    fam = family.to_dict()
    spent = {"examples": budget, "seconds": seconds}

    def inconclusive(why):
        return SearchResult("inconclusive", conjecture.statement, fam, None, None, None, {}, state["tried"], seed,
                            elapsed(), why, "", spent)

    if found is None:
        return inconclusive(note or f"no counterexample among {state['tried']} networks "
                            "(this is not a proof that the conjecture holds)")
    # the exact re-check, by an independent route: the kernel's forward pass and rank check
    from symbolic.circuit import circuit, forward_tensor
    from symbolic.kernel.linalg import check_lower, matricize as kernel_matricize
    from symbolic.kernel.sources import tensor_of

    t = forward_tensor(circuit(found))
    if conjecture.holds(found, t):
        return inconclusive("a violation found by the search did not survive the re-check by the forward pass "
                            f"(a bug): {spec_to_dict(found)}")
    try:
        if conjecture.certify is None:  # a plain predicate: the kernel re-checks the witness's tensor by its own
            # forward pass; the predicate is the user's own code, evaluated exactly on that tensor
            cert, details = {"kind": "tensor_equality", "items": [source(found), {"tensor": t.to_json()}]}, {}
            if [str(x) for x in tensor_of(source(found))] != [str(x) for x in t.entries()]:
                raise CertificateError("the kernel's forward pass gives another tensor")
        else:
            cert, details = conjecture.certify(found, t)
            A = kernel_matricize(np.asarray(tensor_of(cert["source"])), found.N, found.M, list(cert["rows"]))
            if check_lower(A, cert["certificate"]) != details.get("rank", cert["certificate"]["k"]):
                raise CertificateError("the certified rank differs from the one found")
    except (CertificateError, KeyError, TypeError) as e:
        return inconclusive(f"the certificate of the violation did not verify: {e}")
    latex = conjecture.latex(found, t, details) if conjecture.latex else ""
    return SearchResult("refuted", conjecture.statement, fam, found, t, cert, details, state["tried"], seed,
                        elapsed(), note, latex, spent)


def _polish(spec: Spec, violated, deadline, max_calls: int = 2000) -> Spec:
    """A last greedy pass along the same order: move each weight towards 0 (0 first, then
    integers of smaller magnitude) while the network still violates the conjecture.
    Hypothesis's shrinker is heuristic; this makes "smaller |weights|, fewer nonzero
    weights" hold weight by weight."""
    d = spec_to_dict(spec)
    if not isinstance(d.get("weights"), dict):
        return spec
    leaves = []

    def walk(x, path):
        if isinstance(x, list):
            for n, y in enumerate(x):
                walk(y, path + (n,))
        else:
            leaves.append(path)

    for key in sorted(d["weights"]):
        walk(d["weights"][key], (key,))

    def get(w, path):
        for p in path:
            w = w[p]
        return w

    def put(w, path, value):
        for p in path[:-1]:
            w = w[p]
        w[path[-1]] = value

    calls, changed = 0, True
    while changed:
        changed = False
        for path in leaves:
            q = Fraction(get(d["weights"], path))
            if q == 0:
                continue
            sign = 1 if q > 0 else -1
            for c in [0] + [sign * k for k in range(1, math.ceil(abs(q)))]:
                if calls >= max_calls or (deadline is not None and time.perf_counter() > deadline):
                    put(d["weights"], path, _json_number(q))
                    return load_spec(d)
                put(d["weights"], path, c)
                calls += 1
                try:
                    ok = violated(load_spec(d))
                except (ConvacError, _OutOfTime):
                    ok = False
                if ok:
                    changed = True
                    break
            else:
                put(d["weights"], path, _json_number(q))
    return load_spec(d)


def _json_number(q: Fraction):
    return q.numerator if q.denominator == 1 else f"{q.numerator}/{q.denominator}"


# ----------------------------------------------------------------------------- rank bounds
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
    symbolic.errors.DomainError: --bound 'open(1)': 'open' is not allowed (use integers, N, M, Z, L, w, r0, r1, ..., + - * / ^, min, max, floor, ceil)
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
            return _max_min(f, args) if f in (sympy.Min, sympy.Max) else f(*args)  # sympy's Max is slow
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

    >>> from symbolic.spec import deep
    >>> bound_values(deep(N=4, M=2, widths=(3, 1), seed=0))
    {'N': 4, 'M': 2, 'Z': 3, 'L': 2, 'w': 2, 'r0': 3, 'r1': 1}
    """
    ws = tuple(spec.widths)
    vals = {"N": spec.N, "M": spec.M, "Z": ws[0], "L": spec.L,
            "w": spec.window if spec.architecture == "deep" else spec.N}
    vals.update({f"r{l}": r for l, r in enumerate(ws)})
    return vals


def _evaluate(expr, spec: Spec):
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


def rank_bound(partition, bound, *, statement: str | None = None) -> Conjecture:
    """The conjecture "rank [A]_partition <= bound" (``bound`` a :func:`parse_bound` text, a sympy
    expression or an int). A violation is certified by a rank lower bound k > bound (a k x k
    minor nonzero modulo a prime, on the tensor recomputed by the forward pass).

    >>> from symbolic.spec import shallow
    >>> c = rank_bound("odd-even", "Z")
    >>> s = shallow(N=4, M=2, Z=1, activation="linear", pooling="product", seed=0)
    >>> from symbolic.decompositions import grid_tensor
    >>> c.holds(s, grid_tensor(s))
    True
    """
    from symbolic.matricize import matricize_array, parse_partition
    from symbolic.rank import exact_rank

    expr = parse_bound(bound) if isinstance(bound, str) else sympy.sympify(bound, strict=True)
    text = bound if isinstance(bound, str) else str(bound)
    statement = statement or f"rank [A]_{partition} <= {text}"

    def matrix(spec, t):
        rows = parse_partition(partition, spec.N)
        return rows, matricize_array(np.asarray(t.data), rows)

    def holds(spec, t):
        _, A = matrix(spec, t)
        b = _evaluate(expr, spec)
        return bool(exact_rank(A, lower_bound_only=True).rank <= b)

    def certify(spec, t):
        rows, A = matrix(spec, t)
        r = exact_rank(A, lower_bound_only=True)
        b = _evaluate(expr, spec)
        cert = {"kind": "matricization_rank", "source": source(spec), "rows": list(rows),
                "certificate": r.certificate.lower.to_dict()}
        details = {"rank": r.rank, "bound": str(b), "bound_expression": text, "rows": list(rows),
                   "partition": partition if isinstance(partition, str) else list(partition),
                   "values": bound_values(spec)}
        return cert, details

    def latex(spec, t, details):
        return _latex_rank(spec, t, details, expr)

    return Conjecture(statement, holds, certify, latex)


def _latex_vector(v):
    return "(" + ", ".join(sympy.latex(sympy.Rational(str(x))) for x in v) + ")"


def _latex_rank(spec: Spec, t, details, expr) -> str:
    from symbolic.matricize import matricize_array

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
            lines.append(r",\ ".join(rf"W^{{{l},{k}}} = {sympy.latex(sympy.Matrix([[sympy.Rational(str(x)) for x in r] for r in m]))}"
                                     for k, m in enumerate(mats)) + r"\\")
        lines.append(rf"a^{{y}} = {_latex_vector(spec.output[0])}\\")
    A = matricize_array(t.to_numpy(), rows)
    mat = sympy.Matrix([[sympy.Rational(str(x)) for x in r] for r in A.tolist()])
    lines.append(rf"[\mathcal{{A}}]_{{\{{{','.join(map(str, rows))}\}}}} = {sympy.latex(mat)},\quad "
                 rf"\operatorname{{rank}} = {details['rank']} > {sympy.latex(expr)} = {details['bound']}")
    lines.append(r"\end{gather*}")
    return "\n".join(lines)
