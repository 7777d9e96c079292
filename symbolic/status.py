"""What a result has shown: one enum for every result type (verdicts, laws, searches, answers).

``proved`` (a certificate the trusted kernel re-verifies), ``tested`` (sampled evidence only,
never called proved), ``refuted`` (a certified counterexample), ``inconclusive`` (neither).
A ``str`` enum: ``Status.PROVED == "proved"``, and JSON writes ``.value``.

>>> Status("refuted") is Status.REFUTED, Status.PROVED == "proved", Status.TESTED.value
(True, True, 'tested')
"""

from enum import Enum

__all__ = ["Status"]


class Status(str, Enum):
    PROVED = "proved"
    TESTED = "tested"
    REFUTED = "refuted"
    INCONCLUSIVE = "inconclusive"

    def __str__(self) -> str:
        return self.value
