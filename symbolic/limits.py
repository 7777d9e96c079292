"""The resource limits in force: memory per job and grid entries (symbolic/cost.py checks work against them).

Limits are arguments, never the environment:

- every public function whose work grows with the sizes it is given takes ``limits=Limits(...)``
  (``grid_tensor``, ``forward_tensor``, ``matricization_rank``, ``exact_rank``, ``verify_catalog``,
  ``decide_universality``, ``decide_depth``, ``find_counterexample``, ``recheck``); None means the limits in force.
  A ``rank_bound`` conjecture is checked under the limits of the search that runs it; ``matricize`` rearranges a
  tensor already made, ``bounds`` works in the order of N, and ``decide_laws`` depends on no size;
- the limits in force are :data:`DEFAULT_MAX_MEMORY` and :data:`DEFAULT_MAX_ENTRIES` unless a caller set
  others for a block (:func:`use_limits`) or for the process (:func:`set_limits`, which the command line
  does with its ``--max-memory`` and ``--max-entries``; forked processes inherit them, and a sweep hands its
  :class:`Limits` to every task, which a worker of an external cluster applies);
- the library never reads its limits from ``os.environ``. Only the command line reads :data:`ENV_MAX_MEMORY` and
  :data:`ENV_MAX_ENTRIES`, as the defaults of its two flags (:func:`limits_from_environment`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from symbolic.errors import ConvacError

__all__ = ["Limits", "limits", "set_limits", "use_limits", "parse_memory", "parse_entries", "limits_from_environment",
           "DEFAULT_MAX_MEMORY", "DEFAULT_MAX_ENTRIES", "ENV_MAX_MEMORY", "ENV_MAX_ENTRIES"]

#: Default memory one job may use: 4 GiB (this machine has 24 GiB and 2 cores; two jobs of ``--jobs 2`` fit).
DEFAULT_MAX_MEMORY = 4 << 30
#: Default largest grid tensor (entries) of the exact and modular engines: 2^24 (N=24 at M=2, N=8 at M=8).
DEFAULT_MAX_ENTRIES = 1 << 24
ENV_MAX_MEMORY = "CONVAC_MAX_MEMORY"
ENV_MAX_ENTRIES = "CONVAC_MAX_ENTRIES"


@dataclass(frozen=True)
class Limits:
    """The limits in force: ``max_memory`` (bytes) and ``max_entries`` (grid entries)."""

    max_memory: int = DEFAULT_MAX_MEMORY
    max_entries: int = DEFAULT_MAX_ENTRIES


_UNITS = {"": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40}


def parse_memory(text, *, field: str = "--max-memory") -> int:
    """Bytes from ``4G``, ``500M``, ``1.5GiB``, ``64K`` or a plain number of bytes (binary units).

    >>> parse_memory("4G"), parse_memory("500M"), parse_memory("1.5GiB"), parse_memory(1 << 20)
    (4294967296, 524288000, 1610612736, 1048576)
    >>> parse_memory("lots")
    Traceback (most recent call last):
    ...
    symbolic.errors.ConvacError: --max-memory: expected a size such as 4G, 500M or 1.5GiB (K, M, G, T: powers of 1024),
    got 'lots'
    """
    if isinstance(text, int) and not isinstance(text, bool) and text > 0:
        return text
    m = re.fullmatch(r"\s*(\d{1,19}(?:\.\d{1,6})?)\s*([kKmMgGtT]?)(?:i?[bB])?\s*", str(text))
    value = int(float(m.group(1)) * _UNITS[m.group(2).upper()]) if m else 0
    if value < 1 << 20:
        what = "at least 1M" if m else "a size such as 4G, 500M or 1.5GiB (K, M, G, T: powers of 1024)"
        raise ConvacError(f"{field}: expected {what}, got {str(text)[:40]!r}")
    return value


def parse_entries(text, *, field: str = "--max-entries") -> int:
    """A number of entries from ``16777216``, ``2^24`` or ``16M`` (powers of 1024).

    >>> parse_entries("2^24"), parse_entries("1000"), parse_entries("16M")
    (16777216, 1000, 16777216)
    """
    if isinstance(text, int) and not isinstance(text, bool) and text > 0:
        return text
    s = str(text).strip()
    value = 0
    if re.fullmatch(r"\d{1,19}", s):
        value = int(s)
    elif re.fullmatch(r"2\s*(\^|\*\*)\s*\d{1,2}", s):
        value = 2 ** int(re.split(r"\^|\*\*", s)[1])
    elif re.fullmatch(r"\d{1,9}\s*[kKmMgG]", s):
        value = int(s[:-1]) * _UNITS[s[-1].upper()]
    if value < 1:
        raise ConvacError(f"{field}: expected a positive number of entries such as 16777216, 2^24 or 16M, "
                          f"got {s[:40]!r}")
    return value


def limits_from_environment(environ: Mapping[str, str]) -> Limits:
    """The limits an environment asks for (:data:`ENV_MAX_MEMORY`, :data:`ENV_MAX_ENTRIES`), else the
    defaults: the command line's defaults for ``--max-memory`` and ``--max-entries``. The caller passes the
    mapping (``os.environ``); nothing in the library reads the environment itself.

    >>> limits_from_environment({"CONVAC_MAX_ENTRIES": "2^10"})
    Limits(max_memory=4294967296, max_entries=1024)
    >>> limits_from_environment({}) == Limits()
    True
    """
    mem, ent = environ.get(ENV_MAX_MEMORY), environ.get(ENV_MAX_ENTRIES)
    return Limits(parse_memory(mem, field=ENV_MAX_MEMORY) if mem else DEFAULT_MAX_MEMORY,
                  parse_entries(ent, field=ENV_MAX_ENTRIES) if ent else DEFAULT_MAX_ENTRIES)


#: The limits set by :func:`set_limits` or :func:`use_limits` (the command line's flags, a sweep's task, a
#: function's ``limits=`` argument), else None: the defaults.
_ACTIVE: Limits | None = None


def limits() -> Limits:
    """The limits in force: those set by :func:`set_limits` or :func:`use_limits`, else the defaults
    (the environment is not read).

    >>> with use_limits(Limits(max_entries=1000)):
    ...     limits().max_entries
    1000
    >>> limits() == Limits()
    True
    """
    return _ACTIVE if _ACTIVE is not None else Limits()


def set_limits(max_memory=None, max_entries=None) -> Limits:
    """Set the limits of this process (and of the processes it forks from now on); None leaves a limit as
    it is. Returns the limits now in force.

    >>> with use_limits(Limits()):
    ...     set_limits("1000G", "2^50")
    Limits(max_memory=1073741824000, max_entries=1125899906842624)
    """
    global _ACTIVE
    cur = limits()
    _ACTIVE = Limits(parse_memory(max_memory) if max_memory is not None else cur.max_memory,
                     parse_entries(max_entries) if max_entries is not None else cur.max_entries)
    return _ACTIVE


class use_limits:
    """``with use_limits(Limits(...)):`` the limits in force inside the block, restored after it; None
    leaves the limits in force as they are (so a function's ``limits=None`` argument changes nothing).

    >>> with use_limits(Limits(max_entries=2**10)):
    ...     with use_limits(None):
    ...         limits().max_entries
    1024
    """

    def __init__(self, lim: Limits | None):
        if lim is not None and not isinstance(lim, Limits):
            raise ConvacError(f"limits: expected a symbolic.limits.Limits or None, got {type(lim).__name__} "
                              f"{str(lim)[:40]!r}")
        self.lim: Limits | None = lim
        self.saved: Limits | None = None

    def __enter__(self) -> Limits:
        global _ACTIVE
        self.saved = _ACTIVE
        if self.lim is not None:
            _ACTIVE = self.lim
        return limits()

    def __exit__(self, *exc) -> None:  # exceptions propagate
        global _ACTIVE
        _ACTIVE = self.saved
