"""The versions an answer depends on: convac's own and those of python-flint, sympy and hypothesis (a search's
counterexample depends on the Hypothesis version as much as on the seed), and Python's.

Every answer file records them as its top-level ``"versions"`` object (docs/answers.md); the kernel reads that
object as an opaque label (at most 32 names to strings of at most 64 characters) and never trusts it.

>>> v = versions()
>>> sorted(v)
['convac', 'hypothesis', 'python', 'python-flint', 'sympy']
>>> all(isinstance(s, str) and 0 < len(s) <= 64 for s in v.values())
True
"""

from __future__ import annotations

import functools
import os
import pathlib
import platform
import re
import sys

__all__ = ["convac_version", "versions"]

#: The distributions whose versions an answer records, besides convac and Python.
DEPENDENCIES = ("python-flint", "sympy", "hypothesis")


def _normalized(name: str) -> str:
    """A distribution name as a ``.dist-info`` directory spells it (lower case, runs of ``-_.`` as ``_``)."""
    return re.sub(r"[-_.]+", "_", name).lower()


@functools.lru_cache(maxsize=None)
def _dist_infos() -> dict[str, str]:
    """Normalized name -> version of every ``NAME-VERSION.dist-info`` directory on ``sys.path``, the first one
    winning (the order importlib.metadata searches).  One directory listing per path entry: importing
    importlib.metadata and asking it costs about 35 ms, a sixth of a ``convac rank`` process."""
    out: dict[str, str] = {}
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:  # not a directory (a zip file), or gone
            continue
        for n in names:
            if n.endswith(".dist-info"):
                name, _, version = n[: -len(".dist-info")].rpartition("-")
                if name and version:
                    out.setdefault(_normalized(name), version)
    return out


def _installed(dist: str) -> str | None:
    """The installed version of ``dist``: from its ``.dist-info`` directory, else (other layouts: egg-info, zip
    imports) from importlib.metadata."""
    found = _dist_infos().get(_normalized(dist))
    if found:
        return found
    from importlib import metadata

    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return None


@functools.lru_cache(maxsize=None)
def convac_version() -> str:
    """convac's version: the installed distribution's, else (a source checkout that was never installed) the
    ``version`` of pyproject.toml beside the package, else ``"unknown"``.

    >>> convac_version().count(".") >= 1
    True
    """
    found = _installed("convac")
    if found:
        return found
    try:
        import tomllib

        pyproject = pathlib.Path(__file__).resolve().parents[1] / "pyproject.toml"
        return str(tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["version"])
    except (OSError, KeyError, ValueError):
        return "unknown"


@functools.lru_cache(maxsize=None)
def _versions() -> tuple[tuple[str, str], ...]:
    out = [("convac", convac_version())]
    out += [(dist, (_installed(dist) or "not installed")[:64]) for dist in DEPENDENCIES]
    out.append(("python", platform.python_version()))
    return tuple(out)


def versions() -> dict[str, str]:
    """``{"convac", "python-flint", "sympy", "hypothesis", "python"}`` to version strings (a new dict each call;
    a dependency that is not installed reads ``"not installed"``)."""
    return dict(_versions())
