"""A universality certificate's stack written as the outputs of one network, ``{"spec": S, "outputs": [y, ...]}``
(symbolic/kernel/universality.py), against forgeries of that form; the genuine answer in either form is accepted.
The form replaced 257 copies of one spec (a 60 MB answer at N=8, M=2 with an invertible F)."""

from __future__ import annotations

import copy
import json

import pytest

from tests.kernel.forgers import assert_accepted, assert_rejected, claim_result, envelope


@pytest.fixture(scope="module", params=["universality.relu_max", "universality.convac"])
def result(request):
    return claim_result(request.param)


def _source(res):
    return res["certificate"]["parts"][0]["source"]


def test_the_genuine_answer_writes_its_spec_once_and_is_accepted(result):
    src = _source(result)
    assert set(src) == {"spec", "outputs"} and src["outputs"] == list(range(len(src["outputs"])))
    assert_accepted(envelope("verify", result))


def test_the_same_stack_written_out_is_accepted_too(result):
    res = copy.deepcopy(result)
    src = _source(res)
    res["certificate"]["parts"][0]["source"] = {"stack": [{"spec": src["spec"], "output": y} for y in src["outputs"]]}
    assert_accepted(envelope("verify", res))
    assert len(json.dumps(res)) > len(json.dumps(result))


@pytest.mark.parametrize("change, why", [
    (lambda s: s["outputs"].append(s["outputs"][0]), "a repeated output"),
    (lambda s: s["outputs"].__delitem__(slice(s["spec"]["M"] ** s["spec"]["N"] - 1, None)),
     "one output fewer than M^N"),
    (lambda s: s["outputs"].__setitem__(-1, len(s["outputs"]) + 5), "an output out of range"),
    (lambda s: s["outputs"].__setitem__(0, True), "a boolean output"),
    (lambda s: s["outputs"].__setitem__(0, "0"), "a string output"),
    (lambda s: s.__setitem__("outputs", 3), "outputs not a list"),
    (lambda s: s.__setitem__("extra", 1), "an unknown field"),
    (lambda s: s.__setitem__("stack", []), "both forms at once"),
    (lambda s: s.pop("spec"), "no spec"),
    (lambda s: s["spec"].__setitem__("activation", "abs"), "a network of another family"),
    (lambda s: s["spec"].pop("F"), "another F (the identity)"),
    (lambda s: s["spec"]["weights"]["output"].__setitem__(1, list(s["spec"]["weights"]["output"][0])),
     "two equal outputs: dependent tensors"),
])
def test_forgeries_of_the_outputs_form_are_rejected(result, change, why):
    res = copy.deepcopy(result)
    change(_source(res))
    assert_rejected(envelope("verify", res), why=why)
