"""Counterexample search: find a network of a family that violates a conjecture (design.md section 6).

A *conjecture* is a predicate on a network and its grid tensor, ``holds(spec, tensor) -> bool``
(a plain callable, or a :class:`Conjecture` that can also certify a violation and render it).
A *family* (:class:`Family`) fixes the architecture, the operators and the size ranges.
Hypothesis strategies for specs (:mod:`symbolic.spec.strategies`) drive the search and shrink a
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
>>> r.status.value, r.details["rank"], r.details["bound"]
('refuted', 2, '1')
>>> fam = Family(architecture="shallow", activation="linear", pooling="product", N=4, M=2, widths=(2,))
>>> find_counterexample(rank_bound("odd-even", "Z"), fam, budget=30, seed=0).status.value
'inconclusive'
"""

from __future__ import annotations

import math
import random
import time
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Callable, TypedDict

import numpy as np
import sympy

from symbolic.errors import CertificateError, DomainError
from symbolic.frozen import freeze, thaw
from symbolic.spec.network import Spec, load_spec, spec_to_dict, tree_depth
from symbolic.tensor.grid import GridTensor
from symbolic.status import Status
from symbolic.limits import Limits, use_limits

from theorems.search.bound_expr import bound_values, evaluate_bound, latex_rank, parse_bound
from theorems.claims.common import source
from theorems.search.polish import OutOfTime as _OutOfTime, polish

__all__ = ["Family", "Conjecture", "SearchResult", "find_counterexample", "rank_bound", "parse_bound",
           "bound_values", "simplicity"]


# ----------------------------------------------------------------------------- families
@dataclass(frozen=True)
class Family:
    """A family of networks to search: architecture, operators and size ranges.

    The networks are those of ICML 2016: shallow (generalized CP, eq. (4)) or deep (generalized
    HT, eq. (5)); the search draws members and shrinks a violation towards the simplest one.

    Parameters
    ----------
    architecture : {"shallow", "deep"}, default ``"shallow"``
        The network kind.
    activation, pooling : str or tuple of str, default ``"linear"``, ``"product"``
        A name, or a tuple of names (the first is the simplest).
    N, M : int or tuple of int, default 2, 2
        Patches and templates: an int or a tuple of ints (the smallest is the simplest).
    widths : tuple of int, optional
        Fixed widths, ``(Z,)`` for shallow or ``(r_0, ..., r_{L-1})`` for deep; None draws every
        width in 1..``max_width`` (smaller is simpler).
    max_width : int, default 3
        The largest width drawn when ``widths`` is None.
    window : int, default 2
        Pooling window of deep networks.
    shared : bool, default False
        Coefficient sharing.
    weight_range : tuple of int, default (-10, 10)
        Numerators of weights, drawn in this closed range (shrinking towards 0).
    denominators : tuple of int, default (1,)
        Denominators of weights (integers only by default).

    Returns
    -------
    Family
        Frozen; lists are turned into tuples.

    Raises
    ------
    DomainError
        For an unknown architecture, or widths that do not fit the architecture and N.

    Examples
    --------
    >>> Family(architecture="deep", activation="relu", pooling="max", N=(2, 4), widths=None)
    Family(architecture='deep', activation='relu', pooling='max', N=(2, 4), M=2, widths=None, max_width=3,
           window=2, shared=False, weight_range=(-10, 10), denominators=(1,))
    >>> Family(widths=(1, 2))
    Traceback (most recent call last):
    ...
    symbolic.errors.DomainError: widths=(1, 2): a shallow network has one width, Z
    """

    architecture: str = "shallow"
    activation: str | tuple[str, ...] = "linear"
    pooling: str | tuple[str, ...] = "product"
    N: int | tuple[int, ...] = 2
    M: int | tuple[int, ...] = 2
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
        from symbolic.spec import strategies as S

        acts = (self.activation,) if isinstance(self.activation, str) else tuple(self.activation)
        pools = (self.pooling,) if isinstance(self.pooling, str) else tuple(self.pooling)
        for a in acts:
            from symbolic.tensor.operators import activation as parse

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
    """Specs with the family's fixed widths, drawn in the order of :mod:`symbolic.spec.strategies`
    (operators, then N, then M, then the weights: numerators shrink towards 0)."""
    from hypothesis import strategies as st

    from symbolic.spec.strategies import numbers

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

    >>> from symbolic.spec.network import shallow
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
    counterexample) or ``inconclusive`` (none found within the budget; never "true").
    ``status`` is a :class:`symbolic.status.Status` (a string is converted)."""

    status: Status
    statement: str
    family: dict
    counterexample: Spec | None
    tensor: GridTensor | None
    certificate: dict | None
    details: dict
    tried: int
    seed: int
    seconds: float
    note: str = ""
    latex: str = ""
    budget: dict = field(default_factory=dict)

    def __post_init__(self):
        object.__setattr__(self, "status", Status(self.status))
        for name in ("family", "certificate", "details", "budget"):  # deeply immutable; to_dict() thaws
            object.__setattr__(self, name, freeze(getattr(self, name)))
        if self.status not in (Status.REFUTED, Status.INCONCLUSIVE):
            raise DomainError(f"status={self.status.value!r}: a search refutes or is inconclusive")

    def to_dict(self) -> dict:
        ce = None
        if self.counterexample is not None:
            ce = {"spec": spec_to_dict(self.counterexample), **thaw(self.details),
                  "certificate": thaw(self.certificate), "latex": self.latex,
                  "tensor": self.tensor.to_dict() if self.tensor is not None else None}
        return {"status": self.status.value, "conjecture": self.statement, "family": thaw(self.family),
                "counterexample": ce, "tried": self.tried, "budget": thaw(self.budget), "seed": self.seed,
                "seconds": round(self.seconds, 3), "note": self.note, "certificate": thaw(self.certificate)}


def validate_family_cost(family: Family) -> None:
    """Refuse, before the search starts, a family with fixed widths whose networks would not fit the
    limits of :mod:`symbolic.cost`: the grid tensor (exact engine) and the rank of a matricization, for
    every N and M the family may draw (families without fixed widths draw at most 4096 entries).

    >>> validate_family_cost(Family(architecture="shallow", activation="relu", pooling="max", N=40, M=8, widths=(1,)))
    Traceback (most recent call last):
    ...
    symbolic.errors.TooLarge: N=40, M=8, Z=1: the grid tensor has about 1.3 x 10^36 entries (a 1.1 x 10^18 x 1.1 x 10^18
    matrix; about 1.8 x 10^38 bytes with the exact engine); the limit is 16,777,216 entries (--max-entries)
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
                    rank_cost(N=n, M=m, rows=n // 2, widths=family.widths, window=None
                              if family.architecture == "shallow"
                              else family.window, architecture=family.architecture, activation=a.split(":")[0],
                              pooling=p, engine="exact", weight_bits=bits).check()


def find_counterexample(conjecture, family: Family, *, budget: int = 200, seed: int = 0,
                        seconds: float | None = None, progress=None, executor=None,
                        shards: int | None = None, limits: Limits | None = None) -> SearchResult:
    """Search ``family`` for a network that violates ``conjecture``; shrink it; re-check it.

    Parameters
    ----------
    conjecture : Conjecture or callable
        A :func:`rank_bound` conjecture, or a callable ``(spec, tensor) -> bool`` (True when the
        network satisfies the conjecture).
    family : Family
        The networks to search.
    budget : int, default 200
        Maximum number of networks Hypothesis generates (shrinking comes on top).
    seed : int, default 0
        The search is a deterministic function of the seed (no example database).
    seconds : float, optional
        Wall-clock limit; when it runs out during shrinking, the simplest violation seen so
        far (by :func:`simplicity`) is re-checked and reported.
    progress : callable, optional
        Called as ``progress(tried)`` after each network (e.g. :class:`theorems.present.report.progress`'s update).
    executor, shards : optional
        Split the budget into ``shards`` seeded shards (default: one per worker of ``executor``,
        ``"processes"``, ``"dask"`` or a :func:`theorems.run.executors.choose_executor` choice), shard i
        with seed ``seed + i``; the refutation of the lowest-numbered shard that found one is reported
        (:mod:`theorems.search.shards`), so the result depends on ``seed`` and the shards only.
    limits : symbolic.limits.Limits, optional
        The resource limits of this call (memory, grid entries); default: the limits in force
        (:func:`symbolic.limits.limits`). Work that would not fit is refused before it starts.

    Returns
    -------
    SearchResult
        ``refuted`` only with a counterexample that passed the exact re-check (its ``tensor``,
        ``certificate`` and ``latex``); otherwise ``inconclusive``, which is not a proof that the
        conjecture holds.

    Raises
    ------
    DomainError
        For a conjecture that is neither a Conjecture nor callable, or a bad budget.
    TooLarge
        Before the search, when the family's networks would not fit (:func:`validate_family_cost`).

    Examples
    --------
    Shallow ConvACs satisfy rank [A]_odd-even <= Z (each CP term has rank 1), so the search finds
    nothing, and says only that:

    >>> r = find_counterexample(rank_bound("odd-even", "Z"), Family(N=2, M=2), budget=10, seed=0)
    >>> r.status.value, r.tried
    ('inconclusive', 10)
    >>> r.note
    'no counterexample among 10 networks (this is not a proof that the conjecture holds)'
    """
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise DomainError(f"seed={seed!r}: expected an int >= 0")
    if seconds is not None and (isinstance(seconds, bool) or not isinstance(seconds, (int, float))
                                or not 0 < seconds < float("inf")):
        raise DomainError(f"seconds={seconds!r}: expected a finite number of seconds > 0, or None")
    with use_limits(limits):
        return _search(conjecture, family, budget=budget, seed=seed, seconds=seconds, progress=progress,
                       executor=executor, shards=shards)


class _SearchState(TypedDict):
    """What the search's condition records as Hypothesis calls it."""

    tried: int  # networks evaluated
    best: Spec | None  # the simplest violation seen (reported if the time runs out while shrinking)
    timeout: bool  # the time budget ran out inside the condition


def _search(conjecture, family: Family, *, budget: int, seed: int, seconds: float | None, progress, executor,
            shards: int | None) -> SearchResult:
    """:func:`find_counterexample` under the limits in force."""
    from hypothesis import HealthCheck, Phase, find, settings
    from hypothesis.errors import NoSuchExample, Unsatisfiable

    from symbolic.tensor.decompositions import grid_tensor

    if not isinstance(conjecture, Conjecture):
        if not callable(conjecture):
            raise DomainError(f"conjecture={conjecture!r}: expected a Conjecture or a callable (spec, tensor) -> bool")
        name = getattr(conjecture, "__doc__", None) or getattr(conjecture, "__name__", "conjecture")
        conjecture = Conjecture(str(name), conjecture)
    if isinstance(budget, bool) or not isinstance(budget, int) or budget < 1:
        raise DomainError(f"budget={budget!r}: expected an int >= 1 (networks to try)")
    validate_family_cost(family)
    if executor is not None or shards is not None:
        from theorems.search.shards import sharded_search

        return sharded_search(find_counterexample, conjecture, family, budget=budget, seed=seed, seconds=seconds,
                              executor=executor, shards=shards, progress=progress)
    t0 = time.perf_counter()
    deadline = None if seconds is None else t0 + seconds
    state: _SearchState = {"tried": 0, "best": None, "timeout": False}

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
    found: Spec | None = None
    note = ""
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
        found = polish(found, violated, deadline)
    elapsed = lambda: time.perf_counter() - t0  # noqa: E731
    fam = family.to_dict()
    spent = {"examples": budget, "seconds": seconds}

    def inconclusive(why):
        return SearchResult(Status.INCONCLUSIVE, conjecture.statement, fam, None, None, None, {}, state["tried"], seed,
                            elapsed(), why, "", spent)

    if found is None:
        return inconclusive(note or f"no counterexample among {state['tried']} networks "
                            "(this is not a proof that the conjecture holds)")
    # the exact re-check, by an independent route: the kernel's forward pass and rank check
    from symbolic.tensor.circuit_graph import circuit, forward_tensor
    from symbolic.kernel.linalg import check_lower, matricize as kernel_matricize
    from symbolic.kernel.sources import tensor_of

    t = forward_tensor(circuit(found))
    if conjecture.holds(found, t):
        return inconclusive("a violation found by the search did not survive the re-check by the forward pass "
                            f"(a bug): {spec_to_dict(found)}")
    try:
        if conjecture.certify is None:  # a plain predicate: the kernel re-checks the witness's tensor by its own
            # forward pass; the predicate is the user's own code, evaluated exactly on that tensor
            cert, details = {"kind": "tensor_equality", "items": [source(found), {"tensor": t.to_dict()}]}, {}
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
    return SearchResult(Status.REFUTED, conjecture.statement, fam, found, t, cert, details, state["tried"], seed,
                        elapsed(), note, latex, spent)


def rank_bound(partition, bound, *, statement: str | None = None) -> Conjecture:
    """The conjecture "rank [A]_partition <= bound" on the grid tensors of a family.

    rank [A]_I is the matricization rank (ICLR 2017 eq. (1)); e.g. rank [A]_odd-even <= Z holds for
    shallow ConvACs (each CP term matricizes to rank 1; COLT 2016 Thm 1's route) and fails for
    shallow ReLU/max nets (ICML 2016, docs/paper-notes.md C6). A violation is certified by a rank
    lower bound k > bound (a k x k minor nonzero modulo a prime, on the tensor recomputed by the
    forward pass).

    Parameters
    ----------
    partition : str or sequence of int
        The row modes I: ``"odd-even"``, ``"halves"``, ``"0,3"`` or 0-based ints.
    bound : str, sympy expression or int
        The bound: a :func:`parse_bound` text in the network's quantities (``"Z"``, ``"M**(N/2)"``,
        ...), a sympy expression or an int.
    statement : str, optional
        The conjecture's text (default ``"rank [A]_<partition> <= <bound>"``).

    Returns
    -------
    Conjecture
        ``holds(spec, tensor)`` tests it; ``certify`` gives the certificate of a violation.

    Raises
    ------
    DomainError
        For a bound that does not parse.

    Examples
    --------
    >>> from symbolic.spec.network import shallow
    >>> c = rank_bound("odd-even", "Z")
    >>> s = shallow(N=4, M=2, Z=1, activation="linear", pooling="product", seed=0)
    >>> from symbolic.tensor.decompositions import grid_tensor
    >>> c.holds(s, grid_tensor(s))
    True
    """
    from symbolic.rank.matricization import check_partition_spelling, matricize_array, parse_partition
    from symbolic.rank.exact import exact_rank

    expr = parse_bound(bound) if isinstance(bound, str) else sympy.sympify(bound, strict=True)
    text = bound if isinstance(bound, str) else str(bound)
    check_partition_spelling(partition)  # now; each network's N is checked when the search reads it
    statement = statement or f"rank [A]_{partition} <= {text}"

    def matrix(spec, t):
        rows = parse_partition(partition, spec.N)
        return rows, matricize_array(np.asarray(t.data), rows)

    def holds(spec, t):
        _, A = matrix(spec, t)
        b = evaluate_bound(expr, spec)
        return bool(exact_rank(A, lower_bound_only=True).rank <= b)

    def certify(spec, t):
        rows, A = matrix(spec, t)
        r = exact_rank(A, lower_bound_only=True)
        b = evaluate_bound(expr, spec)
        cert = {"kind": "matricization_rank", "source": source(spec), "rows": list(rows),
                "certificate": r.certificate.lower.to_dict()}
        details = {"rank": r.rank, "bound": str(b), "bound_expression": text, "rows": list(rows),
                   "partition": partition if isinstance(partition, str) else list(partition),
                   "values": bound_values(spec)}
        return cert, details

    def latex(spec, t, details):
        return latex_rank(spec, t, details, expr)

    return Conjecture(statement, holds, certify, latex)


