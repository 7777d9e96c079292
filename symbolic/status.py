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
    """What a result has shown: ``proved``, ``tested``, ``refuted`` or ``inconclusive``.

    ``proved``: a certificate the trusted kernel re-verifies; ``tested``: sampled evidence only,
    never called proved; ``refuted``: a certified counterexample; ``inconclusive``: neither (a
    search that ran out of budget is inconclusive, never "false").

    Parameters
    ----------
    value : str
        One of ``"proved"``, ``"tested"``, ``"refuted"``, ``"inconclusive"``.

    Returns
    -------
    Status
        The member; a ``str``, so ``Status.PROVED == "proved"`` and JSON writes ``.value``.

    Raises
    ------
    ValueError
        For any other value.

    Examples
    --------
    >>> Status("refuted") is Status.REFUTED, Status.PROVED == "proved", str(Status.TESTED)
    (True, True, 'tested')
    >>> [s.value for s in Status]
    ['proved', 'tested', 'refuted', 'inconclusive']
    """

    PROVED = "proved"
    TESTED = "tested"
    REFUTED = "refuted"
    INCONCLUSIVE = "inconclusive"

    def __str__(self) -> str:
        return self.value
