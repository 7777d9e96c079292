"""Tests of symbolic/status.py: one str enum of statuses, written to JSON as its value."""

import json

import pytest

from symbolic.status import Status


def test_the_four_statuses_and_their_values():
    assert [s.value for s in Status] == ["proved", "tested", "refuted", "inconclusive"]


@pytest.mark.parametrize("s", list(Status))
def test_a_status_is_its_string(s):
    assert Status(s.value) is s
    assert s == s.value and str(s) == s.value and f"{s}" == s.value
    assert json.loads(json.dumps({"status": s})) == {"status": s.value}  # a str enum: JSON writes the value
    assert {s.value: 1}[s] == 1  # hashes as its string


def test_unknown_statuses_are_refused():
    for bad in ("true", "Proved", "", None):
        with pytest.raises(ValueError):
            Status(bad)
