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

from .forgers import envelope, genuine, verdict


def _text(result, command="verify") -> str:
    code, text = verdict(envelope(command, result))
    assert code == 0, text
    return text.splitlines()[0]


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

