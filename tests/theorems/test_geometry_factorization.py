"""The geometry claim's upper bound as a ``symbolic_factorization`` part (issue 19): forgers and the prover's side.

A genuine answer is accepted; every edit of what the upper-bound parts say (the bound, the kind, the rows, a
partition dropped with its parts, the old ``structural_bound`` part) is rejected with a one-line reason.
"""

from __future__ import annotations

import copy
import json

import pytest

from symbolic.kernel.recheck import check_result
from symbolic.rank.bounds import iclr_upper_bound
from theorems.claims.geometry import prove_geometry
from theorems.claims.verdict import Status


@pytest.fixture(scope="module")
def genuine():
    v = prove_geometry(N=4, M=2, window=4, patch_order="random", seed=2)
    assert v.status is Status.PROVED and v.checked
    return json.loads(json.dumps(v.result()))


def _rejected(res, *words):
    line = check_result(res)
    assert not line.ok and "\n" not in line.reason, line
    for w in words:
        assert w in line.reason, line.reason
    return line.reason


def test_the_prover_emits_only_the_partition_and_the_bound(genuine):
    inst = genuine["statement"]["instance"]
    bounds = genuine["certificate"]["parts"][1::2]
    assert len(bounds) == len(inst["partitions"]) == 7  # every partition up to complement at N = 4
    for b in bounds:
        assert set(b) == {"kind", "rows", "bound"} and b["kind"] == "symbolic_factorization"
        assert b["bound"] == iclr_upper_bound(4, 2, 4, inst["widths"], inst["patch_order"], b["rows"])
    assert check_result(genuine).ok


@pytest.mark.parametrize("delta", [1, -1])
def test_a_wrong_bound_is_rejected(genuine, delta):
    m = copy.deepcopy(genuine)
    m["certificate"]["parts"][3]["bound"] += delta
    _rejected(m, "part 3", "inner size")


def test_a_missing_partition_is_rejected(genuine):
    m = copy.deepcopy(genuine)
    m["statement"]["instance"]["partitions"] = m["statement"]["instance"]["partitions"][:-1]
    m["certificate"]["parts"] = m["certificate"]["parts"][:-2]
    _rejected(m, "every partition up to complement", "1 missing")


@pytest.mark.parametrize("kind", ["structural_bound", "factorization", "symbolic_factorisation"])
def test_a_tampered_part_kind_is_rejected(genuine, kind):
    m = copy.deepcopy(genuine)
    m["certificate"]["parts"][1]["kind"] = kind
    _rejected(m, "part 1", "symbolic_factorization")


def test_the_old_structural_bound_part_is_rejected(genuine):
    m = copy.deepcopy(genuine)
    inst = m["statement"]["instance"]
    b = m["certificate"]["parts"][1]
    m["certificate"]["parts"][1] = {"kind": "structural_bound", "formula": "iclr2017_upper", "N": 4, "M": 2,
                                    "window": 4, "widths": inst["widths"], "patch_order": inst["patch_order"],
                                    "rows": b["rows"], "bound": b["bound"]}
    _rejected(m, "part 1")


@pytest.mark.parametrize("field, value", [("rows", [0, 1, 2]), ("rows", [0.0]), ("bound", 2.0), ("bound", True),
                                          ("bound", "2")])
def test_edited_rows_or_a_bound_of_another_type_are_rejected(genuine, field, value):
    m = copy.deepcopy(genuine)
    m["certificate"]["parts"][1][field] = value
    _rejected(m, "part 1")


def test_window_2_at_N_8_every_partition():
    v = prove_geometry(N=8, M=2, window=2, widths=[3, 2, 2], patch_order="random", seed=1)
    assert v.status is Status.PROVED and v.checked
    assert len(v.certificate["parts"]) == 2 * 127
