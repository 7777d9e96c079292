"""square/max at N = 4 (issue 19): one shallow square channel with weights root_j = sqrt(g_j) realizes the deep
net on the dominant box (the certificate's ``roots``: g_j > 0 on the box), below the Z_w = 2 the witness forces.
Forgers: a root of an expression not positive on the whole box, an edited root, a root named like a deep weight or
missing, an edited label: all rejected by the kernel."""

from __future__ import annotations

import copy
import json

import pytest

from symbolic.kernel.recheck import check_result
from theorems import decide_depth


@pytest.fixture(scope="module")
def res():
    r = decide_depth("square", "max", N=4, M=2, tries=1)
    assert r.answer == "incomplete" and r.completeness.typed["Z_box"] == 1
    return json.loads(json.dumps(r.completeness.result()))


def _box(res):
    return next(p for p in res["certificate"]["parts"] if p.get("kind") == "box_identity")


def test_sqrt_box_is_accepted(res):
    assert check_result(res).ok
    assert set(_box(res)["roots"]) == {"root_0", "root_1"}


def _edit_root(res, f):
    bad = copy.deepcopy(res)
    roots = _box(bad)["roots"]
    roots["root_0"] = f(roots["root_0"])
    return bad


@pytest.mark.parametrize("edit", [lambda g: f"-({g})", lambda g: f"{g} - 1000000", lambda g: f"2*({g})",
                                  lambda g: f"({g})^2"])
def test_edited_root_is_rejected(res, edit):
    """negated or shifted: not real on the box; doubled or squared: the tensors differ."""
    assert not check_result(_edit_root(res, edit)).ok


def test_root_not_real_on_the_box_is_named(res):
    line = check_result(_edit_root(res, lambda g: f"-({g})"))
    assert not line.ok and "not real on the whole box" in line.reason


def test_root_named_like_a_deep_weight_or_missing_is_rejected(res):
    bad = copy.deepcopy(res)
    b = _box(bad)
    b["roots"]["o_0_0"] = b["roots"].pop("root_0")
    assert not check_result(bad).ok
    bad = copy.deepcopy(res)
    del _box(bad)["roots"]["root_1"]
    assert not check_result(bad).ok


@pytest.mark.parametrize("label", ["complete", "none"])
def test_edited_label_is_rejected(res, label):
    bad = copy.deepcopy(res)
    bad["statement"]["answer"] = label
    assert not check_result(bad).ok
