"""Forger, round 4 (3): the statement recheck prints says no more than the kernel checked.

A valid certificate checked at one width, printed as a statement about every width, is the class of 06c329e
(``equivalence.average`` "for all widths" from one width's identity).  Before this round:

- ``sharing``: "shared nets realize only invariant tensors; not universal", while deep shared nets are checked
  at widths M per layer only (:func:`symbolic.kernel.symmetry.invariant`);
- the claims printed their instance as written: a deep claim without ``widths`` (checked at M per layer), the
  construction's widths [r0, 1, ..., 1] of ``depth.relu_max.exists``, a deep instance's window, patch order
  and sharing were not named; a geometry instance with N > 8 read "every partition up to complement when
  N <= 8" for its listed partitions;
- the depth parts about the deep net ("some deep weights give rank >= 4", "almost every deep weight ...")
  did not name the widths they were checked at (absent: M per layer).
"""

from __future__ import annotations

import pytest

from .forgers import assert_rejected, envelope, genuine, verdict
from .test_forger_round4 import claim, documented_default


def _text(result, command="verify") -> str:
    code, text = verdict(envelope(command, result))
    assert code == 0, text
    return text.splitlines()[0]


def test_sharing_names_its_widths():
    """Deep shared nets are checked at widths M per layer only (symmetry.invariant): the printed statement says
    so; a shallow one at one Z, which covers every Z (a sum of one-channel nets): it says any Z."""
    deep_text = _text(claim("sharing", N=4, M=2, architecture="deep", activation="relu", pooling="max"))
    assert "of these widths" in deep_text and "widths=[2, 2]" in deep_text, deep_text
    shallow_text = _text(claim("sharing", N=2, M=2, architecture="shallow", activation="linear", pooling="product"))
    assert "Z=any" in shallow_text, shallow_text


def test_sharing_deep_certificate_at_other_widths_is_refused():
    r = claim("sharing", N=4, M=2, architecture="deep", activation="relu", pooling="max")
    r["certificate"]["source"]["spec"]["widths"] = [1, 1]
    assert_rejected(envelope("verify", r), why="sharing checked at widths (1, 1), printed as M per layer")


@pytest.mark.parametrize("cid, inst, want", [
    ("equivalence.deep", dict(N=4, M=2, window=2, patch_order=[2, 0, 3, 1], activation="relu", pooling="max"),
     ["widths=[2, 2]", "window=2", "shared=False"]),
    ("equivalence.average", dict(N=4, M=2, architecture="deep"), ["widths=[2, 2]", "window=2",
                                                                 "patch_order=[0, 1, 2, 3]"]),
    ("depth.convac.generic", dict(N=4, M=2), ["widths=[2, 2]"]),
    ("depth.convac.generic", dict(N=4, M=3, widths=[2, 2]), ["widths=[2, 2]"]),
    ("depth.relu_max.exists", dict(N=4, M=3, r0=2), ["r0=2", "widths=[2, 1]"]),
    ("depth.relu_max.exists", dict(N=4, M=2), ["r0=2", "widths=[2, 1]"]),
    ("depth.relu_max.incomplete", dict(N=4, M=2), ["widths=[2, 2]"]),
    ("geometry", dict(N=4, M=2, window=2, patch_order="random"), ["widths=[2, 2]", "every partition"]),
    ("universality.relu_avg", dict(N=4, M=2, architecture="deep"), ["window=2"]),
])
def test_claim_text_names_the_defaults_it_was_checked_at(cid, inst, want):
    r = claim(cid, **inst)
    st = r["statement"]["instance"]
    for k in ("widths", "window", "patch_order", "shared", "r0"):  # what the prover wrote out: left to the default
        if k not in inst and k in st and st[k] == documented_default(k, st):
            del st[k]
    text = _text(r)
    assert all(w in text for w in want), (want, text)


def test_geometry_beyond_8_says_listed_partitions():
    from symbolic.kernel.claim import describe

    st = {"type": "claim", "claim": "geometry", "instance": {"N": 16, "M": 2, "window": 4, "patch_order":
                                                           list(range(16)), "partitions": ["odd-even", "halves"]}}
    text = describe(st)
    assert "on the listed partitions" in text and "every partition" not in text, text


def test_depth_texts_name_the_deep_widths():
    from theorems import decide_depth

    res = [r for r in decide_depth("relu", "max", N=4, M=2, widths=[2, 1]).to_dict()["results"]
           if r["status"] in ("proved", "refuted")]
    for r in res:
        text = _text(r, "check depth")
        deep = r["statement"]["part"] != "shallow_term_bound"
        assert ("widths=[2, 1]" in text) == deep, text
    for r in genuine("depth_relu")["results"]:
        if r["status"] == "proved" and r["statement"]["part"] != "shallow_term_bound":
            assert "widths=[2, 2]" in _text(r, "check depth")


@pytest.mark.parametrize("N, M", [(3, 2), (5, 2)])
def test_term_bound_of_odd_N_prints_the_bound_checked(N, M):
    """The kernel checks |rows|(M - 1) + 1 with |rows| = ceil(N/2) (witnesses.max_rows); for odd N the printed
    'N(M-1)/2 + 1' was below it (N=5, M=2: 3.5 printed, 4 checked): a stronger statement than the one proved."""
    text = _text(claim("depth.relu_max.term_bound", N=N, M=M))
    assert "ceil(N/2)(M-1) + 1" in text and "<= N(M-1)/2" not in text, text


def test_laws_instance_without_operators_prints_them():
    r = claim("laws")
    del r["statement"]["instance"]["operators"]  # {}: the documented default, the same eight facts
    assert "operators=['product/linear', 'max/relu', 'sum/relu', 'average/relu', 'max/tanh']" in _text(r)
