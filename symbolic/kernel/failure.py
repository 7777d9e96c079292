"""The kernel's one way to reject: :func:`fail` raises :class:`~symbolic.errors.CertificateError` with one line
naming the field, the value and what is allowed; :func:`need` fails unless a condition holds.

>>> need(1 + 1 == 2, "arithmetic")
>>> need(False, "N=3: expected a power of 2")
Traceback (most recent call last):
...
symbolic.errors.CertificateError: N=3: expected a power of 2
"""

from __future__ import annotations

from ..errors import CertificateError


def fail(msg: str):
    """Reject: raise :class:`CertificateError` with ``msg``."""
    raise CertificateError(msg)


def need(cond, msg: str) -> None:
    """Reject with ``msg`` unless ``cond`` holds."""
    if not cond:
        raise CertificateError(msg)


__all__ = ["fail", "need"]
