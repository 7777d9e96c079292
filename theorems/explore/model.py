"""What the explorer shows, as plain functions of a :class:`Choice` (no widgets here).

A :class:`Choice` is everything the explorer's controls set. :func:`refusal` asks the cost guard
(:mod:`symbolic.cost`) from the sizes alone, before a weight is drawn; :func:`compute_views` and
:func:`compute_verdicts` return plain, picklable dicts (they run in a worker process, see
:mod:`theorems.explore.jobs`). Every number in them is the library's certified answer: the rank is
:func:`symbolic.matricization_rank` (the result of ``convac rank --json``), the badges are
:func:`theorems.decide_laws`, :func:`theorems.decide_universality` and :func:`theorems.decide_depth`.
Pictures are SVG text drawn directly from the exact data (:mod:`theorems.explore.draw`: milliseconds,
where a matplotlib figure took seconds).

>>> c = Choice(architecture="deep", N=4, M=2, activation="relu", pooling="max", seed=1)
>>> refusal(c) is None, c.cli()
(True, 'convac spec deep --N 4 --M 2 --activation relu --pooling max --seed 1 | convac rank - --partition odd-even')
>>> v = compute_views(c, figures=False)
>>> v["rank"]["rank"], v["rank"]["exact"], v["shallow_z"]["Z"]
(4, True, 2)
>>> print(refusal(Choice(architecture="shallow", N=26, M=2)))
N=26, M=2: the grid tensor has 67,108,864 entries (a 8,192 x 8,192 matrix; about ... with the exact engine); the limit
is 16,777,216 entries (--max-entries)
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import TypeVar

from symbolic.errors import ConvacError, DomainError

__all__ = ["Choice", "ACTIVATIONS", "POOLINGS", "WEIGHTS", "VERDICTS", "refusal", "build_spec", "compute_views",
           "compute_verdicts", "verdicts_job", "verdict_key", "answer_file", "views_job", "circuit_job",
           "circuit_key", "search_job", "search_family", "views_key", "png_pictures", "choice_from_spec",
           "TABLE_ENTRIES", "LATEX_MAX_N"]

_T = TypeVar("_T")

#: Offered in the activation box (any ``leaky_relu:p/q`` may be typed).
ACTIVATIONS = ("linear", "relu", "abs", "square", "leaky_relu:1/10", "tanh", "sigmoid")
POOLINGS = ("product", "max", "sum", "average")
#: random: seeded exact integers in [-1000, 1000] (as ``convac spec``); construction: the ReLU/max witness of
#: depth.relu_max.exists (max pooling, sigma(0) = 0 < sigma(1) = 1); symbolic: sympy symbols (small sizes);
#: given: the weights of the network the explorer was opened with (or a counterexample it loaded).
WEIGHTS = ("random", "construction", "symbolic", "given")
#: The grid tensor is shown as a table up to this many entries (N=4, M=3), as a heatmap beyond.
TABLE_ENTRIES = 81
#: The symbolic expansion is written out in LaTeX for N up to this (and at most 81 grid entries).
LATEX_MAX_N = 4
#: Longest LaTeX shown (characters); a longer expansion is summarised.
LATEX_MAX_CHARS = 6000
#: The badges, in the order they are computed (cheapest first).
VERDICTS = ("laws", "universality", "depth")


@dataclass(frozen=True)
class Choice:
    """The explorer's controls: a network (ICML 2016's shallow or deep net) and a partition I.

    Parameters
    ----------
    architecture : {"shallow", "deep"}, default ``"deep"``
        The network kind (generalized CP or HT decomposition, ICML 2016 eq. (4)/(5)).
    N, M : int, default 4, 2
        Patches and templates.
    widths : tuple of int, optional
        ``(Z,)`` for a shallow net (default ``(M,)``), ``(r_0, ..., r_{L-1})`` for a deep one
        (default M each).
    window : int, default 2
        Pooling window of the deep net.
    patch_order : tuple of int, optional
        The pooling geometry (default the identity).
    activation, pooling : str, default ``"relu"``, ``"max"``
        The operator, as in a spec.
    weights : str, default ``"random"``
        ``"random"``, ``"symbolic"``, ``"construction"`` (the ReLU/max depth witness) or ``"given"``.
    seed : int, default 0
        Seed of the random weights.
    Y : int, default 1
        Number of outputs.
    partition : str or tuple of int, default ``"odd-even"``
        ``"odd-even"``, ``"halves"`` or a tuple of row modes I of [A]_I.
    output : int, default 0
        The output y whose grid tensor is shown.
    given : dict, optional
        The JSON dict of the network for ``weights="given"``.

    Returns
    -------
    Choice
        Frozen and validated.

    Raises
    ------
    DomainError
        For an unknown architecture or weights, or sizes that are not ints in range.

    Examples
    --------
    >>> c = Choice(architecture="deep", N=4, M=2)
    >>> c.cli()
    'convac spec deep --N 4 --M 2 --activation relu --pooling max --seed 0 | convac rank - --partition odd-even'
    """

    architecture: str = "deep"
    N: int = 4
    M: int = 2
    widths: tuple | None = None
    window: int = 2
    patch_order: tuple | None = None
    activation: str = "relu"
    pooling: str = "max"
    weights: str = "random"
    seed: int = 0
    Y: int = 1
    partition: str | Sequence[int] = "odd-even"
    output: int = 0
    given: dict | None = field(default=None, compare=False, repr=False)

    def __post_init__(self):
        if self.architecture not in ("shallow", "deep"):
            raise DomainError(f"architecture={self.architecture!r} is not one of ('shallow', 'deep')")
        if self.weights not in WEIGHTS:
            raise DomainError(f"weights={self.weights!r} is not one of {WEIGHTS}")
        for name in ("N", "M", "window", "Y", "seed", "output"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, int):
                raise DomainError(f"{name}={v!r}: expected an int")
        for name, lo in (("N", 1), ("M", 1), ("window", 2), ("Y", 1), ("output", 0)):
            if getattr(self, name) < lo:
                raise DomainError(f"{name}={getattr(self, name)}: expected an int >= {lo}")
        if self.output >= self.Y:
            raise DomainError(f"output={self.output} is out of range: the network has Y={self.Y} outputs "
                              f"(0..{self.Y - 1})")
        if self.widths is not None:
            object.__setattr__(self, "widths", tuple(self.widths))
        if self.patch_order is not None:
            object.__setattr__(self, "patch_order", tuple(self.patch_order))
        if not isinstance(self.partition, str):
            object.__setattr__(self, "partition", tuple(self.partition))

    @property
    def key(self) -> tuple:
        """What the badges depend on: the pair, the architecture and the sizes (see :func:`verdict_key`
        for each badge's own key)."""
        return tuple(verdict_key(self, name) for name in VERDICTS)

    def cli(self) -> str:
        """The command line that gives the same network and rank (``convac spec ... | convac rank -``)."""
        if self.weights == "given":
            head = "convac rank net.json"
        else:
            parts = [f"convac spec {self.architecture} --N {self.N} --M {self.M}"]
            if self.architecture == "shallow" and self.widths:
                parts.append(f"--Z {self.widths[0]}")
            if self.architecture == "deep":
                if self.widths:
                    parts.append("--widths " + ",".join(map(str, self.widths)))
                if self.window != 2:
                    parts.append(f"--window {self.window}")
                if self.patch_order:
                    parts.append("--patch-order " + ",".join(map(str, self.patch_order)))
            parts.append(f"--activation {self.activation} --pooling {self.pooling}")
            if self.weights == "symbolic":
                parts.append("--weights symbolic")
            elif self.weights == "random":
                parts.append(f"--seed {self.seed}")
            if self.Y != 1:
                parts.append(f"--Y {self.Y}")
            head = " ".join(parts) + " | convac rank -"
            if self.weights == "construction":
                head = "(the construction of theorems.depth.decide.construction) | convac rank -"
        part = self.partition if isinstance(self.partition, str) else ",".join(map(str, self.partition))
        tail = f" --partition {part}" + (f" --output {self.output}" if self.output else "")
        return head + tail


def choice_from_spec(spec, **overrides) -> Choice:
    """The :class:`Choice` of a loaded spec (``weights="given"``, the spec kept as JSON)."""
    from symbolic.spec.network import load_spec, spec_to_dict

    spec = load_spec(spec)
    d = spec_to_dict(spec)
    widths = (spec.Z,) if spec.architecture == "shallow" else tuple(spec.widths)
    c = Choice(architecture=spec.architecture, N=spec.N, M=spec.M, widths=widths, window=spec.window,
               patch_order=spec.patch_order, activation=spec.activation.spec_name, pooling=spec.pooling.name,
               weights="symbolic" if spec.is_symbolic else "given", Y=spec.Y, given=d)
    return replace(c, **overrides)


def _levels(N: int, window: int) -> int | None:
    L, n = 0, 1
    while n < N:
        n, L = n * window, L + 1
    return L if n == N and L >= 1 else None


def _widths(c: Choice) -> tuple:
    if c.architecture == "shallow":
        return c.widths or (c.M,)
    L = _levels(c.N, c.window)
    if L is None:
        raise DomainError(f"N={c.N}: a deep network needs N = window^L with L >= 1 (window={c.window})")
    w = c.widths or (c.M,) * L
    if len(w) != L or min(w) < 1:
        raise DomainError(f"widths={','.join(map(str, w))}: expected {L} ints >= 1, one per layer "
                          f"(L = log_{c.window} {c.N} = {L})")
    return w


def _given_matches(c: Choice) -> bool:
    g = c.given
    if not g or not isinstance(g.get("weights"), dict):
        return False
    return (g["architecture"] == c.architecture and g["N"] == c.N and g["M"] == c.M
            and g.get("window", 2) == (c.window if c.architecture == "deep" else 2)
            and tuple(g.get("patch_order") or ()) == tuple(c.patch_order or ())
            and len(g["weights"]["output"]) == c.Y and _given_widths(g) == _widths(c))


def _given_widths(g: dict) -> tuple:
    w = g["weights"]
    if g["architecture"] == "shallow":
        return (len(w["hidden"]),)
    return tuple(len(layer[0]) if not g.get("shared") else len(layer) for layer in w["layers"])


def _rows(c: Choice) -> tuple:
    from symbolic.rank.matricization import parse_partition

    return parse_partition(c.partition if isinstance(c.partition, str) else list(c.partition), c.N)


def _engine(c: Choice) -> str:
    from symbolic.tensor.operators import activation, pooling

    a, p = activation(c.activation), pooling(c.pooling)
    if c.weights == "symbolic" or not a.is_exact:
        return "symbolic"
    from symbolic.tensor.operators import Operator

    return "modular" if Operator(a, p).is_polynomial else "exact"


def structured(c: Choice) -> bool:
    """A ConvAC with numeric weights past the dense sizes: ``convac rank`` certifies its rank by the structured route
    (:mod:`symbolic.rank.structured`, A = P diag(g) Q^T, never formed), so the views show the certified rank and
    the bounds, and the grid tensor's table and heatmaps only where the tensor fits.

    >>> structured(Choice(N=16, M=4, activation="linear", pooling="product")), structured(Choice(N=4, M=2))
    (True, False)
    """
    from symbolic.rank.pipeline import STRUCTURED_POINTS

    return (c.activation == "linear" and c.pooling == "product" and c.weights != "symbolic"
            and c.M ** c.N >= STRUCTURED_POINTS)


def refusal(c: Choice) -> str | None:
    """The cost guard's one-line refusal of this choice, or None when it fits.

    Decided from the sizes alone, nothing computed. Invalid choices (a bad activation, N not a
    power of the window, ...) give their one-line error too.

    Parameters
    ----------
    c : Choice
        The explorer's controls.

    Returns
    -------
    str or None
        The refusal message, or None.

    Examples
    --------
    >>> refusal(Choice(N=4, M=2)) is None
    True
    >>> refusal(Choice(N=3))
    'N=3: a deep network needs N = window^L with L >= 1 (window=2)'
    """
    from symbolic.cost import validate_weights, rank_cost

    try:
        widths = _widths(c)
        rows = _rows(c)
        validate_weights(c.architecture, N=c.N, M=c.M, widths=widths, Y=c.Y, window=c.window,
                      symbolic=c.weights == "symbolic", where=f"N={c.N}, M={c.M}")
        engine = _engine(c)
        if not structured(c):  # a ConvAC's rank never forms A (its route checks its own memory); else A is formed
            rank_cost(N=c.N, M=c.M, rows=len(rows), widths=widths, Y=c.Y,
                      window=None if c.architecture == "shallow" else c.window, architecture=c.architecture,
                      activation=c.activation.split(":")[0], pooling=c.pooling, engine=engine).check()
        if c.weights == "construction":
            _construction(c)
        if c.weights == "given" and not _given_matches(c):
            raise DomainError("weights=given: the network the explorer was opened with has other sizes; "
                              "choose random, construction or symbolic weights")
    except ConvacError as e:
        return str(e)
    return None


def _construction(c: Choice):
    from theorems.depth.decide import construction

    if c.architecture != "deep" or c.window != 2 or c.patch_order or c.Y != 1:
        raise DomainError("weights=construction: the ReLU/max witness is a deep net of window 2, natural patch "
                          "order and one output")
    s = construction(c.activation, c.pooling, c.N, c.M, c.widths)
    if s is None:
        raise DomainError(f"weights=construction: no construction for {c.activation}/{c.pooling} (it needs max "
                          "pooling and sigma(0) = 0 < sigma(1) = 1)")
    return s


def build_spec(c: Choice):
    """The network of a choice (the same as ``convac spec`` with those flags)."""
    from symbolic.spec.network import deep, load_spec, shallow

    if c.weights == "construction":
        return _construction(c)
    if c.weights == "given":
        if c.given is None:
            raise DomainError("given=None: weights='given' needs the network's JSON dict (see choice_from_spec)")
        d = dict(c.given, activation=c.activation, pooling=c.pooling)
        return load_spec(d)
    if c.architecture == "shallow":
        return shallow(N=c.N, M=c.M, Z=_widths(c)[0], activation=c.activation, pooling=c.pooling, weights=c.weights,
                       seed=c.seed, Y=c.Y)
    return deep(N=c.N, M=c.M, widths=_widths(c), window=c.window, patch_order=c.patch_order,
                activation=c.activation, pooling=c.pooling, weights=c.weights, seed=c.seed, Y=c.Y)


# ----------------------------------------------------------------------------- views
def _try(fn: Callable[[], _T]) -> tuple[_T | None, str | None]:
    """(value, None) or (None, the one-line message of a refusal)."""
    try:
        return fn(), None
    except ConvacError as e:
        return None, str(e)


def _tensor_table(t, M: int, N: int) -> list:
    import itertools

    vals = list(t.entries())
    return [(idx, str(v)) for idx, v in zip(itertools.product(range(M), repeat=N), vals)]


def shallow_z(rank_lower: int, pooling: str, N: int, M: int) -> dict:
    """The shallow width this grid tensor forces: one shallow channel has rank [A]_odd-even <= T for all
    weights (``convac check depth``'s shallow term bound), so a shallow net realizing it needs
    Z >= ceil(k / T), with k the certified rank of [A]_odd-even."""
    from theorems.depth.decide import term_bound

    T = term_bound(pooling, N, M)
    return {"T": T, "k": rank_lower, "Z": max(1, math.ceil(rank_lower / T)) if rank_lower else 0}


def compute_views(c: Choice, *, figures: bool = True, kernel: bool = True, progress=None) -> dict:
    """Every view of a choice, as plain data.

    The spec, the certified rank of [A^y]_I (``convac rank --json``'s result), the structural
    bounds, the shallow Z forced by the odd/even rank (ICML 2016 depth efficiency; COLT 2016 Thm 1
    for ConvACs), the grid tensor A^y_{d1..dN} = h_y(x^(d1), ..., x^(dN)) (a table or a heatmap),
    the matricization heatmap and the LaTeX expansion (small N).

    Parameters
    ----------
    c : Choice
        The explorer's controls.
    figures : bool, default True
        Draw the heatmaps (SVG text).
    kernel : bool, default True
        Have the trusted kernel re-verify the rank answers last (as ``convac rank`` does before it
        prints); ``rank["kernel_verified"]`` says whether it did.
    progress : callable, optional
        Called with ``("numbers", views)`` once the rank's certificate is verified by the rank checker
        (before the pictures and the kernel), then with ``("pictures", {...})`` once they are drawn.

    Returns
    -------
    dict
        The views by name: ``spec``, ``cli``, ``rank``, ``result``, ``oddeven``, ``shallow_z``,
        ``entries``, ``table``, ``tensor_svg``, ``matrix_svg``, ``latex``, ``notes``.

    Raises
    ------
    TooLarge
        The cost guard's refusal, when the choice does not fit.
    DomainError
        For an invalid choice.

    Examples
    --------
    >>> v = compute_views(Choice(architecture="shallow", N=2, M=2, activation="linear", pooling="product"),
    ...                   figures=False, kernel=False)
    >>> v["oddeven"], v["result"]["status"]
    ({'rank': 2, 'lower': 2, 'upper': 2, 'exact': True}, 'proved')
    """
    from symbolic import grid_tensor, matricization_rank
    from symbolic.rank.pipeline import flint_threads
    from symbolic.spec.network import spec_to_dict

    msg = refusal(c)
    if msg is not None:
        raise DomainError(msg) if "limit" not in msg else _too_large(msg)
    spec = build_spec(c)
    rows = _rows(c)
    part = c.partition if isinstance(c.partition, str) else list(c.partition)
    with flint_threads():  # every certificate is checked here; the kernel's re-verification comes last
        r = matricization_rank(spec, part, output=c.output, kernel_check=False)
        oe = r if list(rows) == list(_rows(replace(c, partition="odd-even"))) else \
            matricization_rank(spec, "odd-even", output=c.output, kernel_check=False)
    details = {k: (dict(v) if hasattr(v, "items") else v) for k, v in r.details.items()}
    out = {"spec": spec_to_dict(spec), "cli": c.cli(), "rank": details, "result": r.to_dict(),
           "oddeven": {"rank": oe.rank, "lower": oe.lower, "upper": oe.upper, "exact": oe.exact},
           "shallow_z": shallow_z(oe.lower, c.pooling, c.N, c.M), "entries": c.M ** c.N,
           "table": None, "tensor_svg": None, "matrix_svg": None, "latex": None, "notes": {}}
    symbolic = spec.is_symbolic or not spec.operator.is_exact
    t, why = _try(lambda: grid_tensor(spec, output=c.output, engine="symbolic" if symbolic else "exact"))
    if t is not None and c.M ** c.N <= TABLE_ENTRIES:
        out["table"] = _tensor_table(t, c.M, c.N)
    if c.N <= LATEX_MAX_N and c.M ** c.N <= TABLE_ENTRIES:
        from theorems.present.render import latex_expansion

        tex, why_tex = _try(lambda: latex_expansion(spec, output=c.output).latex)
        if tex is not None and len(tex) > LATEX_MAX_CHARS:
            why_tex = f"the expansion has {len(tex):,} characters of LaTeX; shown up to {LATEX_MAX_CHARS:,}"
            tex = None
        out["latex"], out["notes"]["latex"] = tex, why_tex
    else:
        out["notes"]["latex"] = (f"the symbolic expansion is written out for N <= {LATEX_MAX_N} and at most "
                                 f"{TABLE_ENTRIES} grid entries")
    if progress:  # the numbers first, the pictures after them, the kernel's re-verification last
        progress(("numbers", dict(out, notes=dict(out["notes"]))), force=True)
    if figures:
        figs = _figures(spec, t, why, rows, c, symbolic)
        out["notes"].update(figs.pop("notes"))
        out.update(figs)
        if progress:
            progress(("pictures", {k: out[k] for k in ("tensor_svg", "matrix_svg", "notes")}), force=True)
    if kernel:
        _kernel_verify(r, *([oe] if oe is not r else []))
        out["rank"]["kernel_verified"] = True
    return out


def _kernel_verify(*answers) -> None:
    """The trusted kernel re-derives each rank statement from its certificate (as ``convac rank`` does
    before it prints, under the limits of this run); a statement it does not verify is an error."""
    from symbolic.errors import CertificateError
    from symbolic.kernel import cost as kernel_cost
    from symbolic.kernel.recheck import check_result
    from symbolic.limits import limits

    lim = limits()
    with kernel_cost.budget(kernel_cost.Budget(memory=lim.max_memory, entries=lim.max_entries)):
        for a in answers:
            line = check_result(a.to_dict())
            if not line.ok:  # pragma: no cover - would be a bug in a prover
                raise CertificateError(f"the kernel did not verify the rank ({line.reason}): a bug, please report")


def views_job(c: Choice, figures: bool = True, progress=None) -> dict:
    """:func:`compute_views` as a :class:`theorems.explore.jobs.Job` runs it (numbers sent first, then
    the pictures, then the kernel's re-verification)."""
    return compute_views(c, figures=figures, progress=progress)


def circuit_job(c: Choice, progress=None) -> dict:
    """The circuit drawing of a choice, as SVG text (``{"svg": ..., "note": None}``, or ``svg`` None and
    the cost guard's one-line note); the exact weights are printed on small nets (N * M <= 16)."""
    from theorems.present.plot import validate_circuit_drawing

    from .draw import spec_circuit_svg

    spec = build_spec(c)

    def draw():
        validate_circuit_drawing(spec)
        return spec_circuit_svg(spec, weights=_weights_drawn(c))

    svg, why = _try(draw)
    return {"svg": svg, "note": why}


def _weights_drawn(c: Choice) -> bool:
    return c.weights != "symbolic" and c.N * c.M <= 16


def _given_key(c: Choice):
    import json

    return json.dumps(c.given, sort_keys=True) if c.weights == "given" else None


def circuit_key(c: Choice) -> tuple:
    """What the circuit drawing depends on (the weights only when they are printed, on small nets)."""
    key = (c.architecture, c.N, c.M, c.widths, c.window, c.patch_order, c.Y, c.activation, c.pooling)
    return key + ((c.weights, c.seed if c.weights == "random" else None, _given_key(c)) if _weights_drawn(c) else ())


def views_key(c: Choice) -> tuple:
    """What :func:`compute_views` depends on: the whole choice, and the given network's weights."""
    return (c, _given_key(c))


def search_family(c: Choice) -> str:
    """The family a counterexample search runs over, in one line: the search varies the weights, so it
    keeps the architecture, the operator and the sizes of the choice, whatever its weights are."""
    shape = f"Z={_widths(c)[0]}" if c.architecture == "shallow" else \
        f"widths={','.join(map(str, _widths(c)))}, window={c.window}"
    line = f"{c.architecture} {c.activation}/{c.pooling} nets, N={c.N}, M={c.M}, {shape}, every weight varied"
    if c.weights in ("given", "construction", "symbolic"):
        what = {"given": "the given weights are one network, whose rank is shown above",
                "construction": "the construction is one network, whose rank is shown above",
                "symbolic": "symbolic weights stand for every network of the family"}[c.weights]
        line += f" ({what}; a search needs the whole family)"
    return line


def search_job(c: Choice, bound: str, budget: int, seed: int, progress=None) -> dict:
    """``convac search rank-bound`` on the choice's family (its architecture, operator, N, M and widths;
    :func:`search_family`): a network whose rank [A]_partition exceeds ``bound``, shrunk and certified,
    or inconclusive. The weights of the choice play no part (given, constructed or seeded: the search
    draws its own), so it is offered for every choice, given deep nets included."""
    from theorems.search.counterexample import Family, find_counterexample, rank_bound

    fam = Family(architecture=c.architecture, activation=c.activation, pooling=c.pooling, N=c.N, M=c.M,
                 widths=_widths(c), window=c.window)
    part = c.partition if isinstance(c.partition, str) else list(c.partition)
    r = find_counterexample(rank_bound(part, bound), fam, budget=budget, seed=seed,
                            progress=(lambda n: progress(n)) if progress else None)
    return r.to_dict()


def png_pictures(c: Choice, *, circuit: bool = True, matrix: bool = True, tensor: bool = False) -> list:
    """The circuit, the matricization and the grid tensor heatmap of a choice as PNG bytes, drawn by
    :mod:`theorems.present.plot` (matplotlib: seconds, for saved notebooks; the explorer shows the SVG
    of :mod:`theorems.explore.draw`). Pictures that do not fit are left out."""
    import io

    from symbolic import grid_tensor
    from theorems.present.plot import (draw_circuit, plot_matricization, plot_tensor, validate_circuit_drawing,
                                       validate_heatmap)

    def png(fig):
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=80)
        return buf.getvalue()

    spec = build_spec(c)
    out: list[bytes] = []

    def drawing():
        validate_circuit_drawing(spec)  # refuses (raises) before the graph is built
        return draw_circuit(spec, weights=_weights_drawn(c))

    def exact_tensor():
        validate_heatmap(c.M ** c.N, f"N={c.N}, M={c.M}")  # refuses (raises) before the tensor is computed
        return grid_tensor(spec, output=c.output, engine="exact")

    if circuit:
        fig, _ = _try(drawing)
        out += [png(fig)] if fig is not None else []
    if (matrix or tensor) and not (spec.is_symbolic or not spec.operator.is_exact):
        t, _ = _try(exact_tensor)
        if t is not None:
            if matrix:
                out.append(png(plot_matricization(t, list(_rows(c)), title=f"[A^{c.output}]_I, I = {_rows(c)}")))
            if tensor:
                out.append(png(plot_tensor(t)))
    return out


def _too_large(msg):
    from symbolic.errors import TooLarge

    return TooLarge(msg)


def _figures(spec, t, why, rows, c, symbolic) -> dict:
    """The heatmaps as SVG text (:mod:`theorems.explore.draw`), or the one-line reason there are none."""
    from theorems.present.plot import validate_heatmap

    from .draw import matricization_svg, tensor_svg

    out: dict[str, str | None] = {}  # tensor_svg, matrix_svg
    notes: dict[str, str | None] = {}  # why a figure is missing (None: it is there)
    if symbolic:
        notes["tensor"] = notes["matrix"] = "symbolic entries: no heatmap (the table shows them for small sizes)"
        return {**out, "notes": notes}
    if t is None:
        notes["tensor"] = notes["matrix"] = why
        return {**out, "notes": notes}
    where = f"N={c.N}, M={c.M}"

    def tensor():
        validate_heatmap(t.size, where)
        return tensor_svg(t, output=c.output)

    def matrix():
        validate_heatmap(t.size, where)
        shape = f"{c.M ** len(rows)} x {c.M ** (c.N - len(rows))}"
        return matricization_svg(t, list(rows), title=f"[A^{c.output}]_I, I = {tuple(rows)}: a {shape} matrix")

    if c.M ** c.N > TABLE_ENTRIES:
        out["tensor_svg"], notes["tensor"] = _try(tensor)
    out["matrix_svg"], notes["matrix"] = _try(matrix)
    return {**out, "notes": notes}


# ----------------------------------------------------------------------------- badges
def verdict_key(c: Choice, name: str) -> tuple:
    """What one badge depends on: ``laws`` the pair; ``universality`` the pair, the architecture, N, M
    (and the window of a deep net); ``depth`` the pair, N and M (``convac check depth`` has no
    architecture: it compares deep against shallow). A badge is computed once per key and reused."""
    pair = (c.activation, c.pooling)
    if name == "laws":
        return ("laws",) + pair
    if name == "universality":
        return ("universality",) + pair + (c.architecture, c.N, c.M, c.window if c.architecture == "deep" else None)
    if name == "depth":
        return ("depth",) + pair + (c.N, c.M)
    raise DomainError(f"{name!r} is not a badge; the badges are {VERDICTS}")


def _verdict(c: Choice, name: str) -> dict:
    from theorems import decide_depth, decide_laws, decide_universality

    try:
        if name == "laws":
            laws = decide_laws(c.activation, c.pooling)
            return {"holds": laws.holds, "results": list(laws.results)}
        if name == "universality":
            u = decide_universality(activation=c.activation, pooling=c.pooling, architecture=c.architecture,
                                    N=c.N, M=c.M, window=c.window)
            res = u.to_dict()["results"][0]
            return {"answer": u.answer, "status": res["status"], "results": [res]}
        d = decide_depth(c.activation, c.pooling, N=c.N, M=c.M)
        w, comp = d.deep_witness, d.completeness
        return {"answer": d.answer, "status": comp.status.value, "T": d.shallow_term_bound.typed["bound"],
                "witness_rank": w.typed.get("rank"), "Z": w.typed.get("Z"), "witness_status": w.status.value,
                "Z_box": comp.typed.get("Z_box"), "box_rank": comp.typed.get("box_rank"),
                "detail": comp.detail, "results": d.to_dict()["results"]}
    except ConvacError as e:
        return {"error": str(e)}


def compute_verdicts(c: Choice, *, parts=VERDICTS, progress=None) -> dict:
    """The pair's badges: laws (``convac check laws``), universality of the architecture at (N, M)
    (``convac check universality``) and depth efficiency at (N, M) (``convac check depth``), each
    with its status and the kernel-verified results (or the library's one-line reason when a check
    does not apply at this size).

    Parameters
    ----------
    c : Choice
        The explorer's controls.
    parts : sequence of str, default ``("laws", "universality", "depth")``
        The badges to compute (a subset of :data:`VERDICTS`; the others are left out).
    progress : callable, optional
        Called with ``(name, badge)`` as soon as each badge is decided (the cheap ones arrive first),
        with ``force=True`` when it accepts that keyword (the job machinery's progress does).

    Returns
    -------
    dict
        ``{name: badge}`` for each name of ``parts``.

    Examples
    --------
    >>> compute_verdicts(Choice(architecture="shallow", N=2, M=2), parts=("laws",))["laws"]["holds"]
    {'commutativity': True, 'associativity': True, 'pooled_fixed': True}
    """
    out = {}
    for name in VERDICTS:
        if name not in parts:
            continue
        out[name] = _verdict(c, name)
        if progress:
            try:
                progress((name, out[name]), force=True)
            except TypeError:
                progress((name, out[name]))
    return out


def verdicts_job(c: Choice, parts=VERDICTS, progress=None) -> dict:
    """:func:`compute_verdicts` as a :class:`theorems.explore.jobs.Job` runs it (each badge sent as soon
    as it is decided)."""
    return compute_verdicts(c, parts=parts, progress=progress)


def answer_file(views: dict | None, verdicts: dict | None = None) -> dict:
    """One answer file (docs/answers.md) of what the explorer shows, for ``convac recheck``.

    The rank's result, then the laws, universality and depth results of the badges (those that
    were computed; ``tested`` results are left out).

    Parameters
    ----------
    views : dict or None
        :func:`compute_views`'s output, or None when not computed.
    verdicts : dict, optional
        :func:`compute_verdicts`'s output.

    Returns
    -------
    dict
        The answer envelope (:func:`theorems.claims.verdict.answer`) of command ``rank`` (or
        ``check depth`` without views).

    Raises
    ------
    DomainError
        When there is nothing to save yet.

    Examples
    --------
    >>> v = compute_views(Choice(architecture="shallow", N=2, M=2, activation="linear", pooling="product"),
    ...                   figures=False, kernel=False)
    >>> a = answer_file(v)
    >>> a["command"], [r["status"] for r in a["results"]]
    ('rank', ['proved'])
    """
    from theorems.claims.verdict import answer

    results = []
    if views:
        results.append(views["result"])
    for name in ("laws", "universality", "depth"):
        part = (verdicts or {}).get(name) or {}
        results += [r for r in part.get("results", ()) if r.get("status") != "tested"]
    if not results:
        raise DomainError("nothing to save yet: the views are still being computed")
    return answer("rank" if views else "check depth", results)


def as_dict(c: Choice) -> dict:
    """The choice as a plain dict (the given network left out)."""
    d = asdict(c)
    d.pop("given")
    return d
