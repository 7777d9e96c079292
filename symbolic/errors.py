"""Exceptions of convac.

Every error names the offending field or parameter, its value and what is
allowed, in one line, so that the command line can print it as it is.

>>> raise SpecError("weights.output", [[1.5]], "exact numbers (ints or 'p/q' strings), not floats")
Traceback (most recent call last):
...
symbolic.errors.SpecError: weights.output: expected exact numbers (ints or 'p/q' strings), not floats, got [[1.5]]
"""

from __future__ import annotations

__all__ = [
    "ConvacError",
    "SpecError",
    "ShapeError",
    "DomainError",
    "BackendUnavailable",
    "TooLarge",
    "CertificateError",
    "StatementError",
]


def _short(value, limit: int = 60) -> str:
    if isinstance(value, int) and not isinstance(value, bool) and abs(value).bit_length() > 200:
        return f"<an integer of {abs(value).bit_length()} bits>"  # repr() refuses more than 4300 digits
    try:
        text = repr(value)
    except ValueError:  # a huge int inside a container
        text = f"<{type(value).__name__}>"
    return text if len(text) <= limit else text[: limit - 3] + "..."


class ConvacError(Exception):
    """Base class of every error convac raises on purpose."""


class SpecError(ConvacError, ValueError):
    """A network spec is malformed: names the field path, the value and what was expected, and the closest of
    ``choices`` to the value (or to ``near``, e.g. a misspelled field name) when one is close."""

    def __init__(self, field: str, value, expected: str, *, got: str | None = None, choices=(), near=None):
        self.field, self.value, self.expected = field, value, expected
        shown = field if isinstance(field, str) and len(field) <= 200 and field.isprintable() else _short(field, 80)
        super().__init__(f"{shown}: expected {expected}, got {_short(value) if got is None else got}"
                         + did_you_mean(value if near is None else near, choices))


def did_you_mean(word, choices) -> str:
    """``"; did you mean 'activation'?"`` when ``word`` is a string close to one of ``choices``, else ``""``.

    >>> did_you_mean("activaton", ["architecture", "activation", "pooling"])
    "; did you mean 'activation'?"
    >>> did_you_mean("weights", ["N", "M"])
    ''
    """
    if not isinstance(word, str) or len(word) > 100 or not choices:
        return ""
    import difflib

    close = difflib.get_close_matches(word.lower(), [str(c) for c in choices], n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


class ShapeError(ConvacError, ValueError):
    """Arrays, partitions or indices do not fit together."""


class DomainError(ConvacError, ValueError):
    """A value is outside the allowed set (e.g. an engine that cannot evaluate an activation exactly)."""


class BackendUnavailable(ConvacError, RuntimeError):
    """An optional backend (python-flint, matplotlib) is not installed."""


class TooLarge(ConvacError, MemoryError):
    """Refused: the work would not fit in memory; the message says how large it would be."""


class CertificateError(ConvacError, ValueError):
    """A certificate did not verify: the message says which check failed."""


class StatementError(CertificateError):
    """A statement is malformed (a field outside its schema): nothing was asserted that can be checked.
    ``convac recheck`` reports it as malformed input (exit 2), whatever the result's status."""
