"""Forger, class 2 (issue 18): statement fields validated on every status branch, and printed.

Mutants of genuine statements whose fields make a different (or no) proposition: a deep universality with a
window or patch order that would make the super-patch reduction prove something else, N not a power of the
window; rank outputs and rows out of range; rank_bound families that differ from the witness's; claim
instances; depth labels; leaky_relu slopes; F fields; versions.  Each on every status (proved, refuted, tested,
inconclusive): rejected with exit 1 or 2.  A mutant that stays true (another valid patch order) may pass,
but then the printed line must show the field.
"""

from __future__ import annotations

import copy

import pytest

from .forgers import assert_accepted, assert_rejected, claim_result, envelope, genuine, verdict

STATUSES = ("proved", "refuted", "tested", "inconclusive")


def _univ(i):
    return copy.deepcopy(genuine("universality")["results"][i])


def _with_status(res, status):
    res = copy.deepcopy(res)
    res["status"] = status
    if status in ("tested", "inconclusive"):
        res["certificate"] = None
        for k in ("lower", "upper", "bounds"):
            res.pop(k, None)
    return res


DEEP_REFUTED = 2  # relu/sum deep N=4 window 2: refuted by the super-patch reduction
GEOMETRY = [("window", 3), ("window", 8), ("window", 1), ("window", True), ("window", "2"), ("window", 2.0),
            ("patch_order", [0, 0, 1, 2]), ("patch_order", [0, 1, 2]), ("patch_order", [0, 1, 2, 4]),
            ("patch_order", [True, 0, 2, 3]), ("patch_order", ["0", "1", "2", "3"]), ("patch_order", [0, 1, 2, 3, 0]),
            ("patch_order", "identity"), ("N", 3), ("N", 6), ("N", 0), ("N", 1), ("N", True),
            ("N", 2.0), ("M", 0), ("M", True), ("shared", 0), ("shared", None), ("architecture", "Deep"),
            ("activation", "ReLU"), ("pooling", "mean"), ("F", [[1, 0], [0]]), ("F", [[1.5, 0], [0, 1]]),
            ("F", [[True, 0], [0, 1]]), ("F", "identity"), ("type", "Universality")]


@pytest.mark.parametrize("status", STATUSES)
@pytest.mark.parametrize("field,value", GEOMETRY, ids=[f"{f}={v!r}" for f, v in GEOMETRY])
def test_deep_universality_fields_on_every_status(field, value, status):
    res = _with_status(_univ(DEEP_REFUTED), status)
    res["statement"][field] = value
    assert_rejected(envelope("check universality", res), why=f"{field}={value!r} ({status})")


def test_deep_universality_patch_order_null():
    res = _univ(DEEP_REFUTED)
    res["statement"]["patch_order"] = None
    assert_rejected(envelope("check universality", res))


@pytest.mark.parametrize("order", [[0, 2, 1, 3], [3, 2, 1, 0], [1, 0, 3, 2], [2, 3, 0, 1]])
def test_another_patch_order_is_proved_or_rejected_never_hidden(order):
    """The same certificate under another (valid) patch order: the reduction is recomputed from it, so the
    result is either rejected or true for that order; if accepted, the printed line names the order."""
    res = _univ(DEEP_REFUTED)
    res["statement"]["patch_order"] = order
    code, text = verdict(envelope("check universality", res))
    assert code in (0, 1), text
    if code == 0:
        assert f"patch_order={order}" in text, text


def test_window_equal_to_N_is_shown():
    res = _univ(DEEP_REFUTED)
    res["statement"]["window"] = 4
    code, text = verdict(envelope("check universality", res))
    assert code in (0, 1), text
    if code == 0:
        assert "window=4" in text, text


@pytest.mark.parametrize("status", ["refuted", "tested"])
def test_refutation_of_a_family_with_F(status):
    """A refutation is for F a weight: a statement with a fixed F is another proposition."""
    res = _with_status(_univ(1), status)
    res["statement"]["F"] = [[1, 0], [0, 1]] if status == "refuted" else [[1, 0], [0]]
    assert_rejected(envelope("check universality", res))


def test_proved_universality_as_refuted_and_back():
    for i in range(4):
        res = _univ(i)
        res["status"] = {"proved": "refuted", "refuted": "proved"}[res["status"]]
        assert_rejected(envelope("check universality", res))


# ----------------------------------------------------------------------------------------- rank
RANK_FIELDS = [("output", 1), ("output", -1), ("output", True), ("output", "0"), ("output", 0.0), ("rows", [2, 0]),
               ("rows", [0, 1, 2, 3]), ("rows", []), ("rows", [0, 0]), ("rows", [0, 4]), ("rows", "0,2"),
               ("partition", "halves"), ("partition", "0,1"), ("partition", ""), ("partition", 0),
               ("partition", "0, 2,"), ("spec", None), ("type", "rank_bound")]


@pytest.mark.parametrize("status", STATUSES)
@pytest.mark.parametrize("field,value", RANK_FIELDS, ids=[f"{f}={v!r}" for f, v in RANK_FIELDS])
def test_rank_fields_on_every_status(field, value, status):
    res = _with_status(genuine("rank")["results"][0], status)
    res["statement"][field] = value
    assert_rejected(envelope("rank", res), why=f"{field}={value!r} ({status})")


@pytest.mark.parametrize("change", ["activation", "window", "F", "Y", "symbolic", "shared"])
def test_rank_spec_changes(change):
    res = genuine("rank")["results"][0]
    spec = res["statement"]["spec"]
    if change == "activation":
        spec["activation"] = "abs"
    elif change == "window":
        spec["window"] = 4
    elif change == "patch_order":
        spec["patch_order"] = [0, 1, 3, 2]
    elif change == "F":
        spec["F"] = [[1, 1], [0, 1]]
    elif change == "Y":
        spec["Y"] = 2
    elif change == "symbolic":
        spec["weights"] = "symbolic"
    else:
        spec["shared"] = True
    code, text = verdict(envelope("rank", res))
    assert code in (1, 2), text


# ----------------------------------------------------------------------------------------- rank_bound
FAMILY = [("Z", 0), ("Z", None), ("Z", True), ("N", 2.0), ("architecture", "deep"), ("widths", [1]), ("window", 2),
          ("patch_order", [0, 1, 2, 3]), ("activation", "leaky_relu:x"), ("shared", "no")]
OTHER_FAMILY = [("Z", 2), ("activation", "abs"), ("pooling", "sum"), ("shared", True), ("M", 3), ("N", 2)]


@pytest.mark.parametrize("status", ["proved", "refuted"])
@pytest.mark.parametrize("field,value", OTHER_FAMILY, ids=[f"{f}={v!r}" for f, v in OTHER_FAMILY])
def test_rank_bound_family_differs_from_the_witness(field, value, status):
    """A well-formed family that is not the witness's: another proposition, not proved by this witness."""
    res = _with_status(genuine("search")["results"][0], status)
    res["statement"]["family"][field] = value
    assert_rejected(envelope("search", res), why=f"family.{field}={value!r} ({status})")


@pytest.mark.parametrize("status", STATUSES)
@pytest.mark.parametrize("field,value", FAMILY, ids=[f"{f}={v!r}" for f, v in FAMILY])
def test_rank_bound_family_mismatch(field, value, status):
    res = _with_status(genuine("search")["results"][0], status)
    res["statement"]["family"][field] = value
    assert_rejected(envelope("search", res), why=f"family.{field}={value!r} ({status})")


@pytest.mark.parametrize("bound", ["Z + 5", "M^N", "tanh(Z)", "Z/0", "x", "", "Z^999", 1, "2*Z", "Max(Z, 9)",
                                   "r0", "w^L^2"])
def test_rank_bound_bound_changed(bound):
    res = genuine("search")["results"][0]
    res["statement"]["bound"] = bound
    assert_rejected(envelope("search", res), why=f"bound={bound!r}")


def test_rank_bound_rows_changed():
    for rows in ([0, 1], [1, 3], [0], [0, 2, 3]):
        res = genuine("search")["results"][0]
        res["statement"]["rows"] = rows
        assert_rejected(envelope("search", res), why=f"rows={rows}")


# ----------------------------------------------------------------------------------------- claims
INSTANCE = [("universality.convac", "F", [[1, 1], [1, 1]]), ("universality.convac", "F", [[1, 0], [0]]),
            ("universality.convac", "F", [[1, 0], [0, "1/0"]]), ("universality.convac", "window", 2),
            ("universality.convac", "architecture", "deep"), ("universality.relu_max", "N", 3),
            ("universality.relu_avg", "architecture", "deep"), ("equivalence.shallow", "Z", 3),
            ("equivalence.shallow", "activation", "relu"), ("equivalence.deep", "window", 3),
            ("equivalence.deep", "patch_order", [1, 0]), ("equivalence.deep", "shared", True),
            ("equivalence.deep", "widths", [3]), ("equivalence.deep", "pooling", "max"),
            ("depth.convac.shallow_bound", "Z", 1), ("depth.convac.generic", "widths", [1]),
            ("depth.convac.generic", "N", 4), ("depth.relu_max.exists", "r0", 3), ("depth.relu_max.term_bound", "M", 3),
            ("depth.relu_max.incomplete", "widths", [1]), ("geometry", "patch_order", [1, 0]),
            ("geometry", "partitions", ["odd-even", "odd-even"]), ("geometry", "partitions", ["0,1"]),
            ("geometry", "window", 4), ("sharing", "pooling", "max"), ("sharing", "window", 2),
            ("equivalence.average", "architecture", "deep"), ("laws", "operators", ["product/linear"])]


@pytest.mark.parametrize("cid,field,value", INSTANCE, ids=[f"{c}.{f}={v!r}" for c, f, v in INSTANCE])
def test_claim_instance_fields(cid, field, value):
    res = claim_result(cid)
    res["statement"]["instance"][field] = value
    assert_rejected(envelope("verify", res), why=f"{cid}.{field}={value!r}")


@pytest.mark.parametrize("cid", ["universality.relu_avg", "depth.convac.generic", "geometry", "sharing"])
def test_claim_ids_swapped_and_false(cid):
    for other in ("false." + cid, "universality.convac", "laws", "geometry "):
        res = claim_result(cid)
        res["statement"]["claim"] = other
        assert_rejected(envelope("verify", res), why=f"claim {other}")
    res = claim_result(cid)
    res["status"] = "refuted"
    assert_rejected(envelope("verify", res))


def test_equivalence_deep_proved_by_a_shared_network():
    res = claim_result("equivalence.deep")
    del res["statement"]["instance"]["shared"]
    res["certificate"]["source"]["spec"]["shared"] = True
    assert_rejected(envelope("verify", res), why="equivalence.deep by a shared net")


# ----------------------------------------------------------------------------------------- depth labels
DEPTH = [("part", "completness"), ("part", None), ("part", "exponential"), ("answer", "maybe"), ("answer", True),
         ("N", 3), ("N", 6), ("M", 0), ("activation", "leaky_relu:"), ("pooling", "prod"), ("type", "Depth")]


@pytest.mark.parametrize("status", STATUSES)
@pytest.mark.parametrize("field,value", DEPTH, ids=[f"{f}={v!r}" for f, v in DEPTH])
def test_depth_labels(field, value, status):
    res = next(r for r in genuine("depth_linear")["results"] if r["statement"]["part"] == "completeness")
    res = _with_status(res, status)
    res["statement"][field] = value
    assert_rejected(envelope("check depth", res), why=f"depth {field}={value!r} ({status})")


# ----------------------------------------------------------------------------------------- laws, slopes
SLOPES = ["leaky_relu:", "leaky_relu:1.5", "leaky_relu:1/0", "leaky_relu:a", "leaky_relu:1/2/3", "leaky_relu:1e3",
          "leaky_relu:" + "9" * 1200, "leaky_relu:--1", "leaky_relu", "leaky_relu:1 /", "Leaky_relu:1/2",
          "leaky_relu:\u0661"]


@pytest.mark.parametrize("status", STATUSES)
@pytest.mark.parametrize("slope", SLOPES)
def test_leaky_relu_slopes(slope, status):
    res = _with_status(genuine("laws")["results"][0], status)
    res["statement"]["activation"] = slope
    assert_rejected(envelope("check laws", res), why=f"{slope} ({status})")


@pytest.mark.parametrize("law", ["window:1", "window:7", "window:", "window:2.0", "Commutativity", "distributivity",
                                 ["commutativity"], None])
def test_law_names(law):
    for status in STATUSES:
        res = _with_status(genuine("laws")["results"][0], status)
        res["statement"]["law"] = law
        assert_rejected(envelope("check laws", res), why=f"law={law!r} ({status})")


# ----------------------------------------------------------------------------------------- envelope
@pytest.mark.parametrize("versions", [[], "1.0", {"convac": 1}, {f"k{i}": "1" for i in range(33)},
                                      {"convac": "x" * 65}, None])
def test_versions(versions):
    a = genuine("laws")
    a["versions"] = versions
    assert_rejected(a)


@pytest.mark.parametrize("summary", [{}, None, {"proved": 99}, [], "all"])
def test_summary(summary):
    a = genuine("verify")
    a["summary"] = summary
    assert_rejected(a)


def test_genuine_fields_pass():
    for name in ("universality", "search", "laws", "rank"):
        assert_accepted(genuine(name))
