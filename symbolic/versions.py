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
import pathlib
import platform

__all__ = ["convac_version", "versions"]

#: The distributions whose versions an answer records, besides convac and Python.
DEPENDENCIES = ("python-flint", "sympy", "hypothesis")


def _installed(dist: str) -> str | None:
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
