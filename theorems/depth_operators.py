"""Depth efficiency for any activation-pooling pair (``convac check depth``, issue 14).

Three parts, each a kernel-verified verdict on [A]_odd-even (rows = the even 0-based modes):

1. ``shallow_term_bound``: one shallow channel o P_i(sigma(a_{i, d_i})) has rank <= T for all weights:
   product pooling T = 1 (separable), sum and average T = 2 (additively separable; U V of inner size 2),
   max T = M N/2 (rows depend only on the max over the row modes). So a shallow net needs Z >= rank / T.
2. ``deep_witness``: deep weights (a construction, then a seeded search) with a certified rank k; the
   shallow Z = ceil(k / T) that it forces, beside the deep net's weight count.  With ``N_max``, for
   N = 2, 4, 8, ...: the growth of Z with N is the ``exponential`` part, only ever ``tested``.
3. ``completeness``: ``complete`` (proved) when sigma and P are polynomials, so each minor is a polynomial
   in the weights and the witness's rank holds almost everywhere (Schwartz-Zippel); ``incomplete``
   (proved) when an open box of deep weights is realized by a shallow net with Z_small channels and has
   rank below k there (:mod:`theorems.depth_boxes`); else ``unknown``, with what was tried.

>>> r = check_depth("relu", "max", N=4, M=2)
>>> r.answer, r.shallow_term_bound.status.value, r.deep_witness.typed["rank"]
('incomplete', 'proved', 4)
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field

import sympy

from symbolic.errors import DomainError
from symbolic.matricize import parse_partition
from symbolic.operators import POOLINGS, operator
from symbolic.operators import activation as make_activation
from symbolic.spec import deep, load_spec, shallow, spec_to_dict, tree_depth

from .common import source
from .depth_boxes import find_box, leaky_as_extremum
from .depth_efficiency import rank_witness
from .verdict import Status, Timer, Verdict, answer, conclude

__all__ = ["check_depth", "DepthEfficiency", "term_bound", "RANGES"]

#: weight ranges of the seeded witness search, tried in turn (wide ranges avoid degenerate ranks).
RANGES = ((-10**6, 10**6), (-5, 5), (1, 10**6), (-100, 100))


def term_bound(pooling: str, N: int, M: int) -> int:
    """T: rank [one shallow channel]_odd-even <= T (product 1, sum and average 2, max M |rows|).

    >>> term_bound("max", 8, 2), term_bound("product", 8, 2), term_bound("average", 4, 3)
    (8, 1, 2)
    """
    return {"product": 1, "sum": 2, "average": 2}.get(pooling, M * len(parse_partition("odd-even", N)))


def polynomial_operator(act: str, pl: str) -> bool:
    """sigma(x) and P(a, b) are polynomials, read off their definitions (not from their names: leaky_relu:1
    is the identity).

    >>> polynomial_operator("leaky_relu:1", "product"), polynomial_operator("relu", "sum")
    (True, False)
    """
    x, a, b = sympy.symbols("x a b")
    return (sympy.sympify(_sig(act)(x), strict=True).is_polynomial(x) is True
            and sympy.sympify(operator(act, pl).pooling.sympy(a, b), strict=True).is_polynomial(a, b) is True)


def _base(act, pl, N, M, part):
    return {"type": "depth", "part": part, "activation": act, "pooling": pl, "N": N, "M": M}


def _sig(act):
    f = make_activation(act).sympy
    return lambda x: leaky_as_extremum(f(x))


# ------------------------------------------------------------------ 1. the shallow term bound
def _term_bound_verdict(act, pl, N, M, seed):
    t = Timer()
    T = term_bound(pl, N, M)
    rows = parse_partition("odd-even", N)
    cols = [i for i in range(N) if i not in rows]
    spec = shallow(N=N, M=M, Z=1, activation=act, pooling=pl, weights="symbolic")
    sig, o = _sig(act), spec.output[0][0]
    if pl == "max":
        cert = {"kind": "max_term_rows", "source": source(spec), "rows": list(rows), "bound": T}
        how = f"rows depend only on the max over the row modes, which takes at most M |rows| = {T} values"
    else:
        def part(modes, idx):
            vals = [sig(spec.hidden[0][i][d]) for i, d in zip(modes, idx)]
            return sympy.Mul(*vals) if pl == "product" else sympy.Add(*vals)
        R = [part(rows, r) for r in itertools.product(range(M), repeat=len(rows))]
        C = [part(cols, c) for c in itertools.product(range(M), repeat=len(cols))]
        s = sympy.Rational(1, N) if pl == "average" else 1
        if pl == "product":
            U, V = [[str(o * x)] for x in R], [[str(x) for x in C]]
            how = "the channel is separable: [A] = u v^T"
        else:
            U, V = [[str(o * s * x), str(o * s)] for x in R], [["1"] * len(C), [str(x) for x in C]]
            how = "the channel is additively separable: [A] = r 1^T + 1 c^T"
        cert = {"kind": "factorization", "source": source(spec), "rows": list(rows), "U": U, "V": V}
    return conclude("depth.shallow_term_bound", f"one shallow {act}/{pl} channel has rank [A]_odd-even <= {T} "
                    "for all weights", "", dict(activation=act, pooling=pl, N=N, M=M), Status.PROVED, cert, t, seed,
                    f"T = {T}: {how}", typed=dict(_base(act, pl, N, M, "shallow_term_bound"), bound=T))


# ------------------------------------------------------------------ 2. deep witnesses
def construction(act, pl, N, M, widths=None) -> "Spec | None":  # noqa: F821
    """The ReLU/max construction of depth.relu_max.exists for any max-pooling pair with sigma(0) = 0 <
    sigma(1) = 1: F a^{0, alpha} = 1 - e_alpha (alpha < min(r_0, M); other channels 0), above it channel 0
    sums its inputs and the other channels are 0.  None for other pairs.

    >>> construction("abs", "max", 4, 2).widths, construction("square", "sum", 4, 2)
    ((2, 2), None)
    """
    sig = make_activation(act)
    if pl != "max" or not sig.is_exact or sig(0) != 0 or sig(1) != 1:
        return None
    L = tree_depth(N, 2)
    r = list(widths) if widths is not None else [M] * L
    layer0 = [[[int(j != a) if a < M else 0 for j in range(M)] for a in range(r[0])] for _ in range(N)]
    upper = [[[[1] * r[l - 1]] + [[0] * r[l - 1] for _ in range(r[l] - 1)] for _ in range(N // 2**l)]
             for l in range(1, L)]
    return load_spec({"architecture": "deep", "N": N, "M": M, "activation": act, "pooling": pl,
                      "weights": {"layers": [layer0] + upper, "output": [[1] + [0] * (r[-1] - 1)]}})


def _params(spec) -> int:
    def count(x):
        return sum(count(y) for y in x) if isinstance(x, list) else 1
    w = spec_to_dict(spec)["weights"]
    return sum(count(v) for v in w.values())


def find_witness(act, pl, N, M, widths=None, seed=0, tries=6):
    """(rank, certificate, spec, what was tried) of the best deep net found: the construction (when it
    applies and the widths are the default), then ``tries`` seeded random draws over :data:`RANGES`."""
    best, tried, full = None, [], M ** len(parse_partition("odd-even", N))
    cands = []
    c = construction(act, pl, N, M, widths)
    if c is not None:
        cands.append(("construction", c))
    for k in range(tries):
        lo, hi = RANGES[k % len(RANGES)]
        cands.append((f"random weights in [{lo}, {hi}] (seed {seed + k})",
                      lambda k=k, lo=lo, hi=hi: deep(N=N, M=M, widths=widths, activation=act, pooling=pl,
                                                     seed=seed + k, low=lo, high=hi)))
    for what, make in cands:
        spec = make() if callable(make) else make
        r, cert = rank_witness(spec, "odd-even", seed=seed)
        tried.append(f"{what}: rank {r.rank}")
        if best is None or r.rank > best[0]:
            best = (r.rank, cert, spec)
        if r.rank >= full:
            break
    return best + (tried,)


def _witness_verdict(act, pl, N, M, widths, seed, tries):
    t = Timer()
    T = term_bound(pl, N, M)
    if not make_activation(act).is_exact:
        return conclude("depth.deep_witness", f"deep {act}/{pl} weights with a certified rank", "",
                        dict(activation=act, pooling=pl, N=N, M=M), Status.INCONCLUSIVE, None, t, seed,
                        f"{act} has no exact rational values: no witness rank can be certified exactly",
                        typed=_base(act, pl, N, M, "deep_witness")), None
    k, cert, spec, tried = find_witness(act, pl, N, M, widths, seed, tries)
    Z, p = -(-k // T), _params(spec)
    st = dict(_base(act, pl, N, M, "deep_witness"), widths=list(spec.widths), rank=k, term_bound=T, Z=Z, params=p)
    v = conclude("depth.deep_witness", f"some deep {act}/{pl} weights give rank [A]_odd-even >= {k}, so a shallow "
                 f"{act}/{pl} net realizing them needs Z >= ceil({k}/{T}) = {Z}", "",
                 dict(activation=act, pooling=pl, N=N, M=M, widths=list(spec.widths)), Status.PROVED, cert, t, seed,
                 f"rank {k} (certified); shallow Z >= {Z}, i.e. >= {Z * (N * M + 1)} shallow weights, against {p} "
                 f"deep weights; tried: {'; '.join(tried)}", typed=st)
    return v, (k, cert, spec)


# ------------------------------------------------------------------ 3. completeness
def _completeness_verdict(act, pl, N, M, widths, seed, witness):
    t = Timer()
    T = term_bound(pl, N, M)
    inst = dict(activation=act, pooling=pl, N=N, M=M)
    st = _base(act, pl, N, M, "completeness")
    tried = []
    if witness is not None:
        k, wcert, spec = witness
        st.update(widths=list(spec.widths), rank=k, Z=-(-k // T))
        sig = make_activation(act)
        if polynomial_operator(act, pl):
            return conclude("depth.completeness", f"almost every deep {act}/{pl} weight gives rank >= {k}", "", inst,
                            Status.PROVED, wcert, t, seed,
                            f"complete: sigma and P are polynomials, so every minor of [A] is a polynomial in the "
                            f"weights; the witness's {k} x {k} minor is nonzero, so rank < {k} only on its zero set "
                            f"(Schwartz-Zippel); shallow nets need Z >= {st['Z']} almost everywhere",
                            typed=dict(st, answer="complete"))
        tried.append("not polynomial: sigma or P is piecewise or transcendental")
        if sig.is_exact:
            b = find_box(act, pl, N=N, M=M, widths=list(spec.widths), tried=tried)
            if b is not None and b.rank < k:
                cert = {"kind": "all", "parts": [wcert, b.certificate]}
                return conclude("depth.completeness", f"an open box of deep {act}/{pl} weights has rank <= {b.rank} "
                                f"< {k}", "", inst, Status.PROVED, cert, t, seed,
                                f"incomplete: on an open box ({b.recipe}) a shallow net with Z = {b.Z} realizes the "
                                f"deep net and rank <= {b.rank} < {k}, the witness's rank",
                                typed=dict(st, answer="incomplete", Z_small=b.Z, box_rank=b.rank))
            if b is not None:
                tried.append(f"box ({b.recipe}): rank <= {b.rank}, not below the witness's {k}")
        else:
            tried.append(f"{act} has no exact values: no box identity by exact interval arithmetic")
    else:
        tried.append("no certified witness")
    return conclude("depth.completeness", f"completeness of depth efficiency for {act}/{pl}", "", inst,
                    Status.INCONCLUSIVE, None, t, seed, "unknown; tried: " + "; ".join(tried),
                    typed=dict(st, answer="unknown"))


# ------------------------------------------------------------------ the answer
@dataclass(frozen=True)
class DepthEfficiency:
    """The answer of ``convac check depth``: the three parts (and the witnesses of every size), each a
    kernel-verified verdict; ``to_dict()`` is the command's ``--json`` answer."""

    activation: str
    pooling: str
    N: int
    M: int
    seed: int
    verdicts: tuple = field(repr=False)

    @property
    def shallow_term_bound(self) -> Verdict:
        return self.verdicts[0]

    @property
    def witnesses(self) -> tuple:
        return tuple(v for v in self.verdicts if v.typed["part"] == "deep_witness")

    @property
    def deep_witness(self) -> Verdict:
        return next(v for v in self.witnesses if v.typed["N"] == self.N)

    @property
    def completeness(self) -> Verdict:
        return next(v for v in self.verdicts if v.typed["part"] == "completeness")

    @property
    def answer(self) -> str:
        return self.completeness.typed["answer"] if self.completeness.status is Status.PROVED else "unknown"

    def to_dict(self) -> dict:
        return answer("check depth", [v.result() for v in self.verdicts])

    def rows(self) -> list:
        """(part, N, status, what) per verdict, for tables."""
        return [(v.typed["part"], v.typed.get("N", v.typed.get("sizes")), v.status.value, v.detail)
                for v in self.verdicts]

    def __repr__(self):
        w = self.deep_witness
        wit = (f"rank {w.typed['rank']} -> Z >= {w.typed['Z']}" if w.status is Status.PROVED else "none") + \
            f" ({w.status.value})"
        return (f"DepthEfficiency({self.activation}/{self.pooling}, N={self.N}, M={self.M}: "
                f"T = {self.shallow_term_bound.typed['bound']} ({self.shallow_term_bound.status.value}), "
                f"witness {wit}, {self.answer} ({self.completeness.status.value}))")

    def _repr_markdown_(self):
        lines = [f"**depth efficiency of {self.activation}/{self.pooling}** (M = {self.M}, seed {self.seed}): "
                 f"**{self.answer}**", "", "| part | N | status | detail |", "|---|---|---|---|"]
        lines += [f"| {p} | {n} | {s} | {d.replace('|', '/')} |" for p, n, s, d in self.rows()]
        return "\n".join(lines)


def _check_args(act, pl, N, M, widths, N_max, tries):
    make_activation(act)
    if pl not in POOLINGS:
        raise DomainError(f"pooling={pl!r} is not one of {POOLINGS}")
    for name, n in (("N", N), ("N-max", N_max)):
        if n is not None and (isinstance(n, bool) or not isinstance(n, int) or n < 2 or n & (n - 1) or n > 64):
            raise DomainError(f"{name}={n!r}: expected a power of 2 in [2, 64] (deep nets of window 2)")
    if isinstance(M, bool) or not isinstance(M, int) or not 1 <= M <= 64:
        raise DomainError(f"M={M!r}: expected an int in [1, 64]")
    L = tree_depth(N, 2)
    if widths is not None and (not isinstance(widths, (list, tuple)) or len(widths) != L or any(
            isinstance(r, bool) or not isinstance(r, int) or not 1 <= r <= 64 for r in widths)):
        raise DomainError(f"widths={widths!r}: expected {L} ints in [1, 64] (r_0..r_{{L-1}}, L = log2 N = {L})")
    if isinstance(tries, bool) or not isinstance(tries, int) or not 0 <= tries <= 1000:
        raise DomainError(f"tries={tries!r}: expected an int in [0, 1000]")


def check_depth(activation: str, pooling: str, *, N: int = 4, M: int = 2, widths=None, N_max: int | None = None,
                seed: int = 0, tries: int = 6) -> DepthEfficiency:
    """Depth efficiency of the pair, in three kernel-verified parts (see the module docstring).

    Parameters
    ----------
    activation, pooling : str
        The operator, e.g. ``"square"``, ``"product"``.
    N, M : int
        Patches (a power of 2) and templates; ``widths`` the deep widths r_0..r_{L-1} (default M each).
    N_max : int, optional
        Also give witnesses for N = 2, 4, ..., N_max (default widths): the ``exponential`` part (tested).
    seed, tries : int
        The witness search draws ``tries`` random deep nets from ``seed`` on.
    """
    act = make_activation(activation).spec_name if isinstance(activation, str) else activation
    _check_args(act, pooling, N, M, widths, N_max, tries)
    t = Timer()
    term = _term_bound_verdict(act, pooling, N, M, seed)
    wv, witness = _witness_verdict(act, pooling, N, M, widths, seed, tries)
    sizes = sorted({N} | {2**j for j in range(1, int(math.log2(N_max)) + 1)} if N_max else {N})
    extra = [_witness_verdict(act, pooling, n, M, None, seed, tries)[0] for n in sizes if n != N]
    witnesses = sorted([wv] + extra, key=lambda v: v.typed["N"])
    comp = _completeness_verdict(act, pooling, N, M, widths, seed, witness)
    growth = ", ".join(f"N={v.typed['N']}: Z >= {v.typed['Z']} ({v.typed['params']} deep weights)"
                       for v in witnesses if v.status is Status.PROVED)
    exp = Verdict("depth.exponential", f"the shallow Z forced by deep {act}/{pooling} nets grows exponentially in N",
                  "", dict(activation=act, pooling=pooling, M=M, sizes=sizes), Status.TESTED, None, "none",
                  t.seconds, seed, f"tested on N = {sizes}: {growth or 'no certified witness'}",
                  typed={"type": "depth", "part": "exponential", "activation": act, "pooling": pooling, "M": M,
                         "sizes": sizes})
    return DepthEfficiency(act, pooling, N, M, seed, (term, *witnesses, comp, exp))


#: The operator library's pairs, as the README's depth table lists them.
TABLE_ACTIVATIONS = ("linear", "square", "relu", "abs", "leaky_relu:1/10", "tanh", "sigmoid")


def depth_table(Ns=(4, 8), M: int = 2, seed: int = 0, tries: int = 6) -> str:
    """A markdown table of :func:`check_depth` over every activation-pooling pair and each N: T, the
    witness's rank and the shallow Z it forces, and the completeness answer (every entry kernel-verified)."""
    head = ["pair"] + [f"N={N}: T; witness rank -> shallow Z; completeness" for N in Ns]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for act in TABLE_ACTIVATIONS:
        for pl in POOLINGS:
            cells = []
            for N in Ns:
                r = check_depth(act, pl, N=N, M=M, seed=seed, tries=tries)
                w, c = r.deep_witness, r.completeness
                wit = f"{w.typed['rank']} -> Z >= {w.typed['Z']}" if w.status is Status.PROVED else "no exact witness"
                how = {"complete": "**complete** (a.e.)", "unknown": "unknown"}.get(
                    r.answer, f"**incomplete** (box: Z = {c.typed.get('Z_small')}, rank <= {c.typed.get('box_rank')})")
                cells.append(f"{r.shallow_term_bound.typed['bound']}; {wit}; {how}")
            lines.append(f"| {act}/{pl} | " + " | ".join(cells) + " |")
    return "\n".join(lines)
