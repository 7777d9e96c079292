"""The interactive explorer (``convac explore``, notebook 05): controls for a network and views of
its circuit, grid tensor, matricization, certified rank, bounds and the pair's verdicts.

The views are plain functions in :mod:`theorems.explore.model` (no widgets); :class:`Explorer`
(ipywidgets, the ``convac[explore]`` extra) shows them, computing in worker processes
(:mod:`theorems.explore.jobs`) so that the kernel never blocks; its pictures are SVG drawn from the
exact data (:mod:`theorems.explore.draw`). Names load lazily::

    from theorems.explore import Explorer, Choice
"""

_API = {"Explorer": "app", "Choice": "model", "refusal": "model", "compute_views": "model",
        "compute_verdicts": "model", "answer_file": "model", "Job": "jobs"}

__all__ = sorted(_API)


def __getattr__(name):
    if name in _API:
        import importlib

        return getattr(importlib.import_module(f"{__name__}.{_API[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
