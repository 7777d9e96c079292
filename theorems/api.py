"""The library calls behind ``convac verify``, ``check laws``, ``check universality`` and ``recheck``.

Each returns a frozen result whose ``to_dict()`` is exactly the command's ``--json`` answer
(the envelope of docs/answers.md) and which prints nothing.

>>> s = verify_catalog(only=["depth.relu_max.term_bound"])
>>> s.summary["proved"] == s.summary["total"], recheck(s.to_dict()).exit_code
(True, 0)
>>> decide_laws("relu", "max").holds
{'commutativity': True, 'associativity': True, 'pooled_fixed': True}
"""

from __future__ import annotations

from dataclasses import dataclass, field

from symbolic.frozen import freeze, thaw
from symbolic.limits import Limits, use_limits

from theorems.claims.verdict import Verdict, answer

__all__ = ["verify_catalog", "decide_laws", "decide_universality", "decide_depth", "recheck", "Sweep", "Laws",
           "Universality"]


@dataclass(frozen=True)
class Sweep:
    """The checked catalog: one row per (claim, instance), each with its kernel-verified result."""

    rows: tuple = field(repr=False)
    size: str = "small"
    seed: int = 0

    def __post_init__(self):
        object.__setattr__(self, "rows", freeze(tuple(self.rows)))

    @property
    def summary(self) -> dict:
        return self.to_dict()["summary"]

    def to_dict(self) -> dict:
        return answer("verify", [thaw(r["result"]) for r in self.rows], summary=True)

    def _repr_markdown_(self):  # pragma: no cover - notebooks
        from theorems.present.render import verdicts_table

        return verdicts_table(list(self.rows))._repr_markdown_()


def verify_catalog(size: str = "small", only=None, jobs: int = 1, seed: int = 0, *, executor=None,
                   workers: int | None = None, scheduler: str | None = None, journal: str | None = None,
                   limits: Limits | None = None) -> Sweep:
    """Check every claim of the catalog on the sweep's instances (``convac verify``).

    The catalog holds the claims of ICML 2016 (generalized CP/HT decompositions, universality of
    ReLU/max and non-universality of ReLU/average, depth efficiency and its incompleteness), COLT 2016
    Thm 1 (complete depth efficiency of ConvACs) and ICLR 2017 Thm 1 (matricization-rank bounds of
    the deep net); docs/paper-notes.md C1-C10, P1-P3. Each instance's result is verified by the
    trusted kernel. The answer is the same whatever the executor.

    Parameters
    ----------
    size : {"small", "medium", "large"}, default ``"small"``
        The sweep's instances (``medium`` includes the small ones, ``large`` all).
    only : list of str, optional
        Claim ids to check (default: every claim of the catalog); one id as a str is a list of one.
    jobs : int, default 1
        Worker processes for the ``"processes"`` executor.
    seed : int, default 0
        Seed of the randomized instances.
    executor : str or ExecutorChoice, optional
        ``"processes"`` (``jobs`` processes), ``"dask"`` (an embedded LocalCluster of ``workers``
        processes, or the cluster at ``scheduler``) or a :class:`theorems.run.executors.ExecutorChoice`;
        default: dask when ``workers`` or ``scheduler`` is given, else processes.
    workers : int, optional
        Dask workers of the embedded cluster.
    scheduler : str, optional
        Address of a running Dask scheduler.
    journal : str, optional
        A path to which each result is appended as it finishes (a rerun resumes from it).
    limits : symbolic.limits.Limits, optional
        The resource limits of this call (memory, grid entries); default: the limits in force
        (:func:`symbolic.limits.limits`). Work that would not fit is refused before it starts.

    Returns
    -------
    Sweep
        Frozen: one row per (claim, instance); ``summary`` counts the statuses and ``to_dict()`` is
        the ``convac verify --json`` answer (docs/answers.md).

    Raises
    ------
    symbolic.errors.DomainError
        For an unknown size, claim id or executor (a ValueError).

    Examples
    --------
    >>> s = verify_catalog(only=["depth.relu_max.term_bound"])
    >>> s.summary
    {'proved': 4, 'tested': 0, 'refuted': 0, 'inconclusive': 0, 'total': 4}
    """
    with use_limits(limits):
        from theorems.run.executors import choose_executor
        from theorems.run.sweep import run_sweep

        choice = choose_executor(executor, jobs=jobs, workers=workers, scheduler=scheduler)
        only = [only] if isinstance(only, str) else only  # one claim id, as a list of one
        return Sweep(tuple(run_sweep(size, only, seed=seed, show_progress=False, journal=journal, executor=choice)),
                     size, seed)


@dataclass(frozen=True)
class Laws:
    """The laws of g(a, b) = P(sigma(a), sigma(b)), each decided and kernel-verified (``convac check laws``)."""

    activation: str
    pooling: str
    results: tuple = field(repr=False)
    details: tuple = field(repr=False)

    def __post_init__(self):
        object.__setattr__(self, "results", freeze(tuple(self.results)))
        object.__setattr__(self, "details", freeze(tuple(self.details)))

    @property
    def holds(self) -> dict:
        return {r["statement"]["law"]: {"proved": True, "refuted": False}.get(r["status"]) for r in self.results}

    def to_dict(self) -> dict:
        return answer("check laws", thaw(list(self.results)))


def decide_laws(activation: str, pooling: str) -> Laws:
    """Decide the laws of the activation-pooling operator g(a, b) = P(sigma(a), sigma(b)) (``convac check laws``).

    The generalized tensor product A (x)_g B of ICML 2016 (docs/paper-notes.md D5, D6) needs g
    associative and commutative for the generalized CP/HT decompositions (eq. (4)/(5)) to describe
    the shallow and deep nets (claim C1). Each law is proved (or refuted with a counterexample) and
    the result verified by the trusted kernel.

    Parameters
    ----------
    activation : str
        The activation sigma, as in a spec (``"linear"``, ``"relu"``, ``"leaky_relu:1/10"``, ...).
    pooling : str
        The pooling P, as in a spec (``"product"``, ``"max"``, ``"sum"``, ``"average"``, ...).

    Returns
    -------
    Laws
        Frozen; ``holds`` maps each law (commutativity, associativity, pooled_fixed) to True, False
        or None (undecided), and ``to_dict()`` is the ``convac check laws --json`` answer.

    Raises
    ------
    symbolic.errors.DomainError
        For an unknown activation or pooling.

    Examples
    --------
    >>> decide_laws("relu", "max").holds
    {'commutativity': True, 'associativity': True, 'pooled_fixed': True}
    """
    from theorems.claims.laws import laws_answer

    a = laws_answer(activation, pooling)
    return Laws(a["activation"], a["pooling"], tuple(a["results"]), tuple(a["details"]))


@dataclass(frozen=True)
class Universality:
    """Whether a family realizes every grid tensor: ``answer`` True, False or None (undecided)."""

    verdict: Verdict = field(repr=False)

    @property
    def answer(self):
        return {"proved": True, "refuted": False}.get(self.verdict.result()["status"])

    def to_dict(self) -> dict:
        return answer("check universality", [self.verdict.result()])

    def __repr__(self):
        v = self.verdict
        if v is None:
            return "Universality(undecided)"
        st = v.typed or v.instance or {}
        says = {True: "universal", False: "not universal", None: "undecided"}[self.answer]
        return (f"Universality({st.get('activation')}/{st.get('pooling')}, {st.get('architecture')}, "
                f"N={st.get('N')}, M={st.get('M')}{', shared' if st.get('shared') else ''}: {says} "
                f"({v.typed_status or v.status.value}))")


def decide_universality(*, activation: str, pooling: str, architecture: str = "shallow", N: int, M: int,
                        window: int = 2, shared: bool = False, widths=None, samples: int = 200, seed: int = 0,
                        max_functionals: int = 12, max_regions: int = 4096,
                        limits: Limits | None = None) -> Universality:
    """Decide whether a family of networks realizes every M^N grid tensor (``convac check universality``).

    Universality in grid form (ICML 2016; docs/paper-notes.md C2-C5): every tensor A in
    R^{M x ... x M} is the grid tensor A_{d1..dN} = h_y(x^(d1), ..., x^(dN)) of some network of the
    family (unbounded widths). ICML 2016 Claim 4: shallow ReLU/max nets are universal; ReLU/average
    nets are not. A yes is certified by M^N independent realizable tensors, a no by a functional
    vanishing on every realizable tensor and a tensor on which it does not.

    Parameters
    ----------
    activation : str
        The activation, as in a spec (``"relu"``, ``"leaky_relu:1/10"``, ...).
    pooling : str
        The pooling, as in a spec (``"max"``, ``"sum"``, ``"product"``, ...).
    architecture : str, default ``"shallow"``
        ``"shallow"`` (generalized CP) or ``"deep"`` (generalized HT, pooling windows ``window``).
    N : int
        Number of patches (for ``"deep"``, a power of ``window``).
    M : int
        Number of templates (representation functions).
    window : int, default 2
        Pooling window of the deep net.
    shared : bool, default False
        Coefficient sharing (true convolution); shared nets realize only symmetric tensors.
    widths : sequence of int, optional
        Deep only: widths of an extra, direct check of the functional on a symbolic deep net
        (default M each); the answer does not depend on them.
    samples : int, default 200
        Random realizable tensors tried towards a yes.
    seed : int, default 0
        Seed of the random candidates.
    max_functionals : int, default 12
        Kernel vectors tried as vanishing functionals towards a no.
    max_regions : int, default 4096
        Budget of leaf regions of the exact case analysis that proves a functional vanishes
        (:func:`symbolic.identity.decide.prove_zero`).
    limits : symbolic.limits.Limits, optional
        The resource limits of this call (memory, grid entries); default: the limits in force
        (:func:`symbolic.limits.limits`). Work that would not fit is refused before it starts.

    Returns
    -------
    Universality
        Frozen; ``answer`` is True (universal), False (not universal) or None (undecided), and
        ``to_dict()`` is the ``convac check universality --json`` answer.

    Raises
    ------
    symbolic.errors.DomainError
        For an unknown activation, pooling or architecture, or N not a power of ``window``.

    Examples
    --------
    >>> decide_universality(activation="relu", pooling="max", N=2, M=2).answer
    True
    >>> decide_universality(activation="relu", pooling="sum", N=2, M=2).answer
    False
    """
    with use_limits(limits):
        from theorems.universality.decide import decide_universality

        return Universality(decide_universality(activation=activation, pooling=pooling, architecture=architecture, N=N,
                                                M=M, window=window, shared=shared, widths=widths, samples=samples,
                                                seed=seed, max_functionals=max_functionals, max_regions=max_regions))


def decide_depth(activation: str, pooling: str, *, N: int = 4, M: int = 2, widths=None, N_max: int | None = None,
                 seed: int = 0, tries: int = 6, approximation: bool = False, limits: Limits | None = None):
    """Decide depth efficiency of the pair (``convac check depth``), in kernel-verified parts.

    Depth efficiency (ICML 2016, docs/paper-notes.md D11, C6-C9; COLT 2016 Thm 1 for ConvACs): a
    deep net of polynomial size realizes a grid tensor whose odd/even matricization rank
    rank [A]_I forces every shallow net of the pair to have exponentially many channels Z; it is
    complete when this holds for all deep weights off a Lebesgue-null set. The parts: a bound T on
    the rank of one shallow term (so Z >= rank / T), a deep witness of high rank, and completeness.

    Parameters
    ----------
    activation : str
        The activation, as in a spec (``"linear"``, ``"relu"``, ``"square"``, ...).
    pooling : str
        The pooling, as in a spec (``"product"``, ``"max"``, ``"sum"``, ...).
    N : int, default 4
        Number of patches (a power of 2).
    M : int, default 2
        Number of templates.
    widths : sequence of int, optional
        The deep widths r_0..r_{L-1} (default M each).
    N_max : int, optional
        Also give witnesses for N = 2, 4, ..., N_max (default widths): the ``exponential`` part.
    seed : int, default 0
        First seed of the witness search.
    tries : int, default 6
        Random deep nets drawn by the witness search.
    approximation : bool, default False
        Also certify that shallow nets with fewer than Z channels cannot approximate the witness
        (a lower bound on the Frobenius distance, Courant-Fischer).
    limits : symbolic.limits.Limits, optional
        The resource limits of this call (memory, grid entries); default: the limits in force
        (:func:`symbolic.limits.limits`). Work that would not fit is refused before it starts.

    Returns
    -------
    theorems.depth.decide.DepthEfficiency
        Frozen, with the parts ``shallow_term_bound``, ``deep_witness`` and ``completeness``
        (``answer``: complete, incomplete or unknown); ``to_dict()`` is the ``--json`` answer.

    Raises
    ------
    symbolic.errors.DomainError
        For an unknown activation or pooling, or invalid N, M, widths or N_max.

    Examples
    --------
    >>> d = decide_depth("linear", "product", N=4, M=2)
    >>> d
    DepthEfficiency(linear/product, N=4, M=2: T = 1 (proved), witness rank 4 -> Z >= 4 (proved), complete (proved))
    >>> d.answer
    'complete'
    """
    with use_limits(limits):
        from theorems.depth.decide import decide_depth as run

        return run(activation, pooling, N=N, M=M, widths=widths, N_max=N_max, seed=seed, tries=tries,
                   approximation=approximation)


def recheck(obj, *, limits: Limits | None = None):
    """Re-verify an answer with the trusted kernel (``convac recheck``).

    Every certificate in the answer (rank lower bounds by nonzero minors, upper bounds by
    factorizations, counterexamples, vanishing functionals) is checked again by
    :mod:`symbolic.kernel`, independently of the prover that produced it.

    Parameters
    ----------
    obj : dict or result
        An answer file's content (docs/answers.md), or a result with ``to_dict()`` (a
        :class:`Sweep`, :class:`Laws`, :class:`Universality`, ``DepthEfficiency``, a
        :class:`symbolic.RankAnswer`, ...).
    limits : symbolic.limits.Limits, optional
        The resource limits of this call (memory, grid entries); default: the limits in force
        (:func:`symbolic.limits.limits`). Work that would not fit is refused before it starts.

    Returns
    -------
    symbolic.kernel.recheck.Report
        One line per result, each ``ok`` or not with its reason; ``exit_code`` is 0 when every
        result was re-verified.

    Examples
    --------
    >>> s = verify_catalog(only=["depth.relu_max.term_bound"])
    >>> r = recheck(s)
    >>> r.exit_code, all(line.ok for line in r.lines)
    (0, True)
    """
    from symbolic.kernel import cost as kernel_cost
    from symbolic.kernel.recheck import recheck as kernel_recheck
    from symbolic.limits import limits as limits_in_force

    from theorems.claims.verdict import answer

    data = obj.to_dict() if hasattr(obj, "to_dict") else obj
    if isinstance(data, dict) and "results" not in data and "statement" in data:  # one result (a RankAnswer's)
        st = data["statement"]
        data = answer("rank" if isinstance(st, dict) and st.get("type") == "rank" else "verify", [data])
    lim = limits if limits is not None else limits_in_force()  # the kernel's own budget (it imports no convac module)
    return kernel_recheck(data, budget=kernel_cost.Budget(memory=lim.max_memory, entries=lim.max_entries))
