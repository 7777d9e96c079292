"""Forgers of the width a statement is about: a valid identity checked at one width, under a statement that names
another width or none.

``equivalence.deep`` ("deep net = generalized HT, for all weights and F") and ``equivalence.average`` ("average
and sum pooling nets of these widths realize the same tensors") are symbolic identities checked on one network.
The identity holds for every width, but the kernel checks it at the certificate's widths only, so the statement
must name them: an absent ``widths`` means M per layer (the convention of every deep claim), and a shallow
``equivalence.average`` states its Z.  Before, a statement without widths was accepted with a certificate of any
widths, and ``equivalence.average`` had no width field at all: the statement said more than was checked.
"""

from __future__ import annotations

import pytest

from theorems.claims.equivalence import prove_equivalence_average, prove_equivalence_deep

from .forgers import assert_accepted, assert_rejected, envelope


def _result(v) -> dict:
    return v.result()


def test_genuine_answers_name_their_widths_and_pass():
    avg_shallow = _result(prove_equivalence_average(N=2, M=2, architecture="shallow"))
    avg_deep = _result(prove_equivalence_average(N=4, M=2, architecture="deep"))
    assert avg_shallow["statement"]["instance"]["Z"] == 2
    assert avg_deep["statement"]["instance"]["widths"] == [2, 2]
    assert_accepted(envelope("verify", avg_shallow, avg_deep))


def test_deep_identity_at_other_widths_under_a_statement_without_widths():
    """widths (1, 1) checked; the statement leaves widths out, which means M per layer (2, 2)."""
    r = _result(prove_equivalence_deep(N=4, M=2, widths=(1, 1), activation="relu", pooling="max"))
    assert_accepted(envelope("verify", r))
    del r["statement"]["instance"]["widths"]
    assert_rejected(envelope("verify", r), why="equivalence.deep at widths (1, 1) read as M per layer")


def test_deep_identity_at_default_widths_without_the_field_passes():
    r = _result(prove_equivalence_deep(N=4, M=2, activation="relu", pooling="max"))
    del r["statement"]["instance"]["widths"]
    assert_accepted(envelope("verify", r))


@pytest.mark.parametrize("Z", [1, 3, 5])
def test_average_shallow_identity_at_Z_2_stated_for_another_Z(Z):
    r = _result(prove_equivalence_average(N=2, M=2, architecture="shallow"))
    r["statement"]["instance"]["Z"] = Z
    assert_rejected(envelope("verify", r), why=f"equivalence.average checked at Z = 2, stated for Z = {Z}")


def test_average_shallow_statement_without_its_width():
    r = _result(prove_equivalence_average(N=2, M=2, architecture="shallow"))
    del r["statement"]["instance"]["Z"]
    assert_rejected(envelope("verify", r), why="a shallow equivalence.average without Z")


def test_average_deep_identity_at_other_widths():
    r = _result(prove_equivalence_average(N=4, M=2, architecture="deep", widths=(1, 2)))
    assert_accepted(envelope("verify", r))
    for forged in ([2, 2], [1, 1], [3, 2]):
        r["statement"]["instance"]["widths"] = forged
        assert_rejected(envelope("verify", r), why=f"equivalence.average at widths (1, 2) stated for {forged}")
    del r["statement"]["instance"]["widths"]  # absent: M per layer, (2, 2)
    assert_rejected(envelope("verify", r), why="equivalence.average at widths (1, 2) read as M per layer")


@pytest.mark.parametrize("field, value", [("Z", 2), ("window", 4), ("patch_order", [1, 0, 3, 2])])
def test_average_deep_fields_that_do_not_match(field, value):
    r = _result(prove_equivalence_average(N=4, M=2, architecture="deep"))
    r["statement"]["instance"][field] = value
    assert_rejected(envelope("verify", r), why=f"equivalence.average deep with {field}={value}")
