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

from theorems.claims.verdict import Verdict, answer

__all__ = ["verify_catalog", "decide_laws", "decide_universality", "decide_depth", "recheck", "Sweep", "Laws",
           "Universality"]


@dataclass(frozen=True)
class Sweep:
    """The checked catalog: one row per (claim, instance), each with its kernel-verified result."""

    rows: tuple = field(repr=False)
    size: str = "small"
    seed: int = 0

    @property
    def summary(self) -> dict:
        return self.to_dict()["summary"]

    def to_dict(self) -> dict:
        return answer("verify", [r["result"] for r in self.rows], summary=True)

    def _repr_markdown_(self):  # pragma: no cover - notebooks
        from theorems.present.render import verdicts_table

        return verdicts_table(list(self.rows))._repr_markdown_()


def verify_catalog(size: str = "small", only=None, jobs: int = 1, seed: int = 0, *, executor=None,
                   workers: int | None = None, scheduler: str | None = None, journal: str | None = None) -> Sweep:
    """Check every claim of the catalog on the sweep's instances (``convac verify``).

    ``executor`` is ``"processes"`` (``jobs`` processes), ``"dask"`` (an embedded LocalCluster of
    ``workers`` processes, or the cluster at ``scheduler``) or a :class:`theorems.run.executors.ExecutorChoice`;
    ``journal`` a path to which each result is appended as it finishes (a rerun resumes from it).
    The answer is the same whatever the executor.
    """
    from theorems.run.executors import choose_executor
    from theorems.run.sweep import run_sweep

    choice = choose_executor(executor, jobs=jobs, workers=workers, scheduler=scheduler)
    return Sweep(tuple(run_sweep(size, only, seed=seed, show_progress=False, journal=journal, executor=choice)),
                 size, seed)


@dataclass(frozen=True)
class Laws:
    """The laws of g(a, b) = P(sigma(a), sigma(b)), each decided and kernel-verified (``convac check laws``)."""

    activation: str
    pooling: str
    results: tuple = field(repr=False)
    details: tuple = field(repr=False)

    @property
    def holds(self) -> dict:
        return {r["statement"]["law"]: {"proved": True, "refuted": False}.get(r["status"]) for r in self.results}

    def to_dict(self) -> dict:
        return answer("check laws", list(self.results))


def decide_laws(activation: str, pooling: str) -> Laws:
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


def decide_universality(**kwargs) -> Universality:
    """``decide_universality(activation=..., pooling=..., architecture=..., N=..., M=..., ...)``, typed."""
    from theorems.universality.decide import decide_universality

    return Universality(decide_universality(**kwargs))


def decide_depth(activation: str, pooling: str, **kwargs):
    """Depth efficiency of the pair (``convac check depth``): a frozen
    :class:`theorems.depth.decide.DepthEfficiency` with the parts ``shallow_term_bound``,
    ``deep_witness`` and ``completeness`` (``answer``: complete, incomplete or unknown), each
    kernel-verified; keyword arguments ``N``, ``M``, ``widths``, ``N_max``, ``seed``, ``tries``."""
    from theorems.depth.decide import decide_depth as run

    return run(activation, pooling, **kwargs)


def recheck(obj):
    """Re-verify an answer (a dict, or a result's ``to_dict()``) with the trusted kernel; a Report."""
    from symbolic.kernel.recheck import recheck as kernel_recheck

    return kernel_recheck(obj.to_dict() if hasattr(obj, "to_dict") else obj)
